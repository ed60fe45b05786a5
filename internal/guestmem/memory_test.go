package guestmem

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func mustRegion(t testing.TB, gpa, va uint64, size int) *Region {
	t.Helper()
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(gpa>>8) ^ byte(i)
	}
	r, err := NewRegion(gpa, va, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewRegionInvalid(t *testing.T) {
	for _, tt := range []struct {
		name    string
		gpa, va uint64
		size    int
	}{
		{"empty", 0, 0, 0},
		{"gpa overflow", math.MaxUint64 - 2, 0, 4},
		{"va overflow", 0, math.MaxUint64, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewRegion(tt.gpa, tt.va, make([]byte, tt.size)); !errors.Is(err, ErrInvalidRegion) {
				t.Fatalf("err = %v, want ErrInvalidRegion", err)
			}
		})
	}
	// The very top of the address space is a valid region.
	r, err := NewRegion(math.MaxUint64-15, math.MaxUint64-15, make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := m.Slice(math.MaxUint64, 1); err != nil || len(s) != 1 {
		t.Fatalf("last byte: %v", err)
	}
	if _, err := m.Slice(math.MaxUint64, 2); !errors.Is(err, ErrOutOfBounds) {
		t.Fatalf("wrapping range: err = %v", err)
	}
}

func TestNewOverlap(t *testing.T) {
	a := mustRegion(t, 0x1000, 0, 0x1000)
	b := mustRegion(t, 0x1fff, 0, 0x10)
	c := mustRegion(t, 0x2000, 0, 0x10) // adjacent to a: fine
	if _, err := New(a, b); !errors.Is(err, ErrOverlap) {
		t.Fatalf("overlap: err = %v", err)
	}
	if _, err := New(c, a); err != nil {
		t.Fatalf("adjacent: %v", err)
	}
	if _, err := New(a, nil); !errors.Is(err, ErrInvalidRegion) {
		t.Fatalf("nil region: err = %v", err)
	}
	if _, err := New(a, a); !errors.Is(err, ErrOverlap) {
		t.Fatalf("same region twice: err = %v", err)
	}
}

func TestSlice(t *testing.T) {
	// Regions given out of order: [0x1000,0x2000) [0x2000,0x2100) [0x10000,0x11000)
	r1 := mustRegion(t, 0x10000, 0x7f0000010000, 0x1000)
	r2 := mustRegion(t, 0x1000, 0x7f0000001000, 0x1000)
	r3 := mustRegion(t, 0x2000, 0x7f0000800000, 0x100)
	m, err := New(r1, r2, r3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		gpa, n uint64
		region *Region // nil: error expected
	}{
		{"start of region", 0x1000, 16, r2},
		{"whole region", 0x1000, 0x1000, r2},
		{"last byte", 0x1fff, 1, r2},
		{"crosses adjacent regions", 0x1ff0, 0x20, nil},
		{"second region", 0x2000, 0x100, r3},
		{"past second region", 0x2000, 0x101, nil},
		{"in gap", 0x3000, 1, nil},
		{"below all", 0x0, 1, nil},
		{"zero length at end", 0x2100, 0, r3},
		{"zero length in gap", 0x2101, 0, nil},
		{"high region", 0x10800, 0x800, r1},
		{"above all", 0x11000, 1, nil},
		{"length overflow", 0x10000, math.MaxUint64, nil},
		{"address max", math.MaxUint64, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := m.Slice(tt.gpa, tt.n)
			if tt.region == nil {
				if !errors.Is(err, ErrOutOfBounds) || s != nil {
					t.Fatalf("got %d bytes, err %v; want ErrOutOfBounds", len(s), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if uint64(len(s)) != tt.n || uint64(cap(s)) != tt.n {
				t.Fatalf("len %d cap %d, want %d", len(s), cap(s), tt.n)
			}
			off := tt.gpa - tt.region.GPA()
			want := tt.region.data[off : off+tt.n]
			if tt.n > 0 && &s[0] != &want[0] {
				t.Fatal("slice does not alias the region at the right offset")
			}
		})
	}
}

func TestVAToGPA(t *testing.T) {
	r1 := mustRegion(t, 0x0, 0x7f0000000000, 0x1000)
	r2 := mustRegion(t, 0x100000, 0x7e0000000000, 0x2000)
	m, err := New(r1, r2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		va, gpa uint64
		ok      bool
	}{
		{0x7f0000000000, 0x0, true},
		{0x7f0000000fff, 0xfff, true},
		{0x7f0000001000, 0, false},
		{0x7e0000001234, 0x101234, true},
		{0x7dffffffffff, 0, false},
		{0, 0, false},
	} {
		gpa, err := m.VAToGPA(tt.va)
		if tt.ok != (err == nil) || gpa != tt.gpa {
			t.Errorf("VAToGPA(%#x) = %#x, %v; want %#x ok=%v", tt.va, gpa, err, tt.gpa, tt.ok)
		}
	}
}

func TestReadWrite(t *testing.T) {
	m, err := New(mustRegion(t, 0x1000, 0, 64))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(0x1008, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if err := m.Read(0x1008, got); err != nil || string(got) != "hello" {
		t.Fatalf("Read = %q, %v", got, err)
	}
	if err := m.Write(0x103e, []byte("xyz")); !errors.Is(err, ErrOutOfBounds) {
		t.Fatalf("Write past end: %v", err)
	}
	s, _ := m.Slice(0x103e, 2)
	before := bytes.Clone(s)
	if err := m.Read(0x103e, make([]byte, 3)); !errors.Is(err, ErrOutOfBounds) {
		t.Fatalf("Read past end: %v", err)
	}
	if !bytes.Equal(s, before) {
		t.Fatal("failed Write changed memory")
	}
}

func TestRefcount(t *testing.T) {
	r := mustRegion(t, 0, 0, 16)
	m, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.refs.Load(); got != 2 {
		t.Fatalf("region refs = %d, want 2 (creator + memory)", got)
	}
	r.Release() // creator done: the Memory keeps it
	var tab Table
	if tab.Acquire() != nil {
		t.Fatal("empty table returned a Memory")
	}
	tab.Store(m) // table takes the creator's reference
	pinned := tab.Acquire()
	if pinned != m || m.refs.Load() != 2 {
		t.Fatalf("Acquire: %p refs %d", pinned, m.refs.Load())
	}
	m2, err := New(mustRegion(t, 0x1000, 0, 16))
	if err != nil {
		t.Fatal(err)
	}
	tab.Store(m2) // m loses the table's reference but stays pinned
	if m.refs.Load() != 1 || r.refs.Load() != 1 {
		t.Fatalf("after Store: memory refs %d region refs %d", m.refs.Load(), r.refs.Load())
	}
	pinned.Release() // last reference: region released too
	if m.refs.Load() != 0 || r.refs.Load() != 0 {
		t.Fatalf("after Release: memory refs %d region refs %d", m.refs.Load(), r.refs.Load())
	}
	if m.Retain() {
		t.Fatal("Retain resurrected a released Memory")
	}
	m.Release() // extra release ignored
	if m.refs.Load() != 0 {
		t.Fatal("extra Release changed the count")
	}
	if _, err := New(r); !errors.Is(err, ErrReleased) {
		t.Fatalf("New with released region: %v", err)
	}
	if got := tab.Acquire(); got != m2 {
		t.Fatal("Acquire did not return the current Memory")
	}
	tab.Store(m) // a dead Memory: Acquire treats the table as empty
	if tab.Acquire() != nil {
		t.Fatal("Acquire returned a released Memory")
	}
}
