package soft

import (
	"bytes"
	"crypto/elliptic"
	"errors"
	"testing"

	"vcrypto/internal/engine"
)

// FuzzAKCipher drives random AKCIPHER sessions (valid keys, or the fuzz
// data as a key) and operations with random lengths through the engine: it
// must return one of the engine's errors or a result, never panic; OutLen
// must fit Dst; and a successful encrypt or sign must be undone by
// decrypt or verify on the same session.
func FuzzAKCipher(f *testing.F) {
	testKeys(f)
	e := newEngine(f)
	f.Add([]byte{0, 1, 1, 6, 1, 0}, []byte("rsa pkcs1 encrypt"))
	f.Add([]byte{0, 1, 1, 6, 3, 0}, make([]byte, 32))
	f.Add([]byte{0, 0, 0, 0, 1, 0}, []byte("raw"))
	f.Add([]byte{1, 1, 0, 0, 3, 1}, make([]byte, 48))
	f.Add([]byte{2, 2, 1, 6, 4, 0}, []byte{0x30, 0x82, 0x01, 0x00})
	keys := map[bool][]engine.SessionParams{}
	for _, kt := range []engine.KeyType{engine.KeyPublic, engine.KeyPrivate} {
		keys[kt == engine.KeyPrivate] = append(keys[kt == engine.KeyPrivate], rsaParams(kt, 0, 0))
		for _, c := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
			keys[kt == engine.KeyPrivate] = append(keys[kt == engine.KeyPrivate], ecParams(f, c, kt))
		}
	}
	sentinels := []error{engine.ErrUnsupported, engine.ErrInvalidKey, engine.ErrInvalidInput, engine.ErrWrongOp, engine.ErrKeyRejected}
	f.Fuzz(func(t *testing.T, ctl, data []byte) {
		if len(ctl) < 6 {
			return
		}
		var p engine.SessionParams
		priv := ctl[1]&1 == 1
		switch ks := keys[priv]; ctl[0] % 3 {
		case 0:
			p = ks[0]
		case 1:
			p = ks[1+int(ctl[5])%(len(ks)-1)]
		default: // the data as a key of a random algorithm and curve
			p = engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
				Alg: engine.AKCipherAlg(ctl[5] % 4), KeyType: engine.KeyType(ctl[1] % 3), Key: data, Curve: engine.Curve(ctl[5] % 7)}}
		}
		if p.AK.Alg == engine.RSA {
			p.AK.Padding, p.AK.Hash = engine.RSAPadding(ctl[2]%3), engine.RSAHash(ctl[3]%11)
		}
		s, err := e.NewSession(&p)
		if err != nil {
			if !isSentinel(err, sentinels) {
				t.Fatalf("NewSession error without a sentinel: %v", err)
			}
			return
		}
		defer s.Close()
		dst := make([]byte, int(ctl[4])*3)
		op := engine.Op{AK: engine.AKOp(ctl[4] % 6), Src: data, Dst: dst, Signed: data[:len(data)/2]}
		err = s.Do(&op)
		if err != nil {
			if !isSentinel(err, sentinels) {
				t.Fatalf("Do error without a sentinel: %v", err)
			}
			return
		}
		if op.OutLen < 0 || op.OutLen > len(dst) {
			t.Fatalf("OutLen %d for a %d-byte Dst", op.OutLen, len(dst))
		}
		out := dst[:op.OutLen]
		switch op.AK {
		case engine.AKEncrypt:
			if !priv || p.AK.Alg != engine.RSA {
				return
			}
			back := engine.Op{AK: engine.AKDecrypt, Src: out, Dst: make([]byte, len(out))}
			if err := s.Do(&back); err != nil {
				t.Fatalf("decrypt of own ciphertext: %v", err)
			}
			got := back.Dst[:back.OutLen]
			if p.AK.Padding == engine.RSARawPadding {
				got = bytes.TrimLeft(got, "\x00")
				if !bytes.Equal(got, bytes.TrimLeft(data, "\x00")) {
					t.Fatal("raw round trip")
				}
			} else if !bytes.Equal(got, data) {
				t.Fatal("PKCS#1 round trip")
			}
		case engine.AKSign:
			v := engine.Op{AK: engine.AKVerify, Src: out, Signed: data}
			if err := s.Do(&v); err != nil {
				t.Fatalf("verify of own signature: %v", err)
			}
		}
	})
}

func isSentinel(err error, ss []error) bool {
	for _, s := range ss {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
