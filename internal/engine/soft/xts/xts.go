// Package xts implements XTS-AES, the tweakable storage cipher of IEEE Std
// 1619-2007 and NIST SP 800-38E, for the virtio-crypto algorithm
// VIRTIO_CRYPTO_CIPHER_AES_XTS.
//
// What it owns: key splitting and validation (key = K1 ‖ K2, where K1 is the
// data key and K2 the tweak key), the encrypted tweak T = AES-Enc(K2, i), its
// multiplication by α in GF(2^128) for each block (IEEE 1619-2007 §5.2), and
// ciphertext stealing for data units whose length is not a multiple of 16
// bytes (IEEE 1619-2007 §5.3.2 and §5.4.2, SP 800-38E). AES itself is the
// standard library's crypto/aes.
//
// The tweak i is passed as its 16-byte encoding and used as-is as the input of
// the K2 encryption. IEEE 1619-2007 §5.1 encodes the tweak value (for disks,
// the data unit sequence number) as a little-endian byte array, so a sector
// number s is the tweak s in little-endian order, zero-padded to 16 bytes.
// The NIST CAVP "tweak-128hexstr" files (field "i") and Linux's xts(aes) IV
// use this same byte string, and it is the 16-byte IV of a virtio-crypto
// AES-XTS request (see INTERPRETATIONS.md).
//
// Policy decisions (see New): only 32- and 64-byte keys (XTS-AES-128 and
// XTS-AES-256, the two variants IEEE 1619 and SP 800-38E define) are accepted,
// and keys whose halves are equal are rejected, as FIPS 140-3 IG C.I (formerly
// FIPS 140-2 IG A.9) requires of a module and as OpenSSL does for encryption:
// with K1 = K2 the XEX construction loses its security argument. A data unit
// is 16 to 2^24 bytes (SP 800-38E limits a data unit to 2^20 AES blocks).
//
// The AES work runs on the aesblocks package (AES-NI / VAES multi-block
// code where the CPU has it).
//
// Concurrency: a *Cipher holds no mutable state apart from its key pair;
// Encrypt and Decrypt may run from any number of goroutines at once. Zero
// wipes the round keys and must not run concurrently with them. Encrypt,
// Decrypt and Zero do not allocate.
package xts

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"

	"vcrypto/internal/engine/soft/aesblocks"

	"vcrypto/internal/alias"
)

const (
	// BlockSize is the AES block size in bytes.
	BlockSize = 16
	// TweakSize is the length of the tweak that Encrypt and Decrypt take.
	TweakSize = 16
	// MinDataLen is the shortest data unit XTS is defined for (one block).
	MinDataLen = 16
	// MaxDataLen is the longest data unit accepted: 2^20 blocks, the
	// limit of NIST SP 800-38E.
	MaxDataLen = 1 << 24
)

// Errors. Every error that New, Encrypt and Decrypt return satisfies
// errors.Is with exactly one of the specific sentinels below. Key errors also
// match ErrInvalidKey and request errors ErrInvalidInput, so a caller can map
// them to a status code at either granularity. ErrZeroed is in neither class:
// it means the caller used a Cipher after Zero.
var (
	// ErrInvalidKey is the class of all key errors from New.
	ErrInvalidKey = errors.New("xts: invalid key")
	// ErrKeyLength: the key is not 32 or 64 bytes.
	ErrKeyLength = fmt.Errorf("%w: length is not 32 or 64 bytes", ErrInvalidKey)
	// ErrEqualKeyHalves: K1 == K2.
	ErrEqualKeyHalves = fmt.Errorf("%w: data key and tweak key halves are equal", ErrInvalidKey)

	// ErrInvalidInput is the class of all request errors from Encrypt and
	// Decrypt.
	ErrInvalidInput = errors.New("xts: invalid input")
	// ErrTweakLength: the tweak is not TweakSize bytes.
	ErrTweakLength = fmt.Errorf("%w: tweak is not 16 bytes", ErrInvalidInput)
	// ErrDataLength: src is shorter than MinDataLen or longer than MaxDataLen.
	ErrDataLength = fmt.Errorf("%w: data unit is not 16 to 2^24 bytes", ErrInvalidInput)
	// ErrShortDst: dst is shorter than src.
	ErrShortDst = fmt.Errorf("%w: dst is shorter than src", ErrInvalidInput)
	// ErrOverlap: dst[:len(src)] and src share memory but do not start at
	// the same address.
	ErrOverlap = fmt.Errorf("%w: dst and src overlap partially", ErrInvalidInput)
	// ErrZeroed: Zero was called on the Cipher (or it is a zero value).
	ErrZeroed = errors.New("xts: cipher was zeroed")
)

// keyPair is immutable once built; Zero swaps the pointer to it for nil.
type keyPair struct {
	data  *aesblocks.Cipher // K1, multi-block (AES-NI/VAES where the CPU has them)
	tweak *aesblocks.Cipher // K2
}

// Cipher is an XTS-AES key schedule. Build it with New. It is safe for
// concurrent use; the zero value is unusable (it behaves as if zeroed).
type Cipher struct {
	k atomic.Pointer[keyPair]
}

// New returns an XTS-AES cipher for key = K1 ‖ K2: 32 bytes selects
// XTS-AES-128 and 64 bytes XTS-AES-256; K1 (the first half) encrypts the data
// and K2 (the second half) the tweak. A key of another length returns an error
// matching ErrKeyLength, a key whose halves are equal one matching
// ErrEqualKeyHalves (both also match ErrInvalidKey). New does not retain key.
func New(key []byte) (*Cipher, error) {
	switch len(key) {
	case 32, 64:
	default:
		return nil, fmt.Errorf("%w (got %d bytes)", ErrKeyLength, len(key))
	}
	h := len(key) / 2
	if subtle.ConstantTimeCompare(key[:h], key[h:]) == 1 {
		return nil, ErrEqualKeyHalves
	}
	return newUnchecked(key[:h], key[h:])
}

// newUnchecked builds a Cipher from two AES keys of any length crypto/aes
// accepts, without the policy checks of New. Tests use it to run published
// vectors that New refuses by policy (IEEE 1619 vector 1 has K1 = K2 = 0;
// Wycheproof has XTS-AES-192 groups).
func newUnchecked(k1, k2 []byte) (*Cipher, error) {
	if len(k1) != len(k2) {
		return nil, ErrKeyLength
	}
	b1, err := aesblocks.New(k1)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyLength, err)
	}
	b2, err := aesblocks.New(k2)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyLength, err)
	}
	c := new(Cipher)
	c.k.Store(&keyPair{data: b1, tweak: b2})
	return c, nil
}

// Zero makes the Cipher unusable: later Encrypt and Decrypt calls return
// ErrZeroed. It wipes both round-key schedules (see aesblocks.Cipher.Zero for
// the generic fallback, whose crypto/aes schedule can only be dropped). Zero
// is idempotent and must not run concurrently with Encrypt or Decrypt.
func (c *Cipher) Zero() {
	if kp := c.k.Swap(nil); kp != nil {
		kp.data.Zero()
		kp.tweak.Zero()
	}
}

// check validates a request and returns the key pair to use.
func (c *Cipher) check(dst, src, tweak []byte) (*keyPair, error) {
	kp := c.k.Load()
	if kp == nil {
		return nil, ErrZeroed
	}
	if len(tweak) != TweakSize {
		return nil, ErrTweakLength
	}
	if len(src) < MinDataLen || len(src) > MaxDataLen {
		return nil, ErrDataLength
	}
	if len(dst) < len(src) {
		return nil, ErrShortDst
	}
	if alias.InexactOverlap(dst[:len(src)], src) {
		return nil, ErrOverlap
	}
	return kp, nil
}

// Encrypt encrypts the data unit src (16 to MaxDataLen bytes, any length,
// with ciphertext stealing when it is not a multiple of 16) under the 16-byte
// tweak and writes len(src) bytes to dst. dst may be src itself (in place) but
// must not overlap it otherwise; bytes of dst beyond len(src) are untouched.
// tweak may alias anything: it is read before dst is written. On error nothing
// is written to dst.
func (c *Cipher) Encrypt(dst, src, tweak []byte) error {
	kp, err := c.check(dst, src, tweak)
	if err != nil {
		return err
	}
	kp.crypt(dst[:len(src)], src, tweak, true)
	return nil
}

// Decrypt is the inverse of Encrypt, with the same rules for lengths, buffers
// and errors.
func (c *Cipher) Decrypt(dst, src, tweak []byte) error {
	kp, err := c.check(dst, src, tweak)
	if err != nil {
		return err
	}
	kp.crypt(dst[:len(src)], src, tweak, false)
	return nil
}

// chunkBytes is how many bytes of tweaks are prepared on the stack at once.
const chunkBytes = 1024

// mulAlpha multiplies the tweak (lo = bytes 0..7, hi = bytes 8..15, both
// little-endian, so bit 0 of byte 0 is the x^0 coefficient) by α = x in
// GF(2^128) modulo x^128 + x^7 + x^2 + x + 1 (IEEE 1619-2007 §5.2). It has no
// branches or memory accesses that depend on the tweak.
func mulAlpha(lo, hi uint64) (uint64, uint64) {
	carry := hi >> 63
	hi = hi<<1 | lo>>63
	lo = lo<<1 ^ (0x87 & -carry)
	return lo, hi
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

func put128(b []byte, lo, hi uint64) {
	binary.LittleEndian.PutUint64(b[0:8], lo)
	binary.LittleEndian.PutUint64(b[8:16], hi)
}

// cryptBlock runs one XEX step in place on b: b = F(b ⊕ T) ⊕ T, where F is
// the data key's encryption or decryption.
func (kp *keyPair) cryptBlock(b []byte, lo, hi uint64, enc bool) {
	put128(b, le64(b[0:8])^lo, le64(b[8:16])^hi)
	if enc {
		_ = kp.data.EncryptBlocks(b, b) // one block in place: cannot fail
	} else {
		_ = kp.data.DecryptBlocks(b, b)
	}
	put128(b, le64(b[0:8])^lo, le64(b[8:16])^hi)
}

// crypt does the work of Encrypt (enc) or Decrypt (!enc). The caller has
// checked that len(dst) == len(src) >= 16, len(tweak) == 16 and that dst and
// src are equal or disjoint.
//
// No buffer of ours is handed to the cipher.Block interface (it would escape
// to the heap): every AES call works in place on dst.
func (kp *keyPair) crypt(dst, src, tweak []byte, enc bool) {
	n := len(src)
	tail := n % BlockSize
	// Bytes processed as plain XEX blocks; with a tail, the last full
	// block and the tail are left for ciphertext stealing.
	bulk := n - tail
	if tail != 0 {
		bulk -= BlockSize
	}

	// T = AES-Enc(K2, i), computed in dst[0:16]. src[0:16] is saved first
	// because dst may be src. It is also put back into dst[0:16], where
	// ciphertext stealing expects it when the first block is the last
	// full block (17 to 31 bytes); every other path overwrites it.
	s0, s1 := le64(src[0:8]), le64(src[8:16])
	t0, t1 := le64(tweak[0:8]), le64(tweak[8:16])
	b := dst[0:16]
	put128(b, t0, t1)
	_ = kp.tweak.EncryptBlocks(b, b) // 16 bytes, in place: cannot fail
	t0, t1 = le64(b[0:8]), le64(b[8:16])
	put128(b, s0, s1)

	// Bulk: tweaks for a chunk go into tw, then dst = src ⊕ tw, AES on each
	// block in place, dst ⊕= tw. The stores of one pass are done before the
	// next pass loads them, which keeps store-to-load forwarding stalls out
	// of the AES calls.
	var tw [chunkBytes]byte
	data := kp.data // a local copy: the loops below need not reload kp.data after each call
	for off := 0; off < bulk; {
		m := min(chunkBytes, bulk-off)
		for t := tw[:m]; len(t) >= BlockSize; t = t[BlockSize:] {
			put128(t[:16], t0, t1)
			t0, t1 = mulAlpha(t0, t1)
		}
		d := dst[off : off+m]
		if off == 0 {
			// The first input block comes from s0, s1: when dst
			// is src, src[0:16] was used for the tweak.
			put128(d[0:16], s0^le64(tw[0:8]), s1^le64(tw[8:16]))
			subtle.XORBytes(d[16:], src[16:m], tw[16:m])
		} else {
			subtle.XORBytes(d, src[off:off+m], tw[:m])
		}
		// d is whole blocks, in place: these cannot fail.
		if enc {
			_ = data.EncryptBlocks(d, d)
		} else {
			_ = data.DecryptBlocks(d, d)
		}
		subtle.XORBytes(d, d, tw[:m])
		off += m
	}
	if tail == 0 {
		return
	}

	// Ciphertext stealing (IEEE 1619-2007 §5.3.2 / §5.4.2). last is the
	// last full block, rest the partial block after it (tail bytes).
	last := dst[bulk : bulk+16]
	if bulk != 0 {
		copy(last, src[bulk:bulk+16])
	} // else: last is dst[0:16], which holds the saved first input block.
	var saved [16]byte
	copy(saved[:], src[bulk+16:n]) // src's partial block, before dst overwrites it
	rest := dst[bulk+16 : n]

	// The last full block uses T_{m-1} (t) when encrypting and T_m (the
	// next one) when decrypting; the block rebuilt from the partial block
	// uses the other.
	u0, u1 := mulAlpha(t0, t1)
	if !enc {
		t0, t1, u0, u1 = u0, u1, t0, t1
	}
	kp.cryptBlock(last, t0, t1, enc) // CC (encrypt) or PP (decrypt)
	copy(rest, last[:tail])          // C_m or P_m: the head of that block
	copy(last[:tail], saved[:tail])  // P_m ‖ CC[tail:] or C_m ‖ PP[tail:]
	kp.cryptBlock(last, u0, u1, enc) // C_{m-1} or P_{m-1}
}
