package enginetest

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"vcrypto/internal/engine"
)

// AKCIPHER suites.
const (
	suiteWPRSADecrypt = "wycheproof:rsa_pkcs1_decrypt"
	suiteWPRSAVerify  = "wycheproof:rsa_signature"
	suiteWPRSASign    = "wycheproof:rsa_pkcs1_sig_gen"
	suiteWPECDSA      = "wycheproof:ecdsa_verify"
	suiteRSASigGen    = "cavp:RSA-SigGen15"
	suiteRSASigVer    = "cavp:RSA-SigVer15"
	suiteRSARaw       = "cavp:RSA-raw"
	suiteECDSASigVer  = "cavp:ECDSA-SigVer"
)

var akSuiteNames = []string{
	suiteWPRSADecrypt, suiteWPRSAVerify, suiteWPRSASign, suiteWPECDSA,
	suiteRSASigGen, suiteRSASigVer, suiteRSARaw, suiteECDSASigVer,
}

// akHash is a hash named by a vector file, with its virtio RSA hash_algo.
type akHash struct {
	new func() hash.Hash
	rsa engine.RSAHash
}

// akHashes maps the spellings of Wycheproof ("SHA-256") and CAVP
// ("SHA256") to hashes. Hashes virtio cannot name (SHA-512/224, SHA3) are
// absent.
var akHashes = map[string]akHash{
	"SHA-1": {sha1.New, engine.RSASHA1}, "SHA1": {sha1.New, engine.RSASHA1},
	"SHA-224": {sha256.New224, engine.RSASHA224}, "SHA224": {sha256.New224, engine.RSASHA224},
	"SHA-256": {sha256.New, engine.RSASHA256}, "SHA256": {sha256.New, engine.RSASHA256},
	"SHA-384": {sha512.New384, engine.RSASHA384}, "SHA384": {sha512.New384, engine.RSASHA384},
	"SHA-512": {sha512.New, engine.RSASHA512}, "SHA512": {sha512.New, engine.RSASHA512},
}

func (h akHash) sum(msg []byte) []byte {
	d := h.new()
	d.Write(msg)
	return d.Sum(nil)
}

// emsaPKCS1v15 is EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of digest for a k-byte
// modulus, built from the DigestInfo of RFC 8017 §9.2 note 1; the tests use
// it to turn a published (message, signature) pair into a raw-RSA vector.
func emsaPKCS1v15(k int, h engine.RSAHash, digest []byte) []byte {
	var oid []byte
	switch h {
	case engine.RSASHA1:
		oid = []byte{0x2b, 0x0e, 0x03, 0x02, 0x1a}
	case engine.RSASHA224:
		oid = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04}
	case engine.RSASHA256:
		oid = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
	case engine.RSASHA384:
		oid = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}
	case engine.RSASHA512:
		oid = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}
	default:
		return nil
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) { b.AddBytes(oid) })
			b.AddASN1NULL()
		})
		b.AddASN1OctetString(digest)
	})
	t := b.BytesOrPanic()
	if k < len(t)+11 {
		return nil
	}
	em := make([]byte, k)
	em[1] = 1
	for i := 2; i < k-len(t)-1; i++ {
		em[i] = 0xff
	}
	copy(em[k-len(t):], t)
	return em
}

// rsaPublicDER encodes RSAPublicKey (RFC 8017 A.1.1).
func rsaPublicDER(n, e *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(n)
		b.AddASN1BigInt(e)
	})
	return b.BytesOrPanic()
}

// rsaPrivateDER encodes a two-prime RSAPrivateKey (RFC 8017 A.1.2). With p
// or q nil the CRT fields are all 0 (the "d only" form the engine accepts).
func rsaPrivateDER(n, e, d, p, q *big.Int) []byte {
	zero := new(big.Int)
	dP, dQ, qInv := zero, zero, zero
	if p == nil || q == nil {
		p, q = zero, zero
	} else {
		one := big.NewInt(1)
		dP = new(big.Int).Mod(d, new(big.Int).Sub(p, one))
		dQ = new(big.Int).Mod(d, new(big.Int).Sub(q, one))
		qInv = new(big.Int).ModInverse(q, p)
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		for _, x := range []*big.Int{n, e, d, p, q, dP, dQ, qInv} {
			b.AddASN1BigInt(x)
		}
	})
	return b.BytesOrPanic()
}

// factor recovers p and q from (n, e, d) with the method of NIST SP
// 800-56B Rev. 2, Appendix C.2; nil when it fails.
func factor(n, e, d *big.Int) (p, q *big.Int) {
	one := big.NewInt(1)
	nm1 := new(big.Int).Sub(n, one)
	k := new(big.Int).Mul(d, e)
	k.Sub(k, one)
	t := 0
	r := new(big.Int).Set(k)
	for r.Bit(0) == 0 && r.Sign() > 0 {
		r.Rsh(r, 1)
		t++
	}
	for g := int64(2); g < 200; g++ {
		y := new(big.Int).Exp(big.NewInt(g), r, n)
		if y.Cmp(one) == 0 || y.Cmp(nm1) == 0 {
			continue
		}
		for range t {
			x := new(big.Int).Exp(y, big.NewInt(2), n)
			if x.Cmp(one) == 0 {
				p = new(big.Int).GCD(nil, nil, new(big.Int).Sub(y, one), n)
				q = new(big.Int).Div(n, p)
				if p.Cmp(q) < 0 {
					p, q = q, p
				}
				return p, q
			}
			if x.Cmp(nm1) == 0 {
				break
			}
			y = x
		}
	}
	return nil, nil
}

// pkcs8RSA extracts the RSAPrivateKey of a PKCS#8 PrivateKeyInfo (RFC
// 5208): the bytes of its privateKey OCTET STRING, unchanged.
func pkcs8RSA(der []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var seq, alg, key cryptobyte.String
	var v int
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(&v) ||
		!seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !seq.ReadASN1(&key, cbasn1.OCTET_STRING) {
		return nil, errors.New("malformed PKCS#8")
	}
	return key, nil
}

func akParams(alg engine.AKCipherAlg, kt engine.KeyType, key []byte) engine.SessionParams {
	return engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: alg, KeyType: kt, Key: key}}
}

// Wycheproof AKCIPHER files. The RSA signature and ECDSA files for hashes
// virtio-crypto cannot name (SHA-512/224, SHA-512/256, SHA3-*) are not
// loaded.
var (
	wpRSADecryptFiles = []string{"rsa_pkcs1_2048_test.json", "rsa_pkcs1_3072_test.json", "rsa_pkcs1_4096_test.json"}
	wpRSAVerifyFiles  = []string{
		"rsa_signature_2048_sha224_test.json", "rsa_signature_2048_sha256_test.json",
		"rsa_signature_2048_sha384_test.json", "rsa_signature_2048_sha512_test.json",
		"rsa_signature_3072_sha256_test.json", "rsa_signature_3072_sha384_test.json",
		"rsa_signature_3072_sha512_test.json", "rsa_signature_4096_sha256_test.json",
		"rsa_signature_4096_sha384_test.json", "rsa_signature_4096_sha512_test.json",
		"rsa_signature_8192_sha256_test.json", "rsa_signature_8192_sha384_test.json",
		"rsa_signature_8192_sha512_test.json",
	}
	wpRSASignFiles = []string{
		"rsa_pkcs1_1024_sig_gen_test.json", "rsa_pkcs1_1536_sig_gen_test.json", "rsa_pkcs1_2048_sig_gen_test.json",
		"rsa_pkcs1_3072_sig_gen_test.json", "rsa_pkcs1_4096_sig_gen_test.json",
	}
	wpECDSAFiles = []string{
		"ecdsa_secp224r1_sha224_test.json", "ecdsa_secp224r1_sha256_test.json", "ecdsa_secp224r1_sha512_test.json",
		"ecdsa_secp256r1_sha256_test.json", "ecdsa_secp256r1_sha512_test.json",
		"ecdsa_secp384r1_sha256_test.json", "ecdsa_secp384r1_sha384_test.json", "ecdsa_secp384r1_sha512_test.json",
		"ecdsa_secp521r1_sha512_test.json",
	}
)

// wpAKFile is the part of the Wycheproof RSA/ECDSA schemas read here
// (rsaes_pkcs1_decrypt, rsassa_pkcs1_verify, rsassa_pkcs1_generate,
// ecdsa_verify).
type wpAKFile struct {
	NumberOfTests int `json:"numberOfTests"`
	TestGroups    []struct {
		SHA             string `json:"sha"`
		PrivateKeyPkcs8 wpHex  `json:"privateKeyPkcs8"`
		PrivateKeyPem   string `json:"privateKeyPem"`
		PublicKeyAsn    wpHex  `json:"publicKeyAsn"`
		PublicKey       struct {
			Curve        string `json:"curve"`
			Uncompressed wpHex  `json:"uncompressed"`
		} `json:"publicKey"`
		Tests []struct {
			TcID    int      `json:"tcId"`
			Comment string   `json:"comment"`
			Flags   []string `json:"flags"`
			Msg     wpHex    `json:"msg"`
			CT      wpHex    `json:"ct"`
			Sig     wpHex    `json:"sig"`
			Result  string   `json:"result"`
		} `json:"tests"`
	} `json:"testGroups"`
}

var wpCurves = map[string]engine.Curve{
	"secp224r1": engine.CurveP224, "secp256r1": engine.CurveP256,
	"secp384r1": engine.CurveP384, "secp521r1": engine.CurveP521,
}

func loadWycheproofAK() ([]AKVector, error) {
	dir, err := wycheproofDir()
	if err != nil {
		return nil, err
	}
	var out []AKVector
	type job struct {
		files []string
		suite string
	}
	for _, j := range []job{{wpRSADecryptFiles, suiteWPRSADecrypt}, {wpRSAVerifyFiles, suiteWPRSAVerify},
		{wpRSASignFiles, suiteWPRSASign}, {wpECDSAFiles, suiteWPECDSA}} {
		for _, name := range j.files {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("%w: %v", errWycheproof, err)
			}
			var f wpAKFile
			if err := json.Unmarshal(data, &f); err != nil {
				return nil, fmt.Errorf("wycheproof %s: %w", name, err)
			}
			n := 0
			for _, g := range f.TestGroups {
				var base engine.SessionParams
				var h akHash
				var hashOK bool
				skip := ""
				switch j.suite {
				case suiteWPRSADecrypt:
					key, err := pkcs8RSA(g.PrivateKeyPkcs8)
					if err != nil {
						return nil, fmt.Errorf("wycheproof %s: %w", name, err)
					}
					base = akParams(engine.RSA, engine.KeyPrivate, key)
					base.AK.Padding = engine.RSAPKCS1Padding
				case suiteWPRSAVerify:
					base = akParams(engine.RSA, engine.KeyPublic, g.PublicKeyAsn)
					base.AK.Padding = engine.RSAPKCS1Padding
				case suiteWPRSASign:
					blk, _ := pem.Decode([]byte(g.PrivateKeyPem))
					if blk == nil || blk.Type != "RSA PRIVATE KEY" {
						return nil, fmt.Errorf("wycheproof %s: no PKCS#1 PEM key", name)
					}
					base = akParams(engine.RSA, engine.KeyPrivate, blk.Bytes)
					base.AK.Padding = engine.RSAPKCS1Padding
				case suiteWPECDSA:
					c, ok := wpCurves[g.PublicKey.Curve]
					if !ok {
						return nil, fmt.Errorf("wycheproof %s: curve %q", name, g.PublicKey.Curve)
					}
					base = akParams(engine.ECDSA, engine.KeyPublic, g.PublicKey.Uncompressed)
					base.AK.Curve = c
				}
				if j.suite != suiteWPRSADecrypt {
					h, hashOK = akHashes[g.SHA]
					if !hashOK {
						skip = SkipUnexpressive
					} else if j.suite != suiteWPECDSA {
						base.AK.Hash = h.rsa
					}
				}
				for _, t := range g.Tests {
					n++
					v := AKVector{
						Suite:  j.suite,
						ID:     fmt.Sprintf("%s/tc%d", strings.TrimSuffix(name, "_test.json"), t.TcID),
						Source: "Wycheproof " + name,
						Params: base,
						Skip:   skip,
					}
					switch t.Result {
					case "valid":
					case "invalid":
						v.Invalid = true
					case "acceptable":
						// sig_gen: "acceptable" only marks legacy sizes
						// and hashes (SmallModulus, WeakHash,
						// SmallPublicKey) the engine implements; the
						// signature is deterministic and must match.
						if j.suite != suiteWPRSASign {
							v.Skip = SkipAcceptable
						}
					default:
						return nil, fmt.Errorf("wycheproof %s tcId %d: result %q", name, t.TcID, t.Result)
					}
					switch j.suite {
					case suiteWPRSADecrypt:
						// Dst of the largest modulus size (4096 bits).
						v.Op, v.Src, v.DstLen = engine.AKDecrypt, t.CT, 512
						if !v.Invalid {
							v.WantDst = t.Msg
						}
						v.WantErr = engine.ErrInvalidInput
					case suiteWPRSASign:
						if hashOK {
							v.Op, v.Src, v.DstLen, v.WantDst = engine.AKSign, h.sum(t.Msg), len(t.Sig), t.Sig
						}
					default:
						v.Op, v.Src, v.WantErr = engine.AKVerify, t.Sig, engine.ErrKeyRejected
						if hashOK {
							v.Signed = h.sum(t.Msg)
						}
					}
					if v.Invalid && j.suite == suiteWPRSASign {
						return nil, fmt.Errorf("wycheproof %s tcId %d: invalid sig_gen case", name, t.TcID)
					}
					out = append(out, v)
				}
			}
			if n == 0 || n != f.NumberOfTests {
				return nil, fmt.Errorf("wycheproof %s: read %d tests, the file says %d", name, n, f.NumberOfTests)
			}
		}
	}
	return out, nil
}
