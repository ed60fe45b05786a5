// Package gcm implements the Galois/Counter Mode and GMAC of NIST SP 800-38D
// for any block cipher with a 128-bit block (AES, Twofish), for the cases
// that Go's crypto/cipher cannot express:
//
//   - the pre-counter block J0 given directly instead of an IV (the virtio
//     crypto spec passes a 16-byte AES-GCM IV as J0),
//   - an IV of any length of at least one byte (SP 800-38D §7.1 step 2)
//     combined with a truncated tag of 4, 8, 12, 13, 14, 15 or 16 bytes
//     (§5.2.1.2),
//   - GMAC, the tag over additional data only, for AES and Twofish.
//
// What the package owns: the GCTR counter sequence with inc32 (§6.2, §6.5:
// only the low 32 bits of the counter block increment, modulo 2^32), GHASH
// (§6.4) in a constant-time bitsliced-multiply formulation (see ghash.go for
// the trade-off against table-driven GHASH), J0 derivation (§7.1 step 2), the
// authenticated encryption and decryption functions (§7.1, §7.2), the
// length limits of §5.2.1.1 and the tag lengths of §5.2.1.2. It does not own
// the block cipher or its key schedule: the caller creates the cipher.Block
// and remains responsible for it.
//
// Buffers. Callers pass destination buffers; no method allocates. Encryption
// and decryption may run in place (dst and the source start at the same
// address); any other overlap between dst and the plaintext or ciphertext is
// rejected with ErrOverlap. The IV, J0 and additional data are read in full
// before dst is written, so they may alias anything. Every input byte is read
// exactly once, so a source that changes underneath the call (shared guest
// memory) cannot make the tag check and the decryption see different data.
//
// Concurrency. After New returns, a *GCM is safe for concurrent use by any
// number of goroutines. Zero must not run concurrently with any other method;
// after Zero every method returns ErrZeroed.
package gcm

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"sync"

	"vcrypto/internal/alias"
)

const (
	// BlockSize is the block size, in bytes, that New requires of the cipher.
	BlockSize = 16
	// J0Size is the length in bytes of a pre-counter block J0.
	J0Size = 16
	// StandardIVSize is the IV length (96 bits) for which J0 = IV ‖ 0^31 ‖ 1.
	StandardIVSize = 12
	// MinTagSize and MaxTagSize bound the tag lengths; see ValidTagSize for
	// the exact set.
	MinTagSize = 4
	MaxTagSize = 16
	// MaxPlaintextSize is the largest plaintext (and ciphertext without its
	// tag) in bytes: 2^39-256 bits, SP 800-38D §5.2.1.1, which is also the
	// most that 2^32-2 counter blocks after J0 can cover.
	MaxPlaintextSize uint64 = 1<<36 - 32
	// MaxAADSize is the largest additional data, and MaxIVSize the largest
	// IV, in bytes: 2^64-1 bits rounded down to whole bytes (§5.2.1.1).
	MaxAADSize uint64 = 1<<61 - 1
	MaxIVSize  uint64 = 1<<61 - 1
)

// Errors returned by this package. They are returned unwrapped, so callers
// may compare with == as well as errors.Is.
var (
	// ErrBlockSize: New was given a nil block or one whose block size is not 16.
	ErrBlockSize = errors.New("gcm: cipher block size must be 16 bytes")
	// ErrTagSize: the tag length is not one of 4, 8, 12, 13, 14, 15, 16.
	ErrTagSize = errors.New("gcm: unsupported tag length")
	// ErrIVSize: the IV is empty or longer than MaxIVSize, or a J0 is not 16 bytes.
	ErrIVSize = errors.New("gcm: invalid IV or J0 length")
	// ErrInputSize: the plaintext or additional data exceeds the SP 800-38D
	// limits, or a ciphertext is shorter than its tag.
	ErrInputSize = errors.New("gcm: invalid input length")
	// ErrShortBuffer: the destination is too short (or nil).
	ErrShortBuffer = errors.New("gcm: destination buffer too short")
	// ErrOverlap: dst and the source overlap without being identical in start.
	ErrOverlap = errors.New("gcm: destination partially overlaps source")
	// ErrAuth: the tag did not verify. Nothing from the ciphertext is released.
	ErrAuth = errors.New("gcm: message authentication failed")
	// ErrZeroed: the GCM was wiped with Zero (or is nil).
	ErrZeroed = errors.New("gcm: key material has been zeroed")
)

// ValidTagSize reports whether n is a tag length in bytes that this package
// accepts: 16, 15, 14, 13, 12 (SP 800-38D §5.2.1.2), and 8 or 4 (its
// Appendix C, for applications that need them).
func ValidTagSize(n int) bool {
	switch n {
	case 4, 8, 12, 13, 14, 15, 16:
		return true
	}
	return false
}

// GCM is GCM/GMAC keyed with one block cipher. Create it with New.
type GCM struct {
	b      cipher.Block
	h      ghashKey
	zeroed bool
}

// scratch holds the per-call blocks that must be passed to the block cipher
// through its interface (and would otherwise escape to the heap on every
// call). It is wiped before it goes back to the pool.
type scratch struct {
	ctr  [16]byte // current counter block
	ks   [16]byte // keystream block
	mask [16]byte // E(K, J0)
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// New returns a GCM for the block cipher b, which must have a 16-byte block.
// It computes the hash subkey H = E(K, 0^128). The caller keeps ownership of
// b and must not change its key afterwards.
func New(b cipher.Block) (*GCM, error) {
	if b == nil || b.BlockSize() != BlockSize {
		return nil, ErrBlockSize
	}
	var h [16]byte
	b.Encrypt(h[:], h[:])
	g := &GCM{b: b, h: newGHASHKey(&h)}
	clear(h[:])
	return g, nil
}

// Zero wipes H and the values derived from it and detaches the block cipher;
// afterwards every method returns ErrZeroed. The block cipher's own key
// schedule belongs to the caller. Zero must not run concurrently with other
// methods. Calling it more than once, or on nil, is harmless.
func (g *GCM) Zero() {
	if g == nil {
		return
	}
	g.h = ghashKey{}
	g.b = nil
	g.zeroed = true
}

func (g *GCM) usable() bool { return g != nil && !g.zeroed && g.b != nil }

func checkIV(iv []byte) error {
	if len(iv) == 0 || uint64(len(iv)) > MaxIVSize {
		return ErrIVSize
	}
	return nil
}

// checkSeal validates the arguments of every encrypting entry point.
func (g *GCM) checkSeal(dst, plaintext, aad []byte, tagLen int) error {
	if !g.usable() {
		return ErrZeroed
	}
	if !ValidTagSize(tagLen) {
		return ErrTagSize
	}
	if uint64(len(plaintext)) > MaxPlaintextSize || uint64(len(aad)) > MaxAADSize {
		return ErrInputSize
	}
	if len(dst)-tagLen < len(plaintext) {
		return ErrShortBuffer
	}
	if alias.InexactOverlap(dst[:len(plaintext)+tagLen], plaintext) {
		return ErrOverlap
	}
	return nil
}

// checkOpen validates the arguments of every decrypting entry point and
// returns the plaintext length.
func (g *GCM) checkOpen(dst, ciphertextAndTag, aad []byte, tagLen int) (int, error) {
	if !g.usable() {
		return 0, ErrZeroed
	}
	if !ValidTagSize(tagLen) {
		return 0, ErrTagSize
	}
	if len(ciphertextAndTag) < tagLen {
		return 0, ErrInputSize
	}
	n := len(ciphertextAndTag) - tagLen
	if uint64(n) > MaxPlaintextSize || uint64(len(aad)) > MaxAADSize {
		return 0, ErrInputSize
	}
	if len(dst) < n {
		return 0, ErrShortBuffer
	}
	if alias.InexactOverlap(dst[:n], ciphertextAndTag) {
		return 0, ErrOverlap
	}
	return n, nil
}

// DeriveJ0 sets *j0 to the pre-counter block for iv (SP 800-38D §7.1 step 2):
// IV ‖ 0^31 ‖ 1 for a 12-byte IV, otherwise
// GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]_64). iv must be 1..MaxIVSize bytes.
// iv may alias *j0.
func (g *GCM) DeriveJ0(j0 *[16]byte, iv []byte) error {
	if !g.usable() {
		return ErrZeroed
	}
	if j0 == nil {
		return ErrShortBuffer
	}
	if err := checkIV(iv); err != nil {
		return err
	}
	g.deriveJ0(j0, iv)
	return nil
}

func (g *GCM) deriveJ0(j0 *[16]byte, iv []byte) {
	if len(iv) == StandardIVSize {
		copy(j0[:12], iv)
		j0[12], j0[13], j0[14], j0[15] = 0, 0, 0, 1
		return
	}
	yhi, ylo := g.h.update(0, 0, iv)
	yhi, ylo = g.h.mul(yhi, ylo^uint64(len(iv))<<3)
	binary.BigEndian.PutUint64(j0[0:8], yhi)
	binary.BigEndian.PutUint64(j0[8:16], ylo)
}

// SealJ0 encrypts and authenticates plaintext with the pre-counter block j0
// (16 bytes) and the additional data aad, and writes ciphertext ‖ tag to
// dst[:len(plaintext)+tagLen] (SP 800-38D §7.1 steps 3–6). The counter
// sequence is inc32(J0), inc32²(J0), …: only the low 32 bits of j0 count and
// they wrap modulo 2^32. dst may be plaintext itself (same start) but must
// not otherwise overlap it. Bytes of dst past the output are not touched.
func (g *GCM) SealJ0(dst, j0, plaintext, aad []byte, tagLen int) error {
	if err := g.checkSeal(dst, plaintext, aad, tagLen); err != nil {
		return err
	}
	if len(j0) != J0Size {
		return ErrIVSize
	}
	var j [16]byte
	copy(j[:], j0)
	g.seal(dst, &j, plaintext, aad, tagLen)
	return nil
}

// Seal is SealJ0 with J0 derived from iv (any length from 1 byte; see
// DeriveJ0). A 12-byte IV with a 16-byte tag gives exactly what
// crypto/cipher's AES-GCM gives.
func (g *GCM) Seal(dst, iv, plaintext, aad []byte, tagLen int) error {
	if err := g.checkSeal(dst, plaintext, aad, tagLen); err != nil {
		return err
	}
	if err := checkIV(iv); err != nil {
		return err
	}
	var j [16]byte
	g.deriveJ0(&j, iv)
	g.seal(dst, &j, plaintext, aad, tagLen)
	return nil
}

// OpenJ0 verifies and decrypts ciphertextAndTag (ciphertext followed by a
// tagLen-byte tag) with the pre-counter block j0 (16 bytes) and the
// additional data aad, writing the plaintext to dst[:len(ciphertextAndTag)-tagLen]
// (SP 800-38D §7.2). The tag is compared in constant time. If it does not
// match, OpenJ0 returns ErrAuth and that part of dst is all zeros on return.
// dst may be ciphertextAndTag itself (same start) but must not otherwise
// overlap it.
func (g *GCM) OpenJ0(dst, j0, ciphertextAndTag, aad []byte, tagLen int) error {
	n, err := g.checkOpen(dst, ciphertextAndTag, aad, tagLen)
	if err != nil {
		return err
	}
	if len(j0) != J0Size {
		return ErrIVSize
	}
	var j [16]byte
	copy(j[:], j0)
	return g.open(dst[:n], &j, ciphertextAndTag, aad, tagLen)
}

// Open is OpenJ0 with J0 derived from iv (any length from 1 byte; see
// DeriveJ0).
func (g *GCM) Open(dst, iv, ciphertextAndTag, aad []byte, tagLen int) error {
	n, err := g.checkOpen(dst, ciphertextAndTag, aad, tagLen)
	if err != nil {
		return err
	}
	if err := checkIV(iv); err != nil {
		return err
	}
	var j [16]byte
	g.deriveJ0(&j, iv)
	return g.open(dst[:n], &j, ciphertextAndTag, aad, tagLen)
}

// GMAC writes to out the GMAC tag of msg under iv: the GCM tag with msg as
// the additional data and an empty plaintext (SP 800-38D §3, §7.1). The tag
// length is len(out) and must satisfy ValidTagSize. out may alias msg or iv.
func (g *GCM) GMAC(out, iv, msg []byte) error {
	if err := g.checkSeal(out, nil, msg, len(out)); err != nil {
		return err
	}
	if err := checkIV(iv); err != nil {
		return err
	}
	var j [16]byte
	g.deriveJ0(&j, iv)
	g.seal(out, &j, nil, msg, len(out))
	return nil
}

// GMACJ0 is GMAC with the pre-counter block j0 (16 bytes) given directly.
func (g *GCM) GMACJ0(out, j0, msg []byte) error {
	if err := g.checkSeal(out, nil, msg, len(out)); err != nil {
		return err
	}
	if len(j0) != J0Size {
		return ErrIVSize
	}
	var j [16]byte
	copy(j[:], j0)
	g.seal(out, &j, nil, msg, len(out))
	return nil
}

// seal does the work of SealJ0 on validated arguments.
func (g *GCM) seal(dst []byte, j0 *[16]byte, pt, aad []byte, tagLen int) {
	s := scratchPool.Get().(*scratch)
	s.ctr = *j0
	g.b.Encrypt(s.mask[:], s.ctr[:])

	yhi, ylo := g.h.update(0, 0, aad)
	n := len(pt)
	out := dst[:n]
	ctr := binary.BigEndian.Uint32(s.ctr[12:])
	for len(pt) >= 16 {
		ctr++
		binary.BigEndian.PutUint32(s.ctr[12:], ctr)
		g.b.Encrypt(s.ks[:], s.ctr[:])
		c0 := binary.BigEndian.Uint64(pt[0:8]) ^ binary.BigEndian.Uint64(s.ks[0:8])
		c1 := binary.BigEndian.Uint64(pt[8:16]) ^ binary.BigEndian.Uint64(s.ks[8:16])
		binary.BigEndian.PutUint64(out[0:8], c0)
		binary.BigEndian.PutUint64(out[8:16], c1)
		yhi, ylo = g.h.mul(yhi^c0, ylo^c1)
		pt, out = pt[16:], out[16:]
	}
	if len(pt) > 0 {
		ctr++
		binary.BigEndian.PutUint32(s.ctr[12:], ctr)
		g.b.Encrypt(s.ks[:], s.ctr[:])
		var blk [16]byte
		r := copy(blk[:], pt)
		for i := range r {
			blk[i] ^= s.ks[i]
		}
		copy(out, blk[:r])
		yhi, ylo = g.h.mul(yhi^binary.BigEndian.Uint64(blk[0:8]), ylo^binary.BigEndian.Uint64(blk[8:16]))
	}
	yhi, ylo = g.h.mul(yhi^uint64(len(aad))<<3, ylo^uint64(n)<<3)

	var tag [16]byte
	binary.BigEndian.PutUint64(tag[0:8], yhi^binary.BigEndian.Uint64(s.mask[0:8]))
	binary.BigEndian.PutUint64(tag[8:16], ylo^binary.BigEndian.Uint64(s.mask[8:16]))
	copy(dst[n:n+tagLen], tag[:tagLen])

	*s = scratch{}
	scratchPool.Put(s)
}

// open does the work of OpenJ0 on validated arguments; len(dst) is the
// plaintext length.
func (g *GCM) open(dst []byte, j0 *[16]byte, in, aad []byte, tagLen int) error {
	n := len(dst)
	var want [16]byte
	copy(want[:], in[n:n+tagLen])
	ct := in[:n]

	s := scratchPool.Get().(*scratch)
	s.ctr = *j0
	g.b.Encrypt(s.mask[:], s.ctr[:])

	yhi, ylo := g.h.update(0, 0, aad)
	out := dst
	ctr := binary.BigEndian.Uint32(s.ctr[12:])
	for len(ct) >= 16 {
		ctr++
		binary.BigEndian.PutUint32(s.ctr[12:], ctr)
		g.b.Encrypt(s.ks[:], s.ctr[:])
		c0 := binary.BigEndian.Uint64(ct[0:8])
		c1 := binary.BigEndian.Uint64(ct[8:16])
		yhi, ylo = g.h.mul(yhi^c0, ylo^c1)
		binary.BigEndian.PutUint64(out[0:8], c0^binary.BigEndian.Uint64(s.ks[0:8]))
		binary.BigEndian.PutUint64(out[8:16], c1^binary.BigEndian.Uint64(s.ks[8:16]))
		ct, out = ct[16:], out[16:]
	}
	if len(ct) > 0 {
		ctr++
		binary.BigEndian.PutUint32(s.ctr[12:], ctr)
		g.b.Encrypt(s.ks[:], s.ctr[:])
		var blk [16]byte
		r := copy(blk[:], ct)
		yhi, ylo = g.h.mul(yhi^binary.BigEndian.Uint64(blk[0:8]), ylo^binary.BigEndian.Uint64(blk[8:16]))
		for i := range r {
			blk[i] ^= s.ks[i]
		}
		copy(out, blk[:r])
		clear(blk[:])
	}
	yhi, ylo = g.h.mul(yhi^uint64(len(aad))<<3, ylo^uint64(n)<<3)

	var tag [16]byte
	binary.BigEndian.PutUint64(tag[0:8], yhi^binary.BigEndian.Uint64(s.mask[0:8]))
	binary.BigEndian.PutUint64(tag[8:16], ylo^binary.BigEndian.Uint64(s.mask[8:16]))
	ok := subtle.ConstantTimeCompare(tag[:tagLen], want[:tagLen]) == 1
	clear(tag[:])

	*s = scratch{}
	scratchPool.Put(s)

	if !ok {
		clear(dst)
		return ErrAuth
	}
	return nil
}
