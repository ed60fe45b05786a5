package soft

import (
	"errors"
	"fmt"
	"sync/atomic"

	"vcrypto/internal/alias"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft/ecdsa"
	"vcrypto/internal/engine/soft/rsa"
)

// AKCIPHER (spec "Session operation: AKCIPHER session" and "AKCIPHER
// Service Operation"): RSA in package soft/rsa (constant-time private-key
// operations on filippo.io/bigmod), ECDSA in package soft/ecdsa (on
// crypto/ecdsa). The per-operation contract is the one written in
// engine/akcipher.go.

// akCurves are the ECDSA curves implemented (P-192 is not: crypto/ecdsa
// has no P-192).
var akCurves = []engine.Curve{engine.CurveP224, engine.CurveP256, engine.CurveP384, engine.CurveP521}

// rsaHashes maps the spec's hash_algo values to DigestInfo selections.
// RSAMD3 has no entry: MD3 was never published, so a sign or verify on a
// session that names it is ErrUnsupported.
var rsaHashes = map[engine.RSAHash]rsa.Hash{
	engine.RSANoHash: rsa.HashNone,
	engine.RSAMD2:    rsa.MD2,
	engine.RSAMD4:    rsa.MD4,
	engine.RSAMD5:    rsa.MD5,
	engine.RSASHA1:   rsa.SHA1,
	engine.RSASHA224: rsa.SHA224,
	engine.RSASHA256: rsa.SHA256,
	engine.RSASHA384: rsa.SHA384,
	engine.RSASHA512: rsa.SHA512,
}

type akSession struct {
	params engine.SessionParams
	closed atomic.Bool

	// RSA: pub always, priv for private-key sessions.
	rsaPub  *rsa.PublicKey
	rsaPriv *rsa.PrivateKey
	rsaHash rsa.Hash
	hashOK  bool // false for RSAMD3

	// ECDSA.
	ecPub  *ecdsa.PublicKey
	ecPriv *ecdsa.PrivateKey
}

func newAKSession(p *engine.SessionParams) (engine.Session, error) {
	ak := &p.AK
	if ak.KeyType != engine.KeyPublic && ak.KeyType != engine.KeyPrivate {
		return nil, engine.Errorf(engine.ErrInvalidInput, "AKCIPHER key type %d", ak.KeyType)
	}
	s := &akSession{params: publicParams(p)}
	s.params.AK.Key = nil
	switch ak.Alg {
	case engine.RSA:
		if ak.Curve != engine.CurveUnknown {
			return nil, engine.Errorf(engine.ErrInvalidInput, "RSA session with a curve (%d)", ak.Curve)
		}
		if ak.Padding != engine.RSARawPadding && ak.Padding != engine.RSAPKCS1Padding {
			return nil, engine.Errorf(engine.ErrUnsupported, "RSA padding %d", ak.Padding)
		}
		if ak.Hash > engine.RSASHA224 {
			return nil, engine.Errorf(engine.ErrUnsupported, "RSA hash %d", ak.Hash)
		}
		s.rsaHash, s.hashOK = rsaHashes[ak.Hash]
		if ak.KeyType == engine.KeyPrivate {
			k, err := rsa.ParsePrivateKey(ak.Key)
			if err != nil {
				return nil, akKeyErr(err)
			}
			s.rsaPriv, s.rsaPub = k, &k.PublicKey
		} else {
			k, err := rsa.ParsePublicKey(ak.Key)
			if err != nil {
				return nil, akKeyErr(err)
			}
			s.rsaPub = k
		}
	case engine.ECDSA:
		if ak.Padding != 0 || ak.Hash != 0 {
			return nil, engine.Errorf(engine.ErrInvalidInput, "ECDSA session with RSA padding/hash (%d/%d)", ak.Padding, ak.Hash)
		}
		c := ecdsa.Curve(ak.Curve)
		if !ecdsa.Supported(c) {
			return nil, engine.Errorf(engine.ErrUnsupported, "ECDSA curve %d", ak.Curve)
		}
		if ak.KeyType == engine.KeyPrivate {
			k, err := ecdsa.ParsePrivateKey(c, ak.Key)
			if err != nil {
				return nil, akKeyErr(err)
			}
			s.ecPriv, s.ecPub = k, &k.PublicKey
		} else {
			k, err := ecdsa.ParsePublicKey(c, ak.Key)
			if err != nil {
				return nil, akKeyErr(err)
			}
			s.ecPub = k
		}
	default:
		return nil, engine.Errorf(engine.ErrUnsupported, "AKCIPHER algorithm %d", ak.Alg)
	}
	return s, nil
}

// akKeyErr maps a key-parsing error of the rsa and ecdsa packages.
func akKeyErr(err error) error {
	if errors.Is(err, rsa.ErrUnsupportedKey) || errors.Is(err, ecdsa.ErrUnsupportedCurve) {
		return fmt.Errorf("%w: %w", engine.ErrUnsupported, err)
	}
	return fmt.Errorf("%w: %w", engine.ErrInvalidKey, err)
}

// akOpErr maps an operation error of the rsa and ecdsa packages.
func akOpErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rsa.ErrVerify), errors.Is(err, ecdsa.ErrVerify):
		return fmt.Errorf("%w: %w", engine.ErrKeyRejected, err)
	case errors.Is(err, rsa.ErrInput), errors.Is(err, ecdsa.ErrInput):
		return fmt.Errorf("%w: %w", engine.ErrInvalidInput, err)
	}
	// ErrFault (a private result that failed its check), a wiped key, or
	// a random-source failure: nothing was released. The device reports
	// a plain error.
	return fmt.Errorf("%w: %w", engine.ErrInvalidInput, err)
}

func (s *akSession) Params() engine.SessionParams { return s.params }

// Close wipes the private key material the session owns.
func (s *akSession) Close() {
	if s.closed.Swap(true) {
		return
	}
	if s.rsaPriv != nil {
		s.rsaPriv.Wipe()
	}
	if s.ecPriv != nil {
		s.ecPriv.Wipe()
	}
}

// Do implements the AKCIPHER operations; see engine/akcipher.go.
func (s *akSession) Do(op *engine.Op) error {
	op.OutLen = 0
	if s.closed.Load() {
		return engine.Errorf(engine.ErrInvalidInput, "session closed")
	}
	switch op.AK {
	case engine.AKEncrypt, engine.AKDecrypt, engine.AKSign:
		if alias.InexactOverlap(op.Dst, op.Src) {
			return engine.Errorf(engine.ErrInvalidInput, "Dst overlaps Src")
		}
	case engine.AKVerify:
	default:
		return engine.Errorf(engine.ErrWrongOp, "AKCIPHER operation %d", op.AK)
	}
	if s.rsaPub != nil {
		return s.doRSA(op)
	}
	return s.doECDSA(op)
}

func (s *akSession) doRSA(op *engine.Op) error {
	raw := s.params.AK.Padding == engine.RSARawPadding
	k := s.rsaPub.Size()
	needPriv := op.AK == engine.AKDecrypt || op.AK == engine.AKSign
	if needPriv && s.rsaPriv == nil {
		return engine.Errorf(engine.ErrWrongOp, "RSA %s needs a private key", akOpName(op.AK))
	}
	if raw && (op.AK == engine.AKSign || op.AK == engine.AKVerify) {
		return engine.Errorf(engine.ErrWrongOp, "RSA %s on a raw-padding session", akOpName(op.AK))
	}
	if (op.AK == engine.AKSign || op.AK == engine.AKVerify) && !s.hashOK {
		return engine.Errorf(engine.ErrUnsupported, "RSA signature with MD3 (no such algorithm)")
	}
	if op.AK != engine.AKVerify && op.AK != engine.AKDecrypt && len(op.Dst) < k {
		return engine.Errorf(engine.ErrInvalidInput, "Dst of %d bytes, need %d", len(op.Dst), k)
	}
	switch op.AK {
	case engine.AKEncrypt:
		var err error
		if raw {
			err = s.rsaPub.EncryptRaw(op.Dst, op.Src)
		} else {
			err = s.rsaPub.EncryptPKCS1v15(op.Dst, op.Src)
		}
		if err != nil {
			return akOpErr(err)
		}
		op.OutLen = k
	case engine.AKDecrypt:
		if raw {
			if len(op.Dst) < k {
				return engine.Errorf(engine.ErrInvalidInput, "Dst of %d bytes, need %d", len(op.Dst), k)
			}
			if err := s.rsaPriv.DecryptRaw(op.Dst, op.Src); err != nil {
				return akOpErr(err)
			}
			op.OutLen = k
			return nil
		}
		n, err := s.rsaPriv.DecryptPKCS1v15(op.Dst, op.Src)
		if err != nil {
			return akOpErr(err)
		}
		op.OutLen = n
	case engine.AKSign:
		if err := s.rsaPriv.SignPKCS1v15(op.Dst, s.rsaHash, op.Src); err != nil {
			return akOpErr(err)
		}
		op.OutLen = k
	case engine.AKVerify:
		return akOpErr(s.rsaPub.VerifyPKCS1v15(s.rsaHash, op.Signed, op.Src))
	}
	return nil
}

func (s *akSession) doECDSA(op *engine.Op) error {
	switch op.AK {
	case engine.AKEncrypt, engine.AKDecrypt:
		return engine.Errorf(engine.ErrWrongOp, "ECDSA has no %s", akOpName(op.AK))
	case engine.AKSign:
		if s.ecPriv == nil {
			return engine.Errorf(engine.ErrWrongOp, "ECDSA sign needs a private key")
		}
		n, err := s.ecPriv.Sign(op.Dst, op.Src)
		if err != nil {
			return akOpErr(err)
		}
		op.OutLen = n
		return nil
	}
	return akOpErr(s.ecPub.Verify(op.Signed, op.Src))
}

func akOpName(o engine.AKOp) string {
	switch o {
	case engine.AKEncrypt:
		return "encrypt"
	case engine.AKDecrypt:
		return "decrypt"
	case engine.AKSign:
		return "sign"
	case engine.AKVerify:
		return "verify"
	}
	return fmt.Sprintf("op %d", o)
}
