package vhostuser

import (
	"encoding/binary"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
)

var le = binary.LittleEndian

// Ring part offsets inside a queue area: descriptor table at 0, available
// ring and used ring each 64-byte aligned after it, buffer arena page
// aligned after them (2 spare bytes after each ring part keep the 32-bit
// words of the atomic index accessors inside the area).
func ringOffsets(size uint32) (avail, used, arena int) {
	n := int(size)
	avail = alignUp(16*n, 64)
	used = alignUp(avail+6+2*n+2, 64)
	arena = alignUp(used+6+8*n+2, pageSize)
	return
}

func alignUp(x, a int) int { return (x + a - 1) &^ (a - 1) }

func queueAreaSize(size uint32, arena int) int {
	_, _, a := ringOffsets(size)
	return a + alignUp(arena, pageSize)
}

// span is a guest buffer of a chain in flight.
type span struct{ off, n int }

// chainInfo is the driver's record of one chain in flight.
type chainInfo struct {
	active   bool
	seq      uint64   // allocation sequence number (see FrontendQueue.live)
	descs    []uint16 // main-table descriptors to free
	writable []span
}

// liveChain names a chain in allocation order: head and sequence number
// (a head is reused once its chain is reaped; the number tells them apart).
type liveChain struct {
	head  uint16
	seq   uint64
	start int // start of its arena block
}

// FrontendQueue is the driver side of one split virtqueue (virtio v1.4
// §2.7.13, §2.7.14) in a Frontend's guest memory, with its kick and call
// eventfds. It is used by one goroutine at a time; the backend serves it
// concurrently through shared memory.
type FrontendQueue struct {
	f      *Frontend
	index  int
	size   uint32
	mem    []byte // the region's guest memory
	gpa    uint64 // guest address of mem[0]
	va     func(int) uint64
	area   int // offset of the queue area in mem
	kick   int
	call   int
	closed bool

	descOff, availOff, usedOff, arenaOff, arenaLen int
	// The buffer arena is used as a ring: each chain takes one contiguous
	// block at arenaHead (wrapping to 0 when the block does not fit before
	// the end), and blocks are reclaimed in allocation order once their
	// chains are reaped (live is that order; a chain reaped out of order
	// keeps the blocks after the oldest live one reserved until then).
	arenaHead int
	live      []liveChain
	seq       uint64

	eventIdx, indirect bool
	noInterrupts       bool // SetInterrupts(false)

	free     []uint16
	chains   []chainInfo
	inflight int
	availIdx uint16 // next available index to publish
	kicked   uint16 // available index at the last Kick decision
	lastUsed uint16
	scratch  [][]byte
	offs     []int
	// Kicks counts the notifications Kick sent.
	Kicks int
	// Calls counts the used buffer notifications (call eventfd writes by
	// the backend) the queue has consumed: WaitUsed and ReadCalls add the
	// eventfd's counter to it each time they read it.
	Calls int
}

func newFrontendQueue(f *Frontend, index int, reg *frontRegion, area int) (*FrontendQueue, error) {
	q := &FrontendQueue{
		f: f, index: index, size: f.cfg.QueueSize, mem: reg.mem, gpa: reg.gpa, area: area,
		kick: -1, call: -1, eventIdx: f.cfg.EventIdx, indirect: f.cfg.Indirect,
	}
	q.va = func(off int) uint64 { return reg.va + uint64(off) }
	a, u, ar := ringOffsets(q.size)
	q.descOff, q.availOff, q.usedOff, q.arenaOff = area, area+a, area+u, area+ar
	q.arenaLen = alignUp(f.cfg.ArenaSize, pageSize)
	var err error
	if q.kick, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return nil, fmt.Errorf("vhostuser: eventfd: %w", err)
	}
	if q.call, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		unix.Close(q.kick)
		q.kick = -1
		return nil, fmt.Errorf("vhostuser: eventfd: %w", err)
	}
	q.chains = make([]chainInfo, q.size)
	q.reset()
	return q, nil
}

func (q *FrontendQueue) closeFDs() {
	if q.kick >= 0 {
		unix.Close(q.kick)
	}
	if q.call >= 0 {
		unix.Close(q.call)
	}
	q.kick, q.call, q.closed = -1, -1, true
}

// reset zeroes the rings and forgets every chain.
func (q *FrontendQueue) reset() {
	clear(q.mem[q.descOff:q.arenaOff])
	q.free = q.free[:0]
	for i := int(q.size) - 1; i >= 0; i-- {
		q.free = append(q.free, uint16(i))
	}
	for i := range q.chains {
		q.chains[i].active = false
	}
	q.inflight, q.availIdx, q.kicked, q.lastUsed, q.arenaHead = 0, 0, 0, 0, 0
	q.live = q.live[:0]
	var buf [8]byte
	unix.Read(q.call, buf[:])
}

// ReadCalls reads the call eventfd without blocking, adds what it counted
// to Calls and returns Calls.
func (q *FrontendQueue) ReadCalls() int {
	if q.closed {
		return q.Calls
	}
	q.readCall()
	return q.Calls
}

// readCall consumes the call eventfd's counter into Calls.
func (q *FrontendQueue) readCall() {
	var buf [8]byte
	if n, _ := unix.Read(q.call, buf[:]); n == len(buf) {
		q.Calls += int(ne.Uint64(buf[:]))
	}
}

// Index returns the ring index of the queue.
func (q *FrontendQueue) Index() int { return q.index }

// InFlight returns the number of chains made available and not yet reaped.
func (q *FrontendQueue) InFlight() int { return q.inflight }

// reserve returns the start (relative to the arena) of a contiguous block
// of n bytes of arena, free of every chain in flight, and advances the
// allocation head past it; n is a multiple of 16.
func (q *FrontendQueue) reserve(n int) (int, error) {
	// Reclaim the blocks of chains reaped in allocation order.
	i := 0
	for i < len(q.live) {
		l := q.live[i]
		if c := &q.chains[l.head]; c.active && c.seq == l.seq {
			break
		}
		i++
	}
	if i > 0 {
		q.live = append(q.live[:0], q.live[i:]...)
	}
	full := func() (int, error) {
		return 0, fmt.Errorf("%w: %d bytes of queue %d buffer memory (%d in flight)", ErrInvalidArg, n, q.index, q.inflight)
	}
	if n <= 0 || n > q.arenaLen {
		return full()
	}
	if len(q.live) == 0 {
		q.arenaHead = 0 // nothing in flight: start over
	}
	start := q.arenaHead
	if len(q.live) > 0 {
		tail := q.live[0].start
		// A block never ends where the oldest live one starts unless the
		// arena wrapped and is full, so start == tail means full.
		switch {
		case start > tail:
			// Free: [start, arenaLen) and [0, tail).
			if start+n > q.arenaLen {
				if n > tail {
					return full()
				}
				start = 0
			}
		default:
			// Wrapped: free is [start, tail).
			if start+n > tail {
				return full()
			}
		}
	} else if start+n > q.arenaLen {
		start = 0
	}
	q.arenaHead = start + n
	return start, nil
}

func (q *FrontendQueue) putDesc(tableOff, i int, off, n int, flags, next uint16) {
	d := q.mem[tableOff+16*i:]
	le.PutUint64(d, q.gpa+uint64(off))
	le.PutUint32(d[8:], uint32(n))
	le.PutUint16(d[12:], flags)
	le.PutUint16(d[14:], next)
}

// Add places a chain with one device-readable buffer per element of
// readable (holding a copy of it) followed by one zeroed device-writable
// buffer per element of writableLens, makes it available and returns its
// head. With FrontendConfig.Indirect the chain is one descriptor pointing
// to an indirect table. Add does not notify the backend: call Kick.
// Buffers must be non-empty. The chain's buffers take one block of the
// queue's arena, which is free again once the chain is reaped; when the
// arena (or the descriptor table) has no room, Add returns ErrInvalidArg
// and changes nothing.
func (q *FrontendQueue) Add(readable [][]byte, writableLens []int) (uint16, error) {
	if q.closed {
		return 0, ErrFrontendClosed
	}
	n := len(readable) + len(writableLens)
	if n == 0 || n > int(q.size) {
		return 0, fmt.Errorf("%w: chain of %d buffers", ErrInvalidArg, n)
	}
	need := n
	if q.indirect {
		need = 1
	}
	if len(q.free) < need {
		return 0, fmt.Errorf("%w: queue %d has %d free descriptors", ErrInvalidArg, q.index, len(q.free))
	}
	// One arena block for the whole chain: the indirect table, then each
	// buffer, 16-byte aligned.
	total := 0
	if q.indirect {
		total += alignUp(16*n, 16)
	}
	for _, b := range readable {
		if len(b) == 0 || len(b) > q.arenaLen {
			return 0, fmt.Errorf("%w: buffer of %d bytes", ErrInvalidArg, len(b))
		}
		total += alignUp(len(b), 16)
	}
	for _, l := range writableLens {
		if l <= 0 || l > q.arenaLen {
			return 0, fmt.Errorf("%w: buffer of %d bytes", ErrInvalidArg, l)
		}
		total += alignUp(l, 16)
	}
	if total > q.arenaLen {
		return 0, fmt.Errorf("%w: chain of %d bytes, queue %d has %d bytes of buffer memory", ErrInvalidArg, total, q.index, q.arenaLen)
	}
	start, err := q.reserve(total)
	if err != nil {
		return 0, err
	}
	next := q.arenaOff + start
	take := func(l int) int {
		off := next
		next += alignUp(l, 16)
		return off
	}
	tableOff := q.descOff
	if q.indirect {
		tableOff = take(16 * n)
	}
	offs := q.offs[:0]
	for _, b := range readable {
		offs = append(offs, take(len(b)))
	}
	for _, l := range writableLens {
		offs = append(offs, take(l))
	}
	q.offs = offs
	// Take descriptors: the head, plus the rest for a direct chain.
	head := q.free[len(q.free)-1]
	ch := &q.chains[head]
	ch.descs = append(ch.descs[:0], q.free[len(q.free)-need:]...)
	q.free = q.free[:len(q.free)-need]
	// The head must be the first descriptor of the chain.
	idx := ch.descs
	for i, d := range idx {
		if d == head {
			idx[0], idx[i] = idx[i], idx[0]
			break
		}
	}
	ch.active = true
	q.seq++
	ch.seq = q.seq
	q.live = append(q.live, liveChain{head: head, seq: q.seq, start: start})
	ch.writable = ch.writable[:0]
	for i := range n {
		var flags uint16
		var buflen int
		if i < len(readable) {
			buflen = len(readable[i])
			copy(q.mem[offs[i]:], readable[i])
		} else {
			buflen = writableLens[i-len(readable)]
			clear(q.mem[offs[i] : offs[i]+buflen])
			flags |= virtio.DescFWrite
			ch.writable = append(ch.writable, span{offs[i], buflen})
		}
		var next uint16
		if i+1 < n {
			flags |= virtio.DescFNext
			next = uint16(i + 1)
			if !q.indirect {
				next = idx[i+1]
			}
		}
		if q.indirect {
			q.putDesc(tableOff, i, offs[i], buflen, flags, next)
		} else {
			q.putDesc(q.descOff, int(idx[i]), offs[i], buflen, flags, next)
		}
	}
	if q.indirect {
		q.putDesc(q.descOff, int(head), tableOff, 16*n, virtio.DescFIndirect, 0)
	}
	// Publish: ring entry, then the index with release ordering.
	le.PutUint16(q.mem[q.availOff+4+2*int(uint32(q.availIdx)%q.size):], head)
	q.availIdx++
	if err := guestmem.StoreU16Release(q.mem, q.availOff+2, q.availIdx); err != nil {
		return 0, err
	}
	q.inflight++
	return head, nil
}

// Kick notifies the backend (writes the kick eventfd) if the chains made
// available since the previous Kick need it: with EventIdx when
// avail_event lies in that range (vring_need_event), otherwise when the
// used ring's NO_NOTIFY flag is clear. It reports whether it notified.
func (q *FrontendQueue) Kick() bool {
	if q.closed {
		return false
	}
	old, cur := q.kicked, q.availIdx
	q.kicked = cur
	if old == cur {
		return false
	}
	var need bool
	if q.eventIdx {
		ev, err := guestmem.LoadU16Acquire(q.mem, q.usedOff+4+8*int(q.size))
		need = err != nil || uint16(cur-ev-1) < uint16(cur-old)
	} else {
		flags, err := guestmem.LoadU16Acquire(q.mem, q.usedOff)
		need = err != nil || flags&virtio.UsedFNoNotify == 0
	}
	if need {
		unix.Write(q.kick, eventValue[:])
		q.Kicks++
	}
	return need
}

// Submit is Add followed by Kick.
func (q *FrontendQueue) Submit(readable [][]byte, writableLens []int) (uint16, error) {
	h, err := q.Add(readable, writableLens)
	if err == nil {
		q.Kick()
	}
	return h, err
}

// Call submits one request and waits for its completion: the readable
// buffers and writable lengths as for Submit, except that empty buffers
// and zero lengths are left out (so that a request's optional parts, such
// as an empty IV or an AKCIPHER verify's missing dst, can be passed as
// they are). The queue must have no other chain in flight. It returns the
// used length and the chain's writable bytes (the status is the last one).
func (q *FrontendQueue) Call(readable [][]byte, writableLens []int) (Completion, error) {
	if q.inflight != 0 {
		return Completion{}, fmt.Errorf("%w: queue %d has %d chains in flight", ErrInvalidArg, q.index, q.inflight)
	}
	var r [][]byte
	for _, b := range readable {
		if len(b) > 0 {
			r = append(r, b)
		}
	}
	var w []int
	for _, n := range writableLens {
		if n > 0 {
			w = append(w, n)
		}
	}
	if _, err := q.Submit(r, w); err != nil {
		return Completion{}, err
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		return Completion{}, err
	}
	if len(cs) != 1 {
		return Completion{}, fmt.Errorf("%w: %d completions for one request", ErrBadReply, len(cs))
	}
	return cs[0], nil
}

func (q *FrontendQueue) usedIdx() uint16 {
	v, _ := guestmem.LoadU16Acquire(q.mem, q.usedOff+2)
	return v
}

// Reap calls fn for every used element published since the last Reap, in
// ring order, with the chain's writable buffers (aliasing guest memory,
// valid during the call), and frees the chains. It returns the number of
// elements, or an error if the backend used a head that is not in flight.
func (q *FrontendQueue) Reap(fn func(head uint16, usedLen uint32, writable [][]byte)) (int, error) {
	if q.closed {
		return 0, ErrFrontendClosed
	}
	end := q.usedIdx()
	n := 0
	for q.lastUsed != end {
		e := q.mem[q.usedOff+4+8*int(uint32(q.lastUsed)%q.size):]
		id, ln := le.Uint32(e), le.Uint32(e[4:])
		if id >= q.size || !q.chains[id].active {
			return n, fmt.Errorf("%w: used id %d is not in flight", ErrBadReply, id)
		}
		ch := &q.chains[id]
		q.scratch = q.scratch[:0]
		for _, s := range ch.writable {
			q.scratch = append(q.scratch, q.mem[s.off:s.off+s.n])
		}
		if fn != nil {
			fn(uint16(id), ln, q.scratch)
		}
		ch.active = false
		for _, d := range ch.descs {
			q.free = append(q.free, d)
		}
		q.inflight--
		q.lastUsed++
		n++
	}
	if q.eventIdx && !q.noInterrupts {
		// Ask for a notification at the next used buffer.
		guestmem.StoreU16Release(q.mem, q.availOff+4+2*int(q.size), q.lastUsed)
	}
	return n, nil
}

// Pending reports whether the used ring holds elements not yet reaped.
func (q *FrontendQueue) Pending() bool {
	return !q.closed && q.usedIdx() != q.lastUsed
}

// SetInterrupts chooses whether the driver asks for used buffer
// notifications (true, the default) or polls the used ring with Pending
// and Reap, as DPDK's virtio drivers do (false). Off, with EventIdx, Reap
// stops moving used_event, which is left one entry behind the next used
// index (the backend then has no reason to signal for the next 65535
// buffers); without EventIdx, VIRTQ_AVAIL_F_NO_INTERRUPT is set (§2.7.7).
// WaitUsed still works with notifications off, but it asks for one while
// it waits.
func (q *FrontendQueue) SetInterrupts(on bool) {
	if q.closed {
		return
	}
	q.noInterrupts = !on
	var flags uint16
	if !on {
		flags = virtio.AvailFNoInterrupt
	}
	if !q.eventIdx {
		guestmem.StoreU16Release(q.mem, q.availOff, flags)
		return
	}
	ev := q.lastUsed
	if !on {
		ev--
	}
	guestmem.StoreU16Release(q.mem, q.availOff+4+2*int(q.size), ev)
}

// WaitUsed blocks until the used ring holds elements not yet reaped, or
// the Frontend's timeout passes (ErrTimeout). It sleeps on the call
// eventfd after re-checking the used ring (§2.7.14).
func (q *FrontendQueue) WaitUsed() error {
	deadline := time.Now().Add(q.f.cfg.Timeout)
	if q.noInterrupts && !q.closed {
		// Ask for a notification while waiting, and for none after.
		if !q.eventIdx {
			guestmem.StoreU16Release(q.mem, q.availOff, 0)
		}
		defer func() {
			if !q.closed {
				q.SetInterrupts(false)
			}
		}()
	}
	for {
		if q.closed {
			return ErrFrontendClosed
		}
		if q.usedIdx() != q.lastUsed {
			return nil
		}
		if q.eventIdx {
			guestmem.StoreU16Release(q.mem, q.availOff+4+2*int(q.size), q.lastUsed)
			if q.usedIdx() != q.lastUsed {
				return nil
			}
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%w: queue %d: no completion", ErrTimeout, q.index)
		}
		fds := []unix.PollFd{{Fd: int32(q.call), Events: unix.POLLIN}}
		_, err := unix.Poll(fds, int(min(left, 100*time.Millisecond)/time.Millisecond)+1)
		if err != nil && err != unix.EINTR {
			return fmt.Errorf("vhostuser: poll: %w", err)
		}
		q.readCall()
	}
}

// Completion is one used element collected by Wait.
type Completion struct {
	Head uint16
	// Len is the used length the backend reported.
	Len uint32
	// Writable is a copy of all the chain's writable bytes, in chain order.
	Writable []byte
}

// Wait blocks until at least one chain completes (or ErrTimeout) and
// returns every completion available.
func (q *FrontendQueue) Wait() ([]Completion, error) {
	if err := q.WaitUsed(); err != nil {
		return nil, err
	}
	var out []Completion
	_, err := q.Reap(func(head uint16, n uint32, w [][]byte) {
		c := Completion{Head: head, Len: n}
		for _, b := range w {
			c.Writable = append(c.Writable, b...)
		}
		out = append(out, c)
	})
	return out, err
}

// WaitAll waits until n completions were collected and returns them in
// completion order.
func (q *FrontendQueue) WaitAll(n int) ([]Completion, error) {
	var out []Completion
	for len(out) < n {
		c, err := q.Wait()
		out = append(out, c...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
