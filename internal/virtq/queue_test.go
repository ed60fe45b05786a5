package virtq_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

func TestNewInvalid(t *testing.T) {
	good := virtq.Config{Size: 8, DescGPA: 0x1000, AvailGPA: 0x2002, UsedGPA: 0x3004}
	if _, err := virtq.New(good); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		mod  func(*virtq.Config)
	}{
		{"size 0", func(c *virtq.Config) { c.Size = 0 }},
		{"size not power of 2", func(c *virtq.Config) { c.Size = 12 }},
		{"size too big", func(c *virtq.Config) { c.Size = 65536 }},
		{"desc misaligned", func(c *virtq.Config) { c.DescGPA = 0x1008 }},
		{"avail misaligned", func(c *virtq.Config) { c.AvailGPA = 0x2001 }},
		{"used misaligned", func(c *virtq.Config) { c.UsedGPA = 0x3002 }},
		{"desc overflows", func(c *virtq.Config) { c.DescGPA = math.MaxUint64 - 15 }},
		{"avail overflows", func(c *virtq.Config) { c.AvailGPA = math.MaxUint64 - 7 }},
		{"used overflows", func(c *virtq.Config) { c.UsedGPA = math.MaxUint64 - 11 }},
		{"too many in flight", func(c *virtq.Config) { c.NextAvail, c.NextUsed = 9, 0 }},
		{"used ahead of avail", func(c *virtq.Config) { c.NextAvail, c.NextUsed = 0, 1 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.mod(&cfg)
			if _, err := virtq.New(cfg); !errors.Is(err, virtq.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

// TestPopPush runs one Linux-shaped crypto request (R72 R16 R16 W16 W1,
// research/qemu-vhost-user-crypto.md §5.3) direct and indirect.
func TestPopPush(t *testing.T) {
	for _, indirect := range []bool{false, true} {
		t.Run(map[bool]string{false: "direct", true: "indirect"}[indirect], func(t *testing.T) {
			d, q := newPair(t, virtqtest.Config{Size: 16, Indirect: indirect})
			hdr := bytes.Repeat([]byte{0xa1}, 72)
			iv := bytes.Repeat([]byte{0xb2}, 16)
			src := []byte("sixteen byte src")
			head, err := d.Add([][]byte{hdr, iv, src}, []int{16, 1})
			if err != nil {
				t.Fatal(err)
			}
			if !d.Kick() {
				t.Fatal("driver did not kick a fresh queue")
			}
			var c virtq.Chain
			mustPop(t, d, q, &c)
			if c.Head() != head || c.ReadableLen() != 104 || c.WritableLen() != 17 || c.Indirect() != indirect {
				t.Fatalf("chain head %d readable %d writable %d indirect %v", c.Head(), c.ReadableLen(), c.WritableLen(), c.Indirect())
			}
			if len(c.Readable()) != 3 || len(c.Writable()) != 2 {
				t.Fatalf("%d readable, %d writable segments", len(c.Readable()), len(c.Writable()))
			}
			r := c.Reader()
			gotHdr := make([]byte, 72)
			if err := r.ReadFull(gotHdr); err != nil || !bytes.Equal(gotHdr, hdr) {
				t.Fatalf("header %x, %v", gotHdr, err)
			}
			if err := r.Skip(16); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, r); !bytes.Equal(got, src) {
				t.Fatalf("src %q", got)
			}
			w := c.Writer()
			status, err := w.CarveStatus()
			if err != nil {
				t.Fatal(err)
			}
			if w.Remaining() != 16 {
				t.Fatalf("writer remaining %d after carving the status", w.Remaining())
			}
			if _, err := w.Write(bytes.Repeat([]byte{0xdd}, 16)); err != nil {
				t.Fatal(err)
			}
			status[0] = 0x07
			mustPush(t, d, q, c.Head(), uint32(c.WritableLen()))
			mustEmpty(t, d, q)
			if notify, err := q.NeedsNotify(d.Memory()); err != nil || !notify {
				t.Fatalf("NeedsNotify = %v, %v; want true (flags 0)", notify, err)
			}
			used, err := d.Used()
			if err != nil {
				t.Fatal(err)
			}
			want := append(bytes.Repeat([]byte{0xdd}, 16), 0x07)
			if len(used) != 1 || used[0].Head != head || used[0].Len != 17 || !bytes.Equal(used[0].Writable, want) {
				t.Fatalf("used %+v", used)
			}
			if d.AvailEvent() != q.NextAvail() {
				t.Fatalf("avail_event %d, next_avail %d", d.AvailEvent(), q.NextAvail())
			}
		})
	}
}

// TestWrapAround serves chains across the 16-bit index wrap.
func TestWrapAround(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 4, StartIndex: 65533})
	var c virtq.Chain
	for i := range 20 {
		head, err := d.Add([][]byte{{byte(i)}}, []int{2})
		if err != nil {
			t.Fatal(err)
		}
		mustPop(t, d, q, &c)
		b := make([]byte, 1)
		if c.Head() != head || c.Reader().ReadFull(b) != nil || b[0] != byte(i) {
			t.Fatalf("chain %d: head %d want %d, data %x", i, c.Head(), head, b)
		}
		mustPush(t, d, q, head, 2)
		used, err := d.Used()
		if err != nil || len(used) != 1 || used[0].Head != head {
			t.Fatalf("chain %d: used %+v, %v", i, used, err)
		}
	}
	if want := uint16(65553 - 65536); q.NextAvail() != want || q.NextUsed() != want {
		t.Fatalf("indices %d %d", q.NextAvail(), q.NextUsed())
	}
}

func TestPushErrors(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 8})
	if err := q.Push(d.Memory(), 0, 0); !errors.Is(err, virtq.ErrNotInFlight) {
		t.Fatalf("push with nothing in flight: %v", err)
	}
	if _, err := d.Add([][]byte{{1}}, nil); err != nil {
		t.Fatal(err)
	}
	var c virtq.Chain
	mustPop(t, d, q, &c)
	if err := q.Push(d.Memory(), 8, 0); !errors.Is(err, virtq.ErrNotInFlight) {
		t.Fatalf("push of head 8: %v", err)
	}
	if err := q.Push(nil, c.Head(), 0); !errors.Is(err, virtq.ErrNoMemory) {
		t.Fatalf("push without memory: %v", err)
	}
	if ok, err := q.Pop(nil, &c); ok || !errors.Is(err, virtq.ErrNoMemory) {
		t.Fatalf("pop without memory: %v", err)
	}
	if q.InFlight() != 1 {
		t.Fatalf("in flight %d", q.InFlight())
	}
	if d.UsedIdx() != 0 {
		t.Fatal("a failed push published")
	}
}

// TestRingOutsideMemory: rings that are not in guest memory stop the queue
// without a panic, and without consuming anything.
func TestRingOutsideMemory(t *testing.T) {
	d, _ := newPair(t, virtqtest.Config{Size: 8})
	for _, mod := range []func(*virtq.Config){
		func(c *virtq.Config) { c.DescGPA = 1 << 40 },
		func(c *virtq.Config) { c.AvailGPA = 1 << 40 },
		func(c *virtq.Config) { c.UsedGPA = 1 << 40 },
		func(c *virtq.Config) { c.UsedGPA = d.QueueConfig().DescGPA + 1<<20 - 8 }, // straddles the end
	} {
		cfg := d.QueueConfig()
		mod(&cfg)
		q, err := virtq.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var c virtq.Chain
		ok, err := q.Pop(d.Memory(), &c)
		if ok || !errors.Is(err, virtq.ErrRing) || !errors.Is(err, virtq.ErrRingAddress) {
			t.Fatalf("Pop = %v, %v; want ErrRingAddress", ok, err)
		}
		if _, err := q.NeedsNotify(d.Memory()); !errors.Is(err, virtq.ErrRing) {
			t.Fatalf("NeedsNotify: %v", err)
		}
		if _, err := q.EnableNotification(d.Memory()); !errors.Is(err, virtq.ErrRing) {
			t.Fatalf("EnableNotification: %v", err)
		}
	}
}

// TestMisalignedAvail: an available ring at 2 mod 4 (allowed by §2.7) works.
func TestMisalignedAvail(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 8, MisalignAvail: true, EventIdx: true})
	if q.EventIdx() != true || d.AvailGPA()%4 != 2 {
		t.Fatal("setup")
	}
	var c virtq.Chain
	for i := range 12 {
		head, err := d.Add([][]byte{{byte(i)}}, []int{1})
		if err != nil {
			t.Fatal(err)
		}
		d.SetUsedEvent(q.NextUsed())
		mustPop(t, d, q, &c)
		mustPush(t, d, q, head, 1)
		if n, err := q.NeedsNotify(d.Memory()); err != nil || !n {
			t.Fatalf("NeedsNotify = %v, %v", n, err)
		}
		if _, err := d.Used(); err != nil {
			t.Fatal(err)
		}
	}
	mustEmpty(t, d, q)
	if d.AvailEvent() != 12 {
		t.Fatalf("avail_event = %d", d.AvailEvent())
	}
}

func TestReaderWriter(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 16})
	// Linux repeats scatterlist entries (qemu-vhost-user-crypto.md §5.4):
	// W3 W5 W8 W5 W8 W8 W1. The status is the last byte of the last one.
	wl := []int{3, 5, 8, 5, 8, 8, 1}
	if _, err := d.Add([][]byte{[]byte("abc"), []byte("defgh"), []byte("ijklmnop")}, wl); err != nil {
		t.Fatal(err)
	}
	var c virtq.Chain
	mustPop(t, d, q, &c)
	r := c.Reader()
	p := make([]byte, 4)
	if n, err := r.Read(p); n != 4 || err != nil || string(p) != "abcd" {
		t.Fatalf("Read = %d %v %q", n, err, p)
	}
	if err := r.ReadFull(make([]byte, 13)); err != io.ErrUnexpectedEOF || r.Remaining() != 12 {
		t.Fatalf("short ReadFull: %v, remaining %d", err, r.Remaining())
	}
	if err := r.Skip(-1); err == nil {
		t.Fatal("Skip(-1) accepted")
	}
	if s := r.Next(100); string(s) != "efgh" {
		t.Fatalf("Next = %q (must stop at the buffer end)", s)
	}
	if s := r.Next(3); string(s) != "ijk" {
		t.Fatalf("Next(3) = %q", s)
	}
	if r.Next(0) != nil {
		t.Fatal("Next(0) returned bytes")
	}
	if got := readAll(t, r); string(got) != "lmnop" {
		t.Fatalf("rest %q", got)
	}
	if n, err := r.Read(p); n != 0 || err != io.EOF {
		t.Fatalf("Read at end = %d, %v", n, err)
	}
	if r.Next(1) != nil || r.Skip(1) == nil {
		t.Fatal("reader continued past its end")
	}

	w := c.Writer()
	st, err := w.CarveStatus()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CarveStatus(); !errors.Is(err, virtq.ErrNoStatus) {
		t.Fatalf("second CarveStatus: %v", err)
	}
	if w.Remaining() != 37 || c.WritableLen() != 38 || len(c.Writable()) != 6 {
		t.Fatalf("remaining %d, writable %d in %d segments", w.Remaining(), c.WritableLen(), len(c.Writable()))
	}
	data := make([]byte, 37)
	for i := range data {
		data[i] = byte(i + 1)
	}
	if n, err := w.Write(data[:10]); n != 10 || err != nil {
		t.Fatal(n, err)
	}
	if err := w.Skip(2); err != nil {
		t.Fatal(err)
	}
	if s := w.Next(50); len(s) != 4 { // rest of the W8 after 3+5+2 bytes... 12 bytes in: W8 has 4 left
		t.Fatalf("Next = %d bytes", len(s))
	} else {
		copy(s, data[12:16])
	}
	if n, err := w.Write(data[16:]); n != 21 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := w.Write([]byte{1}); n != 0 || err != io.ErrShortWrite {
		t.Fatalf("write past the end: %d, %v", n, err)
	}
	if w.Written() != 37 || w.Remaining() != 0 {
		t.Fatalf("written %d remaining %d", w.Written(), w.Remaining())
	}
	st[0] = 0xee
	mustPush(t, d, q, c.Head(), 38)
	used, err := d.Used()
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{}, data[:10]...), 0, 0)
	want = append(append(want, data[12:]...), 0xee)
	if !bytes.Equal(used[0].Writable, want) {
		t.Fatalf("writable\n got %x\nwant %x", used[0].Writable, want)
	}
}

func TestCarveStatusCases(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 8})
	var c virtq.Chain
	// No writable buffer.
	if _, err := d.Add([][]byte{{1}}, nil); err != nil {
		t.Fatal(err)
	}
	mustPop(t, d, q, &c)
	if _, err := c.Writer().CarveStatus(); !errors.Is(err, virtq.ErrNoStatus) {
		t.Fatalf("no writable: %v", err)
	}
	mustPush(t, d, q, c.Head(), 0)
	// One writable buffer of 16: the status is its byte 15.
	if _, err := d.Add(nil, []int{16}); err != nil {
		t.Fatal(err)
	}
	mustPop(t, d, q, &c)
	w := c.Writer()
	st, err := w.CarveStatus()
	if err != nil || &st[0] != &d.Writable(c.Head())[0][15] || w.Remaining() != 15 || len(c.Writable()[0]) != 15 {
		t.Fatalf("status not at byte 15: %v", err)
	}
	// Fully written writer: nothing left to carve.
	if _, err := d.Add(nil, []int{2}); err != nil {
		t.Fatal(err)
	}
	mustPush(t, d, q, c.Head(), 0)
	mustPop(t, d, q, &c)
	w = c.Writer()
	if _, err := w.Write([]byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CarveStatus(); !errors.Is(err, virtq.ErrNoStatus) {
		t.Fatalf("after full write: %v", err)
	}
}

func TestNotifications(t *testing.T) {
	t.Run("flags", func(t *testing.T) {
		d, q := newPair(t, virtqtest.Config{Size: 8})
		mem := d.Memory()
		if err := q.DisableNotification(mem); err != nil {
			t.Fatal(err)
		}
		if d.UsedFlags() != virtio.UsedFNoNotify {
			t.Fatalf("used flags %d after DisableNotification", d.UsedFlags())
		}
		if _, err := d.Add([][]byte{{1}}, nil); err != nil {
			t.Fatal(err)
		}
		if d.Kick() {
			t.Fatal("driver kicked with NO_NOTIFY set")
		}
		// The race EnableNotification closes: the buffer arrived while
		// notifications were off.
		more, err := q.EnableNotification(mem)
		if err != nil || !more {
			t.Fatalf("EnableNotification = %v, %v; want more", more, err)
		}
		if d.UsedFlags() != 0 {
			t.Fatal("flags not cleared")
		}
		var c virtq.Chain
		mustPop(t, d, q, &c)
		mustPush(t, d, q, c.Head(), 0)
		d.SetAvailFlags(virtio.AvailFNoInterrupt)
		if n, _ := q.NeedsNotify(mem); n {
			t.Fatal("notify despite NO_INTERRUPT")
		}
		if n, _ := q.NeedsNotify(mem); n {
			t.Fatal("notify with nothing pushed")
		}
		// A stale NO_NOTIFY left by a previous backend is cleared.
		if err := guestmem.StoreU16Release(d.Bytes(d.UsedGPA(), 4), 0, virtio.UsedFNoNotify); err != nil {
			t.Fatal(err)
		}
		if more, _ := q.EnableNotification(mem); more {
			t.Fatal("more reported on an empty ring")
		}
		if _, err := d.Add([][]byte{{1}}, nil); err != nil {
			t.Fatal(err)
		}
		if !d.Kick() {
			t.Fatal("driver did not kick after EnableNotification")
		}
		mustPop(t, d, q, &c)
		mustPush(t, d, q, c.Head(), 0)
		d.SetAvailFlags(0)
		if n, _ := q.NeedsNotify(mem); !n {
			t.Fatal("no notify with flags 0")
		}
	})
	t.Run("event_idx", func(t *testing.T) {
		d, q := newPair(t, virtqtest.Config{Size: 8, EventIdx: true})
		mem := d.Memory()
		var c virtq.Chain
		mustEmpty(t, d, q) // writes avail_event = 0
		if err := q.DisableNotification(mem); err != nil || d.UsedFlags() != 0 {
			t.Fatalf("flags %d (must stay 0 with EVENT_IDX), %v", d.UsedFlags(), err)
		}
		for range 3 {
			if _, err := d.Add([][]byte{{1}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if !d.Kick() {
			t.Fatal("no kick: avail_event 0 lies in [0, 3)")
		}
		if _, err := d.Add([][]byte{{1}}, nil); err != nil {
			t.Fatal(err)
		}
		if d.Kick() {
			t.Fatal("kick although avail_event was not moved")
		}
		// Device drains 4 chains and pushes them.
		d.SetUsedEvent(2) // notify when used entry 2 is written
		for range 4 {
			mustPop(t, d, q, &c)
			mustPush(t, d, q, c.Head(), 0)
		}
		mustEmpty(t, d, q)
		if d.AvailEvent() != 4 {
			t.Fatalf("avail_event %d after draining 4", d.AvailEvent())
		}
		if n, _ := q.NeedsNotify(mem); !n {
			t.Fatal("used_event 2 in [0, 4): want notify")
		}
		if _, err := d.Used(); err != nil {
			t.Fatal(err)
		}
		// vring_need_event table: used_event relative to the first of
		// three pushes [old, old+3).
		for _, tt := range []struct {
			delta uint16
			want  bool
		}{{0, true}, {2, true}, {3, false}, {0xffff, false}, {0x8000, false}} {
			old := q.NextUsed()
			d.SetUsedEvent(old + tt.delta)
			for range 3 {
				if _, err := d.Add([][]byte{{1}}, nil); err != nil {
					t.Fatal(err)
				}
				mustPop(t, d, q, &c)
				mustPush(t, d, q, c.Head(), 0)
			}
			if n, _ := q.NeedsNotify(mem); n != tt.want {
				t.Errorf("used_event %d, pushed [%d, %d): notify %v, want %v", old+tt.delta, old, q.NextUsed(), n, tt.want)
			}
			if _, err := d.Used(); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("guest_event_idx_unknown_to_device", func(t *testing.T) {
		// QEMU cryptodev: the guest uses EVENT_IDX, the backend is not told.
		d, err := virtqtest.New(virtqtest.Config{Size: 8, EventIdx: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg := d.QueueConfig()
		cfg.EventIdx = false
		q, err := virtq.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var c virtq.Chain
		for i := range 10 {
			if _, err := d.Add([][]byte{{1}}, nil); err != nil {
				t.Fatal(err)
			}
			if !d.Kick() {
				t.Fatalf("request %d: the guest would not kick: avail_event not maintained", i)
			}
			mustPop(t, d, q, &c)
			mustPush(t, d, q, c.Head(), 0)
			mustEmpty(t, d, q)
			if n, _ := q.NeedsNotify(d.Memory()); !n {
				t.Fatal("no notification")
			}
			if _, err := d.Used(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestSteadyStateAllocs: Pop, Reader, Writer, Push and NeedsNotify
// allocate nothing once the Chain has grown.
func TestSteadyStateAllocs(t *testing.T) {
	for _, indirect := range []bool{false, true} {
		d, q := newPair(t, virtqtest.Config{Size: 64, Indirect: indirect})
		head, err := d.Add([][]byte{make([]byte, 72), make([]byte, 16), make([]byte, 64)}, []int{64, 1})
		if err != nil {
			t.Fatal(err)
		}
		mem := d.Memory()
		var c virtq.Chain
		hdr := make([]byte, 72)
		out := make([]byte, 64)
		reap := func(uint16, uint32) {}
		round := func() {
			mustPop(t, d, q, &c)
			r, w := c.Reader(), c.Writer()
			st, _ := w.CarveStatus()
			_ = r.ReadFull(hdr)
			_ = r.Skip(16)
			_, _ = r.Read(out)
			_, _ = w.Write(out)
			st[0] = 0
			mustPush(t, d, q, c.Head(), uint32(c.WritableLen()))
			_, _ = q.NeedsNotify(mem)
			if _, err := d.Reap(reap); err != nil {
				t.Fatal(err)
			}
			if err := d.Repost(head); err != nil {
				t.Fatal(err)
			}
		}
		round()
		if a := testing.AllocsPerRun(100, round); a != 0 {
			t.Errorf("indirect=%v: %v allocations per request", indirect, a)
		}
	}
}

// TestMemorySwap: the queue re-resolves its rings when handed another
// Memory (vhost-user SET_MEM_TABLE), and a failed resolution leaves no
// stale view behind.
func TestMemorySwap(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 8})
	var c virtq.Chain
	if _, err := d.Add([][]byte{{1}}, nil); err != nil {
		t.Fatal(err)
	}
	mustPop(t, d, q, &c)
	mustPush(t, d, q, c.Head(), 0)

	r, err := guestmem.NewRegion(1<<32, 0, make([]byte, 4096))
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := guestmem.New(r)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := q.Pop(elsewhere, &c); ok || !errors.Is(err, virtq.ErrRingAddress) {
		t.Fatalf("Pop with rings missing = %v, %v", ok, err)
	}
	if _, err := d.Add([][]byte{{2}}, nil); err != nil {
		t.Fatal(err)
	}
	mustPop(t, d, q, &c) // back on the driver's memory
	same, err := guestmem.New(d.Memory().Regions()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Push(same, c.Head(), 0); err != nil {
		t.Fatal(err)
	}
	if used, err := d.Used(); err != nil || len(used) != 2 {
		t.Fatalf("used %d, %v", len(used), err)
	}
}

// TestStagePublish: staged used elements stay invisible to the driver until
// Publish, and NeedsNotify and EnableNotification publish them first.
func TestStagePublish(t *testing.T) {
	for _, final := range []string{"Publish", "NeedsNotify", "EnableNotification"} {
		t.Run(final, func(t *testing.T) {
			d, q := newPair(t, virtqtest.Config{Size: 8})
			mem := d.Memory()
			for i := 0; i < 3; i++ {
				if _, err := d.Add([][]byte{{byte(i)}}, []int{4}); err != nil {
					t.Fatal(err)
				}
			}
			d.Kick()
			var c virtq.Chain
			for i := 0; i < 3; i++ {
				if ok, err := q.Pop(mem, &c); !ok || err != nil {
					t.Fatalf("Pop %d = %v, %v", i, ok, err)
				}
				if err := q.Stage(mem, c.Head(), 4); err != nil {
					t.Fatal(err)
				}
			}
			if got := d.UsedIdx(); got != 0 {
				t.Fatalf("used idx %d before publishing, want 0", got)
			}
			var err error
			switch final {
			case "Publish":
				err = q.Publish(mem)
			case "NeedsNotify":
				_, err = q.NeedsNotify(mem)
			case "EnableNotification":
				_, err = q.EnableNotification(mem)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.UsedIdx(); got != 3 {
				t.Fatalf("used idx %d after %s, want 3", got, final)
			}
			done, err := d.Used()
			if err != nil || len(done) != 3 {
				t.Fatalf("completions %v, %v", done, err)
			}
		})
	}
}
