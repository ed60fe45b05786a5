package soft

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rc4"
	"crypto/subtle"
	"sync"
	"sync/atomic"

	"github.com/emmansun/gmsm/zuc"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft/aesblocks"
	"vcrypto/internal/engine/soft/f8"
	"vcrypto/internal/engine/soft/kasumi"
	"vcrypto/internal/engine/soft/snow3g"
	"vcrypto/internal/engine/soft/xts"
)

// cipherImpl runs one symmetric cipher over whole requests. Implementations
// are safe for concurrent use; dst and src have equal length and either are
// the same memory or do not overlap (checked by the caller).
type cipherImpl interface {
	crypt(dir engine.Direction, dst, src, iv []byte) error
	zero()
}

// newCipherImpl validates the key for alg and builds the cipher.
func newCipherImpl(alg engine.CipherAlg, key []byte) (cipherImpl, error) {
	switch alg {
	case engine.ARC4:
		if len(key) < 1 || len(key) > 256 {
			return nil, engine.Errorf(engine.ErrInvalidKey, "ARC4 key of %d bytes (want 1..256)", len(key))
		}
		c, err := rc4.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "ARC4: %v", err)
		}
		return &arc4Impl{tmpl: c}, nil
	case engine.AESECB, engine.AESCBC, engine.AESCTR:
		if !validAESKey(len(key)) {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16, 24 or 32)", alg, len(key))
		}
		switch alg {
		case engine.AESECB:
			c, err := aesblocks.New(key)
			if err != nil {
				return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
			}
			return &aesECB{c: c}, nil
		case engine.AESCTR:
			c, err := aesblocks.New(key)
			if err != nil {
				return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
			}
			return &aesCTR{c: c}, nil
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		ab, err := aesblocks.New(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		c := newCBC(b)
		c.ab = ab
		return c, nil
	case engine.DESECB, engine.DESCBC:
		if len(key) != 8 {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 8)", alg, len(key))
		}
		b, err := des.NewCipher(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		if alg == engine.DESECB {
			return &blockECB{b: b}, nil
		}
		return newCBC(b), nil
	case engine.TDESECB, engine.TDESCBC, engine.TDESCTR:
		b, err := newTripleDES(key)
		if err != nil {
			return nil, err
		}
		switch alg {
		case engine.TDESECB:
			return &blockECB{b: b}, nil
		case engine.TDESCBC:
			return newCBC(b), nil
		}
		return newCTR64(b), nil
	case engine.KASUMIF8:
		c, err := kasumi.NewF8(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &kasumiF8{c: c}, nil
	case engine.SNOW3GUEA2:
		c, err := snow3g.NewUEA2(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &snowUEA2{c: c}, nil
	case engine.AESF8:
		c, err := f8.New(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &aesF8{c: c}, nil
	case engine.AESXTS:
		c, err := xts.New(key)
		if err != nil {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v: %v", alg, err)
		}
		return &aesXTS{c: c}, nil
	case engine.ZUCEEA3:
		if len(key) != 16 {
			return nil, engine.Errorf(engine.ErrInvalidKey, "%v key of %d bytes (want 16)", alg, len(key))
		}
		z := &zucEEA3{}
		copy(z.key[:], key)
		return z, nil
	}
	return nil, engine.Errorf(engine.ErrUnsupported, "cipher %v", alg)
}

func validAESKey(n int) bool { return n == 16 || n == 24 || n == 32 }

// newTripleDES accepts K1‖K2‖K3 (24 bytes) or K1‖K2 (16 bytes, meaning
// K1‖K2‖K1; INTERPRETATIONS.md "Keys and IVs per algorithm").
func newTripleDES(key []byte) (cipher.Block, error) {
	var k [24]byte
	defer wipe(k[:])
	switch len(key) {
	case 24:
		copy(k[:], key)
	case 16:
		copy(k[:], key)
		copy(k[16:], key[:8])
	default:
		return nil, engine.Errorf(engine.ErrInvalidKey, "3DES key of %d bytes (want 16 or 24)", len(key))
	}
	b, err := des.NewTripleDESCipher(k[:])
	if err != nil {
		return nil, engine.Errorf(engine.ErrInvalidKey, "3DES: %v", err)
	}
	return b, nil
}

func ivLen(alg engine.CipherAlg, iv []byte, want int) error {
	if len(iv) != want {
		return engine.Errorf(engine.ErrInvalidInput, "%v IV of %d bytes (want %d)", alg, len(iv), want)
	}
	return nil
}

func wholeBlocks(n, bs int) error {
	if n%bs != 0 {
		return engine.Errorf(engine.ErrInvalidInput, "length %d is not a multiple of the %d-byte block", n, bs)
	}
	return nil
}

// arc4Impl: every request starts from the session key's schedule
// (INTERPRETATIONS.md: requests are independent). The IV is ignored.
type arc4Impl struct{ tmpl *rc4.Cipher }

func (a *arc4Impl) crypt(_ engine.Direction, dst, src, _ []byte) error {
	c := *a.tmpl
	c.XORKeyStream(dst, src)
	c.Reset()
	return nil
}
func (a *arc4Impl) zero() { a.tmpl.Reset() }

// aesECB: whole blocks; the IV is ignored.
type aesECB struct{ c *aesblocks.Cipher }

func (a *aesECB) crypt(dir engine.Direction, dst, src, _ []byte) error {
	if err := wholeBlocks(len(src), 16); err != nil {
		return err
	}
	if dir == engine.Encrypt {
		return a.c.EncryptBlocks(dst, src)
	}
	return a.c.DecryptBlocks(dst, src)
}
func (a *aesECB) zero() { a.c.Zero() }

type aesCTR struct{ c *aesblocks.Cipher }

func (a *aesCTR) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.AESCTR, iv, 16); err != nil {
		return err
	}
	return a.c.XORKeyStreamCTR(dst, src, iv)
}
func (a *aesCTR) zero() { a.c.Zero() }

// blockECB is ECB over a standard-library block cipher (DES, 3DES).
type blockECB struct{ b cipher.Block }

func (e *blockECB) crypt(dir engine.Direction, dst, src, _ []byte) error {
	bs := e.b.BlockSize()
	if err := wholeBlocks(len(src), bs); err != nil {
		return err
	}
	for i := 0; i < len(src); i += bs {
		if dir == engine.Encrypt {
			e.b.Encrypt(dst[i:i+bs], src[i:i+bs])
		} else {
			e.b.Decrypt(dst[i:i+bs], src[i:i+bs])
		}
	}
	return nil
}
func (e *blockECB) zero() {}

// cbcImpl caches CBC encrypter/decrypter pairs per goroutine in a pool and
// re-seeds them with SetIV, so a request allocates nothing. AES goes
// through aesblocks instead (ab): its decryption runs the multi-block
// kernels (crypto/cipher decrypts one block per call) and its encryption
// one assembly loop with the chaining value in a register (crypto/cipher
// makes a call and a separate XOR per block).
type cbcImpl struct {
	b    cipher.Block
	ab   *aesblocks.Cipher // AES only; nil for DES and 3DES
	pool sync.Pool
}

type ivSetter interface{ SetIV([]byte) }

type cbcModes struct{ enc, dec cipher.BlockMode }

func newCBC(b cipher.Block) *cbcImpl {
	c := &cbcImpl{b: b}
	zeroIV := make([]byte, b.BlockSize())
	c.pool.New = func() any {
		return &cbcModes{enc: cipher.NewCBCEncrypter(b, zeroIV), dec: cipher.NewCBCDecrypter(b, zeroIV)}
	}
	return c
}

func (c *cbcImpl) crypt(dir engine.Direction, dst, src, iv []byte) error {
	bs := c.b.BlockSize()
	if len(iv) != bs {
		return engine.Errorf(engine.ErrInvalidInput, "CBC IV of %d bytes (want %d)", len(iv), bs)
	}
	if err := wholeBlocks(len(src), bs); err != nil {
		return err
	}
	if c.ab != nil {
		if dir == engine.Decrypt {
			return c.ab.DecryptCBC(dst, src, iv)
		}
		return c.ab.EncryptCBC(dst, src, iv)
	}
	m := c.pool.Get().(*cbcModes)
	mode := m.enc
	if dir == engine.Decrypt {
		mode = m.dec
	}
	mode.(ivSetter).SetIV(iv)
	mode.CryptBlocks(dst, src)
	c.pool.Put(m)
	return nil
}
func (c *cbcImpl) zero() {
	if c.ab != nil {
		c.ab.Zero()
	}
}

// ctr64 is CTR mode for 64-bit block ciphers (3DES-CTR): the 8-byte IV is
// the initial counter block, incremented as a 64-bit big-endian integer
// (NIST SP 800-38A §6.5 with the standard incrementing function, as the
// Linux kernel's ctr(des3_ede) and DPDK do).
type ctr64 struct {
	b    cipher.Block
	pool sync.Pool // *[16]byte: counter ‖ keystream (slices passed to an interface escape)
}

func newCTR64(b cipher.Block) *ctr64 {
	c := &ctr64{b: b}
	c.pool.New = func() any { return new([16]byte) }
	return c
}

func (c *ctr64) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.TDESCTR, iv, 8); err != nil {
		return err
	}
	buf := c.pool.Get().(*[16]byte)
	ctr, ks := buf[:8], buf[8:]
	copy(ctr, iv)
	for i := 0; i < len(src); i += 8 {
		c.b.Encrypt(ks, ctr)
		n := min(8, len(src)-i)
		subtle.XORBytes(dst[i:i+n], src[i:i+n], ks[:n])
		for j := 7; j >= 0; j-- {
			ctr[j]++
			if ctr[j] != 0 {
				break
			}
		}
	}
	wipe(buf[:])
	c.pool.Put(buf)
	return nil
}
func (c *ctr64) zero() {}

type kasumiF8 struct{ c *kasumi.F8 }

func (k *kasumiF8) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.KASUMIF8, iv, 8); err != nil {
		return err
	}
	return k.c.XORKeyStream(dst, src, iv)
}
func (k *kasumiF8) zero() { k.c.Zero() }

type snowUEA2 struct{ c *snow3g.UEA2 }

func (s *snowUEA2) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.SNOW3GUEA2, iv, 16); err != nil {
		return err
	}
	return s.c.XORKeyStream(dst, src, iv)
}
func (s *snowUEA2) zero() { s.c.Zero() }

type aesF8 struct{ c *f8.Cipher }

func (a *aesF8) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.AESF8, iv, 16); err != nil {
		return err
	}
	return a.c.XORKeyStream(dst, src, iv)
}
func (a *aesF8) zero() { a.c.Zero() }

type aesXTS struct{ c *xts.Cipher }

func (a *aesXTS) crypt(dir engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.AESXTS, iv, 16); err != nil {
		return err
	}
	if len(src) < 16 {
		return engine.Errorf(engine.ErrInvalidInput, "AES-XTS data of %d bytes (want at least 16)", len(src))
	}
	if dir == engine.Encrypt {
		return a.c.Encrypt(dst, src, iv)
	}
	return a.c.Decrypt(dst, src, iv)
}
func (a *aesXTS) zero() { a.c.Zero() }

// zucEEA3 takes the 16-byte ZUC IV (DPDK convention) per request. gmsm's
// ZUC state is built per request (it allocates); the key is ours to wipe.
type zucEEA3 struct{ key [16]byte }

func (z *zucEEA3) crypt(_ engine.Direction, dst, src, iv []byte) error {
	if err := ivLen(engine.ZUCEEA3, iv, 16); err != nil {
		return err
	}
	s, err := zuc.NewCipher(z.key[:], iv)
	if err != nil {
		return engine.Errorf(engine.ErrInvalidInput, "ZUC-EEA3: %v", err)
	}
	s.XORKeyStream(dst, src)
	return nil
}
func (z *zucEEA3) zero() { wipe(z.key[:]) }

// cipherSession is a plain CIPHER session.
type cipherSession struct {
	params engine.SessionParams
	c      cipherImpl
	closed atomic.Bool
}

func newCipherSession(p *engine.SessionParams) (*cipherSession, error) {
	if err := checkDir(p.Direction); err != nil {
		return nil, err
	}
	c, err := newCipherImpl(p.Cipher, p.CipherKey)
	if err != nil {
		return nil, err
	}
	return &cipherSession{params: publicParams(p), c: c}, nil
}

func (s *cipherSession) Params() engine.SessionParams { return s.params }

func (s *cipherSession) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.c.zero()
	}
}

// Do runs the cipher over op.Src into op.Dst[:len(op.Src)] with op.IV in
// direction op.Dir.
func (s *cipherSession) Do(op *engine.Op) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := checkDir(op.Dir); err != nil {
		return err
	}
	dst, err := cipherOut(op.Dst, op.Src, op.IV)
	if err != nil {
		return err
	}
	return asInput(s.c.crypt(op.Dir, dst, op.Src, op.IV))
}

var errClosed = engine.Errorf(engine.ErrInvalidInput, "session is closed")

// cipherOut checks that dst can take len(src) bytes without partially
// overlapping src or overlapping iv, and returns dst[:len(src)].
func cipherOut(dst, src, iv []byte) ([]byte, error) {
	if len(dst) < len(src) {
		return nil, engine.Errorf(engine.ErrInvalidInput, "destination of %d bytes for %d bytes of source", len(dst), len(src))
	}
	dst = dst[:len(src)]
	if engine.InexactOverlap(dst, src) || engine.AnyOverlap(dst, iv) {
		return nil, engine.Errorf(engine.ErrInvalidInput, "destination overlaps an input")
	}
	return dst, nil
}
