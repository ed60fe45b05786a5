package gcm

import (
	"bytes"
	"crypto/cipher"
	"crypto/des"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"sync"
	"testing"
)

// refClmul64 is a shift-and-add carry-less 64×64 multiply (hi, lo).
func refClmul64(x, y uint64) (hi, lo uint64) {
	for i := range 64 {
		if y>>i&1 == 1 {
			lo ^= x << i
			if i > 0 {
				hi ^= x >> (64 - i)
			}
		}
	}
	return hi, lo
}

// TestBmul64 checks the integer-multiply carry-less product against a
// shift-and-add one, including all-ones operands (the most carries any
// column can receive) and their bit reversal (the high-half path).
func TestBmul64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][2]uint64{{^uint64(0), ^uint64(0)}, {0, 0}, {1, 1}, {1 << 63, 1 << 63}, {m0, m0}, {m3, m3}, {m1 | m3, ^uint64(0)}}
	for range 20000 {
		cases = append(cases, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, c := range cases {
		hi, lo := refClmul64(c[0], c[1])
		if got := bmul64(c[0], c[1]); got != lo {
			t.Fatalf("bmul64(%#x, %#x) = %#x, want %#x", c[0], c[1], got, lo)
		}
		if got := bits.Reverse64(bmul64(bits.Reverse64(c[0]), bits.Reverse64(c[1]))) >> 1; got != hi {
			t.Fatalf("high half of %#x·%#x = %#x, want %#x", c[0], c[1], got, hi)
		}
	}
}

// TestMulAgainstAlgorithm1 compares the field multiplication with the
// bit-serial Algorithm 1 of SP 800-38D §6.3 on random and edge operands.
func TestMulAgainstAlgorithm1(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var edge [][16]byte
	var ones, top, bottom [16]byte
	for i := range ones {
		ones[i] = 0xFF
	}
	top[0] = 0x80  // x^0, the multiplicative identity
	bottom[15] = 1 // x^127
	edge = append(edge, [16]byte{}, ones, top, bottom)
	rnd := func() (b [16]byte) {
		binary.BigEndian.PutUint64(b[:8], r.Uint64())
		binary.BigEndian.PutUint64(b[8:], r.Uint64())
		return b
	}
	for range 3000 {
		edge = append(edge, rnd())
	}
	for i, x := range edge {
		y := edge[(i*7+1)%len(edge)]
		k := newGHASHKey(&y)
		hi, lo := k.mul(binary.BigEndian.Uint64(x[:8]), binary.BigEndian.Uint64(x[8:]))
		want := refMul(x, y)
		if hi != binary.BigEndian.Uint64(want[:8]) || lo != binary.BigEndian.Uint64(want[8:]) {
			t.Fatalf("%x · %x = %016x%016x, want %x", x, y, hi, lo, want)
		}
	}
	// x^0 is the identity.
	x := rnd()
	k := newGHASHKey(&top)
	if hi, lo := k.mul(binary.BigEndian.Uint64(x[:8]), binary.BigEndian.Uint64(x[8:])); hi != binary.BigEndian.Uint64(x[:8]) || lo != binary.BigEndian.Uint64(x[8:]) {
		t.Fatal("multiplication by x^0 is not the identity")
	}
}

// TestInc32Wrap uses a J0 whose low word is 0xFFFFFFFE, so the counter
// blocks of a 5½-block message are …FFFFFFFF, …00000000, …00000001, …: only
// the low 32 bits may wrap (SP 800-38D §6.2). The expected output is built
// in the test from the block cipher directly. The test also shows that a
// full 128-bit counter (what cipher.NewCTR does) gives a different result.
func TestInc32Wrap(t *testing.T) {
	for _, mk := range []func(testing.TB, []byte) cipher.Block{newAES, newTwofish} {
		b := mk(t, unhex(t, "000102030405060708090a0b0c0d0e0f"))
		g := mustNew(t, b)
		j0 := unhex(t, "a0a1a2a3a4a5a6a7a8a9aaabfffffffe")
		pt := make([]byte, 5*16+9)
		for i := range pt {
			pt[i] = byte(i * 3)
		}
		aad := []byte("wrap test")

		// Independent: counter blocks written out literally.
		prefix := j0[:12]
		lows := []uint32{0xFFFFFFFF, 0, 1, 2, 3, 4}
		want := make([]byte, len(pt))
		for i, low := range lows {
			cb := append(append([]byte{}, prefix...), 0, 0, 0, 0)
			binary.BigEndian.PutUint32(cb[12:], low)
			ks := make([]byte, 16)
			b.Encrypt(ks, cb)
			for j := i * 16; j < len(pt) && j < i*16+16; j++ {
				want[j] = pt[j] ^ ks[j-i*16]
			}
		}
		var hb [16]byte
		b.Encrypt(hb[:], hb[:])
		s := refGHASH(hb, aad, want)
		ej0 := make([]byte, 16)
		b.Encrypt(ej0, j0)
		for i := range s {
			s[i] ^= ej0[i]
		}
		want = append(want, s[:]...)

		got := make([]byte, len(pt)+16)
		if err := g.SealJ0(got, j0, pt, aad, 16); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("SealJ0 across the 32-bit wrap:\n got %x\nwant %x", got, want)
		}
		back := make([]byte, len(pt))
		if err := g.OpenJ0(back, j0, got, aad, 16); err != nil || !bytes.Equal(back, pt) {
			t.Fatalf("OpenJ0 across the wrap: %v", err)
		}

		// A 128-bit counter carries into byte 11 after the wrap and differs.
		first := append([]byte{}, j0...)
		binary.BigEndian.PutUint32(first[12:], 0xFFFFFFFF)
		ctr := make([]byte, len(pt))
		cipher.NewCTR(b, first).XORKeyStream(ctr, pt)
		if bytes.Equal(ctr[16:32], got[16:32]) || !bytes.Equal(ctr[:16], got[:16]) {
			t.Fatal("inc32 and a 128-bit counter should agree on block 1 and differ on block 2")
		}
	}
}

// TestAgainstStd compares with crypto/cipher, an independent GCM: for AES
// std's assembly, for Twofish std's generic fallback. Std cannot truncate
// below 12 bytes or combine a non-96-bit IV with a short tag, but the tag is
// MSB_t of the full tag, so the full-tag std result is truncated here.
func TestAgainstStd(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, mk := range []func(testing.TB, []byte) cipher.Block{newAES, newTwofish} {
		for _, keyLen := range []int{16, 24, 32} {
			key := make([]byte, keyLen)
			for i := range key {
				key[i] = byte(r.Uint32())
			}
			b := mk(t, key)
			g := mustNew(t, b)
			for _, ivLen := range []int{1, 8, 11, 12, 13, 16, 60, 128} {
				std, err := cipher.NewGCMWithNonceSize(b, ivLen)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 200} {
					iv, pt, aad := make([]byte, ivLen), make([]byte, n), make([]byte, r.IntN(40))
					for _, s := range [][]byte{iv, pt, aad} {
						for i := range s {
							s[i] = byte(r.Uint32())
						}
					}
					full := std.Seal(nil, iv, pt, aad)
					for _, tl := range allTagSizes {
						want := full[:n+tl]
						got := make([]byte, n+tl)
						if err := g.Seal(got, iv, pt, aad, tl); err != nil || !bytes.Equal(got, want) {
							t.Fatalf("iv %d pt %d tag %d: Seal = %x, %v; std %x", ivLen, n, tl, got, err, want)
						}
						back := make([]byte, n)
						if err := g.Open(back, iv, got, aad, tl); err != nil || !bytes.Equal(back, pt) {
							t.Fatalf("Open: %v", err)
						}
						if n == 0 {
							mac := make([]byte, tl)
							if err := g.GMAC(mac, iv, aad); err != nil || !bytes.Equal(mac, full[:tl]) {
								t.Fatalf("GMAC = %x, %v; std %x", mac, err, full[:tl])
							}
						}
					}
				}
			}
		}
	}
}

// TestTamper flips every bit of ciphertext, tag and AAD in turn, and one
// bit of the IV and J0: each must fail with ErrAuth and a zeroed dst.
func TestTamper(t *testing.T) {
	g := mustNew(t, newAES(t, unhex(t, specK2)))
	iv, j0, aad, pt := unhex(t, specIV96), unhex(t, specIV96+"00000001"), unhex(t, specA), unhex(t, specP60)
	for _, tl := range allTagSizes {
		sealed := make([]byte, len(pt)+tl)
		if err := g.Seal(sealed, iv, pt, aad, tl); err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, len(pt))
		expectFail := func(what string, err error) {
			t.Helper()
			if err != ErrAuth || !allZero(dst) {
				t.Fatalf("tag %d, %s: err %v, dst %x", tl, what, err, dst)
			}
		}
		for i := range len(sealed) * 8 {
			sealed[i/8] ^= 1 << (i % 8)
			expectFail("ciphertext/tag bit", g.Open(dst, iv, sealed, aad, tl))
			sealed[i/8] ^= 1 << (i % 8)
		}
		for i := range len(aad) * 8 {
			aad[i/8] ^= 1 << (i % 8)
			expectFail("aad bit", g.Open(dst, iv, sealed, aad, tl))
			aad[i/8] ^= 1 << (i % 8)
		}
		iv[11] ^= 1
		expectFail("iv bit", g.Open(dst, iv, sealed, aad, tl))
		iv[11] ^= 1
		j0[15] ^= 2
		expectFail("j0 bit", g.OpenJ0(dst, j0, sealed, aad, tl))
		j0[15] ^= 2
		expectFail("aad dropped", g.Open(dst, iv, sealed, nil, tl))
		if err := g.Open(dst, iv, sealed, aad, tl); err != nil || !bytes.Equal(dst, pt) {
			t.Fatalf("untampered Open failed: %v", err)
		}
	}
}

// TestErrors checks that invalid arguments give the documented error and
// never panic.
func TestErrors(t *testing.T) {
	if _, err := New(nil); err != ErrBlockSize {
		t.Errorf("New(nil) = %v", err)
	}
	d, _ := des.NewCipher(make([]byte, 8))
	if _, err := New(d); err != ErrBlockSize {
		t.Errorf("New(DES) = %v", err)
	}
	g := mustNew(t, newAES(t, make([]byte, 16)))
	iv, j0 := make([]byte, 12), make([]byte, 16)
	buf := make([]byte, 64)
	pt := make([]byte, 20)
	sealed := make([]byte, 36)
	var j [16]byte
	for _, tl := range []int{-1, 0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 17, 32, 1 << 40} {
		if err := g.Seal(buf, iv, pt, nil, tl); err != ErrTagSize {
			t.Errorf("Seal tag %d: %v", tl, err)
		}
		if err := g.OpenJ0(buf, j0, sealed, nil, tl); err != ErrTagSize {
			t.Errorf("OpenJ0 tag %d: %v", tl, err)
		}
	}
	for _, n := range []int{0, 1, 2, 3, 5, 7, 9, 10, 11, 17, 100} {
		if err := g.GMAC(make([]byte, n), iv, pt); err != ErrTagSize {
			t.Errorf("GMAC out %d: %v", n, err)
		}
	}
	cases := []struct {
		name string
		err  error
		call func() error
	}{
		{"Seal empty IV", ErrIVSize, func() error { return g.Seal(buf, nil, pt, nil, 16) }},
		{"Open empty IV", ErrIVSize, func() error { return g.Open(buf, []byte{}, sealed, nil, 16) }},
		{"GMAC empty IV", ErrIVSize, func() error { return g.GMAC(buf[:16], nil, pt) }},
		{"DeriveJ0 empty IV", ErrIVSize, func() error { return g.DeriveJ0(&j, nil) }},
		{"DeriveJ0 nil j0", ErrShortBuffer, func() error { return g.DeriveJ0(nil, iv) }},
		{"SealJ0 J0 15", ErrIVSize, func() error { return g.SealJ0(buf, j0[:15], pt, nil, 16) }},
		{"SealJ0 J0 17", ErrIVSize, func() error { return g.SealJ0(buf, make([]byte, 17), pt, nil, 16) }},
		{"OpenJ0 J0 12", ErrIVSize, func() error { return g.OpenJ0(buf, iv, sealed, nil, 16) }},
		{"GMACJ0 J0 0", ErrIVSize, func() error { return g.GMACJ0(buf[:16], nil, pt) }},
		{"Seal short dst", ErrShortBuffer, func() error { return g.Seal(buf[:35], iv, pt, nil, 16) }},
		{"SealJ0 nil dst", ErrShortBuffer, func() error { return g.SealJ0(nil, j0, nil, nil, 4) }},
		{"Open short dst", ErrShortBuffer, func() error { return g.Open(buf[:19], iv, sealed, nil, 16) }},
		{"Open ct < tag", ErrInputSize, func() error { return g.Open(buf, iv, sealed[:15], nil, 16) }},
		{"OpenJ0 ct < tag", ErrInputSize, func() error { return g.OpenJ0(buf, j0, nil, nil, 4) }},
		{"Seal overlap +1", ErrOverlap, func() error { return g.Seal(buf[1:], iv, buf[:20], nil, 16) }},
		{"Seal overlap -1", ErrOverlap, func() error { return g.Seal(buf[:40], iv, buf[1:21], nil, 16) }},
		{"Seal tag over pt", ErrOverlap, func() error { return g.Seal(buf[0:], iv, buf[24:44], nil, 16) }},
		{"OpenJ0 overlap", ErrOverlap, func() error { return g.OpenJ0(buf[3:], j0, buf[:36], nil, 16) }},
		{"OpenJ0 dst over tag", ErrOverlap, func() error { return g.OpenJ0(buf[30:], j0, buf[10:46], nil, 16) }},
		{"Open wrong tag", ErrAuth, func() error { return g.Open(buf, iv, sealed, nil, 16) }},
	}
	for _, c := range cases {
		if err := c.call(); err != c.err {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
	// Lengths beyond SP 800-38D §5.2.1.1 cannot be allocated in a test; the
	// bound itself is 2^39-256 bits of plaintext.
	if MaxPlaintextSize*8 != 1<<39-256 || MaxPlaintextSize != (1<<32-2)*16 {
		t.Error("MaxPlaintextSize is not 2^39-256 bits")
	}

	var nilG *GCM
	if err := nilG.Seal(buf, iv, pt, nil, 16); err != ErrZeroed {
		t.Errorf("nil GCM: %v", err)
	}
	nilG.Zero()
}

// TestOverlapInPlaceOK checks that exact in-place operation is accepted and
// that out-of-place into the same backing array without overlap works.
func TestOverlapInPlaceOK(t *testing.T) {
	g := mustNew(t, newAES(t, make([]byte, 16)))
	iv := make([]byte, 12)
	buf := make([]byte, 100)
	for i := range buf {
		buf[i] = byte(i)
	}
	want := make([]byte, 36)
	if err := g.Seal(want, iv, buf[:20], nil, 16); err != nil {
		t.Fatal(err)
	}
	// Disjoint regions of one array.
	if err := g.Seal(buf[40:], iv, buf[:20], nil, 16); err != nil || !bytes.Equal(buf[40:76], want) {
		t.Fatalf("disjoint Seal: %v", err)
	}
	// Open from the sealed copy back into the first region.
	if err := g.Open(buf[:20], iv, buf[40:76], nil, 16); err != nil || buf[19] != 19 {
		t.Fatalf("disjoint Open: %v", err)
	}
	// In place.
	if err := g.Seal(buf, iv, buf[:20], nil, 16); err != nil || !bytes.Equal(buf[:36], want) {
		t.Fatalf("in-place Seal: %v", err)
	}
	if err := g.Open(buf, iv, buf[:36], nil, 16); err != nil || buf[0] != 0 || buf[19] != 19 {
		t.Fatalf("in-place Open: %v", err)
	}
	// AAD may alias dst: it is read before dst is written.
	aad := append([]byte{}, buf[50:60]...)
	want2 := make([]byte, 36)
	if err := g.Seal(want2, iv, buf[:20], aad, 16); err != nil {
		t.Fatal(err)
	}
	if err := g.Seal(buf[50:], iv, buf[:20], buf[50:60], 16); err != nil || !bytes.Equal(buf[50:86], want2) {
		t.Fatalf("Seal with AAD aliasing dst: %v", err)
	}
	// GMAC output may alias the message.
	msg := append([]byte{}, buf[:32]...)
	mac := make([]byte, 16)
	if err := g.GMAC(mac, iv, msg); err != nil {
		t.Fatal(err)
	}
	if err := g.GMAC(msg[:16], iv, msg); err != nil || !bytes.Equal(msg[:16], mac) {
		t.Fatalf("GMAC aliasing msg: %v", err)
	}
	// DeriveJ0 with iv aliasing the output.
	iv16 := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	var want3 [16]byte
	if err := g.DeriveJ0(&want3, iv16[:]); err != nil {
		t.Fatal(err)
	}
	if err := g.DeriveJ0(&iv16, iv16[:]); err != nil || iv16 != want3 {
		t.Fatalf("DeriveJ0 aliasing: %v", err)
	}
}

// TestZero checks that Zero wipes H and its derived values and disables
// every method.
func TestZero(t *testing.T) {
	g := mustNew(t, newAES(t, make([]byte, 16)))
	if g.h == (ghashKey{}) {
		t.Fatal("H is zero before Zero")
	}
	g.Zero()
	if g.h != (ghashKey{}) || g.b != nil {
		t.Fatal("Zero left key material")
	}
	buf := make([]byte, 64)
	var j [16]byte
	for name, err := range map[string]error{
		"Seal":     g.Seal(buf, buf[:12], nil, nil, 16),
		"SealJ0":   g.SealJ0(buf, buf[:16], nil, nil, 16),
		"Open":     g.Open(buf, buf[:12], buf[:16], nil, 16),
		"OpenJ0":   g.OpenJ0(buf, buf[:16], buf[:16], nil, 16),
		"GMAC":     g.GMAC(buf[:16], buf[:12], nil),
		"GMACJ0":   g.GMACJ0(buf[:16], buf[:16], nil),
		"DeriveJ0": g.DeriveJ0(&j, buf[:12]),
	} {
		if err != ErrZeroed {
			t.Errorf("%s after Zero: %v", name, err)
		}
	}
	g.Zero() // idempotent
}

// TestConcurrent uses one GCM from several goroutines (run with -race) and
// checks that all of them finish.
func TestConcurrent(t *testing.T) {
	g := mustNew(t, newAES(t, unhex(t, specK2)))
	iv, aad, p := unhex(t, specIV96), unhex(t, specA), unhex(t, specP60)
	want := unhex(t, specCases[3].c+specCases[3].tag)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]byte, len(want))
			back := make([]byte, len(p))
			for range 200 {
				if err := g.Seal(dst, iv, p, aad, 16); err != nil || !bytes.Equal(dst, want) {
					errs <- "Seal mismatch"
					return
				}
				if err := g.Open(back, iv, dst, aad, 16); err != nil || !bytes.Equal(back, p) {
					errs <- "Open mismatch"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestNoAllocs checks that the data operations allocate nothing.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	g := mustNew(t, newAES(t, make([]byte, 16)))
	iv12, iv8, j0 := make([]byte, 12), make([]byte, 8), make([]byte, 16)
	pt, aad := make([]byte, 1000), make([]byte, 33)
	dst := make([]byte, 1016)
	back := make([]byte, 1000)
	if err := g.SealJ0(dst, j0, pt, aad, 16); err != nil {
		t.Fatal(err)
	}
	var j [16]byte
	wrongJ0 := make([]byte, 16)
	wrongJ0[0] = 1
	for name, f := range map[string]func(){
		"SealJ0":   func() { _ = g.SealJ0(dst, j0, pt, aad, 16) },
		"OpenJ0":   func() { _ = g.OpenJ0(back, j0, dst, aad, 16) },
		"Seal":     func() { _ = g.Seal(dst, iv8, pt, aad, 8) },
		"Open":     func() { _ = g.Open(back, iv12, dst, aad, 16) },
		"GMAC":     func() { _ = g.GMAC(dst[:16], iv12, pt) },
		"GMACJ0":   func() { _ = g.GMACJ0(dst[:4], j0, pt) },
		"DeriveJ0": func() { _ = g.DeriveJ0(&j, pt[:60]) },
		"ErrAuth":  func() { _ = g.OpenJ0(back, wrongJ0, dst, aad, 16) },
	} {
		if n := testing.AllocsPerRun(50, f); n != 0 {
			t.Errorf("%s: %v allocs per call", name, n)
		}
	}
}
