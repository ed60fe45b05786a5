package snow3g

import "errors"

// Sizes of the inputs and outputs of UEA2 and UIA2.
const (
	// KeySize is the size in bytes of a SNOW 3G, UEA2 (CK) or UIA2 (IK) key.
	KeySize = 16
	// IVSize is the size in bytes of a SNOW 3G IV, and so of the UEA2 and
	// UIA2 IVs as DPDK passes them.
	IVSize = 16
	// MACSize is the size in bytes of a UIA2 MAC-I.
	MACSize = 4
)

// Errors returned by this package. They are returned as is (never wrapped),
// so callers may compare with == as well as errors.Is.
var (
	// ErrInvalidKeySize means a key is not KeySize bytes long.
	ErrInvalidKeySize = errors.New("snow3g: key must be 16 bytes")
	// ErrInvalidIVSize means an IV is not IVSize bytes long.
	ErrInvalidIVSize = errors.New("snow3g: IV must be 16 bytes")
	// ErrShortBuffer means dst is shorter than the data to be written, or a
	// message is shorter than the bit length requested.
	ErrShortBuffer = errors.New("snow3g: buffer too short")
	// ErrInexactOverlap means dst and src share memory without being the
	// same slice start (only exact in-place operation is allowed).
	ErrInexactOverlap = errors.New("snow3g: dst and src overlap inexactly")
	// ErrInvalidLength means a bit length is negative.
	ErrInvalidLength = errors.New("snow3g: invalid bit length")
	// ErrInvalidParameter means a BEARER above 31 or a DIRECTION above 1.
	ErrInvalidParameter = errors.New("snow3g: BEARER must be < 32 and DIRECTION 0 or 1")
)
