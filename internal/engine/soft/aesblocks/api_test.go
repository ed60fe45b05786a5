package aesblocks

import (
	"bytes"
	"errors"
	"sync"
	"testing"
)

func TestNewKeySize(t *testing.T) {
	for _, n := range []int{0, 1, 8, 15, 17, 20, 23, 25, 31, 33, 48, 64} {
		c, err := New(make([]byte, n))
		if !errors.Is(err, ErrKeySize) || c != nil {
			t.Errorf("New(%d bytes) = %v, %v; want ErrKeySize", n, c, err)
		}
	}
	if _, err := New(nil); !errors.Is(err, ErrKeySize) {
		t.Errorf("New(nil): %v", err)
	}
	for _, n := range []int{16, 24, 32} {
		c, err := New(make([]byte, n))
		if err != nil || c.nr != n/4+6 {
			t.Errorf("New(%d bytes): %v", n, err)
		}
		if c.impl != bestImpl {
			t.Errorf("New picked %v, want the fastest path %v", c.impl, bestImpl)
		}
	}
}

// TestNewCopiesKey: changing the key slice after New changes nothing.
func TestNewCopiesKey(t *testing.T) {
	for _, p := range impls(t) {
		key := unhex(t, fips197C[0].key)
		c := p.new(t, key)
		clear(key)
		got := make([]byte, 16)
		if err := c.EncryptBlocks(got, unhex(t, fips197C[0].pt)); err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, fips197C[0].ct); !bytes.Equal(got, want) {
			t.Errorf("%s: got %x want %x", p.name, got, want)
		}
	}
}

func TestArgumentErrors(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, make([]byte, 16))
		buf := make([]byte, 64)
		iv := make([]byte, 16)
		ecb := map[string]func(dst, src []byte) error{"enc": c.EncryptBlocks, "dec": c.DecryptBlocks}
		for name, f := range ecb {
			for _, n := range []int{1, 15, 17, 31, 33, 63} {
				if err := f(make([]byte, 64), make([]byte, n)); !errors.Is(err, ErrInputSize) {
					t.Errorf("%s %s len %d: %v, want ErrInputSize", p.name, name, n, err)
				}
			}
			if err := f(make([]byte, 16), make([]byte, 32)); !errors.Is(err, ErrShortDst) {
				t.Errorf("%s %s short dst: %v", p.name, name, err)
			}
			if err := f(nil, make([]byte, 16)); !errors.Is(err, ErrShortDst) {
				t.Errorf("%s %s nil dst: %v", p.name, name, err)
			}
			if err := f(buf[16:48], buf[0:32]); !errors.Is(err, ErrOverlap) {
				t.Errorf("%s %s overlap: %v", p.name, name, err)
			}
			if err := f(buf[0:32], buf[1:33]); !errors.Is(err, ErrOverlap) {
				t.Errorf("%s %s overlap: %v", p.name, name, err)
			}
			if err := f(nil, nil); err != nil {
				t.Errorf("%s %s empty: %v", p.name, name, err)
			}
			// Adjacent, non-overlapping halves of one buffer are fine.
			if err := f(buf[32:64], buf[0:32]); err != nil {
				t.Errorf("%s %s adjacent: %v", p.name, name, err)
			}
		}
		for _, n := range []int{0, 8, 12, 15, 17, 32} {
			if err := c.XORKeyStreamCTR(make([]byte, 16), make([]byte, 16), make([]byte, n)); !errors.Is(err, ErrIVSize) {
				t.Errorf("%s ctr iv %d: %v", p.name, n, err)
			}
		}
		if err := c.XORKeyStreamCTR(make([]byte, 4), make([]byte, 5), iv); !errors.Is(err, ErrShortDst) {
			t.Errorf("%s ctr short dst: %v", p.name, err)
		}
		if err := c.XORKeyStreamCTR(buf[1:20], buf[0:19], iv); !errors.Is(err, ErrOverlap) {
			t.Errorf("%s ctr overlap: %v", p.name, err)
		}
		if err := c.XORKeyStreamCTR(nil, nil, iv); err != nil {
			t.Errorf("%s ctr empty: %v", p.name, err)
		}
		if err := c.XORKeyStreamCTR(nil, nil, nil); !errors.Is(err, ErrIVSize) {
			t.Errorf("%s ctr empty, nil iv: %v", p.name, err)
		}
	}
}

// TestNoWriteOnErrorOrBeyondSrc: failed calls leave dst alone, and
// successful ones write only dst[:len(src)].
func TestNoWriteOnErrorOrBeyondSrc(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, make([]byte, 32))
		dst := bytes.Repeat([]byte{0xa5}, 100)
		_ = c.EncryptBlocks(dst, make([]byte, 33))
		_ = c.DecryptBlocks(dst[:16], make([]byte, 32))
		_ = c.XORKeyStreamCTR(dst, make([]byte, 16), make([]byte, 15))
		_ = c.XORKeyStreamCTR(dst[:10], make([]byte, 11), make([]byte, 16))
		if !bytes.Equal(dst, bytes.Repeat([]byte{0xa5}, 100)) {
			t.Fatalf("%s: a failed call wrote to dst", p.name)
		}
		check := func(what string, n int) {
			if !bytes.Equal(dst[n:], bytes.Repeat([]byte{0xa5}, 100-n)) {
				t.Errorf("%s %s: wrote beyond dst[:%d]", p.name, what, n)
			}
		}
		_ = c.EncryptBlocks(dst, make([]byte, 48))
		check("EncryptBlocks", 48)
		_ = c.DecryptBlocks(dst, make([]byte, 32))
		check("DecryptBlocks", 48)
		_ = c.XORKeyStreamCTR(dst, make([]byte, 49), make([]byte, 16))
		check("XORKeyStreamCTR", 49)
	}
}

func TestZero(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, make([]byte, 32))
		c.Zero()
		if c.enc != [maxRoundKeyBytes]byte{} || c.dec != [maxRoundKeyBytes]byte{} || c.blk != nil {
			t.Errorf("%s: round keys not wiped", p.name)
		}
		buf := make([]byte, 16)
		if err := c.EncryptBlocks(buf, buf); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: EncryptBlocks after Zero: %v", p.name, err)
		}
		if err := c.DecryptBlocks(buf, buf); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: DecryptBlocks after Zero: %v", p.name, err)
		}
		if err := c.XORKeyStreamCTR(buf, buf, make([]byte, 16)); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: XORKeyStreamCTR after Zero: %v", p.name, err)
		}
		if err := c.EncryptBlocks(nil, nil); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: empty EncryptBlocks after Zero: %v", p.name, err)
		}
		c.Zero() // twice is harmless
	}
}

// TestNoKey: a nil *Cipher and a zero Cipher return ErrZeroed instead of
// panicking.
func TestNoKey(t *testing.T) {
	var zero Cipher
	for name, c := range map[string]*Cipher{"nil": nil, "zero value": &zero} {
		buf := make([]byte, 16)
		if err := c.EncryptBlocks(buf, buf); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: EncryptBlocks: %v", name, err)
		}
		if err := c.DecryptBlocks(buf, buf); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: DecryptBlocks: %v", name, err)
		}
		if err := c.XORKeyStreamCTR(buf, buf, make([]byte, 16)); !errors.Is(err, ErrZeroed) {
			t.Errorf("%s: XORKeyStreamCTR: %v", name, err)
		}
		c.Zero()
	}
}

func TestAllocs(t *testing.T) {
	for _, p := range impls(t) {
		if p.kind == implGeneric && raceEnabled {
			t.Logf("%s: skipped under -race (sync.Pool drops items)", p.name)
			continue
		}
		c := p.new(t, make([]byte, 16))
		iv := make([]byte, 16)
		for _, n := range []int{16, 64, 100, 4096} {
			buf := make([]byte, n)
			blocks := buf[:n/16*16]
			if a := testing.AllocsPerRun(100, func() { _ = c.XORKeyStreamCTR(buf, buf, iv) }); a != 0 {
				t.Errorf("%s: XORKeyStreamCTR(%d) allocates %v", p.name, n, a)
			}
			if a := testing.AllocsPerRun(100, func() { _ = c.EncryptBlocks(blocks, blocks) }); a != 0 {
				t.Errorf("%s: EncryptBlocks(%d) allocates %v", p.name, n, a)
			}
			if a := testing.AllocsPerRun(100, func() { _ = c.DecryptBlocks(blocks, blocks) }); a != 0 {
				t.Errorf("%s: DecryptBlocks(%d) allocates %v", p.name, n, a)
			}
		}
	}
}

// TestConcurrentUse runs all three operations on one Cipher from several
// goroutines and checks every result (run with -race).
func TestConcurrentUse(t *testing.T) {
	for _, p := range impls(t) {
		c := p.new(t, unhex(t, sp38aKey128))
		pt := unhex(t, sp38aPlain)
		wantECB := unhex(t, sp38aECB[0].ct)
		wantCTR := unhex(t, sp38aCTR[0].ct)
		iv := unhex(t, sp38aCounter)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out := make([]byte, len(pt))
				for i := 0; i < 200; i++ {
					if err := c.EncryptBlocks(out, pt); err != nil || !bytes.Equal(out, wantECB) {
						errs <- errors.New("ECB encrypt mismatch")
						return
					}
					if err := c.DecryptBlocks(out, wantECB); err != nil || !bytes.Equal(out, pt) {
						errs <- errors.New("ECB decrypt mismatch")
						return
					}
					if err := c.XORKeyStreamCTR(out, pt, iv); err != nil || !bytes.Equal(out, wantCTR) {
						errs <- errors.New("CTR mismatch")
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("%s: %v", p.name, err)
		}
	}
}
