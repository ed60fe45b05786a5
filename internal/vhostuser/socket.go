package vhostuser

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// message is one received message. Its payload aliases the connection's
// read buffer and is valid until the next read. fds holds the descriptors
// that came with it; a handler that keeps one sets its entry to -1, and
// closeFDs closes the rest.
type message struct {
	hdr     Header
	payload []byte
	fds     []int
}

// take returns fds[i] and marks it kept.
func (m *message) take(i int) int {
	fd := m.fds[i]
	m.fds[i] = -1
	return fd
}

// closeFDs closes every descriptor not taken.
func (m *message) closeFDs() {
	closeAll(m.fds)
	m.fds = m.fds[:0]
}

func closeAll(fds []int) {
	for i, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
			fds[i] = -1
		}
	}
}

// errTruncatedFDs: the sender passed more descriptors than a message may
// carry (the kernel dropped some).
var errTruncatedFDs = errors.New("vhostuser: too many file descriptors in one message")

// msgConn reads and writes vhost-user messages on a Unix stream socket.
// Reads and writes may run concurrently with each other and with Close, but
// there is at most one reader and one writer at a time.
type msgConn struct {
	uc      *net.UnixConn
	rc      syscall.RawConn
	buf     []byte // HeaderSize + MaxPayloadSize
	oob     []byte
	fds     []int
	wbuf    []byte
	timeout time.Duration // for the rest of a message once it started
}

func newMsgConn(uc *net.UnixConn, timeout time.Duration) (*msgConn, error) {
	rc, err := uc.SyscallConn()
	if err != nil {
		return nil, err
	}
	return &msgConn{
		uc: uc, rc: rc,
		buf:     make([]byte, HeaderSize+MaxPayloadSize),
		oob:     make([]byte, unix.CmsgSpace(MaxMemRegions*4)),
		fds:     make([]int, 0, MaxMemRegions),
		timeout: timeout,
	}, nil
}

// recv reads into b with recvmsg, appending received descriptors to
// c.fds. It returns 0, io.EOF at end of stream.
func (c *msgConn) recv(b []byte) (int, error) {
	var n, oobn, flags int
	var rerr error
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			n, oobn, flags, _, rerr = unix.Recvmsg(int(fd), b, c.oob, unix.MSG_CMSG_CLOEXEC|unix.MSG_DONTWAIT)
			if rerr != unix.EINTR {
				break
			}
		}
		return rerr != unix.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	if oobn > 0 {
		if perr := c.parseRights(c.oob[:oobn]); perr != nil && err == nil {
			err = perr
		}
	}
	if err == nil && flags&unix.MSG_CTRUNC != 0 {
		err = errTruncatedFDs
	}
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// parseRights appends the descriptors of every SCM_RIGHTS message in oob to
// c.fds; descriptors beyond MaxMemRegions are closed and reported.
func (c *msgConn) parseRights(oob []byte) error {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return fmt.Errorf("vhostuser: control message: %w", err)
	}
	var rerr error
	for i := range msgs {
		if msgs[i].Header.Level != unix.SOL_SOCKET || msgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		fds, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			rerr = fmt.Errorf("vhostuser: SCM_RIGHTS: %w", err)
			continue
		}
		for _, fd := range fds {
			if len(c.fds) < MaxMemRegions {
				c.fds = append(c.fds, fd)
			} else {
				unix.Close(fd)
				rerr = errTruncatedFDs
			}
		}
	}
	return rerr
}

// readFull fills b; started says whether part of the message was already
// read (then EOF is unexpected, and the timeout applies).
func (c *msgConn) readFull(b []byte, started bool) error {
	for off := 0; off < len(b); {
		n, err := c.recv(b[off:])
		if err != nil {
			if err == io.EOF && (started || off > 0) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if !started && off == 0 && c.timeout > 0 {
			c.uc.SetReadDeadline(time.Now().Add(c.timeout))
		}
		off += n
	}
	return nil
}

// read reads one message. A clean end of stream before the first byte
// returns io.EOF. On error every received descriptor is closed. checkHeader
// may reject a header before its payload is read.
func (c *msgConn) read(checkHeader func(Header) error) (*message, error) {
	c.fds = c.fds[:0]
	m, err := c.readMsg(checkHeader)
	if c.timeout > 0 {
		c.uc.SetReadDeadline(time.Time{})
	}
	if err != nil {
		closeAll(c.fds)
		c.fds = c.fds[:0]
		return nil, err
	}
	return m, nil
}

func (c *msgConn) readMsg(checkHeader func(Header) error) (*message, error) {
	if err := c.readFull(c.buf[:HeaderSize], false); err != nil {
		return nil, err
	}
	h, err := ParseHeader(c.buf[:HeaderSize])
	if err != nil {
		return nil, err
	}
	if h.Size > MaxPayloadSize {
		return nil, malformed("%v payload of %d bytes exceeds %d", h.Request, h.Size, MaxPayloadSize)
	}
	if checkHeader != nil {
		if err := checkHeader(h); err != nil {
			return nil, err
		}
	}
	p := c.buf[HeaderSize : HeaderSize+int(h.Size)]
	if err := c.readFull(p, true); err != nil {
		return nil, err
	}
	return &message{hdr: h, payload: p, fds: c.fds}, nil
}

// write sends one message with optional descriptors. The whole message is
// written or an error is returned.
func (c *msgConn) write(h Header, payload []byte, fds []int) error {
	if len(payload) != int(h.Size) {
		// Callers that forge sizes on purpose use writeRaw.
		return fmt.Errorf("vhostuser: header size %d for a %d-byte payload", h.Size, len(payload))
	}
	c.wbuf = h.Append(c.wbuf[:0])
	c.wbuf = append(c.wbuf, payload...)
	return c.writeRaw(c.wbuf, fds)
}

// writeRaw sends b, with fds attached to its first byte.
func (c *msgConn) writeRaw(b []byte, fds []int) error {
	if len(fds) == 0 {
		_, err := c.uc.Write(b)
		return err
	}
	oob := unix.UnixRights(fds...)
	var n int
	var werr error
	err := c.rc.Write(func(fd uintptr) bool {
		for {
			n, werr = unix.SendmsgN(int(fd), b, oob, nil, unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
			if werr != unix.EINTR {
				break
			}
		}
		return werr != unix.EAGAIN
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	if n < len(b) {
		_, err = c.uc.Write(b[n:])
	}
	return err
}
