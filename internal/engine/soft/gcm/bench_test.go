package gcm

import (
	"crypto/cipher"
	"strconv"
	"testing"
)

var benchSizes = []int{64, 1024, 4096}

func benchBlocks(b *testing.B) map[string]cipher.Block {
	key := make([]byte, 16)
	return map[string]cipher.Block{"AES128": newAES(b, key), "Twofish128": newTwofish(b, key)}
}

// BenchmarkSealJ0 is the virtio 16-byte-IV (J0) path with a 16-byte tag.
func BenchmarkSealJ0(b *testing.B) {
	for name, blk := range benchBlocks(b) {
		g := mustNew(b, blk)
		j0, aad := make([]byte, 16), make([]byte, 16)
		for _, n := range benchSizes {
			b.Run(name+"/"+strconv.Itoa(n), func(b *testing.B) {
				pt, dst := make([]byte, n), make([]byte, n+16)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := g.SealJ0(dst, j0, pt, aad, 16); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOpenJ0 decrypts and verifies what SealJ0 produced.
func BenchmarkOpenJ0(b *testing.B) {
	g := mustNew(b, newAES(b, make([]byte, 16)))
	j0, aad := make([]byte, 16), make([]byte, 16)
	for _, n := range benchSizes {
		b.Run("AES128/"+strconv.Itoa(n), func(b *testing.B) {
			pt, sealed := make([]byte, n), make([]byte, n+16)
			if err := g.SealJ0(sealed, j0, pt, aad, 16); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := g.OpenJ0(pt, j0, sealed, aad, 16); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSealOddIV is an 8-byte IV (hashed to J0) with an 8-byte tag.
func BenchmarkSealOddIV(b *testing.B) {
	g := mustNew(b, newAES(b, make([]byte, 16)))
	iv := make([]byte, 8)
	for _, n := range benchSizes {
		b.Run("AES128/"+strconv.Itoa(n), func(b *testing.B) {
			pt, dst := make([]byte, n), make([]byte, n+8)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := g.Seal(dst, iv, pt, nil, 8); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGMAC is GMAC over n bytes with a 12-byte IV.
func BenchmarkGMAC(b *testing.B) {
	for name, blk := range benchBlocks(b) {
		g := mustNew(b, blk)
		iv, out := make([]byte, 12), make([]byte, 16)
		for _, n := range benchSizes {
			b.Run(name+"/"+strconv.Itoa(n), func(b *testing.B) {
				msg := make([]byte, n)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := g.GMAC(out, iv, msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStdSeal is crypto/cipher's GCM for comparison (AES: AES-NI and
// PCLMULQDQ assembly; Twofish: std's generic table-driven GHASH).
func BenchmarkStdSeal(b *testing.B) {
	for name, blk := range benchBlocks(b) {
		std, err := cipher.NewGCM(blk)
		if err != nil {
			b.Fatal(err)
		}
		iv, aad := make([]byte, 12), make([]byte, 16)
		for _, n := range benchSizes {
			b.Run(name+"/"+strconv.Itoa(n), func(b *testing.B) {
				pt, dst := make([]byte, n), make([]byte, 0, n+16)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					std.Seal(dst, iv, pt, aad)
				}
			})
		}
	}
}
