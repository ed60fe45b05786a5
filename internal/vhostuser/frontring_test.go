package vhostuser

import (
	"bytes"
	"errors"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
)

// TestFrontendSlidingWindow keeps requests of varying sizes in flight in
// an arena too small to hold many of them, replacing each completion at
// once: the arena is reused as a ring while chains are in flight, and
// no request's buffers overlap another's (every result is Go's CBC of its
// own plaintext). A full arena refuses a chain and changes nothing.
func TestFrontendSlidingWindow(t *testing.T) {
	for _, indirect := range []bool{false, true} {
		s := startServer(t, ModeCryptodev, 1)
		f := s.dial(t, FrontendConfig{Queues: 1, EventIdx: true, Indirect: indirect, AckAllFeatures: true, QueueSize: 64, ArenaSize: 4096})
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		enc, _ := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
		q := f.Queue(0)
		want := map[uint16][]byte{}
		add := func(i int) error {
			n := 16 * (1 + (i*7)%16) // 16..256 bytes
			pt := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, n/2)
			head, err := q.Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, pt), []int{n, 1})
			if err == nil {
				want[head] = cbcReference(t, virtiocrypto.OpEncrypt, sp80038aKey, sp80038aIV, pt)
			}
			return err
		}
		check := func(head uint16, _ uint32, w [][]byte) {
			exp, ok := want[head]
			if !ok {
				t.Fatalf("completion of head %d not in flight", head)
			}
			delete(want, head)
			if len(w) != 2 || !bytes.Equal(w[0], exp) || w[1][0] != byte(virtiocrypto.StatusOK) {
				t.Fatalf("head %d: got %x status %x, want %x", head, w[0], w[1], exp)
			}
		}
		const window, total = 4, 300
		next, done := 0, 0
		for done < total {
			for q.InFlight() < window && next < total {
				if err := add(next); err != nil {
					t.Fatalf("indirect %v: request %d with %d in flight: %v", indirect, next, q.InFlight(), err)
				}
				next++
			}
			q.Kick()
			if err := q.WaitUsed(); err != nil {
				t.Fatal(err)
			}
			n, err := q.Reap(check)
			if err != nil {
				t.Fatal(err)
			}
			done += n
		}
		// Fill the arena without reaping: Add refuses the chain that does
		// not fit, and in-flight state is unchanged.
		for i := 0; ; i++ {
			before := q.InFlight()
			err := add(1000 + i)
			if err != nil {
				if !errors.Is(err, ErrInvalidArg) || q.InFlight() != before || before == 0 {
					t.Fatalf("full arena: %v with %d in flight (was %d)", err, q.InFlight(), before)
				}
				break
			}
			if i > 64 {
				t.Fatal("a 4 KiB arena took 64 chains")
			}
		}
		q.Kick()
		for q.InFlight() > 0 {
			if err := q.WaitUsed(); err != nil {
				t.Fatal(err)
			}
			if _, err := q.Reap(check); err != nil {
				t.Fatal(err)
			}
		}
		if len(want) != 0 {
			t.Fatalf("%d requests never completed", len(want))
		}
		f.Close()
		s.stop(t)
	}
}

// TestFrontendInterruptsOff: with SetInterrupts(false) the backend sends
// no used buffer notification (with and without EVENT_IDX) while the
// driver polls with Pending; with them on, it does and Calls counts them.
func TestFrontendInterruptsOff(t *testing.T) {
	for _, eventIdx := range []bool{false, true} {
		s := startServer(t, ModeCryptodev, 1)
		f := s.dial(t, FrontendConfig{Queues: 1, EventIdx: eventIdx, AckAllFeatures: true})
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		enc, _ := createCBCPair(t, f, LayoutQEMU81, sp80038aKey)
		q := f.Queue(0)
		req := cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
		q.SetInterrupts(false)
		calls := q.ReadCalls()
		for range 20 {
			if _, err := q.Submit(req, []int{64, 1}); err != nil {
				t.Fatal(err)
			}
			checkSP80038A(t, awaitCompletion(t, q, 5e9))
		}
		// Any notification sent would be in the eventfd by now: the
		// backend signals before it sleeps.
		if _, err := f.GetFeatures(); err != nil {
			t.Fatal(err)
		}
		if got := q.ReadCalls(); got != calls {
			t.Errorf("event idx %v: %d used buffer notifications with interrupts off", eventIdx, got-calls)
		}
		// WaitUsed still works with interrupts off.
		if _, err := q.Submit(req, []int{64, 1}); err != nil {
			t.Fatal(err)
		}
		if cs, err := q.WaitAll(1); err != nil || len(cs) != 1 {
			t.Fatalf("WaitAll with interrupts off: %v", err)
		}
		q.SetInterrupts(true)
		calls = q.ReadCalls()
		for range 5 {
			doCipher(t, q, virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
		}
		if got := q.ReadCalls(); got-calls < 5 {
			t.Errorf("event idx %v: %d notifications for 5 requests with interrupts on", eventIdx, got-calls)
		}
		f.Close()
		s.stop(t)
	}
}

// newLoneFrontend returns a Frontend whose socket leads nowhere: its
// rings can be filled and completed by the test itself.
func newLoneFrontend(t testing.TB, cfg FrontendConfig) *Frontend {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fds[1])
	file := os.NewFile(uintptr(fds[0]), "lone")
	c, err := net.FileConn(file)
	file.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFrontend(c.(*net.UnixConn), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// complete plays the device: it returns chain head through the used ring.
func (q *FrontendQueue) complete(head uint16) {
	idx := q.usedIdx()
	e := q.usedOff + 4 + 8*int(uint32(idx)%q.size)
	le.PutUint32(q.mem[e:], uint32(head))
	le.PutUint32(q.mem[e+4:], 0)
	guestmem.StoreU16Release(q.mem, q.usedOff+2, idx+1)
}

// chainRanges reads the arena ranges of a direct chain from the
// descriptor table.
func (q *FrontendQueue) chainRanges(head uint16) [][2]int {
	var out [][2]int
	for i := int(head); ; {
		d := q.mem[q.descOff+16*i:]
		off := int(le.Uint64(d) - q.gpa)
		out = append(out, [2]int{off, off + int(le.Uint32(d[8:]))})
		if le.Uint16(d[12:])&virtio.DescFNext == 0 {
			return out
		}
		i = int(le.Uint16(d[14:]))
	}
}

// FuzzFrontendArena adds chains of fuzzer-chosen sizes and completes
// fuzzer-chosen chains in any order: Add never panics, every buffer lies in
// the queue's arena, and no two chains in flight share a byte.
func FuzzFrontendArena(f *testing.F) {
	f.Add([]byte{10, 200, 30, 0x81, 40, 0x80, 255, 255, 255, 0x83, 7})
	f.Add([]byte{255, 255, 255, 255, 255, 0x80, 255, 0x80, 255, 0x80, 255})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0x85, 0x84, 8, 9, 0x80})
	f.Fuzz(func(t *testing.T, ops []byte) {
		fr := newLoneFrontend(t, FrontendConfig{Queues: 1, QueueSize: 16, ArenaSize: 4096, Regions: 1})
		q := fr.Queue(0)
		live := map[uint16][][2]int{}
		var order []uint16
		for i, op := range ops {
			if op&0x80 != 0 {
				if len(order) == 0 {
					continue
				}
				k := int(op&0x7f) % len(order)
				head := order[k]
				order = append(order[:k], order[k+1:]...)
				q.complete(head)
				if n, err := q.Reap(nil); err != nil || n != 1 {
					t.Fatalf("op %d: reap %d, %v", i, n, err)
				}
				delete(live, head)
				continue
			}
			rlen, wlen := 1+int(op)*13, 1+int(op)*7%300
			head, err := q.Add([][]byte{make([]byte, rlen)}, []int{wlen, 1})
			if err != nil {
				if !errors.Is(err, ErrInvalidArg) {
					t.Fatalf("op %d: %v", i, err)
				}
				continue
			}
			rs := q.chainRanges(head)
			for _, r := range rs {
				if r[0] < q.arenaOff || r[1] > q.arenaOff+q.arenaLen || r[0] >= r[1] {
					t.Fatalf("op %d: buffer %v outside the arena [%d, %d)", i, r, q.arenaOff, q.arenaOff+q.arenaLen)
				}
				for h, other := range live {
					for _, o := range other {
						if r[0] < o[1] && o[0] < r[1] {
							t.Fatalf("op %d: chain %d buffer %v overlaps chain %d buffer %v", i, head, r, h, o)
						}
					}
				}
			}
			live[head] = rs
			order = append(order, head)
		}
	})
}
