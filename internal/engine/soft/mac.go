package soft

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding"
	"hash"
	"sync"
	"sync/atomic"

	"github.com/emmansun/gmsm/zuc"
	"golang.org/x/crypto/twofish"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft/cbcmac"
	"vcrypto/internal/engine/soft/cmac"
	"vcrypto/internal/engine/soft/gcm"
	"vcrypto/internal/engine/soft/kasumi"
	"vcrypto/internal/engine/soft/snow3g"
	"vcrypto/internal/engine/soft/xcbc"
)

// macImpl computes a MAC over a ‖ b (a is a chained session's AAD, usually
// empty) and writes its first len(out) bytes. iv is the per-message IV of
// the algorithms that need one (engine.MACNeedsIV), nil otherwise.
// Implementations are safe for concurrent use.
type macImpl interface {
	sum(out, iv, a, b []byte) error
	size() int
	zero()
}

func newMACImpl(alg engine.MACAlg, key []byte) (macImpl, error) {
	if len(key) > MaxAuthKeyLen {
		return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (max %d)", alg, len(key), MaxAuthKeyLen)
	}
	switch alg {
	case engine.HMACMD5:
		return newHMAC(engine.MD5, key)
	case engine.HMACSHA1:
		return newHMAC(engine.SHA1, key)
	case engine.HMACSHA224:
		return newHMAC(engine.SHA224, key)
	case engine.HMACSHA256:
		return newHMAC(engine.SHA256, key)
	case engine.HMACSHA384:
		return newHMAC(engine.SHA384, key)
	case engine.HMACSHA512:
		return newHMAC(engine.SHA512, key)
	case engine.CMAC3DES:
		b, err := newTripleDES(key)
		if err != nil {
			return nil, err
		}
		return newCMAC(b)
	case engine.CMACAES:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16, 24 or 32)", alg, len(key))
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return newCMAC(b)
	case engine.CBCMACAES:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16, 24 or 32)", alg, len(key))
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		m, err := cbcmac.New(b)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &oneShotMAC{m: m, n: 16}, nil
	case engine.XCBCAES:
		m, err := xcbc.New(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &oneShotMAC{m: m, n: 16}, nil
	case engine.KASUMIF9:
		m, err := kasumi.NewF9(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &kasumiF9{m: m}, nil
	case engine.SNOW3GUIA2:
		m, err := snow3g.NewUIA2(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &snowUIA2{m: m}, nil
	case engine.ZUCEIA3:
		if len(key) != 16 {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16)", alg, len(key))
		}
		z := &zucEIA3{}
		copy(z.key[:], key)
		return z, nil
	case engine.GMACAES:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16, 24 or 32)", alg, len(key))
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return newGMAC(b, true)
	case engine.GMACTwofish:
		if len(key) != 16 && len(key) != 24 && len(key) != 32 {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16, 24 or 32)", alg, len(key))
		}
		b, err := twofish.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return newGMAC(b, false)
	case engine.CBCMACKASUMIF9:
		return nil, engine.Errorf(engine.ErrUnsupported, "%v has no definition in the virtio-crypto specification", alg)
	}
	return nil, engine.Errorf(engine.ErrUnsupported, "MAC %v", alg)
}

// --- HMAC (RFC 2104) with wipeable, session-owned pad states ---

// hmacImpl keeps the hash states after absorbing K⊕ipad and K⊕opad as
// marshaled bytes the session owns (so Close can wipe them); per-goroutine
// hash objects come from a pool and are reset after every use.
type hmacImpl struct {
	info           hashInfo
	istate, ostate []byte
	pool           sync.Pool
}

type hmacState struct {
	in, out hash.Hash
	buf     [64]byte
}

func newHMAC(h engine.HashAlg, key []byte) (*hmacImpl, error) {
	info, _ := lookupHash(h)
	m := &hmacImpl{info: info}
	hh := info.newHash()
	bs := hh.BlockSize()
	pad := make([]byte, bs)
	defer wipe(pad)
	if len(key) > bs {
		hh.Write(key)
		copy(pad, hh.Sum(nil))
		hh.Reset()
	} else {
		copy(pad, key)
	}
	for i := range pad {
		pad[i] ^= 0x36
	}
	hh.Write(pad)
	var err error
	if m.istate, err = marshalState(hh); err != nil {
		return nil, err
	}
	hh.Reset()
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	hh.Write(pad)
	if m.ostate, err = marshalState(hh); err != nil {
		return nil, err
	}
	hh.Reset()
	m.pool.New = func() any { return &hmacState{in: info.newHash(), out: info.newHash()} }
	return m, nil
}

func marshalState(h hash.Hash) ([]byte, error) {
	bm, ok := h.(encoding.BinaryMarshaler)
	if !ok {
		return nil, engine.Errorf(engine.ErrUnsupported, "hash state cannot be saved")
	}
	return bm.MarshalBinary()
}

func (m *hmacImpl) size() int { return m.info.size }

func (m *hmacImpl) sum(out, _, a, b []byte) error {
	if err := checkDigestLen(len(out), m.info.size); err != nil {
		return err
	}
	st := m.pool.Get().(*hmacState)
	if err := st.in.(encoding.BinaryUnmarshaler).UnmarshalBinary(m.istate); err != nil {
		m.pool.Put(st)
		return engine.Errorf(engine.ErrInvalidInput, "HMAC state: %v", err)
	}
	st.in.Write(a)
	st.in.Write(b)
	inner := st.in.Sum(st.buf[:0])
	if err := st.out.(encoding.BinaryUnmarshaler).UnmarshalBinary(m.ostate); err != nil {
		m.pool.Put(st)
		return engine.Errorf(engine.ErrInvalidInput, "HMAC state: %v", err)
	}
	st.out.Write(inner)
	copy(out, st.out.Sum(st.buf[:0]))
	st.in.Reset()
	st.out.Reset()
	wipe(st.buf[:])
	m.pool.Put(st)
	return nil
}

func (m *hmacImpl) zero() {
	wipe(m.istate)
	wipe(m.ostate)
}

// --- block-cipher MACs computed in one shot ---

// oneShot is what the cmac, xcbc and cbcmac packages provide.
type oneShot interface {
	Sum(out, msg []byte) error
	Zero()
}

// oneShotMAC adapts a one-shot MAC; a non-empty prefix a is joined with b
// in a pooled scratch buffer.
type oneShotMAC struct {
	m oneShot
	n int
}

func newCMAC(b cipher.Block) (*oneShotMAC, error) {
	m, err := cmac.New(b)
	if err != nil {
		return nil, engine.Errorf(engine.ErrInvalidKey, "CMAC: %v", err)
	}
	return &oneShotMAC{m: m, n: b.BlockSize()}, nil
}

func (o *oneShotMAC) size() int { return o.n }
func (o *oneShotMAC) zero()     { o.m.Zero() }

func (o *oneShotMAC) sum(out, _, a, b []byte) error {
	if err := checkDigestLen(len(out), o.n); err != nil {
		return err
	}
	return withJoined(a, b, func(msg []byte) error { return o.m.Sum(out, msg) })
}

// scratchPool holds buffers for joining a chained request's AAD with its
// hashed range, for MACs that cannot absorb data incrementally.
var scratchPool = sync.Pool{New: func() any { return new([]byte) }}

// withJoined calls f(a ‖ b); when a is empty it passes b itself.
func withJoined(a, b []byte, f func([]byte) error) error {
	if len(a) == 0 {
		return f(b)
	}
	p := scratchPool.Get().(*[]byte)
	buf := append(append((*p)[:0], a...), b...)
	err := f(buf)
	wipe(buf)
	*p = buf[:0]
	scratchPool.Put(p)
	return err
}

// --- MACs with a per-message IV ---

// kasumiF9: iv = COUNT-I ‖ FRESH, data = MESSAGE ‖ DIRECTION ‖ 1 ‖ padding
// (INTERPRETATIONS.md).
type kasumiF9 struct{ m *kasumi.F9 }

func (k *kasumiF9) size() int { return 4 }
func (k *kasumiF9) zero()     { k.m.Zero() }
func (k *kasumiF9) sum(out, iv, a, b []byte) error {
	if err := checkDigestLen(len(out), 4); err != nil {
		return err
	}
	if len(iv) != 8 {
		return engine.Errorf(engine.ErrInvalidInput, "KASUMI-F9 IV of %d bytes (want 8)", len(iv))
	}
	return withJoined(a, b, func(msg []byte) error {
		mac, err := k.m.MACPadded(iv, msg)
		if err != nil {
			return engine.Errorf(engine.ErrInvalidInput, "KASUMI-F9: %v", err)
		}
		copy(out, mac[:])
		return nil
	})
}

// snowUIA2: 16-byte IV as DPDK builds it from COUNT, FRESH and DIRECTION.
type snowUIA2 struct{ m *snow3g.UIA2 }

func (s *snowUIA2) size() int { return 4 }
func (s *snowUIA2) zero()     { s.m.Zero() }
func (s *snowUIA2) sum(out, iv, a, b []byte) error {
	if err := checkDigestLen(len(out), 4); err != nil {
		return err
	}
	if len(iv) != 16 {
		return engine.Errorf(engine.ErrInvalidInput, "SNOW3G-UIA2 IV of %d bytes (want 16)", len(iv))
	}
	return withJoined(a, b, func(msg []byte) error {
		mac, err := s.m.MAC(iv, msg)
		if err != nil {
			return engine.Errorf(engine.ErrInvalidInput, "SNOW3G-UIA2: %v", err)
		}
		copy(out, mac[:])
		return nil
	})
}

// zucEIA3: 16-byte IV as DPDK builds it. gmsm's state is per message.
type zucEIA3 struct{ key [16]byte }

func (z *zucEIA3) size() int { return 4 }
func (z *zucEIA3) zero()     { wipe(z.key[:]) }
func (z *zucEIA3) sum(out, iv, a, b []byte) error {
	if err := checkDigestLen(len(out), 4); err != nil {
		return err
	}
	if len(iv) != 16 {
		return engine.Errorf(engine.ErrInvalidInput, "ZUC-EIA3 IV of %d bytes (want 16)", len(iv))
	}
	h, err := zuc.NewHash(z.key[:], iv)
	if err != nil {
		return engine.Errorf(engine.ErrInvalidInput, "ZUC-EIA3: %v", err)
	}
	h.Write(a)
	h.Write(b)
	var buf [4]byte
	copy(out, h.Sum(buf[:0]))
	return nil
}

// gmacImpl is GMAC (GCM with the message as AAD and no plaintext). AES with
// a 12-byte IV uses the standard library; other IV lengths and Twofish use
// the project's gcm package (NIST SP 800-38D §7.1 IV derivation).
type gmacImpl struct {
	std  cipher.AEAD // AES, 12-byte IV; nil for Twofish
	g    *gcm.GCM
	pool sync.Pool
}

func newGMAC(b cipher.Block, useStd bool) (*gmacImpl, error) {
	g, err := gcm.New(b)
	if err != nil {
		return nil, engine.Errorf(engine.ErrInvalidKey, "GMAC: %v", err)
	}
	m := &gmacImpl{g: g}
	if useStd {
		if m.std, err = cipher.NewGCM(b); err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "GMAC: %v", err)
		}
	}
	return m, nil
}

func (m *gmacImpl) size() int { return 16 }
func (m *gmacImpl) zero()     { m.g.Zero() }
func (m *gmacImpl) sum(out, iv, a, b []byte) error {
	if err := checkDigestLen(len(out), 16); err != nil {
		return err
	}
	if len(iv) == 0 {
		return engine.Errorf(engine.ErrInvalidInput, "GMAC needs an IV")
	}
	return withJoined(a, b, func(msg []byte) error {
		if m.std != nil && len(iv) == 12 {
			var tag [16]byte
			m.std.Seal(tag[:0], iv, nil, msg)
			copy(out, tag[:])
			return nil
		}
		var tag [16]byte
		if err := m.g.GMAC(tag[:], iv, msg); err != nil {
			return engine.Errorf(engine.ErrInvalidInput, "GMAC: %v", err)
		}
		copy(out, tag[:])
		return nil
	})
}

// macSession is a MAC session. Algorithms that need a per-message IV are
// served only through chained sessions (INTERPRETATIONS.md); here they
// return ErrUnsupported at creation.
type macSession struct {
	params engine.SessionParams
	m      macImpl
	closed atomic.Bool
}

func newMACSession(p *engine.SessionParams) (*macSession, error) {
	if engine.MACNeedsIV(p.MAC) {
		return nil, engine.Errorf(engine.ErrUnsupported, "%v needs a per-request IV: use a chained session with NO_CIPHER", p.MAC)
	}
	m, err := newMACImpl(p.MAC, p.AuthKey)
	if err != nil {
		return nil, err
	}
	if err := checkDigestLen(p.DigestLen, m.size()); err != nil {
		m.zero()
		return nil, err
	}
	return &macSession{params: publicParams(p), m: m}, nil
}

func (s *macSession) Params() engine.SessionParams { return s.params }
func (s *macSession) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.m.zero()
	}
}

// Do writes the first len(op.Digest) bytes of the MAC of op.Src.
func (s *macSession) Do(op *engine.Op) error {
	if s.closed.Load() {
		return errClosed
	}
	if engine.AnyOverlap(op.Digest, op.Src) {
		return engine.Errorf(engine.ErrInvalidInput, "digest overlaps the source")
	}
	return asInput(s.m.sum(op.Digest, nil, nil, op.Src))
}

// constantTimeEqual is used by tests and the self-test.
func constantTimeEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
