package soft

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"

	"vcrypto/internal/engine"
)

// BenchmarkAK compares the engine's RSA-2048 and ECDSA P-256 operations
// with crypto/rsa and crypto/ecdsa in the same run ("engine/..." against
// "std/...").
func BenchmarkAK(b *testing.B) {
	testKeys(b)
	e := newEngine(b)
	digest := sha256.Sum256([]byte("bench"))
	k := testRSA.Size()
	sig, _ := rsa.SignPKCS1v15(nil, testRSA, crypto.SHA256, digest[:])
	ct, _ := rsa.EncryptPKCS1v15(rand.Reader, &testRSA.PublicKey, digest[:]) //nolint:staticcheck // benchmark baseline
	ec := testEC[elliptic.P256()]
	ecSig, _ := ecdsa.SignASN1(rand.Reader, ec, digest[:])

	run := func(name string, p engine.SessionParams, op engine.Op) {
		b.Run("engine/"+name, func(b *testing.B) {
			s, err := e.NewSession(&p)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ReportAllocs()
			for b.Loop() {
				o := op
				if err := s.Do(&o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	std := func(name string, f func() error) {
		b.Run("std/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	run("RSA2048-sign", rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSASHA256),
		engine.Op{AK: engine.AKSign, Src: digest[:], Dst: make([]byte, k)})
	std("RSA2048-sign", func() error { _, err := rsa.SignPKCS1v15(nil, testRSA, crypto.SHA256, digest[:]); return err })

	run("RSA2048-decrypt", rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, 0),
		engine.Op{AK: engine.AKDecrypt, Src: ct, Dst: make([]byte, k)})
	std("RSA2048-decrypt", func() error {
		_, err := rsa.DecryptPKCS1v15(nil, testRSA, ct) //nolint:staticcheck // benchmark baseline
		return err
	})

	run("RSA2048-verify", rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, engine.RSASHA256),
		engine.Op{AK: engine.AKVerify, Src: sig, Signed: digest[:]})
	std("RSA2048-verify", func() error { return rsa.VerifyPKCS1v15(&testRSA.PublicKey, crypto.SHA256, digest[:], sig) })

	run("ECDSA-P256-sign", ecParams(b, elliptic.P256(), engine.KeyPrivate),
		engine.Op{AK: engine.AKSign, Src: digest[:], Dst: make([]byte, 80)})
	std("ECDSA-P256-sign", func() error { _, err := ecdsa.SignASN1(rand.Reader, ec, digest[:]); return err })

	run("ECDSA-P256-verify", ecParams(b, elliptic.P256(), engine.KeyPublic),
		engine.Op{AK: engine.AKVerify, Src: ecSig, Signed: digest[:]})
	std("ECDSA-P256-verify", func() error {
		if !ecdsa.VerifyASN1(&ec.PublicKey, digest[:], ecSig) {
			return engine.ErrKeyRejected
		}
		return nil
	})
}
