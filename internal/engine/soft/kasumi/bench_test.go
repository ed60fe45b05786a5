package kasumi

import (
	"strconv"
	"testing"
)

var benchSizes = []int{64, 1024, 4096}

func BenchmarkBlockEncrypt(b *testing.B) {
	c, err := NewCipher(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, BlockSize)
	b.SetBytes(BlockSize)
	b.ReportAllocs()
	for b.Loop() {
		c.Encrypt(buf, buf)
	}
}

func BenchmarkF8(b *testing.B) {
	f, err := NewF8(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	iv := F8IV(0x72A4F20F, 0x0C, 1)
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := f.XORKeyStream(buf, buf, iv[:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkF9(b *testing.B) {
	f, err := NewF9(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	iv := make([]byte, IVSize)
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			buf := make([]byte, n)
			buf[n-1] = 0x40 // DIRECTION 0, then the 1 bit
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.MACPadded(iv, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkF9MAC(b *testing.B) {
	f, err := NewF9(make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.MAC(1, 2, 1, buf, 8*n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDataPathAllocs: the data operations allocate nothing.
func TestDataPathAllocs(t *testing.T) {
	c, _ := NewCipher(make([]byte, KeySize))
	f8, _ := NewF8(make([]byte, KeySize))
	f9, _ := NewF9(make([]byte, KeySize))
	iv := make([]byte, IVSize)
	buf := make([]byte, 1000)
	for name, fn := range map[string]func(){
		"Encrypt":          func() { c.Encrypt(buf, buf) },
		"Decrypt":          func() { c.Decrypt(buf, buf) },
		"XORKeyStream":     func() { _ = f8.XORKeyStream(buf, buf, iv) },
		"XORKeyStreamBits": func() { _ = f8.XORKeyStreamBits(buf, buf, iv, 7997) },
		"MACPadded":        func() { _, _ = f9.MACPadded(iv, buf) },
		"MAC":              func() { _, _ = f9.MAC(1, 2, 1, buf, 7997) },
	} {
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s: %v allocs per call", name, n)
		}
	}
}
