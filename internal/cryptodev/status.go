package cryptodev

import (
	"errors"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// Device-level errors, mapped to status codes by Status.
var (
	// ErrNoSession: the request names no live session (INVSESS).
	ErrNoSession = errors.New("cryptodev: no such session")
	// ErrNoSpace: the session table is full (NOSPC).
	ErrNoSpace = errors.New("cryptodev: session table full")
	// ErrMalformed: the request's framing is wrong (ERR).
	ErrMalformed = errors.New("cryptodev: malformed request")
	// ErrUnsupportedOp: unknown opcode or operation type (NOTSUPP).
	ErrUnsupportedOp = errors.New("cryptodev: unsupported operation")
)

// Status is the one place where errors become virtio-crypto status codes
// (spec "Device Operation": VIRTIO_CRYPTO_OK ... KEY_REJECTED;
// INTERPRETATIONS.md "Status codes"):
//
//	nil                                 -> OK
//	engine.ErrAuthFailed                -> BADMSG (AEAD decryption with a wrong tag)
//	engine.ErrKeyRejected               -> KEY_REJECTED (AKCIPHER verify: signature does not verify)
//	engine.ErrUnsupported, ErrUnsupportedOp, virtiocrypto.ErrUnknownOpcode -> NOTSUPP
//	ErrNoSession                        -> INVSESS
//	ErrNoSpace                          -> NOSPC
//	anything else (bad key, bad input, wrong op for the session, malformed) -> ERR
func Status(err error) virtiocrypto.Status {
	switch {
	case err == nil:
		return virtiocrypto.StatusOK
	case errors.Is(err, engine.ErrAuthFailed):
		return virtiocrypto.StatusBadMsg
	case errors.Is(err, engine.ErrKeyRejected):
		return virtiocrypto.StatusKeyRejected
	case errors.Is(err, engine.ErrUnsupported), errors.Is(err, ErrUnsupportedOp), errors.Is(err, virtiocrypto.ErrUnknownOpcode):
		return virtiocrypto.StatusNotSupp
	case errors.Is(err, ErrNoSession):
		return virtiocrypto.StatusInvSess
	case errors.Is(err, ErrNoSpace):
		return virtiocrypto.StatusNoSpc
	}
	return virtiocrypto.StatusErr
}
