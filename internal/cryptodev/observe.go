package cryptodev

import (
	"time"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// Observer receives the outcome of every request a Device serves, for
// metrics (Options.Observer). It never sees key material, request data or
// session ids: only service and algorithm identifiers, statuses, byte
// counts and durations.
//
// A nil Options.Observer costs the data path one branch per request and
// nothing else.
type Observer interface {
	// ObserveQueue returns the observer of one queue's worker. It is called
	// once per Worker, when the worker is created (NewQueueWorker), never
	// on the data path; index is the virtqueue index (the control queue's
	// is Device.DataQueues()). A nil result disables observation for that
	// worker's data requests.
	ObserveQueue(index int) QueueObserver
	// ObserveControl is called once per completed control-plane request:
	// from the control queue's worker (device mode) or from the transport's
	// session messages (ObserveSessionMessage, cryptodev mode). It may be
	// called concurrently.
	ObserveControl(ev ControlEvent)
}

// QueueObserver receives one call per completed data-queue request of one
// worker, and a Flush at the end of every batch the worker serves (before
// ServeData returns). Calls come from that worker's goroutine only (one at
// a time), so an implementation may accumulate in plain memory and publish
// at Flush; it must not allocate or block, since it runs on the data path.
type QueueObserver interface {
	ObserveData(ev DataEvent)
	Flush()
}

// Algorithm names what a session computes, by the virtio-crypto algorithm
// ids of its service: exactly one of Cipher, Hash, MAC, AEAD and AKCipher
// is meaningful for a plain session; a chained CIPHER session has Cipher
// (possibly NO_CIPHER) and Hash or MAC.
type Algorithm struct {
	Cipher   engine.CipherAlg
	Hash     engine.HashAlg
	MAC      engine.MACAlg
	AEAD     engine.AEADAlg
	AKCipher engine.AKCipherAlg
	Chained  bool
}

// DataEvent is one completed data-queue request.
type DataEvent struct {
	// HasSession reports whether the request named a live session;
	// Service and Algorithm are that session's. For a stateless request
	// they are those its sess_para names, once its op_flf and keys were
	// read (also when the engine then refuses them, e.g. for a bad key).
	// Without one (INVSESS, or a request malformed before its session
	// could be looked up or its sess_para read) they are zero.
	HasSession bool
	Service    engine.Service
	Algorithm  Algorithm
	// HasStatus is false for a chain that could not carry a status byte
	// (returned with used length 0); Status is then meaningless.
	HasStatus bool
	Status    virtiocrypto.Status
	// Bytes is the length of the source data the engine was given (0 when
	// the request failed before reaching the engine).
	Bytes int
	// Duration is the worker's time for the request: from the end of the
	// previous request of the same batch (or the start of the batch) to
	// this request's status, so it includes taking the chain off the
	// available ring. One clock read per request.
	Duration time.Duration
}

// ControlOp is the kind of a control-plane request.
type ControlOp uint8

// Control-plane request kinds.
const (
	ControlOther   ControlOp = iota // unknown or malformed opcode
	ControlCreate                   // *_CREATE_SESSION
	ControlDestroy                  // *_DESTROY_SESSION, or a transport's close-session message
)

// ControlEvent is one completed control-plane request.
type ControlEvent struct {
	Op ControlOp
	// Service is the opcode's service (opcode >> 8); HasService is false
	// when it is not known (a close-session message that names only an
	// id, an unparseable request).
	HasService bool
	Service    engine.Service
	Status     virtiocrypto.Status
}

// NewQueueWorker is NewWorker for the queue with the given virtqueue
// index: when the device has an Observer, the worker reports its requests
// to Observer.ObserveQueue(index). A transport should use it; NewWorker
// workers are not observed.
func (d *Device) NewQueueWorker(index int) *Worker {
	w := d.NewWorker()
	if o := d.opts.Observer; o != nil {
		w.obs.q = o.ObserveQueue(index)
	}
	return w
}

// ObserveSessionMessage reports a session create (create=true, opcode as
// the message carries it) or close (create=false, opcode ignored) that a
// transport served outside the control queue, such as vhost-user's
// CREATE_CRYPTO_SESSION and CLOSE_CRYPTO_SESSION in cryptodev mode. It
// does nothing without an Observer.
func (d *Device) ObserveSessionMessage(create bool, opcode uint64, st virtiocrypto.Status) {
	o := d.opts.Observer
	if o == nil {
		return
	}
	ev := ControlEvent{Op: ControlDestroy, Status: st}
	if create {
		ev.Op = ControlCreate
		if opcode <= 0xFFFFFFFF && virtiocrypto.Opcode(opcode).IsCreateSession() {
			ev.HasService, ev.Service = true, engine.Service(virtiocrypto.Opcode(opcode).Service())
		}
	}
	o.ObserveControl(ev)
}

// observeControl reports a control-queue request (device mode).
func (d *Device) observeControl(op virtiocrypto.Opcode, st virtiocrypto.Status) {
	o := d.opts.Observer
	if o == nil {
		return
	}
	ev := ControlEvent{Status: st}
	switch {
	case op.IsCreateSession():
		ev.Op = ControlCreate
	case op.IsDestroySession():
		ev.Op = ControlDestroy
	}
	if ev.Op != ControlOther {
		ev.HasService, ev.Service = true, engine.Service(op.Service())
	}
	o.ObserveControl(ev)
}

// workerObs is a Worker's observation state. Its zero value (q == nil)
// observes nothing.
type workerObs struct {
	q  QueueObserver
	ev DataEvent
	// last is the clock reading at the end of the previous request of the
	// batch (or at the batch's start); see DataEvent.Duration.
	last time.Duration
}

// obsEpoch is the origin of workerObs.last: time.Since reads only the
// monotonic clock, about half the cost of time.Now.
var obsEpoch = time.Now()

// obsBatch starts a batch's clock.
func (w *Worker) obsBatch() {
	if w.obs.q != nil {
		w.obs.last = time.Since(obsEpoch)
	}
}

// obsSession records the service and algorithm of the request's session.
func (w *Worker) obsSession(p *engine.SessionParams) {
	if w.obs.q == nil {
		return
	}
	ev := &w.obs.ev
	ev.HasSession, ev.Service = true, p.Service
	ev.Algorithm = Algorithm{Cipher: p.Cipher, Hash: p.Hash, MAC: p.MAC, AEAD: p.AEAD, AKCipher: p.AK.Alg, Chained: p.Chained}
}

// obsFlush ends a batch for the queue observer.
func (w *Worker) obsFlush() {
	if w.obs.q != nil {
		w.obs.q.Flush()
	}
}

// obsDone reports the request that just got its status (hasStatus false:
// returned without one).
func (w *Worker) obsDone(hasStatus bool, st virtiocrypto.Status) {
	if w.obs.q == nil {
		return
	}
	now := time.Since(obsEpoch)
	ev := &w.obs.ev
	ev.HasStatus, ev.Status = hasStatus, st
	ev.Duration = max(now-w.obs.last, 0)
	w.obs.last = now
	w.obs.q.ObserveData(*ev)
	w.obs.ev = DataEvent{}
}
