package vhostuser

import (
	"bytes"
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/virtiocrypto"
)

// awaitCompletion polls q's used ring (without sleeping on the call
// eventfd, so that a completion can only come from a backend that found
// the request by itself) until one completion arrives or d passes.
func awaitCompletion(t *testing.T, q *FrontendQueue, d time.Duration) Completion {
	t.Helper()
	deadline := time.Now().Add(d)
	for !q.Pending() {
		if time.Now().After(deadline) {
			t.Fatalf("queue %d: no completion within %v", q.Index(), d)
		}
		time.Sleep(50 * time.Microsecond)
	}
	var out []Completion
	if _, err := q.Reap(func(head uint16, n uint32, w [][]byte) {
		out = append(out, Completion{Head: head, Len: n, Writable: bytes.Clone(bytes.Join(w, nil))})
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d completions, want 1", len(out))
	}
	return out[0]
}

// checkSP80038A checks a completion of the SP 800-38A F.2.1 encryption.
func checkSP80038A(t *testing.T, c Completion) {
	t.Helper()
	if len(c.Writable) != 65 || c.Writable[64] != byte(virtiocrypto.StatusOK) || !bytes.Equal(c.Writable[:64], sp80038aCT) {
		t.Fatalf("completion %x, want %x and status OK", c.Writable, sp80038aCT)
	}
}

// TestPollServesWithoutKick: a polling queue worker serves requests that
// the driver made available without a kick, and while it polls, kicks
// are suppressed (with EVENT_IDX through avail_event, without it through
// VIRTQ_USED_F_NO_NOTIFY), so the driver's own Kick decides not to
// notify. After the poll time, notifications are on again. Every
// goroutine ends with the connection.
func TestPollServesWithoutKick(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  FrontendConfig
	}{
		{"event-idx", FrontendConfig{Queues: 2, AckAllFeatures: true, EventIdx: true, Indirect: true}},
		{"no-notify-flag", FrontendConfig{Queues: 2, AckAllFeatures: true}},
		{"qemu-cryptodev-features", FrontendConfig{Queues: 2, EventIdx: true, Indirect: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakCheck(t)
			const poll = 300 * time.Millisecond
			s := startPollingServer(t, ModeDevice, 1, poll)
			f := s.dial(t, tc.cfg)
			if err := f.Handshake(); err != nil {
				t.Fatal(err)
			}
			enc := ctrlCreateCBC(t, f.Queue(1), virtiocrypto.OpEncrypt, sp80038aKey)
			q := f.Queue(0)
			req := cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
			// The first request wakes the worker (kick).
			if _, err := q.Add(req, []int{64, 1}); err != nil {
				t.Fatal(err)
			}
			if !q.Kick() {
				t.Fatal("first request: Kick did not notify an idle backend")
			}
			checkSP80038A(t, awaitCompletion(t, q, 5*time.Second))
			// The worker now polls: the next requests need no kick, and
			// the driver's Kick sees that none is wanted.
			for i := range 5 {
				kicks := q.Kicks
				if _, err := q.Add(req, []int{64, 1}); err != nil {
					t.Fatal(err)
				}
				if tc.cfg.EventIdx || tc.cfg.AckAllFeatures {
					if q.Kick() {
						t.Errorf("request %d: Kick notified a polling backend", i)
					}
				}
				if q.Kicks != kicks {
					t.Errorf("request %d: %d kicks", i, q.Kicks-kicks)
				}
				checkSP80038A(t, awaitCompletion(t, q, poll/2))
			}
			// After the poll time the worker sleeps on its kick again.
			time.Sleep(poll + 100*time.Millisecond)
			if _, err := q.Add(req, []int{64, 1}); err != nil {
				t.Fatal(err)
			}
			if !q.Kick() {
				t.Error("after the poll time: Kick did not notify a sleeping backend")
			}
			checkSP80038A(t, awaitCompletion(t, q, 5*time.Second))
			f.Close()
			s.stop(t)
		})
	}
}

// TestPollStopAndDisable: GET_VRING_BASE and SET_VRING_ENABLE 0 take
// effect on a polling worker at once (within the message exchange, not
// after the poll time), and the ring restarts polling.
func TestPollStopAndDisable(t *testing.T) {
	leakCheck(t)
	const poll = MaxPoll // polling must be interrupted, not waited for
	s := startPollingServer(t, ModeCryptodev, 1, poll)
	// NeedReplyAll: SET_VRING_ENABLE returns once the backend handled it.
	f := s.dial(t, FrontendConfig{Queues: 1, AckAllFeatures: true, EventIdx: true, NeedReplyAll: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU81, sp80038aKey)
	q := f.Queue(0)
	req := cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
	if _, err := q.Submit(req, []int{64, 1}); err != nil {
		t.Fatal(err)
	}
	checkSP80038A(t, awaitCompletion(t, q, 5*time.Second))
	// Disabled: a request made available is not served.
	if err := f.SetVringEnable(0, false); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Add(req, []int{64, 1}); err != nil {
		t.Fatal(err)
	}
	q.Kick()
	time.Sleep(20 * time.Millisecond)
	if q.Pending() {
		t.Fatal("disabled ring was served")
	}
	if err := f.SetVringEnable(0, true); err != nil {
		t.Fatal(err)
	}
	checkSP80038A(t, awaitCompletion(t, q, 5*time.Second))
	start := time.Now()
	base, err := f.StopQueue(0)
	if err != nil || base != 2 {
		t.Fatalf("GET_VRING_BASE = %d, %v; want 2", base, err)
	}
	if el := time.Since(start); el > poll/2 {
		t.Errorf("GET_VRING_BASE took %v on a polling ring", el)
	}
	if err := f.SetMemTable(); err != nil {
		t.Fatal(err)
	}
	if err := f.StartQueue(0); err != nil {
		t.Fatal(err)
	}
	checkCBC(t, q, enc, dec)
	f.Close()
	s.stop(t)
}

// TestPollMemTableSwap: a new memory table while a worker polls is picked
// up at once (the worker re-acquires the table every round).
func TestPollMemTableSwap(t *testing.T) {
	leakCheck(t)
	s := startPollingServer(t, ModeCryptodev, 1, time.Second)
	f := s.dial(t, FrontendConfig{Queues: 1, AckAllFeatures: true, EventIdx: true, Indirect: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
	q := f.Queue(0)
	for range 3 {
		checkCBC(t, q, enc, dec)
		if err := f.SetMemTable(); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	s.stop(t)
}

func TestServerPollRange(t *testing.T) {
	for _, p := range []time.Duration{-time.Microsecond, MaxPoll + 1} {
		srv := &Server{Mode: ModeDevice, Poll: p, NewDevice: func() (*cryptodev.Device, error) { return nil, nil }}
		l, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Serve(context.Background(), l); !errors.Is(err, ErrBadMode) {
			t.Errorf("Poll %v: Serve = %v, want ErrBadMode", p, err)
		}
		l.Close()
	}
}
