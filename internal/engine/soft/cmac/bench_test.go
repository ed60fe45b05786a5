package cmac

import (
	"crypto/aes"
	"crypto/des"
	"strconv"
	"testing"
)

var benchSizes = []int{64, 1024, 4096}

func BenchmarkSumAES128(b *testing.B) {
	blk, _ := aes.NewCipher(make([]byte, 16))
	m, err := New(blk)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, 16)
	for _, n := range benchSizes {
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

func BenchmarkSumTDES(b *testing.B) {
	blk, _ := des.NewTripleDESCipher(make([]byte, 24))
	m, err := New(blk)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, 8)
	for _, n := range benchSizes {
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
