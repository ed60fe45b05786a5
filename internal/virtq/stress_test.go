package virtq_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

func payloadOf(seq uint64, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(seq*31 + uint64(i))
	}
	return p
}

// device serves q until stop is closed: one batch per kick, with the
// disable/drain/enable-and-recheck loop, at most one call per batch. Each
// request is seq (8 bytes) ‖ payload; the reply is payload XOR 0x5a from the
// start of the writable part, and byte(seq) as the status.
func device(t *testing.T, q *virtq.Queue, d *virtqtest.Driver, kick <-chan struct{}, call chan<- struct{}, stop <-chan struct{}) {
	mem := d.Memory()
	var c virtq.Chain
	var wantSeq uint64
	var hdr [8]byte
	buf := make([]byte, 4096)
	for {
		select {
		case <-kick:
		case <-stop:
			return
		}
		if err := q.DisableNotification(mem); err != nil {
			t.Error(err)
			return
		}
		for {
			for {
				ok, err := q.Pop(mem, &c)
				if err != nil {
					t.Errorf("device: Pop: %v", err)
					return
				}
				if !ok {
					break
				}
				r, w := c.Reader(), c.Writer()
				st, err := w.CarveStatus()
				if err != nil || r.ReadFull(hdr[:]) != nil {
					t.Errorf("device: chain %d: status %v", c.Head(), err)
					return
				}
				if seq := binary.LittleEndian.Uint64(hdr[:]); seq != wantSeq {
					t.Errorf("device: got request %d, want %d (ring order)", seq, wantSeq)
					return
				}
				wantSeq++
				n, _ := r.Read(buf)
				for i := range buf[:n] {
					buf[i] ^= 0x5a
				}
				if _, err := w.Write(buf[:n]); err != nil {
					t.Errorf("device: write: %v", err)
					return
				}
				st[0] = hdr[0]
				if err := q.Push(mem, c.Head(), uint32(w.Written()+1)); err != nil {
					t.Errorf("device: Push: %v", err)
					return
				}
			}
			more, err := q.EnableNotification(mem)
			if err != nil {
				t.Error(err)
				return
			}
			if !more {
				break
			}
			if err := q.DisableNotification(mem); err != nil {
				t.Error(err)
				return
			}
		}
		notify, err := q.NeedsNotify(mem)
		if err != nil {
			t.Error(err)
			return
		}
		if notify {
			select {
			case call <- struct{}{}:
			default:
			}
		}
	}
}

// TestStress runs a driver goroutine and a device goroutine over the same
// memory with real notification suppression on both sides. It checks that
// every request completes exactly once, in ring order, with the reply and
// status of its own request, and that no wake-up is lost (no hang). Because
// both sides are Go and share the ring only through guestmem's atomics, the
// race detector checks the ordering of the device's accesses too.
func TestStress(t *testing.T) {
	goroutineLeakCheck(t)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for _, mode := range []struct {
		name               string
		drvEvent, devEvent bool
		indirect           bool
		size               uint32
	}{
		{"flags", false, false, false, 64},
		{"flags/indirect", false, false, true, 16},
		{"event_idx", true, true, false, 64},
		{"event_idx/indirect", true, true, true, 8},
		{"event_idx_unknown_to_device", true, false, true, 32},
	} {
		t.Run(mode.name, func(t *testing.T) {
			d, err := virtqtest.New(virtqtest.Config{Size: mode.size, EventIdx: mode.drvEvent, Indirect: mode.indirect, StartIndex: 65000})
			if err != nil {
				t.Fatal(err)
			}
			cfg := d.QueueConfig()
			cfg.EventIdx = mode.devEvent
			q, err := virtq.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			kick := make(chan struct{}, 1)
			call := make(chan struct{}, 1)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() { device(t, q, d, kick, call, stop) })
			defer func() { close(stop); wg.Wait() }()

			type req struct {
				head uint16
				seq  uint64
				plen int
				wlen int
			}
			var pending []req
			rng := rand.New(rand.NewPCG(1, uint64(mode.size)))
			split := func(n int) []int { // n bytes in 1..3 pieces, each > 0
				k := min(n, 1+rng.IntN(3))
				out := make([]int, 0, k)
				for i := range k - 1 {
					_ = i
					p := 1 + rng.IntN(n-(k-len(out))+1)
					out = append(out, p)
					n -= p
				}
				return append(out, n)
			}
			var seq uint64
			done := 0
			d.DisableInterrupts()
			for done < n {
				added := 0
				for int(seq) < n {
					plen := 1 + rng.IntN(300)
					var hdr [8]byte
					binary.LittleEndian.PutUint64(hdr[:], seq)
					msg := append(hdr[:], payloadOf(seq, plen)...)
					var readable [][]byte
					for _, p := range split(len(msg)) {
						readable, msg = append(readable, msg[:p]), msg[p:]
					}
					wlen := plen + 1 + rng.IntN(8)
					head, err := d.Add(readable, split(wlen))
					if err != nil {
						break // full
					}
					pending = append(pending, req{head, seq, plen, wlen})
					seq++
					added++
				}
				if added > 0 && d.Kick() {
					select {
					case kick <- struct{}{}:
					default:
					}
				}
				used, err := d.Used()
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range used {
					if len(pending) == 0 {
						t.Fatalf("completion %+v with nothing pending", u)
					}
					want := pending[0]
					pending = pending[1:]
					if u.Head != want.head || u.Len != uint32(want.plen+1) || len(u.Writable) != want.wlen {
						t.Fatalf("request %d: completion head %d len %d (%d writable), want head %d len %d (%d)",
							want.seq, u.Head, u.Len, len(u.Writable), want.head, want.plen+1, want.wlen)
					}
					p := payloadOf(want.seq, want.plen)
					for i := range p {
						p[i] ^= 0x5a
					}
					if !bytes.Equal(u.Writable[:want.plen], p) || u.Writable[want.wlen-1] != byte(want.seq) {
						t.Fatalf("request %d: wrong reply or status", want.seq)
					}
					done++
				}
				if len(used) > 0 || (added > 0 && int(seq) < n) {
					continue
				}
				// Nothing to do: wait for a used buffer notification.
				if d.EnableInterrupts() {
					d.DisableInterrupts()
					continue
				}
				select {
				case <-call:
				case <-time.After(20 * time.Second):
					t.Fatalf("lost wake-up: %d of %d done, %d in flight, used idx %d, avail idx %d, kicks %d",
						done, n, d.InFlight(), d.UsedIdx(), d.AvailIdx(), d.Kicks)
				}
				d.DisableInterrupts()
			}
			if t.Failed() {
				return
			}
			t.Logf("%d requests, %d kicks", n, d.Kicks)
		})
	}
}
