package guestmem

import (
	"fmt"
	"testing"
)

func BenchmarkSlice(b *testing.B) {
	for _, n := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("regions=%d", n), func(b *testing.B) {
			var rs []*Region
			for i := range n {
				rs = append(rs, mustRegion(b, uint64(i)<<32, 0, 1<<16))
			}
			m, err := New(rs...)
			if err != nil {
				b.Fatal(err)
			}
			gpa := uint64(n-1)<<32 + 0x1230 // last region: worst case for a scan
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Slice(gpa, 4096); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoadU16Acquire(b *testing.B) {
	buf := aligned(64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadU16Acquire(buf, 2); err != nil {
			b.Fatal(err)
		}
	}
}
