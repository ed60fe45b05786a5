package soft

import (
	"crypto/aes"
	"crypto/cipher"
	"sync/atomic"

	gmcipher "github.com/emmansun/gmsm/cipher"
	"golang.org/x/crypto/chacha20poly1305"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft/gcm"
)

// aeadImpl seals and opens with the session's tag length. seal writes
// ciphertext ‖ tag into dst (len(dst) == len(src)+tag); open reads
// ciphertext ‖ tag from src and writes the plaintext into dst
// (len(dst) == len(src)-tag), returning engine.ErrAuthFailed on a wrong tag.
type aeadImpl interface {
	seal(dst, iv, src, aad []byte) error
	open(dst, iv, src, aad []byte) error
	zero()
}

// stdAEAD adapts a cipher.AEAD whose nonce size is fixed.
type stdAEAD struct {
	a    cipher.AEAD
	name string
}

func (s *stdAEAD) seal(dst, iv, src, aad []byte) error {
	if len(iv) != s.a.NonceSize() {
		return engine.Errorf(engine.ErrInvalidInput, "%s IV of %d bytes (want %d)", s.name, len(iv), s.a.NonceSize())
	}
	s.a.Seal(dst[:0], iv, src, aad)
	return nil
}

func (s *stdAEAD) open(dst, iv, src, aad []byte) error {
	if len(iv) != s.a.NonceSize() {
		return engine.Errorf(engine.ErrInvalidInput, "%s IV of %d bytes (want %d)", s.name, len(iv), s.a.NonceSize())
	}
	if _, err := s.a.Open(dst[:0], iv, src, aad); err != nil {
		return engine.ErrAuthFailed
	}
	return nil
}

func (s *stdAEAD) zero() {}

// gcmAEAD is AES-GCM: a 12-byte IV is the IV (standard library when the
// tag is 12..16 bytes), a 16-byte IV is the pre-counter block J0 (NIST SP
// 800-38D; INTERPRETATIONS.md "AEAD"), other lengths are invalid.
type gcmAEAD struct {
	std    cipher.AEAD // nil when the tag is shorter than 12 bytes
	g      *gcm.GCM
	tagLen int
}

func (a *gcmAEAD) j0(iv []byte, j0 *[16]byte) error {
	switch len(iv) {
	case 16:
		copy(j0[:], iv)
	case 12:
		if err := a.g.DeriveJ0(j0, iv); err != nil {
			return engine.Errorf(engine.ErrInvalidInput, "AES-GCM: %v", err)
		}
	default:
		return engine.Errorf(engine.ErrInvalidInput, "AES-GCM IV of %d bytes (want 12, or 16 for J0)", len(iv))
	}
	return nil
}

func (a *gcmAEAD) seal(dst, iv, src, aad []byte) error {
	if a.std != nil && len(iv) == 12 {
		a.std.Seal(dst[:0], iv, src, aad)
		return nil
	}
	var j0 [16]byte
	if err := a.j0(iv, &j0); err != nil {
		return err
	}
	if err := a.g.SealJ0(dst, j0[:], src, aad, a.tagLen); err != nil {
		return engine.Errorf(engine.ErrInvalidInput, "AES-GCM: %v", err)
	}
	return nil
}

func (a *gcmAEAD) open(dst, iv, src, aad []byte) error {
	if a.std != nil && len(iv) == 12 {
		if _, err := a.std.Open(dst[:0], iv, src, aad); err != nil {
			return engine.ErrAuthFailed
		}
		return nil
	}
	var j0 [16]byte
	if err := a.j0(iv, &j0); err != nil {
		return err
	}
	if err := a.g.OpenJ0(dst, j0[:], src, aad, a.tagLen); err != nil {
		return engine.ErrAuthFailed
	}
	return nil
}

func (a *gcmAEAD) zero() { a.g.Zero() }

// ccmAEAD is AES-CCM (NIST SP 800-38C, RFC 3610) with a 7..13-byte nonce
// (INTERPRETATIONS.md: the IV is the bare nonce). One gmsm AEAD per nonce
// length is built at session creation.
type ccmAEAD struct {
	byNonce [14]cipher.AEAD // index = nonce length, 7..13
}

func (c *ccmAEAD) pick(iv []byte) (cipher.AEAD, error) {
	if len(iv) < 7 || len(iv) > 13 {
		return nil, engine.Errorf(engine.ErrInvalidInput, "AES-CCM nonce of %d bytes (want 7..13)", len(iv))
	}
	return c.byNonce[len(iv)], nil
}

func (c *ccmAEAD) seal(dst, iv, src, aad []byte) error {
	a, err := c.pick(iv)
	if err != nil {
		return err
	}
	if maxCCM(len(iv)) < uint64(len(src)) {
		return engine.Errorf(engine.ErrInvalidInput, "AES-CCM payload too long for a %d-byte nonce", len(iv))
	}
	if engine.AnyOverlap(dst, src) {
		// In place (partial overlap was refused by the caller). gmsm's CCM
		// encrypts before it authenticates the plaintext, so it needs the
		// plaintext somewhere the ciphertext does not overwrite.
		p := scratchPool.Get().(*[]byte)
		tmp := append((*p)[:0], src...)
		a.Seal(dst[:0], iv, tmp, aad)
		wipe(tmp)
		*p = tmp[:0]
		scratchPool.Put(p)
		return nil
	}
	a.Seal(dst[:0], iv, src, aad)
	return nil
}

func (c *ccmAEAD) open(dst, iv, src, aad []byte) error {
	a, err := c.pick(iv)
	if err != nil {
		return err
	}
	if _, err := a.Open(dst[:0], iv, src, aad); err != nil {
		return engine.ErrAuthFailed
	}
	return nil
}

func (c *ccmAEAD) zero() {}

// maxCCM is the longest payload a nonce of n bytes allows: the length field
// has q = 15-n bytes (SP 800-38C §A.1).
func maxCCM(n int) uint64 {
	q := 15 - n
	if q >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*uint(q)) - 1
}

func newAEADImpl(p *engine.SessionParams) (aeadImpl, error) {
	key := p.CipherKey
	switch p.AEAD {
	case engine.AESGCM:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "AES-GCM key of %d bytes (want 16, 24 or 32)", len(key))
		}
		switch p.DigestLen {
		case 4, 8, 12, 13, 14, 15, 16:
		default:
			return nil, engine.Errorf(engine.ErrInvalidInput, "AES-GCM tag of %d bytes (want 4, 8 or 12..16)", p.DigestLen)
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "AES-GCM: %v", err)
		}
		g, err := gcm.New(b)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "AES-GCM: %v", err)
		}
		a := &gcmAEAD{g: g, tagLen: p.DigestLen}
		if p.DigestLen >= 12 {
			if a.std, err = cipher.NewGCMWithTagSize(b, p.DigestLen); err != nil {
				return nil, engine.Errorf(engine.ErrInvalidInput, "AES-GCM: %v", err)
			}
		}
		return a, nil
	case engine.AESCCM:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "AES-CCM key of %d bytes (want 16, 24 or 32)", len(key))
		}
		if p.DigestLen < 4 || p.DigestLen > 16 || p.DigestLen%2 != 0 {
			return nil, engine.Errorf(engine.ErrInvalidInput, "AES-CCM tag of %d bytes (want 4, 6, ..., 16)", p.DigestLen)
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "AES-CCM: %v", err)
		}
		c := &ccmAEAD{}
		for n := 7; n <= 13; n++ {
			if c.byNonce[n], err = gmcipher.NewCCMWithNonceAndTagSize(b, n, p.DigestLen); err != nil {
				return nil, engine.Errorf(engine.ErrInvalidInput, "AES-CCM: %v", err)
			}
		}
		return c, nil
	case engine.ChaCha20Poly1305:
		if len(key) != chacha20poly1305.KeySize {
			return nil, engine.Errorf(engine.ErrInvalidKey, "ChaCha20-Poly1305 key of %d bytes (want 32)", len(key))
		}
		if p.DigestLen != 16 {
			return nil, engine.Errorf(engine.ErrInvalidInput, "ChaCha20-Poly1305 tag of %d bytes (want 16)", p.DigestLen)
		}
		a, err := chacha20poly1305.New(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "ChaCha20-Poly1305: %v", err)
		}
		return &stdAEAD{a: a, name: "ChaCha20-Poly1305"}, nil
	}
	return nil, engine.Errorf(engine.ErrUnsupported, "AEAD %v", p.AEAD)
}

// aeadSession is an AEAD session.
type aeadSession struct {
	params engine.SessionParams
	a      aeadImpl
	tag    int
	closed atomic.Bool
}

func newAEADSession(p *engine.SessionParams) (*aeadSession, error) {
	if err := checkDir(p.Direction); err != nil {
		return nil, err
	}
	a, err := newAEADImpl(p)
	if err != nil {
		return nil, err
	}
	return &aeadSession{params: publicParams(p), a: a, tag: p.DigestLen}, nil
}

func (s *aeadSession) Params() engine.SessionParams { return s.params }
func (s *aeadSession) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.a.zero()
	}
}

// Do seals (op.Dir == Encrypt: op.Dst gets ciphertext ‖ tag) or opens
// (op.Src is ciphertext ‖ tag, op.Dst gets the plaintext, or zeroes and
// ErrAuthFailed when the tag is wrong).
func (s *aeadSession) Do(op *engine.Op) error {
	if s.closed.Load() {
		return errClosed
	}
	var n int
	switch op.Dir {
	case engine.Encrypt:
		n = len(op.Src) + s.tag
	case engine.Decrypt:
		if len(op.Src) < s.tag {
			return engine.Errorf(engine.ErrInvalidInput, "AEAD input of %d bytes is shorter than the %d-byte tag", len(op.Src), s.tag)
		}
		n = len(op.Src) - s.tag
	default:
		return checkDir(op.Dir)
	}
	if len(op.Dst) < n {
		return engine.Errorf(engine.ErrInvalidInput, "destination of %d bytes, need %d", len(op.Dst), n)
	}
	dst := op.Dst[:n:n]
	if engine.InexactOverlap(dst, op.Src) || engine.AnyOverlap(dst, op.IV) || engine.AnyOverlap(dst, op.AAD) {
		return engine.Errorf(engine.ErrInvalidInput, "destination overlaps an input")
	}
	if op.Dir == engine.Encrypt {
		return s.a.seal(dst, op.IV, op.Src, op.AAD)
	}
	if err := s.a.open(dst, op.IV, op.Src, op.AAD); err != nil {
		clear(dst)
		return err
	}
	return nil
}
