package f8

import (
	"bytes"
	"crypto/aes"
	"math/big"
	"testing"
)

// refF8 is RFC 3711 §4.1.2.1 written out with math/big for the 128-bit
// block counter j and an explicitly built mask m.
func refF8(key, iv, src []byte) []byte {
	n := EncKeySize(len(key))
	ke, salt := key[:n], key[n:]
	m := bytes.Repeat([]byte{0x55}, n)
	copy(m, salt)
	km := make([]byte, n)
	for i := range km {
		km[i] = ke[i] ^ m[i]
	}
	bm, _ := aes.NewCipher(km)
	bk, _ := aes.NewCipher(ke)
	ivp := make([]byte, 16)
	bm.Encrypt(ivp, iv)
	ivpInt := new(big.Int).SetBytes(ivp)
	prev := new(big.Int)
	var ks []byte
	for j := int64(0); len(ks) < len(src); j++ {
		x := new(big.Int).Xor(ivpInt, big.NewInt(j))
		x.Xor(x, prev)
		blk := x.FillBytes(make([]byte, 16))
		bk.Encrypt(blk, blk)
		prev.SetBytes(blk)
		ks = append(ks, blk...)
	}
	out := make([]byte, len(src))
	for i := range src {
		out[i] = src[i] ^ ks[i]
	}
	return out
}

// FuzzXORKeyStream checks XORKeyStream against refF8, that in-place equals
// out-of-place, that applying it twice restores the input, and that bad
// key and IV lengths are rejected.
func FuzzXORKeyStream(f *testing.F) {
	rfcKey := []byte{0x23, 0x48, 0x29, 0x00, 0x84, 0x67, 0xbe, 0x18, 0x6c, 0x3d,
		0xe1, 0x4a, 0xae, 0x72, 0xd6, 0x2c, 0x32, 0xf2, 0x87, 0x0d} // k_e ‖ k_s of RFC 3711 B.1
	rfcIVb := []byte{0x00, 0x6e, 0x5c, 0xba, 0x50, 0x68, 0x1d, 0xe5, 0x5c, 0x62, 0x15, 0x99, 0xd4, 0x62, 0x56, 0x4a}
	f.Add(rfcKey, rfcIVb, []byte(rfcPT))
	for _, kl := range []int{16, 17, 30, 32, 33, 48, 49, 64, 65} {
		f.Add(bytes.Repeat([]byte{byte(kl)}, kl), rfcIVb, bytes.Repeat([]byte("x"), kl*3))
	}
	f.Add(rfcKey, rfcIVb[:12], []byte("short iv"))
	f.Fuzz(func(t *testing.T, key, iv, src []byte) {
		c, err := New(key)
		if EncKeySize(len(key)) == 0 {
			if err == nil {
				t.Fatalf("%d-byte key accepted", len(key))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, len(src))
		err = c.XORKeyStream(dst, src, iv)
		if len(iv) != IVSize {
			if err == nil {
				t.Fatalf("%d-byte IV accepted", len(iv))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := refF8(key, iv, src); !bytes.Equal(dst, want) {
			t.Fatalf("XORKeyStream = %x\nreference     %x", dst, want)
		}
		inplace := bytes.Clone(src)
		if err := c.XORKeyStream(inplace, inplace, iv); err != nil || !bytes.Equal(inplace, dst) {
			t.Fatalf("in place = %x, %v", inplace, err)
		}
		back := make([]byte, len(src))
		if err := c.XORKeyStream(back, dst, iv); err != nil || !bytes.Equal(back, src) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
