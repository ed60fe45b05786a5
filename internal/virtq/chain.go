package virtq

import "io"

// Chain is one descriptor chain taken by Pop: its head index and its
// buffers, device-readable ones first. The zero Chain is ready for Pop;
// reuse one Chain for every Pop to avoid allocations (its segment array
// grows to the longest chain seen and is then reused). Pop overwrites a
// Chain: slices obtained from it must not be used for the previous chain
// after the next Pop into it, nor after the chain is pushed.
type Chain struct {
	head     uint16
	segs     [][]byte // readable segments, then writable ones
	nread    int      // number of readable segments
	rlen     int      // readable bytes
	wlen     int      // writable bytes (status included)
	indirect bool
	r        Reader
	w        Writer

	// For a malformed chain: where its status byte would be (see
	// ErrorStatus) and the writable bytes seen on the way.
	errStatus []byte
	errWLen   int
}

func (c *Chain) reset() {
	c.head, c.segs, c.nread, c.rlen, c.wlen, c.indirect = 0, c.segs[:0], 0, 0, 0, false
	c.r, c.w = Reader{}, Writer{}
	c.errStatus, c.errWLen = nil, 0
}

// ErrorStatus is for a chain that Pop reported as malformed. If the chain's
// end could still be reached (next indices inside the table, at most one
// valid indirect table, no loop) and its last descriptor is device-writable,
// non-empty and inside guest memory, it returns that descriptor's last
// byte — where a device type like virtio-crypto puts its status — and the
// total length of the in-memory writable buffers seen, for the used length.
// Otherwise it returns nil, 0: the chain can hold no status.
func (c *Chain) ErrorStatus() ([]byte, int) { return c.errStatus, c.errWLen }

// Head returns the index of the chain's head descriptor: the id to Push.
func (c *Chain) Head() uint16 { return c.head }

// ReadableLen returns the total length of the device-readable buffers.
func (c *Chain) ReadableLen() int { return c.rlen }

// WritableLen returns the total length of the device-writable buffers, as
// Pop found them (CarveStatus does not change it).
func (c *Chain) WritableLen() int { return c.wlen }

// Indirect reports whether the chain used an indirect descriptor table.
func (c *Chain) Indirect() bool { return c.indirect }

// Readable returns the device-readable buffers in chain order. The slices
// alias guest memory.
func (c *Chain) Readable() [][]byte { return c.segs[:c.nread:c.nread] }

// Writable returns the device-writable buffers in chain order (without the
// status byte once CarveStatus took it). The slices alias guest memory.
func (c *Chain) Writable() [][]byte { return c.w.segs[:len(c.w.segs):len(c.w.segs)] }

// Reader returns the stream over the readable buffers. Pop positions it at
// the first byte; the pointer stays valid (and shares its position) until
// the next Pop into c.
func (c *Chain) Reader() *Reader { return &c.r }

// Writer returns the stream over the writable buffers. Pop positions it at
// the first byte; the pointer stays valid (and shares its position) until
// the next Pop into c.
func (c *Chain) Writer() *Writer { return &c.w }

// Reader reads a chain's device-readable buffers as one stream. Its methods
// never panic; they copy out of guest memory, which the guest may change
// concurrently.
type Reader struct {
	segs [][]byte
	i    int // current segment
	off  int // offset in segs[i]
	rem  int // bytes left
}

// advance moves the position n bytes forward; n <= r.rem.
func (r *Reader) advance(n int) {
	r.rem -= n
	for n > 0 {
		k := min(n, len(r.segs[r.i])-r.off)
		n -= k
		r.off += k
		if r.off == len(r.segs[r.i]) {
			r.i, r.off = r.i+1, 0
		}
	}
}

// Read implements io.Reader: it copies up to len(p) bytes and returns io.EOF
// once the readable buffers are exhausted.
func (r *Reader) Read(p []byte) (int, error) {
	if r.rem == 0 {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.rem > 0 {
		k := copy(p[n:], r.segs[r.i][r.off:])
		r.advance(k)
		n += k
	}
	return n, nil
}

// ReadFull fills p, or returns io.ErrUnexpectedEOF and consumes nothing when
// fewer than len(p) bytes remain.
func (r *Reader) ReadFull(p []byte) error {
	if len(p) > r.rem {
		return io.ErrUnexpectedEOF
	}
	_, _ = r.Read(p)
	return nil
}

// Skip moves past n bytes, or returns io.ErrUnexpectedEOF and consumes
// nothing when n is negative or more than Remaining.
func (r *Reader) Skip(n int) error {
	if n < 0 || n > r.rem {
		return io.ErrUnexpectedEOF
	}
	r.advance(n)
	return nil
}

// Next returns the next at most limit bytes that are contiguous in guest
// memory (never crossing a buffer boundary) and moves past them. The slice
// aliases guest memory; it is empty only when limit <= 0 or nothing remains.
func (r *Reader) Next(limit int) []byte {
	if limit <= 0 || r.rem == 0 {
		return nil
	}
	s := r.segs[r.i][r.off:]
	s = s[:min(len(s), limit):min(len(s), limit)]
	r.advance(len(s))
	return s
}

// Remaining returns the number of readable bytes not yet consumed.
func (r *Reader) Remaining() int { return r.rem }

// Writer writes a chain's device-writable buffers as one stream, from the
// start of the first writable buffer. Its methods never panic.
type Writer struct {
	segs    [][]byte
	i       int
	off     int
	rem     int
	written int
	carved  bool
}

func (w *Writer) advance(n int) {
	w.rem -= n
	w.written += n
	for n > 0 {
		k := min(n, len(w.segs[w.i])-w.off)
		n -= k
		w.off += k
		if w.off == len(w.segs[w.i]) {
			w.i, w.off = w.i+1, 0
		}
	}
}

// Write implements io.Writer: it copies as much of p as fits and returns
// io.ErrShortWrite if not all of it did.
func (w *Writer) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) && w.rem > 0 {
		k := copy(w.segs[w.i][w.off:], p[n:])
		w.advance(k)
		n += k
	}
	if n < len(p) {
		return n, io.ErrShortWrite
	}
	return n, nil
}

// Skip moves past n bytes without writing them (they count as written), or
// returns io.ErrShortWrite and moves nothing when n is negative or more than
// Remaining.
func (w *Writer) Skip(n int) error {
	if n < 0 || n > w.rem {
		return io.ErrShortWrite
	}
	w.advance(n)
	return nil
}

// Next returns the next at most limit writable bytes that are contiguous in
// guest memory and moves past them (they count as written), for writing in
// place. It is empty only when limit <= 0 or nothing remains.
func (w *Writer) Next(limit int) []byte {
	if limit <= 0 || w.rem == 0 {
		return nil
	}
	s := w.segs[w.i][w.off:]
	s = s[:min(len(s), limit):min(len(s), limit)]
	w.advance(len(s))
	return s
}

// Remaining returns the number of writable bytes not yet written.
func (w *Writer) Remaining() int { return w.rem }

// Written returns the number of bytes written, skipped or handed out by
// Next so far.
func (w *Writer) Written() int { return w.written }

// CarveStatus takes the last byte of the last writable buffer out of the
// stream and returns it as a 1-byte slice of guest memory, for a status
// that the device type places there (virtio-crypto's inhdr). Call it before
// writing: Remaining shrinks by one and the stream ends before that byte,
// however many (possibly repeated) buffers precede it. It returns
// ErrNoStatus, changing nothing, if no unwritten byte remains or the status
// was already carved.
func (w *Writer) CarveStatus() ([]byte, error) {
	if w.carved || w.rem == 0 {
		return nil, ErrNoStatus
	}
	last := len(w.segs) - 1
	s := w.segs[last]
	status := s[len(s)-1 : len(s) : len(s)]
	w.segs[last] = s[: len(s)-1 : len(s)-1]
	if len(w.segs[last]) == 0 {
		w.segs = w.segs[:last]
	}
	w.rem--
	w.carved = true
	return status, nil
}
