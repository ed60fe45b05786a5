package cbcmac

import (
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
)

// MaxSize is the largest block size, and so the longest MAC, this package
// supports (128-bit block ciphers such as AES).
const MaxSize = 16

// Errors returned by this package. They are wrapped with details (%w), so
// test for them with errors.Is.
var (
	// ErrBlockCipher: the block cipher is nil, or its block size is neither
	// 8 nor 16 bytes.
	ErrBlockCipher = errors.New("cbcmac: block cipher must have a 64- or 128-bit block")
	// ErrTagSize: the requested MAC length is not between 1 and the block
	// size.
	ErrTagSize = errors.New("cbcmac: invalid tag length")
	// ErrZeroed: the MAC was wiped by Zero and can no longer be used.
	ErrZeroed = errors.New("cbcmac: use after Zero")
)

// MAC computes CBC-MACs under one block cipher. Build it with [New]. It
// holds no per-message state: all methods except [MAC.Zero] are safe for
// concurrent use.
type MAC struct {
	b  cipher.Block
	bs int
}

// New returns a CBC-MAC over the block cipher b (already keyed). b must
// have an 8- or 16-byte block; otherwise New returns an error wrapping
// [ErrBlockCipher]. The MAC keeps b and calls only its Encrypt method; the
// caller must not change b afterwards.
func New(b cipher.Block) (*MAC, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil", ErrBlockCipher)
	}
	bs := b.BlockSize()
	if bs != 8 && bs != 16 {
		return nil, fmt.Errorf("%w: block size %d", ErrBlockCipher, bs)
	}
	return &MAC{b: b, bs: bs}, nil
}

// Size returns the block size of the underlying cipher in bytes, which is
// the length of an untruncated MAC (8 or 16).
func (m *MAC) Size() int { return m.bs }

// scratch holds one chaining block per Sum call.
var scratch = sync.Pool{New: func() any { return new([MaxSize]byte) }}

// Sum computes the CBC-MAC of msg as defined in the package documentation
// (zero IV, last partial block zero-padded, empty message → zero block) and
// writes its leading len(out) bytes to out. len(out) must be between 1 and
// [MAC.Size]; otherwise Sum returns an error wrapping [ErrTagSize] and
// leaves out untouched. out may overlap msg. Sum allocates nothing in
// steady state and is safe for concurrent use.
func (m *MAC) Sum(out, msg []byte) error {
	if m.b == nil {
		return ErrZeroed
	}
	if len(out) < 1 || len(out) > m.bs {
		return fmt.Errorf("%w: %d bytes (want 1..%d)", ErrTagSize, len(out), m.bs)
	}
	bs := m.bs
	p := scratch.Get().(*[MaxSize]byte)
	c := p[:bs]
	clear(c)
	for len(msg) >= bs {
		subtle.XORBytes(c, c, msg[:bs])
		m.b.Encrypt(c, c)
		msg = msg[bs:]
	}
	if len(msg) > 0 { // zero padding: only the message bytes change C
		subtle.XORBytes(c[:len(msg)], c[:len(msg)], msg)
		m.b.Encrypt(c, c)
	}
	copy(out, c)
	clear(p[:])
	scratch.Put(p)
	return nil
}

// Zero drops the reference to the block cipher; later calls to Sum return
// [ErrZeroed]. (The package holds no key bytes of its own.) Zero must not
// run concurrently with other methods.
func (m *MAC) Zero() {
	m.b = nil
}
