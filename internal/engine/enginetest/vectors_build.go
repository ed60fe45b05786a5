package enginetest

import (
	"slices"

	"vcrypto/internal/engine"
)

// Constructors that turn a published (key, input, output) triple into
// engine-level vectors following INTERPRETATIONS.md.

// cipherVec is a plain cipher session and one operation of direction dir.
func cipherVec(suite, id, source string, alg engine.CipherAlg, key, iv []byte, dir engine.Direction, in, out []byte) Vector {
	return Vector{
		Suite: suite, ID: id, Source: source,
		Params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: alg, CipherKey: key, Direction: dir},
		Dir:    dir, IV: iv, Src: in, WantDst: nonNil(out),
	}
}

// cipherPair is the encryption pt → ct and the decryption ct → pt.
func cipherPair(suite, id, source string, alg engine.CipherAlg, key, iv, pt, ct []byte) []Vector {
	return []Vector{
		cipherVec(suite, id+"/enc", source, alg, key, iv, engine.Encrypt, pt, ct),
		cipherVec(suite, id+"/dec", source, alg, key, iv, engine.Decrypt, ct, pt),
	}
}

// hashVec is a hash session whose digest length is len(md) (the SHAKE
// output length, or the full hash).
func hashVec(suite, id, source string, alg engine.HashAlg, msg, md []byte) Vector {
	return Vector{
		Suite: suite, ID: id, Source: source,
		Params: engine.SessionParams{Service: engine.ServiceHash, Hash: alg, DigestLen: len(md)},
		Src:    nonNil(msg), WantDigest: md,
	}
}

// macVec is a MAC session whose digest length is len(tag) (truncation).
func macVec(suite, id, source string, alg engine.MACAlg, key, msg, tag []byte) Vector {
	return Vector{
		Suite: suite, ID: id, Source: source,
		Params: engine.SessionParams{Service: engine.ServiceMAC, MAC: alg, AuthKey: key, DigestLen: len(tag)},
		Src:    nonNil(msg), WantDigest: tag,
	}
}

// macIVVec is a MAC that needs a per-message IV, served through a chained
// session with NO_CIPHER (INTERPRETATIONS.md "MAC algorithms that need a
// per-request IV"): the IV travels in the request, Dst receives a copy of
// Src, the digest covers all of Src.
func macIVVec(suite, id, source string, alg engine.MACAlg, key, iv, msg, tag []byte) Vector {
	msg = nonNil(msg)
	return Vector{
		Suite: suite, ID: id, Source: source,
		Params: engine.SessionParams{
			Service: engine.ServiceCipher, Chained: true, Cipher: engine.NoCipher, Direction: engine.Encrypt,
			Order: engine.CipherThenHash, HashMode: engine.HashModeAuth, MAC: alg, AuthKey: key,
			DigestLen: len(tag),
		},
		Dir: engine.Encrypt, IV: iv, Src: msg,
		HashOffset: 0, HashLen: len(msg),
		WantDst: slices.Clone(msg), WantDigest: tag,
	}
}

// aeadParams is an AEAD session with tag length tagLen.
func aeadParams(alg engine.AEADAlg, key []byte, tagLen, aadLen int, dir engine.Direction) engine.SessionParams {
	return engine.SessionParams{
		Service: engine.ServiceAEAD, AEAD: alg, CipherKey: key, Direction: dir,
		DigestLen: tagLen, AADLen: aadLen,
	}
}

// aeadPair is the encryption pt → ct ‖ tag and the decryption ct ‖ tag → pt.
func aeadPair(suite, id, source string, alg engine.AEADAlg, key, iv, aad, pt, ct, tag []byte) []Vector {
	sealed := append(slices.Clone(ct), tag...)
	return []Vector{
		{
			Suite: suite, ID: id + "/enc", Source: source,
			Params: aeadParams(alg, key, len(tag), len(aad), engine.Encrypt),
			Dir:    engine.Encrypt, IV: iv, AAD: aad, Src: nonNil(pt), WantDst: sealed,
		},
		aeadOpen(suite, id+"/dec", source, alg, key, iv, aad, sealed, len(tag), nonNil(pt)),
	}
}

// aeadOpen is a decryption of sealed (ciphertext ‖ tag); want is the
// plaintext, or nil when the tag must be refused (ErrAuthFailed).
func aeadOpen(suite, id, source string, alg engine.AEADAlg, key, iv, aad, sealed []byte, tagLen int, want []byte) Vector {
	v := Vector{
		Suite: suite, ID: id, Source: source,
		Params: aeadParams(alg, key, tagLen, len(aad), engine.Decrypt),
		Dir:    engine.Decrypt, IV: iv, AAD: aad, Src: nonNil(sealed), WantDst: nonNil(want),
	}
	if want == nil {
		v.WantDst = nil
		v.Invalid, v.WantErr = true, engine.ErrAuthFailed
	}
	return v
}

// nonNil returns b, or an empty non-nil slice for nil, so that "expect
// empty output" differs from "do not check".
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// concat joins byte slices into a new slice.
func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return nonNil(out)
}
