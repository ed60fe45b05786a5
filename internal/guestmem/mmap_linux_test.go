//go:build linux

package guestmem

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mapped reports whether /proc/self/maps has a mapping starting at addr.
func mapped(t *testing.T, addr string) bool {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip(err)
	}
	for line := range strings.Lines(string(maps)) {
		start, _, _ := strings.Cut(line, "-")
		if "0x"+strings.TrimLeft(start, "0") == addr {
			return true
		}
	}
	return false
}

func TestMapFD(t *testing.T) {
	const size, offset = 3 * 4096, 100 // offset not page aligned
	content := make([]byte, offset+size)
	for i := range content {
		content[i] = byte(i * 7)
	}
	path := filepath.Join(t.TempDir(), "mem")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := MapFD(int(f.Fd()), 0x40000000, size, 0x7f1200000000, offset)
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // the mapping does not need the descriptor
	if !r.Mapped() || r.MmapOffset() != offset || r.Size() != size {
		t.Fatalf("region %+v", r)
	}
	base := fmt.Sprintf("%p", &r.mapping[0])
	if !mapped(t, base) {
		t.Fatalf("mapping %s not in /proc/self/maps", base)
	}
	m, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	r.Release()
	s, err := m.Slice(0x40000000, size)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s, content[offset:]) {
		t.Fatal("mapped bytes differ from the file from mmap_offset on")
	}
	if gpa, err := m.VAToGPA(0x7f1200000010); err != nil || gpa != 0x40000010 {
		t.Fatalf("VAToGPA = %#x, %v", gpa, err)
	}
	if err := m.Write(0x40000000, []byte("shared")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[offset:offset+6]) != "shared" {
		t.Fatal("write through the mapping is not visible in the file (MAP_SHARED)")
	}
	m.Release()
	if mapped(t, base) {
		t.Fatal("mapping still present after the last Release")
	}
}

func TestMapFDInvalid(t *testing.T) {
	if _, err := MapFD(-1, 0, 4096, 0, 0); err == nil {
		t.Fatal("fd -1 accepted")
	}
	if _, err := MapFD(0, 0, 0, 0, 0); err == nil {
		t.Fatal("size 0 accepted")
	}
	if _, err := MapFD(0, 0, 4096, 0, 1<<63); err == nil {
		t.Fatal("overflowing offset accepted")
	}
}
