// Package engine is the engine-neutral crypto API of vcrypto: the algorithm
// identifiers of the virtio-crypto chapter, session parameters, the
// operation descriptor, and the sentinel errors every engine returns.
//
// The device model (internal/cryptodev) talks only to this package; concrete
// engines (internal/engine/soft, the embedded Go engine) implement Engine.
//
// Algorithm identifiers have the numeric values of the virtio-crypto
// specification (virtio v1.4, "Crypto Device", §5.9.3 Feature bits / §5.9.5
// Device configuration layout), so a value read from a guest request can be
// converted directly.
//
// Concurrency: an Engine is safe for concurrent use. A Session is safe for
// concurrent use by several data-queue workers: Do may run on one session
// from several goroutines at once, and Close must not race with Do (the
// caller's session table guarantees that).
package engine

import (
	"errors"
	"fmt"
)

// Sentinel errors. Engines wrap them with %w; callers test with errors.Is.
// The device model maps them to virtio status codes in one place.
var (
	// ErrUnsupported: the algorithm, mode or parameter combination is not
	// implemented by this engine (virtio NOTSUPP).
	ErrUnsupported = errors.New("engine: unsupported")
	// ErrInvalidKey: a key of the wrong length or form.
	ErrInvalidKey = errors.New("engine: invalid key")
	// ErrInvalidInput: a bad IV, length, offset, tag length or buffer
	// overlap in a session parameter or an operation.
	ErrInvalidInput = errors.New("engine: invalid input")
	// ErrAuthFailed: AEAD decryption found a tag that does not match
	// (virtio BADMSG). The destination buffer has been zeroed.
	ErrAuthFailed = errors.New("engine: authentication failed")
	// ErrWrongOp: the operation does not fit the session's service (for
	// example a hash request on a cipher session).
	ErrWrongOp = errors.New("engine: operation does not match session")
	// ErrSelfTest: the engine's known-answer self-test failed; the engine
	// must not be used.
	ErrSelfTest = errors.New("engine: self-test failed")
)

// Service is a virtio-crypto service number (VIRTIO_CRYPTO_SERVICE_*).
type Service uint32

// Services, with the values of the specification.
const (
	ServiceCipher   Service = 0
	ServiceHash     Service = 1
	ServiceMAC      Service = 2
	ServiceAEAD     Service = 3
	ServiceAKCipher Service = 4
)

// CipherAlg is a VIRTIO_CRYPTO_CIPHER_* identifier.
type CipherAlg uint32

// Cipher algorithms (virtio-crypto "CIPHER services").
const (
	NoCipher   CipherAlg = 0
	ARC4       CipherAlg = 1
	AESECB     CipherAlg = 2
	AESCBC     CipherAlg = 3
	AESCTR     CipherAlg = 4
	DESECB     CipherAlg = 5
	DESCBC     CipherAlg = 6
	TDESECB    CipherAlg = 7
	TDESCBC    CipherAlg = 8
	TDESCTR    CipherAlg = 9
	KASUMIF8   CipherAlg = 10
	SNOW3GUEA2 CipherAlg = 11
	AESF8      CipherAlg = 12
	AESXTS     CipherAlg = 13
	ZUCEEA3    CipherAlg = 14
)

// HashAlg is a VIRTIO_CRYPTO_HASH_* identifier.
type HashAlg uint32

// Hash algorithms (virtio-crypto "HASH services").
const (
	NoHash   HashAlg = 0
	MD5      HashAlg = 1
	SHA1     HashAlg = 2
	SHA224   HashAlg = 3
	SHA256   HashAlg = 4
	SHA384   HashAlg = 5
	SHA512   HashAlg = 6
	SHA3_224 HashAlg = 7
	SHA3_256 HashAlg = 8
	SHA3_384 HashAlg = 9
	SHA3_512 HashAlg = 10
	SHAKE128 HashAlg = 11
	SHAKE256 HashAlg = 12
)

// MACAlg is a VIRTIO_CRYPTO_MAC_* identifier.
type MACAlg uint32

// MAC algorithms (virtio-crypto "MAC services").
const (
	NoMAC          MACAlg = 0
	HMACMD5        MACAlg = 1
	HMACSHA1       MACAlg = 2
	HMACSHA224     MACAlg = 3
	HMACSHA256     MACAlg = 4
	HMACSHA384     MACAlg = 5
	HMACSHA512     MACAlg = 6
	CMAC3DES       MACAlg = 25
	CMACAES        MACAlg = 26
	KASUMIF9       MACAlg = 27
	SNOW3GUIA2     MACAlg = 28
	GMACAES        MACAlg = 41
	GMACTwofish    MACAlg = 42
	CBCMACAES      MACAlg = 49
	CBCMACKASUMIF9 MACAlg = 50
	XCBCAES        MACAlg = 53
	ZUCEIA3        MACAlg = 54
)

// AEADAlg is a VIRTIO_CRYPTO_AEAD_* identifier.
type AEADAlg uint32

// AEAD algorithms (virtio-crypto "AEAD services").
const (
	NoAEAD           AEADAlg = 0
	AESGCM           AEADAlg = 1
	AESCCM           AEADAlg = 2
	ChaCha20Poly1305 AEADAlg = 3
)

// Direction is VIRTIO_CRYPTO_OP_ENCRYPT or VIRTIO_CRYPTO_OP_DECRYPT.
type Direction uint8

// Directions.
const (
	Encrypt Direction = 1
	Decrypt Direction = 2
)

// ChainOrder is VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_*.
type ChainOrder uint8

// Chaining orders.
const (
	HashThenCipher ChainOrder = 1
	CipherThenHash ChainOrder = 2
)

// HashMode is VIRTIO_CRYPTO_SYM_HASH_MODE_*.
type HashMode uint8

// Hash modes of a chained session.
const (
	HashModePlain  HashMode = 1
	HashModeAuth   HashMode = 2
	HashModeNested HashMode = 3
)

// SessionParams describes a session to create. Which fields matter depends
// on Service (and Chained for ServiceCipher); the others must be zero.
// The engine copies the keys; the caller may wipe its slices afterwards.
type SessionParams struct {
	Service Service

	// ServiceCipher (plain or chained).
	Cipher    CipherAlg
	CipherKey []byte
	// Direction of the cipher (and of AEAD). Operations carry their own
	// direction too; see Op.Dir.
	Direction Direction

	// Chained selects VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING for
	// ServiceCipher: Cipher (possibly NoCipher) plus Hash (HashModePlain) or
	// MAC (HashModeAuth) in the given Order.
	Chained  bool
	Order    ChainOrder
	HashMode HashMode

	// ServiceHash, or a chained session with HashModePlain.
	Hash HashAlg
	// ServiceMAC, or a chained session with HashModeAuth.
	MAC     MACAlg
	AuthKey []byte

	// ServiceAEAD. The key is CipherKey.
	AEAD AEADAlg

	// DigestLen is the hash/MAC result length (hash_result_len) or the AEAD
	// tag length (tag_len) in bytes. It must be 1..full output size (for
	// SHAKE: 1..MaxXOFLen).
	DigestLen int
	// AADLen is the session's declared AAD length (informational for
	// AEAD; for a chained session, the AAD hashed before the data).
	AADLen int

	// ServiceAKCipher. The engine copies AK.Key; see AKCipherParams.
	AK AKCipherParams
}

// MaxXOFLen bounds the output length a SHAKE session may ask for.
const MaxXOFLen = 4096

// Op is one data operation. The caller owns every slice; the engine reads
// Src, IV and AAD and writes Dst and Digest. An Op can be reused across
// requests so that a worker allocates nothing per request.
//
// Buffers: Dst and Src may be the same memory (in place, &Dst[0] ==
// &Src[0]) or disjoint; any other overlap between an output and an input is
// ErrInvalidInput.
type Op struct {
	// Dir is the direction for cipher, chained and AEAD operations.
	Dir Direction
	// IV for ciphers, AEAD nonce, or the per-message IV of a MAC that needs
	// one (see MACNeedsIV).
	IV []byte
	// AAD for AEAD, or for a chained session the data hashed before the
	// hashed range.
	AAD []byte
	Src []byte
	// Dst receives the cipher output. Cipher: len(Dst) >= len(Src), exactly
	// len(Src) bytes are written. AEAD encrypt: len(Src)+tag bytes
	// (ciphertext ‖ tag); AEAD decrypt: Src is ciphertext ‖ tag and
	// len(Src)-tag bytes of plaintext are written. Chained: len(Src) bytes.
	Dst []byte
	// Digest receives the hash or MAC result; its length is the number of
	// bytes wanted (truncation, or the SHAKE output length).
	Digest []byte

	// Chained operations: byte ranges of Src (see INTERPRETATIONS.md,
	// "Chaining").
	CipherOffset, CipherLen int
	HashOffset, HashLen     int

	// AKCIPHER operations (see the comment on AKCipherParams in
	// akcipher.go): the operation, the signed data of a verify, and on
	// return the number of bytes written to Dst.
	AK     AKOp
	Signed []byte
	OutLen int
}

// Reset clears the op for reuse without releasing its memory.
func (op *Op) Reset() { *op = Op{} }

// Session is a created session. Do performs one operation. The number of
// bytes written is defined by Op. Close wipes key material the engine holds
// and makes further Do calls return ErrInvalidInput.
type Session interface {
	Do(op *Op) error
	// Params returns the parameters the session was created with, with key
	// slices set to nil.
	Params() SessionParams
	Close()
}

// Capabilities lists what an engine implements. The device model turns it
// into the config-space algorithm masks.
type Capabilities struct {
	Cipher []CipherAlg
	Hash   []HashAlg
	MAC    []MACAlg
	AEAD   []AEADAlg
	// AKCipher lists the asymmetric algorithms, Curves the ECDSA curves
	// implemented (when ECDSA is listed).
	AKCipher []AKCipherAlg
	Curves   []Curve
	// MaxCipherKeyLen and MaxAuthKeyLen are the longest keys accepted.
	MaxCipherKeyLen, MaxAuthKeyLen int
}

// Engine creates sessions.
type Engine interface {
	// Name is a short identifier ("soft").
	Name() string
	Capabilities() Capabilities
	// NewSession validates p and returns a ready session, or an error
	// wrapping ErrUnsupported, ErrInvalidKey or ErrInvalidInput.
	NewSession(p *SessionParams) (Session, error)
}

// MACNeedsIV reports whether a MAC algorithm needs a per-message IV (and so
// can only be used through a chained session with NoCipher, see
// INTERPRETATIONS.md "MAC algorithms that need a per-request IV").
func MACNeedsIV(a MACAlg) bool {
	switch a {
	case GMACAES, GMACTwofish, KASUMIF9, SNOW3GUIA2, ZUCEIA3:
		return true
	}
	return false
}

// Errorf wraps a sentinel with context: Errorf(ErrInvalidKey, "AES key of %d bytes", n).
func Errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
