// Package soft is vcrypto's embedded default engine: every algorithm of the
// virtio-crypto tables, in Go, on the standard library, golang.org/x/crypto,
// github.com/emmansun/gmsm (ZUC, CCM), and the project's own packages below
// this directory where no trustworthy library exists (KASUMI, SNOW 3G,
// AES-F8, AES-XTS, CMAC, XCBC, CBC-MAC, GCM with J0 and short tags, and a
// multi-block AES kernel), and the AKCIPHER service: RSA in soft/rsa
// (private-key operations constant-time on filippo.io/bigmod) and ECDSA in
// soft/ecdsa (crypto/ecdsa); see akcipher.go and those packages for what is
// constant-time.
//
// Sessions cache their cipher, hash and MAC objects: a data operation on
// AES-CBC, AES-CTR, AES-GCM, ChaCha20-Poly1305, SHA-256 or HMAC-SHA256
// allocates nothing. Per-operation state that cannot be shared between
// goroutines (hash states, CBC chaining values) lives in a per-session
// sync.Pool.
//
// Key material: Close wipes every key, key schedule and derived secret the
// engine owns (including HMAC pad states). Key schedules held inside
// standard-library objects (crypto/aes, crypto/des, x/crypto) cannot be
// wiped from outside; Close drops them to the garbage collector.
//
// Conventions for keys, IVs, AEAD tags and chaining follow the project's
// INTERPRETATIONS.md; algorithm behaviour is documented in README.md.
package soft

import (
	"errors"
	"fmt"

	"vcrypto/internal/engine"
)

// Engine is the soft engine. It is safe for concurrent use.
type Engine struct{}

// MaxAuthKeyLen is the longest MAC key accepted (HMAC keys longer than the
// hash block are hashed first, as RFC 2104 says). 512 is the size of QEMU's
// vhost-user auth-key buffer.
const MaxAuthKeyLen = 512

// MaxCipherKeyLen is the longest cipher key: AES-F8 and AES-XTS take 64.
const MaxCipherKeyLen = 64

// New runs the engine's known-answer self-test and returns the engine, or
// an error wrapping engine.ErrSelfTest if any algorithm gives a wrong
// answer.
func New() (*Engine, error) {
	e := &Engine{}
	if err := selfTest(e); err != nil {
		return nil, err
	}
	return e, nil
}

// Name implements engine.Engine.
func (*Engine) Name() string { return "soft" }

// Capabilities implements engine.Engine. CBCMAC-KASUMI-F9 is absent: the
// specification gives it no definition (see README.md). AKCIPHER: RSA and
// ECDSA on P-224, P-256, P-384 and P-521 (not P-192).
func (*Engine) Capabilities() engine.Capabilities {
	c := engine.Capabilities{
		Cipher:          append([]engine.CipherAlg(nil), engine.AllCiphers...),
		Hash:            append([]engine.HashAlg(nil), engine.AllHashes...),
		AEAD:            append([]engine.AEADAlg(nil), engine.AllAEADs...),
		AKCipher:        []engine.AKCipherAlg{engine.RSA, engine.ECDSA},
		Curves:          append([]engine.Curve(nil), akCurves...),
		MaxCipherKeyLen: MaxCipherKeyLen,
		MaxAuthKeyLen:   MaxAuthKeyLen,
	}
	for _, m := range engine.AllMACs {
		if m != engine.CBCMACKASUMIF9 {
			c.MAC = append(c.MAC, m)
		}
	}
	return c
}

// NewSession implements engine.Engine.
func (e *Engine) NewSession(p *engine.SessionParams) (engine.Session, error) {
	if p == nil {
		return nil, engine.Errorf(engine.ErrInvalidInput, "nil session parameters")
	}
	switch p.Service {
	case engine.ServiceCipher:
		if p.Chained {
			return newChainSession(p)
		}
		return newCipherSession(p)
	case engine.ServiceHash:
		return newHashSession(p)
	case engine.ServiceMAC:
		return newMACSession(p)
	case engine.ServiceAEAD:
		return newAEADSession(p)
	case engine.ServiceAKCipher:
		return newAKSession(p)
	}
	return nil, engine.Errorf(engine.ErrUnsupported, "service %v", p.Service)
}

// publicParams copies p without its keys.
func publicParams(p *engine.SessionParams) engine.SessionParams {
	q := *p
	q.CipherKey, q.AuthKey = nil, nil
	return q
}

func checkDir(d engine.Direction) error {
	if d != engine.Encrypt && d != engine.Decrypt {
		return engine.Errorf(engine.ErrInvalidInput, "direction %d", d)
	}
	return nil
}

// asInput makes sure an error from a primitive package carries an engine
// sentinel: errors that already wrap one pass through, others become
// ErrInvalidInput (the primitives only fail on lengths, IVs and overlaps
// once the session exists).
func asInput(err error) error {
	if err == nil {
		return nil
	}
	for _, s := range []error{engine.ErrInvalidInput, engine.ErrInvalidKey, engine.ErrUnsupported, engine.ErrAuthFailed} {
		if errors.Is(err, s) {
			return err
		}
	}
	return fmt.Errorf("%w: %w", engine.ErrInvalidInput, err)
}

// wipe zeroes b.
func wipe(b []byte) { clear(b) }
