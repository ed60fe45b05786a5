package soft

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"vcrypto/internal/engine"
	vrsa "vcrypto/internal/engine/soft/rsa"
)

// Keys generated for these tests with the standard library. They check
// the engine's plumbing, error contract and agreement with crypto/rsa and
// crypto/ecdsa; correctness itself is proven by the published vectors
// (TestAKVectors).
var (
	testKeysOnce sync.Once
	testRSA      *rsa.PrivateKey
	testEC       map[elliptic.Curve]*ecdsa.PrivateKey
)

func testKeys(t testing.TB) {
	t.Helper()
	testKeysOnce.Do(func() {
		var err error
		if testRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		testEC = map[elliptic.Curve]*ecdsa.PrivateKey{}
		for _, c := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
			if testEC[c], err = ecdsa.GenerateKey(c, rand.Reader); err != nil {
				panic(err)
			}
		}
	})
}

func rsaParams(kt engine.KeyType, pad engine.RSAPadding, h engine.RSAHash) engine.SessionParams {
	testRSA.Precompute()
	key := x509.MarshalPKCS1PublicKey(&testRSA.PublicKey)
	if kt == engine.KeyPrivate {
		key = x509.MarshalPKCS1PrivateKey(testRSA)
	}
	return engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
		Alg: engine.RSA, KeyType: kt, Key: key, Padding: pad, Hash: h}}
}

func ecParams(t testing.TB, c elliptic.Curve, kt engine.KeyType) engine.SessionParams {
	t.Helper()
	ids := map[string]engine.Curve{"P-224": engine.CurveP224, "P-256": engine.CurveP256, "P-384": engine.CurveP384, "P-521": engine.CurveP521}
	k := testEC[c]
	var key []byte
	var err error
	if kt == engine.KeyPrivate {
		key, err = x509.MarshalECPrivateKey(k)
	} else {
		key, err = k.PublicKey.Bytes()
	}
	if err != nil {
		t.Fatal(err)
	}
	return engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
		Alg: engine.ECDSA, KeyType: kt, Key: key, Curve: ids[c.Params().Name]}}
}

func mustSession(t testing.TB, e *Engine, p engine.SessionParams) engine.Session {
	t.Helper()
	s, err := e.NewSession(&p)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestAKCapabilities(t *testing.T) {
	c := newEngine(t).Capabilities()
	if len(c.AKCipher) != 2 || c.AKCipher[0] != engine.RSA || c.AKCipher[1] != engine.ECDSA {
		t.Fatalf("AKCipher = %v", c.AKCipher)
	}
	want := []engine.Curve{engine.CurveP224, engine.CurveP256, engine.CurveP384, engine.CurveP521}
	if len(c.Curves) != len(want) {
		t.Fatalf("Curves = %v", c.Curves)
	}
	for i := range want {
		if c.Curves[i] != want[i] {
			t.Fatalf("Curves = %v", c.Curves)
		}
	}
}

func TestAKSelfTestRefusesBrokenEngine(t *testing.T) {
	for i := range akSelfTests {
		name := akSelfTests[i].name
		t.Run(name, func(t *testing.T) {
			akSelfTestHook = func(k *akKAT) {
				if k.name != name {
					return
				}
				if k.out != "" {
					b := unhex(k.out)
					b[len(b)-1] ^= 1
					k.out = hexString(b)
				} else {
					b := unhex(k.sigS)
					b[len(b)-1] ^= 1
					k.sigS = hexString(b)
				}
			}
			defer func() { akSelfTestHook = nil }()
			e, err := New()
			if err == nil || e != nil || !errors.Is(err, engine.ErrSelfTest) {
				t.Fatalf("New() = %v, %v; want a self-test failure", e, err)
			}
		})
	}
}

// TestAKAgreesWithStdlib cross-checks the RSA operations with crypto/rsa
// and ECDSA with crypto/ecdsa in both directions.
func TestAKAgreesWithStdlib(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	k := testRSA.Size()
	hashes := []struct {
		id  engine.RSAHash
		h   crypto.Hash
		sum func([]byte) []byte
	}{
		{engine.RSAMD5, crypto.MD5, func(b []byte) []byte { s := md5.Sum(b); return s[:] }},
		{engine.RSASHA1, crypto.SHA1, func(b []byte) []byte { s := sha1.Sum(b); return s[:] }},
		{engine.RSASHA224, crypto.SHA224, func(b []byte) []byte { s := sha256.Sum224(b); return s[:] }},
		{engine.RSASHA256, crypto.SHA256, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
		{engine.RSASHA384, crypto.SHA384, func(b []byte) []byte { s := sha512.Sum384(b); return s[:] }},
		{engine.RSASHA512, crypto.SHA512, func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }},
		{engine.RSANoHash, 0, func(b []byte) []byte { return b }},
	}
	for _, h := range hashes {
		digest := h.sum([]byte("vcrypto"))
		priv := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, h.id))
		pub := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, h.id))
		op := engine.Op{AK: engine.AKSign, Src: digest, Dst: make([]byte, k)}
		if err := priv.Do(&op); err != nil || op.OutLen != k {
			t.Fatalf("hash %d: sign: %v, OutLen %d", h.id, err, op.OutLen)
		}
		want, err := rsa.SignPKCS1v15(nil, testRSA, h.h, digest)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(op.Dst, want) {
			t.Fatalf("hash %d: signature differs from crypto/rsa", h.id)
		}
		v := engine.Op{AK: engine.AKVerify, Src: want, Signed: digest}
		if err := pub.Do(&v); err != nil || v.OutLen != 0 {
			t.Fatalf("hash %d: verify: %v", h.id, err)
		}
		want[10] ^= 1
		if err := pub.Do(&v); !errors.Is(err, engine.ErrKeyRejected) {
			t.Fatalf("hash %d: verify of a bad signature: %v", h.id, err)
		}
	}

	// PKCS#1 v1.5 encryption both ways.
	pub := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, 0))
	priv := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, 0))
	for _, n := range []int{0, 1, 100, k - 11} {
		msg := bytes.Repeat([]byte{0x5a}, n)
		op := engine.Op{AK: engine.AKEncrypt, Src: msg, Dst: make([]byte, k)}
		if err := pub.Do(&op); err != nil || op.OutLen != k {
			t.Fatalf("encrypt %d: %v", n, err)
		}
		got, err := rsa.DecryptPKCS1v15(nil, testRSA, op.Dst) //nolint:staticcheck // cross-check
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("crypto/rsa cannot decrypt our %d-byte ciphertext: %v", n, err)
		}
		ct, err := rsa.EncryptPKCS1v15(rand.Reader, &testRSA.PublicKey, msg) //nolint:staticcheck // cross-check
		if err != nil {
			t.Fatal(err)
		}
		d := engine.Op{AK: engine.AKDecrypt, Src: ct, Dst: make([]byte, k)}
		if err := priv.Do(&d); err != nil || !bytes.Equal(d.Dst[:d.OutLen], msg) {
			t.Fatalf("decrypt %d: %v (%d bytes)", n, err, d.OutLen)
		}
	}

	// Raw RSA: decrypt(encrypt(m)) = m, and it equals math/big.
	rawPub := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSARawPadding, 0))
	rawPriv := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSARawPadding, 0))
	m := []byte("short input, left-padded")
	op := engine.Op{AK: engine.AKEncrypt, Src: m, Dst: make([]byte, k)}
	if err := rawPub.Do(&op); err != nil || op.OutLen != k {
		t.Fatal(err)
	}
	c := new(big.Int).Exp(new(big.Int).SetBytes(m), big.NewInt(int64(testRSA.E)), testRSA.N)
	if !bytes.Equal(op.Dst, c.FillBytes(make([]byte, k))) {
		t.Fatal("raw encrypt differs from math/big")
	}
	d := engine.Op{AK: engine.AKDecrypt, Src: op.Dst, Dst: make([]byte, k)}
	if err := rawPriv.Do(&d); err != nil || d.OutLen != k || !bytes.Equal(d.Dst, append(make([]byte, k-len(m)), m...)) {
		t.Fatalf("raw decrypt: %v", err)
	}

	// ECDSA both ways on every curve.
	for c := range testEC {
		privS := mustSession(t, e, ecParams(t, c, engine.KeyPrivate))
		pubS := mustSession(t, e, ecParams(t, c, engine.KeyPublic))
		digest := sha256.Sum256([]byte(c.Params().Name))
		op := engine.Op{AK: engine.AKSign, Src: digest[:], Dst: make([]byte, 160)}
		if err := privS.Do(&op); err != nil || op.OutLen == 0 {
			t.Fatalf("%s sign: %v", c.Params().Name, err)
		}
		if !ecdsa.VerifyASN1(&testEC[c].PublicKey, digest[:], op.Dst[:op.OutLen]) {
			t.Fatalf("%s: crypto/ecdsa rejects our signature", c.Params().Name)
		}
		sig, err := ecdsa.SignASN1(rand.Reader, testEC[c], digest[:])
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []engine.Session{pubS, privS} {
			v := engine.Op{AK: engine.AKVerify, Src: sig, Signed: digest[:]}
			if err := s.Do(&v); err != nil {
				t.Fatalf("%s verify: %v", c.Params().Name, err)
			}
			other := digest
			other[0] ^= 1
			v.Signed = other[:]
			if err := s.Do(&v); !errors.Is(err, engine.ErrKeyRejected) {
				t.Fatalf("%s verify of another digest: %v", c.Params().Name, err)
			}
			v.Signed, v.Src = digest[:], append(sig, 0)
			if err := s.Do(&v); !errors.Is(err, engine.ErrKeyRejected) {
				t.Fatalf("%s verify with trailing data: %v", c.Params().Name, err)
			}
		}
	}
}

// TestAKDigestInfo checks the MD2 and MD4 DigestInfo prefixes (no
// standard-library signer has them) by parsing the encoded block: after
// 00 01 FF.. 00 it must be DER DigestInfo with the RFC 8017 / RFC 2313 OID.
func TestAKDigestInfo(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	for _, c := range []struct {
		h   engine.RSAHash
		oid asn1.ObjectIdentifier
	}{
		{engine.RSAMD2, asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 2}},
		{engine.RSAMD4, asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 4}},
		{engine.RSAMD5, asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}},
	} {
		s := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, c.h))
		digest := bytes.Repeat([]byte{0x11}, 16)
		op := engine.Op{AK: engine.AKSign, Src: digest, Dst: make([]byte, testRSA.Size())}
		if err := s.Do(&op); err != nil {
			t.Fatal(err)
		}
		em := new(big.Int).Exp(new(big.Int).SetBytes(op.Dst), big.NewInt(int64(testRSA.E)), testRSA.N).FillBytes(make([]byte, testRSA.Size()))
		i := bytes.IndexByte(em[2:], 0) + 2
		var di struct {
			Alg struct {
				OID    asn1.ObjectIdentifier
				Params asn1.RawValue
			}
			Digest []byte
		}
		rest, err := asn1.Unmarshal(em[i+1:], &di)
		if err != nil || len(rest) != 0 || !di.Alg.OID.Equal(c.oid) || di.Alg.Params.Tag != asn1.TagNull || !bytes.Equal(di.Digest, digest) {
			t.Fatalf("hash %d: DigestInfo %x: %v", c.h, em[i+1:], err)
		}
		// 17 bytes is not an MD* digest.
		op.Src = append(digest, 0)
		if err := s.Do(&op); !errors.Is(err, engine.ErrInvalidInput) {
			t.Fatalf("hash %d: 17-byte digest: %v", c.h, err)
		}
	}
}

// TestAKErrors checks the error contract of engine/akcipher.go.
func TestAKErrors(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	k := testRSA.Size()
	privPK := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSASHA256))
	pubPK := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, engine.RSASHA256))
	privRaw := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSARawPadding, engine.RSASHA256))
	pubRaw := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSARawPadding, 0))
	md3 := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSAMD3))
	noHash := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSANoHash))
	ecPriv := mustSession(t, e, ecParams(t, elliptic.P256(), engine.KeyPrivate))
	ecPub := mustSession(t, e, ecParams(t, elliptic.P256(), engine.KeyPublic))
	nBytes := testRSA.N.FillBytes(make([]byte, k))
	d32 := make([]byte, 32)
	blk := make([]byte, k)

	cases := []struct {
		name string
		s    engine.Session
		op   engine.Op
		want error
	}{
		{"public decrypt", pubPK, engine.Op{AK: engine.AKDecrypt, Src: blk, Dst: blk}, engine.ErrWrongOp},
		{"public sign", pubPK, engine.Op{AK: engine.AKSign, Src: d32, Dst: make([]byte, k)}, engine.ErrWrongOp},
		{"raw sign", privRaw, engine.Op{AK: engine.AKSign, Src: d32, Dst: make([]byte, k)}, engine.ErrWrongOp},
		{"raw verify", pubRaw, engine.Op{AK: engine.AKVerify, Src: blk, Signed: d32}, engine.ErrWrongOp},
		{"ECDSA encrypt", ecPub, engine.Op{AK: engine.AKEncrypt, Src: d32, Dst: make([]byte, 64)}, engine.ErrWrongOp},
		{"ECDSA decrypt", ecPriv, engine.Op{AK: engine.AKDecrypt, Src: d32, Dst: make([]byte, 64)}, engine.ErrWrongOp},
		{"ECDSA public sign", ecPub, engine.Op{AK: engine.AKSign, Src: d32, Dst: make([]byte, 160)}, engine.ErrWrongOp},
		{"no op", privPK, engine.Op{Src: d32, Dst: make([]byte, k)}, engine.ErrWrongOp},
		{"op 5", privPK, engine.Op{AK: 5, Src: d32, Dst: make([]byte, k)}, engine.ErrWrongOp},
		{"MD3 sign", md3, engine.Op{AK: engine.AKSign, Src: make([]byte, 16), Dst: make([]byte, k)}, engine.ErrUnsupported},
		{"raw input = n", pubRaw, engine.Op{AK: engine.AKEncrypt, Src: nBytes, Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"raw decrypt input = n", privRaw, engine.Op{AK: engine.AKDecrypt, Src: nBytes, Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"raw input > k bytes", pubRaw, engine.Op{AK: engine.AKEncrypt, Src: make([]byte, k+1), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"PKCS#1 message too long", pubPK, engine.Op{AK: engine.AKEncrypt, Src: make([]byte, k-10), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"PKCS#1 ciphertext short", privPK, engine.Op{AK: engine.AKDecrypt, Src: make([]byte, k-1), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"PKCS#1 bad padding", privPK, engine.Op{AK: engine.AKDecrypt, Src: append([]byte{0}, bytes.Repeat([]byte{1}, k-1)...), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"sign wrong digest size", privPK, engine.Op{AK: engine.AKSign, Src: make([]byte, 31), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"sign no hash too long", noHash, engine.Op{AK: engine.AKSign, Src: make([]byte, k-10), Dst: make([]byte, k)}, engine.ErrInvalidInput},
		{"verify short signature", pubPK, engine.Op{AK: engine.AKVerify, Src: make([]byte, k-1), Signed: d32}, engine.ErrKeyRejected},
		{"verify signature = n", pubPK, engine.Op{AK: engine.AKVerify, Src: nBytes, Signed: d32}, engine.ErrKeyRejected},
		{"verify wrong digest size", pubPK, engine.Op{AK: engine.AKVerify, Src: make([]byte, k), Signed: d32[:20]}, engine.ErrKeyRejected},
		{"ECDSA verify garbage", ecPub, engine.Op{AK: engine.AKVerify, Src: []byte{0x30, 0}, Signed: d32}, engine.ErrKeyRejected},
		// Short Dst: ErrInvalidInput and nothing written.
		{"short Dst encrypt", pubPK, engine.Op{AK: engine.AKEncrypt, Src: d32, Dst: make([]byte, k-1)}, engine.ErrInvalidInput},
		{"short Dst raw", pubRaw, engine.Op{AK: engine.AKEncrypt, Src: d32, Dst: make([]byte, k-1)}, engine.ErrInvalidInput},
		{"short Dst raw decrypt", privRaw, engine.Op{AK: engine.AKDecrypt, Src: d32, Dst: make([]byte, k-1)}, engine.ErrInvalidInput},
		{"short Dst sign", privPK, engine.Op{AK: engine.AKSign, Src: d32, Dst: make([]byte, k-1)}, engine.ErrInvalidInput},
		{"short Dst ECDSA sign", ecPriv, engine.Op{AK: engine.AKSign, Src: d32, Dst: make([]byte, 8)}, engine.ErrInvalidInput},
		{"overlap", pubRaw, engine.Op{AK: engine.AKEncrypt, Src: blk[1:], Dst: blk[:k-1]}, engine.ErrInvalidInput},
	}
	for _, c := range cases {
		for i := range c.op.Dst {
			c.op.Dst[i] = 0xa5
		}
		dst := bytes.Clone(c.op.Dst)
		c.op.OutLen = 99
		err := c.s.Do(&c.op)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if c.op.OutLen != 0 {
			t.Errorf("%s: OutLen = %d after an error", c.name, c.op.OutLen)
		}
		if c.name != "overlap" && !bytes.Equal(c.op.Dst, dst) {
			t.Errorf("%s: Dst written on error", c.name)
		}
	}

	// PKCS#1 decrypt into a Dst shorter than the message.
	ct := make([]byte, k)
	enc := engine.Op{AK: engine.AKEncrypt, Src: make([]byte, 40), Dst: ct}
	if err := pubPK.Do(&enc); err != nil {
		t.Fatal(err)
	}
	short := engine.Op{AK: engine.AKDecrypt, Src: ct, Dst: bytes.Repeat([]byte{0xa5}, 39)}
	if err := privPK.Do(&short); !errors.Is(err, engine.ErrInvalidInput) || !bytes.Equal(short.Dst, bytes.Repeat([]byte{0xa5}, 39)) {
		t.Fatalf("decrypt into 39 bytes: %v", err)
	}

	// In place (Dst and Src the same memory) is allowed.
	buf := make([]byte, k)
	buf[k-1] = 7
	inPlace := engine.Op{AK: engine.AKEncrypt, Src: buf, Dst: buf}
	if err := pubRaw.Do(&inPlace); err != nil {
		t.Fatalf("in place: %v", err)
	}
}

// TestAKSessionErrors checks NewSession's refusals.
func TestAKSessionErrors(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	good := rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSASHA256)
	mod := func(f func(p *engine.SessionParams)) engine.SessionParams {
		p := good
		p.AK.Key = bytes.Clone(good.AK.Key)
		f(&p)
		return p
	}
	// A key with one CRT value changed: parses, but is inconsistent.
	badCRT := *testRSA
	badCRT.Precomputed.Qinv = new(big.Int).Add(testRSA.Precomputed.Qinv, big.NewInt(1))
	badQinv := x509.MarshalPKCS1PrivateKey(&badCRT)
	badDp := *testRSA
	badDp.Precomputed.Dp = new(big.Int).Add(testRSA.Precomputed.Dp, big.NewInt(2))
	badDpKey := x509.MarshalPKCS1PrivateKey(&badDp)
	ecKey, _ := x509.MarshalECPrivateKey(testEC[elliptic.P256()])
	other, _ := x509.MarshalECPrivateKey(testEC[elliptic.P384()])

	cases := []struct {
		name string
		p    engine.SessionParams
		want error
	}{
		{"hash 10", mod(func(p *engine.SessionParams) { p.AK.Hash = 10 }), engine.ErrUnsupported},
		{"padding 2", mod(func(p *engine.SessionParams) { p.AK.Padding = 2 }), engine.ErrUnsupported},
		{"alg 3", mod(func(p *engine.SessionParams) { p.AK.Alg = 3 }), engine.ErrUnsupported},
		{"key type 0", mod(func(p *engine.SessionParams) { p.AK.KeyType = 0 }), engine.ErrInvalidInput},
		{"trailing byte", mod(func(p *engine.SessionParams) { p.AK.Key = append(p.AK.Key, 0) }), engine.ErrInvalidKey},
		{"truncated", mod(func(p *engine.SessionParams) { p.AK.Key = p.AK.Key[:len(p.AK.Key)-1] }), engine.ErrInvalidKey},
		{"public key as private", mod(func(p *engine.SessionParams) { p.AK.Key = x509.MarshalPKCS1PublicKey(&testRSA.PublicKey) }), engine.ErrInvalidKey},
		{"private key as public", mod(func(p *engine.SessionParams) { p.AK.KeyType = engine.KeyPublic }), engine.ErrInvalidKey},
		{"qInv wrong", mod(func(p *engine.SessionParams) { p.AK.Key = badQinv }), engine.ErrInvalidKey},
		{"dP wrong", mod(func(p *engine.SessionParams) { p.AK.Key = badDpKey }), engine.ErrInvalidKey},
		{"multi-prime", mod(func(p *engine.SessionParams) { p.AK.Key = multiPrimeKey(p.AK.Key) }), engine.ErrUnsupported},
		{"version 2", mod(func(p *engine.SessionParams) { p.AK.Key = withVersion(p.AK.Key, 2) }), engine.ErrInvalidKey},
		{"RSA with curve", mod(func(p *engine.SessionParams) { p.AK.Curve = engine.CurveP256 }), engine.ErrInvalidInput},
		{"P-192", engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPrivate, Curve: engine.CurveP192, Key: ecKey}}, engine.ErrUnsupported},
		{"curve 0", engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPrivate, Key: ecKey}}, engine.ErrUnsupported},
		{"EC key of another curve", engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPrivate, Curve: engine.CurveP256, Key: other}}, engine.ErrInvalidKey},
		{"EC compressed point", engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPublic, Curve: engine.CurveP256,
			Key: elliptic.MarshalCompressed(elliptic.P256(), testEC[elliptic.P256()].X, testEC[elliptic.P256()].Y)}}, engine.ErrInvalidKey},
		{"EC with RSA hash", engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPrivate, Curve: engine.CurveP256, Hash: engine.RSASHA256, Key: ecKey}}, engine.ErrInvalidInput},
	}
	for _, c := range cases {
		s, err := e.NewSession(&c.p)
		if !errors.Is(err, c.want) {
			if s != nil {
				s.Close()
			}
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// 512-bit keys are accepted (Linux testmgr); 504-bit ones are not.
	for _, c := range []struct {
		bits int
		want error
	}{{512, nil}, {504, engine.ErrInvalidKey}} {
		p := good
		p.AK.Key = smallRSAKey(t, c.bits)
		s, err := e.NewSession(&p)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%d-bit key: %v, want %v", c.bits, err, c.want)
		}
		if s != nil {
			s.Close()
		}
	}
}

// smallRSAKey makes a two-prime RSAPrivateKey DER with an n of exactly
// bits bits and e = 65537 (crypto/rsa refuses to generate keys this small).
func smallRSAKey(t testing.TB, bits int) []byte {
	t.Helper()
	one, e := big.NewInt(1), big.NewInt(65537)
	for {
		p, err1 := rand.Prime(rand.Reader, bits/2)
		q, err2 := rand.Prime(rand.Reader, bits/2)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != bits {
			continue
		}
		pm1, qm1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(pm1, qm1)
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(0)
			for _, x := range []*big.Int{n, e, d, p, q, new(big.Int).Mod(d, pm1), new(big.Int).Mod(d, qm1), new(big.Int).ModInverse(q, p)} {
				b.AddASN1BigInt(x)
			}
		})
		return b.BytesOrPanic()
	}
}

// multiPrimeKey re-encodes a two-prime key as version 1 with one
// (meaningless) OtherPrimeInfo; the engine refuses version 1 before
// looking at it.
func multiPrimeKey(der []byte) []byte {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	in.ReadASN1(&seq, cbasn1.SEQUENCE)
	var v int
	seq.ReadASN1Integer(&v)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddBytes(seq)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(3)
				b.AddASN1Int64(1)
				b.AddASN1Int64(1)
			})
		})
	})
	return b.BytesOrPanic()
}

func withVersion(der []byte, version int64) []byte {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	in.ReadASN1(&seq, cbasn1.SEQUENCE)
	var v int
	seq.ReadASN1Integer(&v)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(version)
		b.AddBytes(seq)
	})
	return b.BytesOrPanic()
}

func TestAKCloseThenDo(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	p := rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSASHA256)
	s, err := e.NewSession(&p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Params().AK.Key != nil {
		t.Fatal("Params returned the key")
	}
	priv := s.(*akSession).rsaPriv
	s.Close()
	s.Close() // idempotent
	// Close wiped the key (the rsa package tests check the bytes).
	if err := priv.SignPKCS1v15(make([]byte, 256), vrsa.SHA256, make([]byte, 32)); err == nil {
		t.Fatal("the private key still signs after Close")
	}
	op := engine.Op{AK: engine.AKSign, Src: make([]byte, 32), Dst: make([]byte, 256)}
	if err := s.Do(&op); !errors.Is(err, engine.ErrInvalidInput) {
		t.Fatalf("Do after Close: %v", err)
	}
	ep := ecParams(t, elliptic.P256(), engine.KeyPrivate)
	es, err := e.NewSession(&ep)
	if err != nil {
		t.Fatal(err)
	}
	es.Close()
	if err := es.Do(&engine.Op{AK: engine.AKSign, Src: make([]byte, 32), Dst: make([]byte, 100)}); !errors.Is(err, engine.ErrInvalidInput) {
		t.Fatalf("ECDSA Do after Close: %v", err)
	}
}

// TestAKConcurrent runs signs and verifies on shared sessions from several
// goroutines (run with -race).
func TestAKConcurrent(t *testing.T) {
	testKeys(t)
	e := newEngine(t)
	priv := mustSession(t, e, rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSASHA256))
	pub := mustSession(t, e, rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, engine.RSASHA256))
	ecPriv := mustSession(t, e, ecParams(t, elliptic.P256(), engine.KeyPrivate))
	digest := sha256.Sum256([]byte("concurrent"))
	want, _ := rsa.SignPKCS1v15(nil, testRSA, crypto.SHA256, digest[:])
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for range 4 {
				op := engine.Op{AK: engine.AKSign, Src: digest[:], Dst: make([]byte, 256)}
				if err := priv.Do(&op); err != nil || !bytes.Equal(op.Dst, want) {
					errs <- errors.New("concurrent RSA sign gave a wrong answer")
					return
				}
				v := engine.Op{AK: engine.AKVerify, Src: op.Dst, Signed: digest[:]}
				if err := pub.Do(&v); err != nil {
					errs <- err
					return
				}
				es := engine.Op{AK: engine.AKSign, Src: digest[:g+1], Dst: make([]byte, 100)}
				if err := ecPriv.Do(&es); err != nil {
					errs <- err
					return
				}
				ev := engine.Op{AK: engine.AKVerify, Src: es.Dst[:es.OutLen], Signed: digest[:g+1]}
				if err := ecPriv.Do(&ev); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
