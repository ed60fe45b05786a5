package xcbc

import (
	"strconv"
	"testing"
)

func BenchmarkSum(b *testing.B) {
	m, err := New(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, Size96)
	for _, n := range []int{64, 1024, 4096} {
		msg := make([]byte, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				_ = m.Sum(out, msg)
			}
		})
	}
}
