package aesblocks

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"

	"vcrypto/internal/alias"
)

// BlockSize is the AES block size in bytes.
const BlockSize = 16

// maxRoundKeyBytes is the size of an AES-256 key schedule: 15 round keys.
const maxRoundKeyBytes = 15 * BlockSize

// Errors returned by this package. They are wrapped with details (%w), so
// test for them with errors.Is.
var (
	// ErrKeySize: the key is not 16, 24 or 32 bytes long.
	ErrKeySize = errors.New("aesblocks: invalid key size")
	// ErrInputSize: an ECB input is not a whole number of 16-byte blocks.
	ErrInputSize = errors.New("aesblocks: input not a multiple of the block size")
	// ErrShortDst: the destination is shorter than the source.
	ErrShortDst = errors.New("aesblocks: destination shorter than source")
	// ErrIVSize: the CTR initial counter block is not 16 bytes long.
	ErrIVSize = errors.New("aesblocks: initial counter block must be 16 bytes")
	// ErrOverlap: dst and src share memory without starting at the same
	// address. Exact in-place operation (same first byte) is allowed.
	ErrOverlap = errors.New("aesblocks: dst and src overlap inexactly")
	// ErrZeroed: the Cipher has no key: it was wiped by Zero, or it was
	// not made by New (a nil pointer or a zero Cipher value).
	ErrZeroed = errors.New("aesblocks: cipher has no key (use after Zero, or not made by New)")
)

// Cipher is an AES key schedule. Build it with [New]; a zero Cipher or a
// nil *Cipher has no key, and its methods return [ErrZeroed]. All methods
// except [Cipher.Zero] are safe for concurrent use and allocate nothing.
type Cipher struct {
	enc [maxRoundKeyBytes]byte // encryption round keys (asm path)
	dec [maxRoundKeyBytes]byte // equivalent-inverse-cipher round keys (asm path)
	nr  int                    // rounds: 10, 12 or 14
	// impl is the code path; the assembly ones use enc/dec, the generic
	// one uses blk.
	impl implKind
	// blk is the crypto/aes block of the generic path; nil on the
	// assembly paths and after Zero.
	blk    cipher.Block
	zeroed bool
}

// implKind names an implementation path.
type implKind uint8

const (
	implGeneric implKind = iota // crypto/aes, one block per call
	implAESNI                   // amd64 AES-NI, 8 blocks per iteration
	implVAES                    // amd64 AVX-512 VAES, 32 blocks per iteration
)

func (k implKind) String() string {
	switch k {
	case implGeneric:
		return "generic"
	case implAESNI:
		return "aesni"
	case implVAES:
		return "vaes"
	}
	return "unknown"
}

// New expands key, which must be 16, 24 or 32 bytes (AES-128, AES-192,
// AES-256); otherwise it returns an error wrapping [ErrKeySize]. The Cipher
// keeps no reference to key.
func New(key []byte) (*Cipher, error) {
	return newCipher(key, bestImpl)
}

// newCipher builds a Cipher on the given path, or on bestImpl if this
// machine lacks that path. Tests use it to run every path.
func newCipher(key []byte, impl implKind) (*Cipher, error) {
	switch len(key) {
	case 16, 24, 32:
	default:
		return nil, fmt.Errorf("%w: %d bytes", ErrKeySize, len(key))
	}
	impl = min(impl, bestImpl) // never run code the CPU lacks
	c := &Cipher{nr: len(key)/4 + 6, impl: impl}
	if impl != implGeneric {
		expandKey(c, key)
		return c, nil
	}
	b, err := aes.NewCipher(key)
	if err != nil { // not reached: the length was checked above
		return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	c.blk = b
	return c, nil
}

// Zero wipes the round keys held by c; afterwards every method returns an
// error wrapping [ErrZeroed]. On the generic path the key schedule lives in
// crypto/aes, which offers no way to wipe it: Zero drops c's reference and
// leaves the rest to the garbage collector. Zero must not run concurrently
// with any other method on c. Calling it more than once is harmless.
func (c *Cipher) Zero() {
	if c == nil {
		return
	}
	clear(c.enc[:])
	clear(c.dec[:])
	c.blk = nil
	c.zeroed = true
}

// usable reports whether c holds a key.
func (c *Cipher) usable() bool {
	return c != nil && !c.zeroed && c.nr != 0
}

// checkECB validates the arguments of an ECB call.
func (c *Cipher) checkECB(dst, src []byte) error {
	if !c.usable() {
		return ErrZeroed
	}
	if len(src)%BlockSize != 0 {
		return fmt.Errorf("%w: %d bytes", ErrInputSize, len(src))
	}
	if len(dst) < len(src) {
		return fmt.Errorf("%w: %d < %d", ErrShortDst, len(dst), len(src))
	}
	if alias.InexactOverlap(dst[:len(src)], src) {
		return ErrOverlap
	}
	return nil
}

// EncryptBlocks encrypts src into dst in ECB mode (SP 800-38A §6.1). src
// must be a whole number of 16-byte blocks (else [ErrInputSize]) and dst at
// least as long (else [ErrShortDst]); only dst[:len(src)] is written. dst
// and src may be the same buffer but must not overlap otherwise
// ([ErrOverlap]). An empty src is a no-op. On error nothing is written.
func (c *Cipher) EncryptBlocks(dst, src []byte) error {
	if err := c.checkECB(dst, src); err != nil {
		return err
	}
	if len(src) == 0 {
		return nil
	}
	if c.impl != implGeneric {
		encryptBlocksAsm(c, dst, src)
		return nil
	}
	encryptBlocksGeneric(c.blk, dst, src)
	return nil
}

// DecryptBlocks decrypts src into dst in ECB mode (SP 800-38A §6.1), with
// the same rules for lengths and overlap as [Cipher.EncryptBlocks].
func (c *Cipher) DecryptBlocks(dst, src []byte) error {
	if err := c.checkECB(dst, src); err != nil {
		return err
	}
	if len(src) == 0 {
		return nil
	}
	if c.impl != implGeneric {
		decryptBlocksAsm(c, dst, src)
		return nil
	}
	decryptBlocksGeneric(c.blk, dst, src)
	return nil
}

// XORKeyStreamCTR XORs src with the CTR keystream (SP 800-38A §6.5) into
// dst. iv is the initial counter block T_1 (16 bytes, else [ErrIVSize]);
// block j of the keystream is AES_K(T_1 + j - 1), the addition taken modulo
// 2^128 on the block read as a big-endian integer, exactly like
// crypto/cipher.NewCTR(block, iv). src may have any length; a partial last
// block uses the leading bytes of its keystream block. dst must be at least
// as long as src ([ErrShortDst]); only dst[:len(src)] is written. dst and
// src may be the same buffer but must not overlap otherwise ([ErrOverlap]).
// The same function encrypts and decrypts. Each call starts afresh at iv;
// the Cipher keeps no stream position. On error nothing is written.
func (c *Cipher) XORKeyStreamCTR(dst, src, iv []byte) error {
	if !c.usable() {
		return ErrZeroed
	}
	if len(iv) != BlockSize {
		return fmt.Errorf("%w: %d bytes", ErrIVSize, len(iv))
	}
	if len(dst) < len(src) {
		return fmt.Errorf("%w: %d < %d", ErrShortDst, len(dst), len(src))
	}
	if alias.InexactOverlap(dst[:len(src)], src) {
		return ErrOverlap
	}
	if len(src) == 0 {
		return nil
	}
	hi := binary.BigEndian.Uint64(iv[:8])
	lo := binary.BigEndian.Uint64(iv[8:])
	if c.impl != implGeneric {
		ctrAsm(c, dst, src, hi, lo)
		return nil
	}
	ctrGeneric(c.blk, dst, src, hi, lo)
	return nil
}

// add128 returns (hi, lo) + n modulo 2^128.
func add128(hi, lo, n uint64) (uint64, uint64) {
	lo2 := lo + n
	if lo2 < lo {
		hi++
	}
	return hi, lo2
}
