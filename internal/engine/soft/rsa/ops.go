package rsa

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"io"

	"filippo.io/bigmod"
)

// Hash selects the DigestInfo of an RSASSA-PKCS1-v1_5 signature.
type Hash uint8

// Hashes. HashNone signs the input as it is, with no DigestInfo (as
// Linux's "pkcs1pad(rsa)" without a hash does).
const (
	HashNone Hash = iota
	MD2
	MD4
	MD5
	SHA1
	SHA224
	SHA256
	SHA384
	SHA512
)

// digestInfo are the DER DigestInfo prefixes (everything but the digest):
// RFC 8017 §9.2 note 1 for MD2, MD5 and the SHA family; MD4 (OID
// 1.2.840.113549.2.4) as RFC 2313 §10.1.2 defines it.
var digestInfo = [...]struct {
	size   int
	prefix []byte
}{
	MD2:    {16, []byte{0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x02, 0x05, 0x00, 0x04, 0x10}},
	MD4:    {16, []byte{0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x04, 0x05, 0x00, 0x04, 0x10}},
	MD5:    {16, []byte{0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10}},
	SHA1:   {20, []byte{0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14}},
	SHA224: {28, []byte{0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c}},
	SHA256: {32, []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}},
	SHA384: {48, []byte{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30}},
	SHA512: {64, []byte{0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40}},
}

// Valid reports whether h is one of the hashes above.
func (h Hash) Valid() bool { return h <= SHA512 }

// Size is the digest size of h, 0 for HashNone.
func (h Hash) Size() int {
	if h == HashNone || !h.Valid() {
		return 0
	}
	return digestInfo[h].size
}

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, args...))
}

// setBlock reads src (at most k bytes, left-padded with zeros) as a value
// below n.
func (k *PublicKey) setBlock(src []byte) (*bigmod.Nat, error) {
	if len(src) > k.k {
		return nil, inputErr("%d-byte input for a %d-byte modulus", len(src), k.k)
	}
	x, err := bigmod.NewNat().SetBytes(src, k.n)
	if err != nil {
		return nil, inputErr("input is not below the modulus")
	}
	return x, nil
}

// EncryptRaw is RSAEP (RFC 8017 §5.1.1): dst[:k] = src^e mod n, where src
// is at most k bytes (left-padded with zeros) and below n. dst must have at
// least k bytes.
func (k *PublicKey) EncryptRaw(dst, src []byte) error {
	if len(dst) < k.k {
		return inputErr("output buffer of %d bytes, need %d", len(dst), k.k)
	}
	x, err := k.setBlock(src)
	if err != nil {
		return err
	}
	y := bigmod.NewNat().ExpShortVarTime(x, uint(k.e), k.n)
	copy(dst, y.Bytes(k.n))
	return nil
}

// private computes c^d mod n in constant time and checks the result with
// the public exponent. c is reduced mod n. The result has the limbs of n.
func (k *PrivateKey) private(c *bigmod.Nat) (*bigmod.Nat, error) {
	var m *bigmod.Nat
	if !k.crt {
		if k.d == nil {
			return nil, fmt.Errorf("%w: key wiped", ErrKey)
		}
		m = bigmod.NewNat().Exp(c, k.d, k.n)
	} else {
		if k.p == nil {
			return nil, fmt.Errorf("%w: key wiped", ErrKey)
		}
		t := bigmod.NewNat()
		m = bigmod.NewNat().Exp(t.Mod(c, k.p), k.dP, k.p)   // c^dP mod p
		m2 := bigmod.NewNat().Exp(t.Mod(c, k.q), k.dQ, k.q) // c^dQ mod q
		m.Sub(t.Mod(m2, k.p), k.p)                          // (m1 - m2) mod p
		m.Mul(k.qInv, k.p)                                  // h = qInv*(m1-m2) mod p
		m.ExpandFor(k.n).Mul(t.Mod(k.q.Nat(), k.n), k.n)    // h*q mod n
		m.Add(m2.ExpandFor(k.n), k.n)                       // m2 + h*q
		clear(t.Bits())
		clear(m2.Bits())
	}
	check := bigmod.NewNat().ExpShortVarTime(m, uint(k.e), k.n)
	if check.Equal(c) != 1 {
		clear(m.Bits())
		return nil, ErrFault
	}
	return m, nil
}

// DecryptRaw is RSADP (RFC 8017 §5.1.2): dst[:k] = src^d mod n, where src
// is at most k bytes (left-padded with zeros) and below n. dst must have at
// least k bytes.
func (k *PrivateKey) DecryptRaw(dst, src []byte) error {
	if len(dst) < k.k {
		return inputErr("output buffer of %d bytes, need %d", len(dst), k.k)
	}
	c, err := k.setBlock(src)
	if err != nil {
		return err
	}
	m, err := k.private(c)
	if err != nil {
		return err
	}
	out := m.Bytes(k.n)
	copy(dst, out)
	clear(out)
	clear(m.Bits())
	return nil
}

// EncryptPKCS1v15 is RSAES-PKCS1-V1_5-ENCRYPT (RFC 8017 §7.2.1) with
// nonzero padding bytes from crypto/rand: msg is at most k-11 bytes, dst
// receives k bytes.
func (k *PublicKey) EncryptPKCS1v15(dst, msg []byte) error {
	return k.encryptPKCS1v15(rand.Reader, dst, msg)
}

func (k *PublicKey) encryptPKCS1v15(r io.Reader, dst, msg []byte) error {
	if len(msg) > k.k-11 {
		return inputErr("%d-byte message, at most %d for PKCS#1 v1.5", len(msg), k.k-11)
	}
	if len(dst) < k.k {
		return inputErr("output buffer of %d bytes, need %d", len(dst), k.k)
	}
	em := make([]byte, k.k)
	defer clear(em)
	em[1] = 2
	ps := em[2 : k.k-len(msg)-1]
	if err := nonZeroRandom(r, ps); err != nil {
		return err
	}
	copy(em[k.k-len(msg):], msg)
	return k.EncryptRaw(dst, em)
}

// nonZeroRandom fills b with random nonzero bytes.
func nonZeroRandom(r io.Reader, b []byte) error {
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("rsa: random source: %w", err)
	}
	var one [1]byte
	for i := range b {
		for b[i] == 0 {
			if _, err := io.ReadFull(r, one[:]); err != nil {
				return fmt.Errorf("rsa: random source: %w", err)
			}
			b[i] = one[0]
		}
	}
	return nil
}

// DecryptPKCS1v15 is RSAES-PKCS1-V1_5-DECRYPT (RFC 8017 §7.2.2): ct is
// exactly k bytes; the message is copied to dst and its length returned. A
// bad ciphertext (wrong length, not below n, bad padding) or a dst shorter
// than the message is ErrInput, and nothing is written to dst. The padding
// check examines every byte of the block whatever it finds.
func (k *PrivateKey) DecryptPKCS1v15(dst, ct []byte) (int, error) {
	if len(ct) != k.k {
		return 0, inputErr("%d-byte ciphertext for a %d-byte modulus", len(ct), k.k)
	}
	c, err := k.setBlock(ct)
	if err != nil {
		return 0, err
	}
	m, err := k.private(c)
	if err != nil {
		return 0, err
	}
	em := m.Bytes(k.n)
	clear(m.Bits())
	defer clear(em)
	valid, index := checkPKCS1v15(em)
	if valid != 1 {
		return 0, inputErr("bad PKCS#1 v1.5 encryption padding")
	}
	msg := em[index:]
	if len(dst) < len(msg) {
		return 0, inputErr("output buffer of %d bytes for a %d-byte message", len(dst), len(msg))
	}
	return copy(dst, msg), nil
}

// checkPKCS1v15 checks EM = 00 02 PS 00 M with at least 8 bytes of nonzero
// PS, in time independent of the contents, and returns 1 and the index of
// M when it holds.
func checkPKCS1v15(em []byte) (valid, index int) {
	if len(em) < 11 {
		return 0, 0
	}
	first := subtle.ConstantTimeByteEq(em[0], 0)
	second := subtle.ConstantTimeByteEq(em[1], 2)
	// lookingForIndex is 1 until the first zero byte after em[1] is found;
	// zeroIndex is then its position.
	lookingForIndex, zeroIndex := 1, 0
	for i := 2; i < len(em); i++ {
		isZero := subtle.ConstantTimeByteEq(em[i], 0)
		zeroIndex = subtle.ConstantTimeSelect(lookingForIndex&isZero, i, zeroIndex)
		lookingForIndex = subtle.ConstantTimeSelect(isZero, 0, lookingForIndex)
	}
	// PS is em[2:zeroIndex]; it needs at least 8 bytes.
	validPS := subtle.ConstantTimeLessOrEq(2+8, zeroIndex)
	valid = first & second & (^lookingForIndex & 1) & validPS
	index = subtle.ConstantTimeSelect(valid, zeroIndex+1, 0)
	return valid, index
}

// encodeSign builds EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of digest for hash h
// into a new k-byte block: 00 01 FF.. 00 T.
func (k *PublicKey) encodeSign(h Hash, digest []byte) ([]byte, error) {
	if !h.Valid() {
		return nil, inputErr("hash %d", h)
	}
	var prefix []byte
	if h != HashNone {
		di := digestInfo[h]
		if len(digest) != di.size {
			return nil, inputErr("%d-byte digest, the hash gives %d", len(digest), di.size)
		}
		prefix = di.prefix
	}
	tLen := len(prefix) + len(digest)
	if k.k < tLen+11 {
		return nil, inputErr("%d-byte DigestInfo does not fit a %d-byte modulus with PKCS#1 v1.5", tLen, k.k)
	}
	em := make([]byte, k.k)
	em[1] = 1
	for i := 2; i < k.k-tLen-1; i++ {
		em[i] = 0xff
	}
	copy(em[k.k-tLen:], prefix)
	copy(em[k.k-len(digest):], digest)
	return em, nil
}

// SignPKCS1v15 is RSASSA-PKCS1-V1_5-SIGN (RFC 8017 §8.2.1) of a digest:
// with a hash, digest must have exactly its size; with HashNone it is
// signed as it is (at most k-11 bytes). dst receives k bytes.
func (k *PrivateKey) SignPKCS1v15(dst []byte, h Hash, digest []byte) error {
	if len(dst) < k.k {
		return inputErr("output buffer of %d bytes, need %d", len(dst), k.k)
	}
	em, err := k.encodeSign(h, digest)
	if err != nil {
		return err
	}
	c, err := k.setBlock(em)
	if err != nil {
		return err // unreachable: em starts with 00 01 and n has k bytes
	}
	s, err := k.private(c)
	if err != nil {
		return err
	}
	copy(dst, s.Bytes(k.n))
	return nil
}

// VerifyPKCS1v15 is RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2): sig must
// be exactly k bytes, below n, and s^e mod n must equal the encoding of
// digest. Any failure is ErrVerify.
func (k *PublicKey) VerifyPKCS1v15(h Hash, digest, sig []byte) error {
	if len(sig) != k.k {
		return fmt.Errorf("%w: %d-byte signature for a %d-byte modulus", ErrVerify, len(sig), k.k)
	}
	want, err := k.encodeSign(h, digest)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrVerify, err)
	}
	s, err := bigmod.NewNat().SetBytes(sig, k.n)
	if err != nil {
		return fmt.Errorf("%w: signature not below the modulus", ErrVerify)
	}
	got := bigmod.NewNat().ExpShortVarTime(s, uint(k.e), k.n).Bytes(k.n)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrVerify
	}
	return nil
}
