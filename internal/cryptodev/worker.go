package cryptodev

import (
	"errors"
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// Worker serves one queue. It owns reusable buffers, so that serving a
// request allocates nothing in steady state. A Worker is used by one
// goroutine at a time.
type Worker struct {
	d     *Device
	chain virtq.Chain
	hdr   [maxDataRequestSize]byte
	req   virtiocrypto.DataRequest
	op    engine.Op
	// tmp is the temporary session of the stateless request being served.
	tmp entry

	// arena holds bounce copies of request data that is not contiguous in
	// guest memory (and every control-queue key); it grows to the largest
	// request seen and is reused.
	arena []byte
	used  int
	// scatter lists the guest segments of outputs that went to the arena.
	scatter []outSeg
	// staged counts completions not yet published (see complete).
	staged int
	// obs reports requests to Options.Observer (observe.go).
	obs workerObs
	// sess is the session of the last data request, with a reference of
	// the worker's own, and sessID its id (see session). It lives for one
	// serve call.
	sess   *entry
	sessID uint64
}

// maxDataRequestSize is the largest header + op_flf of a data request:
// the stateless CIPHER request (24 + 76 bytes) under REVISION_1, more than
// the legacy 72.
const maxDataRequestSize = max(virtiocrypto.DataRequestLegacySize, virtiocrypto.DataHeaderSize+virtiocrypto.SymDataStatelessSize)

// outSeg is an output staged in the arena and the guest buffers it goes to.
type outSeg struct {
	buf  []byte
	segs [][]byte
}

// NewWorker returns a worker for one of d's queues.
func (d *Device) NewWorker() *Worker { return &Worker{d: d} }

// ServeData drains the available ring of a data queue: every chain gets its
// used entry (with a status byte when it has one), and notifications are
// re-enabled before the worker returns. It reports whether the driver wants
// a used-buffer notification for the batch; err is set only when the ring
// itself is unusable.
func (w *Worker) ServeData(q *virtq.Queue, mem *guestmem.Memory) (bool, error) {
	notify, err := w.serve(q, mem, w.handleData, true)
	w.obsFlush()
	return notify, err
}

// ServeControl is ServeData for the control queue.
func (w *Worker) ServeControl(q *virtq.Queue, mem *guestmem.Memory) (bool, error) {
	return w.serve(q, mem, w.handleControl, false)
}

// serve drains q. For a data queue (statusLast), a malformed chain whose
// last descriptor is writable still gets ERR in that descriptor's last byte
// (DESIGN.md habit 3: every chain that can hold a status gets one).
func (w *Worker) serve(q *virtq.Queue, mem *guestmem.Memory, handle func(*virtq.Chain) uint32, statusLast bool) (bool, error) {
	w.staged = 0
	w.obsBatch()
	defer w.dropSession()
	if err := q.DisableNotification(mem); err != nil {
		return false, err
	}
	for {
		ok, err := q.Pop(mem, &w.chain)
		switch {
		case ok && err == nil:
			n := handle(&w.chain)
			if err := w.complete(q, mem, n); err != nil {
				return false, err
			}
			continue
		case ok:
			// Malformed chain with a valid head: give it back empty so
			// the driver does not wait forever.
			w.d.log.Debug("malformed descriptor chain", "head", w.chain.Head(), "err", err)
			var used uint32
			if st, wlen := w.chain.ErrorStatus(); statusLast && st != nil {
				st[0] = byte(Status(fmt.Errorf("%w: %w", ErrMalformed, err)))
				used = uint32(wlen)
			}
			if statusLast {
				w.obsDone(used != 0, virtiocrypto.StatusErr)
			}
			if err := w.complete(q, mem, used); err != nil {
				return false, err
			}
			continue
		case errors.Is(err, virtq.ErrBadHead):
			w.d.log.Debug("bad head in available ring", "err", err)
			continue
		case err != nil:
			if perr := q.Publish(mem); perr != nil {
				return false, perr
			}
			return false, err
		}
		more, err := q.EnableNotification(mem)
		if err != nil {
			return false, err
		}
		if !more {
			break
		}
		if err := q.DisableNotification(mem); err != nil {
			return false, err
		}
	}
	return q.NeedsNotify(mem)
}

// session returns the live session id for the current request. A run of
// requests on one session shares one reference, taken by the first of
// them and kept in the worker (no table lookup or reference counting per
// request); the cached session is reused only while it is still in the
// table, so a request that starts after the session was destroyed gets
// ErrNoSession (INVSESS), as it would from the table. The caller does not
// release the result: the worker drops its reference when a request names
// another session, when it sees the session removed, or when serve
// returns, so a destroyed session's keys are wiped at the latest when the
// batch that last used it ends.
func (w *Worker) session(id uint64) (*entry, error) {
	if e := w.sess; e != nil {
		if w.sessID == id && !e.removed.Load() {
			return e, nil
		}
		w.dropSession()
	}
	e, err := w.d.sessions.acquire(id)
	if err != nil {
		return nil, err
	}
	w.sess, w.sessID = e, id
	return e, nil
}

// dropSession releases the cached session's reference, if any.
func (w *Worker) dropSession() {
	if w.sess != nil {
		w.sess.release()
		w.sess = nil
	}
}

// publishEvery bounds how many completions a batch holds back before it
// publishes the used index, so that a driver polling or refilling the ring
// sees progress during a long batch while the used-index cache line is
// written once per group rather than once per request.
const publishEvery = 16

// complete stages the used element of the current chain and publishes the
// used index every publishEvery completions; EnableNotification and
// NeedsNotify publish the rest.
func (w *Worker) complete(q *virtq.Queue, mem *guestmem.Memory, used uint32) error {
	if err := q.Stage(mem, w.chain.Head(), used); err != nil {
		return err
	}
	w.staged++
	if w.staged >= publishEvery {
		w.staged = 0
		return q.Publish(mem)
	}
	return nil
}

// reset prepares the arena for a request needing at most n bounce bytes.
func (w *Worker) reset(n uint64) {
	w.used = 0
	w.scatter = w.scatter[:0]
	if uint64(cap(w.arena)) < n {
		w.arena = make([]byte, n)
	}
	w.arena = w.arena[:cap(w.arena)]
}

func (w *Worker) alloc(n int) []byte {
	b := w.arena[w.used : w.used+n : w.used+n]
	w.used += n
	return b
}

// in returns the next n readable bytes: the guest buffer itself when they
// are contiguous, else a copy in the arena.
func (w *Worker) in(r *virtq.Reader, n int) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	s := r.Next(n)
	if len(s) == n {
		return s, nil
	}
	b := w.alloc(n)
	off := copy(b, s)
	for off < n {
		t := r.Next(n - off)
		if len(t) == 0 {
			return nil, fmt.Errorf("%w: readable part ends early", ErrMalformed)
		}
		off += copy(b[off:], t)
	}
	return b, nil
}

// copyIn is in, but always copies (keys and IVs, which must not change
// under the engine).
func (w *Worker) copyIn(r *virtq.Reader, n int) ([]byte, error) {
	b := w.alloc(n)
	if err := r.ReadFull(b); err != nil {
		return nil, fmt.Errorf("%w: readable part ends early", ErrMalformed)
	}
	return b, nil
}

// out returns n writable bytes: the guest buffer when contiguous, else an
// arena buffer that flush copies to the guest.
func (w *Worker) out(wr *virtq.Writer, n int) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	s := wr.Next(n)
	if len(s) == n {
		return s, nil
	}
	o := outSeg{buf: w.alloc(n)}
	if len(w.scatter) < cap(w.scatter) {
		o.segs = w.scatter[:len(w.scatter)+1][len(w.scatter)].segs[:0]
	}
	o.segs = append(o.segs, s)
	for got := len(s); got < n; {
		t := wr.Next(n - got)
		if len(t) == 0 {
			return nil, fmt.Errorf("%w: writable part ends early", ErrMalformed)
		}
		o.segs = append(o.segs, t)
		got += len(t)
	}
	w.scatter = append(w.scatter, o)
	return o.buf, nil
}

// flush copies staged outputs to guest memory.
func (w *Worker) flush() {
	for _, o := range w.scatter {
		b := o.buf
		for _, s := range o.segs {
			b = b[copy(s, b):]
		}
	}
}

// wipeArena zeroes what a request put in the arena (keys, plaintext).
func (w *Worker) wipeArena() { clear(w.arena[:w.used]) }
