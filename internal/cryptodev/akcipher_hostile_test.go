package cryptodev

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// akMat is the published AKCIPHER material of the hostile kit and cases
// (cryptodevtest.AKCases: Wycheproof and RFC 6979).
type akMat struct {
	// rsaPriv: RSA-2048, PKCS#1 v1.5 with SHA-256, private key
	// (Wycheproof rsa_pkcs1_2048_sig_gen_test.json); rsaDigest is the
	// SHA-256 of a message of that file and rsaSig its published
	// signature.
	rsaPriv           engine.SessionParams
	rsaDigest, rsaSig []byte
	// rsaPub: a 2048-bit RSAPublicKey DER (rsa_signature_2048_sha256).
	rsaPub engine.SessionParams
	// ecdsaPriv: the RFC 6979 A.2.5 P-256 key (ECPrivateKey DER).
	ecdsaPriv engine.SessionParams
	// rsaPubOfSig: the RSAPublicKey of rsaPriv (the file's keyAsn),
	// PKCS#1 v1.5 with SHA-256, for verifying rsaSig.
	rsaPubOfSig engine.SessionParams
	// ecdsaPub: the RFC 6979 A.2.5 public key (SEC 1 point); ecdsaSig its
	// published DER signature of ecdsaDigest (SHA-256 of "sample").
	ecdsaPub              engine.SessionParams
	ecdsaSig, ecdsaDigest []byte
}

var akMatOnce = sync.OnceValues(func() (akMat, error) {
	cs, err := cryptodevtest.LoadAKCases()
	if err != nil {
		return akMat{}, err
	}
	var m akMat
	for i := range cs {
		c := &cs[i]
		switch {
		case m.rsaSig == nil && c.Kind == "rsa-sign" && c.Params.AK.Hash == engine.RSASHA256 && c.DstLen == 256:
			m.rsaPriv, m.rsaDigest, m.rsaSig = c.Params, c.Src, c.Want
		case m.rsaPub.AK.Key == nil && c.Kind == "rsa-verify":
			m.rsaPub = c.Params
		case m.ecdsaPriv.AK.Key == nil && c.Kind == "ecdsa-sign":
			m.ecdsaPriv = c.Params
		case m.ecdsaSig == nil && c.Kind == "ecdsa-verify" && c.Status == virtiocrypto.StatusOK && strings.HasPrefix(c.Name, "RFC 6979"):
			m.ecdsaPub, m.ecdsaSig, m.ecdsaDigest = c.Params, c.Src, c.Signed
		}
	}
	// The raw public-key case of the same signature carries rsaPriv's
	// public key.
	for i := range cs {
		c := &cs[i]
		if m.rsaSig != nil && c.Kind == "rsa-raw-encrypt" && bytes.Equal(c.Src, m.rsaSig) {
			m.rsaPubOfSig = c.Params
			m.rsaPubOfSig.AK.Padding, m.rsaPubOfSig.AK.Hash = engine.RSAPKCS1Padding, engine.RSASHA256
		}
	}
	if m.rsaSig == nil || m.rsaPub.AK.Key == nil || m.ecdsaPriv.AK.Key == nil || m.rsaPubOfSig.AK.Key == nil || m.ecdsaSig == nil {
		return m, fmt.Errorf("AKCIPHER material missing from the published cases")
	}
	return m, nil
})

// akMaterial returns the kit's AKCIPHER material; a missing vector file is
// a test setup failure (it panics, failing the test that needed it).
func akMaterial() akMat {
	m, err := akMatOnce()
	if err != nil {
		panic(fmt.Sprintf("AKCIPHER vectors: %v", err))
	}
	return m
}

// akReq is the 72-byte header of an AKCIPHER data request.
func akReq(op virtiocrypto.Opcode, id uint64, srcLen, dstLen uint32) []byte {
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: op, Algo: uint32(virtiocrypto.AkcipherRSA), SessionID: id},
		Akcipher: virtiocrypto.AkcipherDataParams{SrcDataLen: srcLen, DstDataLen: dstLen}}
	return r.Append(nil, 0)
}

// memAt returns a check that guest memory at *at holds want.
func memAt(at *uint64, want []byte) func(t *testing.T, e *qenv, k kit) {
	return func(t *testing.T, e *qenv, _ kit) {
		if got := e.bytes(*at, len(want)); !bytes.Equal(got, want) {
			t.Errorf("guest memory at %#x = %x, want %x", *at, got, want)
		}
	}
}

func untouched(n int) []byte { return bytes.Repeat([]byte{0xEE}, n) }

// akHostileDataCases are the AKCIPHER data-queue cases on the kit's RSA
// (PKCS#1 v1.5, SHA-256, private key) and ECDSA sessions. The used length
// of an AKCIPHER request is the result length + 1, or 1 (spec "AKCIPHER
// Service Operation"; INTERPRETATIONS.md "Framing").
func akHostileDataCases() []hostileCase {
	m := akMaterial()
	ok, errSt := virtiocrypto.StatusOK, virtiocrypto.StatusErr
	sign := func(k kit, dstLen uint32) []byte { return akReq(virtiocrypto.OpcodeAkcipherSign, k.rsa, 32, dstLen) }
	verify := func(id uint64, sigLen, digestLen uint32) []byte {
		return akReq(virtiocrypto.OpcodeAkcipherVerify, id, sigLen, digestLen)
	}
	badSig := slices.Clone(m.rsaSig)
	badSig[100] ^= 0x40
	var dst uint64 // address of the case's dst, set by build
	return []hostileCase{
		{name: "AKCIPHER sign (published signature)", used: 1, len: 257, st: ok, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(sign(k, 256)), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, m.rsaSig)},
		{name: "AKCIPHER sign, dst larger than the result over three descriptors", used: 1, len: 257, st: ok, build: func(s *scenario, k kit) uint64 {
			a, b, c, st := s.w(100), s.w(100), s.w(100), s.w(1)
			s.chain(s.r(sign(k, 300)), s.r(m.rsaDigest), a, b, c, st)
			dst = a.Addr
			return st.Addr
		}, check: memAt(&dst, append(slices.Clone(m.rsaSig), untouched(44)...))},
		{name: "AKCIPHER sign, header and digest split", used: 1, len: 257, st: ok, build: func(s *scenario, k kit) uint64 {
			h := sign(k, 256)
			d, st := s.w(256), s.w(1)
			s.chain(s.r(h[:5]), s.r(h[5:70]), s.r(h[70:]), s.r(m.rsaDigest[:1]), s.r(m.rsaDigest[1:]), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, m.rsaSig)},
		{name: "AKCIPHER sign, dst one byte shorter than the signature", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(255), s.w(1)
			s.chain(s.r(sign(k, 255)), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(255))},
		{name: "AKCIPHER sign, dst_data_len beyond the writable part", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(200), s.w(1)
			s.chain(s.r(sign(k, 256)), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(200))},
		{name: "AKCIPHER sign, src_data_len beyond the readable part", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(sign(k, 256)), s.r(m.rsaDigest[:16]), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "AKCIPHER sign, digest of the wrong size for SHA-256", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(akReq(virtiocrypto.OpcodeAkcipherSign, k.rsa, 31, 256)), s.r(m.rsaDigest[:31]), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "AKCIPHER decrypt of a ciphertext with bad PKCS#1 padding", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(akReq(virtiocrypto.OpcodeAkcipherDecrypt, k.rsa, 256, 256)), s.r(make([]byte, 256)), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "AKCIPHER verify (published signature)", used: 1, len: 1, st: ok, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 32)), s.r(m.rsaSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER verify, signature and digest in one descriptor (Linux)", used: 1, len: 1, st: ok, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 32)), s.r(append(slices.Clone(m.rsaSig), m.rsaDigest...)), st)
			return st.Addr
		}},
		{name: "AKCIPHER verify with writable bytes before the status", used: 1, len: 1, st: ok, build: func(s *scenario, k kit) uint64 {
			d, st := s.w(16), s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 32)), s.r(m.rsaSig), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(16))},
		{name: "AKCIPHER verify, altered signature", used: 1, len: 1, st: virtiocrypto.StatusKeyRejected, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 32)), s.r(badSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER verify, empty signature", used: 1, len: 1, st: virtiocrypto.StatusKeyRejected, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 0, 32)), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER verify, dst_data_len 0xFFFFFFFF", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 0xFFFFFFFF)), s.r(m.rsaSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER verify, digest beyond the readable part", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(verify(k.rsa, 256, 64)), s.r(m.rsaSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER sign on an ECDSA session without a dst", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(akReq(virtiocrypto.OpcodeAkcipherSign, k.ecdsa, 32, 0)), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "AKCIPHER request on a session that does not exist", used: 1, len: 1, st: virtiocrypto.StatusInvSess, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(sign(kit{rsa: 99}, 256)), s.r(m.rsaDigest), s.w(256), st)
			return st.Addr
		}},
		{name: "AKCIPHER opcode 0x404 on the data queue", used: 1, len: 1, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(akReq(virtiocrypto.OpcodeAkcipherCreateSession, k.rsa, 32, 256)), s.r(m.rsaDigest), s.w(256), st)
			return st.Addr
		}},
		{name: "cipher request on an AKCIPHER session", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.rsa, 16, 64, 64))
		}, check: checkBlob(152, untouched(64))},
		{name: "hash request on an AKCIPHER session", used: 1, len: 33, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: k.ecdsa},
				Hash: virtiocrypto.HashDataParams{SrcDataLen: 64, HashResultLen: 32}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcPT), s.w(32), st)
			return st.Addr
		}},
	}
}

// akHostileControlCases are the AKCIPHER control-queue cases.
func akHostileControlCases() []hostileCase {
	m := akMaterial()
	ok, errSt, notSupp := virtiocrypto.StatusOK, virtiocrypto.StatusErr, virtiocrypto.StatusNotSupp
	input := uint32(virtiocrypto.CreateSessionInputSize)
	sessions := func(want int) func(t *testing.T, e *qenv, k kit) {
		return func(t *testing.T, e *qenv, _ kit) {
			if n := e.dev.Sessions().Len(); n != want {
				t.Errorf("%d live sessions, want %d", n, want)
			}
		}
	}
	pub := m.rsaPub
	create := func(p engine.SessionParams, edit func(r *virtiocrypto.CtrlRequest)) []byte {
		r, _ := cryptodevtest.SessionRequest(&p)
		if edit != nil {
			edit(&r)
		}
		return r.Append(nil, 0)
	}
	key := pub.AK.Key
	garbage := bytes.Repeat([]byte{0x30, 0x82}, len(key)/2)
	ecdsaP := m.ecdsaPriv
	return []hostileCase{
		{name: "AKCIPHER create (RSA public key)", used: 1, len: input, st: ok, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, nil), key)
		}, check: sessions(kitSize + 1)},
		{name: "AKCIPHER create, key over three descriptors", used: 1, len: input, st: ok, build: func(s *scenario, k kit) uint64 {
			in := s.w(16)
			s.chain(s.r(create(pub, nil)), s.r(key[:1]), s.r(key[1:100]), s.r(key[100:]), in)
			return in.Addr
		}, check: sessions(kitSize + 1)},
		{name: "AKCIPHER create (ECDSA private key)", used: 1, len: input, st: ok, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(m.ecdsaPriv, nil), m.ecdsaPriv.AK.Key)
		}, check: sessions(kitSize + 1)},
		{name: "AKCIPHER key_len beyond the readable part", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, nil), key[:200])
		}, check: sessions(kitSize)},
		{name: "AKCIPHER key_len beyond max_size", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyLen = hostileMaxSize + 1 }),
				append(slices.Clone(key), make([]byte, hostileMaxSize+1-len(key))...))
		}, check: sessions(kitSize)},
		{name: "AKCIPHER key_len 0xFFFFFFFF", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyLen = 0xFFFFFFFF }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER key_len 0", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyLen = 0 }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER garbage key", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyLen = uint32(len(garbage)) }), garbage)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER truncated DER key", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyLen = 100 }), key[:100])
		}, check: sessions(kitSize)},
		{name: "AKCIPHER public key given as private", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyType = virtiocrypto.KeyTypePrivate }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER key type 3", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.KeyType = 3 }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER unknown algorithm 7", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.Algo = 7 }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER RSA unknown padding 5", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.RSA.Padding = 5 }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER RSA PKCS#1 unknown hash 42", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(pub, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.RSA.Hash = 42 }), key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER ECDSA unknown curve 9", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(ecdsaP, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.ECDSA.Curve = 9 }), ecdsaP.AK.Key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER ECDSA P-256 key on curve P-384", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, create(ecdsaP, func(r *virtiocrypto.CtrlRequest) { r.Akcipher.ECDSA.Curve = virtiocrypto.CurveNISTP384 }), ecdsaP.AK.Key)
		}, check: sessions(kitSize)},
		{name: "AKCIPHER destroy", used: 1, len: 1, st: ok, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeAkcipherDestroySession, k.rsa)), st)
			return st.Addr
		}, check: sessions(kitSize - 1)},
		{name: "AKCIPHER destroy of an unknown session", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeAkcipherDestroySession, 99)), st)
			return st.Addr
		}, check: sessions(kitSize)},
	}
}
