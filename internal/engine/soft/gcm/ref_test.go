package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/crypto/twofish" //nolint:staticcheck // SA1019: deprecated, but virtio GMAC_TWOFISH needs it
)

// This file holds test helpers and an independent, deliberately naive
// formulation of GCM used as a reference: the bit-serial multiplication of
// SP 800-38D §6.3 Algorithm 1, GHASH of §6.4 over explicitly padded blocks,
// and a counter built byte by byte with inc32 (§6.2). It shares no code with
// the package's implementation.

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.Join(strings.Fields(s), "")
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func newAES(t testing.TB, key []byte) cipher.Block {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTwofish(t testing.TB, key []byte) cipher.Block {
	t.Helper()
	b, err := twofish.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustNew(t testing.TB, b cipher.Block) *GCM {
	t.Helper()
	g, err := New(b)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// refMul is SP 800-38D §6.3 Algorithm 1, bit by bit.
func refMul(x, y [16]byte) [16]byte {
	var z [16]byte
	v := y
	for i := 0; i < 128; i++ {
		if x[i/8]>>(7-uint(i%8))&1 == 1 {
			for j := range z {
				z[j] ^= v[j]
			}
		}
		lsb := v[15] & 1
		for j := 15; j > 0; j-- {
			v[j] = v[j]>>1 | v[j-1]<<7
		}
		v[0] >>= 1
		if lsb == 1 {
			v[0] ^= 0xe1 // R = 11100001 ‖ 0^120
		}
	}
	return z
}

// refGHASH is GHASH_H(A ‖ 0^v ‖ C ‖ 0^u ‖ [len(A)]_64 ‖ [len(C)]_64), §7.1 steps 5–6.
func refGHASH(h [16]byte, a, c []byte) [16]byte {
	var msg []byte
	pad := func(p []byte) {
		msg = append(msg, p...)
		for len(msg)%16 != 0 {
			msg = append(msg, 0)
		}
	}
	pad(a)
	pad(c)
	msg = binary.BigEndian.AppendUint64(msg, uint64(len(a))*8)
	msg = binary.BigEndian.AppendUint64(msg, uint64(len(c))*8)
	var y [16]byte
	for i := 0; i < len(msg); i += 16 {
		for j := range 16 {
			y[j] ^= msg[i+j]
		}
		y = refMul(y, h)
	}
	return y
}

// refInc32 increments the low 32 bits of the block, big-endian, modulo 2^32,
// without touching bytes 0..11.
func refInc32(cb *[16]byte) {
	for i := 15; i >= 12; i-- {
		cb[i]++
		if cb[i] != 0 {
			return
		}
	}
}

// refSealJ0 is GCM-AE with a given J0 (§7.1 steps 3–6), written out naively.
func refSealJ0(b cipher.Block, j0 [16]byte, pt, aad []byte, tagLen int) []byte {
	var h [16]byte
	b.Encrypt(h[:], h[:])
	ct := make([]byte, len(pt))
	cb := j0
	ks := make([]byte, 16)
	for i := 0; i < len(pt); i += 16 {
		refInc32(&cb)
		b.Encrypt(ks, cb[:])
		for j := i; j < len(pt) && j < i+16; j++ {
			ct[j] = pt[j] ^ ks[j-i]
		}
	}
	s := refGHASH(h, aad, ct)
	ej0 := make([]byte, 16)
	b.Encrypt(ej0, j0[:])
	for j := range s {
		s[j] ^= ej0[j]
	}
	return append(ct, s[:tagLen]...)
}

// refJ0 is §7.1 step 2.
func refJ0(b cipher.Block, iv []byte) [16]byte {
	var j0 [16]byte
	if len(iv) == 12 {
		copy(j0[:], iv)
		j0[15] = 1
		return j0
	}
	var h [16]byte
	b.Encrypt(h[:], h[:])
	return refGHASH(h, nil, iv) // IV ‖ 0^(s+64) ‖ [len(IV)]_64 is exactly GHASH(H, {}, IV)
}

var allTagSizes = []int{16, 15, 14, 13, 12, 8, 4}
