package xts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzXTS: no input makes New, Encrypt or Decrypt panic; errors are exactly
// the documented ones; valid requests round-trip, give the same result in
// place and out of place, and equal the reference implementations:
// golang.org/x/crypto/xts when the data is whole blocks and the tweak is a
// 64-bit sector number, and gmsm's XTS for every valid request.
//
// mode bit 0: use tweak = sector little-endian (so x/crypto applies);
// bit 1: derived key is 64 bytes instead of 32; bit 2: partially overlapping
// dst (must fail with ErrOverlap).
func FuzzXTS(f *testing.F) {
	for _, v := range ieeeVectors {
		f.Add(unhex(f, v.key), unhex(f, v.tweak), unhex(f, v.ptx), uint64(0), uint8(0))
	}
	f.Add(make([]byte, 48), []byte{1, 2, 3}, make([]byte, 15), uint64(5), uint8(2))
	f.Add([]byte("0123456789abcdef0123456789abcdeX"), []byte{}, make([]byte, 600), uint64(1)<<63, uint8(1))
	f.Add([]byte("0123456789abcdef0123456789abcdeX"), make([]byte, 16), make([]byte, 47), uint64(3), uint8(4))

	f.Fuzz(func(t *testing.T, key, tweak, data []byte, sector uint64, mode uint8) {
		c, err := New(key)
		h := len(key) / 2
		switch {
		case len(key) != 32 && len(key) != 64:
			if !errors.Is(err, ErrKeyLength) || c != nil {
				t.Fatalf("New(%d bytes) = %v", len(key), err)
			}
		case bytes.Equal(key[:h], key[h:]):
			if !errors.Is(err, ErrEqualKeyHalves) || c != nil {
				t.Fatalf("New(equal halves) = %v", err)
			}
		case err != nil || c == nil:
			t.Fatalf("New(valid key) = %v", err)
		}
		if c == nil {
			n := 32
			if mode&2 != 0 {
				n = 64
			}
			k := make([]byte, n)
			copy(k, key)
			if bytes.Equal(k[:n/2], k[n/2:]) {
				k[n-1] ^= 1
			}
			key = k
			if c, err = New(key); err != nil {
				t.Fatalf("New(derived key): %v", err)
			}
		}
		if mode&1 != 0 {
			tweak = sectorTweak(sector)
		}

		var wantErr error
		switch {
		case len(tweak) != TweakSize:
			wantErr = ErrTweakLength
		case len(data) < MinDataLen || len(data) > MaxDataLen:
			wantErr = ErrDataLength
		}
		if wantErr == nil && mode&4 != 0 {
			// dst starts 1..15 bytes after src inside one buffer.
			off := 1 + int(sector%15)
			buf := make([]byte, len(data)+off)
			copy(buf, data)
			before := bytes.Clone(buf)
			for _, op := range []func(dst, src, tweak []byte) error{c.Encrypt, c.Decrypt} {
				if err := op(buf[off:], buf[:len(data)], tweak); !errors.Is(err, ErrOverlap) {
					t.Fatalf("partial overlap: err = %v", err)
				}
			}
			if !bytes.Equal(buf, before) {
				t.Fatal("buffer written on ErrOverlap")
			}
			return
		}

		ct := make([]byte, len(data))
		err = c.Encrypt(ct, data, tweak)
		if wantErr != nil {
			if !errors.Is(err, wantErr) {
				t.Fatalf("Encrypt: err = %v, want %v", err, wantErr)
			}
			if err := c.Decrypt(ct, data, tweak); !errors.Is(err, wantErr) {
				t.Fatalf("Decrypt: err = %v, want %v", err, wantErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("Encrypt: %v", err)
		}
		pt := make([]byte, len(data))
		if err := c.Decrypt(pt, ct, tweak); err != nil {
			t.Fatalf("Decrypt: %v", err)
		}
		if !bytes.Equal(pt, data) {
			t.Fatal("round trip failed")
		}
		buf := bytes.Clone(data)
		if err := c.Encrypt(buf, buf, tweak); err != nil || !bytes.Equal(buf, ct) {
			t.Fatalf("in-place Encrypt differs (err %v)", err)
		}
		if err := c.Decrypt(buf, buf, tweak); err != nil || !bytes.Equal(buf, data) {
			t.Fatalf("in-place Decrypt differs (err %v)", err)
		}
		if len(data)%16 == 0 && bytes.Equal(tweak[8:], make([]byte, 8)) {
			s := binary.LittleEndian.Uint64(tweak)
			if !bytes.Equal(xcryptoRef(t, key, true, data, s), ct) {
				t.Fatal("Encrypt differs from x/crypto/xts")
			}
			if !bytes.Equal(xcryptoRef(t, key, false, ct, s), data) {
				t.Fatal("x/crypto/xts does not decrypt our ciphertext")
			}
		}
		if !bytes.Equal(gmsmRef(t, key, true, data, tweak), ct) {
			t.Fatal("Encrypt differs from gmsm XTS")
		}
		if !bytes.Equal(gmsmRef(t, key, false, ct, tweak), data) {
			t.Fatal("gmsm XTS does not decrypt our ciphertext")
		}
	})
}
