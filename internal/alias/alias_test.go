package alias

import "testing"

func TestOverlap(t *testing.T) {
	b := make([]byte, 64)
	cases := []struct {
		name         string
		x, y         []byte
		any, inexact bool
	}{
		{"same", b[:32], b[:32], true, false},
		{"same start, different length", b[:32], b[:16], true, false},
		{"shifted by one", b[:32], b[1:33], true, true},
		{"last byte shared", b[:32], b[31:40], true, true},
		{"adjacent", b[:32], b[32:64], false, false},
		{"empty", b[:0], b[:32], false, false},
		{"disjoint", b[:8], make([]byte, 8), false, false},
	}
	for _, c := range cases {
		if got := AnyOverlap(c.x, c.y); got != c.any {
			t.Errorf("%s: AnyOverlap = %v", c.name, got)
		}
		if got := AnyOverlap(c.y, c.x); got != c.any {
			t.Errorf("%s: AnyOverlap (swapped) = %v", c.name, got)
		}
		if got := InexactOverlap(c.x, c.y); got != c.inexact {
			t.Errorf("%s: InexactOverlap = %v", c.name, got)
		}
		if got := InexactOverlap(c.y, c.x); got != c.inexact {
			t.Errorf("%s: InexactOverlap (swapped) = %v", c.name, got)
		}
	}
}
