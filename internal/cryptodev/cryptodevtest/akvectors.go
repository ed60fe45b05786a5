package cryptodevtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtiocrypto"
)

// AKCIPHER cases from published vectors, for driving a device's AKCIPHER
// service through any transport:
//
//   - Wycheproof (C2SP, Apache-2.0; module github.com/c2sp/wycheproof,
//     pinned in go.mod and read from the module cache, not copied here):
//     rsa_signature_2048_sha256_test.json (RSASSA-PKCS1-v1_5 verify, valid
//     and invalid signatures), rsa_pkcs1_{1024,2048}_sig_gen_test.json
//     (RSASSA-PKCS1-v1_5 signatures, deterministic, so the device's output
//     is compared byte for byte; and the same signatures through raw RSA:
//     s = RSADP(EM) and EM = RSAEP(s) with EM the EMSA-PKCS1-v1_5 encoding
//     of the message, RFC 8017 §8.2.1, §9.2), rsa_pkcs1_2048_test.json
//     (RSAES-PKCS1-v1_5 decrypt, valid and invalid ciphertexts; its
//     messages are also encrypted by the device and decrypted with
//     crypto/rsa), ecdsa_secp256r1_sha256_test.json (ECDSA P-256 verify).
//   - RFC 6979 Appendix A.2.5 (ECDSA P-256 key and the SHA-256 signatures
//     of "sample" and "test"): verified by the device, and the device's own
//     signatures over the same digests are checked with crypto/ecdsa.
//
// Key encodings are the spec's (engine.AKCipherParams): PKCS#1
// RSAPublicKey / RSAPrivateKey DER, the SEC 1 point for an ECDSA public
// key, RFC 5915 ECPrivateKey DER for an ECDSA private key. Wycheproof's
// PKCS#8 RSA keys are unwrapped (the inner RSAPrivateKey octets, unchanged).

// AKCase is one AKCIPHER operation and the answer the device must give.
type AKCase struct {
	// Kind groups the cases ("rsa-verify", "rsa-sign", "rsa-raw-decrypt",
	// "rsa-raw-encrypt", "rsa-decrypt", "rsa-encrypt", "ecdsa-verify",
	// "ecdsa-sign"); Name says where the case comes from.
	Kind, Name string
	// Params is the session (Service == engine.ServiceAKCipher).
	Params engine.SessionParams
	Op     engine.AKOp
	// Src is the source data (the signature for a verify), Signed the
	// signed data of a verify.
	Src, Signed []byte
	// DstLen is dst_data_len for encrypt, decrypt and sign.
	DstLen int
	// Status is the status the device must answer.
	Status virtiocrypto.Status
	// Want is the exact result of an OK answer; when nil, Check judges a
	// randomized result (RSA PKCS#1 encryption, ECDSA signatures).
	Want  []byte
	Check func(result []byte) error
}

// EngineOp returns the case's operation in engine terms (for DataRequest,
// SessionDataRequest and StatelessRequest, with DstLen as dstLen).
func (c *AKCase) EngineOp() engine.Op { return engine.Op{AK: c.Op, Src: c.Src, Signed: c.Signed} }

// KeyLen returns the length of the case's key.
func (c *AKCase) KeyLen() int { return len(c.Params.AK.Key) }

// JudgeResult checks a device's answer (status and the result bytes the
// used length delimits) against the case.
func (c *AKCase) JudgeResult(st virtiocrypto.Status, result []byte) error {
	if st != c.Status {
		return fmt.Errorf("status %v, want %v", st, c.Status)
	}
	if st != virtiocrypto.StatusOK || c.Op == engine.AKVerify {
		if len(result) != 0 {
			return fmt.Errorf("%d result bytes with status %v for %v", len(result), st, c.Op)
		}
		return nil
	}
	if c.Want != nil {
		if !bytes.Equal(result, c.Want) {
			return fmt.Errorf("result %x, want %x", result, c.Want)
		}
		return nil
	}
	return c.Check(result)
}

var (
	akOnce  sync.Once
	akCases []AKCase
	akErr   error
)

// AKCases returns every AKCIPHER case (loaded once per process; callers
// must not modify them). It fails tb when the vector files cannot be read.
func AKCases(tb testing.TB) []AKCase {
	tb.Helper()
	cs, err := LoadAKCases()
	if err != nil {
		tb.Fatalf("AKCIPHER vectors: %v", err)
	}
	return cs
}

// LoadAKCases is AKCases for callers without a testing.TB.
func LoadAKCases() ([]AKCase, error) {
	akOnce.Do(func() { akCases, akErr = loadAKCases() })
	return akCases, akErr
}

// Wycheproof file schema, as far as these loaders read it.
type wpHex []byte

func (h *wpHex) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	*h = v
	return err
}

type wpAKFile struct {
	TestGroups []struct {
		SHA             string `json:"sha"`
		PublicKeyAsn    wpHex  `json:"publicKeyAsn"` // RSAPublicKey DER
		KeyAsn          wpHex  `json:"keyAsn"`       // RSAPublicKey DER (sig_gen)
		PrivateKeyPem   string `json:"privateKeyPem"`
		PrivateKeyPkcs8 wpHex  `json:"privateKeyPkcs8"`
		PublicKey       struct {
			Uncompressed wpHex `json:"uncompressed"` // SEC 1 point (ECDSA)
		} `json:"publicKey"`
		Tests []struct {
			TcID   int      `json:"tcId"`
			Msg    wpHex    `json:"msg"`
			Sig    wpHex    `json:"sig"`
			CT     wpHex    `json:"ct"`
			Result string   `json:"result"`
			Flags  []string `json:"flags"`
		} `json:"tests"`
	} `json:"testGroups"`
}

func readWP(dir, name string) (*wpAKFile, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	var f wpAKFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &f, nil
}

// wpHash maps a Wycheproof "sha" name to the virtio hash id and the hash.
func wpHash(name string) (engine.RSAHash, crypto.Hash, bool) {
	switch name {
	case "SHA-1":
		return engine.RSASHA1, crypto.SHA1, true
	case "SHA-224":
		return engine.RSASHA224, crypto.SHA224, true
	case "SHA-256":
		return engine.RSASHA256, crypto.SHA256, true
	case "SHA-384":
		return engine.RSASHA384, crypto.SHA384, true
	case "SHA-512":
		return engine.RSASHA512, crypto.SHA512, true
	}
	return 0, 0, false
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA1:
		d := sha1.Sum(msg)
		return d[:]
	case crypto.SHA224:
		d := sha256.Sum224(msg)
		return d[:]
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	case crypto.SHA512:
		d := sha512.Sum512(msg)
		return d[:]
	}
	panic("unknown hash")
}

// digestInfoPrefix is the DER prefix of DigestInfo for each hash (RFC 8017
// §9.2, Note 1).
var digestInfoPrefix = map[crypto.Hash]string{
	crypto.SHA1:   "3021300906052b0e03021a05000414",
	crypto.SHA224: "302d300d06096086480165030402040500041c",
	crypto.SHA256: "3031300d060960864801650304020105000420",
	crypto.SHA384: "3041300d060960864801650304020205000430",
	crypto.SHA512: "3051300d060960864801650304020305000440",
}

// emsaPKCS1 is EMSA-PKCS1-v1_5-ENCODE(M, k) (RFC 8017 §9.2): the
// deterministic message encoding that a PKCS#1 v1.5 signature is the RSA
// private-key operation of.
func emsaPKCS1(h crypto.Hash, msg []byte, k int) []byte {
	t, _ := hex.DecodeString(digestInfoPrefix[h])
	t = append(t, digest(h, msg)...)
	em := make([]byte, k)
	em[1] = 0x01
	for i := 2; i < k-len(t)-1; i++ {
		em[i] = 0xFF
	}
	copy(em[k-len(t):], t)
	return em
}

// pkcs8RSA returns the RSAPrivateKey octets inside a PKCS#8 PrivateKeyInfo
// (RFC 5208 §5), unchanged.
func pkcs8RSA(der []byte) ([]byte, error) {
	var info struct {
		Version    int
		Algorithm  asn1.RawValue
		PrivateKey []byte
	}
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("PKCS#8 key: %v (%d trailing bytes)", err, len(rest))
	}
	return info.PrivateKey, nil
}

func rsaParams(kt engine.KeyType, pad engine.RSAPadding, h engine.RSAHash, key []byte) engine.SessionParams {
	return engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
		Alg: engine.RSA, KeyType: kt, Padding: pad, Hash: h, Key: key}}
}

func loadAKCases() ([]AKCase, error) {
	dir, err := enginetest.WycheproofDir()
	if err != nil {
		return nil, err
	}
	var cs []AKCase
	for _, load := range []func(string) ([]AKCase, error){rsaVerifyCases, rsaSignCases, rsaDecryptCases, ecdsaVerifyCases, rfc6979Cases} {
		c, err := load(dir)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c...)
	}
	return cs, nil
}

// rsaVerifyCases: RSASSA-PKCS1-v1_5 verify with SHA-256 and a 2048-bit
// public key. Valid signatures are OK, invalid ones KEY_REJECTED;
// "acceptable" ones (legacy encodings) are left out.
func rsaVerifyCases(dir string) ([]AKCase, error) {
	const name = "rsa_signature_2048_sha256_test.json"
	f, err := readWP(dir, name)
	if err != nil {
		return nil, err
	}
	var cs []AKCase
	for _, g := range f.TestGroups {
		hid, h, ok := wpHash(g.SHA)
		if !ok || len(g.PublicKeyAsn) == 0 {
			return nil, fmt.Errorf("%s: group with sha %q, %d-byte key", name, g.SHA, len(g.PublicKeyAsn))
		}
		p := rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, hid, g.PublicKeyAsn)
		for _, t := range g.Tests {
			c := AKCase{Kind: "rsa-verify", Name: fmt.Sprintf("Wycheproof %s tcId %d", name, t.TcID), Params: p,
				Op: engine.AKVerify, Src: t.Sig, Signed: digest(h, t.Msg)}
			switch t.Result {
			case "valid":
				c.Status = virtiocrypto.StatusOK
			case "invalid":
				c.Status = virtiocrypto.StatusKeyRejected
			default:
				continue
			}
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// rsaSignCases: RSASSA-PKCS1-v1_5 signatures of 1024- and 2048-bit
// private keys with SHA-1 ... SHA-512 (results "valid" and "acceptable":
// the latter only for small moduli or SHA-1, which the device serves), and
// the same signatures through raw RSA: RSADP(EM) = s with the private key,
// RSAEP(s) = EM with the public key.
func rsaSignCases(dir string) ([]AKCase, error) {
	var cs []AKCase
	for _, name := range []string{"rsa_pkcs1_1024_sig_gen_test.json", "rsa_pkcs1_2048_sig_gen_test.json"} {
		f, err := readWP(dir, name)
		if err != nil {
			return nil, err
		}
		for _, g := range f.TestGroups {
			hid, h, ok := wpHash(g.SHA)
			blk, _ := pem.Decode([]byte(g.PrivateKeyPem))
			if !ok || blk == nil || blk.Type != "RSA PRIVATE KEY" || len(g.KeyAsn) == 0 {
				return nil, fmt.Errorf("%s: group with sha %q, unexpected keys", name, g.SHA)
			}
			priv, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			k := priv.Size()
			signP := rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, hid, blk.Bytes)
			rawPriv := rsaParams(engine.KeyPrivate, engine.RSARawPadding, engine.RSANoHash, blk.Bytes)
			rawPub := rsaParams(engine.KeyPublic, engine.RSARawPadding, engine.RSANoHash, g.KeyAsn)
			for _, t := range g.Tests {
				if t.Result != "valid" && t.Result != "acceptable" {
					continue
				}
				id := fmt.Sprintf("Wycheproof %s tcId %d", name, t.TcID)
				em := emsaPKCS1(h, t.Msg, k)
				// The encoding must be what the published signature
				// opens to under the public key (s^e mod n).
				if len(t.Sig) != k || !bytes.Equal(new(big.Int).Exp(new(big.Int).SetBytes(t.Sig), big.NewInt(int64(priv.E)), priv.N).FillBytes(make([]byte, k)), em) {
					return nil, fmt.Errorf("%s: EMSA-PKCS1-v1_5 encoding does not match the published signature", id)
				}
				cs = append(cs,
					AKCase{Kind: "rsa-sign", Name: id, Params: signP, Op: engine.AKSign, Src: digest(h, t.Msg), DstLen: k,
						Status: virtiocrypto.StatusOK, Want: t.Sig},
					AKCase{Kind: "rsa-raw-decrypt", Name: id + " (RSADP of EMSA-PKCS1-v1_5)", Params: rawPriv, Op: engine.AKDecrypt,
						Src: em, DstLen: k, Status: virtiocrypto.StatusOK, Want: t.Sig},
					AKCase{Kind: "rsa-raw-encrypt", Name: id + " (RSAEP of the signature)", Params: rawPub, Op: engine.AKEncrypt,
						Src: t.Sig, DstLen: k, Status: virtiocrypto.StatusOK, Want: em},
				)
			}
		}
	}
	return cs, nil
}

// rsaDecryptCases: RSAES-PKCS1-v1_5 decryption with a 2048-bit private key
// (valid ciphertexts give the message, invalid ones ERR), and encryption
// of the same messages with the public key, checked by decrypting with
// crypto/rsa.
func rsaDecryptCases(dir string) ([]AKCase, error) {
	const name = "rsa_pkcs1_2048_test.json"
	f, err := readWP(dir, name)
	if err != nil {
		return nil, err
	}
	var cs []AKCase
	for _, g := range f.TestGroups {
		der, err := pkcs8RSA(g.PrivateKeyPkcs8)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		priv, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		k := priv.Size()
		decP := rsaParams(engine.KeyPrivate, engine.RSAPKCS1Padding, engine.RSANoHash, der)
		encP := rsaParams(engine.KeyPublic, engine.RSAPKCS1Padding, engine.RSANoHash, x509.MarshalPKCS1PublicKey(&priv.PublicKey))
		for _, t := range g.Tests {
			id := fmt.Sprintf("Wycheproof %s tcId %d", name, t.TcID)
			c := AKCase{Kind: "rsa-decrypt", Name: id, Params: decP, Op: engine.AKDecrypt, Src: t.CT, DstLen: k}
			switch t.Result {
			case "valid":
				c.Status, c.Want = virtiocrypto.StatusOK, t.Msg
				if c.Want == nil {
					c.Want = []byte{}
				}
				msg := c.Want
				cs = append(cs, AKCase{Kind: "rsa-encrypt", Name: id + " (message encrypted, decrypted by crypto/rsa)", Params: encP,
					Op: engine.AKEncrypt, Src: msg, DstLen: k, Status: virtiocrypto.StatusOK,
					Check: func(ct []byte) error {
						if len(ct) != k {
							return fmt.Errorf("ciphertext of %d bytes, want %d", len(ct), k)
						}
						pt, err := rsa.DecryptPKCS1v15(nil, priv, ct)
						if err != nil || !bytes.Equal(pt, msg) {
							return fmt.Errorf("crypto/rsa decrypts the ciphertext to %x, %v; want %x", pt, err, msg)
						}
						return nil
					}})
			case "invalid":
				c.Status = virtiocrypto.StatusErr
			default:
				continue
			}
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// ecdsaVerifyCases: ECDSA P-256 with SHA-256, DER signatures, public keys
// as SEC 1 points; valid is OK, invalid KEY_REJECTED.
func ecdsaVerifyCases(dir string) ([]AKCase, error) {
	const name = "ecdsa_secp256r1_sha256_test.json"
	f, err := readWP(dir, name)
	if err != nil {
		return nil, err
	}
	var cs []AKCase
	for _, g := range f.TestGroups {
		if g.SHA != "SHA-256" || len(g.PublicKey.Uncompressed) != 65 {
			return nil, fmt.Errorf("%s: group with sha %q, %d-byte point", name, g.SHA, len(g.PublicKey.Uncompressed))
		}
		p := engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPublic,
			Curve: engine.CurveP256, Key: g.PublicKey.Uncompressed}}
		for _, t := range g.Tests {
			c := AKCase{Kind: "ecdsa-verify", Name: fmt.Sprintf("Wycheproof %s tcId %d", name, t.TcID), Params: p,
				Op: engine.AKVerify, Src: t.Sig, Signed: digest(crypto.SHA256, t.Msg)}
			switch t.Result {
			case "valid":
				c.Status = virtiocrypto.StatusOK
			case "invalid":
				c.Status = virtiocrypto.StatusKeyRejected
			default:
				continue
			}
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// RFC 6979 Appendix A.2.5: the P-256 key pair and the SHA-256 signatures
// (r, s) of the messages "sample" and "test".
const (
	rfc6979X  = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
	rfc6979Ux = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
	rfc6979Uy = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
)

var rfc6979Sigs = []struct{ msg, r, s string }{
	{"sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"},
	{"test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367", "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"},
}

// rfc6979Cases: the published signatures verified by the device (public
// key session), a bit-flipped one rejected, and the device's signatures
// of the same digests (private key session, RFC 5915 ECPrivateKey)
// checked with crypto/ecdsa against the published public key.
func rfc6979Cases(string) ([]AKCase, error) {
	x, _ := hex.DecodeString(rfc6979X)
	point, _ := hex.DecodeString("04" + rfc6979Ux + rfc6979Uy)
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), x)
	if err != nil {
		return nil, err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, err
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, errors.New("RFC 6979 A.2.5: the private key does not match the published public key")
	}
	der, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	pubP := engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPublic,
		Curve: engine.CurveP256, Key: point}}
	privP := pubP
	privP.AK.KeyType, privP.AK.Key = engine.KeyPrivate, der
	var cs []AKCase
	for _, v := range rfc6979Sigs {
		r, _ := new(big.Int).SetString(v.r, 16)
		s, _ := new(big.Int).SetString(v.s, 16)
		sig, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
		if err != nil {
			return nil, err
		}
		d := digest(crypto.SHA256, []byte(v.msg))
		if !ecdsa.VerifyASN1(pub, d, sig) {
			return nil, fmt.Errorf("RFC 6979 A.2.5 %q: transcription error (crypto/ecdsa rejects the signature)", v.msg)
		}
		id := fmt.Sprintf("RFC 6979 A.2.5 P-256 SHA-256 %q", v.msg)
		bad := bytes.Clone(sig)
		bad[len(bad)-1] ^= 1
		cs = append(cs,
			AKCase{Kind: "ecdsa-verify", Name: id, Params: pubP, Op: engine.AKVerify, Src: sig, Signed: d, Status: virtiocrypto.StatusOK},
			AKCase{Kind: "ecdsa-verify", Name: id + " with s altered", Params: pubP, Op: engine.AKVerify, Src: bad, Signed: d,
				Status: virtiocrypto.StatusKeyRejected},
			AKCase{Kind: "ecdsa-sign", Name: id + " (device signature checked with crypto/ecdsa)", Params: privP, Op: engine.AKSign,
				Src: d, DstLen: 80, Status: virtiocrypto.StatusOK, Check: func(sig []byte) error {
					if !ecdsa.VerifyASN1(pub, d, sig) {
						return fmt.Errorf("crypto/ecdsa rejects the device's signature %x", sig)
					}
					return nil
				}},
		)
	}
	return cs, nil
}
