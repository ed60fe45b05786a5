package f8

import (
	"strconv"
	"testing"
)

func BenchmarkXORKeyStream(b *testing.B) {
	c, err := New(make([]byte, 30)) // SRTP default: 16-byte k_e, 14-byte salt
	if err != nil {
		b.Fatal(err)
	}
	iv := make([]byte, IVSize)
	for _, n := range []int{64, 1024, 4096} {
		buf := make([]byte, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				_ = c.XORKeyStream(buf, buf, iv)
			}
		})
	}
}
