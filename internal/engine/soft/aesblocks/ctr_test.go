package aesblocks

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// stdCTR is the reference: crypto/aes + crypto/cipher.NewCTR.
func stdCTR(t testing.TB, key, iv, src []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(src))
	cipher.NewCTR(b, iv).XORKeyStream(out, src)
	return out
}

// explicitCTR is a second reference written straight from SP 800-38A §6.5
// and Appendix B.1: T_j = T_1 + (j-1) mod 2^128 with math/big, O_j =
// CIPH_K(T_j) with crypto/aes, C_j = P_j XOR MSB(O_j).
func explicitCTR(t testing.TB, key, iv, src []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	mod := new(big.Int).Lsh(big.NewInt(1), 128)
	ctr := new(big.Int).SetBytes(iv)
	out := make([]byte, len(src))
	var tb, ob [16]byte
	for i := 0; i < len(src); i += 16 {
		ctr.FillBytes(tb[:])
		b.Encrypt(ob[:], tb[:])
		for k := i; k < min(i+16, len(src)); k++ {
			out[k] = src[k] ^ ob[k-i]
		}
		ctr.Add(ctr, big.NewInt(1))
		ctr.Mod(ctr, mod)
	}
	return out
}

// TestCTRCounterWrap checks the carry out of the low 64 bits and the wrap
// of the whole 128-bit counter, at every position inside the 8-, 4-, 2- and
// 1-block groups, against cipher.NewCTR and the explicit construction.
func TestCTRCounterWrap(t *testing.T) {
	ivs := []string{
		"ffffffffffffffffffffffffffffffff", // whole counter wraps to 0
		"0123456789abcdefffffffffffffffff", // low half wraps, carry into high
		"00000000000000000000000000000000",
		"fffffffffffffffe0000000000000000",
	}
	// Low halves 2^64-k for k = 1..20 put the carry at every block position.
	for k := 1; k <= 20; k++ {
		ivs = append(ivs, fmt.Sprintf("00000000ffffffff%016x", uint64(1<<64-1)-uint64(k-1)))
		ivs = append(ivs, fmt.Sprintf("ffffffffffffffff%016x", uint64(1<<64-1)-uint64(k-1)))
	}
	lengths := []int{16, 17, 40, 64, 100, 128, 129, 16 * 15, 16*19 + 7, 16 * 40, 16*43 + 15}
	for _, p := range impls(t) {
		for _, keyLen := range []int{16, 24, 32} {
			key := make([]byte, keyLen)
			for i := range key {
				key[i] = byte(i*7 + keyLen)
			}
			c := p.new(t, key)
			for _, ivHex := range ivs {
				iv := unhex(t, ivHex)
				for _, n := range lengths {
					src := make([]byte, n)
					for i := range src {
						src[i] = byte(i * 13)
					}
					want := stdCTR(t, key, iv, src)
					if w2 := explicitCTR(t, key, iv, src); !bytes.Equal(want, w2) {
						t.Fatalf("references disagree for iv %s n %d", ivHex, n)
					}
					got := make([]byte, n)
					if err := c.XORKeyStreamCTR(got, src, iv); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s AES-%d iv %s len %d:\n got %x\nwant %x", p.name, keyLen*8, ivHex, n, got, want)
					}
				}
			}
		}
	}
}

// TestCTRLengths compares every length up to 5 groups of 8 blocks plus a
// partial block with cipher.NewCTR, out of place and in place, with
// unaligned buffers.
func TestCTRLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range impls(t) {
		for _, keyLen := range []int{16, 24, 32} {
			key := make([]byte, keyLen)
			iv := make([]byte, 16)
			for i := range key {
				key[i] = byte(r.Uint32())
			}
			for i := range iv {
				iv[i] = byte(r.Uint32())
			}
			c := p.new(t, key)
			buf := make([]byte, 5*128+16+3)
			for i := range buf {
				buf[i] = byte(r.Uint32())
			}
			for n := 0; n <= 5*128+16; n++ {
				for _, off := range []int{0, 1, 3} {
					src := buf[off : off+n]
					want := stdCTR(t, key, iv, src)
					got := make([]byte, n+off)[off:]
					if err := c.XORKeyStreamCTR(got, src, iv); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("%s AES-%d len %d off %d: mismatch", p.name, keyLen*8, n, off)
					}
					inplace := bytes.Clone(src)
					if err := c.XORKeyStreamCTR(inplace, inplace, iv); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(inplace, want) {
						t.Fatalf("%s AES-%d len %d off %d: in-place mismatch", p.name, keyLen*8, n, off)
					}
				}
			}
		}
	}
}

// TestECBLengths compares every block count up to 5 groups of 8 plus 7
// with a crypto/aes per-block loop, both directions, out of and in place.
func TestECBLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, p := range impls(t) {
		for _, keyLen := range []int{16, 24, 32} {
			key := make([]byte, keyLen)
			for i := range key {
				key[i] = byte(r.Uint32())
			}
			ref, _ := aes.NewCipher(key)
			c := p.new(t, key)
			for nb := 0; nb <= 47; nb++ {
				src := make([]byte, nb*16+1)[1:] // unaligned
				for i := range src {
					src[i] = byte(r.Uint32())
				}
				wantEnc := make([]byte, len(src))
				wantDec := make([]byte, len(src))
				for i := 0; i < len(src); i += 16 {
					ref.Encrypt(wantEnc[i:], src[i:i+16])
					ref.Decrypt(wantDec[i:], src[i:i+16])
				}
				got := make([]byte, len(src))
				if err := c.EncryptBlocks(got, src); err != nil || !bytes.Equal(got, wantEnc) {
					t.Fatalf("%s AES-%d %d blocks: encrypt mismatch (%v)", p.name, keyLen*8, nb, err)
				}
				if err := c.DecryptBlocks(got, src); err != nil || !bytes.Equal(got, wantDec) {
					t.Fatalf("%s AES-%d %d blocks: decrypt mismatch (%v)", p.name, keyLen*8, nb, err)
				}
				copy(got, src)
				if err := c.EncryptBlocks(got, got); err != nil || !bytes.Equal(got, wantEnc) {
					t.Fatalf("%s AES-%d %d blocks: in-place encrypt mismatch (%v)", p.name, keyLen*8, nb, err)
				}
				copy(got, src)
				if err := c.DecryptBlocks(got, got); err != nil || !bytes.Equal(got, wantDec) {
					t.Fatalf("%s AES-%d %d blocks: in-place decrypt mismatch (%v)", p.name, keyLen*8, nb, err)
				}
			}
		}
	}
}
