package engine

import "errors"

// ErrKeyRejected: an AKCIPHER verify operation found a signature that does
// not verify under the session's key (virtio KEY_REJECTED, spec "AKCIPHER
// Service Operation"). Malformed signatures (wrong length, bad DER) are
// also ErrKeyRejected: the guest asked "does this verify?" and the answer
// is no.
var ErrKeyRejected = errors.New("engine: signature rejected")

// AKCipherAlg is a VIRTIO_CRYPTO_AKCIPHER_* identifier (spec "AKCIPHER
// services"; the spec's values, not Linux's, where ECDSA is 3).
type AKCipherAlg uint32

// Asymmetric algorithms.
const (
	NoAKCipher AKCipherAlg = 0
	RSA        AKCipherAlg = 1
	ECDSA      AKCipherAlg = 2
)

// KeyType is VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_*.
type KeyType uint32

// Key types of an AKCIPHER session.
const (
	KeyPublic  KeyType = 1
	KeyPrivate KeyType = 2
)

// RSAPadding is VIRTIO_CRYPTO_RSA_*_PADDING.
type RSAPadding uint32

// RSA padding schemes (spec "Session operation: AKCIPHER session").
const (
	// RSARawPadding: textbook RSA on whole-modulus-size blocks; inputs
	// shorter than the modulus are left-padded with zeros, outputs are
	// always modulus-size. Encrypt and decrypt only.
	RSARawPadding RSAPadding = 0
	// RSAPKCS1Padding: RSAES-PKCS1-v1_5 for encrypt/decrypt,
	// RSASSA-PKCS1-v1_5 (EMSA-PKCS1-v1_5 with the session's RSAHash
	// DigestInfo) for sign/verify (RFC 8017).
	RSAPKCS1Padding RSAPadding = 1
)

// RSAHash is VIRTIO_CRYPTO_RSA_* (hash_algo): the DigestInfo used by
// PKCS#1 v1.5 signatures. RSANoHash signs the source bytes as they are
// (no DigestInfo), as Linux's "pkcs1pad(rsa)" does.
type RSAHash uint32

// RSA signature hash identifiers, with the spec's values.
const (
	RSANoHash RSAHash = 0
	RSAMD2    RSAHash = 1
	RSAMD3    RSAHash = 2
	RSAMD4    RSAHash = 3
	RSAMD5    RSAHash = 4
	RSASHA1   RSAHash = 5
	RSASHA256 RSAHash = 6
	RSASHA384 RSAHash = 7
	RSASHA512 RSAHash = 8
	RSASHA224 RSAHash = 9
)

// Curve is VIRTIO_CRYPTO_CURVE_*.
type Curve uint32

// Named curves of ECDSA sessions.
const (
	CurveUnknown Curve = 0
	CurveP192    Curve = 1
	CurveP224    Curve = 2
	CurveP256    Curve = 3
	CurveP384    Curve = 4
	CurveP521    Curve = 5
)

// AKOp is the operation of an AKCIPHER data request.
type AKOp uint8

// AKCIPHER operations (VIRTIO_CRYPTO_AKCIPHER_ENCRYPT ... VERIFY).
const (
	AKNone AKOp = iota
	AKEncrypt
	AKDecrypt
	AKSign
	AKVerify
)

// AKCipherParams are the AKCIPHER part of SessionParams (Service ==
// ServiceAKCipher).
//
// Key encodings (spec "Session operation: AKCIPHER session"): RSA private
// keys are DER RSAPrivateKey (PKCS#1), RSA public keys DER RSAPublicKey;
// ECDSA private keys are DER ECPrivateKey (RFC 5915), ECDSA public keys the
// SEC 1 ECPoint octets (uncompressed 0x04 ‖ X ‖ Y) without an OCTET STRING
// header. A key that does not parse, does not match Curve, or is otherwise
// unusable is ErrInvalidKey; an algorithm, curve, padding or hash the engine
// does not implement is ErrUnsupported.
type AKCipherParams struct {
	Alg     AKCipherAlg
	KeyType KeyType
	Key     []byte
	// RSA only.
	Padding RSAPadding
	Hash    RSAHash
	// ECDSA only.
	Curve Curve
}

// AKCIPHER operations through Session.Do (Op fields used):
//
//	AKEncrypt  Src = message (raw: at most the modulus size; PKCS#1: at most k-11 bytes)
//	           Dst receives the ciphertext (modulus size k).
//	AKDecrypt  Src = ciphertext (raw: at most k bytes, left-padded; PKCS#1: exactly k bytes)
//	           Dst receives the plaintext (raw: k bytes; PKCS#1: the message).
//	AKSign     Src = the digest to sign (PKCS#1 with a hash: exactly that hash's size;
//	           RSANoHash: at most k-11 bytes; ECDSA: any length, used as FIPS 186-5 says)
//	           Dst receives the signature (RSA: k bytes; ECDSA: DER Ecdsa-Sig-Value).
//	AKVerify   Src = the signature, Signed = the signed digest; Dst is unused.
//	           A signature that does not verify is ErrKeyRejected.
//
// After a successful Do, Op.OutLen is the number of bytes written to Dst
// (0 for verify). A Dst too short for the result is ErrInvalidInput and
// nothing is written. Encrypt and verify need only a public key; decrypt
// and sign need a private key (ErrWrongOp otherwise), and raw-padding RSA
// sessions refuse sign and verify (ErrWrongOp), as the spec requires.
