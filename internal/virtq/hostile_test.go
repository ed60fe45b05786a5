package virtq_test

import (
	"errors"
	"math"
	"testing"

	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

const (
	next     = 1 // VIRTQ_DESC_F_NEXT
	write    = 2 // VIRTQ_DESC_F_WRITE
	indirect = 4 // VIRTQ_DESC_F_INDIRECT
	outside  = 1 << 40
)

type hostileEnv struct {
	t    *testing.T
	d    *virtqtest.Driver
	size int
	buf  uint64 // 64 valid bytes
	buf2 uint64 // 64 more
}

// main writes descs at main-table indices 0..n-1 and publishes head 0.
func (e *hostileEnv) main(descs ...virtqtest.Desc) {
	owned, err := e.d.ReserveDescs(len(descs))
	if err != nil {
		e.t.Fatal(err)
	}
	for i, x := range descs {
		if owned[i] != uint16(i) {
			e.t.Fatalf("fresh driver gave descriptor %d at position %d", owned[i], i)
		}
		if err := e.d.WriteDesc(e.d.DescGPA(), i, x); err != nil {
			e.t.Fatal(err)
		}
	}
	e.d.PublishHead(0, owned)
}

// table allocates an indirect table holding descs and returns its address.
func (e *hostileEnv) table(descs ...virtqtest.Desc) uint64 {
	g, err := e.d.Alloc(16 * max(1, len(descs)))
	if err != nil {
		e.t.Fatal(err)
	}
	for i, x := range descs {
		if err := e.d.WriteDesc(g, i, x); err != nil {
			e.t.Fatal(err)
		}
	}
	return g
}

func chainOf(n int, addr uint64, l uint32) []virtqtest.Desc {
	out := make([]virtqtest.Desc, n)
	for i := range out {
		out[i] = virtqtest.Desc{Addr: addr, Len: l, Flags: next, Next: uint16(i + 1)}
	}
	out[n-1].Flags = 0
	return out
}

// TestBadChains feeds one hostile chain, then a good one: the hostile chain
// must come back as an error (completed with used length 0 when its head is
// valid) and the queue must serve the good chain after it.
func TestBadChains(t *testing.T) {
	for _, tt := range []struct {
		name    string
		cfg     virtqtest.Config
		build   func(e *hostileEnv)
		wantErr error // nil: a valid chain
		rlen    int   // for valid chains
		wlen    int
	}{
		{name: "loop of two", wantErr: virtq.ErrChainTooLong, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 0})
		}},
		{name: "self loop", wantErr: virtq.ErrChainTooLong, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 0})
		}},
		{name: "writable self loop", wantErr: virtq.ErrChainTooLong, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next | write, Next: 0})
		}},
		{name: "address outside memory", wantErr: virtq.ErrDescAddress, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: outside, Len: 8})
		}},
		{name: "buffer straddles memory end", wantErr: virtq.ErrDescAddress, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: 1<<20 - 4, Len: 8})
		}},
		{name: "address plus length overflows", wantErr: virtq.ErrDescAddress, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: math.MaxUint64 - 3, Len: 8})
		}},
		{name: "bad address after good ones", wantErr: virtq.ErrDescAddress, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: outside, Len: 8, Flags: write})
		}},
		{name: "zero-length readable after writable", wantErr: virtq.ErrReadAfterWrite, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next | write, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 0})
		}},
		{name: "writable before readable", wantErr: virtq.ErrReadAfterWrite, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: write | next, Next: 1}, virtqtest.Desc{Addr: e.buf2, Len: 8})
		}},
		{name: "next index equals size", wantErr: virtq.ErrNextIndex, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: uint16(e.size)})
		}},
		{name: "next index 0xffff", wantErr: virtq.ErrNextIndex, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 0xffff})
		}},
		{name: "indirect inside indirect", wantErr: virtq.ErrNestedIndirect, build: func(e *hostileEnv) {
			inner := e.table(virtqtest.Desc{Addr: e.buf, Len: 8})
			outer := e.table(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: inner, Len: 16, Flags: indirect})
			e.main(virtqtest.Desc{Addr: outer, Len: 32, Flags: indirect})
		}},
		{name: "indirect with next", wantErr: virtq.ErrIndirectNext, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8})
			e.main(virtqtest.Desc{Addr: tab, Len: 16, Flags: indirect | next, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 8})
		}},
		{name: "indirect length not multiple of 16", wantErr: virtq.ErrIndirectTable, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8}, virtqtest.Desc{Addr: e.buf, Len: 8})
			e.main(virtqtest.Desc{Addr: tab, Len: 20, Flags: indirect})
		}},
		{name: "indirect length zero", wantErr: virtq.ErrIndirectTable, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.table(), Len: 0, Flags: indirect})
		}},
		{name: "indirect table larger than max(queue size, 1024)", wantErr: virtq.ErrIndirectTable, build: func(e *hostileEnv) {
			n := max(e.size, virtq.MinChainLimit) + 1
			tab := e.table(chainOf(n, e.buf, 1)...)
			e.main(virtqtest.Desc{Addr: tab, Len: uint32(16 * n), Flags: indirect})
		}},
		{name: "huge indirect table", wantErr: virtq.ErrIndirectTable, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 0xfffffff0, Flags: indirect})
		}},
		{name: "indirect table outside memory", wantErr: virtq.ErrDescAddress, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: outside, Len: 32, Flags: indirect})
		}},
		{name: "indirect next beyond table", wantErr: virtq.ErrNextIndex, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 2}, virtqtest.Desc{Addr: e.buf, Len: 8})
			e.main(virtqtest.Desc{Addr: tab, Len: 32, Flags: indirect})
		}},
		{name: "loop inside indirect table", wantErr: virtq.ErrChainTooLong, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 0})
			e.main(virtqtest.Desc{Addr: tab, Len: 32, Flags: indirect})
		}},
		{name: "chain longer than max(queue size, 1024)", wantErr: virtq.ErrChainTooLong, build: func(e *hostileEnv) {
			n := max(e.size, virtq.MinChainLimit)
			tab := e.table(chainOf(n, e.buf, 1)...) // n entries, plus one direct
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: tab, Len: uint32(16 * n), Flags: indirect})
		}},
		{name: "readable after writable in indirect", wantErr: virtq.ErrReadAfterWrite, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: write | next, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 8})
			e.main(virtqtest.Desc{Addr: tab, Len: 32, Flags: indirect})
		}},
		{
			name: "chain over 4 GiB", wantErr: virtq.ErrChainTooBig,
			cfg: virtqtest.Config{Size: 4096, MemSize: 3 << 20},
			build: func(e *hostileEnv) {
				big, err := e.d.Alloc(1 << 20)
				if err != nil {
					e.t.Fatal(err)
				}
				// 4096 aliases of one 1 MiB buffer: 2^32 bytes.
				tab := e.table(chainOf(4096, big, 1<<20)...)
				e.main(virtqtest.Desc{Addr: tab, Len: 16 * 4096, Flags: indirect})
			},
		},
		{name: "head out of range", wantErr: virtq.ErrBadHead, build: func(e *hostileEnv) {
			e.d.PublishHead(uint16(e.size), nil)
		}},
		{name: "head 0xffff", wantErr: virtq.ErrBadHead, build: func(e *hostileEnv) {
			e.d.PublishHead(0xffff, nil)
		}},

		// Valid layouts a device must accept.
		{name: "zero-length descriptors are skipped", rlen: 8, wlen: 8, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: 1 << 60, Len: 0, Flags: next, Next: 2},
				virtqtest.Desc{Addr: e.buf2, Len: 8, Flags: write | next, Next: 3}, virtqtest.Desc{Addr: e.buf, Len: 0, Flags: write})
		}},
		{name: "direct then indirect", rlen: 16, wlen: 8, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: e.buf2, Len: 8, Flags: write})
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: tab, Len: 32, Flags: indirect})
		}},
		{name: "indirect descriptor with WRITE (ignored)", rlen: 8, build: func(e *hostileEnv) {
			tab := e.table(virtqtest.Desc{Addr: e.buf, Len: 8})
			e.main(virtqtest.Desc{Addr: tab, Len: 16, Flags: indirect | write})
		}},
		{name: "chain of exactly queue size", rlen: 16, build: func(e *hostileEnv) {
			e.main(chainOf(e.size, e.buf, 1)...)
		}},
		{name: "indirect table of exactly queue size", wlen: 16 * 64, build: func(e *hostileEnv) {
			descs := chainOf(e.size, e.buf, 64)
			for i := range descs {
				descs[i].Flags |= write
			}
			e.main(virtqtest.Desc{Addr: e.table(descs...), Len: uint32(16 * e.size), Flags: indirect})
		}},
		// Linux's virtio_crypto builds indirect tables longer than a
		// small ring for large requests (QEMU serves them: up to 1024
		// buffers per chain whatever the ring size); MinChainLimit.
		{name: "indirect table longer than the ring, up to 1024 entries", rlen: virtq.MinChainLimit - 1, wlen: 1, build: func(e *hostileEnv) {
			descs := chainOf(virtq.MinChainLimit, e.buf, 1)
			descs[len(descs)-1].Flags = write
			e.main(virtqtest.Desc{Addr: e.table(descs...), Len: uint32(16 * len(descs)), Flags: indirect})
		}},
		{name: "unknown flag bits ignored", rlen: 8, wlen: 8, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next | 0x8080, Next: 1}, virtqtest.Desc{Addr: e.buf2, Len: 8, Flags: write | 0x10})
		}},
		{name: "readable and writable alias", rlen: 8, wlen: 8, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.buf, Len: 8, Flags: next, Next: 1}, virtqtest.Desc{Addr: e.buf, Len: 8, Flags: write})
		}},
		{name: "buffer on the descriptor table", rlen: 32, build: func(e *hostileEnv) {
			e.main(virtqtest.Desc{Addr: e.d.DescGPA(), Len: 32})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Size == 0 {
				cfg.Size = 16
			}
			d, q := newPair(t, cfg)
			e := &hostileEnv{t: t, d: d, size: int(cfg.Size)}
			var err error
			if e.buf, err = d.Alloc(64); err != nil {
				t.Fatal(err)
			}
			if e.buf2, err = d.Alloc(64); err != nil {
				t.Fatal(err)
			}
			tt.build(e)
			mem := d.Memory()
			var c virtq.Chain
			ok, err := q.Pop(mem, &c)
			switch {
			case tt.wantErr == nil:
				if !ok || err != nil {
					t.Fatalf("Pop = %v, %v; want a valid chain", ok, err)
				}
				if c.ReadableLen() != tt.rlen || c.WritableLen() != tt.wlen {
					t.Fatalf("readable %d writable %d, want %d %d", c.ReadableLen(), c.WritableLen(), tt.rlen, tt.wlen)
				}
				mustPush(t, d, q, c.Head(), 0)
			case errors.Is(tt.wantErr, virtq.ErrBadHead):
				if ok || !errors.Is(err, tt.wantErr) {
					t.Fatalf("Pop = %v, %v; want false, %v", ok, err, tt.wantErr)
				}
			default:
				if !ok || !errors.Is(err, tt.wantErr) || !errors.Is(err, virtq.ErrChain) {
					t.Fatalf("Pop = %v, %v; want true, %v", ok, err, tt.wantErr)
				}
				if c.Head() != 0 || c.ReadableLen() != 0 || c.WritableLen() != 0 || c.Reader().Remaining() != 0 || c.Writer().Remaining() != 0 {
					t.Fatal("a malformed chain left buffers in the Chain")
				}
				mustPush(t, d, q, c.Head(), 0)
			}

			used, err := d.Used()
			if err != nil {
				t.Fatal(err)
			}
			if errors.Is(tt.wantErr, virtq.ErrBadHead) {
				if len(used) != 0 {
					t.Fatalf("completions for a skipped entry: %+v", used)
				}
			} else if len(used) != 1 || used[0].Head != 0 || used[0].Len != 0 {
				t.Fatalf("chain not completed with length 0: %+v", used)
			}

			// The queue goes on with a good chain.
			good, err := d.Add([][]byte{[]byte("good")}, []int{4})
			if err != nil {
				t.Fatal(err)
			}
			mustPop(t, d, q, &c)
			if b := readAll(t, c.Reader()); c.Head() != good || string(b) != "good" {
				t.Fatalf("next chain: head %d (want %d), %q", c.Head(), good, b)
			}
			if _, err := c.Writer().Write([]byte("done")); err != nil {
				t.Fatal(err)
			}
			mustPush(t, d, q, good, 4)
			mustEmpty(t, d, q)
			used, err = d.Used()
			if err != nil {
				t.Fatal(err)
			}
			if len(used) != 1 || used[0].Head != good || used[0].Len != 4 || string(used[0].Writable) != "done" {
				t.Fatalf("good chain completion: %+v", used)
			}
		})
	}
}

// TestBadAvailIndex: an available index that jumps more than the queue
// size ahead (or goes back) stops the queue without consuming anything; once
// the driver's index is sane again, serving resumes.
func TestBadAvailIndex(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 8})
	mem := d.Memory()
	var c virtq.Chain
	if _, err := d.Add([][]byte{{1}}, nil); err != nil {
		t.Fatal(err)
	}
	mustPop(t, d, q, &c)
	mustPush(t, d, q, c.Head(), 0)
	if _, err := d.Used(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []uint16{1 + 9, 1 + 0x8000, 0} {
		d.SetAvailIdx(bad)
		for range 2 {
			ok, err := q.Pop(mem, &c)
			if ok || !errors.Is(err, virtq.ErrAvailIndex) || !errors.Is(err, virtq.ErrRing) {
				t.Fatalf("avail idx %d: Pop = %v, %v", bad, ok, err)
			}
		}
		if q.NextAvail() != 1 {
			t.Fatalf("next_avail moved to %d", q.NextAvail())
		}
	}
	// Exactly queue size ahead is legal: 8 chains of one descriptor.
	d.SetAvailIdx(1)
	for i := range 8 {
		if _, err := d.Add([][]byte{{byte(i)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 8 {
		mustPop(t, d, q, &c)
		mustPush(t, d, q, c.Head(), 0)
	}
	mustEmpty(t, d, q)
	if used, err := d.Used(); err != nil || len(used) != 8 {
		t.Fatalf("used %d, %v", len(used), err)
	}
}

// TestReofferedHeads: a driver that offers a head again while it is in
// flight cannot push the device past Size chains in flight.
func TestReofferedHeads(t *testing.T) {
	d, q := newPair(t, virtqtest.Config{Size: 4})
	mem := d.Memory()
	head, err := d.Add([][]byte{{1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		d.PublishHead(head, nil)
	}
	var c virtq.Chain
	for range 4 {
		mustPop(t, d, q, &c)
	}
	d.PublishHead(head, nil)
	if ok, err := q.Pop(mem, &c); ok || !errors.Is(err, virtq.ErrTooManyInFlight) || !errors.Is(err, virtq.ErrRing) {
		t.Fatalf("Pop with 4 of 4 in flight = %v, %v", ok, err)
	}
	mustPush(t, d, q, head, 0)
	mustPop(t, d, q, &c)
	if q.InFlight() != 4 || q.NextAvail() != 5 {
		t.Fatalf("in flight %d, next avail %d", q.InFlight(), q.NextAvail())
	}
}

// TestErrorStatus: a malformed chain whose end is reachable and whose last
// descriptor is writable exposes that descriptor's last byte; chains whose
// end cannot be reached, or that end readable, expose nothing.
func TestErrorStatus(t *testing.T) {
	for _, tt := range []struct {
		name  string
		build func(e *hostileEnv) []virtqtest.Desc
		want  int // offset into buf2 of the status byte, -1: none
		wlen  int
	}{
		{"writable before readable", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: e.buf, Len: 8, Flags: write | next, Next: 1}, {Addr: e.buf, Len: 8, Flags: next, Next: 2}, {Addr: e.buf2, Len: 4, Flags: write}}
		}, 3, 12},
		{"readable outside memory, then writable", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: 1 << 50, Len: 8, Flags: next, Next: 1}, {Addr: e.buf2, Len: 16, Flags: write}}
		}, 15, 16},
		{"ends readable", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: e.buf2, Len: 8, Flags: write | next, Next: 1}, {Addr: 1 << 50, Len: 8}}
		}, -1, 0},
		{"last writable outside memory", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: 1 << 50, Len: 8, Flags: next, Next: 1}, {Addr: 1 << 50, Len: 8, Flags: write}}
		}, -1, 0},
		{"longer than the chain limit, ends writable", func(e *hostileEnv) []virtqtest.Desc {
			descs := chainOf(virtq.MinChainLimit+1, e.buf, 1)
			descs[len(descs)-1] = virtqtest.Desc{Addr: e.buf2, Len: 4, Flags: write}
			return []virtqtest.Desc{{Addr: e.table(descs...), Len: uint32(16 * len(descs)), Flags: indirect}}
		}, 3, 4},
		{"loop", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: e.buf2, Len: 8, Flags: write | next, Next: 1}, {Addr: e.buf2, Len: 8, Flags: write | next, Next: 0}}
		}, -1, 0},
		{"next index outside the table", func(e *hostileEnv) []virtqtest.Desc {
			return []virtqtest.Desc{{Addr: 1 << 50, Len: 8, Flags: next, Next: 999}}
		}, -1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, q := newPair(t, virtqtest.Config{Size: 16})
			e := &hostileEnv{t: t, d: d, size: 16}
			var err error
			if e.buf, err = d.Alloc(64); err != nil {
				t.Fatal(err)
			}
			if e.buf2, err = d.Alloc(64); err != nil {
				t.Fatal(err)
			}
			e.main(tt.build(e)...)
			var c virtq.Chain
			ok, err := q.Pop(d.Memory(), &c)
			if !ok || err == nil {
				t.Fatalf("Pop = %v, %v; want a malformed chain", ok, err)
			}
			st, wlen := c.ErrorStatus()
			if tt.want < 0 {
				if st != nil || wlen != 0 {
					t.Fatalf("ErrorStatus = %d bytes, %d; want none", len(st), wlen)
				}
				return
			}
			if len(st) != 1 || wlen != tt.wlen {
				t.Fatalf("ErrorStatus = %d bytes, %d; want 1 byte, %d", len(st), wlen, tt.wlen)
			}
			st[0] = 0xA5
			if got := d.Bytes(e.buf2+uint64(tt.want), 1)[0]; got != 0xA5 {
				t.Fatalf("status byte is not at buf2+%d", tt.want)
			}
		})
	}
}
