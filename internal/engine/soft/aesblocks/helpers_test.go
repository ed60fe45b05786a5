package aesblocks

import (
	"bufio"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// impl is one implementation path a test runs.
type impl struct {
	name string
	kind implKind
}

// impls lists every path this machine can run: the generic crypto/aes path
// always, AES-NI and VAES when the CPU has them.
func impls(t testing.TB) []impl {
	t.Helper()
	var out []impl
	for k := implGeneric; k <= bestImpl; k++ {
		out = append(out, impl{k.String(), k})
	}
	if bestImpl != implVAES {
		t.Logf("fastest path here is %v; faster paths are not tested", bestImpl)
	}
	return out
}

func (p impl) new(t testing.TB, key []byte) *Cipher {
	t.Helper()
	c, err := newCipher(key, p.kind)
	if err != nil {
		t.Fatalf("%s: New(%d bytes): %v", p.name, len(key), err)
	}
	if c.impl != p.kind {
		t.Fatalf("%s: got path %v", p.name, c.impl)
	}
	return c
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// rspRecord is one record of a NIST CAVP .rsp file (or the same layout as
// used by the RFC 3686 files): its section ("ENCRYPT"/"DECRYPT") and its
// KEY = VALUE fields.
type rspRecord struct {
	section string
	line    int
	fields  map[string]string
}

// readRSP parses a CAVP response file: "#" comments, "[SECTION]" headers,
// "KEY = VALUE" lines, records separated by blank lines.
func readRSP(t *testing.T, path string) []rspRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		recs    []rspRecord
		section string
		cur     *rspRecord
	)
	flush := func() {
		if cur != nil {
			recs = append(recs, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			flush()
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s:%d: unparsed line %q", path, n, line)
			}
			if cur == nil {
				cur = &rspRecord{section: section, line: n, fields: map[string]string{}}
			}
			cur.fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}
