package guestmem

import (
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzSlice builds a Memory from fuzzed region descriptions and checks every
// Slice and VAToGPA answer against a direct scan of the regions.
func FuzzSlice(f *testing.F) {
	f.Add([]byte{0, 16, 1, 32, 0, 0, 0, 0}, uint64(0x10), uint64(8))
	f.Add([]byte{1, 1, 1, 1, 255, 255, 0, 0}, uint64(0xffff), uint64(2))
	f.Add([]byte{}, uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, layout []byte, gpa, n uint64) {
		// Each 2 bytes: gap (in 16-byte units) before the region, size.
		var regions []*Region
		next := uint64(0)
		for i := 0; i+1 < len(layout) && len(regions) < 8; i += 2 {
			start := next + uint64(layout[i])*16
			size := int(layout[i+1]) + 1
			r, err := NewRegion(start, start^0x7f0000000000, make([]byte, size))
			if err != nil {
				t.Fatal(err)
			}
			regions = append(regions, r)
			next = start + uint64(size)
		}
		// Present them reversed: New must sort.
		rev := make([]*Region, len(regions))
		for i, r := range regions {
			rev[len(regions)-1-i] = r
		}
		m, err := New(rev...)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: the range lies inside one region.
		var want *Region
		for _, r := range regions {
			if gpa >= r.gpa && gpa-r.gpa <= r.size && n <= r.size-(gpa-r.gpa) {
				want = r
				break
			}
		}
		s, err := m.Slice(gpa, n)
		if want == nil {
			if !errors.Is(err, ErrOutOfBounds) {
				t.Fatalf("Slice(%#x, %d) = %d bytes, %v; want ErrOutOfBounds", gpa, n, len(s), err)
			}
		} else {
			if err != nil || uint64(len(s)) != n {
				t.Fatalf("Slice(%#x, %d) = %d bytes, %v", gpa, n, len(s), err)
			}
			if n > 0 && &s[0] != &want.data[gpa-want.gpa] {
				t.Fatal("Slice aliases the wrong bytes")
			}
		}
		var wantGPA uint64
		found := false
		va := gpa ^ 0x7f0000000000
		for _, r := range regions {
			if va >= r.frontendVA && va-r.frontendVA < r.size {
				wantGPA, found = r.gpa+va-r.frontendVA, true
				break
			}
		}
		got, err := m.VAToGPA(va)
		if found != (err == nil) || got != wantGPA {
			t.Fatalf("VAToGPA(%#x) = %#x, %v; want %#x found=%v", va, got, err, wantGPA, found)
		}
		// Atomics never panic on any offset of any slice.
		if len(s) > 0 {
			off := int(binary.LittleEndian.Uint16(append(layout, 0, 0)) % uint16(len(s)+2))
			_, _ = LoadU16Acquire(s, off)
			_, _ = LoadU32Acquire(s, off)
		}
	})
}
