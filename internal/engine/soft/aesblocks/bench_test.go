package aesblocks

import (
	"crypto/aes"
	"crypto/cipher"
	"strconv"
	"testing"
)

// The benchmarks compare this package with what the engine would otherwise
// do with the standard library: cipher.NewCTR per request (it allocates),
// and a loop of Block.Encrypt/Decrypt calls for ECB.

var (
	benchCTRSizes = []int{64, 1024, 4096, 65536}
	benchECBSizes = []int{4096}
	benchKeySizes = []struct {
		name string
		n    int
	}{{"aes128", 16}, {"aes256", 32}}
)

func BenchmarkCTR(b *testing.B) {
	iv := make([]byte, 16)
	for i := range iv {
		iv[i] = byte(0xf0 + i)
	}
	b.Run("ours", func(b *testing.B) { benchOursCTR(b, bestImpl, iv) })
	if bestImpl == implVAES {
		// The AES-NI path, for comparison (New picks VAES on this CPU).
		b.Run("ours-aesni", func(b *testing.B) { benchOursCTR(b, implAESNI, iv) })
	}
	b.Run("std", func(b *testing.B) {
		for _, k := range benchKeySizes {
			blk, err := aes.NewCipher(make([]byte, k.n))
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range benchCTRSizes {
				buf := make([]byte, n)
				b.Run(k.name+"/"+strconv.Itoa(n), func(b *testing.B) {
					b.SetBytes(int64(n))
					b.ReportAllocs()
					for b.Loop() {
						cipher.NewCTR(blk, iv).XORKeyStream(buf, buf)
					}
				})
			}
		}
	})
}

func benchOursCTR(b *testing.B, impl implKind, iv []byte) {
	for _, k := range benchKeySizes {
		c, err := newCipher(make([]byte, k.n), impl)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range benchCTRSizes {
			buf := make([]byte, n)
			b.Run(k.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := c.XORKeyStreamCTR(buf, buf, iv); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkECB(b *testing.B) {
	key := make([]byte, 16)
	b.Run("ours", func(b *testing.B) { benchOursECB(b, bestImpl, key) })
	if bestImpl == implVAES {
		b.Run("ours-aesni", func(b *testing.B) { benchOursECB(b, implAESNI, key) })
	}
	b.Run("stdloop", func(b *testing.B) {
		blk, err := aes.NewCipher(key)
		if err != nil {
			b.Fatal(err)
		}
		for _, dir := range []struct {
			name string
			f    func(dst, src []byte)
		}{{"enc", blk.Encrypt}, {"dec", blk.Decrypt}} {
			for _, n := range benchECBSizes {
				buf := make([]byte, n)
				b.Run(dir.name+"/"+strconv.Itoa(n), func(b *testing.B) {
					b.SetBytes(int64(n))
					b.ReportAllocs()
					for b.Loop() {
						for i := 0; i < len(buf); i += 16 {
							dir.f(buf[i:i+16], buf[i:i+16])
						}
					}
				})
			}
		}
	})
}

func benchOursECB(b *testing.B, impl implKind, key []byte) {
	c, err := newCipher(key, impl)
	if err != nil {
		b.Fatal(err)
	}
	for _, dir := range []struct {
		name string
		f    func(dst, src []byte) error
	}{{"enc", c.EncryptBlocks}, {"dec", c.DecryptBlocks}} {
		for _, n := range benchECBSizes {
			buf := make([]byte, n)
			b.Run(dir.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := dir.f(buf, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
