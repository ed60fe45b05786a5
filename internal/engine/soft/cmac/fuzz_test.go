package cmac

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"math/big"
	"testing"
)

// refSubkeys derives K1, K2 with math/big, independently of double.
func refSubkeys(b cipher.Block) (k1, k2 []byte) {
	bs := b.BlockSize()
	rb := big.NewInt(0x87)
	if bs == 8 {
		rb = big.NewInt(0x1b)
	}
	l := make([]byte, bs)
	b.Encrypt(l, l)
	dbl := func(x *big.Int) *big.Int {
		y := new(big.Int).Lsh(x, 1)
		if y.Bit(bs*8) == 1 {
			y.SetBit(y, bs*8, 0)
			y.Xor(y, rb)
		}
		return y
	}
	x1 := dbl(new(big.Int).SetBytes(l))
	x2 := dbl(x1)
	return x1.FillBytes(make([]byte, bs)), x2.FillBytes(make([]byte, bs))
}

// refCMAC is SP 800-38B §6.2 written out literally: build M1..Mn with the
// last block masked, then take the last block of CBC encryption under a
// zero IV (crypto/cipher's CBC mode).
func refCMAC(b cipher.Block, msg []byte) []byte {
	bs := b.BlockSize()
	k1, k2 := refSubkeys(b)
	var m []byte
	if len(msg) > 0 && len(msg)%bs == 0 {
		m = append(m, msg...)
		last := m[len(m)-bs:]
		for i := range last {
			last[i] ^= k1[i]
		}
	} else {
		m = append(m, msg...)
		m = append(m, 0x80)
		for len(m)%bs != 0 {
			m = append(m, 0)
		}
		last := m[len(m)-bs:]
		for i := range last {
			last[i] ^= k2[i]
		}
	}
	cipher.NewCBCEncrypter(b, make([]byte, bs)).CryptBlocks(m, m)
	return m[len(m)-bs:]
}

// fuzzBlock picks a cipher from the fuzz input: sel%4 chooses AES-128,
// AES-192, AES-256 or three-key TDEA, keyed from key (cycled).
func fuzzBlock(sel byte, key []byte) cipher.Block {
	sizes := []int{16, 24, 32, 24}
	k := make([]byte, sizes[sel%4])
	for i := range k {
		if len(key) > 0 {
			k[i] = key[i%len(key)]
		}
	}
	var b cipher.Block
	var err error
	if sel%4 == 3 {
		b, err = des.NewTripleDESCipher(k)
	} else {
		b, err = aes.NewCipher(k)
	}
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzSum checks Sum against the literal reference refCMAC, that every
// truncation is a prefix of the full tag, that tag lengths outside
// 1..Size are rejected, and that out aliasing msg does not change the
// result.
func FuzzSum(f *testing.F) {
	msg := []byte("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
	for _, n := range []int{0, 1, 8, 15, 16, 17, 20, 32, 40, 64} {
		for sel := byte(0); sel < 4; sel++ {
			f.Add(sel, []byte{0x2b, 0x7e, 0x15, 0x16}, msg[:n], uint8(n%17))
		}
	}
	f.Fuzz(func(t *testing.T, sel byte, key, msg []byte, tlen uint8) {
		b := fuzzBlock(sel, key)
		m, err := New(b)
		if err != nil {
			t.Fatal(err)
		}
		want := refCMAC(b, msg)
		full := make([]byte, m.Size())
		if err := m.Sum(full, msg); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(full, want) {
			t.Fatalf("Sum = %x, reference = %x", full, want)
		}
		out := make([]byte, int(tlen))
		err = m.Sum(out, msg)
		if int(tlen) < 1 || int(tlen) > m.Size() {
			if err == nil {
				t.Fatalf("tag length %d accepted", tlen)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, want[:tlen]) {
			t.Fatalf("Sum(tag %d) = %x, want prefix %x", tlen, out, want[:tlen])
		}
		if len(msg) >= int(tlen) {
			buf := append([]byte(nil), msg...)
			if err := m.Sum(buf[len(buf)-int(tlen):], buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf[len(buf)-int(tlen):], want[:tlen]) {
				t.Fatalf("aliased Sum differs")
			}
		}
	})
}
