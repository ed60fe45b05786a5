package vhostuser

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
)

// Mode selects how much of the device a frontend hands over.
type Mode int

// Modes.
const (
	// ModeCryptodev: QEMU's cryptodev-vhost-user. The backend serves data
	// queues 0..N-1 and CREATE/CLOSE_CRYPTO_SESSION; QEMU owns the control
	// queue and the config space.
	ModeCryptodev Mode = iota + 1
	// ModeDevice: a frontend that hands over the whole device. The backend
	// serves data queues 0..N-1, the control queue N, and GET_CONFIG.
	ModeDevice
)

// String returns "cryptodev" or "device".
func (m Mode) String() string {
	switch m {
	case ModeCryptodev:
		return "cryptodev"
	case ModeDevice:
		return "device"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Errors of the backend state machine. A connection ends with one of them
// (or ErrMalformed, or a socket error), wrapped with details.
var (
	// ErrProtocol: a well-formed message that is not valid in the
	// connection's state (a ring index out of range, a feature not
	// offered, a ring reconfigured while it runs, a request the backend
	// does not implement).
	ErrProtocol = errors.New("vhostuser: protocol violation")
	// ErrBadMode: a Server or Frontend was configured with an unknown
	// Mode or without a device constructor.
	ErrBadMode = errors.New("vhostuser: invalid configuration")
)

var errProtocol = ErrProtocol

const (
	featureIndirectDesc = uint64(1) << virtio.FeatureIndirectDesc
	featureEventIdx     = uint64(1) << virtio.FeatureEventIdx
	featureVersion1     = uint64(1) << virtio.FeatureVersion1
	// transportFeatures are offered in every mode: the rings always handle
	// indirect descriptors and EVENT_IDX (see package doc).
	transportFeatures = featureVersion1 | featureIndirectDesc | featureEventIdx | FeatureProtocolFeatures
)

// deviceFeatureMask selects the device-specific feature bits 0..23 (virtio
// "Feature Bits"): for virtio-crypto, REVISION_1 and the STATELESS_MODE
// bits.
const deviceFeatureMask = uint64(1)<<24 - 1

// deviceFeatures returns the crypto feature bits offered in mode m: the
// device's in ModeDevice, none in ModeCryptodev, where QEMU negotiates
// features with the guest itself and never passes crypto bits on (a
// device built with cryptodev.Options.Revision1 still offers none there).
func deviceFeatures(m Mode, dev *cryptodev.Device) uint64 {
	if m != ModeDevice {
		return 0
	}
	return dev.Features() & deviceFeatureMask
}

// OfferedProtocolFeatures returns the protocol features the backend offers
// in mode m: MQ and REPLY_ACK always, CRYPTO_SESSION in ModeCryptodev,
// CONFIG in ModeDevice (QEMU's cryptodev warns about CONFIG and strips it).
func OfferedProtocolFeatures(m Mode) uint64 {
	f := ProtocolMQ | ProtocolReplyAck
	switch m {
	case ModeCryptodev:
		f |= ProtocolCryptoSession
	case ModeDevice:
		f |= ProtocolConfig
	}
	return f
}

// softError is a request the backend refuses without ending the
// connection: the frontend gets a non-zero REPLY_ACK if it asked for one.
type softError struct{ error }

// conn is the backend state of one frontend connection.
type conn struct {
	mc   *msgConn
	log  *slog.Logger
	mode Mode
	dev  *cryptodev.Device

	offered      uint64 // virtio features
	acked        uint64
	protoOffered uint64
	protoAcked   uint64

	table guestmem.Table
	rings []*ring
	poll  time.Duration // Server.Poll

	abortOnce sync.Once
	abortMu   sync.Mutex
	abortErr  error

	reply []byte
}

func newConn(uc *net.UnixConn, dev *cryptodev.Device, mode Mode, log *slog.Logger, cfg *Server) (*conn, error) {
	mc, err := newMsgConn(uc, cfg.messageTimeout())
	if err != nil {
		return nil, err
	}
	c := &conn{
		mc: mc, log: log, mode: mode, dev: dev,
		offered:      transportFeatures | deviceFeatures(mode, dev),
		protoOffered: OfferedProtocolFeatures(mode),
		poll:         cfg.Poll,
	}
	n := dev.DataQueues()
	if mode == ModeDevice {
		n++
	}
	c.rings = make([]*ring, n)
	for i := range c.rings {
		c.rings[i] = newRing(i, mode == ModeDevice && i == dev.DataQueues())
	}
	return c, nil
}

// abort ends the connection from another goroutine (a queue goroutine that
// hit a memory fault): the next socket read fails and serve returns err.
func (c *conn) abort(err error) {
	c.abortOnce.Do(func() {
		c.abortMu.Lock()
		c.abortErr = err
		c.abortMu.Unlock()
		c.mc.uc.Close()
	})
}

func (c *conn) aborted() error {
	c.abortMu.Lock()
	defer c.abortMu.Unlock()
	return c.abortErr
}

// serve handles messages until the frontend disconnects (nil) or breaks the
// protocol (error). It does not release the connection's state; teardown
// does.
func (c *conn) serve() error {
	for {
		m, err := c.mc.read(checkRequestHeader)
		if err != nil {
			if a := c.aborted(); a != nil {
				return a
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("frontend vanished in the middle of a message: %w", err)
			}
			return err
		}
		err = c.dispatch(m)
		m.closeFDs()
		if err != nil {
			if a := c.aborted(); a != nil {
				return a
			}
			return err
		}
	}
}

// teardown stops every ring, closes every descriptor, unmaps guest memory
// (once the queue goroutines are gone) and destroys every session.
func (c *conn) teardown() {
	for _, r := range c.rings {
		r.release()
	}
	c.table.Store(nil)
	c.dev.Close()
	c.mc.uc.Close()
}

// checkRequestHeader validates the flags of a front-end request.
func checkRequestHeader(h Header) error {
	if h.Flags&FlagVersionMask != FlagVersion {
		return malformed("%v with version %d", h.Request, h.Flags&FlagVersionMask)
	}
	if h.Flags&^(FlagVersionMask|FlagNeedReply) != 0 {
		return malformed("%v with flags %#x", h.Request, h.Flags)
	}
	return nil
}

// hasOwnReply reports whether a request is answered whatever REPLY_ACK
// says.
func hasOwnReply(r Request) bool {
	switch r {
	case ReqGetFeatures, ReqGetProtocolFeatures, ReqGetVringBase, ReqGetQueueNum,
		ReqGetConfig, ReqCreateCryptoSession, ReqGetMaxMemSlots:
		return true
	}
	return false
}

func (c *conn) sendReply(req Request, payload []byte) error {
	if c.mc.timeout > 0 {
		// A frontend that stops reading replies is dropped, not waited for.
		c.mc.uc.SetWriteDeadline(time.Now().Add(c.mc.timeout))
	}
	return c.mc.write(Header{Request: req, Flags: ReplyFlags, Size: uint32(len(payload))}, payload, nil)
}

func (c *conn) replyU64(req Request, v uint64) error {
	c.reply = AppendU64(c.reply[:0], v)
	return c.sendReply(req, c.reply)
}

// dispatch handles one request, including its REPLY_ACK.
func (c *conn) dispatch(m *message) error {
	h := m.hdr
	if err := c.checkFDs(m); err != nil {
		return err
	}
	err := c.handle(m)
	var soft softError
	isSoft := errors.As(err, &soft)
	if isSoft {
		c.log.Debug("vhost-user request refused", "request", h.Request, "err", soft.error)
	}
	if h.Flags&FlagNeedReply != 0 && c.protoAcked&ProtocolReplyAck != 0 && !hasOwnReply(h.Request) {
		var v uint64
		if err != nil {
			v = 1
		}
		if werr := c.replyU64(h.Request, v); werr != nil && (err == nil || isSoft) {
			return werr
		}
	}
	if isSoft {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%v: %w", h.Request, err)
	}
	return nil
}

// checkFDs checks the number of descriptors a request carries.
func (c *conn) checkFDs(m *message) error {
	want := 0
	switch m.hdr.Request {
	case ReqSetMemTable:
		if len(m.payload) >= 4 {
			want = int(ne.Uint32(m.payload))
		}
	case ReqSetVringKick, ReqSetVringCall, ReqSetVringErr:
		f, err := ParseVringFile(m.payload)
		if err != nil {
			return fmt.Errorf("%v: %w", m.hdr.Request, err)
		}
		if !f.NoFD {
			want = 1
		}
	}
	if len(m.fds) != want {
		return malformed("%v with %d file descriptors (want %d)", m.hdr.Request, len(m.fds), want)
	}
	return nil
}

// ringAt returns ring i or an error.
func (c *conn) ringAt(i uint32) (*ring, error) {
	if uint64(i) >= uint64(len(c.rings)) {
		return nil, fmt.Errorf("%w: ring index %d (the device has %d)", errProtocol, i, len(c.rings))
	}
	return c.rings[i], nil
}

// stoppedRing returns ring i, which must not be running.
func (c *conn) stoppedRing(i uint32) (*ring, error) {
	r, err := c.ringAt(i)
	if err != nil {
		return nil, err
	}
	if r.running() {
		return nil, fmt.Errorf("%w: ring %d reconfigured while started", errProtocol, i)
	}
	return r, nil
}

func emptyPayload(m *message) error {
	if len(m.payload) != 0 {
		return malformed("%v with a %d-byte payload", m.hdr.Request, len(m.payload))
	}
	return nil
}

func (c *conn) handle(m *message) error {
	p := m.payload
	switch m.hdr.Request {
	case ReqGetFeatures:
		if err := emptyPayload(m); err != nil {
			return err
		}
		return c.replyU64(m.hdr.Request, c.offered)

	case ReqSetFeatures:
		v, err := ParseU64(p)
		if err != nil {
			return err
		}
		if v&^c.offered != 0 {
			return fmt.Errorf("%w: features %#x not offered (offered %#x)", errProtocol, v, c.offered)
		}
		// The device-specific bits are the crypto features: the device
		// checks their dependencies (a STATELESS_MODE bit needs
		// REVISION_1), and a driver breaking them is dropped like one
		// acknowledging a feature that was not offered. QEMU sends
		// SET_FEATURES again while rings run (dirty logging); the crypto
		// bits, which decide the request framing, may not change then.
		crypto := v & deviceFeatureMask
		if crypto != c.dev.NegotiatedFeatures() {
			for _, r := range c.rings {
				if r.running() {
					return fmt.Errorf("%w: crypto features %#x changed to %#x while ring %d runs", errProtocol,
						c.dev.NegotiatedFeatures(), crypto, r.index)
				}
			}
		}
		if err := c.dev.SetFeatures(crypto); err != nil {
			return fmt.Errorf("%w: %w", errProtocol, err)
		}
		c.acked = v
		return nil

	case ReqGetProtocolFeatures:
		if err := emptyPayload(m); err != nil {
			return err
		}
		return c.replyU64(m.hdr.Request, c.protoOffered)

	case ReqSetProtocolFeatures:
		v, err := ParseU64(p)
		if err != nil {
			return err
		}
		if v&^c.protoOffered != 0 {
			return fmt.Errorf("%w: protocol features %#x not offered (offered %#x)", errProtocol, v, c.protoOffered)
		}
		c.protoAcked = v
		return nil

	case ReqGetQueueNum:
		if err := emptyPayload(m); err != nil {
			return err
		}
		return c.replyU64(m.hdr.Request, uint64(len(c.rings)))

	case ReqGetMaxMemSlots:
		if err := emptyPayload(m); err != nil {
			return err
		}
		return c.replyU64(m.hdr.Request, MaxMemRegions)

	case ReqSetOwner:
		return emptyPayload(m)

	case ReqResetOwner:
		// Deprecated; the spec recommends disabling all rings.
		if err := emptyPayload(m); err != nil {
			return err
		}
		for _, r := range c.rings {
			r.stop()
		}
		return nil

	case ReqSetMemTable:
		return c.setMemTable(m)

	case ReqSetVringNum:
		s, err := ParseVringState(p)
		if err != nil {
			return err
		}
		r, err := c.stoppedRing(s.Index)
		if err != nil {
			return err
		}
		if !virtio.ValidQueueSize(s.Num) {
			return fmt.Errorf("%w: ring %d size %d", errProtocol, s.Index, s.Num)
		}
		r.num = s.Num
		return nil

	case ReqSetVringBase:
		s, err := ParseVringState(p)
		if err != nil {
			return err
		}
		r, err := c.stoppedRing(s.Index)
		if err != nil {
			return err
		}
		if s.Num > 0xffff {
			return fmt.Errorf("%w: ring %d base %d", errProtocol, s.Index, s.Num)
		}
		r.base, r.usedBase = uint16(s.Num), uint16(s.Num)
		return nil

	case ReqSetVringAddr:
		a, err := ParseVringAddr(p)
		if err != nil {
			return err
		}
		r, err := c.stoppedRing(a.Index)
		if err != nil {
			return err
		}
		r.addr, r.addrSet = a, true
		return nil

	case ReqGetVringBase:
		s, err := ParseVringState(p)
		if err != nil {
			return err
		}
		r, err := c.ringAt(s.Index)
		if err != nil {
			return err
		}
		r.stop()
		c.reply = VringState{Index: s.Index, Num: uint32(r.base)}.Append(c.reply[:0])
		return c.sendReply(m.hdr.Request, c.reply)

	case ReqSetVringKick:
		f, _ := ParseVringFile(p) // checked by checkFDs
		r, err := c.ringAt(uint32(f.Index))
		if err != nil {
			return err
		}
		if f.NoFD {
			return fmt.Errorf("%w: ring %d: polling mode (no kick fd) is not supported", errProtocol, f.Index)
		}
		r.stop()
		return r.start(c, m.take(0))

	case ReqSetVringCall, ReqSetVringErr:
		f, _ := ParseVringFile(p)
		r, err := c.ringAt(uint32(f.Index))
		if err != nil {
			return err
		}
		fd := -1
		if !f.NoFD {
			fd = m.take(0)
		}
		if m.hdr.Request == ReqSetVringCall {
			r.setCall(fd)
		} else {
			r.setErr(fd)
		}
		return nil

	case ReqSetVringEnable:
		s, err := ParseVringState(p)
		if err != nil {
			return err
		}
		r, err := c.ringAt(s.Index)
		if err != nil {
			return err
		}
		if s.Num > 1 {
			return fmt.Errorf("%w: ring %d enable %d", errProtocol, s.Index, s.Num)
		}
		was := r.enabled.Swap(s.Num == 1)
		if s.Num == 1 && !was {
			r.wake()
		}
		return nil

	case ReqGetConfig:
		return c.getConfig(m)

	case ReqSetConfig:
		if err := c.need(ProtocolConfig); err != nil {
			return err
		}
		if _, err := ParseConfigPayload(p); err != nil {
			return err
		}
		// Every field of the crypto config space is read-only.
		return softError{errors.New("config space is read-only")}

	case ReqCreateCryptoSession:
		if err := c.need(ProtocolCryptoSession); err != nil {
			return err
		}
		return c.createSession(m)

	case ReqCloseCryptoSession:
		if err := c.need(ProtocolCryptoSession); err != nil {
			return err
		}
		id, err := ParseU64(p)
		if err != nil {
			return err
		}
		st := c.dev.DestroySession(id)
		c.dev.ObserveSessionMessage(false, 0, st)
		if st != virtiocrypto.StatusOK {
			return softError{fmt.Errorf("close session %d: %v", id, st)}
		}
		return nil
	}
	return fmt.Errorf("%w: unsupported request %v", errProtocol, m.hdr.Request)
}

// need checks that a protocol feature was negotiated.
func (c *conn) need(f uint64) error {
	if c.protoAcked&f == 0 {
		return fmt.Errorf("%w: protocol feature %#x not negotiated", errProtocol, f)
	}
	return nil
}

// setMemTable maps the new regions and publishes them; queue goroutines
// pick the new table up at their next batch and the old mappings go away
// when the last batch using them ends.
func (c *conn) setMemTable(m *message) error {
	t, err := ParseMemoryTable(m.payload)
	if err != nil {
		return err
	}
	regions := make([]*guestmem.Region, 0, len(t.Regions))
	defer func() {
		for _, r := range regions {
			r.Release()
		}
	}()
	for i, mr := range t.Regions {
		if err := checkMemFD(m.fds[i], mr); err != nil {
			return fmt.Errorf("%w: region %d: %w", errProtocol, i, err)
		}
		r, err := guestmem.MapFD(m.fds[i], mr.GPA, mr.Size, mr.UserAddr, mr.MmapOffset)
		if err != nil {
			return fmt.Errorf("%w: region %d: %w", errProtocol, i, err)
		}
		regions = append(regions, r)
	}
	mem, err := guestmem.New(regions...)
	if err != nil {
		return fmt.Errorf("%w: %w", errProtocol, err)
	}
	c.table.Store(mem)
	return nil
}

// checkMemFD accepts only regular files (memfd, tmpfs, hugetlbfs) that
// cover the region: mapping past the end of a file would fault on access.
func checkMemFD(fd int, mr MemoryRegion) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("fstat: %w", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("memory fd is not a regular file (mode %#o)", st.Mode)
	}
	end := mr.MmapOffset + mr.Size
	if end < mr.MmapOffset || st.Size < 0 || uint64(st.Size) < end {
		return fmt.Errorf("memory file of %d bytes is shorter than mmap offset %#x + size %#x", st.Size, mr.MmapOffset, mr.Size)
	}
	return nil
}

// getConfig answers GET_CONFIG with the device's config space. Bytes past
// the 56-byte struct virtio_crypto_config read as zero up to MaxConfigSize;
// a range beyond that gets the spec's error reply (empty payload).
func (c *conn) getConfig(m *message) error {
	if err := c.need(ProtocolConfig); err != nil {
		return err
	}
	p, err := ParseConfigPayload(m.payload)
	if err != nil {
		return err
	}
	if uint64(p.Offset)+uint64(p.Size) > MaxConfigSize {
		return c.sendReply(m.hdr.Request, nil)
	}
	var space [MaxConfigSize]byte
	copy(space[:], c.dev.ConfigSpace())
	p.Data = space[p.Offset : p.Offset+p.Size]
	c.reply = p.Append(c.reply[:0])
	return c.sendReply(m.hdr.Request, c.reply)
}

// createSession handles CREATE_CRYPTO_SESSION: the reply always goes out
// (QEMU blocks until it arrives) with the new id or a negative status.
func (c *conn) createSession(m *message) error {
	s, err := ParseCreateSession(m.payload)
	if err != nil {
		return err
	}
	defer s.wipe()
	var id int64
	params, err := s.SessionParams()
	st := cryptodev.Status(err)
	if err == nil {
		var sid uint64
		sid, st = c.dev.CreateSession(&params)
		if st == virtiocrypto.StatusOK {
			if sid > 1<<63-1 {
				c.dev.DestroySession(sid)
				st = virtiocrypto.StatusErr
			} else {
				id = int64(sid)
			}
		}
	}
	c.dev.ObserveSessionMessage(true, s.OpCode, st)
	if st != virtiocrypto.StatusOK {
		c.log.Debug("vhost-user session refused", "layout", s.Layout, "opcode", s.OpCode, "status", st, "err", err)
		id = -int64(st)
	}
	c.reply, err = AppendSessionReply(c.reply[:0], m.payload, id)
	clear(m.payload)
	if err != nil {
		return err
	}
	return c.sendReply(m.hdr.Request, c.reply)
}
