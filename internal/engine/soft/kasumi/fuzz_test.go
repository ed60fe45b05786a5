package kasumi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// fuzzKey turns arbitrary fuzz bytes into a 16-byte key.
func fuzzKey(b []byte) []byte {
	k := make([]byte, KeySize)
	copy(k, b)
	return k
}

// FuzzBlock: NewCipher accepts exactly 16-byte keys; Decrypt inverts
// Encrypt; the panicking and the error-returning block methods agree.
func FuzzBlock(f *testing.F) {
	for _, v := range kasumiVectors {
		f.Add(unhex(f, v.key), unhex(f, v.pt))
		f.Add(unhex(f, v.key), unhex(f, v.ct))
	}
	f.Add([]byte{1, 2, 3}, []byte{4, 5})
	f.Fuzz(func(t *testing.T, key, block []byte) {
		c, err := NewCipher(key)
		if len(key) != KeySize {
			if !errors.Is(err, ErrKeySize) {
				t.Fatalf("key of %d bytes: err = %v", len(key), err)
			}
			if c, err = NewCipher(fuzzKey(key)); err != nil {
				t.Fatal(err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		ct := make([]byte, BlockSize)
		if err := c.EncryptBlock(ct, block); err != nil {
			if len(block) >= BlockSize || !errors.Is(err, ErrShortBuffer) {
				t.Fatalf("EncryptBlock(%d bytes): %v", len(block), err)
			}
			return
		}
		ct2 := bytes.Clone(block[:BlockSize])
		c.Encrypt(ct2, ct2)
		if !bytes.Equal(ct, ct2) {
			t.Fatalf("Encrypt %X != EncryptBlock %X", ct2, ct)
		}
		pt := make([]byte, BlockSize)
		if err := c.DecryptBlock(pt, ct); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pt, block[:BlockSize]) {
			t.Fatalf("Decrypt(Encrypt(%X)) = %X", block[:BlockSize], pt)
		}
		c.Decrypt(ct, ct)
		if !bytes.Equal(ct, pt) {
			t.Fatalf("in-place Decrypt %X != %X", ct, pt)
		}
	})
}

// FuzzF8: XORKeyStream is its own inverse, in place equals out of place,
// the keystream restarts with every call (a shorter input gives a prefix),
// and XORKeyStreamBits equals XORKeyStream on its (nbits+7)/8 bytes.
// Invalid IV sizes are rejected without writing dst.
func FuzzF8(f *testing.F) {
	for _, v := range f8Vectors {
		f.Add(unhex(f, v.key), unhex(f, v.iv), unhex(f, v.pt), uint16(v.nbits), uint16(17))
	}
	f.Add([]byte{}, []byte{1, 2, 3}, []byte("data"), uint16(3), uint16(1))
	f.Fuzz(func(t *testing.T, key, iv, data []byte, nbits, cut uint16) {
		c, err := NewF8(fuzzKey(key))
		if err != nil {
			t.Fatal(err)
		}
		enc := bytes.Repeat([]byte{0xA5}, len(data))
		err = c.XORKeyStream(enc, data, iv)
		if len(iv) != IVSize {
			if !errors.Is(err, ErrIVSize) {
				t.Fatalf("iv of %d bytes: err = %v", len(iv), err)
			}
			if !bytes.Equal(enc, bytes.Repeat([]byte{0xA5}, len(data))) {
				t.Fatal("dst written on error")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		dec := make([]byte, len(data)+3)
		if err := c.XORKeyStream(dec, enc, iv); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(dec[:len(data)], data) || !bytes.Equal(dec[len(data):], []byte{0, 0, 0}) {
			t.Fatalf("round trip: got %X, want %X", dec, data)
		}
		inPlace := bytes.Clone(data)
		if err := c.XORKeyStream(inPlace, inPlace, iv); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(inPlace, enc) {
			t.Fatal("in-place result differs from out-of-place")
		}
		k := 0
		if len(data) > 0 {
			k = int(cut) % (len(data) + 1)
		}
		short := make([]byte, k)
		if err := c.XORKeyStream(short, data[:k], iv); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(short, enc[:k]) {
			t.Fatalf("%d-byte call is not a prefix of the %d-byte call", k, len(data))
		}
		nb := int(nbits) % (8*len(data) + 1)
		bits := make([]byte, len(data))
		if err := c.XORKeyStreamBits(bits, data, iv, nb); err != nil {
			t.Fatal(err)
		}
		n := (nb + 7) / 8
		if !bytes.Equal(bits[:n], enc[:n]) || !bytes.Equal(bits[n:], make([]byte, len(data)-n)) {
			t.Fatalf("XORKeyStreamBits(%d bits) differs from XORKeyStream", nb)
		}
	})
}

// FuzzF9: MAC (the spec-level API, which pads itself) equals MACPadded
// over COUNT ‖ FRESH and the independently padded message, with or without
// DPDK's extra zero bytes up to a multiple of 64 bits. MACPadded accepts any
// 8-byte IV and non-empty data; bits beyond nbits do not matter to MAC.
func FuzzF9(f *testing.F) {
	for _, v := range f9Vectors {
		f.Add(unhex(f, v.key), v.count, v.fresh, v.direction, unhex(f, v.msg), uint16(v.nbits), unhex(f, v.aad))
	}
	f.Add([]byte{9}, uint32(1), uint32(2), uint8(3), []byte{}, uint16(0), []byte{1})
	f.Fuzz(func(t *testing.T, key []byte, count, fresh uint32, dir uint8, msg []byte, nbits uint16, iv []byte) {
		c, err := NewF9(fuzzKey(key))
		if err != nil {
			t.Fatal(err)
		}
		nb := int(nbits) % (8*len(msg) + 1)
		mac, err := c.MAC(count, fresh, dir, msg, nb)
		if dir > 1 {
			if !errors.Is(err, ErrDirection) {
				t.Fatalf("direction %d: err = %v", dir, err)
			}
			dir &= 1
			if mac, err = c.MAC(count, fresh, dir, msg, nb); err != nil {
				t.Fatal(err)
			}
		} else if err != nil {
			t.Fatal(err)
		}

		var countFresh [IVSize]byte
		binary.BigEndian.PutUint32(countFresh[:], count)
		binary.BigEndian.PutUint32(countFresh[4:], fresh)
		padded := padF9(msg, nb, dir)
		got, err := c.MACPadded(countFresh[:], padded)
		if err != nil {
			t.Fatal(err)
		}
		if got != mac {
			t.Fatalf("MAC %X != MACPadded %X (nbits %d)", mac, got, nb)
		}
		long := append(bytes.Clone(padded), make([]byte, (8-len(padded)%8)%8)...)
		if got, err = c.MACPadded(countFresh[:], long); err != nil || got != mac {
			t.Fatalf("MACPadded with zero bytes to 64 bits = %X, %v; want %X", got, err, mac)
		}

		// Set every bit after nbits: MAC must not change.
		noisy := bytes.Clone(msg)
		for i := nb; i < 8*len(noisy); i++ {
			noisy[i/8] |= 0x80 >> (i % 8)
		}
		if got, err = c.MAC(count, fresh, dir, noisy, nb); err != nil || got != mac {
			t.Fatalf("bits beyond nbits changed the MAC: %X, %v; want %X", got, err, mac)
		}

		// Arbitrary IV and data for MACPadded: errors only for bad sizes.
		_, err = c.MACPadded(iv, msg)
		switch {
		case len(iv) != IVSize:
			if !errors.Is(err, ErrIVSize) {
				t.Fatalf("iv of %d bytes: err = %v", len(iv), err)
			}
		case len(msg) == 0:
			if !errors.Is(err, ErrLength) {
				t.Fatalf("empty data: err = %v", err)
			}
		case err != nil:
			t.Fatal(err)
		}
	})
}
