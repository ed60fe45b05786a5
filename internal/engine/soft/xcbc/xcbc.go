package xcbc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
)

const (
	// KeySize is the only key length accepted: 128 bits (RFC 3566 §4.1).
	KeySize = 16
	// Size is the length of an untruncated AES-XCBC-MAC output, 128 bits.
	Size = aes.BlockSize
	// Size96 is the output length of AES-XCBC-MAC-96 (RFC 3566 §2).
	Size96 = 12
)

// Errors returned by this package. They are wrapped with details (%w), so
// test for them with errors.Is.
var (
	// ErrKeySize: the key is not KeySize bytes.
	ErrKeySize = errors.New("xcbc: invalid key size")
	// ErrTagSize: the requested output length is not between 1 and Size.
	ErrTagSize = errors.New("xcbc: invalid tag length")
	// ErrZeroed: the MAC was wiped by Zero and can no longer be used.
	ErrZeroed = errors.New("xcbc: use after Zero")
)

// MAC computes AES-XCBC-MAC outputs under one key. Build it with [New]. It
// holds no per-message state: all methods except [MAC.Zero] are safe for
// concurrent use.
type MAC struct {
	k1     cipher.Block // AES under K1
	k2, k3 [Size]byte
}

// New derives K1, K2 and K3 from the 16-byte key (RFC 3566 §4.3 (1)) and
// returns a MAC. Any other key length gives an error wrapping [ErrKeySize].
// New keeps no reference to key.
func New(key []byte) (*MAC, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: %d bytes (want %d)", ErrKeySize, len(key), KeySize)
	}
	kb, err := aes.NewCipher(key)
	if err != nil { // unreachable for 16-byte keys
		return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	m := new(MAC)
	var k1 [Size]byte
	derive(kb, k1[:], 0x01)
	derive(kb, m.k2[:], 0x02)
	derive(kb, m.k3[:], 0x03)
	m.k1, err = aes.NewCipher(k1[:])
	clear(k1[:])
	if err != nil { // unreachable
		return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	return m, nil
}

// derive sets dst = E(K, c‖c‖…‖c).
func derive(kb cipher.Block, dst []byte, c byte) {
	for i := range dst {
		dst[i] = c
	}
	kb.Encrypt(dst, dst)
}

// scratch holds one chaining block per Sum call.
var scratch = sync.Pool{New: func() any { return new([Size]byte) }}

// Sum computes AES-XCBC-MAC of msg (RFC 3566 §4.3) and writes its leading
// len(out) bytes to out: 16 for the full MAC, 12 for AES-XCBC-MAC-96.
// len(out) must be between 1 and [Size]; otherwise Sum returns an error
// wrapping [ErrTagSize] and leaves out untouched. msg may be empty; out may
// overlap msg. Sum allocates nothing in steady state and is safe for
// concurrent use.
func (m *MAC) Sum(out, msg []byte) error {
	if m.k1 == nil {
		return ErrZeroed
	}
	if len(out) < 1 || len(out) > Size {
		return fmt.Errorf("%w: %d bytes (want 1..%d)", ErrTagSize, len(out), Size)
	}
	p := scratch.Get().(*[Size]byte)
	e := p[:]
	clear(e) // E[0] = 0

	// Blocks M[1]..M[n-1]: E[i] = E(K1, M[i] ^ E[i-1]). M[n] is the last
	// block: complete (XOR K2) or padded with 0x80 0x00… (XOR K3). The
	// empty message is a single padded block.
	n := 0
	if len(msg) > 0 {
		n = (len(msg) - 1) / Size
	}
	for i := 0; i < n; i++ {
		subtle.XORBytes(e, e, msg[i*Size:(i+1)*Size])
		m.k1.Encrypt(e, e)
	}
	last := msg[n*Size:]
	if len(last) == Size {
		subtle.XORBytes(e, e, last)
		subtle.XORBytes(e, e, m.k2[:])
	} else {
		subtle.XORBytes(e[:len(last)], e[:len(last)], last)
		e[len(last)] ^= 0x80
		subtle.XORBytes(e, e, m.k3[:])
	}
	m.k1.Encrypt(e, e)
	copy(out, e)
	clear(p[:])
	scratch.Put(p)
	return nil
}

// Zero wipes K2 and K3 and drops the AES object keyed with K1; later calls
// to Sum return [ErrZeroed]. Zero must not run concurrently with other
// methods.
func (m *MAC) Zero() {
	clear(m.k2[:])
	clear(m.k3[:])
	m.k1 = nil
}
