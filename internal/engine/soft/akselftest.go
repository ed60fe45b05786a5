package soft

import (
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"vcrypto/internal/engine"
)

// akKAT is a known-answer test of the AKCIPHER service run at engine
// start.
type akKAT struct {
	name   string
	params engine.SessionParams
	key    string // hex
	op     engine.AKOp
	msg    string // hex; hashed with SHA-256 to give the digest
	out    string // hex: expected signature (sign), or the signature to verify
	sigR   string // ECDSA verify: the published (R, S), DER-encoded here
	sigS   string
}

// akSelfTests are published vectors:
//
//   - RSA: NIST CAVP SigVer15_186-3.rsp (RSA PKCS#1 v1.5, FIPS 186-3),
//     [mod = 1024], the first passing SHA-256 case. The key is the
//     RSAPrivateKey DER of the published n, e, d, p, q (dP, dQ and qInv
//     derived from them); signing must reproduce the published S, which
//     runs the constant-time CRT path and its public-exponent check.
//   - ECDSA: NIST CAVP ECDSA SigVer.rsp (FIPS 186-3), [P-256,SHA-256], the
//     first passing case; the public key is 04 ‖ Qx ‖ Qy.
//
// Both are also in enginetest's testdata (cavp/rsa, cavp/ecdsa).
var akSelfTests = []akKAT{
	{
		name: "RSA-PKCS1-SHA256-sign",
		params: engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
			Alg: engine.RSA, KeyType: engine.KeyPrivate, Padding: engine.RSAPKCS1Padding, Hash: engine.RSASHA256}},
		key: "3082025c02010002818100a8d68acd413c5e195d5ef04e1b4faaf242365cb450196755e92e1215ba59802aafbadbf2564dd550956abb54f8b1c917844e5f36195d1088c600e07cada5c080ede679f50b3de32cf4026e514542495c54b1903768791aae9e36f082cd38e941ada89baecada61ab0dd37ad536bcb0a0946271594836e92ab5517301d45176b50201030281801c23c1cce034ba598f8fd2b7af37f1d30b090f7362aee68e5187adae49b9955c729f24a863b7a38d6e3c748e2972f6d940b7ba89043a2d6c2100256a1cf0f56a8cd35fc6ee205244876642f6f9c3820a3d9d2c8921df7d82aaadcaf2d7334d398931ddbba553190b3a416099f3aa07fd5b26214645a828419e122cfb857ad73b024100c107a2fe924b76e206cb9bc4af2ab7008547c00846bf6d0680b3eac3ebcbd0c7fd7a54c2b9899b08f80cde1d3691eaaa2816b1eb11822d6be7beaf4e30977c49024100dfea984ce4307eafc0d140c2bb82861e5dbac4f8567cbc981d70440dd639492079031486315e305eb83e591c4a2e96064966f7c894c3ca351925b5ce82d8ef0d02410080afc1ff0c324f4159dd12831f71cf55ae2fd55ad9d4f359ab229c829d328b2ffe518dd7265bbcb0a55de968cf0bf1c6c564769cb656c8f29a7f1f8975ba52db0241009547103342caff1fd5e0d5d727ac596993d1d8a58efdd31013a02d5e8ed0db6afb57630420e975947ad43b683174640430ef4fdb0dd7dc23661923df01e5f4b302410081aa7cc8ebea78b312d58e5b8047c2ce77e067af07eed1f86a7fec24799564352f3864ee209307e5c0673a0d557cb754807072ab752cacc2f874f5938890a8da",
		op:  engine.AKSign,
		msg: "d73829497cddbe41b705faac50e7899fdb5a38bf3a459e536357029e64f8796ba47f4fe96ba5a8b9a4396746e2164f55a25368ddd0b9a5188c7ac3da2d1f742286c3bdee697f9d546a25efcfe53191d743fcc6b47833d993d08804daeca78fb9076c3c017f53e33a90305af06220974d46bf19ed3c9b84edbae98b45a8771258",
		out: "0b20e5093c2a926233108afbdd851b88eeb554f4beaa7b18e51519f7d0ec53b181a3b03e8484ba8de2aa7864a402e2208e84ec9914af9d776ed13c48bdeb6484254de169318a87c40f2265ff16714eae8aee2bc9c3cb4dee045e4f5d9d625210121bfcf2bed8d3ffa602ce27fff4e61cf9bb650e71a6921ae6ffa296cb11bdbb",
	},
	{
		name: "ECDSA-P256-verify",
		params: engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
			Alg: engine.ECDSA, KeyType: engine.KeyPublic, Curve: engine.CurveP256}},
		key:  "04" + "e424dc61d4bb3cb7ef4344a7f8957a0c5134e16f7a67c074f82e6e12f49abf3c" + "970eed7aa2bc48651545949de1dddaf0127e5965ac85d1243d6f60e7dfaee927",
		op:   engine.AKVerify,
		msg:  "e1130af6a38ccb412a9c8d13e15dbfc9e69a16385af3c3f1e5da954fd5e7c45fd75e2b8c36699228e92840c0562fbf3772f07e17f1add56588dd45f7450e1217ad239922dd9c32695dc71ff2424ca0dec1321aa47064a044b7fe3c2b97d03ce470a592304c5ef21eed9f93da56bb232d1eeb0035f9bf0dfafdcc4606272b20a3",
		sigR: "bf96b99aa49c705c910be33142017c642ff540c76349b9dab72f981fd9347f4f",
		sigS: "17c55095819089c2e03b9cd415abdf12444e323075d98f31920b9e0f57ec871c",
	},
}

// akSelfTestHook lets tests corrupt the AKCIPHER self-test.
var akSelfTestHook func(k *akKAT)

func akSelfTest(e *Engine) error {
	for _, k := range akSelfTests {
		if akSelfTestHook != nil {
			akSelfTestHook(&k)
		}
		if err := runAKKAT(e, k); err != nil {
			return fmt.Errorf("%w: %s: %v", engine.ErrSelfTest, k.name, err)
		}
	}
	return nil
}

func runAKKAT(e *Engine, k akKAT) error {
	p := k.params
	p.AK.Key = unhex(k.key)
	s, err := e.NewSession(&p)
	if err != nil {
		return err
	}
	defer s.Close()
	digest := sha256.Sum256(unhex(k.msg))
	switch k.op {
	case engine.AKSign:
		want := unhex(k.out)
		op := engine.Op{AK: engine.AKSign, Src: digest[:], Dst: make([]byte, len(want))}
		if err := s.Do(&op); err != nil {
			return err
		}
		if op.OutLen != len(want) || !constantTimeEqual(op.Dst, want) {
			return fmt.Errorf("wrong answer")
		}
	case engine.AKVerify:
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(derUint(unhex(k.sigR))) })
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(derUint(unhex(k.sigS))) })
		})
		sig, err := b.Bytes()
		if err != nil {
			return err
		}
		op := engine.Op{AK: engine.AKVerify, Src: sig, Signed: digest[:]}
		if err := s.Do(&op); err != nil {
			return err
		}
		// The same signature over another digest must be rejected.
		digest[0] ^= 1
		if err := s.Do(&op); err == nil {
			return fmt.Errorf("a wrong digest verified")
		}
	default:
		return fmt.Errorf("operation %d", k.op)
	}
	return nil
}

// derUint is the content octets of a DER INTEGER holding the unsigned
// big-endian value b.
func derUint(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}
