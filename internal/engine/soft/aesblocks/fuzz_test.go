package aesblocks

import (
	"bytes"
	"crypto/aes"
	"errors"
	"testing"
)

// FuzzCTR: for any key, IV and data, every implementation path equals
// crypto/aes + cipher.NewCTR, out of place and in place; invalid key and IV
// sizes give the documented errors instead of panics.
func FuzzCTR(f *testing.F) {
	for _, v := range sp38aCTR {
		f.Add(unhex(f, v.key), unhex(f, sp38aCounter), unhex(f, sp38aPlain))
	}
	f.Add(unhex(f, sp38aKey128), unhex(f, "ffffffffffffffffffffffffffffffff"), make([]byte, 1000))
	f.Add(unhex(f, sp38aKey192), unhex(f, "0000000000000000fffffffffffffffd"), make([]byte, 533))
	f.Add(make([]byte, 15), make([]byte, 16), []byte("x"))
	f.Add(make([]byte, 16), make([]byte, 12), []byte("x"))
	paths := impls(f)
	f.Fuzz(func(t *testing.T, key, iv, data []byte) {
		for _, p := range paths {
			c, err := newCipher(key, p.kind)
			if len(key) != 16 && len(key) != 24 && len(key) != 32 {
				if !errors.Is(err, ErrKeySize) {
					t.Fatalf("key %d bytes: %v", len(key), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(data))
			err = c.XORKeyStreamCTR(got, data, iv)
			if len(iv) != 16 {
				if !errors.Is(err, ErrIVSize) {
					t.Fatalf("iv %d bytes: %v", len(iv), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := stdCTR(t, key, iv, data)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: key %x iv %x len %d: differs from cipher.NewCTR", p.name, key, iv, len(data))
			}
			inplace := bytes.Clone(data)
			if err := c.XORKeyStreamCTR(inplace, inplace, iv); err != nil || !bytes.Equal(inplace, want) {
				t.Fatalf("%s: in place differs from cipher.NewCTR (%v)", p.name, err)
			}
		}
	})
}

// FuzzECB: for any key and data, every path equals a crypto/aes per-block
// loop in both directions and round-trips, out of place and in place;
// lengths that are not whole blocks give ErrInputSize.
func FuzzECB(f *testing.F) {
	for _, v := range sp38aECB {
		f.Add(unhex(f, v.key), unhex(f, sp38aPlain))
	}
	for _, v := range fips197C {
		f.Add(unhex(f, v.key), unhex(f, v.pt))
	}
	f.Add(make([]byte, 32), make([]byte, 16*47))
	f.Add(make([]byte, 16), make([]byte, 17))
	paths := impls(f)
	f.Fuzz(func(t *testing.T, key, data []byte) {
		ref, refErr := aes.NewCipher(key)
		for _, p := range paths {
			c, err := newCipher(key, p.kind)
			if refErr != nil {
				if !errors.Is(err, ErrKeySize) {
					t.Fatalf("key %d bytes: %v", len(key), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(data))
			err = c.EncryptBlocks(got, data)
			if len(data)%16 != 0 {
				if !errors.Is(err, ErrInputSize) {
					t.Fatalf("len %d: %v", len(data), err)
				}
				if err := c.DecryptBlocks(got, data); !errors.Is(err, ErrInputSize) {
					t.Fatalf("decrypt len %d: %v", len(data), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantEnc := make([]byte, len(data))
			wantDec := make([]byte, len(data))
			for i := 0; i < len(data); i += 16 {
				ref.Encrypt(wantEnc[i:], data[i:i+16])
				ref.Decrypt(wantDec[i:], data[i:i+16])
			}
			if !bytes.Equal(got, wantEnc) {
				t.Fatalf("%s: encrypt differs from crypto/aes", p.name)
			}
			if err := c.DecryptBlocks(got, got); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: in-place decrypt does not round-trip (%v)", p.name, err)
			}
			if err := c.DecryptBlocks(got, data); err != nil || !bytes.Equal(got, wantDec) {
				t.Fatalf("%s: decrypt differs from crypto/aes (%v)", p.name, err)
			}
			if err := c.EncryptBlocks(got, got); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: in-place encrypt does not round-trip (%v)", p.name, err)
			}
		}
	})
}
