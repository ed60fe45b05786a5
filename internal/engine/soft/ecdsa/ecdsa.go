// Package ecdsa implements the ECDSA half of the virtio-crypto AKCIPHER
// service (spec "Session operation: AKCIPHER session", "AKCIPHER Service
// Operation") on the standard library's crypto/ecdsa: key parsing (DER
// ECPrivateKey of RFC 5915, SEC 1 uncompressed public points), signing
// with a DER Ecdsa-Sig-Value result and verification of one.
//
// Curves: NIST P-224, P-256, P-384 and P-521 (what crypto/ecdsa
// implements). P-192 is not implemented (ErrUnsupportedCurve).
//
// Constant time: signing and scalar handling are those of crypto/ecdsa,
// which is constant-time (crypto/internal/fips140/nistec). Key parsing
// here is not: it branches on the encoding (tags, lengths, which optional
// fields are present) and on whether the embedded public key matches, but
// it does no arithmetic on the scalar itself. Verification works on public
// data only.
package ecdsa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Errors. The soft engine maps them to its sentinels.
var (
	ErrKey              = errors.New("ecdsa: invalid key")
	ErrUnsupportedCurve = errors.New("ecdsa: unsupported curve")
	ErrInput            = errors.New("ecdsa: invalid input")
	ErrVerify           = errors.New("ecdsa: verification failed")
)

// Curve names a curve by the virtio-crypto VIRTIO_CRYPTO_CURVE_* value.
type Curve uint32

// Curves (spec values).
const (
	P192 Curve = 1
	P224 Curve = 2
	P256 Curve = 3
	P384 Curve = 4
	P521 Curve = 5
)

// curveInfo maps an implemented curve to crypto/elliptic and its named-curve
// OID (RFC 5480 §2.1.1.1, SEC 2).
func curveInfo(c Curve) (elliptic.Curve, asn1.ObjectIdentifier, error) {
	switch c {
	case P224:
		return elliptic.P224(), asn1.ObjectIdentifier{1, 3, 132, 0, 33}, nil
	case P256:
		return elliptic.P256(), asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, nil
	case P384:
		return elliptic.P384(), asn1.ObjectIdentifier{1, 3, 132, 0, 34}, nil
	case P521:
		return elliptic.P521(), asn1.ObjectIdentifier{1, 3, 132, 0, 35}, nil
	}
	return nil, nil, fmt.Errorf("%w: curve %d", ErrUnsupportedCurve, c)
}

// Supported reports whether c is implemented.
func Supported(c Curve) bool {
	_, _, err := curveInfo(c)
	return err == nil
}

// PublicKey is an ECDSA public key; immutable, safe for concurrent use.
type PublicKey struct{ k *ecdsa.PublicKey }

// PrivateKey is an ECDSA private key; safe for concurrent use.
type PrivateKey struct {
	PublicKey
	k *ecdsa.PrivateKey
}

// ParsePublicKey parses the SEC 1 (§2.3.3) uncompressed encoding
// 04 ‖ X ‖ Y of a point of curve c (the ECPoint octets without an OCTET
// STRING header). Compressed points, the point at infinity and points off
// the curve are ErrKey.
func ParsePublicKey(c Curve, b []byte) (*PublicKey, error) {
	curve, _, err := curveInfo(c)
	if err != nil {
		return nil, err
	}
	k, err := ecdsa.ParseUncompressedPublicKey(curve, b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	return &PublicKey{k: k}, nil
}

// ParsePrivateKey parses a DER ECPrivateKey (RFC 5915 §3) for curve c:
// version 1; privateKey an OCTET STRING of the curve's scalar size (a
// shorter one, as some encoders write, is left-padded); the optional [0]
// parameters must be the named-curve OID of c; the optional [1] publicKey
// must be the point of the private scalar. The scalar must be in 1..n-1.
func ParsePrivateKey(c Curve, der []byte) (*PrivateKey, error) {
	curve, oid, err := curveInfo(c)
	if err != nil {
		return nil, err
	}
	in := cryptobyte.String(der)
	var seq, priv cryptobyte.String
	var version int
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&version) || !seq.ReadASN1(&priv, cbasn1.OCTET_STRING) {
		return nil, fmt.Errorf("%w: malformed ECPrivateKey", ErrKey)
	}
	if version != 1 {
		return nil, fmt.Errorf("%w: ECPrivateKey version %d", ErrKey, version)
	}
	size := (curve.Params().N.BitLen() + 7) / 8
	if len(priv) == 0 || len(priv) > size {
		return nil, fmt.Errorf("%w: %d-byte private key for a %d-byte curve", ErrKey, len(priv), size)
	}
	var params, pubField cryptobyte.String
	var hasParams, hasPub bool
	if !seq.ReadOptionalASN1(&params, &hasParams, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!seq.ReadOptionalASN1(&pubField, &hasPub, cbasn1.Tag(1).Constructed().ContextSpecific()) ||
		!seq.Empty() {
		return nil, fmt.Errorf("%w: malformed ECPrivateKey", ErrKey)
	}
	if hasParams {
		var got asn1.ObjectIdentifier
		if !params.ReadASN1ObjectIdentifier(&got) || !params.Empty() {
			return nil, fmt.Errorf("%w: ECPrivateKey parameters are not a named curve", ErrKey)
		}
		if !got.Equal(oid) {
			return nil, fmt.Errorf("%w: ECPrivateKey curve %v, session curve %v", ErrKey, got, oid)
		}
	}
	scalar := make([]byte, size)
	defer clear(scalar)
	copy(scalar[size-len(priv):], priv)
	k, err := ecdsa.ParseRawPrivateKey(curve, scalar)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	if hasPub {
		var bits asn1.BitString
		if !pubField.ReadASN1BitString(&bits) || !pubField.Empty() || bits.BitLength%8 != 0 {
			return nil, fmt.Errorf("%w: malformed ECPrivateKey public key", ErrKey)
		}
		want, err := k.PublicKey.Bytes()
		if err != nil || !bytes.Equal(bits.Bytes, want) {
			return nil, fmt.Errorf("%w: ECPrivateKey public key does not match the private key", ErrKey)
		}
	}
	return &PrivateKey{PublicKey: PublicKey{k: &k.PublicKey}, k: k}, nil
}

// Bytes returns the uncompressed encoding of the public key.
func (k *PublicKey) Bytes() []byte {
	b, err := k.k.Bytes()
	if err != nil {
		return nil
	}
	return b
}

// MaxSignatureLen is the longest DER signature for the key's curve.
func (k *PublicKey) MaxSignatureLen() int {
	n := (k.k.Curve.Params().N.BitLen() + 7) / 8
	// INTEGER: tag, length (<= 2 bytes for n <= 66), sign octet, value.
	intLen := 1 + 2 + 1 + n
	body := 2 * intLen
	return 1 + 2 + body
}

// Sign signs digest (any length; FIPS 186-5 §6.4.1 uses its leftmost bits)
// with randomness from crypto/rand, writes the DER Ecdsa-Sig-Value to dst
// and returns its length. A dst shorter than the signature is ErrInput and
// nothing is written.
func (k *PrivateKey) Sign(dst, digest []byte) (int, error) {
	if k.k == nil {
		return 0, fmt.Errorf("%w: key wiped", ErrKey)
	}
	sig, err := ecdsa.SignASN1(rand.Reader, k.k, digest)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrInput, err)
	}
	if len(dst) < len(sig) {
		return 0, fmt.Errorf("%w: output buffer of %d bytes for a %d-byte signature", ErrInput, len(dst), len(sig))
	}
	return copy(dst, sig), nil
}

// Verify checks the DER Ecdsa-Sig-Value sig over digest. Any failure
// (malformed DER, trailing data, r or s out of range, mismatch) is
// ErrVerify.
func (k *PublicKey) Verify(digest, sig []byte) error {
	if !ecdsa.VerifyASN1(k.k, digest, sig) {
		return ErrVerify
	}
	return nil
}

// Wipe drops the private key. crypto/ecdsa keeps the scalar in values this
// package cannot reach to clear; they go to the garbage collector.
func (k *PrivateKey) Wipe() { k.k = nil }
