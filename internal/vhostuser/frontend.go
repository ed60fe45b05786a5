package vhostuser

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// Frontend errors.
var (
	// ErrFrontendClosed: the Frontend was closed.
	ErrFrontendClosed = errors.New("vhostuser: frontend closed")
	// ErrBadReply: the backend's reply has the wrong request, flags or
	// size, or a REPLY_ACK reported failure.
	ErrBadReply = errors.New("vhostuser: bad reply from backend")
	// ErrTimeout: no reply or completion within the configured timeout.
	ErrTimeout = errors.New("vhostuser: timed out")
	// ErrInvalidArg: a Frontend method got an argument out of range.
	ErrInvalidArg = errors.New("vhostuser: invalid argument")
)

// DefaultProtocolFeatures is what a Frontend asks for when
// FrontendConfig.ProtocolFeatures is 0: everything this package's backend
// can offer in either mode.
const DefaultProtocolFeatures = ProtocolMQ | ProtocolReplyAck | ProtocolCryptoSession | ProtocolConfig

// FrontendConfig describes the VMM a Frontend plays.
type FrontendConfig struct {
	// Queues is the number of vrings to set up: the data queues in
	// ModeCryptodev, the data queues plus the control queue in
	// ModeDevice. Default 1.
	Queues int
	// QueueSize is the size of every ring (a power of 2, at most 32768).
	// Default 256.
	QueueSize uint32
	// ArenaSize is the buffer memory of each queue, in bytes. Default 1 MiB.
	ArenaSize int
	// Regions is the number of memory regions (memfds) guest memory is
	// split into, 1..MaxMemRegions; queue i lives in region i % Regions.
	// Default 2 (like QEMU's q35 layout: regions with a hole between them).
	Regions int
	// AckAllFeatures makes SET_FEATURES acknowledge every offered feature
	// the driver uses, as a generic vhost-user device does. When false,
	// only VHOST_USER_F_PROTOCOL_FEATURES is acknowledged, as QEMU's
	// cryptodev does while the guest uses EventIdx and Indirect anyway.
	AckAllFeatures bool
	// CryptoFeatures are the virtio-crypto feature bits (bits 0..23:
	// VIRTIO_CRYPTO_F_REVISION_1, the STATELESS_MODE bits) the driver
	// wants; Handshake acknowledges those the backend offers, whatever
	// AckAllFeatures says (0: none, the legacy framing). The driver then
	// frames its requests for CryptoFeatures() (see virtiocrypto's
	// Append methods).
	CryptoFeatures uint64
	// EventIdx: the driver uses VIRTIO_F_EVENT_IDX (avail_event and
	// used_event).
	EventIdx bool
	// Indirect: the driver puts every chain in an indirect table.
	Indirect bool
	// ProtocolFeatures are the protocol features wanted; the acknowledged
	// set is this and the offered set. 0: DefaultProtocolFeatures.
	ProtocolFeatures uint64
	// SendEnable sends SET_VRING_ENABLE 1 after starting each ring (QEMU's
	// cryptodev does not).
	SendEnable bool
	// NeedReplyAll sets NEED_REPLY on every request that has no reply of
	// its own (when REPLY_ACK is negotiated) and checks the answer. When
	// false only SET_MEM_TABLE asks for one, as QEMU does.
	NeedReplyAll bool
	// Timeout bounds each reply and each wait for completions. Default 10s.
	Timeout time.Duration
}

func (c *FrontendConfig) defaults() error {
	if c.Queues == 0 {
		c.Queues = 1
	}
	if c.QueueSize == 0 {
		c.QueueSize = 256
	}
	if c.ArenaSize == 0 {
		c.ArenaSize = 1 << 20
	}
	if c.Regions == 0 {
		c.Regions = 2
	}
	if c.ProtocolFeatures == 0 {
		c.ProtocolFeatures = DefaultProtocolFeatures
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	switch {
	case c.Queues < 1 || c.Queues > 256:
		return fmt.Errorf("%w: %d queues", ErrInvalidArg, c.Queues)
	case c.QueueSize > 32768 || c.QueueSize&(c.QueueSize-1) != 0:
		return fmt.Errorf("%w: queue size %d", ErrInvalidArg, c.QueueSize)
	case c.ArenaSize < 4096 || c.ArenaSize > 1<<30:
		return fmt.Errorf("%w: arena size %d", ErrInvalidArg, c.ArenaSize)
	case c.Regions < 1 || c.Regions > MaxMemRegions:
		return fmt.Errorf("%w: %d regions", ErrInvalidArg, c.Regions)
	}
	return nil
}

// Guest memory layout of a Frontend: region r starts at guest address
// r*regionGPAStride and front-end address frontVABase + r*regionVAStride,
// and sits at offset regionMmapOffset of its memfd (the first page of each
// file is not part of guest memory, which exercises mmap_offset).
const (
	regionGPAStride  = 1 << 32
	frontVABase      = 0x7f00_0000_0000
	regionVAStride   = 1 << 36
	regionMmapOffset = 4096
	pageSize         = 4096
)

// frontRegion is one memfd of the frontend's guest memory.
type frontRegion struct {
	fd      int
	mapping []byte // the whole file
	mem     []byte // guest memory: mapping[regionMmapOffset:]
	gpa, va uint64
}

// Frontend is the VMM side of a vhost-user connection, for tests and
// benchmarks: it owns the socket, memfd-backed guest memory, and the
// driver side of its rings. Message methods are safe for concurrent use
// (one message exchange at a time); see FrontendQueue for the rings.
type Frontend struct {
	cfg FrontendConfig

	mu     sync.Mutex
	mc     *msgConn
	closed bool

	regions []*frontRegion
	queues  []*FrontendQueue

	offered, acked           uint64
	protoOffered, protoAcked uint64
	buf                      []byte
}

// Dial connects to a backend listening on path and returns a Frontend
// (no message is exchanged yet; see Handshake).
func Dial(path string, cfg FrontendConfig) (*Frontend, error) {
	uc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	return NewFrontend(uc, cfg)
}

// NewFrontend returns a Frontend on a connected socket, which it takes
// over: Close closes it, and so does NewFrontend when it fails. It
// allocates guest memory and eventfds but sends nothing.
func NewFrontend(uc *net.UnixConn, cfg FrontendConfig) (_ *Frontend, err error) {
	if err := cfg.defaults(); err != nil {
		uc.Close()
		return nil, err
	}
	mc, err := newMsgConn(uc, 0)
	if err != nil {
		uc.Close()
		return nil, err
	}
	f := &Frontend{cfg: cfg, mc: mc}
	defer func() {
		if err != nil {
			f.release()
		}
	}()
	// Size each region for its queues.
	areas := make([]int, cfg.Regions)
	qlen := queueAreaSize(cfg.QueueSize, cfg.ArenaSize)
	for i := 0; i < cfg.Queues; i++ {
		areas[i%cfg.Regions] += qlen
	}
	for r := range cfg.Regions {
		size := max(areas[r], pageSize)
		reg, err := newFrontRegion(size, uint64(r)*regionGPAStride, frontVABase+uint64(r)*regionVAStride)
		if err != nil {
			return nil, err
		}
		f.regions = append(f.regions, reg)
	}
	offs := make([]int, cfg.Regions)
	for i := 0; i < cfg.Queues; i++ {
		reg := f.regions[i%cfg.Regions]
		q, err := newFrontendQueue(f, i, reg, offs[i%cfg.Regions])
		if err != nil {
			return nil, err
		}
		offs[i%cfg.Regions] += qlen
		f.queues = append(f.queues, q)
	}
	return f, nil
}

func newFrontRegion(size int, gpa, va uint64) (*frontRegion, error) {
	fd, err := unix.MemfdCreate("vcrypto-guest", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("vhostuser: memfd_create: %w", err)
	}
	total := size + regionMmapOffset
	if err := unix.Ftruncate(fd, int64(total)); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vhostuser: ftruncate: %w", err)
	}
	m, err := unix.Mmap(fd, 0, total, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vhostuser: mmap: %w", err)
	}
	return &frontRegion{fd: fd, mapping: m, mem: m[regionMmapOffset:], gpa: gpa, va: va}, nil
}

// release frees memory, eventfds and the socket.
func (f *Frontend) release() {
	f.mc.uc.Close()
	for _, q := range f.queues {
		q.closeFDs()
	}
	for _, r := range f.regions {
		unix.Munmap(r.mapping)
		unix.Close(r.fd)
	}
	f.regions, f.queues = nil, nil
}

// Close closes the connection and frees guest memory and eventfds. The
// FrontendQueues must not be used any more. Close is idempotent.
func (f *Frontend) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.release()
	return nil
}

// Queue returns queue i, or nil when i is out of range.
func (f *Frontend) Queue(i int) *FrontendQueue {
	if i < 0 || i >= len(f.queues) {
		return nil
	}
	return f.queues[i]
}

// Features returns the features offered by the backend (last
// GET_FEATURES) and those acknowledged (last SET_FEATURES).
func (f *Frontend) Features() (offered, acked uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.offered, f.acked
}

// CryptoFeatures returns the acknowledged virtio-crypto feature bits (the
// device-specific bits 0..23 of the last SET_FEATURES): the features the
// driver's requests must be framed for.
func (f *Frontend) CryptoFeatures() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.acked & deviceFeatureMask
}

// ProtocolFeatures returns the protocol features offered and acknowledged.
func (f *Frontend) ProtocolFeatures() (offered, acked uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.protoOffered, f.protoAcked
}

// MemoryTable returns the memory table SET_MEM_TABLE sends.
func (f *Frontend) MemoryTable() MemoryTable {
	var t MemoryTable
	for _, r := range f.regions {
		t.Regions = append(t.Regions, MemoryRegion{GPA: r.gpa, Size: uint64(len(r.mem)), UserAddr: r.va, MmapOffset: regionMmapOffset})
	}
	return t
}

// MemoryFDs returns the memfds of the regions, in MemoryTable order. They
// stay owned by the Frontend.
func (f *Frontend) MemoryFDs() []int {
	fds := make([]int, len(f.regions))
	for i, r := range f.regions {
		fds[i] = r.fd
	}
	return fds
}

// exchange sends a request and, when want is not nil, reads its reply
// and checks request and flags; want validates the payload size. With
// ack, it reads and checks a REPLY_ACK u64.
func (f *Frontend) exchange(h Header, payload []byte, fds []int, ack bool, want func(int) bool) ([]byte, error) {
	if f.closed {
		return nil, ErrFrontendClosed
	}
	if ack {
		h.Flags |= FlagNeedReply
	}
	h.Size = uint32(len(payload))
	if h.Flags&FlagVersionMask == 0 {
		h.Flags |= FlagVersion
	}
	if err := f.mc.write(h, payload, fds); err != nil {
		return nil, fmt.Errorf("vhostuser: send %v: %w", h.Request, err)
	}
	if want == nil && !ack {
		return nil, nil
	}
	if ack && want == nil {
		want = func(n int) bool { return n == u64Size }
	}
	f.mc.uc.SetReadDeadline(time.Now().Add(f.cfg.Timeout))
	m, err := f.mc.read(nil)
	f.mc.uc.SetReadDeadline(time.Time{})
	if err != nil {
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() {
			return nil, fmt.Errorf("%w: reply to %v", ErrTimeout, h.Request)
		}
		return nil, fmt.Errorf("vhostuser: reply to %v: %w", h.Request, err)
	}
	m.closeFDs()
	switch {
	case m.hdr.Request != h.Request:
		return nil, fmt.Errorf("%w: %v in reply to %v", ErrBadReply, m.hdr.Request, h.Request)
	case m.hdr.Flags != ReplyFlags:
		return nil, fmt.Errorf("%w: flags %#x in reply to %v", ErrBadReply, m.hdr.Flags, h.Request)
	case !want(len(m.payload)):
		return nil, fmt.Errorf("%w: %d-byte reply to %v", ErrBadReply, len(m.payload), h.Request)
	}
	if ack && !hasOwnReply(h.Request) {
		if v := ne.Uint64(m.payload); v != 0 {
			return nil, fmt.Errorf("%w: %v failed (REPLY_ACK %d)", ErrBadReply, h.Request, v)
		}
	}
	f.buf = append(f.buf[:0], m.payload...)
	return f.buf, nil
}

// needAck reports whether a request without its own reply asks for
// REPLY_ACK.
func (f *Frontend) needAck(r Request) bool {
	if f.protoAcked&ProtocolReplyAck == 0 {
		return false
	}
	return f.cfg.NeedReplyAll || r == ReqSetMemTable
}

func isU64(n int) bool { return n == u64Size }

func (f *Frontend) getU64(r Request) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.exchange(Header{Request: r}, nil, nil, false, isU64)
	if err != nil {
		return 0, err
	}
	return ne.Uint64(b), nil
}

func (f *Frontend) setU64(r Request, v uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.exchange(Header{Request: r}, AppendU64(nil, v), nil, f.needAck(r), nil)
	return err
}

// GetFeatures sends GET_FEATURES and returns the offered features.
func (f *Frontend) GetFeatures() (uint64, error) {
	v, err := f.getU64(ReqGetFeatures)
	if err == nil {
		f.mu.Lock()
		f.offered = v
		f.mu.Unlock()
	}
	return v, err
}

// SetFeatures sends SET_FEATURES.
func (f *Frontend) SetFeatures(v uint64) error {
	err := f.setU64(ReqSetFeatures, v)
	if err == nil {
		f.mu.Lock()
		f.acked = v
		f.mu.Unlock()
	}
	return err
}

// GetProtocolFeatures sends GET_PROTOCOL_FEATURES.
func (f *Frontend) GetProtocolFeatures() (uint64, error) {
	v, err := f.getU64(ReqGetProtocolFeatures)
	if err == nil {
		f.mu.Lock()
		f.protoOffered = v
		f.mu.Unlock()
	}
	return v, err
}

// SetProtocolFeatures sends SET_PROTOCOL_FEATURES. REPLY_ACK applies from
// the next message on.
func (f *Frontend) SetProtocolFeatures(v uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.exchange(Header{Request: ReqSetProtocolFeatures}, AppendU64(nil, v), nil, false, nil)
	if err == nil {
		f.protoAcked = v
	}
	return err
}

// GetQueueNum sends GET_QUEUE_NUM.
func (f *Frontend) GetQueueNum() (uint64, error) { return f.getU64(ReqGetQueueNum) }

// GetMaxMemSlots sends GET_MAX_MEM_SLOTS.
func (f *Frontend) GetMaxMemSlots() (uint64, error) { return f.getU64(ReqGetMaxMemSlots) }

// SetOwner sends SET_OWNER.
func (f *Frontend) SetOwner() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.exchange(Header{Request: ReqSetOwner}, nil, nil, f.needAck(ReqSetOwner), nil)
	return err
}

// SetMemTable sends SET_MEM_TABLE with the memfds of guest memory.
func (f *Frontend) SetMemTable() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.exchange(Header{Request: ReqSetMemTable}, f.MemoryTable().Append(nil), f.MemoryFDs(), f.needAck(ReqSetMemTable), nil)
	return err
}

// Handshake runs QEMU's sequence: GET_FEATURES, GET_PROTOCOL_FEATURES,
// SET_PROTOCOL_FEATURES, GET_QUEUE_NUM (with MQ; fails if the backend has
// fewer queues than configured), SET_OWNER, GET_FEATURES, SET_FEATURES,
// SET_MEM_TABLE, then StartQueue (and SET_VRING_ENABLE with SendEnable)
// for every queue.
func (f *Frontend) Handshake() error {
	offered, err := f.GetFeatures()
	if err != nil {
		return err
	}
	if offered&FeatureProtocolFeatures != 0 {
		pf, err := f.GetProtocolFeatures()
		if err != nil {
			return err
		}
		if err := f.SetProtocolFeatures(pf & f.cfg.ProtocolFeatures); err != nil {
			return err
		}
		if pf&f.cfg.ProtocolFeatures&ProtocolMQ != 0 {
			n, err := f.GetQueueNum()
			if err != nil {
				return err
			}
			if n < uint64(f.cfg.Queues) {
				return fmt.Errorf("%w: backend has %d queues, %d configured", ErrInvalidArg, n, f.cfg.Queues)
			}
		}
	}
	if err := f.SetOwner(); err != nil {
		return err
	}
	if _, err := f.GetFeatures(); err != nil {
		return err
	}
	ack := offered & FeatureProtocolFeatures
	if f.cfg.AckAllFeatures {
		ack = offered &^ deviceFeatureMask
		if !f.cfg.EventIdx {
			ack &^= featureEventIdx
		}
		if !f.cfg.Indirect {
			ack &^= featureIndirectDesc
		}
	}
	ack |= offered & f.cfg.CryptoFeatures & deviceFeatureMask
	if err := f.SetFeatures(ack); err != nil {
		return err
	}
	if err := f.SetMemTable(); err != nil {
		return err
	}
	for i := range f.queues {
		if err := f.StartQueue(i); err != nil {
			return err
		}
		if f.cfg.SendEnable {
			if err := f.SetVringEnable(i, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// StartQueue resets queue i's rings in guest memory and sends
// SET_VRING_NUM, SET_VRING_BASE 0, SET_VRING_ADDR, SET_VRING_KICK and
// SET_VRING_CALL, in QEMU's order.
func (f *Frontend) StartQueue(i int) error {
	q := f.Queue(i)
	if q == nil {
		return fmt.Errorf("%w: queue %d", ErrInvalidArg, i)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q.reset()
	idx := uint32(i)
	steps := []struct {
		r   Request
		p   []byte
		fds []int
	}{
		{ReqSetVringNum, VringState{Index: idx, Num: q.size}.Append(nil), nil},
		{ReqSetVringBase, VringState{Index: idx}.Append(nil), nil},
		{ReqSetVringAddr, VringAddr{Index: idx, Desc: q.va(q.descOff), Used: q.va(q.usedOff), Avail: q.va(q.availOff)}.Append(nil), nil},
		{ReqSetVringKick, VringFile{Index: uint8(i)}.Append(nil), []int{q.kick}},
		{ReqSetVringCall, VringFile{Index: uint8(i)}.Append(nil), []int{q.call}},
	}
	for _, s := range steps {
		if _, err := f.exchange(Header{Request: s.r}, s.p, s.fds, f.needAck(s.r), nil); err != nil {
			return err
		}
	}
	return nil
}

// StopQueue sends GET_VRING_BASE for queue i and returns the backend's
// next available index. Chains still in flight are abandoned.
func (f *Frontend) StopQueue(i int) (uint16, error) {
	if i < 0 || i > 255 {
		return 0, fmt.Errorf("%w: queue %d", ErrInvalidArg, i)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.exchange(Header{Request: ReqGetVringBase}, VringState{Index: uint32(i)}.Append(nil), nil, false,
		func(n int) bool { return n == vringStateSize })
	if err != nil {
		return 0, err
	}
	s, _ := ParseVringState(b)
	if s.Index != uint32(i) || s.Num > 0xffff {
		return 0, fmt.Errorf("%w: GET_VRING_BASE reply %+v", ErrBadReply, s)
	}
	return uint16(s.Num), nil
}

// SetVringEnable sends SET_VRING_ENABLE for ring i.
func (f *Frontend) SetVringEnable(i int, on bool) error {
	if i < 0 {
		return fmt.Errorf("%w: queue %d", ErrInvalidArg, i)
	}
	v := VringState{Index: uint32(i)}
	if on {
		v.Num = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.exchange(Header{Request: ReqSetVringEnable}, v.Append(nil), nil, f.needAck(ReqSetVringEnable), nil)
	return err
}

// GetConfig reads size bytes of the device config space from offset
// (GET_CONFIG). An empty reply (the backend's error answer) returns
// ErrBadReply.
func (f *Frontend) GetConfig(offset, size uint32) ([]byte, error) {
	if size > MaxConfigSize {
		return nil, fmt.Errorf("%w: config size %d", ErrInvalidArg, size)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := ConfigPayload{Offset: offset, Size: size}.Append(nil)
	b, err := f.exchange(Header{Request: ReqGetConfig}, p, nil, false, func(int) bool { return true })
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: GET_CONFIG refused", ErrBadReply)
	}
	c, err := ParseConfigPayload(b)
	if err != nil || c.Offset != offset || c.Size != size {
		return nil, fmt.Errorf("%w: GET_CONFIG reply does not match the request", ErrBadReply)
	}
	return append([]byte(nil), c.Data...), nil
}

// CreateSession sends CREATE_CRYPTO_SESSION with s in s.Layout and
// returns the session id from the reply: ≥ 0 a session, < 0 the negated
// status of a refusal.
func (f *Frontend) CreateSession(s *CreateSession) (int64, error) {
	n := s.Layout.Size()
	if n == 0 {
		return 0, fmt.Errorf("%w: session layout %v", ErrInvalidArg, s.Layout)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.exchange(Header{Request: ReqCreateCryptoSession}, s.Append(nil), nil, false,
		func(m int) bool { return m == n })
	if err != nil {
		return 0, err
	}
	return ParseSessionReply(b, s.Layout)
}

// CloseSession sends CLOSE_CRYPTO_SESSION (no reply, unless NeedReplyAll
// asks for a REPLY_ACK).
func (f *Frontend) CloseSession(id uint64) error {
	return f.setU64(ReqCloseCryptoSession, id)
}

// Send sends one request as given (flags included; Size is set from the
// payload) with optional descriptors, and reads no reply. For tests of a
// backend's reaction to odd messages.
func (f *Frontend) Send(h Header, payload []byte, fds []int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrFrontendClosed
	}
	h.Size = uint32(len(payload))
	return f.mc.write(h, payload, fds)
}

// SendRaw writes b to the socket as is, with optional descriptors on its
// first byte. For tests.
func (f *Frontend) SendRaw(b []byte, fds []int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrFrontendClosed
	}
	return f.mc.writeRaw(b, fds)
}

// ReadReply reads one message from the backend (within the timeout) and
// returns its header and a copy of its payload.
func (f *Frontend) ReadReply() (Header, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return Header{}, nil, ErrFrontendClosed
	}
	f.mc.uc.SetReadDeadline(time.Now().Add(f.cfg.Timeout))
	m, err := f.mc.read(nil)
	f.mc.uc.SetReadDeadline(time.Time{})
	if err != nil {
		return Header{}, nil, err
	}
	m.closeFDs()
	return m.hdr, append([]byte(nil), m.payload...), nil
}

// CipherSession returns a CREATE_CRYPTO_SESSION request for a plain
// cipher session (op_type CIPHER) in layout l, as QEMU builds it from a
// guest's CIPHER_CREATE_SESSION.
func CipherSession(l SessionLayout, alg virtiocrypto.CipherAlgo, dir virtiocrypto.Direction, key []byte) (*CreateSession, error) {
	if l.Size() == 0 || len(key) > SymKeyMax || dir > 0xff {
		return nil, fmt.Errorf("%w: layout %v, %d-byte key, direction %d", ErrInvalidArg, l, len(key), dir)
	}
	s := &CreateSession{Layout: l, OpCode: uint64(virtiocrypto.OpcodeCipherCreateSession)}
	s.Sym.CipherAlg = uint32(alg)
	s.Sym.KeyLen = uint32(len(key))
	s.Sym.OpType = uint8(virtiocrypto.SymOpCipher)
	s.Sym.Direction = uint8(dir)
	copy(s.Sym.Key[:], key)
	return s, nil
}

// AkcipherSession returns a CREATE_CRYPTO_SESSION request for the AKCIPHER
// session p in the QEMU ≥ 8.1 layout (the only one that carries asymmetric
// sessions), as QEMU builds it from a guest's AKCIPHER_CREATE_SESSION:
// op_code 0x404, CryptoDevBackendAsymSessionInfo {algo, keytype, keylen,
// u} and the key bytes in u.asym.key. u holds rsa.padding_algo and
// rsa.hash_algo for RSA, ecdsa.curve_id for ECDSA (see AsymSessionInfo).
func AkcipherSession(p *engine.AKCipherParams) (*CreateSession, error) {
	if len(p.Key) > AsymKeyMax {
		return nil, fmt.Errorf("%w: %d-byte asymmetric key (at most %d)", ErrInvalidArg, len(p.Key), AsymKeyMax)
	}
	s := &CreateSession{Layout: LayoutQEMU81, OpCode: uint64(virtiocrypto.OpcodeAkcipherCreateSession)}
	a := &s.Asym
	a.Algo, a.KeyType, a.KeyLen = uint32(p.Alg), uint32(p.KeyType), uint32(len(p.Key))
	switch p.Alg {
	case engine.ECDSA:
		a.PaddingAlgo = uint32(p.Curve)
	default:
		a.PaddingAlgo, a.HashAlgo = uint32(p.Padding), uint32(p.Hash)
	}
	copy(a.Key[:], p.Key)
	return s, nil
}
