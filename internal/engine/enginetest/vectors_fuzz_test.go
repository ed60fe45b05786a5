package enginetest

import (
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vcrypto/internal/engine"
)

// formatRSP writes records back in the CAVP text format, section lines
// before a record whose section differs from the previous record's.
func formatRSP(recs []rspRecord) []byte {
	var b strings.Builder
	var prev map[string]string
	for i, r := range recs {
		if i == 0 || !maps.Equal(prev, r.Section) {
			for _, k := range slices.Sorted(maps.Keys(r.Section)) {
				if v := r.Section[k]; v == "" {
					fmt.Fprintf(&b, "[%s]\n", k)
				} else {
					fmt.Fprintf(&b, "[%s = %s]\n", k, v)
				}
			}
			if len(r.Section) == 0 && i > 0 {
				// An empty section cannot be written: start a new one.
				b.WriteString("[]\n")
			}
			prev = r.Section
		}
		b.WriteString("\n")
		for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
			fmt.Fprintf(&b, "%s = %s\n", k, r.Fields[k])
		}
		for _, f := range r.Flags {
			fmt.Fprintf(&b, "%s\n", f)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// stripLines drops the line numbers and normalizes "[]" (the empty
// section name) so that records can be compared after a round trip.
func stripLines(recs []rspRecord) []rspRecord {
	out := make([]rspRecord, len(recs))
	for i, r := range recs {
		r.Line = 0
		s := maps.Clone(r.Section)
		delete(s, "")
		r.Section = s
		out[i] = r
	}
	return out
}

// FuzzParseRSP checks that the CAVP parser never panics and that what it
// returns survives a write/parse round trip unchanged.
func FuzzParseRSP(f *testing.F) {
	err := fs.WalkDir(testdata, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := testdata.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(data[:min(len(data), 1500)])
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("[a = b]c]\nK = v = w\nFAIL\n\n[x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := parseRSP(data)
		if err != nil {
			return
		}
		for _, r := range recs {
			if len(r.Fields)+len(r.Flags) == 0 {
				t.Fatalf("empty record %+v", r)
			}
		}
		again, err := parseRSP(formatRSP(recs))
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, formatRSP(recs))
		}
		if a, b := stripLines(recs), stripLines(again); !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip changed the records:\n%+v\n%+v\n%s", a, b, formatRSP(recs))
		}
	})
}

// FuzzVectorCheck checks, on the embedded vectors, that Check accepts
// the published answer and refuses it with any single bit flipped.
func FuzzVectorCheck(f *testing.F) {
	vs, err := loadAll([]loaderFunc{loadNIST, loadRFC, loadGPP, loadDPDK})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct {
		i   uint
		bit uint
	}{{0, 0}, {17, 3}, {1000, 77}, {5000, 1}, {uint(len(vs) - 1), 12}} {
		f.Add(seed.i, seed.bit)
	}
	f.Fuzz(func(t *testing.T, i, bit uint) {
		v := &vs[i%uint(len(vs))]
		if v.Skip != "" || v.Invalid {
			return
		}
		dst := make([]byte, v.DstLen())
		if v.WantDst != nil {
			copy(dst[v.DstCheckOffset:], v.WantDst)
		}
		digest := slices.Clone(v.WantDigest)
		if v.DigestMismatch {
			// A published wrong tag: any other digest passes, the tag fails.
			if err := v.Check(nil, nil, dst, digest); err == nil {
				t.Fatalf("%s %s: the wrong tag passes", v.Suite, v.ID)
			}
			return
		}
		if err := v.Check(nil, nil, dst, digest); err != nil {
			t.Fatalf("%s %s: the published answer fails: %v", v.Suite, v.ID, err)
		}
		checked := len(v.WantDst) + len(v.WantDigest)
		if checked == 0 {
			return
		}
		n := bit % uint(checked*8)
		if n < uint(len(v.WantDst)*8) {
			dst[v.DstCheckOffset+int(n/8)] ^= 1 << (n % 8)
		} else {
			n -= uint(len(v.WantDst) * 8)
			digest[n/8] ^= 1 << (n % 8)
		}
		if err := v.Check(nil, nil, dst, digest); err == nil {
			t.Fatalf("%s %s: a flipped bit %d passes", v.Suite, v.ID, bit)
		}
		if err := v.Check(engine.ErrInvalidInput, nil, dst, digest); err == nil {
			t.Fatalf("%s %s: a session error passes", v.Suite, v.ID)
		}
	})
}
