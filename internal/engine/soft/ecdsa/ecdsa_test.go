package ecdsa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"testing"
)

// Keys generated with crypto/ecdsa and encoded with crypto/x509 (RFC 5915):
// these tests check parsing and the error contract; published vectors
// (enginetest's AKCIPHER suites) prove the results.

var curves = map[Curve]elliptic.Curve{P224: elliptic.P224(), P256: elliptic.P256(), P384: elliptic.P384(), P521: elliptic.P521()}

func genKey(t testing.TB, c Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curves[c], rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ecPrivateKey mirrors RFC 5915 for building variants.
type ecPrivateKey struct {
	Version    int
	PrivateKey []byte
	Params     asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

func TestParseRoundTrip(t *testing.T) {
	for c := range curves {
		sk := genKey(t, c)
		der, err := x509.MarshalECPrivateKey(sk)
		if err != nil {
			t.Fatal(err)
		}
		k, err := ParsePrivateKey(c, der)
		if err != nil {
			t.Fatalf("curve %d: %v", c, err)
		}
		want, _ := sk.PublicKey.Bytes()
		if !bytes.Equal(k.Bytes(), want) {
			t.Fatalf("curve %d: public key differs", c)
		}
		pub, err := ParsePublicKey(c, want)
		if err != nil {
			t.Fatal(err)
		}
		digest := sha256.Sum256([]byte("m"))
		sig := make([]byte, k.MaxSignatureLen())
		n, err := k.Sign(sig, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		if n > k.MaxSignatureLen() || !ecdsa.VerifyASN1(&sk.PublicKey, digest[:], sig[:n]) || pub.Verify(digest[:], sig[:n]) != nil {
			t.Fatalf("curve %d: signature does not verify", c)
		}
		k.Wipe()
		if _, err := k.Sign(sig, digest[:]); err == nil {
			t.Fatal("sign after Wipe")
		}
	}
}

func TestParseErrors(t *testing.T) {
	sk := genKey(t, P256)
	der, _ := x509.MarshalECPrivateKey(sk)
	var parsed ecPrivateKey
	if _, err := asn1.Unmarshal(der, &parsed); err != nil {
		t.Fatal(err)
	}
	variant := func(f func(k *ecPrivateKey)) []byte {
		k := parsed
		k.PrivateKey = bytes.Clone(parsed.PrivateKey)
		f(&k)
		b, err := asn1.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	other := genKey(t, P256)
	otherPub, _ := other.PublicKey.Bytes()
	pub, _ := sk.PublicKey.Bytes()
	n := sk.Curve.Params().N.FillBytes(make([]byte, 32))
	cases := []struct {
		name string
		c    Curve
		der  []byte
		want error
	}{
		{"version 0", P256, variant(func(k *ecPrivateKey) { k.Version = 0 }), ErrKey},
		{"other curve OID", P256, variant(func(k *ecPrivateKey) { k.Params = asn1.ObjectIdentifier{1, 3, 132, 0, 34} }), ErrKey},
		{"session curve differs", P384, der, ErrKey},
		{"public key mismatch", P256, variant(func(k *ecPrivateKey) { k.PublicKey = asn1.BitString{Bytes: otherPub, BitLength: 8 * len(otherPub)} }), ErrKey},
		{"scalar zero", P256, variant(func(k *ecPrivateKey) { k.PrivateKey = make([]byte, 32); k.PublicKey = asn1.BitString{} }), ErrKey},
		{"scalar = n", P256, variant(func(k *ecPrivateKey) { k.PrivateKey = n; k.PublicKey = asn1.BitString{} }), ErrKey},
		{"scalar too long", P256, variant(func(k *ecPrivateKey) { k.PrivateKey = append([]byte{0}, k.PrivateKey...) }), ErrKey},
		{"trailing data", P256, append(bytes.Clone(der), 0), ErrKey},
		{"P-192", P192, der, ErrUnsupportedCurve},
		{"curve 9", 9, der, ErrUnsupportedCurve},
	}
	for _, c := range cases {
		if _, err := ParsePrivateKey(c.c, c.der); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Optional fields absent: accepted; short scalar: left-padded.
	bare := variant(func(k *ecPrivateKey) { k.Params = nil; k.PublicKey = asn1.BitString{} })
	if _, err := ParsePrivateKey(P256, bare); err != nil {
		t.Errorf("bare key: %v", err)
	}
	one := variant(func(k *ecPrivateKey) { k.PrivateKey = []byte{1}; k.PublicKey = asn1.BitString{} })
	if k, err := ParsePrivateKey(P256, one); err != nil {
		t.Errorf("1-byte scalar: %v", err)
	} else if gx := sk.Curve.Params().Gx.FillBytes(make([]byte, 32)); !bytes.Equal(k.Bytes()[1:33], gx) {
		t.Error("scalar 1 does not give the generator")
	}
	for _, b := range []struct {
		name string
		key  []byte
	}{
		{"compressed", elliptic.MarshalCompressed(sk.Curve, sk.X, sk.Y)},
		{"infinity", []byte{0}},
		{"short", pub[:64]},
		{"off curve", append(bytes.Clone(pub[:64]), pub[64]^1)},
	} {
		if _, err := ParsePublicKey(P256, b.key); !errors.Is(err, ErrKey) {
			t.Errorf("public %s: %v", b.name, err)
		}
	}
}

// FuzzParse: arbitrary bytes never panic; a private key that parses signs
// what its public key (re-parsed from its encoding) verifies.
func FuzzParse(f *testing.F) {
	for c := range curves {
		sk := genKey(f, c)
		der, _ := x509.MarshalECPrivateKey(sk)
		pub, _ := sk.PublicKey.Bytes()
		f.Add(uint8(c), der)
		f.Add(uint8(c), pub)
	}
	f.Fuzz(func(t *testing.T, c uint8, b []byte) {
		curve := Curve(c % 6)
		if pub, err := ParsePublicKey(curve, b); err == nil && !bytes.Equal(pub.Bytes(), b) {
			t.Fatal("public key does not round-trip")
		}
		k, err := ParsePrivateKey(curve, b)
		if err != nil {
			return
		}
		pub, err := ParsePublicKey(curve, k.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		sig := make([]byte, k.MaxSignatureLen())
		n, err := k.Sign(sig, b)
		if err != nil || pub.Verify(b, sig[:n]) != nil {
			t.Fatalf("sign/verify with a parsed key: %v", err)
		}
	})
}

// FuzzVerify: arbitrary signatures and digests never panic.
func FuzzVerify(f *testing.F) {
	sk := genKey(f, P256)
	pub, _ := sk.PublicKey.Bytes()
	k, err := ParsePublicKey(P256, pub)
	if err != nil {
		f.Fatal(err)
	}
	d := sha256.Sum256(nil)
	sig, _ := ecdsa.SignASN1(rand.Reader, sk, d[:])
	f.Add(d[:], sig)
	f.Fuzz(func(t *testing.T, digest, sig []byte) {
		if err := k.Verify(digest, sig); err != nil && !errors.Is(err, ErrVerify) {
			t.Fatal(err)
		}
	})
}
