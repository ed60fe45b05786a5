// Package rsa implements the RSA half of the virtio-crypto AKCIPHER service
// (spec "Session operation: AKCIPHER session", "AKCIPHER Service
// Operation"): DER PKCS#1 key parsing, raw RSA (RSAEP/RSADP), RSAES-PKCS1-v1_5
// and RSASSA-PKCS1-v1_5 (RFC 8017), on filippo.io/bigmod.
//
// Constant time. Every private-key operation (raw decrypt, PKCS#1 decrypt,
// sign) uses bigmod's constant-time arithmetic: CRT with constant-time
// modular exponentiation and recombination, so its timing depends on the
// sizes of the modulus and of p, q, dP and dQ but not on their values or on
// the input. The PKCS#1 v1.5 decryption padding check runs in constant time
// over the whole block; its outcome (valid or not, and the message length)
// is of course visible to the caller, which virtio reports to the guest.
// Public-key operations (encrypt, verify, and the check of every private
// result) use the variable-time short exponentiation on public values.
// Key parsing is not constant-time: it branches on the encoding (lengths,
// tags) and on whether the consistency checks pass, but it does no
// value-dependent arithmetic outside bigmod.
//
// Every private result is checked with the public exponent before it is
// released (as crypto/rsa does), so a fault or an inconsistent key gives
// ErrFault instead of a wrong answer that could leak a factor.
//
// Key material: Wipe clears the private exponents and the CRT coefficient
// this package holds. The primes p and q live inside bigmod.Modulus values
// whose limbs the bigmod API does not expose; Wipe drops them to the
// garbage collector.
package rsa

import (
	"errors"
	"fmt"

	"filippo.io/bigmod"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Errors. The soft engine maps them to its sentinels.
var (
	// ErrKey: the key does not parse as strict DER, has a size or exponent
	// outside the accepted range, or its parts are inconsistent.
	ErrKey = errors.New("rsa: invalid key")
	// ErrUnsupportedKey: a well-formed key this package does not implement
	// (multi-prime RSAPrivateKey, version 1).
	ErrUnsupportedKey = errors.New("rsa: unsupported key")
	// ErrInput: an operation input of the wrong length, a value not below
	// the modulus, a message too long for the padding, bad PKCS#1 v1.5
	// encryption padding, or an output buffer too short.
	ErrInput = errors.New("rsa: invalid input")
	// ErrVerify: a signature that does not verify (any reason).
	ErrVerify = errors.New("rsa: verification failed")
	// ErrFault: a private-key result did not survive the check with the
	// public exponent; nothing was released.
	ErrFault = errors.New("rsa: private-key operation failed its consistency check")
)

// Accepted key sizes. 512-bit moduli are accepted because Linux's crypto
// self-tests (crypto/testmgr.h, rsa_tv_template, under
// #ifndef CONFIG_CRYPTO_FIPS) use a 512-bit key, and a guest runs them
// against a virtio-crypto RSA device when it registers it. 8192 bits bounds
// the cost of one operation.
const (
	MinBits = 512
	MaxBits = 8192
)

// PublicKey is an RSA public key. It is immutable and safe for concurrent
// use.
type PublicKey struct {
	n *bigmod.Modulus
	e uint32
	k int // modulus size in bytes
}

// PrivateKey is an RSA private key with its public part. Its operations are
// safe for concurrent use; Wipe must not run concurrently with them.
type PrivateKey struct {
	PublicKey
	crt bool
	// CRT form (crt == true).
	p, q   *bigmod.Modulus
	dP, dQ []byte
	qInv   *bigmod.Nat // mod p
	// Plain form (crt == false): d, big-endian, minimal.
	d []byte
}

// Size is the modulus size k in bytes: the length of every ciphertext and
// signature.
func (k *PublicKey) Size() int { return k.k }

// BitLen is the modulus size in bits.
func (k *PublicKey) BitLen() int { return k.n.BitLen() }

// E is the public exponent.
func (k *PublicKey) E() uint32 { return k.e }

// N returns the modulus, big-endian, Size bytes.
func (k *PublicKey) N() []byte { return k.n.Nat().Bytes(k.n) }

// readInt reads one DER INTEGER and returns its magnitude without the sign
// octet. It refuses non-minimal encodings.
//
// Every INTEGER of an RSA key is positive (RFC 8017 A.1), and an encoding
// whose first octet has the high bit set is read as an unsigned magnitude
// rather than refused as negative: Linux reads RSA key integers that way
// (crypto/rsa_helper.c), and some keys its own crypto self-tests
// (crypto/testmgr.h) hand to a virtio-crypto RSA device are encoded so: a
// Debian 6.1 guest's RSA self-test fails against a device that refuses
// them (test/qemu's device-mode run). No well-formed key reads differently.
func readInt(s *cryptobyte.String) ([]byte, bool) {
	var b cryptobyte.String
	if !s.ReadASN1(&b, asn1.INTEGER) || len(b) == 0 {
		return nil, false
	}
	if b[0]&0x80 != 0 {
		return b, true // Linux-style unsigned (see above)
	}
	if len(b) > 1 && b[0] == 0 {
		if b[1]&0x80 == 0 {
			return nil, false // non-minimal
		}
		b = b[1:]
	}
	return b, true
}

// isZero reports whether a magnitude from readInt is zero (public data:
// only used on encodings of "absent" CRT parts).
func isZero(b []byte) bool { return len(b) == 1 && b[0] == 0 }

// ParsePublicKey parses a DER RSAPublicKey (RFC 8017 A.1.1). The modulus
// must be odd and MinBits..MaxBits long; the public exponent odd, at least
// 3 and below 2^32 (every exponent in use fits; Go's crypto/rsa has the
// same bound). Errors wrap ErrKey.
func ParsePublicKey(der []byte) (*PublicKey, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() {
		return nil, keyErr("not a DER SEQUENCE")
	}
	n, ok1 := readInt(&seq)
	e, ok2 := readInt(&seq)
	if !ok1 || !ok2 || !seq.Empty() {
		return nil, keyErr("malformed RSAPublicKey")
	}
	return newPublicKey(n, e)
}

func newPublicKey(n, e []byte) (*PublicKey, error) {
	if len(n) == 0 || n[len(n)-1]&1 == 0 {
		return nil, keyErr("even modulus")
	}
	if len(n) > MaxBits/8 {
		return nil, keyErr("modulus longer than %d bits", MaxBits)
	}
	m, err := bigmod.NewModulus(n)
	if err != nil {
		return nil, keyErr("modulus: %v", err)
	}
	if bits := m.BitLen(); bits < MinBits || bits > MaxBits {
		return nil, keyErr("modulus of %d bits (accepted %d..%d)", bits, MinBits, MaxBits)
	}
	if len(e) > 4 {
		return nil, keyErr("public exponent above 2^32")
	}
	var ev uint32
	for _, c := range e {
		ev = ev<<8 | uint32(c)
	}
	if ev < 3 || ev&1 == 0 {
		return nil, keyErr("public exponent %d (must be odd and at least 3)", ev)
	}
	return &PublicKey{n: m, e: ev, k: m.Size()}, nil
}

// ParsePrivateKey parses a DER RSAPrivateKey (RFC 8017 A.1.2) of version 0
// (two primes) and checks it: the public part as ParsePublicKey, n = p*q,
// 0 < d < n, dP = d mod (p-1) and e*dP = 1 mod (p-1) (same for q), and
// qInv*q = 1 mod p. A version-1 (multi-prime) key is ErrUnsupportedKey.
//
// A key whose p, q, dP, dQ and qInv are all encoded as 0 is accepted in
// plain (non-CRT) form, using d alone; that is the form of the keys in
// Linux's crypto self-tests (crypto/testmgr.h, pkcs1pad_rsa_tv_template),
// which a guest runs against the device. Such a key is checked by one
// private operation on a fixed value at parse time. Other errors wrap
// ErrKey.
func ParsePrivateKey(der []byte) (*PrivateKey, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() {
		return nil, keyErr("not a DER SEQUENCE")
	}
	var version int
	if !seq.ReadASN1Integer(&version) {
		return nil, keyErr("malformed version")
	}
	switch version {
	case 0:
	case 1:
		return nil, ErrUnsupportedKey
	default:
		return nil, keyErr("version %d", version)
	}
	var parts [8][]byte // n e d p q dP dQ qInv
	for i := range parts {
		b, ok := readInt(&seq)
		if !ok {
			return nil, keyErr("malformed RSAPrivateKey")
		}
		parts[i] = b
	}
	if !seq.Empty() {
		return nil, keyErr("trailing data in a version-0 RSAPrivateKey")
	}
	pub, err := newPublicKey(parts[0], parts[1])
	if err != nil {
		return nil, err
	}
	k := &PrivateKey{PublicKey: *pub}
	d, p, q, dP, dQ, qInv := parts[2], parts[3], parts[4], parts[5], parts[6], parts[7]
	dNat, err := bigmod.NewNat().SetBytes(d, pub.n)
	if err != nil || dNat.IsZero() == 1 {
		return nil, keyErr("private exponent not in 1..n-1")
	}
	if isZero(p) && isZero(q) && isZero(dP) && isZero(dQ) && isZero(qInv) {
		k.d = append([]byte(nil), d...)
		if err := k.checkPlain(); err != nil {
			k.Wipe()
			return nil, err
		}
		return k, nil
	}
	k.crt = true
	if err := k.setCRT(dNat, p, q, dP, dQ, qInv); err != nil {
		clear(dNat.Bits())
		k.Wipe()
		return nil, err
	}
	clear(dNat.Bits())
	return k, nil
}

// setCRT installs and checks the CRT parts.
func (k *PrivateKey) setCRT(d *bigmod.Nat, p, q, dP, dQ, qInv []byte) error {
	if len(p) == 0 || len(q) == 0 || p[len(p)-1]&1 == 0 || q[len(q)-1]&1 == 0 {
		return keyErr("even prime")
	}
	if len(p) > k.k || len(q) > k.k {
		return keyErr("prime longer than the modulus")
	}
	pq, err := bigmod.NewModulusProduct(p, q)
	if err != nil {
		return keyErr("p*q: %v", err)
	}
	if pq.BitLen() != k.n.BitLen() || pq.Nat().Equal(k.n.Nat().ExpandFor(pq)) != 1 {
		return keyErr("n != p*q")
	}
	if k.p, err = bigmod.NewModulus(p); err != nil {
		return keyErr("p: %v", err)
	}
	if k.q, err = bigmod.NewModulus(q); err != nil {
		return keyErr("q: %v", err)
	}
	if err := checkExponent(d, dP, k.p, k.e); err != nil {
		return err
	}
	if err := checkExponent(d, dQ, k.q, k.e); err != nil {
		return err
	}
	k.dP = append([]byte(nil), dP...)
	k.dQ = append([]byte(nil), dQ...)
	qi, err := bigmod.NewNat().SetBytes(qInv, k.p)
	if err != nil {
		return keyErr("qInv not below p")
	}
	k.qInv = qi
	qModP := bigmod.NewNat().Mod(k.q.Nat(), k.p)
	one := qModP.Mul(qi, k.p).IsOne()
	clear(qModP.Bits())
	if one != 1 {
		return keyErr("qInv*q != 1 mod p")
	}
	return nil
}

// checkExponent checks 0 < dX < x-1, dX = d mod (x-1) and e*dX = 1 mod (x-1).
func checkExponent(d *bigmod.Nat, dX []byte, x *bigmod.Modulus, e uint32) error {
	xNat := x.Nat()
	xm1b := xNat.SubOne(x).Bytes(x)
	clear(xNat.Bits())
	xm1, err := bigmod.NewModulus(xm1b)
	clear(xm1b)
	if err != nil {
		return keyErr("prime too small")
	}
	dx, err := bigmod.NewNat().SetBytes(dX, xm1)
	if err != nil || dx.IsZero() == 1 {
		return keyErr("CRT exponent out of range")
	}
	defer clear(dx.Bits())
	red := bigmod.NewNat().Mod(d, xm1)
	defer clear(red.Bits())
	if red.Equal(dx) != 1 {
		return keyErr("CRT exponent != d mod (prime-1)")
	}
	en := bigmod.NewNat().Mod(bigmod.NewNat().SetUint(uint(e)), xm1)
	if en.Mul(dx, xm1).IsOne() != 1 {
		return keyErr("e*dP != 1 mod (p-1)")
	}
	return nil
}

// checkPlain checks a non-CRT key with one private operation: (2^e)^d must
// be 2 mod n.
func (k *PrivateKey) checkPlain() error {
	two := bigmod.NewNat().SetUint(2).ExpandFor(k.n)
	c := bigmod.NewNat().ExpShortVarTime(two, uint(k.e), k.n)
	m := bigmod.NewNat().Exp(c, k.d, k.n)
	if m.Equal(two) != 1 {
		return keyErr("d is not the inverse of e")
	}
	return nil
}

// Wipe clears the private key material this key owns (see the package
// comment for p and q). The key must not be used afterwards.
func (k *PrivateKey) Wipe() {
	clear(k.d)
	clear(k.dP)
	clear(k.dQ)
	if k.qInv != nil {
		clear(k.qInv.Bits())
	}
	k.d, k.dP, k.dQ, k.qInv, k.p, k.q = nil, nil, nil, nil, nil, nil
}

type keyError struct{ msg string }

func (e *keyError) Error() string { return "rsa: invalid key: " + e.msg }
func (e *keyError) Unwrap() error { return ErrKey }

func keyErr(format string, args ...any) error {
	return &keyError{msg: fmt.Sprintf(format, args...)}
}
