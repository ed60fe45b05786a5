package enginetest

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"vcrypto/internal/engine"
)

// NIST vectors: CAVP response files (trimmed copies under testdata/cavp and
// testdata/sp800-38b, see testdata/README.md) and the SP 800-38A CTR
// examples (a Go table below).

// loadNIST returns every NIST vector.
func loadNIST() ([]Vector, error) {
	var out []Vector
	var errs []error
	for _, f := range []func() ([]Vector, error){
		loadAESKAT, loadSP80038ACTR, loadTDES, loadSHA, loadSHAKE, loadCMAC, loadGCM,
	} {
		vs, err := f()
		if err != nil {
			errs = append(errs, err)
		}
		out = append(out, vs...)
	}
	return out, errors.Join(errs...)
}

// direction returns the CAVP section's direction.
func direction(r *rspRecord) (engine.Direction, bool) {
	_, enc := r.Section["ENCRYPT"]
	_, dec := r.Section["DECRYPT"]
	switch {
	case enc && !dec:
		return engine.Encrypt, true
	case dec && !enc:
		return engine.Decrypt, true
	}
	return 0, false
}

// loadAESKAT reads the AESAVS known-answer (GFSbox, KeySbox, VarKey,
// VarTxt) and multi-block message (MMT) files for ECB and CBC, all key
// sizes, both directions.
func loadAESKAT() ([]Vector, error) {
	var out []Vector
	for _, mode := range []struct {
		name  string
		alg   engine.CipherAlg
		suite string
	}{{"ECB", engine.AESECB, suiteAESECB}, {"CBC", engine.AESCBC, suiteAESCBC}} {
		for _, kind := range []string{"GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT"} {
			for _, bits := range []int{128, 192, 256} {
				file := fmt.Sprintf("testdata/cavp/aes/%s%s%d.rsp", mode.name, kind, bits)
				recs, err := readRSP(file)
				if err != nil {
					return nil, err
				}
				for i := range recs {
					rr := &recordReader{file: file, r: &recs[i]}
					dir, ok := direction(rr.r)
					if !ok {
						rr.fail("no [ENCRYPT] or [DECRYPT] section")
					}
					key, pt, ct := rr.hex("KEY"), rr.hex("PLAINTEXT"), rr.hex("CIPHERTEXT")
					var iv []byte
					if mode.alg == engine.AESCBC {
						iv = rr.hex("IV")
					}
					if rr.err != nil {
						return nil, rr.err
					}
					id := fmt.Sprintf("%s%s%d/%v/COUNT=%s", mode.name, kind, bits, dirName(dir), rr.str("COUNT"))
					src := fmt.Sprintf("NIST CAVP AESAVS %s%s%d.rsp COUNT %s", mode.name, kind, bits, rr.str("COUNT"))
					in, want := pt, ct
					if dir == engine.Decrypt {
						in, want = ct, pt
					}
					out = append(out, cipherVec(mode.suite, id, src, mode.alg, key, iv, dir, in, want))
				}
			}
		}
	}
	return out, nil
}

func dirName(d engine.Direction) string {
	if d == engine.Encrypt {
		return "enc"
	}
	return "dec"
}

// sp80038aCTR are the CTR-AES examples of NIST SP 800-38A (2001), Appendix
// F.5.1 (CTR-AES128.Encrypt) .. F.5.6 (CTR-AES256.Decrypt): one initial
// counter block and four blocks per key size. Transcribed from the Go
// standard library, src/crypto/cipher/ctr_aes_test.go and common_test.go
// (commonKey128/192/256, commonCounter, commonInput, "NIST SP 800-38A pp
// 55-58"). Each example is run as encryption (F.5.1/3/5) and decryption
// (F.5.2/4/6).
var sp80038aCTR = []struct {
	name, key, ct string
}{
	{"F.5.1/F.5.2 CTR-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
		"874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff" +
			"5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
	{"F.5.3/F.5.4 CTR-AES192", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		"1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94" +
			"1e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050"},
	{"F.5.5/F.5.6 CTR-AES256", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		"601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5" +
			"2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
}

const (
	sp80038aCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
	sp80038aInput   = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
		"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)

func loadSP80038ACTR() ([]Vector, error) {
	var errs []error
	var out []Vector
	iv, pt := mustHex(&errs, "SP 800-38A counter", sp80038aCounter), mustHex(&errs, "SP 800-38A input", sp80038aInput)
	for _, v := range sp80038aCTR {
		key, ct := mustHex(&errs, v.name, v.key), mustHex(&errs, v.name, v.ct)
		out = append(out, cipherPair(suiteAESCTR, v.name, "NIST SP 800-38A Appendix "+v.name+
			" (via Go src/crypto/cipher/ctr_aes_test.go)", engine.AESCTR, key, iv, pt, ct)...)
	}
	return out, errors.Join(errs...)
}

// loadTDES reads the TDES CAVP files (TMOVS) for ECB and CBC: the known
// answer tests (invperm, permop, subtab, varkey, vartext: keying option 3,
// K1 = K2 = K3, which is single DES with the 8-byte key K1) and the
// multi-block message tests. A record with K1 = K2 = K3 is a DES vector;
// with K1 = K3 a two-key 3DES vector, run with the 16-byte key K1 ‖ K2
// and with the 24-byte key K1 ‖ K2 ‖ K1; otherwise a three-key 3DES vector.
func loadTDES() ([]Vector, error) {
	var out []Vector
	for _, mode := range []struct {
		pre         string
		des, tdes   engine.CipherAlg
		sDES, sTDES string
		iv          bool
	}{
		{"TECB", engine.DESECB, engine.TDESECB, suiteDESECB, suiteTDESECB, false},
		{"TCBC", engine.DESCBC, engine.TDESCBC, suiteDESCBC, suiteTDESCBC, true},
	} {
		for _, kind := range []string{"invperm", "permop", "subtab", "varkey", "vartext", "MMT1", "MMT2", "MMT3"} {
			file := "testdata/cavp/tdes/" + mode.pre + kind + ".rsp"
			recs, err := readRSP(file)
			if err != nil {
				return nil, err
			}
			for i := range recs {
				rr := &recordReader{file: file, r: &recs[i]}
				dir, ok := direction(rr.r)
				if !ok {
					rr.fail("no [ENCRYPT] or [DECRYPT] section")
				}
				var k1, k2, k3 []byte
				if _, single := rr.r.Fields["KEYs"]; single {
					k1 = rr.hex("KEYs")
					k2, k3 = k1, k1
				} else {
					k1, k2, k3 = rr.hex("KEY1"), rr.hex("KEY2"), rr.hex("KEY3")
				}
				pt, ct := rr.hex("PLAINTEXT"), rr.hex("CIPHERTEXT")
				var iv []byte
				if mode.iv {
					iv = rr.hex("IV")
				}
				if rr.err == nil && (len(k1) != 8 || len(k2) != 8 || len(k3) != 8) {
					rr.fail("TDES keys of %d, %d, %d bytes", len(k1), len(k2), len(k3))
				}
				if rr.err != nil {
					return nil, rr.err
				}
				in, want := pt, ct
				if dir == engine.Decrypt {
					in, want = ct, pt
				}
				id := fmt.Sprintf("%s%s/%s/COUNT=%s", mode.pre, kind, dirName(dir), rr.str("COUNT"))
				src := fmt.Sprintf("NIST CAVP TMOVS %s%s.rsp COUNT %s", mode.pre, kind, rr.str("COUNT"))
				switch {
				case bytes.Equal(k1, k2) && bytes.Equal(k2, k3):
					out = append(out, cipherVec(mode.sDES, id, src+" (keying option 3 = DES)", mode.des, k1, iv, dir, in, want))
				case bytes.Equal(k1, k3):
					out = append(out,
						cipherVec(mode.sTDES, id+"/key16", src+" (keying option 2, 16-byte key K1 ‖ K2)", mode.tdes, concat(k1, k2), iv, dir, in, want),
						cipherVec(mode.sTDES, id+"/key24", src+" (keying option 2)", mode.tdes, concat(k1, k2, k3), iv, dir, in, want))
				default:
					out = append(out, cipherVec(mode.sTDES, id, src+" (keying option 1)", mode.tdes, concat(k1, k2, k3), iv, dir, in, want))
				}
			}
		}
	}
	return out, nil
}

// loadSHA reads the SHAVS (FIPS 180-4) and SHA3VS (FIPS 202) byte-oriented
// ShortMsg files in full and the first cases of the LongMsg files.
func loadSHA() ([]Vector, error) {
	var out []Vector
	for _, h := range []struct {
		file, suite string
		alg         engine.HashAlg
	}{
		{"sha/SHA1", suiteSHA1, engine.SHA1},
		{"sha/SHA224", suiteSHA224, engine.SHA224},
		{"sha/SHA256", suiteSHA256, engine.SHA256},
		{"sha/SHA384", suiteSHA384, engine.SHA384},
		{"sha/SHA512", suiteSHA512, engine.SHA512},
		{"sha3/SHA3_224", suiteSHA3224, engine.SHA3_224},
		{"sha3/SHA3_256", suiteSHA3256, engine.SHA3_256},
		{"sha3/SHA3_384", suiteSHA3384, engine.SHA3_384},
		{"sha3/SHA3_512", suiteSHA3512, engine.SHA3_512},
	} {
		for _, kind := range []string{"ShortMsg", "LongMsg"} {
			file := "testdata/cavp/" + h.file + kind + ".rsp"
			recs, err := readRSP(file)
			if err != nil {
				return nil, err
			}
			for i := range recs {
				rr := &recordReader{file: file, r: &recs[i]}
				msg, md := rr.msg("Msg", "Len"), rr.hex("MD")
				if rr.err != nil {
					return nil, rr.err
				}
				base := path.Base(h.file) + kind
				out = append(out, hashVec(h.suite, fmt.Sprintf("%s/Len=%s", base, rr.str("Len")),
					fmt.Sprintf("NIST CAVP %s.rsp Len = %s", base, rr.str("Len")), h.alg, msg, md))
			}
		}
	}
	return out, nil
}

// loadSHAKE reads SHA3VS SHAKE128/256 ShortMsg (fixed output length) and
// VariableOut (output length per case; the digest length is the output
// length, at most engine.MaxXOFLen).
func loadSHAKE() ([]Vector, error) {
	var out []Vector
	for _, h := range []struct {
		name, suite string
		alg         engine.HashAlg
	}{{"SHAKE128", suiteSHAKE128, engine.SHAKE128}, {"SHAKE256", suiteSHAKE256, engine.SHAKE256}} {
		for _, kind := range []string{"ShortMsg", "VariableOut"} {
			file := "testdata/cavp/shake/" + h.name + kind + ".rsp"
			recs, err := readRSP(file)
			if err != nil {
				return nil, err
			}
			for i := range recs {
				rr := &recordReader{file: file, r: &recs[i]}
				var msg []byte
				var outBits int
				var id string
				if kind == "ShortMsg" {
					msg = rr.msg("Msg", "Len")
					outBits = rr.int("Outputlen", rr.r.Section)
					id = h.name + kind + "/Len=" + rr.str("Len")
				} else {
					msg = rr.hex("Msg")
					outBits = rr.int("Outputlen", rr.r.Fields)
					id = h.name + kind + "/COUNT=" + rr.str("COUNT")
				}
				want := rr.hex("Output")
				if rr.err != nil {
					return nil, rr.err
				}
				src := fmt.Sprintf("NIST CAVP %s%s.rsp %s", h.name, kind, strings.TrimPrefix(id, h.name+kind+"/"))
				v := hashVec(h.suite, id, src, h.alg, msg, want)
				switch {
				case outBits%8 != 0:
					v.Skip = SkipBitLength
				case outBits/8 > engine.MaxXOFLen:
					v.Skip = SkipXOFTooLong
				case outBits/8 != len(want):
					return nil, fmt.Errorf("%s:%d: Outputlen %d bits, Output %d bytes", file, rr.r.Line, outBits, len(want))
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// loadCMAC reads the CMAC examples of NIST SP 800-38B Appendix D (D.1-D.3
// AES-128/192/256, D.4 three-key TDEA, and the two-key TDEA examples) as
// published in the CMAC example files. A two-key TDEA example (K1 = K3)
// is run with the 16-byte key K1 ‖ K2 and with the 24-byte key.
func loadCMAC() ([]Vector, error) {
	var out []Vector
	for _, f := range []string{"aes128", "aes192", "aes256", "3des"} {
		file := "testdata/sp800-38b/cmac-" + f + ".txt"
		recs, err := readRSP(file)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			rr := &recordReader{file: file, r: &recs[i]}
			msg, tag := rr.hex("MESSAGE"), rr.hex("OUTPUT")
			id := fmt.Sprintf("cmac-%s/COUNT=%s", f, rr.str("COUNT"))
			src := fmt.Sprintf("NIST SP 800-38B example file nist-800-38b-%s.txt COUNT %s", f, rr.str("COUNT"))
			if f != "3des" {
				key := rr.hex("KEY")
				if rr.err != nil {
					return nil, rr.err
				}
				out = append(out, macVec(suiteCMACAES, id, src, engine.CMACAES, key, msg, tag))
				continue
			}
			k1, k2, k3 := rr.hex("KEY1"), rr.hex("KEY2"), rr.hex("KEY3")
			if rr.err != nil {
				return nil, rr.err
			}
			out = append(out, macVec(suiteCMAC3DES, id+"/key24", src, engine.CMAC3DES, concat(k1, k2, k3), msg, tag))
			if bytes.Equal(k1, k3) {
				out = append(out, macVec(suiteCMAC3DES, id+"/key16", src+" (16-byte key K1 ‖ K2)", engine.CMAC3DES, concat(k1, k2), msg, tag))
			}
		}
	}
	return out, nil
}

// loadGCM reads the GCMVS files (trimmed: 96-bit IVs only, the first case
// of every encryption section and the first two cases plus a FAIL case of
// every decryption section). Every tag length of the files (4, 8, 12..16
// bytes) is one the engine accepts. Sections with PTlen = 0 are GMAC: they
// are run a second time as GMAC-AES through a chained NO_CIPHER session
// (the AAD is the MAC's message; a FAIL tag must differ from the MAC).
func loadGCM() ([]Vector, error) {
	var out []Vector
	for _, kind := range []string{"EncryptExtIV", "Decrypt"} {
		for _, bits := range []int{128, 192, 256} {
			name := fmt.Sprintf("gcm%s%d.rsp", kind, bits)
			file := "testdata/cavp/gcm/" + name
			recs, err := readRSP(file)
			if err != nil {
				return nil, err
			}
			for i := range recs {
				rr := &recordReader{file: file, r: &recs[i]}
				sec := rr.r.Section
				ivBits, ptBits, tagBits := rr.int("IVlen", sec), rr.int("PTlen", sec), rr.int("Taglen", sec)
				key, iv, ct, aad, tag := rr.hex("Key"), rr.hex("IV"), rr.hex("CT"), rr.hex("AAD"), rr.hex("Tag")
				fail := rr.r.hasFlag("FAIL")
				var pt []byte
				if !fail {
					pt = rr.hex("PT")
				}
				if rr.err == nil && (len(tag)*8 != tagBits || len(ct)*8 != ptBits || len(iv)*8 != ivBits) {
					rr.fail("lengths do not match the section")
				}
				if rr.err != nil {
					return nil, rr.err
				}
				id := fmt.Sprintf("gcm%s%d/IVlen=%d,PTlen=%d,AADlen=%s,Taglen=%d/Count=%s",
					kind, bits, ivBits, ptBits, sec["AADlen"], tagBits, rr.str("Count"))
				src := fmt.Sprintf("NIST CAVP GCMVS %s line %d", name, rr.r.Line)
				if ivBits != 96 {
					out = append(out, Vector{Suite: suiteGCM, ID: id, Source: src, Skip: SkipGCMIVLen})
					continue
				}
				if fail {
					out = append(out, aeadOpen(suiteGCM, id+"/dec", src, engine.AESGCM, key, iv, aad, concat(ct, tag), len(tag), nil))
				} else {
					out = append(out, aeadPair(suiteGCM, id, src, engine.AESGCM, key, iv, aad, pt, ct, tag)...)
				}
				if ptBits == 0 {
					g := macIVVec(suiteGMAC, id, src+" (PTlen = 0: GMAC)", engine.GMACAES, key, iv, aad, tag)
					g.DigestMismatch = fail
					out = append(out, g)
				}
			}
		}
	}
	return out, nil
}
