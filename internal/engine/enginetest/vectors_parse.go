package enginetest

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// testdata holds the trimmed NIST CAVP / RFC files (testdata/README.md
// names their origin). They are embedded so that tests of other packages,
// which run in another directory, can load them too.
//
//go:embed testdata/cavp testdata/hmac testdata/rfc1321 testdata/rfc3686 testdata/rfc6229 testdata/sp800-38b
var testdata embed.FS

// errRSP is wrapped by every parse error of the CAVP text format.
var errRSP = errors.New("malformed CAVP file")

// rspRecord is one test case of a NIST CAVP-style text file ("KEY = 00…"
// lines separated by blank lines, grouped under "[name = value]" section
// lines).
type rspRecord struct {
	// Section holds the section lines in effect ("[ENCRYPT]" gives
	// "ENCRYPT": "", "[Keylen = 128]" gives "Keylen": "128").
	Section map[string]string
	// Fields holds the "name = value" lines, values trimmed.
	Fields map[string]string
	// Flags holds bare words (e.g. "FAIL").
	Flags []string
	// Line is the 1-based line number of the record's first line.
	Line int
}

// hasFlag reports whether the record carries the bare word f.
func (r *rspRecord) hasFlag(f string) bool {
	for _, x := range r.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// parseRSP splits a CAVP-style file into records. '#' lines are comments;
// a record ends at a blank line, at a section line, or when a field name
// repeats. Lines of more than 1 MiB are an error.
func parseRSP(data []byte) ([]rspRecord, error) {
	var (
		out       []rspRecord
		section   = map[string]string{}
		inHeaders bool // the previous significant line was a section line
		cur       *rspRecord
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			flush()
			continue
		case strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "["):
			flush()
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("%w: line %d: unterminated section %q", errRSP, n, line)
			}
			if !inHeaders {
				section = map[string]string{}
			}
			inHeaders = true
			k, v, _ := strings.Cut(line[1:len(line)-1], "=")
			section[strings.TrimSpace(k)] = strings.TrimSpace(v)
			continue
		}
		inHeaders = false
		k, v, isField := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if isField && k == "" {
			return nil, fmt.Errorf("%w: line %d: field without a name", errRSP, n)
		}
		if cur != nil && isField {
			if _, dup := cur.Fields[k]; dup {
				flush()
			}
		}
		if cur == nil {
			cur = &rspRecord{Section: section, Fields: map[string]string{}, Line: n}
		}
		if isField {
			cur.Fields[k] = v
		} else {
			cur.Flags = append(cur.Flags, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", errRSP, err)
	}
	flush()
	return out, nil
}

// readRSP parses an embedded file.
func readRSP(name string) ([]rspRecord, error) {
	data, err := testdata.ReadFile(name)
	if err != nil {
		return nil, err
	}
	recs, err := parseRSP(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no test cases", name)
	}
	return recs, nil
}

// recordReader reads typed fields of a record and remembers the first
// error, so that loaders can read several fields and check once.
type recordReader struct {
	file string
	r    *rspRecord
	err  error
}

func (rr *recordReader) fail(format string, args ...any) {
	if rr.err == nil {
		rr.err = fmt.Errorf("%s:%d: %s", rr.file, rr.r.Line, fmt.Sprintf(format, args...))
	}
}

// str returns a field that must be present.
func (rr *recordReader) str(name string) string {
	v, ok := rr.r.Fields[name]
	if !ok {
		rr.fail("no field %s", name)
	}
	return v
}

// hex decodes a field that must be present (an empty value is empty).
func (rr *recordReader) hex(name string) []byte {
	b, err := unhex(rr.str(name))
	if err != nil {
		rr.fail("field %s: %v", name, err)
	}
	return b
}

// msg decodes a message field whose length in bits is given by lenField
// (CAVP writes the empty message as "Msg = 00" with "Len = 0").
func (rr *recordReader) msg(name, lenField string) []byte {
	b := rr.hex(name)
	bits := rr.int(lenField, rr.r.Fields)
	switch {
	case bits%8 != 0:
		rr.fail("%s = %d is not whole bytes", lenField, bits)
	case bits/8 > len(b):
		rr.fail("%s has %d bytes, %s = %d", name, len(b), lenField, bits)
	default:
		b = b[:bits/8]
	}
	return b
}

// int parses a decimal field of m (the record's fields or its section).
func (rr *recordReader) int(name string, m map[string]string) int {
	s, ok := m[name]
	if !ok {
		rr.fail("no field %s", name)
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		rr.fail("field %s = %q is not a count", name, s)
		return 0
	}
	return n
}

// unhex decodes hex, upper or lower case, ignoring spaces.
func unhex(s string) ([]byte, error) {
	s = strings.ReplaceAll(s, " ", "")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// mustHex decodes a hex constant of a Go table; the tables are checked by
// the tests, so a bad constant is a programming error reported by the
// loader as an error rather than a panic.
func mustHex(errs *[]error, what, s string) []byte {
	b, err := unhex(s)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: bad hex constant: %v", what, err))
		return []byte{}
	}
	return b
}
