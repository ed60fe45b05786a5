//go:build linux

package aesblocks

import (
	"bytes"
	"os"
	"syscall"
	"testing"
)

// guardedPage maps three pages and makes the first and last inaccessible,
// so any access outside the middle page faults. It returns the middle page.
func guardedPage(t *testing.T) []byte {
	t.Helper()
	ps := os.Getpagesize()
	m, err := syscall.Mmap(-1, 0, 3*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(m) })
	if err := syscall.Mprotect(m[:ps], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(m[2*ps:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	return m[ps : 2*ps : 2*ps]
}

// TestGuardPages runs every operation on buffers that end exactly at an
// inaccessible page (and start exactly after one), so reads or writes past
// either end (such as a full-width vector load for a short tail) crash the
// test instead of passing silently.
func TestGuardPages(t *testing.T) {
	src := guardedPage(t)
	dst := guardedPage(t)
	ps := len(src)
	for i := range src {
		src[i] = byte(i * 31)
	}
	iv := unhex(t, "0123456789abcdefffffffffffffff00")
	key := unhex(t, sp38aKey256)
	for _, p := range impls(t) {
		c := p.new(t, key)
		for n := 0; n <= 700; n++ {
			for _, atEnd := range []bool{true, false} {
				off := 0
				if atEnd {
					off = ps - n
				}
				s, d := src[off:off+n], dst[off:off+n]
				want := stdCTR(t, key, iv, s)
				if err := c.XORKeyStreamCTR(d, s, iv); err != nil || !bytes.Equal(d, want) {
					t.Fatalf("%s CTR len %d atEnd %v: mismatch (%v)", p.name, n, atEnd, err)
				}
				inplace := dst[off : off+n]
				copy(inplace, s)
				if err := c.XORKeyStreamCTR(inplace, inplace, iv); err != nil || !bytes.Equal(inplace, want) {
					t.Fatalf("%s CTR in place len %d: mismatch (%v)", p.name, n, err)
				}
				if n%16 == 0 {
					if err := c.EncryptBlocks(d, s); err != nil {
						t.Fatal(err)
					}
					if err := c.DecryptBlocks(d, d); err != nil || !bytes.Equal(d, s) {
						t.Fatalf("%s ECB round trip len %d: mismatch (%v)", p.name, n, err)
					}
					if err := c.EncryptCBC(d, s, iv); err != nil {
						t.Fatal(err)
					}
					if err := c.DecryptCBC(d, d, iv); err != nil || !bytes.Equal(d, s) {
						t.Fatalf("%s CBC round trip len %d: mismatch (%v)", p.name, n, err)
					}
				}
			}
		}
	}
}
