package vhostuser

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// setMemTableBig is the guest memory size of the SET_MEM_TABLE target in
// /work/shared/PERFORMANCE.md ("SET_MEM_TABLE of 1 GiB handled in ≤ 100 ms").
const setMemTableBig = 1 << 30

// bigTable returns f's own memory table plus one sparse region of size
// bytes above it (so the rings keep working), and the memory files to send
// with it; the extra memfd is closed at cleanup.
func bigTable(t testing.TB, f *Frontend, size int64) (MemoryTable, []int) {
	t.Helper()
	fd, err := NewSparseMemFD(size + pageSize)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	tb := f.MemoryTable()
	tb.Regions = append(tb.Regions, MemoryRegion{GPA: 1 << 40, Size: uint64(size), UserAddr: 1 << 44, MmapOffset: pageSize})
	return tb, append(f.MemoryFDs(), fd)
}

// TestSetMemTable1GiB sends a memory table with a 1 GiB region through the
// socket and checks that the backend acknowledges it within the
// performance target (best of three, as the machine is shared) and keeps
// serving the rings afterwards: mapping guest memory must not touch it.
func TestSetMemTable1GiB(t *testing.T) {
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, FrontendConfig{Queues: 1, EventIdx: true, Indirect: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU81, sp80038aKey)
	tb, fds := bigTable(t, f, setMemTableBig)
	var times []time.Duration
	for range 3 {
		d, err := f.SendMemTable(tb, fds)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, d)
		checkCBC(t, f.Queue(0), enc, dec)
	}
	if best := slices.Min(times); best > 100*time.Millisecond {
		t.Fatalf("SET_MEM_TABLE of 1 GiB took %v (best of %v); target 100 ms", best, times)
	}
	t.Logf("SET_MEM_TABLE of 1 GiB: %v", times)
	// A refused table is reported as such.
	if _, err := f.SendMemTable(tb, fds[:1]); err == nil {
		t.Fatal("SendMemTable accepted a table with fewer files than regions")
	}
}

// BenchmarkSetMemTable1GiB times SET_MEM_TABLE with the frontend's rings
// and a sparse 1 GiB region, from the send to the backend's REPLY_ACK.
func BenchmarkSetMemTable1GiB(b *testing.B) {
	s := startServer(b, ModeCryptodev, 1)
	f := s.dial(b, FrontendConfig{Queues: 1, EventIdx: true, Indirect: true})
	if err := f.Handshake(); err != nil {
		b.Fatal(err)
	}
	tb, fds := bigTable(b, f, setMemTableBig)
	for b.Loop() {
		if _, err := f.SendMemTable(tb, fds); err != nil {
			b.Fatal(err)
		}
	}
}
