package cbcmac

import (
	"crypto/aes"
	"strconv"
	"testing"
)

func BenchmarkSumAES128(b *testing.B) {
	blk, _ := aes.NewCipher(make([]byte, 16))
	m, err := New(blk)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, 16)
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
