package cbcmac

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"testing"
)

// refCBCMAC is the package definition written out literally: zero-pad the
// message to whole blocks and take the last block of crypto/cipher's CBC
// encryption under a zero IV; no blocks gives the zero block.
func refCBCMAC(b cipher.Block, msg []byte) []byte {
	bs := b.BlockSize()
	m := append([]byte(nil), msg...)
	for len(m)%bs != 0 {
		m = append(m, 0)
	}
	if len(m) == 0 {
		return make([]byte, bs)
	}
	cipher.NewCBCEncrypter(b, make([]byte, bs)).CryptBlocks(m, m)
	return m[len(m)-bs:]
}

func fuzzBlock(sel byte, key []byte) cipher.Block {
	sizes := []int{16, 24, 32, 8}
	k := make([]byte, sizes[sel%4])
	for i := range k {
		if len(key) > 0 {
			k[i] = key[i%len(key)]
		}
	}
	var b cipher.Block
	var err error
	if sel%4 == 3 {
		b, err = des.NewCipher(k)
	} else {
		b, err = aes.NewCipher(k)
	}
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzSum checks Sum against refCBCMAC for AES-128/192/256 and DES, that a
// truncation is a prefix of the full MAC, that bad lengths are rejected,
// and that out aliasing msg gives the same result.
func FuzzSum(f *testing.F) {
	seed := bytes.Repeat([]byte("Now is the time for all "), 3)
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 72} {
		for sel := byte(0); sel < 4; sel++ {
			f.Add(sel, []byte{0xc0, 0xc1, 0xc2}, seed[:n], uint8(n%18))
		}
	}
	f.Fuzz(func(t *testing.T, sel byte, key, msg []byte, tlen uint8) {
		b := fuzzBlock(sel, key)
		m, err := New(b)
		if err != nil {
			t.Fatal(err)
		}
		want := refCBCMAC(b, msg)
		full := make([]byte, m.Size())
		if err := m.Sum(full, msg); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(full, want) {
			t.Fatalf("Sum = %x, reference = %x", full, want)
		}
		out := make([]byte, int(tlen))
		err = m.Sum(out, msg)
		if tlen < 1 || int(tlen) > m.Size() {
			if err == nil {
				t.Fatalf("tag length %d accepted", tlen)
			}
			return
		}
		if err != nil || !bytes.Equal(out, want[:tlen]) {
			t.Fatalf("Sum(%d) = %x, %v; want %x", tlen, out, err, want[:tlen])
		}
		if len(msg) >= int(tlen) {
			buf := append([]byte(nil), msg...)
			if err := m.Sum(buf[:tlen], buf); err != nil || !bytes.Equal(buf[:tlen], want[:tlen]) {
				t.Fatalf("aliased Sum differs")
			}
		}
	})
}
