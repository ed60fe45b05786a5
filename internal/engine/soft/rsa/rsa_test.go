package rsa

import (
	"bytes"
	"crypto"
	"crypto/rand"
	stdrsa "crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"math/big"
	"sync"
	"testing"
)

// Keys generated with crypto/rsa: these tests check parsing, the error
// contract and agreement with crypto/rsa. Published vectors (enginetest's
// AKCIPHER suites, run by the soft engine's tests) prove the results.
var (
	keyOnce sync.Once
	stdKey  *stdrsa.PrivateKey
)

func key(t testing.TB) *stdrsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if stdKey, err = stdrsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
		stdKey.Precompute()
	})
	return stdKey
}

func TestParseAndWipe(t *testing.T) {
	sk := key(t)
	k, err := ParsePrivateKey(x509.MarshalPKCS1PrivateKey(sk))
	if err != nil {
		t.Fatal(err)
	}
	if k.Size() != 128 || k.E() != uint32(sk.E) || !bytes.Equal(k.N(), sk.N.FillBytes(make([]byte, 128))) || k.BitLen() != 1024 {
		t.Fatal("public part differs")
	}
	digest := sha256.Sum256([]byte("x"))
	sig := make([]byte, k.Size())
	if err := k.SignPKCS1v15(sig, SHA256, digest[:]); err != nil {
		t.Fatal(err)
	}
	if err := stdrsa.VerifyPKCS1v15(&sk.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		t.Fatal(err)
	}
	dP, dQ, qInv := k.dP, k.dQ, k.qInv.Bits()
	k.Wipe()
	for _, b := range [][]byte{dP, dQ} {
		if len(bytes.Trim(b, "\x00")) != 0 {
			t.Fatal("CRT exponent not wiped")
		}
	}
	for _, w := range qInv {
		if w != 0 {
			t.Fatal("qInv not wiped")
		}
	}
	if err := k.SignPKCS1v15(sig, SHA256, digest[:]); !errors.Is(err, ErrKey) {
		t.Fatalf("sign after Wipe: %v", err)
	}
	if err := k.DecryptRaw(sig, sig[:10]); !errors.Is(err, ErrKey) {
		t.Fatalf("decrypt after Wipe: %v", err)
	}
}

// plainDER is the "d only" form (p, q, dP, dQ, qInv all 0).
func plainDER(sk *stdrsa.PrivateKey, d *big.Int) []byte {
	z := new(big.Int)
	return derSeq(big.NewInt(0), sk.N, big.NewInt(int64(sk.E)), d, z, z, z, z, z)
}

func TestPlainKey(t *testing.T) {
	sk := key(t)
	k, err := ParsePrivateKey(plainDER(sk, sk.D))
	if err != nil {
		t.Fatal(err)
	}
	if k.crt {
		t.Fatal("parsed as CRT")
	}
	digest := sha256.Sum256([]byte("plain"))
	sig := make([]byte, k.Size())
	if err := k.SignPKCS1v15(sig, SHA256, digest[:]); err != nil {
		t.Fatal(err)
	}
	want, _ := stdrsa.SignPKCS1v15(nil, sk, crypto.SHA256, digest[:])
	if !bytes.Equal(sig, want) {
		t.Fatal("plain-key signature differs")
	}
	d := k.d
	k.Wipe()
	if len(bytes.Trim(d, "\x00")) != 0 {
		t.Fatal("d not wiped")
	}
	// A wrong d is refused at parse time.
	if _, err := ParsePrivateKey(plainDER(sk, new(big.Int).Add(sk.D, big.NewInt(2)))); !errors.Is(err, ErrKey) {
		t.Fatalf("wrong d: %v", err)
	}
}

func derSeq(xs ...*big.Int) []byte {
	var body []byte
	for _, x := range xs {
		b := x.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		body = append(body, derTLV(2, b)...)
	}
	return derTLV(0x30, body)
}

func derTLV(tag byte, b []byte) []byte {
	out := []byte{tag}
	switch n := len(b); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, b...)
}

type parseCase struct {
	name string
	der  []byte
	pub  bool
	want error
}

// parseCases are malformed or refused keys, also the fuzz seeds.
func parseCases(sk *stdrsa.PrivateKey) []parseCase {
	n, e := sk.N, big.NewInt(int64(sk.E))
	return []parseCase{
		{"empty", nil, true, ErrKey},
		{"even modulus", derSeq(new(big.Int).Add(n, big.NewInt(1)), e), true, ErrKey},
		{"e = 1", derSeq(n, big.NewInt(1)), true, ErrKey},
		{"e even", derSeq(n, big.NewInt(65536)), true, ErrKey},
		{"e >= 2^32", derSeq(n, new(big.Int).Lsh(big.NewInt(1), 32)), true, ErrKey},
		{"negative e", []byte{0x30, 0x03, 0x02, 0x01, 0xff}, true, ErrKey},
		{"non-minimal integer", append([]byte{0x30, 0x05}, 0x02, 0x02, 0x00, 0x03, 0x00), true, ErrKey},
		{"modulus 8200 bits", derSeq(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 8199), big.NewInt(1)), e), true, ErrKey},
		{"BER length", append([]byte{0x30, 0x81, 0x03}, 0x02, 0x01, 0x03), true, ErrKey},
		{"n = p*q wrong", derSeq(big.NewInt(0), n, e, sk.D, sk.Primes[0], new(big.Int).Add(sk.Primes[1], big.NewInt(2)), sk.Precomputed.Dp, sk.Precomputed.Dq, sk.Precomputed.Qinv), false, ErrKey},
		{"p = q = 1", derSeq(big.NewInt(0), n, e, sk.D, big.NewInt(1), big.NewInt(1), big.NewInt(1), big.NewInt(1), big.NewInt(1)), false, ErrKey},
		{"d = 0", derSeq(big.NewInt(0), n, e, big.NewInt(0), sk.Primes[0], sk.Primes[1], sk.Precomputed.Dp, sk.Precomputed.Dq, sk.Precomputed.Qinv), false, ErrKey},
		{"dQ wrong", derSeq(big.NewInt(0), n, e, sk.D, sk.Primes[0], sk.Primes[1], sk.Precomputed.Dp, new(big.Int).Add(sk.Precomputed.Dq, big.NewInt(2)), sk.Precomputed.Qinv), false, ErrKey},
		{"missing qInv", derSeq(big.NewInt(0), n, e, sk.D, sk.Primes[0], sk.Primes[1], sk.Precomputed.Dp, sk.Precomputed.Dq), false, ErrKey},
		{"version 1", derSeq(big.NewInt(1), n, e, sk.D, sk.Primes[0], sk.Primes[1], sk.Precomputed.Dp, sk.Precomputed.Dq, sk.Precomputed.Qinv), false, ErrUnsupportedKey},
		{"version 3", derSeq(big.NewInt(3), n, e, sk.D, sk.Primes[0], sk.Primes[1], sk.Precomputed.Dp, sk.Precomputed.Dq, sk.Precomputed.Qinv), false, ErrKey},
	}
}

func TestParseErrors(t *testing.T) {
	cases := parseCases(key(t))
	for _, c := range cases {
		var err error
		if c.pub {
			_, err = ParsePublicKey(c.der)
		} else {
			_, err = ParsePrivateKey(c.der)
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestCheckPKCS1v15 checks the constant-time padding parser on edge cases
// of RFC 8017 §7.2.2 step 3.
func TestCheckPKCS1v15(t *testing.T) {
	ps8 := bytes.Repeat([]byte{0xff}, 8)
	cases := []struct {
		em    []byte
		valid int
		index int
	}{
		{append(append([]byte{0, 2}, ps8...), 0), 1, 11},
		{append(append([]byte{0, 2}, ps8...), 0, 'm'), 1, 11},
		{append(append([]byte{0, 2}, ps8[:7]...), 0, 'm', 'm'), 0, 0},
		{append(append([]byte{1, 2}, ps8...), 0, 'm'), 0, 0},
		{append(append([]byte{0, 1}, ps8...), 0, 'm'), 0, 0},
		{append([]byte{0, 2}, ps8...), 0, 0},
		{append(append([]byte{0, 2}, ps8...), 0xff, 0, 0), 1, 12},
		{[]byte{0, 2, 0}, 0, 0},
	}
	for i, c := range cases {
		v, idx := checkPKCS1v15(c.em)
		if v != c.valid || idx != c.index {
			t.Errorf("case %d (%x): %d, %d; want %d, %d", i, c.em, v, idx, c.valid, c.index)
		}
	}
}

// TestFaultCheck corrupts a CRT exponent after parsing: the check with the
// public exponent must catch the wrong result and release nothing.
func TestFaultCheck(t *testing.T) {
	k, err := ParsePrivateKey(x509.MarshalPKCS1PrivateKey(key(t)))
	if err != nil {
		t.Fatal(err)
	}
	k.dP[len(k.dP)-1] ^= 2
	dst := bytes.Repeat([]byte{0xa5}, k.Size())
	if err := k.DecryptRaw(dst, []byte{7}); !errors.Is(err, ErrFault) {
		t.Fatalf("faulty CRT: %v", err)
	}
	if !bytes.Equal(dst, bytes.Repeat([]byte{0xa5}, k.Size())) {
		t.Fatal("a faulty result was written")
	}
}

func TestNonZeroRandom(t *testing.T) {
	b := make([]byte, 4096)
	if err := nonZeroRandom(rand.Reader, b); err != nil {
		t.Fatal(err)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		t.Fatal("zero padding byte")
	}
	// A source of zeros then ones: every zero is replaced.
	src := bytes.NewReader(append(make([]byte, 16), bytes.Repeat([]byte{1}, 16)...))
	b = make([]byte, 16)
	if err := nonZeroRandom(src, b); err != nil || !bytes.Equal(b, bytes.Repeat([]byte{1}, 16)) {
		t.Fatalf("%x, %v", b, err)
	}
	if err := nonZeroRandom(bytes.NewReader(nil), b); err == nil {
		t.Fatal("an empty random source did not fail")
	}
}

// FuzzParse: arbitrary bytes never panic; a key that parses has the
// accepted sizes and, for a private key, signs something its public half
// verifies.
func FuzzParse(f *testing.F) {
	sk := key(f)
	f.Add(x509.MarshalPKCS1PrivateKey(sk))
	f.Add(x509.MarshalPKCS1PublicKey(&sk.PublicKey))
	f.Add(plainDER(sk, sk.D))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	for _, c := range parseCases(sk) {
		f.Add(c.der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		if pub, err := ParsePublicKey(der); err == nil {
			if pub.BitLen() < MinBits || pub.BitLen() > MaxBits || pub.E() < 3 || pub.E()%2 == 0 {
				t.Fatalf("accepted a key of %d bits, e = %d", pub.BitLen(), pub.E())
			}
			if err := pub.VerifyPKCS1v15(SHA256, make([]byte, 32), make([]byte, pub.Size())); err == nil {
				t.Fatal("a zero signature verified")
			}
		}
		priv, err := ParsePrivateKey(der)
		if err != nil {
			return
		}
		digest := make([]byte, 32)
		sig := make([]byte, priv.Size())
		if err := priv.SignPKCS1v15(sig, SHA256, digest); err != nil {
			t.Fatalf("parsed key cannot sign: %v", err)
		}
		if err := priv.VerifyPKCS1v15(SHA256, digest, sig); err != nil {
			t.Fatalf("parsed key does not verify its own signature: %v", err)
		}
		priv.Wipe()
	})
}

// FuzzOps: random inputs on a valid key never panic, and successful
// operations are consistent (decrypt(encrypt(m)) = m).
func FuzzOps(f *testing.F) {
	sk := key(f)
	k, err := ParsePrivateKey(x509.MarshalPKCS1PrivateKey(sk))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), uint8(0), []byte("message"))
	f.Add(uint8(1), uint8(6), make([]byte, 32))
	f.Add(uint8(2), uint8(0), make([]byte, 128))
	f.Add(uint8(3), uint8(0), bytes.Repeat([]byte{0xff}, 128))
	f.Fuzz(func(t *testing.T, op, h uint8, in []byte) {
		dst := make([]byte, k.Size())
		switch op % 5 {
		case 0:
			if err := k.EncryptPKCS1v15(dst, in); err != nil {
				return
			}
			got := make([]byte, k.Size())
			n, err := k.DecryptPKCS1v15(got, dst)
			if err != nil || !bytes.Equal(got[:n], in) {
				t.Fatalf("PKCS#1 round trip: %v", err)
			}
		case 1:
			if err := k.SignPKCS1v15(dst, Hash(h%10), in); err != nil {
				return
			}
			if err := k.VerifyPKCS1v15(Hash(h%10), in, dst); err != nil {
				t.Fatalf("verify of own signature: %v", err)
			}
		case 2:
			if err := k.EncryptRaw(dst, in); err != nil {
				return
			}
			got := make([]byte, k.Size())
			if err := k.DecryptRaw(got, dst); err != nil {
				t.Fatal(err)
			}
			if new(big.Int).SetBytes(got).Cmp(new(big.Int).SetBytes(in)) != 0 {
				t.Fatal("raw round trip")
			}
		case 3:
			_, _ = k.DecryptPKCS1v15(dst, in)
		case 4:
			_ = k.VerifyPKCS1v15(Hash(h%10), in[:len(in)/2], in[len(in)/2:])
		}
	})
}

// TestUnsignedIntegers: an RSA key INTEGER whose first octet has the high
// bit set (no leading zero octet) is read as an unsigned magnitude, as
// Linux does (see readInt): the same key, both forms, same modulus and
// results. Linux's own self-test keys come encoded this way; the guest
// test in test/qemu runs them against the daemon.
func TestUnsignedIntegers(t *testing.T) {
	sk := key(t)
	nb := sk.N.Bytes() // 1024-bit modulus: top bit set
	if nb[0]&0x80 == 0 {
		t.Fatal("test key's modulus lacks its top bit")
	}
	rawInt := func(b []byte) []byte { // INTEGER with the magnitude as is (no sign octet)
		return append([]byte{0x02, 0x81, byte(len(b))}, b...)
	}
	e := []byte{0x02, 0x03, 0x01, 0x00, 0x01}
	body := append(rawInt(nb), e...)
	der := append([]byte{0x30, 0x81, byte(len(body))}, body...)
	if sk.E != 65537 {
		t.Fatal("test key's exponent is not 65537")
	}
	lax, err := ParsePublicKey(der)
	if err != nil {
		t.Fatalf("high-bit modulus without a sign octet: %v", err)
	}
	strict, err := ParsePublicKey(x509.MarshalPKCS1PublicKey(&sk.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(lax.N(), strict.N()) || lax.E() != strict.E() {
		t.Fatal("the two encodings read as different keys")
	}
	// A non-minimal encoding (a needless leading zero) is still refused.
	body = append(append([]byte{0x02, 0x81, byte(len(nb) + 2), 0, 0}, nb...), e...)
	der = append([]byte{0x30, 0x81, byte(len(body))}, body...)
	if _, err := ParsePublicKey(der); !errors.Is(err, ErrKey) {
		t.Fatalf("non-minimal modulus: %v, want ErrKey", err)
	}
}
