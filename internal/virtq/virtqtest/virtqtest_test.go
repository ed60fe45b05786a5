package virtqtest_test

import (
	"errors"
	"testing"

	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

func TestAddErrors(t *testing.T) {
	d, err := virtqtest.New(virtqtest.Config{Size: 4, MemSize: 1 << 14})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		r    [][]byte
		w    []int
	}{
		{"empty chain", nil, nil},
		{"empty buffer", [][]byte{{}}, nil},
		{"zero writable", nil, []int{0}},
		{"longer than queue", nil, []int{1, 1, 1, 1, 1}},
	} {
		if _, err := d.Add(tt.r, tt.w); !errors.Is(err, virtqtest.ErrInvalid) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := d.Add(nil, []int{1 << 20}); !errors.Is(err, virtqtest.ErrFull) {
		t.Errorf("buffer larger than memory: %v", err)
	}
	if d.FreeDescs() != 4 {
		t.Fatalf("a failed Add kept descriptors: %d free", d.FreeDescs())
	}
	for range 2 {
		if _, err := d.Add([][]byte{{1}}, []int{1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Add([][]byte{{1}}, nil); !errors.Is(err, virtqtest.ErrFull) {
		t.Fatalf("out of descriptors: %v", err)
	}
	d.Indirect = true // one descriptor per chain
	if _, err := d.Add([][]byte{{1}}, []int{1, 1}); !errors.Is(err, virtqtest.ErrFull) {
		t.Fatalf("out of descriptors (indirect): %v", err)
	}
	if d.InFlight() != 2 {
		t.Fatalf("in flight %d", d.InFlight())
	}
}

// TestDriverDetectsBadDevice: the driver rejects completions of chains
// that are not in flight, so device bugs show up in the stress test.
func TestDriverDetectsBadDevice(t *testing.T) {
	d, err := virtqtest.New(virtqtest.Config{Size: 8})
	if err != nil {
		t.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		t.Fatal(err)
	}
	head, err := d.Add([][]byte{{1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c virtq.Chain
	if ok, err := q.Pop(d.Memory(), &c); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// A buggy device completes a different head.
	if err := q.Push(d.Memory(), head+1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Used(); !errors.Is(err, virtqtest.ErrDevice) {
		t.Fatalf("Used accepted a head that is not in flight: %v", err)
	}
}

func TestRepostAndFree(t *testing.T) {
	d, err := virtqtest.New(virtqtest.Config{Size: 8, EventIdx: true})
	if err != nil {
		t.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		t.Fatal(err)
	}
	head, err := d.Add([][]byte{[]byte("x")}, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Repost(head); !errors.Is(err, virtqtest.ErrInvalid) {
		t.Fatalf("Repost of an in-flight chain: %v", err)
	}
	var c virtq.Chain
	for round := range 3 {
		if ok, err := q.Pop(d.Memory(), &c); !ok || err != nil || c.Head() != head {
			t.Fatalf("round %d: %v %v head %d", round, ok, err, c.Head())
		}
		if err := q.Push(d.Memory(), head, 2); err != nil {
			t.Fatal(err)
		}
		n, err := d.Reap(func(h uint16, l uint32) {
			if h != head || l != 2 {
				t.Fatalf("reaped %d/%d", h, l)
			}
		})
		if n != 1 || err != nil {
			t.Fatal(n, err)
		}
		if err := d.Repost(head); err != nil {
			t.Fatal(err)
		}
	}
	if d.FreeDescs() != 6 || len(d.Writable(head)) != 1 {
		t.Fatalf("free %d", d.FreeDescs())
	}
	if ok, _ := q.Pop(d.Memory(), &c); !ok {
		t.Fatal("reposted chain not available")
	}
	_ = q.Push(d.Memory(), head, 0)
	if _, err := d.Reap(nil); err != nil {
		t.Fatal(err)
	}
	d.Free(head)
	if d.FreeDescs() != 8 || d.Writable(head) != nil {
		t.Fatalf("Free left %d free descriptors", d.FreeDescs())
	}
}

func TestNewInvalid(t *testing.T) {
	for _, cfg := range []virtqtest.Config{
		{Size: 3}, {Size: 65536}, {GPA: 0x1001}, {MemSize: -1}, {MemSize: 100}, {GPA: 1<<64 - 4096},
	} {
		if _, err := virtqtest.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
