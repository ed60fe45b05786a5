package virtq

import (
	"encoding/binary"
	"math"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
)

// Config describes a split virtqueue as the transport set it up (vhost-user
// SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ADDR). The rings' 16-bit indices
// are accessed as aligned 32-bit words: the 2 bytes before an available ring
// at 2 mod 4 and the 2 bytes after each ring must lie in the same guest
// memory region as the ring (always true for page-aligned regions), and the
// region's host mapping must preserve 4-byte alignment.
type Config struct {
	// Size is the queue size: a power of 2 from 1 to 32768 (§2.7).
	Size uint32
	// DescGPA, AvailGPA and UsedGPA are the guest-physical addresses of
	// the descriptor table (16-byte aligned), available ring (2-byte
	// aligned) and used ring (4-byte aligned) (§2.7).
	DescGPA, AvailGPA, UsedGPA uint64
	// NextAvail is the available ring index the device reads next.
	NextAvail uint16
	// NextUsed is the used ring index the device writes next. At most Size
	// chains may be in flight: NextAvail-NextUsed (mod 2^16) <= Size.
	NextUsed uint16
	// EventIdx selects used_event for the used buffer notification
	// decision (VIRTIO_F_EVENT_IDX known to be negotiated). avail_event is
	// written either way.
	EventIdx bool
}

// Queue is the device side of one split virtqueue. It is not safe for
// concurrent use; see the package documentation for ownership.
type Queue struct {
	size                       uint16 // 1..32768
	descGPA, availGPA, usedGPA uint64
	eventIdx                   bool

	nextAvail   uint16
	nextUsed    uint16
	availShadow uint16 // the last available index read from the ring
	signalled   uint16 // nextUsed at the last NeedsNotify
	inflight    uint16 // popped and not yet pushed
	usedFlags   uint16 // the device's value of used->flags
	staged      bool   // used elements written but used->idx not yet published

	// Ring views for mem, resolved once per Memory.
	mem   *guestmem.Memory
	desc  []byte
	avail []byte // starts at AvailGPA rounded down to 4 bytes
	used  []byte // starts at UsedGPA
	aoff  int    // offset of avail->flags in avail (0 or 2)
}

// New returns a Queue for cfg, or ErrInvalidConfig. It does not touch guest
// memory: ring addresses are resolved on first use against the Memory
// passed in.
func New(cfg Config) (*Queue, error) {
	if !virtio.ValidQueueSize(cfg.Size) ||
		cfg.DescGPA%virtio.DescTableAlign != 0 ||
		cfg.AvailGPA%virtio.AvailRingAlign != 0 ||
		cfg.UsedGPA%virtio.UsedRingAlign != 0 ||
		cfg.DescGPA > math.MaxUint64-virtio.DescTableSize(cfg.Size) ||
		cfg.AvailGPA > math.MaxUint64-(virtio.AvailRingSize(cfg.Size)+4) ||
		cfg.UsedGPA > math.MaxUint64-(virtio.UsedRingSize(cfg.Size)+4) ||
		uint32(cfg.NextAvail-cfg.NextUsed) > cfg.Size {
		return nil, ErrInvalidConfig
	}
	return &Queue{
		size:        uint16(cfg.Size),
		descGPA:     cfg.DescGPA,
		availGPA:    cfg.AvailGPA,
		usedGPA:     cfg.UsedGPA,
		eventIdx:    cfg.EventIdx,
		nextAvail:   cfg.NextAvail,
		nextUsed:    cfg.NextUsed,
		availShadow: cfg.NextAvail,
		signalled:   cfg.NextUsed,
		inflight:    cfg.NextAvail - cfg.NextUsed,
	}, nil
}

// Size returns the queue size.
func (q *Queue) Size() uint32 { return uint32(q.size) }

// NextAvail returns the index of the next available ring entry the device
// will read (vhost-user GET_VRING_BASE reports it).
func (q *Queue) NextAvail() uint16 { return q.nextAvail }

// NextUsed returns the index of the next used ring entry the device will
// write; the used ring's idx field holds the same value.
func (q *Queue) NextUsed() uint16 { return q.nextUsed }

// InFlight returns the number of chains popped and not yet pushed.
func (q *Queue) InFlight() int { return int(q.inflight) }

// EventIdx reports whether NeedsNotify uses used_event.
func (q *Queue) EventIdx() bool { return q.eventIdx }

// SetEventIdx selects used_event (true) or the available ring flags (false)
// for NeedsNotify.
func (q *Queue) SetEventIdx(on bool) { q.eventIdx = on }

// Offsets inside the ring views.
func (q *Queue) availIdxOff() int          { return q.aoff + 2 }
func (q *Queue) availRingOff(i uint16) int { return q.aoff + 4 + 2*int(i&(q.size-1)) }
func (q *Queue) usedEventOff() int         { return q.aoff + 4 + 2*int(q.size) }
func (q *Queue) usedElemOff(i uint16) int  { return 4 + virtio.UsedElemSize*int(i&(q.size-1)) }
func (q *Queue) availEventOff() int        { return 4 + virtio.UsedElemSize*int(q.size) }

// bind resolves the ring views in mem. The available and used ring views
// are padded to whole aligned 32-bit words so that the 16-bit indices can
// be accessed atomically (see guestmem.LoadU16Acquire). On failure the
// queue keeps no view, so the next call resolves again.
func (q *Queue) bind(mem *guestmem.Memory) error {
	if mem == nil {
		return ErrNoMemory
	}
	if mem == q.mem {
		return nil
	}
	q.mem, q.desc, q.avail, q.used = nil, nil, nil, nil
	size := uint32(q.size)
	desc, err := mem.Slice(q.descGPA, virtio.DescTableSize(size))
	if err != nil {
		return ErrRingAddress
	}
	aStart := q.availGPA &^ 3
	aEnd := (q.availGPA + virtio.AvailRingSize(size) + 3) &^ 3
	avail, err := mem.Slice(aStart, aEnd-aStart)
	if err != nil {
		return ErrRingAddress
	}
	uEnd := (q.usedGPA + virtio.UsedRingSize(size) + 3) &^ 3
	used, err := mem.Slice(q.usedGPA, uEnd-q.usedGPA)
	if err != nil {
		return ErrRingAddress
	}
	// Probe every word the queue accesses atomically: host alignment is
	// known only now.
	aoff := int(q.availGPA - aStart)
	for _, off := range []int{aoff, aoff + 2, aoff + 4 + 2*int(size)} { // flags, idx, used_event
		if _, err := guestmem.LoadU16Acquire(avail, off); err != nil {
			return ErrRingAddress
		}
	}
	if _, err := guestmem.LoadU32Acquire(used, 0); err != nil { // flags and idx
		return ErrRingAddress
	}
	if _, err := guestmem.LoadU16Acquire(used, 4+virtio.UsedElemSize*int(size)); err != nil { // avail_event
		return ErrRingAddress
	}
	q.mem, q.desc, q.avail, q.used, q.aoff = mem, desc, avail, used, aoff
	return nil
}

func (q *Queue) loadAvailIdx() (uint16, error) {
	// §2.7.13.3.1: the driver publishes idx after the ring entries and
	// descriptors; acquire here orders our reads of them after it.
	v, err := guestmem.LoadU16Acquire(q.avail, q.availIdxOff())
	if err != nil {
		return 0, ErrRingAddress
	}
	return v, nil
}

// setAvailEvent writes avail_event = next_avail (§2.7.10): the driver
// kicks when it makes entry next_avail available.
func (q *Queue) setAvailEvent() error {
	if err := guestmem.StoreU16Release(q.used, q.availEventOff(), q.nextAvail); err != nil {
		return ErrRingAddress
	}
	return nil
}

// storeUsedWord publishes used->flags and used->idx, both device-owned, in
// one release store (§2.7.8.2: elements before idx).
func (q *Queue) storeUsedWord() error {
	if err := guestmem.StoreU32Release(q.used, 0, uint32(q.usedFlags)|uint32(q.nextUsed)<<16); err != nil {
		return ErrRingAddress
	}
	return nil
}

// storeUsedFlags writes used->flags alone (the used index keeps whatever
// the last Push published).
func (q *Queue) storeUsedFlags() error {
	if err := guestmem.StoreU16Release(q.used, 0, q.usedFlags); err != nil {
		return ErrRingAddress
	}
	return nil
}

// Pop takes the next available chain and validates it into c (whose
// previous contents are discarded). Outcomes:
//
//	ok     err                 meaning and what the caller does
//	true   nil                 c is valid: serve it, then Push(c.Head(), n)
//	true   matches ErrChain    malformed chain, c.Head() valid, c empty:
//	                           Push(c.Head(), 0) and go on (or first write a
//	                           status where c.ErrorStatus points)
//	false  nil                 nothing available
//	false  ErrBadHead          an out-of-range entry was skipped: go on
//	false  matches ErrRing     nothing consumed: end the batch; the ring is
//	                           unusable until the driver or transport fixes
//	                           it (ErrTooManyInFlight: until chains are pushed)
//
// When it finds the ring empty, Pop writes avail_event and checks the
// available index once more before reporting it empty.
func (q *Queue) Pop(mem *guestmem.Memory, c *Chain) (bool, error) {
	if c == nil {
		return false, ErrNoChain
	}
	c.reset()
	if err := q.bind(mem); err != nil {
		return false, err
	}
	if q.nextAvail == q.availShadow {
		idx, err := q.loadAvailIdx()
		if err != nil {
			return false, err
		}
		if idx == q.nextAvail {
			if err := q.setAvailEvent(); err != nil {
				return false, err
			}
			if idx, err = q.loadAvailIdx(); err != nil || idx == q.nextAvail {
				return false, err
			}
		}
		// §2.7.13: at most Size entries can be outstanding; anything
		// else (including a decrement) is a broken or hostile driver.
		if uint32(idx-q.nextAvail) > uint32(q.size) {
			return false, ErrAvailIndex
		}
		q.availShadow = idx
	}
	// An honest driver has at most Size chains out (one descriptor each at
	// least); more means it re-offered heads that are still in flight.
	if uint32(q.inflight) >= uint32(q.size) {
		return false, ErrTooManyInFlight
	}
	head := binary.LittleEndian.Uint16(q.avail[q.availRingOff(q.nextAvail):])
	q.nextAvail++
	if head >= q.size {
		return false, ErrBadHead
	}
	q.inflight++
	c.head = head
	if err := q.walk(mem, c, head); err != nil {
		c.reset()
		c.head = head
		q.findStatus(mem, c, head)
		return true, err
	}
	c.r = Reader{segs: c.segs[:c.nread], rem: c.rlen}
	c.w = Writer{segs: c.segs[c.nread:], rem: c.wlen}
	return true, nil
}

// maxChainBytes is the largest total length of a chain (§2.7.5.2: at most
// 2^32 bytes; used lengths are 32-bit), limited to what an int holds.
const maxChainBytes = min(math.MaxUint32, math.MaxInt)

// MinChainLimit is the fewest descriptors a chain (and an indirect table)
// may have on any queue: chains are accepted up to max(queue size,
// MinChainLimit) buffer descriptors.
//
// §2.7.5.3.1 says a driver MUST NOT create a chain longer than the queue
// size, but Linux's virtio_crypto does for large requests on small rings
// (it puts one indirect entry per scatterlist entry, and a 64 KiB AF_ALG
// request on a 64-entry ring exceeds it), and QEMU's own devices accept up
// to VIRTQUEUE_MAX_SIZE (1024) buffers per chain whatever the ring size. A
// device that refused them would fail requests that every QEMU device
// serves; the bound still keeps each walk short.
const MinChainLimit = 1024

// chainLimit is the most buffer descriptors, and indirect table entries, a
// chain of q may have.
func (q *Queue) chainLimit() uint32 { return max(uint32(q.size), MinChainLimit) }

// walk follows the chain starting at head, reading each descriptor once.
func (q *Queue) walk(mem *guestmem.Memory, c *Chain, head uint16) error {
	table := q.desc
	n := uint32(q.size) // entries in table
	i := uint32(head)
	ttl := q.chainLimit() // buffer descriptors left (§2.7.5.3.1 and MinChainLimit)
	indirect := false
	writable := false
	total := 0
	for {
		if i >= n {
			return ErrNextIndex
		}
		d := table[16*i : 16*i+16]
		addr := binary.LittleEndian.Uint64(d[0:8])
		length := binary.LittleEndian.Uint32(d[8:12])
		flags := binary.LittleEndian.Uint16(d[12:14])
		next := binary.LittleEndian.Uint16(d[14:16])

		if flags&virtio.DescFIndirect != 0 {
			// §2.7.5.3.1: one table per chain, no NEXT on the
			// descriptor that points to it; its WRITE flag is
			// ignored (§2.7.5.3.2).
			if indirect {
				return ErrNestedIndirect
			}
			if flags&virtio.DescFNext != 0 {
				return ErrIndirectNext
			}
			if length == 0 || length%virtio.DescSize != 0 || length/virtio.DescSize > q.chainLimit() {
				return ErrIndirectTable
			}
			t, err := mem.Slice(addr, uint64(length))
			if err != nil {
				return ErrDescAddress
			}
			table, n, i, indirect = t, length/virtio.DescSize, 0, true
			c.indirect = true
			continue
		}

		if ttl == 0 {
			return ErrChainTooLong
		}
		ttl--
		if length == 0 {
			// A zero-length buffer carries nothing: skip it, keeping
			// only its place in the readable-then-writable order. Linux
			// sends them (an AF_ALG read split in two leaves an empty
			// scatterlist entry), and the device "MUST NOT make
			// assumptions about the particular arrangement of
			// descriptors" (§2.7.4 Message Framing).
			if flags&virtio.DescFWrite != 0 {
				writable = true
			} else if writable {
				return ErrReadAfterWrite
			}
			if flags&virtio.DescFNext == 0 {
				return nil
			}
			i = uint32(next)
			continue
		}
		if uint64(length) > uint64(maxChainBytes-total) {
			return ErrChainTooBig
		}
		total += int(length)
		b, err := mem.Slice(addr, uint64(length))
		if err != nil {
			return ErrDescAddress
		}
		if flags&virtio.DescFWrite != 0 {
			writable = true
			c.wlen += int(length)
		} else {
			if writable {
				return ErrReadAfterWrite
			}
			c.nread++
			c.rlen += int(length)
		}
		c.segs = append(c.segs, b)
		if flags&virtio.DescFNext == 0 {
			return nil
		}
		i = uint32(next)
	}
}

// statusSearchLimit bounds findStatus: descriptors per table (and so steps)
// it follows looking for a malformed chain's end. 2^16 is the largest ring.
const statusSearchLimit = 1 << 16

// findStatus walks a malformed chain again with the rules relaxed, only to
// find where its status byte would be (Chain.ErrorStatus). It stops, giving
// up, at anything that prevents reaching the chain's end.
func (q *Queue) findStatus(mem *guestmem.Memory, c *Chain, head uint16) {
	table, n, i, indirect := q.desc, uint32(q.size), uint32(head), false
	var last []byte
	wlen := 0
	// The relaxed walk goes further than walk's limit so that a chain
	// refused only for its length still gets its ERR status: a guest
	// whose status byte stays zero would read the request as OK.
	for steps := 0; steps <= 2*statusSearchLimit+1; steps++ {
		if i >= n {
			return
		}
		d := table[virtio.DescSize*int(i) : virtio.DescSize*int(i)+virtio.DescSize]
		addr := binary.LittleEndian.Uint64(d[0:8])
		length := binary.LittleEndian.Uint32(d[8:12])
		flags := binary.LittleEndian.Uint16(d[12:14])
		next := binary.LittleEndian.Uint16(d[14:16])
		if flags&virtio.DescFIndirect != 0 {
			if indirect || flags&virtio.DescFNext != 0 || length == 0 || length%virtio.DescSize != 0 || length/virtio.DescSize > statusSearchLimit {
				return
			}
			t, err := mem.Slice(addr, uint64(length))
			if err != nil {
				return
			}
			table, n, i, indirect = t, length/virtio.DescSize, 0, true
			continue
		}
		last = nil
		if flags&virtio.DescFWrite != 0 && length > 0 && addr <= ^uint64(0)-uint64(length) {
			if _, err := mem.Slice(addr, uint64(length)); err == nil {
				last, _ = mem.Slice(addr+uint64(length)-1, 1)
				wlen = min(wlen+int(length), maxChainBytes)
			}
		}
		if flags&virtio.DescFNext == 0 {
			if last != nil {
				c.errStatus, c.errWLen = last[:1:1], wlen
			}
			return
		}
		i = uint32(next)
	}
}

// Push returns the chain with the given head to the driver: it writes the
// used element {head, usedLen} and then publishes the new used index with
// release ordering (§2.7.8.2). usedLen is the number of bytes the device
// wrote from the start of the chain's writable part; the caller keeps it no
// larger than the chain's WritableLen. A head outside the table, or a push
// with no chain in flight, returns ErrNotInFlight and writes nothing.
func (q *Queue) Push(mem *guestmem.Memory, head uint16, usedLen uint32) error {
	if err := q.Stage(mem, head, usedLen); err != nil {
		return err
	}
	return q.Publish(mem)
}

// Stage is Push without publishing the used index: the element is written
// but the driver does not see it until Publish (or a Push, NeedsNotify or
// EnableNotification, which publish first). A batch that stages its
// completions and publishes once stores to the used-index cache line once
// instead of once per chain.
func (q *Queue) Stage(mem *guestmem.Memory, head uint16, usedLen uint32) error {
	if head >= q.size || q.inflight == 0 {
		return ErrNotInFlight
	}
	if err := q.bind(mem); err != nil {
		return err
	}
	off := q.usedElemOff(q.nextUsed)
	binary.LittleEndian.PutUint32(q.used[off:], uint32(head))
	binary.LittleEndian.PutUint32(q.used[off+4:], usedLen)
	q.nextUsed++
	q.inflight--
	q.staged = true
	return nil
}

// Publish makes every staged used element visible to the driver (one
// release store of the used index, §2.7.8.2).
func (q *Queue) Publish(mem *guestmem.Memory) error {
	if !q.staged {
		return nil
	}
	if err := q.bind(mem); err != nil {
		return err
	}
	if err := q.storeUsedWord(); err != nil {
		return err
	}
	q.staged = false
	return nil
}

// NeedsNotify reports whether the driver asked for a used buffer
// notification for the chains pushed since the previous call (§2.7.7):
// with EventIdx, whether used_event lies in that range (the
// vring_need_event rule: (u16)(new - used_event - 1) < (u16)(new - old));
// otherwise whether VIRTQ_AVAIL_F_NO_INTERRUPT is clear. It returns false
// when nothing was pushed. Call it once per batch, after the pushes.
func (q *Queue) NeedsNotify(mem *guestmem.Memory) (bool, error) {
	if err := q.Publish(mem); err != nil {
		return false, err
	}
	if err := q.bind(mem); err != nil {
		return false, err
	}
	old, cur := q.signalled, q.nextUsed
	if old == cur {
		return false, nil
	}
	// The used index store (sequentially consistent) precedes these loads.
	var need bool
	if q.eventIdx {
		ev, err := guestmem.LoadU16Acquire(q.avail, q.usedEventOff())
		if err != nil {
			return false, ErrRingAddress
		}
		need = cur-ev-1 < cur-old
	} else {
		flags, err := guestmem.LoadU16Acquire(q.avail, q.aoff)
		if err != nil {
			return false, ErrRingAddress
		}
		need = flags&virtio.AvailFNoInterrupt == 0
	}
	q.signalled = cur
	return need, nil
}

// EnableNotification asks the driver to kick for new buffers: it clears
// VIRTQ_USED_F_NO_NOTIFY and sets avail_event to next_avail (§2.7.10), then
// re-reads the available index. It returns true when buffers are already
// available: the caller must keep popping, since the driver may have added
// them before it could see the request and will not kick for them. The
// flags are written every time, so a stale value left in guest memory (by a
// previous backend) cannot silence the driver.
func (q *Queue) EnableNotification(mem *guestmem.Memory) (bool, error) {
	if err := q.Publish(mem); err != nil {
		return false, err
	}
	if err := q.bind(mem); err != nil {
		return false, err
	}
	q.usedFlags = 0
	if err := q.storeUsedFlags(); err != nil {
		return false, err
	}
	if err := q.setAvailEvent(); err != nil {
		return false, err
	}
	idx, err := q.loadAvailIdx()
	if err != nil {
		return false, err
	}
	return idx != q.nextAvail, nil
}

// DisableNotification asks the driver not to kick while the device is
// polling: without EventIdx it sets VIRTQ_USED_F_NO_NOTIFY; with EventIdx
// the flags must stay 0 (§2.7.10) and avail_event simply stays where it
// was. Notifications are advisory: the driver may kick anyway.
func (q *Queue) DisableNotification(mem *guestmem.Memory) error {
	if err := q.bind(mem); err != nil {
		return err
	}
	if q.eventIdx {
		return nil
	}
	q.usedFlags = virtio.UsedFNoNotify
	return q.storeUsedFlags()
}
