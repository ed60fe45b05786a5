package xcbc

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"testing"
)

// refXCBC is RFC 3566 §4.3 written out literally: derive K1..K3, build the
// message blocks with the last one padded and masked, and take the last
// block of AES-CBC under K1 with a zero IV (crypto/cipher's CBC mode).
func refXCBC(key, msg []byte) []byte {
	k, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	kc := func(c byte) []byte {
		b := bytes.Repeat([]byte{c}, 16)
		k.Encrypt(b, b)
		return b
	}
	k1, k2, k3 := kc(1), kc(2), kc(3)
	m := append([]byte(nil), msg...)
	mask := k2
	if len(m) == 0 || len(m)%16 != 0 {
		m = append(m, 0x80)
		for len(m)%16 != 0 {
			m = append(m, 0)
		}
		mask = k3
	}
	for i := 0; i < 16; i++ {
		m[len(m)-16+i] ^= mask[i]
	}
	b1, err := aes.NewCipher(k1)
	if err != nil {
		panic(err)
	}
	cipher.NewCBCEncrypter(b1, make([]byte, 16)).CryptBlocks(m, m)
	return m[len(m)-16:]
}

// FuzzSum checks Sum against refXCBC, truncation = prefix, rejection of
// bad tag and key lengths, and aliasing of out with msg.
func FuzzSum(f *testing.F) {
	for _, tc := range rfc3566 {
		f.Add(rfcKey, tc.msg, uint8(Size96))
	}
	f.Add([]byte("short key"), []byte("abc"), uint8(16))
	f.Add(rfcKey, seq(48), uint8(0))
	f.Add(rfcKey, seq(47), uint8(17))
	f.Fuzz(func(t *testing.T, key, msg []byte, tlen uint8) {
		m, err := New(key)
		if len(key) != KeySize {
			if err == nil {
				t.Fatalf("%d-byte key accepted", len(key))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		want := refXCBC(key, msg)
		out := make([]byte, int(tlen))
		err = m.Sum(out, msg)
		if tlen < 1 || int(tlen) > Size {
			if err == nil {
				t.Fatalf("tag length %d accepted", tlen)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, want[:tlen]) {
			t.Fatalf("Sum = %x, reference = %x", out, want[:tlen])
		}
		if len(msg) >= int(tlen) {
			buf := append([]byte(nil), msg...)
			if err := m.Sum(buf[:tlen], buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf[:tlen], want[:tlen]) {
				t.Fatal("aliased Sum differs")
			}
		}
	})
}
