package f8

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// RFC 3711 Appendix B.1 ("AES-f8 Test Vectors"), transcribed from the RFC
// text. The key passed to New is k_e ‖ k_s (INTERPRETATIONS.md).
const (
	rfcKE   = "234829008467be186c3de14aae72d62c"
	rfcSalt = "32f2870d"
	rfcIV   = "006e5cba50681de55c621599d462564a"
	rfcPT   = "pseudorandomness is the next best thing"
	rfcCT   = "019ce7a26e7854014a6366aa95d4eefd" +
		"1ad4172a14f9faf455b7f1d4b62bd08f" +
		"562c0eef7c4802"
	rfcMasked = "11baae0dd132eb4d3968b41ffb278379"   // "key XOR key-mask"
	rfcIVp    = "595b699bbd3bc0df26062093c1ad8f73"   // "IV'"
	rfcS      = "71ef82d70a172660240709c7fbb19d8e" + // S(0)
		"3abd640a60919fd43bd289a09649b5fc" + // S(1)
		"220c7a8715266565b09ecc8a2a62b11b" // S(2)
)

func rfcCipher(t *testing.T) *Cipher {
	t.Helper()
	c, err := New(mustHex(t, rfcKE+rfcSalt))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRFC3711(t *testing.T) {
	c := rfcCipher(t)
	iv := mustHex(t, rfcIV)
	pt := []byte(rfcPT)
	if hex.EncodeToString(pt) != "70736575646f72616e646f6d6e657373"+"20697320746865206e65787420626573"+"74207468696e67" {
		t.Fatal("plaintext does not match the RFC's payload bytes")
	}
	want := mustHex(t, rfcCT)

	ct := make([]byte, len(pt))
	if err := c.XORKeyStream(ct, pt, iv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ct, want) {
		t.Fatalf("ciphertext = %x\nwant         %x", ct, want)
	}
	// Decryption is the same call; in place.
	if err := c.XORKeyStream(ct, ct, iv); err != nil {
		t.Fatal(err)
	}
	if string(ct) != rfcPT {
		t.Fatalf("decrypted = %q", ct)
	}
	// The keystream S(0) ‖ S(1) ‖ S(2), all 48 bytes as printed.
	ks := make([]byte, 48)
	if err := c.XORKeyStream(ks, make([]byte, 48), iv); err != nil {
		t.Fatal(err)
	}
	if w := mustHex(t, rfcS); !bytes.Equal(ks, w) {
		t.Fatalf("keystream = %x\nwant        %x", ks, w)
	}
	// Every prefix length gives the matching prefix of the ciphertext.
	for n := 0; n <= len(pt); n++ {
		out := bytes.Repeat([]byte{0xa5}, len(pt))
		if err := c.XORKeyStream(out, pt[:n], iv); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out[:n], want[:n]) || !bytes.Equal(out[n:], bytes.Repeat([]byte{0xa5}, len(pt)-n)) {
			t.Fatalf("length %d: %x", n, out)
		}
	}
}

// TestRFC3711Intermediate checks the printed intermediate values "key XOR
// key-mask" and "IV'".
func TestRFC3711Intermediate(t *testing.T) {
	km := make([]byte, 16)
	maskedKey(km, mustHex(t, rfcKE), mustHex(t, rfcSalt))
	if w := mustHex(t, rfcMasked); !bytes.Equal(km, w) {
		t.Errorf("k_e XOR m = %x, want %x", km, w)
	}
	c := rfcCipher(t)
	ivp := make([]byte, 16)
	c.mask.Encrypt(ivp, mustHex(t, rfcIV))
	if w := mustHex(t, rfcIVp); !bytes.Equal(ivp, w) {
		t.Errorf("IV' = %x, want %x", ivp, w)
	}
}

// TestKeySplit checks the INTERPRETATIONS.md rule for |k_e| at every
// boundary.
func TestKeySplit(t *testing.T) {
	for n := 0; n <= 80; n++ {
		want := 0
		switch {
		case n >= 17 && n <= 32:
			want = 16
		case n >= 33 && n <= 48:
			want = 24
		case n >= 49 && n <= 64:
			want = 32
		}
		if got := EncKeySize(n); got != want {
			t.Errorf("EncKeySize(%d) = %d, want %d", n, got, want)
		}
		_, err := New(make([]byte, n))
		if (err == nil) != (want != 0) || (err != nil && !errors.Is(err, ErrKeySize)) {
			t.Errorf("New(%d bytes) = %v", n, err)
		}
	}
	// With the longest key (|k_e| = 32, |k_s| = 32) every salt byte is part
	// of m, so flipping any one of them must change the keystream.
	base := bytes.Repeat([]byte{0x11}, 64)
	iv := make([]byte, 16)
	ref := make([]byte, 16)
	c, _ := New(base)
	if err := c.XORKeyStream(ref, make([]byte, 16), iv); err != nil {
		t.Fatal(err)
	}
	for i := 32; i < 64; i++ {
		k := append([]byte(nil), base...)
		k[i] ^= 1
		c, _ := New(k)
		out := make([]byte, 16)
		if err := c.XORKeyStream(out, make([]byte, 16), iv); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(out, ref) {
			t.Errorf("salt byte %d has no effect", i-32)
		}
	}
}

func TestErrors(t *testing.T) {
	c := rfcCipher(t)
	iv := mustHex(t, rfcIV)
	src := []byte(rfcPT)
	check := func(name string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", name, err, want)
		}
	}
	for _, n := range []int{0, 8, 12, 15, 17, 32} {
		dst := make([]byte, len(src))
		check("iv", c.XORKeyStream(dst, src, make([]byte, n)), ErrIVSize)
		if !bytes.Equal(dst, make([]byte, len(src))) {
			t.Error("wrote dst on error")
		}
	}
	check("short dst", c.XORKeyStream(make([]byte, len(src)-1), src, iv), ErrShortBuffer)
	check("nil dst", c.XORKeyStream(nil, src, iv), ErrShortBuffer)

	buf := make([]byte, 64)
	copy(buf, src)
	snapshot := append([]byte(nil), buf...)
	check("dst ahead", c.XORKeyStream(buf[1:], buf[:39], iv), ErrOverlap)
	check("dst behind", c.XORKeyStream(buf[:39], buf[5:44], iv), ErrOverlap)
	if !bytes.Equal(buf, snapshot) {
		t.Error("wrote dst on overlap error")
	}
	// Adjacent (non-overlapping) halves of one buffer are fine.
	if err := c.XORKeyStream(buf[39:], buf[:20], iv); err != nil {
		t.Errorf("adjacent buffers: %v", err)
	}
	// Empty src is fine, even with a nil dst.
	if err := c.XORKeyStream(nil, nil, iv); err != nil {
		t.Errorf("empty: %v", err)
	}
	c.Zero()
	check("after Zero", c.XORKeyStream(make([]byte, 4), make([]byte, 4), iv), ErrZeroed)
}

func TestConcurrent(t *testing.T) {
	c := rfcCipher(t)
	iv := mustHex(t, rfcIV)
	want := mustHex(t, rfcCT)
	var wg sync.WaitGroup
	bad := make(chan []byte, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]byte, len(rfcPT))
			for i := 0; i < 200; i++ {
				if err := c.XORKeyStream(out, []byte(rfcPT), iv); err != nil || !bytes.Equal(out, want) {
					bad <- out
					return
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Errorf("concurrent XORKeyStream = %x", b)
	}
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	c := rfcCipher(t)
	iv := make([]byte, IVSize)
	buf := make([]byte, 100)
	if n := testing.AllocsPerRun(100, func() { _ = c.XORKeyStream(buf, buf, iv) }); n != 0 {
		t.Errorf("XORKeyStream allocates %v times per call", n)
	}
}
