package f8

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"vcrypto/internal/alias"
)

const (
	// IVSize is the length of the f8 IV in bytes.
	IVSize = aes.BlockSize
	// MinKeySize is the shortest key accepted: a 16-byte k_e and a 1-byte
	// salt.
	MinKeySize = 17
	// MaxKeySize is the longest key accepted: a 32-byte k_e and a 32-byte
	// salt.
	MaxKeySize = 64
)

// Errors returned by this package. They are wrapped with details (%w), so
// test for them with errors.Is.
var (
	// ErrKeySize: the key is not MinKeySize..MaxKeySize bytes long.
	ErrKeySize = errors.New("f8: invalid key size")
	// ErrIVSize: the IV is not IVSize bytes.
	ErrIVSize = errors.New("f8: invalid IV size")
	// ErrShortBuffer: dst is shorter than src.
	ErrShortBuffer = errors.New("f8: output buffer too short")
	// ErrOverlap: dst and src share memory but do not start at the same
	// address.
	ErrOverlap = errors.New("f8: dst and src overlap inexactly")
	// ErrZeroed: the Cipher was wiped by Zero and can no longer be used.
	ErrZeroed = errors.New("f8: use after Zero")
)

// Cipher is AES-f8 under one key k_e ‖ k_s. Build it with [New]. It holds
// no per-message state: all methods except [Cipher.Zero] are safe for
// concurrent use.
type Cipher struct {
	ke   cipher.Block // AES under k_e
	mask cipher.Block // AES under k_e ⊕ m, used once per message for IV'
}

// EncKeySize returns |k_e|, the AES key length used for a key of n bytes
// (k_e ‖ k_s): 16 for 17–32, 24 for 33–48, 32 for 49–64, and 0 for any
// other length.
func EncKeySize(n int) int {
	switch {
	case n >= 17 && n <= 32:
		return 16
	case n >= 33 && n <= 48:
		return 24
	case n >= 49 && n <= 64:
		return 32
	}
	return 0
}

// maskedKey writes k_e ⊕ m to dst (len(dst) = |k_e|), with m the salt
// padded with 0x55 bytes to |k_e| (RFC 3711 §4.1.2.1).
func maskedKey(dst, ke, salt []byte) {
	for i := range dst {
		m := byte(0x55)
		if i < len(salt) {
			m = salt[i]
		}
		dst[i] = ke[i] ^ m
	}
}

// New returns an AES-f8 cipher for key = k_e ‖ k_s, split as [EncKeySize]
// says. Keys shorter than [MinKeySize] or longer than [MaxKeySize] give an
// error wrapping [ErrKeySize]. New keeps no reference to key.
func New(key []byte) (*Cipher, error) {
	n := EncKeySize(len(key))
	if n == 0 {
		return nil, fmt.Errorf("%w: %d bytes (want %d..%d)", ErrKeySize, len(key), MinKeySize, MaxKeySize)
	}
	ke, salt := key[:n], key[n:]
	c := new(Cipher)
	var err error
	if c.ke, err = aes.NewCipher(ke); err != nil { // unreachable: n is 16, 24 or 32
		return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	var km [32]byte
	maskedKey(km[:n], ke, salt)
	c.mask, err = aes.NewCipher(km[:n])
	clear(km[:])
	if err != nil { // unreachable
		return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	return c, nil
}

// scratch holds IV' and the running keystream block for one call.
var scratch = sync.Pool{New: func() any { return new([2 * aes.BlockSize]byte) }}

// XORKeyStream XORs src with the f8 keystream for iv and writes the result
// to dst[:len(src)]; the rest of dst is untouched. Encryption and
// decryption are the same call. iv must be [IVSize] bytes ([ErrIVSize]);
// dst must be at least as long as src ([ErrShortBuffer]); dst and src may
// be the same memory (in place) but must not overlap otherwise
// ([ErrOverlap]). On error nothing is written. src may be empty. Each call
// starts a new keystream (j = 0). XORKeyStream allocates nothing in steady
// state and is safe for concurrent use.
func (c *Cipher) XORKeyStream(dst, src, iv []byte) error {
	if c.ke == nil {
		return ErrZeroed
	}
	if len(iv) != IVSize {
		return fmt.Errorf("%w: %d bytes (want %d)", ErrIVSize, len(iv), IVSize)
	}
	if len(dst) < len(src) {
		return fmt.Errorf("%w: %d bytes for %d", ErrShortBuffer, len(dst), len(src))
	}
	dst = dst[:len(src)]
	if alias.InexactOverlap(dst, src) {
		return ErrOverlap
	}
	p := scratch.Get().(*[2 * aes.BlockSize]byte)
	ivp, s := p[:aes.BlockSize], p[aes.BlockSize:]
	c.mask.Encrypt(ivp, iv) // IV' = E(k_e ⊕ m, IV)
	clear(s)                // S(-1) = 0
	for j := uint64(0); len(src) > 0; j++ {
		// S(j) = E(k_e, IV' ⊕ j ⊕ S(j-1)); j < 2^64 here, so only the
		// low 64 bits of the 128-bit counter are non-zero.
		subtle.XORBytes(s, s, ivp)
		binary.BigEndian.PutUint64(s[8:], binary.BigEndian.Uint64(s[8:])^j)
		c.ke.Encrypt(s, s)
		n := min(len(src), aes.BlockSize)
		subtle.XORBytes(dst[:n], src[:n], s[:n])
		dst, src = dst[n:], src[n:]
	}
	clear(p[:])
	scratch.Put(p)
	return nil
}

// Zero drops both AES key schedules; later calls to XORKeyStream return
// [ErrZeroed]. Zero must not run concurrently with other methods.
func (c *Cipher) Zero() {
	c.ke = nil
	c.mask = nil
}
