// Package virtqtest is the driver side of a split virtqueue (virtio v1.4
// §2.7.13 "Supplying Buffers to The Device", §2.7.14 "Receiving Used
// Buffers From The Device"), for tests and benchmarks of device code.
//
// A Driver owns a []byte-backed guestmem.Memory holding the three ring parts
// and a buffer area with a small allocator. Add places a chain (direct, or
// through an indirect table), publishes it and lets Kick decide whether a
// real driver would notify the device (avail_event or VIRTQ_USED_F_NO_NOTIFY,
// counted in Kicks). Used and Reap collect completions. EnableInterrupts and
// DisableInterrupts drive used_event or VIRTQ_AVAIL_F_NO_INTERRUPT. Raw
// hooks (WriteDesc, ReserveDescs, PublishHead, SetAvailIdx, Alloc) build
// hostile chains: loops, bad addresses, bad indices.
//
// A Driver is not safe for concurrent use: one goroutine plays the driver
// while another may run the device on Memory(). All ring indices shared
// with the device use guestmem's atomic accessors, so the race detector
// checks the device's memory ordering in such tests.
package virtqtest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtq"
)

// Errors returned by the Driver.
var (
	// ErrFull: not enough free descriptors or buffer memory for the chain.
	ErrFull = errors.New("virtqtest: queue or buffer memory full")
	// ErrInvalid: invalid configuration or arguments.
	ErrInvalid = errors.New("virtqtest: invalid argument")
	// ErrDevice: the device broke a rule the driver can see (a used id that
	// is not in flight, a used index that ran ahead).
	ErrDevice = errors.New("virtqtest: device misbehaved")
)

// Config describes the driver's queue and memory.
type Config struct {
	// Size is the queue size (power of 2, at most 32768). Default 256.
	Size uint32
	// MemSize is the size of guest memory in bytes, rings included.
	// Default 1 MiB.
	MemSize int
	// GPA is the guest-physical address of the memory (4 KiB aligned).
	GPA uint64
	// EventIdx: the driver negotiated VIRTIO_F_EVENT_IDX and uses
	// avail_event and used_event.
	EventIdx bool
	// Indirect: Add puts every chain into an indirect table (can be
	// changed later through the Driver's Indirect field).
	Indirect bool
	// MisalignAvail places the available ring at an address that is 2 mod
	// 4 (allowed by §2.7). Ring entries then share a 32-bit word with the
	// index: use it only when driver and device run on one goroutine.
	MisalignAvail bool
	// StartIndex is the initial available and used index (as if the queue
	// had already served that many chains), to test index wrap-around.
	StartIndex uint16
}

// Desc is one virtq_desc as the driver writes it.
type Desc struct {
	Addr  uint64
	Len   uint32
	Flags uint16
	Next  uint16
}

// Completion is one used element collected by Used.
type Completion struct {
	Head uint16
	// Len is the used length the device reported.
	Len uint32
	// Writable is a copy of all the chain's writable bytes (not only the
	// first Len), nil for chains published with PublishHead.
	Writable []byte
}

type span struct {
	gpa uint64
	n   int
}

type chainInfo struct {
	posted   bool // allocated by Add or PublishHead, not freed
	inflight bool // made available, not yet seen in the used ring
	descs    []uint16
	bufs     []span // every buffer allocation, indirect table included
	writable []span
}

// Driver is the driver side of one split virtqueue.
type Driver struct {
	// Indirect: Add puts chains into indirect tables.
	Indirect bool
	// Kicks counts the notifications Kick decided to send.
	Kicks int

	cfg                        Config
	size                       uint16
	mem                        *guestmem.Memory
	buf                        []byte
	descGPA, availGPA, usedGPA uint64
	desc, avail, used          []byte // avail starts 4-aligned; aoff is the ring's offset
	aoff                       int

	availFlags uint16
	availIdx   uint16 // next entry the driver writes
	kickedAt   uint16 // availIdx at the last Kick
	lastUsed   uint16 // next used entry to read
	freeDescs  []uint16
	chains     []chainInfo
	heap       heap
}

// heap is a size-class allocator over the buffer area.
type heap struct {
	next, end uint64
	free      [64][]uint64
}

func class(n int) int { return max(4, bits.Len(uint(n-1))) }

func (h *heap) alloc(n int) (uint64, error) {
	if n <= 0 {
		return 0, ErrInvalid
	}
	c := class(n)
	if l := h.free[c]; len(l) > 0 {
		h.free[c] = l[:len(l)-1]
		return l[len(l)-1], nil
	}
	sz := uint64(1) << c
	if h.end-h.next < sz {
		return 0, ErrFull
	}
	g := h.next
	h.next += sz
	return g, nil
}

func (h *heap) release(s span) { c := class(s.n); h.free[c] = append(h.free[c], s.gpa) }

func align(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// New returns a Driver with empty rings: flags 0, indices at StartIndex.
func New(cfg Config) (*Driver, error) {
	if cfg.Size == 0 {
		cfg.Size = 256
	}
	if cfg.MemSize == 0 {
		cfg.MemSize = 1 << 20
	}
	if !virtio.ValidQueueSize(cfg.Size) || cfg.GPA%4096 != 0 || cfg.MemSize < 0 {
		return nil, ErrInvalid
	}
	d := &Driver{Indirect: cfg.Indirect, cfg: cfg, size: uint16(cfg.Size)}
	// Layout: descriptor table, available ring, used ring, each on a
	// 64-byte boundary so that the words around the indices hold nothing
	// else; then the buffer area.
	d.descGPA = cfg.GPA
	d.availGPA = align(d.descGPA+virtio.DescTableSize(cfg.Size), 64)
	if cfg.MisalignAvail {
		d.availGPA += 2
	}
	d.usedGPA = align(d.availGPA+virtio.AvailRingSize(cfg.Size)+4, 64)
	heapStart := align(d.usedGPA+virtio.UsedRingSize(cfg.Size)+4, 64)
	if uint64(cfg.MemSize) < heapStart-cfg.GPA+64 {
		return nil, ErrInvalid
	}
	d.buf = make([]byte, cfg.MemSize)
	r, err := guestmem.NewRegion(cfg.GPA, cfg.GPA, d.buf)
	if err != nil {
		return nil, err
	}
	if d.mem, err = guestmem.New(r); err != nil {
		return nil, err
	}
	d.desc = d.slice(d.descGPA, int(virtio.DescTableSize(cfg.Size)))
	d.avail = d.slice(d.availGPA&^3, int(virtio.AvailRingSize(cfg.Size))+4)
	d.aoff = int(d.availGPA & 3)
	d.used = d.slice(d.usedGPA, int(virtio.UsedRingSize(cfg.Size))+2)
	d.heap = heap{next: heapStart, end: cfg.GPA + uint64(cfg.MemSize)}
	d.chains = make([]chainInfo, cfg.Size)
	d.availIdx, d.kickedAt, d.lastUsed = cfg.StartIndex, cfg.StartIndex, cfg.StartIndex
	d.storeAvailWord()
	_ = guestmem.StoreU32Release(d.used, 0, uint32(cfg.StartIndex)<<16)
	// As a device and driver that served StartIndex chains would have
	// left them: avail_event and used_event at the current index.
	_ = guestmem.StoreU16Release(d.used, 4+virtio.UsedElemSize*int(cfg.Size), cfg.StartIndex)
	d.SetUsedEvent(cfg.StartIndex)
	for i := int(cfg.Size) - 1; i >= 0; i-- {
		d.freeDescs = append(d.freeDescs, uint16(i))
	}
	return d, nil
}

func (d *Driver) slice(gpa uint64, n int) []byte {
	off := gpa - d.cfg.GPA
	return d.buf[off : off+uint64(n)]
}

// Memory returns the guest memory (one region, backed by a []byte).
func (d *Driver) Memory() *guestmem.Memory { return d.mem }

// QueueConfig returns the device configuration of this queue: size, ring
// addresses, both indices at StartIndex and the driver's EventIdx setting.
func (d *Driver) QueueConfig() virtq.Config {
	return virtq.Config{
		Size: uint32(d.size), DescGPA: d.descGPA, AvailGPA: d.availGPA, UsedGPA: d.usedGPA,
		NextAvail: d.cfg.StartIndex, NextUsed: d.cfg.StartIndex, EventIdx: d.cfg.EventIdx,
	}
}

// DescGPA returns the guest-physical address of the descriptor table.
func (d *Driver) DescGPA() uint64 { return d.descGPA }

// AvailGPA returns the guest-physical address of the available ring.
func (d *Driver) AvailGPA() uint64 { return d.availGPA }

// UsedGPA returns the guest-physical address of the used ring.
func (d *Driver) UsedGPA() uint64 { return d.usedGPA }

// InFlight returns the number of chains made available and not yet seen in
// the used ring.
func (d *Driver) InFlight() int { return int(d.availIdx - d.lastUsed) }

// FreeDescs returns the number of free descriptor table entries.
func (d *Driver) FreeDescs() int { return len(d.freeDescs) }

func putDesc(b []byte, x Desc) {
	binary.LittleEndian.PutUint64(b[0:], x.Addr)
	binary.LittleEndian.PutUint32(b[8:], x.Len)
	binary.LittleEndian.PutUint16(b[12:], x.Flags)
	binary.LittleEndian.PutUint16(b[14:], x.Next)
}

// Add places a chain with one device-readable buffer per element of
// readable (holding a copy of it) followed by one device-writable buffer per
// element of writableLens (zeroed), makes it available and returns its head.
// With d.Indirect the chain is one descriptor pointing to an indirect table.
// Every buffer must be non-empty; a chain needs at least one buffer and at
// most the queue size. ErrFull when descriptors or memory run out. Add does
// not notify: call Kick.
func (d *Driver) Add(readable [][]byte, writableLens []int) (uint16, error) {
	n := len(readable) + len(writableLens)
	if n == 0 || n > int(d.size) {
		return 0, ErrInvalid
	}
	for _, b := range readable {
		if len(b) == 0 {
			return 0, ErrInvalid
		}
	}
	for _, l := range writableLens {
		if l <= 0 {
			return 0, ErrInvalid
		}
	}
	ndesc := n
	if d.Indirect {
		ndesc = 1
	}
	if len(d.freeDescs) < ndesc {
		return 0, ErrFull
	}
	descs := d.freeDescs[len(d.freeDescs)-ndesc:]
	head := descs[len(descs)-1]
	ci := &d.chains[head]
	ci.bufs, ci.writable = ci.bufs[:0], ci.writable[:0]
	fail := func(err error) (uint16, error) {
		for _, s := range ci.bufs {
			d.heap.release(s)
		}
		ci.bufs, ci.writable = ci.bufs[:0], ci.writable[:0]
		return 0, err
	}
	var table []byte
	var tableGPA uint64
	if d.Indirect {
		g, err := d.heap.alloc(n * virtio.DescSize)
		if err != nil {
			return fail(err)
		}
		ci.bufs = append(ci.bufs, span{g, n * virtio.DescSize})
		tableGPA, table = g, d.slice(g, n*virtio.DescSize)
	}
	// Descriptor k of the chain: table entry k (indirect), or main table
	// entry descs[len-1-k] (direct; the free list is a stack).
	slot := func(k int) []byte {
		if table != nil {
			return table[virtio.DescSize*k:]
		}
		return d.desc[virtio.DescSize*int(descs[len(descs)-1-k]):]
	}
	nextIdx := func(k int) uint16 {
		if table != nil {
			return uint16(k + 1)
		}
		return descs[len(descs)-2-k]
	}
	for k := range n {
		var x Desc
		if k < len(readable) {
			g, err := d.heap.alloc(len(readable[k]))
			if err != nil {
				return fail(err)
			}
			ci.bufs = append(ci.bufs, span{g, len(readable[k])})
			copy(d.slice(g, len(readable[k])), readable[k])
			x = Desc{Addr: g, Len: uint32(len(readable[k]))}
		} else {
			l := writableLens[k-len(readable)]
			g, err := d.heap.alloc(l)
			if err != nil {
				return fail(err)
			}
			ci.bufs = append(ci.bufs, span{g, l})
			ci.writable = append(ci.writable, span{g, l})
			clear(d.slice(g, l))
			x = Desc{Addr: g, Len: uint32(l), Flags: virtio.DescFWrite}
		}
		if k < n-1 {
			x.Flags |= virtio.DescFNext
			x.Next = nextIdx(k)
		}
		putDesc(slot(k), x)
	}
	if table != nil {
		putDesc(d.desc[virtio.DescSize*int(head):], Desc{Addr: tableGPA, Len: uint32(n * virtio.DescSize), Flags: virtio.DescFIndirect})
	}
	ci.descs = append(ci.descs[:0], descs...)
	d.freeDescs = d.freeDescs[:len(d.freeDescs)-ndesc]
	ci.posted = true
	d.publish(head)
	return head, nil
}

// publish writes head into the next available ring entry and publishes the
// new index with release ordering (§2.7.13.3).
func (d *Driver) publish(head uint16) {
	off := d.aoff + 4 + 2*int(d.availIdx&(d.size-1))
	if d.aoff == 0 {
		binary.LittleEndian.PutUint16(d.avail[off:], head)
	} else {
		_ = guestmem.StoreU16Release(d.avail, off, head)
	}
	if head < d.size {
		d.chains[head].inflight = true
	}
	d.availIdx++
	d.storeAvailWord()
}

func (d *Driver) storeAvailWord() {
	if d.aoff == 0 {
		_ = guestmem.StoreU32Release(d.avail, 0, uint32(d.availFlags)|uint32(d.availIdx)<<16)
		return
	}
	_ = guestmem.StoreU16Release(d.avail, d.aoff, d.availFlags)
	_ = guestmem.StoreU16Release(d.avail, d.aoff+2, d.availIdx)
}

// Kick reports whether the driver must notify the device now for the
// chains made available since the previous Kick (§2.7.10, driver side):
// with EventIdx when avail_event lies in that range, otherwise when
// VIRTQ_USED_F_NO_NOTIFY is clear. It counts positive answers in Kicks.
func (d *Driver) Kick() bool {
	old, cur := d.kickedAt, d.availIdx
	d.kickedAt = cur
	if old == cur {
		return false
	}
	var need bool
	if d.cfg.EventIdx {
		ev, _ := guestmem.LoadU16Acquire(d.used, 4+virtio.UsedElemSize*int(d.size))
		need = cur-ev-1 < cur-old
	} else {
		w, _ := guestmem.LoadU32Acquire(d.used, 0)
		need = uint16(w)&virtio.UsedFNoNotify == 0
	}
	if need {
		d.Kicks++
	}
	return need
}

// usedIdx loads used->idx with acquire ordering.
func (d *Driver) usedIdx() uint16 {
	w, _ := guestmem.LoadU32Acquire(d.used, 0)
	return uint16(w >> 16)
}

// Reap calls fn for every used element the device published since the last
// Reap or Used, in ring order, and marks those chains completed but keeps
// their buffers: Repost makes a chain available again, Free releases it.
// It returns the number of elements, or ErrDevice if the device returned a
// head that is not in flight.
func (d *Driver) Reap(fn func(head uint16, usedLen uint32)) (int, error) {
	end := d.usedIdx()
	if uint16(end-d.lastUsed) > uint16(d.InFlight()) {
		return 0, fmt.Errorf("%w: used idx %d, last seen %d, %d in flight", ErrDevice, end, d.lastUsed, d.InFlight())
	}
	n := 0
	for d.lastUsed != end {
		off := 4 + virtio.UsedElemSize*int(d.lastUsed&(d.size-1))
		id := binary.LittleEndian.Uint32(d.used[off:])
		l := binary.LittleEndian.Uint32(d.used[off+4:])
		if id >= uint32(d.size) || !d.chains[id].inflight {
			return n, fmt.Errorf("%w: used id %d not in flight", ErrDevice, id)
		}
		d.chains[id].inflight = false
		d.lastUsed++
		n++
		if fn != nil {
			fn(uint16(id), l)
		}
	}
	return n, nil
}

// Used collects the completions published since the last call, copies each
// chain's writable bytes and frees the chains.
func (d *Driver) Used() ([]Completion, error) {
	var out []Completion
	_, err := d.Reap(func(head uint16, l uint32) {
		c := Completion{Head: head, Len: l}
		for _, w := range d.chains[head].writable {
			c.Writable = append(c.Writable, d.slice(w.gpa, w.n)...)
		}
		out = append(out, c)
		d.Free(head)
	})
	return out, err
}

// Writable returns the writable buffers of the chain with this head,
// aliasing guest memory (nil if it has none or is not allocated).
func (d *Driver) Writable(head uint16) [][]byte {
	if head >= d.size || !d.chains[head].posted {
		return nil
	}
	var out [][]byte
	for _, w := range d.chains[head].writable {
		out = append(out, d.slice(w.gpa, w.n))
	}
	return out
}

// Repost makes a completed chain (collected with Reap, not freed) available
// again with the same descriptors and buffers.
func (d *Driver) Repost(head uint16) error {
	if head >= d.size || !d.chains[head].posted || d.chains[head].inflight {
		return ErrInvalid
	}
	d.publish(head)
	return nil
}

// Free releases a completed chain's descriptors and buffers.
func (d *Driver) Free(head uint16) {
	if head >= d.size || !d.chains[head].posted || d.chains[head].inflight {
		return
	}
	ci := &d.chains[head]
	for _, s := range ci.bufs {
		d.heap.release(s)
	}
	d.freeDescs = append(d.freeDescs, ci.descs...)
	ci.posted, ci.descs, ci.bufs, ci.writable = false, ci.descs[:0], ci.bufs[:0], ci.writable[:0]
}

// EnableInterrupts asks the device for used buffer notifications (used_event
// = next used index with EventIdx, else VIRTQ_AVAIL_F_NO_INTERRUPT cleared)
// and then re-reads the used index: true means completions are already
// pending and no notification may come for them (§2.7.14).
func (d *Driver) EnableInterrupts() bool {
	if d.cfg.EventIdx {
		_ = guestmem.StoreU16Release(d.avail, d.aoff+4+2*int(d.size), d.lastUsed)
	} else {
		d.availFlags = 0
		d.storeAvailWord()
	}
	return d.usedIdx() != d.lastUsed
}

// DisableInterrupts asks the device not to notify (used_event half a ring
// space away with EventIdx, else VIRTQ_AVAIL_F_NO_INTERRUPT set).
func (d *Driver) DisableInterrupts() {
	if d.cfg.EventIdx {
		_ = guestmem.StoreU16Release(d.avail, d.aoff+4+2*int(d.size), d.lastUsed+0x8000)
		return
	}
	d.availFlags = virtio.AvailFNoInterrupt
	d.storeAvailWord()
}

// Raw hooks for hostile-driver tests.

// Alloc returns n bytes (n > 0) of buffer memory that stay allocated.
func (d *Driver) Alloc(n int) (uint64, error) { return d.heap.alloc(n) }

// Bytes returns guest memory [gpa, gpa+n), or nil when it is outside.
func (d *Driver) Bytes(gpa uint64, n int) []byte {
	s, err := d.mem.Slice(gpa, uint64(n))
	if err != nil {
		return nil
	}
	return s
}

// WriteDesc writes descriptor i of the table at tableGPA (DescGPA() for the
// main table). It returns ErrInvalid if that is outside guest memory.
func (d *Driver) WriteDesc(tableGPA uint64, i int, x Desc) error {
	if i < 0 {
		return ErrInvalid
	}
	b := d.Bytes(tableGPA+uint64(virtio.DescSize*i), virtio.DescSize)
	if b == nil {
		return ErrInvalid
	}
	putDesc(b, x)
	return nil
}

// ReserveDescs takes n entries of the main table off the free list for a
// hand-built chain and returns their indices.
func (d *Driver) ReserveDescs(n int) ([]uint16, error) {
	if n < 0 || n > len(d.freeDescs) {
		return nil, ErrFull
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = d.freeDescs[len(d.freeDescs)-1-i]
	}
	d.freeDescs = d.freeDescs[:len(d.freeDescs)-n]
	return out, nil
}

// PublishHead makes head available as is (any value, even outside the
// table). When head is inside the table, the descriptors in owned go back
// to the free list once the chain is completed and freed.
func (d *Driver) PublishHead(head uint16, owned []uint16) {
	if head < d.size {
		ci := &d.chains[head]
		ci.posted, ci.descs, ci.bufs, ci.writable = true, append(ci.descs[:0], owned...), ci.bufs[:0], ci.writable[:0]
	}
	d.publish(head)
}

// SetAvailIdx overwrites the available index (a hostile driver's jump).
// The driver's own bookkeeping follows it.
func (d *Driver) SetAvailIdx(v uint16) {
	d.availIdx = v
	d.kickedAt = v
	d.storeAvailWord()
}

// AvailIdx returns the driver's available index.
func (d *Driver) AvailIdx() uint16 { return d.availIdx }

// SetUsedEvent writes used_event.
func (d *Driver) SetUsedEvent(v uint16) {
	_ = guestmem.StoreU16Release(d.avail, d.aoff+4+2*int(d.size), v)
}

// SetAvailFlags writes the available ring flags.
func (d *Driver) SetAvailFlags(v uint16) {
	d.availFlags = v
	d.storeAvailWord()
}

// AvailEvent returns avail_event as the device last wrote it.
func (d *Driver) AvailEvent() uint16 {
	v, _ := guestmem.LoadU16Acquire(d.used, 4+virtio.UsedElemSize*int(d.size))
	return v
}

// UsedFlags returns the used ring flags as the device last wrote them.
func (d *Driver) UsedFlags() uint16 {
	w, _ := guestmem.LoadU32Acquire(d.used, 0)
	return uint16(w)
}

// UsedIdx returns the used index as the device last published it.
func (d *Driver) UsedIdx() uint16 { return d.usedIdx() }
