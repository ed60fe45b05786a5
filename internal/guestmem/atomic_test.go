package guestmem

import (
	"encoding/binary"
	"errors"
	"sync"
	"testing"
)

// aligned returns a 4-byte aligned buffer (Go allocates []byte of 16 bytes
// or more at 8-byte or better alignment).
func aligned(n int) []byte { return make([]byte, n, max(n, 16)) }

func TestLoadStoreU16(t *testing.T) {
	b := aligned(16)
	for i := range b {
		b[i] = byte(0x10 + i)
	}
	for off := 0; off < 16; off += 2 {
		got, err := LoadU16Acquire(b, off)
		if err != nil {
			t.Fatal(err)
		}
		if want := binary.LittleEndian.Uint16(b[off:]); got != want {
			t.Fatalf("LoadU16Acquire(%d) = %#x, want %#x", off, got, want)
		}
	}
	before := append([]byte(nil), b...)
	if err := StoreU16Release(b, 6, 0xbeef); err != nil {
		t.Fatal(err)
	}
	if b[6] != 0xef || b[7] != 0xbe {
		t.Fatalf("stored bytes % x", b[6:8])
	}
	for i := range b {
		if (i < 6 || i > 7) && b[i] != before[i] {
			t.Fatalf("byte %d changed by a 16-bit store", i)
		}
	}
	if err := StoreU32Release(b, 8, 0x01020304); err != nil {
		t.Fatal(err)
	}
	if v, err := LoadU32Acquire(b, 8); err != nil || v != 0x01020304 || binary.LittleEndian.Uint32(b[8:]) != 0x01020304 {
		t.Fatalf("LoadU32Acquire = %#x, %v", v, err)
	}
}

func TestAtomicBounds(t *testing.T) {
	b := aligned(16)
	for _, tt := range []struct {
		name string
		b    []byte
		off  int
		u32  bool
	}{
		{"odd offset", b, 1, false},
		{"negative", b, -2, false},
		{"past end", b, 16, false},
		{"half past end", b, 15, false},
		{"u32 misaligned", b, 2, true},
		{"u32 past end", b, 14, true},
		{"word starts before slice", b[2:8], 0, false},
		{"word ends after slice", b[4:10], 4, false},
		{"empty", nil, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.u32 {
				if _, err := LoadU32Acquire(tt.b, tt.off); !errors.Is(err, ErrUnaligned) {
					t.Fatalf("LoadU32Acquire: %v", err)
				}
				if err := StoreU32Release(tt.b, tt.off, 1); !errors.Is(err, ErrUnaligned) {
					t.Fatalf("StoreU32Release: %v", err)
				}
				return
			}
			if _, err := LoadU16Acquire(tt.b, tt.off); !errors.Is(err, ErrUnaligned) {
				t.Fatalf("LoadU16Acquire: %v", err)
			}
			if err := StoreU16Release(tt.b, tt.off, 1); !errors.Is(err, ErrUnaligned) {
				t.Fatalf("StoreU16Release: %v", err)
			}
		})
	}
	// The word containing b[2:4] lies inside b[2:8] only when the view
	// starts on the word: b[0:8] at offset 2 is fine.
	if _, err := LoadU16Acquire(b[0:8], 2); err != nil {
		t.Fatal(err)
	}
}

// TestStoreU16Halves checks that two writers of the two halves of one word
// never lose each other's stores.
func TestStoreU16Halves(t *testing.T) {
	b := aligned(16)
	const n = 20000
	var wg sync.WaitGroup
	for _, off := range []int{4, 6} {
		wg.Go(func() {
			for i := 1; i <= n; i++ {
				if err := StoreU16Release(b, off, uint16(i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	lo, _ := LoadU16Acquire(b, 4)
	hi, _ := LoadU16Acquire(b, 6)
	if lo != n || hi != n {
		t.Fatalf("halves = %d, %d; want %d, %d", lo, hi, n, n)
	}
}
