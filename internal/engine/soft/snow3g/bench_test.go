package snow3g

import (
	"fmt"
	"testing"
)

var benchSizes = []int{64, 1024, 4096}

func BenchmarkUEA2(b *testing.B) {
	u, _ := NewUEA2(make([]byte, KeySize))
	iv := make([]byte, IVSize)
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := u.XORKeyStream(buf, buf, iv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUIA2(b *testing.B) {
	m, _ := NewUIA2(make([]byte, KeySize))
	iv := make([]byte, IVSize)
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.MAC(iv, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
