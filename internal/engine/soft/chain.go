package soft

import (
	"sync/atomic"

	"vcrypto/internal/engine"
)

// digester is the hash half of a chained session: a plain hash
// (HashModePlain) or a MAC (HashModeAuth).
type digester interface {
	sum(out, iv, a, b []byte) error
	size() int
	zero()
}

type plainDigest struct{ h *hasher }

func (p plainDigest) sum(out, _, a, b []byte) error { return p.h.sum(out, a, b) }
func (p plainDigest) size() int                     { return p.h.info.maxDigest() }
func (p plainDigest) zero()                         {}

// chainSession is a VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING session: a
// cipher (or NO_CIPHER) and a hash or MAC, run in the session's order over
// the byte ranges each request names (INTERPRETATIONS.md "Chaining").
type chainSession struct {
	params engine.SessionParams
	c      cipherImpl // nil for NO_CIPHER
	d      digester
	needIV bool // the MAC takes the request's IV (NO_CIPHER only)
	closed atomic.Bool
}

func newChainSession(p *engine.SessionParams) (*chainSession, error) {
	if p.Order != engine.HashThenCipher && p.Order != engine.CipherThenHash {
		return nil, engine.Errorf(engine.ErrInvalidInput, "chaining order %d", p.Order)
	}
	if p.AADLen < 0 {
		return nil, engine.Errorf(engine.ErrInvalidInput, "AAD length %d", p.AADLen)
	}
	s := &chainSession{params: publicParams(p)}
	switch p.HashMode {
	case engine.HashModePlain:
		info, ok := lookupHash(p.Hash)
		if !ok {
			return nil, engine.Errorf(engine.ErrUnsupported, "hash %v", p.Hash)
		}
		s.d = plainDigest{newHasher(info)}
	case engine.HashModeAuth:
		if engine.MACNeedsIV(p.MAC) {
			if p.Cipher != engine.NoCipher {
				return nil, engine.Errorf(engine.ErrUnsupported, "%v needs the request IV, which %v uses", p.MAC, p.Cipher)
			}
			s.needIV = true
		}
		m, err := newMACImpl(p.MAC, p.AuthKey)
		if err != nil {
			return nil, err
		}
		s.d = m
	case engine.HashModeNested:
		return nil, engine.Errorf(engine.ErrUnsupported, "nested hash mode has no parameters in the specification")
	default:
		return nil, engine.Errorf(engine.ErrInvalidInput, "hash mode %d", p.HashMode)
	}
	if err := checkDigestLen(p.DigestLen, s.d.size()); err != nil {
		s.d.zero()
		return nil, err
	}
	if p.Cipher != engine.NoCipher {
		if err := checkDir(p.Direction); err != nil {
			s.d.zero()
			return nil, err
		}
		c, err := newCipherImpl(p.Cipher, p.CipherKey)
		if err != nil {
			s.d.zero()
			return nil, err
		}
		s.c = c
	}
	return s, nil
}

func (s *chainSession) Params() engine.SessionParams { return s.params }
func (s *chainSession) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.d.zero()
		if s.c != nil {
			s.c.zero()
		}
	}
}

// span checks that [off, off+n) lies inside a buffer of length size.
func span(off, n, size int) error {
	if off < 0 || n < 0 || off > size || n > size-off {
		return engine.Errorf(engine.ErrInvalidInput, "range [%d,+%d) outside %d bytes", off, n, size)
	}
	return nil
}

// Do copies op.Src to op.Dst, running the cipher over the cipher range,
// and writes the digest of op.AAD ‖ hashed range into op.Digest. With
// CipherThenHash the hashed range is taken from the output, with
// HashThenCipher from the input.
func (s *chainSession) Do(op *engine.Op) error {
	if s.closed.Load() {
		return errClosed
	}
	src := op.Src
	if err := span(op.CipherOffset, op.CipherLen, len(src)); err != nil {
		return err
	}
	if err := span(op.HashOffset, op.HashLen, len(src)); err != nil {
		return err
	}
	dst, err := cipherOut(op.Dst, src, op.IV)
	if err != nil {
		return err
	}
	if engine.AnyOverlap(op.Digest, src) || engine.AnyOverlap(op.Digest, dst) ||
		engine.AnyOverlap(op.Digest, op.AAD) || engine.AnyOverlap(op.Digest, op.IV) || engine.AnyOverlap(dst, op.AAD) {
		return engine.Errorf(engine.ErrInvalidInput, "output overlaps an input")
	}
	if s.c != nil {
		if err := checkDir(op.Dir); err != nil {
			return err
		}
	}
	var macIV []byte
	if s.needIV {
		macIV = op.IV
	}
	hashed := func(b []byte) []byte { return b[op.HashOffset : op.HashOffset+op.HashLen] }
	if s.params.Order == engine.HashThenCipher {
		if err := s.d.sum(op.Digest, macIV, op.AAD, hashed(src)); err != nil {
			return asInput(err)
		}
	}
	if err := s.cipher(op, dst, src); err != nil {
		return err
	}
	if s.params.Order == engine.CipherThenHash {
		if err := s.d.sum(op.Digest, macIV, op.AAD, hashed(dst)); err != nil {
			return asInput(err)
		}
	}
	return nil
}

// cipher copies src to dst and runs the cipher over the cipher range.
func (s *chainSession) cipher(op *engine.Op, dst, src []byte) error {
	lo, hi := op.CipherOffset, op.CipherOffset+op.CipherLen
	if s.c == nil {
		copy(dst, src)
		return nil
	}
	copy(dst[:lo], src[:lo])
	copy(dst[hi:], src[hi:])
	return asInput(s.c.crypt(op.Dir, dst[lo:hi], src[lo:hi], op.IV))
}
