package vhostuser

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/virtq"
)

// eventValue is the 8-byte value written to an eventfd (any non-zero
// value; vhost-user says it has no meaning).
var eventValue = func() (b [8]byte) { ne.PutUint64(b[:], 1); return }()

// ring is the backend's state of one vring. Configuration fields are
// touched only by the connection goroutine, and only while the ring is
// stopped; the queue goroutine owns q while it runs.
type ring struct {
	index   int
	control bool // the crypto control queue (device mode)

	num            uint32
	base, usedBase uint16
	addr           VringAddr
	addrSet        bool
	enabled        atomic.Bool

	mu     sync.Mutex // guards callFD and errFD
	callFD int
	errFD  int

	// Running state, set by start and cleared by stop (connection
	// goroutine).
	kick *os.File
	done chan struct{}
	q    *virtq.Queue
	// quit tells a polling queue goroutine to stop polling (stop sets it
	// before it closes the kick file).
	quit atomic.Bool
	// availGPA and usedGPA locate the rings for the poller (set with q).
	availGPA, usedGPA uint64
}

func newRing(index int, control bool) *ring {
	r := &ring{index: index, control: control, callFD: -1, errFD: -1}
	r.enabled.Store(true) // QEMU's cryptodev never sends SET_VRING_ENABLE
	return r
}

func (r *ring) running() bool { return r.kick != nil }

// setCall replaces the call eventfd (fd < 0: none). Safe while running.
func (r *ring) setCall(fd int) {
	if fd >= 0 {
		unix.SetNonblock(fd, true)
	}
	r.mu.Lock()
	old := r.callFD
	r.callFD = fd
	r.mu.Unlock()
	if old >= 0 {
		unix.Close(old)
	}
}

// setErr replaces the error eventfd (fd < 0: none).
func (r *ring) setErr(fd int) {
	if fd >= 0 {
		unix.SetNonblock(fd, true)
	}
	r.mu.Lock()
	old := r.errFD
	r.errFD = fd
	r.mu.Unlock()
	if old >= 0 {
		unix.Close(old)
	}
}

// signal writes the call (or error) eventfd. A full or broken descriptor
// is ignored: notifications are advisory, and a frontend that breaks its
// own eventfd only hurts itself.
func (r *ring) signal(errFD bool) {
	r.mu.Lock()
	fd := r.callFD
	if errFD {
		fd = r.errFD
	}
	if fd >= 0 {
		unix.Write(fd, eventValue[:])
	}
	r.mu.Unlock()
}

// start builds the queue from the stored configuration and starts the
// queue goroutine on kickFD, which start takes over (also on error).
func (r *ring) start(c *conn, kickFD int) error {
	f, err := r.setup(c, kickFD)
	if err != nil {
		return err
	}
	w := c.dev.NewQueueWorker(r.index)
	r.kick, r.done = f, make(chan struct{})
	r.quit.Store(false)
	go r.run(c, r.q, w, f, r.done)
	return nil
}

func (r *ring) setup(c *conn, kickFD int) (*os.File, error) {
	if err := unix.SetNonblock(kickFD, true); err != nil {
		unix.Close(kickFD)
		return nil, fmt.Errorf("ring %d: kick fd: %w", r.index, err)
	}
	f := os.NewFile(uintptr(kickFD), fmt.Sprintf("vhost-user-kick-%d", r.index))
	if f == nil {
		unix.Close(kickFD)
		return nil, fmt.Errorf("ring %d: invalid kick fd", r.index)
	}
	// A kick fd the runtime poller cannot wait on (a regular file, a
	// character device) would make the queue goroutine spin or block.
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return nil, fmt.Errorf("ring %d: kick fd is not pollable (want an eventfd): %w", r.index, err)
	}
	q, err := r.queue(c)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.q = q
	return f, nil
}

// queue translates the ring addresses through the current memory table
// and builds the virtq.Queue.
func (r *ring) queue(c *conn) (*virtq.Queue, error) {
	if r.num == 0 || !r.addrSet {
		return nil, fmt.Errorf("%w: ring %d started without SET_VRING_NUM and SET_VRING_ADDR", errProtocol, r.index)
	}
	mem := c.table.Acquire()
	if mem == nil {
		return nil, fmt.Errorf("%w: ring %d started before SET_MEM_TABLE", errProtocol, r.index)
	}
	defer mem.Release()
	var gpa [3]uint64
	for i, va := range [3]uint64{r.addr.Desc, r.addr.Avail, r.addr.Used} {
		g, err := mem.VAToGPA(va)
		if err != nil {
			return nil, fmt.Errorf("%w: ring %d address %#x is not in any memory region", errProtocol, r.index, va)
		}
		gpa[i] = g
	}
	q, err := virtq.New(virtq.Config{
		Size:      r.num,
		DescGPA:   gpa[0],
		AvailGPA:  gpa[1],
		UsedGPA:   gpa[2],
		NextAvail: r.base,
		NextUsed:  r.usedBase,
		// used_event is trusted only when the frontend told us the
		// guest negotiated EVENT_IDX (QEMU's cryptodev never does).
		EventIdx: c.acked&featureEventIdx != 0,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: ring %d: %w", errProtocol, r.index, err)
	}
	r.availGPA, r.usedGPA = gpa[1], gpa[2]
	return q, nil
}

// stop ends the queue goroutine, waits for it and saves the ring indices.
// It does nothing on a stopped ring.
func (r *ring) stop() {
	if r.kick == nil {
		return
	}
	r.quit.Store(true) // ends polling
	r.kick.Close()     // wakes the goroutine's Read with os.ErrClosed
	<-r.done
	r.base, r.usedBase = r.q.NextAvail(), r.q.NextUsed()
	r.kick, r.done, r.q = nil, nil, nil
}

// wake makes a running queue goroutine look at its ring again (after
// SET_VRING_ENABLE 1), by writing its kick eventfd.
func (r *ring) wake() {
	if r.kick != nil {
		r.kick.Write(eventValue[:])
	}
}

// release stops the ring and closes its descriptors.
func (r *ring) release() {
	r.stop()
	r.setCall(-1)
	r.setErr(-1)
}

// memFault is the runtime error of a faulting guest memory access that
// debug.SetPanicOnFault turns into a panic.
type memFault interface {
	error
	Addr() uintptr
}

// run is the queue goroutine: serve, then wait for a kick, until the kick
// file is closed.
func (r *ring) run(c *conn, q *virtq.Queue, w *cryptodev.Worker, kick *os.File, done chan struct{}) {
	defer close(done)
	// A frontend can truncate a memory file under our mapping; the access
	// then faults. Turn that into an error that ends the connection rather
	// than the process.
	debug.SetPanicOnFault(true)
	defer func() {
		if x := recover(); x != nil {
			f, ok := x.(memFault)
			if !ok {
				panic(x)
			}
			c.abort(fmt.Errorf("ring %d: guest memory fault at %#x: %w", r.index, f.Addr(), f))
		}
	}()
	var buf [8]byte
	faulted := false
	var p poller
	for {
		if r.enabled.Load() {
			before := q.NextAvail()
			r.serve(c, q, w, &faulted)
			// Poll after a batch that served requests (not after a
			// spurious wake-up).
			if c.poll > 0 && !faulted && q.NextAvail() != before {
				p.run(r, c, q, w, &faulted)
			}
		}
		n, err := kick.Read(buf[:])
		if err != nil || n == 0 {
			if !errors.Is(err, os.ErrClosed) {
				c.log.Warn("vhost-user kick fd failed; ring stopped", "ring", r.index, "err", err)
			}
			return
		}
	}
}

// serve runs one batch with the memory table acquired for it.
func (r *ring) serve(c *conn, q *virtq.Queue, w *cryptodev.Worker, faulted *bool) {
	mem := c.table.Acquire()
	if mem == nil {
		return
	}
	defer mem.Release()
	var notify bool
	var err error
	if r.control {
		notify, err = w.ServeControl(q, mem)
	} else {
		notify, err = w.ServeData(q, mem)
	}
	if err != nil {
		// The ring is unusable until the driver or the memory table fixes
		// it; report once per fault streak and keep waiting for kicks.
		if !*faulted {
			c.log.Warn("vhost-user ring fault", "ring", r.index, "err", err)
			r.signal(true)
			*faulted = true
		}
		notify = true // chains pushed before the fault may need it
	} else {
		*faulted = false
	}
	if notify {
		r.signal(false)
	}
}
