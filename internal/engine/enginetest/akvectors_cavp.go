package enginetest

import (
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"vcrypto/internal/engine"
)

// NIST CAVP RSA and ECDSA files (testdata/README.md):
//
//   - cavp/rsa/SigGen15_186-2.txt: RSASSA-PKCS1-v1_5 signatures with the
//     private exponent d. Each case gives a sign vector with the key in
//     "d only" form and one with p and q recovered from (n, e, d) (SP
//     800-56B Appendix C), and raw-RSA vectors: rawDecrypt(EM) = S and
//     rawEncrypt(S) = EM, EM being EMSA-PKCS1-v1_5 of the published
//     message (the d-only form for moduli up to 2048 bits).
//   - cavp/rsa/SigVer15_186-3.rsp: verify vectors (P and F) with the
//     public key; for the passing ones, also sign and raw vectors with the
//     published p, q, e, d.
//   - cavp/ecdsa/SigVer.rsp: ECDSA verify vectors, P-224 to P-521.
const (
	fileSigGen15 = "testdata/cavp/rsa/SigGen15_186-2.txt"
	fileSigVer15 = "testdata/cavp/rsa/SigVer15_186-3.rsp"
	fileECDSAVer = "testdata/cavp/ecdsa/SigVer.rsp"
)

// hexInt reads a big-endian integer field; P-521 values have an odd
// number of hex digits.
func hexInt(rr *recordReader, name string) *big.Int {
	v := rr.str(name)
	if len(v)%2 == 1 {
		v = "0" + v
	}
	b, err := unhex(v)
	if err != nil {
		rr.fail("field %s: %v", name, err)
	}
	return new(big.Int).SetBytes(b)
}

func loadCAVPAK() ([]AKVector, error) {
	var out []AKVector
	for _, f := range []func() ([]AKVector, error){loadSigGen15, loadSigVer15, loadECDSASigVer} {
		vs, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// rsaCaseVectors makes the sign and raw vectors of one published
// (message, signature) pair under a private key.
func rsaCaseVectors(id, src string, priv, pub []byte, k int, h akHash, msg, sig []byte, sign bool) []AKVector {
	digest := h.sum(msg)
	em := emsaPKCS1v15(k, h.rsa, digest)
	var out []AKVector
	if sign {
		p := akParams(engine.RSA, engine.KeyPrivate, priv)
		p.AK.Padding, p.AK.Hash = engine.RSAPKCS1Padding, h.rsa
		out = append(out, AKVector{Suite: suiteRSASigGen, ID: id + "/sign", Source: src, Params: p,
			Op: engine.AKSign, Src: digest, DstLen: k, WantDst: sig})
	}
	raw := akParams(engine.RSA, engine.KeyPrivate, priv)
	rawPub := akParams(engine.RSA, engine.KeyPublic, pub)
	out = append(out,
		AKVector{Suite: suiteRSARaw, ID: id + "/raw-decrypt", Source: src, Params: raw,
			Op: engine.AKDecrypt, Src: em, DstLen: k, WantDst: sig},
		AKVector{Suite: suiteRSARaw, ID: id + "/raw-encrypt", Source: src, Params: rawPub,
			Op: engine.AKEncrypt, Src: sig, DstLen: k, WantDst: em})
	return out
}

func loadSigGen15() ([]AKVector, error) {
	recs, err := readRSP(fileSigGen15)
	if err != nil {
		return nil, err
	}
	var out []AKVector
	var n, e, d *big.Int
	var privD, privCRT, pub []byte
	for i := range recs {
		rr := &recordReader{file: fileSigGen15, r: &recs[i]}
		fs := recs[i].Fields
		switch {
		case fs["n"] != "":
			n = hexInt(rr, "n")
		case fs["e"] != "" && fs["d"] != "":
			e, d = hexInt(rr, "e"), hexInt(rr, "d")
			if n == nil {
				return nil, fmt.Errorf("%s:%d: e, d before n", fileSigGen15, recs[i].Line)
			}
			p, q := factor(n, e, d)
			if p == nil {
				return nil, fmt.Errorf("%s:%d: cannot factor n", fileSigGen15, recs[i].Line)
			}
			privD, privCRT, pub = rsaPrivateDER(n, e, d, nil, nil), rsaPrivateDER(n, e, d, p, q), rsaPublicDER(n, e)
		case fs["Msg"] != "" || fs["SHAAlg"] != "":
			h, ok := akHashes[rr.str("SHAAlg")]
			msg, sig := rr.hex("Msg"), rr.hex("S")
			if rr.err != nil {
				return nil, rr.err
			}
			if !ok || privD == nil {
				return nil, fmt.Errorf("%s:%d: hash %q or no key", fileSigGen15, recs[i].Line, fs["SHAAlg"])
			}
			k := (n.BitLen() + 7) / 8
			id := fmt.Sprintf("SigGen15_186-2:%d", recs[i].Line)
			src := "NIST CAVP " + fileSigGen15
			out = append(out, rsaCaseVectors(id+"/crt", src, privCRT, pub, k, h, msg, sig, true)...)
			if n.BitLen() <= 2048 {
				// The d-only form (no CRT) costs several times more per
				// operation; the smaller moduli cover it.
				out = append(out, rsaCaseVectors(id+"/d-only", src, privD, pub, k, h, msg, sig, true)...)
			}
		}
		if rr.err != nil {
			return nil, rr.err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no vectors", fileSigGen15)
	}
	return out, nil
}

func loadSigVer15() ([]AKVector, error) {
	recs, err := readRSP(fileSigVer15)
	if err != nil {
		return nil, err
	}
	var out []AKVector
	var n, p, q *big.Int
	for i := range recs {
		rr := &recordReader{file: fileSigVer15, r: &recs[i]}
		fs := recs[i].Fields
		switch {
		case fs["n"] != "":
			n, p, q = hexInt(rr, "n"), nil, nil
		case fs["p"] != "":
			p, q = hexInt(rr, "p"), hexInt(rr, "q")
		case fs["Msg"] != "":
			h, ok := akHashes[rr.str("SHAAlg")]
			e, d := hexInt(rr, "e"), hexInt(rr, "d")
			msg, sig, res := rr.hex("Msg"), rr.hex("S"), rr.str("Result")
			if rr.err != nil {
				return nil, rr.err
			}
			if !ok || n == nil || p == nil {
				return nil, fmt.Errorf("%s:%d: hash %q or no key", fileSigVer15, recs[i].Line, fs["SHAAlg"])
			}
			id := fmt.Sprintf("SigVer15_186-3:%d", recs[i].Line)
			src := "NIST CAVP " + fileSigVer15
			pub := rsaPublicDER(n, e)
			params := akParams(engine.RSA, engine.KeyPublic, pub)
			params.AK.Padding, params.AK.Hash = engine.RSAPKCS1Padding, h.rsa
			v := AKVector{Suite: suiteRSASigVer, ID: id + "/verify", Source: src, Params: params,
				Op: engine.AKVerify, Src: sig, Signed: h.sum(msg)}
			switch {
			case res == "P":
			case strings.HasPrefix(res, "F"):
				v.Invalid, v.WantErr = true, engine.ErrKeyRejected
			default:
				return nil, fmt.Errorf("%s:%d: result %q", fileSigVer15, recs[i].Line, res)
			}
			out = append(out, v)
			if res == "P" {
				k := (n.BitLen() + 7) / 8
				out = append(out, rsaCaseVectors(id, src, rsaPrivateDER(n, e, d, p, q), pub, k, h, msg, sig, true)...)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no vectors", fileSigVer15)
	}
	return out, nil
}

var cavpCurves = map[string]struct {
	c    engine.Curve
	size int
}{
	"P-224": {engine.CurveP224, 28}, "P-256": {engine.CurveP256, 32},
	"P-384": {engine.CurveP384, 48}, "P-521": {engine.CurveP521, 66},
}

// derSig encodes the published (R, S) as a DER Ecdsa-Sig-Value (SEC 1
// C.8), the form virtio-crypto carries.
func derSig(r, s *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.BytesOrPanic()
}

func loadECDSASigVer() ([]AKVector, error) {
	recs, err := readRSP(fileECDSAVer)
	if err != nil {
		return nil, err
	}
	var out []AKVector
	for i := range recs {
		rr := &recordReader{file: fileECDSAVer, r: &recs[i]}
		var curve, sha string
		// Sections without kept cases (P-192, K-, B- curves) run into
		// the next one: take the section of an implemented curve.
		for k := range recs[i].Section {
			if cv, sh, _ := strings.Cut(k, ","); cavpCurves[cv].size != 0 {
				curve, sha = cv, sh
			}
		}
		c, ok1 := cavpCurves[curve]
		h, ok2 := akHashes[sha]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s:%d: section %v", fileECDSAVer, recs[i].Line, recs[i].Section)
		}
		msg, res := rr.hex("Msg"), rr.str("Result")
		qx, qy := hexInt(rr, "Qx").Bytes(), hexInt(rr, "Qy").Bytes()
		r, s := hexInt(rr, "R"), hexInt(rr, "S")
		if rr.err != nil {
			return nil, rr.err
		}
		if len(qx) > c.size || len(qy) > c.size {
			return nil, fmt.Errorf("%s:%d: coordinate too long", fileECDSAVer, recs[i].Line)
		}
		point := make([]byte, 1+2*c.size)
		point[0] = 4
		copy(point[1+c.size-len(qx):], qx)
		copy(point[1+2*c.size-len(qy):], qy)
		params := akParams(engine.ECDSA, engine.KeyPublic, point)
		params.AK.Curve = c.c
		v := AKVector{Suite: suiteECDSASigVer, ID: fmt.Sprintf("SigVer:%d", recs[i].Line),
			Source: "NIST CAVP " + fileECDSAVer, Params: params,
			Op: engine.AKVerify, Src: derSig(r, s), Signed: h.sum(msg)}
		switch {
		case res == "P" || strings.HasPrefix(res, "P "):
		case strings.HasPrefix(res, "F"):
			v.Invalid, v.WantErr = true, engine.ErrKeyRejected
			if strings.Contains(res, "Q changed") {
				// A changed public point may be off the curve: the
				// session itself may be refused (ErrInvalidKey).
				v.WantErr = nil
			}
		default:
			return nil, fmt.Errorf("%s:%d: result %q", fileECDSAVer, recs[i].Line, res)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no vectors", fileECDSAVer)
	}
	return out, nil
}
