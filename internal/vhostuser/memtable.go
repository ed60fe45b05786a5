package vhostuser

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// SendMemTable sends SET_MEM_TABLE with table t and its memory files fds
// (one per region, in table order; they stay the caller's), instead of the
// Frontend's own guest memory, and returns how long the backend took to
// acknowledge it. The table is sent as given (a hostile or odd table is the
// caller's business). With REPLY_ACK negotiated the time runs from the send
// to the backend's acknowledgement and a refusal is an ErrBadReply;
// without it no answer is awaited and the duration is that of the send
// alone. The Frontend's rings live in its own memory: a table that does not
// map it makes the backend fail any ring it serves.
func (f *Frontend) SendMemTable(t MemoryTable, fds []int) (time.Duration, error) {
	if len(fds) != len(t.Regions) {
		return 0, fmt.Errorf("%w: %d memory files for %d regions", ErrInvalidArg, len(fds), len(t.Regions))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	start := time.Now()
	_, err := f.exchange(Header{Request: ReqSetMemTable}, t.Append(nil), fds, f.needAck(ReqSetMemTable), nil)
	return time.Since(start), err
}

// NewSparseMemFD returns a memfd of size bytes that holds no memory yet (a
// sparse file: pages are allocated when first written), for a large guest
// memory region in tests and benchmarks. The caller closes it.
func NewSparseMemFD(size int64) (int, error) {
	if size <= 0 {
		return -1, fmt.Errorf("%w: memfd size %d", ErrInvalidArg, size)
	}
	fd, err := unix.MemfdCreate("vcrypto-guest-sparse", unix.MFD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("vhostuser: memfd_create: %w", err)
	}
	if err := unix.Ftruncate(fd, size); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("vhostuser: ftruncate: %w", err)
	}
	return fd, nil
}
