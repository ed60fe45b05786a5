package snow3g

import (
	"encoding/binary"

	"vcrypto/internal/alias"
)

// UEA2 is the 3GPP confidentiality algorithm UEA2 (f8) keyed with a
// confidentiality key CK (Document 1, §3). It is immutable after NewUEA2 and
// safe for concurrent use by any number of goroutines, except that Zero must
// not run concurrently with anything else.
type UEA2 struct {
	k [4]uint32 // k0..k3 in Document 2 notation
}

// NewUEA2 returns UEA2 keyed with the 16-byte CK (Document 1 byte order:
// CK[0..31], the first four bytes, is the SNOW 3G key word k3). It fails
// with ErrInvalidKeySize. The key bytes are copied; the caller may wipe key.
func NewUEA2(key []byte) (*UEA2, error) {
	if len(key) != KeySize {
		return nil, ErrInvalidKeySize
	}
	return &UEA2{k: wordsFromBytes(key)}, nil
}

// XORKeyStream encrypts or decrypts: it XORs the UEA2 keystream for iv into
// src and writes len(src) bytes to dst. iv is the 16-byte SNOW 3G IV as
// DPDK passes it for SNOW3G-UEA2, IV3 ‖ IV2 ‖ IV1 ‖ IV0 of Document 1 §3
// (COUNT-C ‖ BEARER ‖ DIRECTION ‖ 0…0 twice; see UEA2IV); it is used as
// is. dst must be at least len(src) bytes; dst and src may be the same
// slice (in place) but must not otherwise overlap. The data length is whole
// bytes: use XORKeyStreamBits for bit lengths. Errors: ErrInvalidIVSize,
// ErrShortBuffer, ErrInexactOverlap; on error dst is untouched. It never
// allocates.
func (u *UEA2) XORKeyStream(dst, src, iv []byte) error {
	if len(iv) != IVSize {
		return ErrInvalidIVSize
	}
	if len(dst) < len(src) {
		return ErrShortBuffer
	}
	dst = dst[:len(src)]
	if alias.InexactOverlap(dst, src) {
		return ErrInexactOverlap
	}
	u.xor(dst, src, iv)
	return nil
}

// XORKeyStreamBits is XORKeyStream for a message of nbits bits, the form in
// which Document 1 and the test data define UEA2. The first (nbits+7)/8
// bytes of src are processed; in the last byte only the nbits%8 most
// significant bits are encrypted and the remaining low bits are copied from
// src unchanged. Bytes of dst past (nbits+7)/8 are not touched. Errors:
// ErrInvalidIVSize, ErrInvalidLength (nbits < 0), ErrShortBuffer (src or
// dst shorter than (nbits+7)/8 bytes), ErrInexactOverlap.
func (u *UEA2) XORKeyStreamBits(dst, src, iv []byte, nbits int) error {
	if len(iv) != IVSize {
		return ErrInvalidIVSize
	}
	if nbits < 0 {
		return ErrInvalidLength
	}
	n := nbits / 8
	rem := nbits % 8
	if rem != 0 {
		n++
	}
	if len(src) < n || len(dst) < n {
		return ErrShortBuffer
	}
	dst, src = dst[:n], src[:n]
	if alias.InexactOverlap(dst, src) {
		return ErrInexactOverlap
	}
	if n == 0 {
		return nil
	}
	last := src[n-1]
	u.xor(dst, src, iv)
	if rem != 0 {
		keep := byte(0xff) >> rem // low bits beyond nbits
		dst[n-1] = dst[n-1]&^keep | last&keep
	}
	return nil
}

// xor does the work of XORKeyStream once arguments are validated:
// len(dst) == len(src), len(iv) == IVSize.
func (u *UEA2) xor(dst, src, iv []byte) {
	v := wordsFromBytes(iv)
	var c core
	c.initialize(&u.k, &v)
	var z [16]uint32
	for len(src) >= 64 {
		c.block(&z)
		d, s := dst[:64], src[:64]
		for i := 0; i < 16; i += 2 {
			w := uint64(z[i])<<32 | uint64(z[i+1])
			binary.BigEndian.PutUint64(d[4*i:], binary.BigEndian.Uint64(s[4*i:])^w)
		}
		dst, src = dst[64:], src[64:]
	}
	if len(src) > 0 {
		c.block(&z)
		var ks [64]byte
		for i, w := range z {
			binary.BigEndian.PutUint32(ks[4*i:], w)
		}
		for i := range src {
			dst[i] = src[i] ^ ks[i]
		}
		clear(ks[:])
	}
	// Best-effort wipe of keystream and state left on the stack.
	clear(z[:])
	clear(c.s[:])
}

// Zero wipes the key. The UEA2 value must not be used afterwards, and Zero
// must not run concurrently with any other method.
func (u *UEA2) Zero() {
	clear(u.k[:])
}
