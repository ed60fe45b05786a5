package cmac

import (
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
)

// MaxSize is the largest block size, and so the longest tag, this package
// supports (128-bit block ciphers such as AES).
const MaxSize = 16

// Errors returned by this package. They are wrapped with details (%w), so
// test for them with errors.Is.
var (
	// ErrBlockCipher: the block cipher is nil, or its block size is neither
	// 8 nor 16 bytes.
	ErrBlockCipher = errors.New("cmac: block cipher must have a 64- or 128-bit block")
	// ErrTagSize: the requested tag length is not between 1 and the block
	// size.
	ErrTagSize = errors.New("cmac: invalid tag length")
	// ErrZeroed: the MAC was wiped by Zero and can no longer be used.
	ErrZeroed = errors.New("cmac: use after Zero")
)

// MAC computes CMAC tags under one key. Build it with [New]. It holds no
// per-message state: all methods except [MAC.Zero] are safe for concurrent
// use.
type MAC struct {
	b      cipher.Block
	bs     int
	k1, k2 [MaxSize]byte
}

// New returns a CMAC for the block cipher b (already keyed), with the
// subkeys K1 and K2 precomputed as in SP 800-38B §6.1. b must have an 8- or
// 16-byte block; otherwise New returns an error wrapping [ErrBlockCipher].
// The MAC keeps b and calls only its Encrypt method; the caller must not
// change b afterwards.
func New(b cipher.Block) (*MAC, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil", ErrBlockCipher)
	}
	bs := b.BlockSize()
	var rb byte
	switch bs {
	case 8:
		rb = 0x1b // R_64, SP 800-38B §5.3
	case 16:
		rb = 0x87 // R_128, SP 800-38B §5.3
	default:
		return nil, fmt.Errorf("%w: block size %d", ErrBlockCipher, bs)
	}
	m := &MAC{b: b, bs: bs}
	var l [MaxSize]byte
	b.Encrypt(l[:bs], l[:bs]) // L = CIPH_K(0^b)
	double(m.k1[:bs], l[:bs], rb)
	double(m.k2[:bs], m.k1[:bs], rb)
	clear(l[:])
	return m, nil
}

// double sets dst = src·x in GF(2^b): src shifted left by one bit, XORed
// with rb if the bit shifted out was 1. It runs in constant time.
func double(dst, src []byte, rb byte) {
	mask := byte(0) - src[0]>>7 // 0xff if the MSB is set, else 0
	for i := 0; i < len(src)-1; i++ {
		dst[i] = src[i]<<1 | src[i+1]>>7
	}
	dst[len(src)-1] = src[len(src)-1]<<1 ^ rb&mask
}

// Size returns the block size of the underlying cipher in bytes, which is
// the length of an untruncated tag (8 or 16).
func (m *MAC) Size() int { return m.bs }

// scratch holds one chaining block per Sum call.
var scratch = sync.Pool{New: func() any { return new([MaxSize]byte) }}

// Sum computes the CMAC of msg (SP 800-38B §6.2) and writes its leading
// len(out) bytes to out. len(out) must be between 1 and [MAC.Size];
// otherwise Sum returns an error wrapping [ErrTagSize] and leaves out
// untouched. msg may be empty. out may overlap msg. Sum allocates nothing
// in steady state and is safe for concurrent use.
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
	clear(c) // C_0 = 0^b

	// All blocks but the last go through plain CBC. The last block is the
	// final full block (XORed with K1) or the padded partial block (XORed
	// with K2); the empty message is one padded block.
	n := len(msg)
	full := (n - 1) / bs // blocks before the last one (n >= 1)
	if n == 0 {
		full = 0
	}
	for i := 0; i < full; i++ {
		subtle.XORBytes(c, c, msg[i*bs:(i+1)*bs])
		m.b.Encrypt(c, c)
	}
	last := msg[full*bs:]
	if len(last) == bs {
		subtle.XORBytes(c, c, last)
		subtle.XORBytes(c, c, m.k1[:bs])
	} else {
		subtle.XORBytes(c[:len(last)], c[:len(last)], last)
		c[len(last)] ^= 0x80 // the padding 10^j
		subtle.XORBytes(c, c, m.k2[:bs])
	}
	m.b.Encrypt(c, c)
	copy(out, c)
	clear(p[:])
	scratch.Put(p)
	return nil
}

// Zero wipes the subkeys and drops the reference to the block cipher; later
// calls to Sum return [ErrZeroed]. The cipher's own key schedule belongs to
// the caller. Zero must not run concurrently with other methods.
func (m *MAC) Zero() {
	clear(m.k1[:])
	clear(m.k2[:])
	m.b = nil
}
