//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// errShortRead reports that the kernel returned fewer bytes than asked
// for and then nothing more.
var errShortRead = errors.New("afalg: short read")

// tfm is one AF_ALG skcipher transform socket bound to a driver by name.
type tfm struct {
	fd int
}

// openTFM binds an AF_ALG skcipher socket to driver (a driver name such as
// "virtio_crypto_aes_cbc" forces that implementation).
func openTFM(driver string) (*tfm, error) {
	fd, err := unix.Socket(unix.AF_ALG, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket(AF_ALG): %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrALG{Type: "skcipher", Name: driver}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind(skcipher, %q): %w", driver, err)
	}
	return &tfm{fd: fd}, nil
}

func (t *tfm) close() { unix.Close(t.fd) }

// setKey sets the transform's key; in the virtio driver this creates an
// encrypt and a decrypt session (and closes the previous pair).
func (t *tfm) setKey(key []byte) error {
	if err := unix.SetsockoptString(t.fd, unix.SOL_ALG, unix.ALG_SET_KEY, string(key)); err != nil {
		return fmt.Errorf("setsockopt(ALG_SET_KEY, %d bytes): %w", len(key), err)
	}
	return nil
}

// algOOB builds the two SOL_ALG control messages ALG_SET_OP and ALG_SET_IV.
func algOOB(op uint32, iv []byte) []byte {
	opLen := unix.CmsgSpace(4)
	ivLen := unix.CmsgSpace(4 + len(iv))
	b := make([]byte, opLen+ivLen)
	putCmsg(b, unix.SOL_ALG, unix.ALG_SET_OP, binary.NativeEndian.AppendUint32(nil, op))
	ivData := binary.NativeEndian.AppendUint32(nil, uint32(len(iv)))
	ivData = append(ivData, iv...)
	putCmsg(b[opLen:], unix.SOL_ALG, unix.ALG_SET_IV, ivData)
	return b
}

// putCmsg writes one control message (struct cmsghdr: size_t len, int
// level, int type, then data) at the start of b.
func putCmsg(b []byte, level, typ int, data []byte) {
	binary.NativeEndian.PutUint64(b[0:], uint64(unix.CmsgLen(len(data))))
	binary.NativeEndian.PutUint32(b[8:], uint32(int32(level)))
	binary.NativeEndian.PutUint32(b[12:], uint32(int32(typ)))
	copy(b[unix.CmsgLen(0):], data)
}

// crypt runs one AF_ALG operation: it accepts an operation socket, sends
// src in the pieces given by sendSplit (byte counts; the remainder goes in
// a last piece), then reads len(src) bytes into dst in the pieces given by
// readSplit. Several read pieces make the kernel issue several requests to
// the driver, chaining the IV between them.
func (t *tfm) crypt(op uint32, iv, src, dst []byte, sendSplit, readSplit []int) error {
	if len(dst) != len(src) {
		return fmt.Errorf("crypt: dst %d bytes, src %d bytes", len(dst), len(src))
	}
	r, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(t.fd), 0, 0, unix.SOCK_CLOEXEC, 0, 0)
	if errno != 0 {
		return fmt.Errorf("accept4(AF_ALG): %w", errno)
	}
	opfd := int(r)
	defer unix.Close(opfd)

	pieces := splitAt(len(src), sendSplit)
	off := 0
	for i, n := range pieces {
		var oob []byte
		if i == 0 {
			oob = algOOB(op, iv)
		}
		flags := 0
		if i < len(pieces)-1 {
			flags = unix.MSG_MORE
		}
		sent, err := unix.SendmsgN(opfd, src[off:off+n], oob, nil, flags)
		if err != nil {
			return fmt.Errorf("sendmsg(piece %d, %d bytes): %w", i, n, err)
		}
		if sent != n {
			return fmt.Errorf("sendmsg(piece %d): sent %d of %d bytes", i, sent, n)
		}
		off += n
	}

	off = 0
	for i, n := range splitAt(len(dst), readSplit) {
		end := off + n
		for off < end {
			got, err := unix.Read(opfd, dst[off:end])
			if err != nil {
				return fmt.Errorf("read(piece %d, %d bytes at %d): %w", i, end-off, off, err)
			}
			if got == 0 {
				return fmt.Errorf("read(piece %d) at %d of %d: %w", i, off, len(dst), errShortRead)
			}
			off += got
		}
	}
	return nil
}

// splitAt turns a list of piece sizes into pieces covering exactly total
// bytes: sizes that do not fit are clipped, and the remainder becomes the
// last piece. No piece is empty.
func splitAt(total int, sizes []int) []int {
	var out []int
	left := total
	for _, s := range sizes {
		if s <= 0 || s >= left {
			continue
		}
		out = append(out, s)
		left -= s
	}
	if left > 0 || len(out) == 0 {
		out = append(out, left)
	}
	return out
}
