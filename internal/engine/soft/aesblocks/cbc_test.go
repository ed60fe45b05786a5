package aesblocks

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"testing"
)

// SP 800-38A (Dec. 2001) Appendix F.2 (CBC): F.2.1/F.2.2 CBC-AES128,
// F.2.3/F.2.4 CBC-AES192, F.2.5/F.2.6 CBC-AES256 (Encrypt and Decrypt use
// the same data); IV 000102...0f, the plaintext of Appendix F
// (sp38aPlain), four blocks. Transcribed from the
// document and checked against Go's crypto/cipher/cbc_aes_test.go
// (cbcAESTests, "NIST SP 800-38A pp 27-29").
const sp38aCBCIV = "000102030405060708090a0b0c0d0e0f"

var sp38aCBC = []struct {
	name, key, ct string
}{
	{"F.2.2", sp38aKey128, "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2" +
		"73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"},
	{"F.2.4", sp38aKey192, "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a" +
		"571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd"},
	{"F.2.6", sp38aKey256, "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d" +
		"39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"},
}

// TestSP80038ACBC encrypts and decrypts the F.2 vectors on every path, out
// of place, in place and with the IV inside dst, for every prefix of 1-4
// blocks (a prefix of a CBC plaintext encrypts to the prefix of the
// ciphertext, and the other way round).
func TestSP80038ACBC(t *testing.T) {
	pt := unhex(t, sp38aPlain)
	iv := unhex(t, sp38aCBCIV)
	for _, p := range impls(t) {
		for _, v := range sp38aCBC {
			c := p.new(t, unhex(t, v.key))
			ct := unhex(t, v.ct)
			for n := 1; n <= 4; n++ {
				name := fmt.Sprintf("%s/%s/%dblocks", p.name, v.name, n)
				want := pt[:16*n]
				got := make([]byte, 16*n)
				if err := c.DecryptCBC(got, ct[:16*n], iv); err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: got %x, %v; want %x", name, got, err, want)
				}
				inPlace := bytes.Clone(ct[:16*n])
				if err := c.DecryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, want) {
					t.Errorf("%s in place: got %x, %v; want %x", name, inPlace, err, want)
				}
				// The IV is the first block of dst (read before written).
				buf := append(bytes.Clone(iv), make([]byte, 16*n)...)
				if err := c.DecryptCBC(buf, ct[:16*n], buf[:16]); err != nil || !bytes.Equal(buf[:16*n], want) {
					t.Errorf("%s iv in dst: got %x, %v; want %x", name, buf[:16*n], err, want)
				}
				// Encryption, the same three ways.
				wantCT := ct[:16*n]
				gotCT := make([]byte, 16*n)
				if err := c.EncryptCBC(gotCT, pt[:16*n], iv); err != nil || !bytes.Equal(gotCT, wantCT) {
					t.Errorf("%s encrypt: got %x, %v; want %x", name, gotCT, err, wantCT)
				}
				inPlace = bytes.Clone(pt[:16*n])
				if err := c.EncryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, wantCT) {
					t.Errorf("%s encrypt in place: got %x, %v; want %x", name, inPlace, err, wantCT)
				}
				buf = append(bytes.Clone(iv), make([]byte, 16*n)...)
				if err := c.EncryptCBC(buf, pt[:16*n], buf[:16]); err != nil || !bytes.Equal(buf[:16*n], wantCT) {
					t.Errorf("%s encrypt iv in dst: got %x, %v; want %x", name, buf[:16*n], err, wantCT)
				}
			}
		}
	}
}

// TestCBCLengths compares every path with crypto/cipher's CBC decrypter
// over lengths that cross the chunk sizes of the assembly paths, out of
// place and in place.
func TestCBCLengths(t *testing.T) {
	key := unhex(t, sp38aKey256)
	iv := unhex(t, sp38aCBCIV)
	ref, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	src := make([]byte, 3*cbcChunk+cbcInPlaceChunk+64)
	for i := range src {
		src[i] = byte(i*131 + i>>8)
	}
	var lengths []int
	for n := 16; n <= 64*16; n += 16 {
		lengths = append(lengths, n)
	}
	for _, k := range []int{cbcInPlaceChunk, cbcChunk, 2 * cbcChunk, 3 * cbcChunk} {
		lengths = append(lengths, k-16, k, k+16, k+cbcInPlaceChunk+48)
	}
	for _, p := range impls(t) {
		c := p.new(t, key)
		for _, n := range lengths {
			want := make([]byte, n)
			cipher.NewCBCDecrypter(ref, iv).CryptBlocks(want, src[:n])
			got := make([]byte, n+16)
			got[n] = 0x5a
			if err := c.DecryptCBC(got, src[:n], iv); err != nil || !bytes.Equal(got[:n], want) || got[n] != 0x5a {
				t.Fatalf("%s len %d: mismatch (err %v)", p.name, n, err)
			}
			inPlace := bytes.Clone(src[:n])
			if err := c.DecryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, want) {
				t.Fatalf("%s len %d in place: mismatch (err %v)", p.name, n, err)
			}
			wantCT := make([]byte, n)
			cipher.NewCBCEncrypter(ref, iv).CryptBlocks(wantCT, src[:n])
			if err := c.EncryptCBC(got, src[:n], iv); err != nil || !bytes.Equal(got[:n], wantCT) || got[n] != 0x5a {
				t.Fatalf("%s len %d encrypt: mismatch (err %v)", p.name, n, err)
			}
			inPlace = bytes.Clone(src[:n])
			if err := c.EncryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, wantCT) {
				t.Fatalf("%s len %d encrypt in place: mismatch (err %v)", p.name, n, err)
			}
		}
	}
}

// TestCBCErrors: bad arguments give the documented errors and write
// nothing.
func TestCBCErrors(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, make([]byte, 16))
		iv := make([]byte, 16)
		buf := bytes.Repeat([]byte{0xa5}, 64)
		check := func(what string, err, want error) {
			t.Helper()
			if !errors.Is(err, want) {
				t.Errorf("%s %s: %v, want %v", p.name, what, err, want)
			}
			if !bytes.Equal(buf, bytes.Repeat([]byte{0xa5}, 64)) {
				t.Fatalf("%s %s: a failed call wrote to dst", p.name, what)
			}
		}
		for name, f := range map[string]func(dst, src, iv []byte) error{"dec": c.DecryptCBC, "enc": c.EncryptCBC} {
			check(name+" len 17", f(buf, make([]byte, 17), iv), ErrInputSize)
			check(name+" short dst", f(buf[:16], make([]byte, 32), iv), ErrShortDst)
			check(name+" overlap", f(buf[16:48], buf[0:32], iv), ErrOverlap)
			for _, n := range []int{0, 8, 15, 17, 32} {
				check(fmt.Sprintf("%s iv %d", name, n), f(buf, make([]byte, 16), make([]byte, n)), ErrIVSize)
			}
			if err := f(nil, nil, iv); err != nil {
				t.Errorf("%s %s empty: %v", p.name, name, err)
			}
		}
		c.Zero()
		check("dec after Zero", c.DecryptCBC(buf, make([]byte, 16), iv), ErrZeroed)
		check("enc after Zero", c.EncryptCBC(buf, make([]byte, 16), iv), ErrZeroed)
	}
	var none *Cipher
	if err := none.DecryptCBC(make([]byte, 16), make([]byte, 16), make([]byte, 16)); !errors.Is(err, ErrZeroed) {
		t.Errorf("nil Cipher: %v", err)
	}
	if err := none.EncryptCBC(make([]byte, 16), make([]byte, 16), make([]byte, 16)); !errors.Is(err, ErrZeroed) {
		t.Errorf("nil Cipher: %v", err)
	}
}

// TestCBCAllocs: DecryptCBC allocates nothing on the assembly paths (the
// generic one may use crypto/aes's own buffers).
func TestCBCAllocs(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, make([]byte, 16))
		iv := make([]byte, 16)
		for _, n := range []int{16, 64, 4096, 3 * cbcChunk} {
			src, dst := make([]byte, n), make([]byte, n)
			if a := testing.AllocsPerRun(50, func() { _ = c.DecryptCBC(dst, src, iv) }); a != 0 {
				t.Errorf("%s: DecryptCBC(%d) allocates %v", p.name, n, a)
			}
			if a := testing.AllocsPerRun(50, func() { _ = c.DecryptCBC(src, src, iv) }); a != 0 {
				t.Errorf("%s: in-place DecryptCBC(%d) allocates %v", p.name, n, a)
			}
			if a := testing.AllocsPerRun(50, func() { _ = c.EncryptCBC(dst, src, iv) }); a != 0 {
				t.Errorf("%s: EncryptCBC(%d) allocates %v", p.name, n, a)
			}
		}
	}
}

// FuzzCBC: for any key, IV and data, every path equals crypto/cipher's CBC
// decrypter and encrypter, out of place and in place; lengths that are not
// whole blocks give ErrInputSize.
func FuzzCBC(f *testing.F) {
	for _, v := range sp38aCBC {
		f.Add(unhex(f, v.key), unhex(f, sp38aCBCIV), unhex(f, v.ct))
	}
	f.Add(make([]byte, 16), make([]byte, 16), make([]byte, cbcChunk+cbcInPlaceChunk+16))
	f.Add(make([]byte, 24), make([]byte, 16), make([]byte, 17))
	paths := impls(f)
	f.Fuzz(func(t *testing.T, key, iv, data []byte) {
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
			err = c.DecryptCBC(got, data, iv)
			switch {
			case len(iv) != 16:
				if !errors.Is(err, ErrIVSize) && !(len(data)%16 != 0 && errors.Is(err, ErrInputSize)) {
					t.Fatalf("iv %d bytes: %v", len(iv), err)
				}
				continue
			case len(data)%16 != 0:
				if !errors.Is(err, ErrInputSize) {
					t.Fatalf("len %d: %v", len(data), err)
				}
				continue
			case err != nil:
				t.Fatal(err)
			}
			want := make([]byte, len(data))
			cipher.NewCBCDecrypter(ref, iv).CryptBlocks(want, data)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: got %x want %x", p.name, got, want)
			}
			inPlace := bytes.Clone(data)
			if err := c.DecryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, want) {
				t.Fatalf("%s in place: got %x, %v", p.name, inPlace, err)
			}
			cipher.NewCBCEncrypter(ref, iv).CryptBlocks(want, data)
			if err := c.EncryptCBC(got, data, iv); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s encrypt: got %x, %v want %x", p.name, got, err, want)
			}
			inPlace = bytes.Clone(data)
			if err := c.EncryptCBC(inPlace, inPlace, iv); err != nil || !bytes.Equal(inPlace, want) {
				t.Fatalf("%s encrypt in place: got %x, %v", p.name, inPlace, err)
			}
		}
	})
}
