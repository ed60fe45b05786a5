package enginetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"

	"vcrypto/internal/engine"
)

// Wycheproof (C2SP, Apache-2.0) test vectors, read from the module cache:
// the module github.com/c2sp/wycheproof is pinned in go.mod (kept there by
// pin_modules.go) and located with "go mod download -json", as Go's own
// crypto tests do. The vectors are not copied into this repository.

// wycheproofModule is the module path (all lower case; the proxy refuses
// the mixed-case spelling).
const wycheproofModule = "github.com/c2sp/wycheproof"

// errWycheproof is wrapped when the Wycheproof module cannot be located.
var errWycheproof = errors.New("cannot locate the Wycheproof test vectors")

// WycheproofDir returns the testvectors_v1 directory of the Wycheproof
// module pinned in go.mod, for other packages' loaders of Wycheproof files.
func WycheproofDir() (string, error) { return moduleVectorDir(wycheproofModule) }

// wycheproofDir is WycheproofDir.
func wycheproofDir() (string, error) { return WycheproofDir() }

// moduleVectorDir locates module (a requirement of go.mod) in the module
// cache with the go command and returns its testvectors_v1 directory.
func moduleVectorDir(module string) (string, error) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			return "", fmt.Errorf("%w: no go command (GOROOT/bin/go or PATH): %v", errWycheproof, err)
		}
	}
	cmd := exec.Command(goBin, "mod", "download", "-json", module)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Path, Version, Dir, Error string }
	jerr := json.Unmarshal(out, &info)
	switch {
	case info.Error != "":
		err = errors.New(info.Error)
	case err == nil && jerr != nil:
		err = jerr
	case err == nil && info.Dir == "":
		err = errors.New("no Dir in the output")
	}
	if err != nil {
		return "", fmt.Errorf("%w: %s mod download -json %s (the module is pinned in go.mod): %v %s",
			errWycheproof, goBin, module, err, bytes.TrimSpace(stderr.Bytes()))
	}
	dir := filepath.Join(info.Dir, "testvectors_v1")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%w: %s is not a directory (%s@%s)", errWycheproof, dir, info.Path, info.Version)
	}
	return dir, nil
}

// wpFile is the part of a Wycheproof file the loaders read (schemas
// aead_test_schema_v1, mac_test_schema_v1, mac_with_iv_test_schema_v1,
// ind_cpa_test_schema_v1).
type wpFile struct {
	Algorithm     string    `json:"algorithm"`
	NumberOfTests int       `json:"numberOfTests"`
	TestGroups    []wpGroup `json:"testGroups"`
}

type wpGroup struct {
	Type    string   `json:"type"`
	IVSize  int      `json:"ivSize"`
	KeySize int      `json:"keySize"`
	TagSize int      `json:"tagSize"`
	Tests   []wpTest `json:"tests"`
}

type wpTest struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	Key     wpHex    `json:"key"`
	IV      wpHex    `json:"iv"`
	AAD     wpHex    `json:"aad"`
	Msg     wpHex    `json:"msg"`
	CT      wpHex    `json:"ct"`
	Tag     wpHex    `json:"tag"`
	Result  string   `json:"result"`
}

// wpHex is a hex string field; an absent field decodes as nil.
type wpHex []byte

func (h *wpHex) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := unhex(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// paramFlags are the Wycheproof flags of vectors that are invalid only
// because of a parameter size: the engine must refuse them.
var paramFlags = map[string]bool{
	"ZeroLengthIv": true, "InvalidNonceSize": true, "InvalidTagSize": true,
	"InsecureTagSize": true, "InvalidKeySize": true, "CVE-2017-18330": true,
}

// onlyParamFlags reports whether every flag is a parameter-size flag.
func onlyParamFlags(flags []string) bool {
	if len(flags) == 0 {
		return false
	}
	for _, f := range flags {
		if !paramFlags[f] {
			return false
		}
	}
	return true
}

// wpCase is one Wycheproof test with its group and file.
type wpCase struct {
	suite, file string
	g           *wpGroup
	t           *wpTest
}

func (c wpCase) id() string { return fmt.Sprintf("tcId %d", c.t.TcID) }

func (c wpCase) source() string {
	return fmt.Sprintf("Wycheproof testvectors_v1/%s tcId %d (%s)", c.file, c.t.TcID, c.t.Comment)
}

func (c wpCase) skip(reason string) Vector {
	return Vector{Suite: c.suite, ID: c.id(), Source: c.source(), Skip: reason}
}

// wpSuites maps each Wycheproof file to its suite and converter.
var wpSuites = []struct {
	file, suite string
	conv        func(wpCase) []Vector
}{
	{"aes_gcm_test.json", suiteWPAESGCM, wpAEAD(engine.AESGCM)},
	{"aes_ccm_test.json", suiteWPAESCCM, wpAEAD(engine.AESCCM)},
	{"chacha20_poly1305_test.json", suiteWPChaCha, wpAEAD(engine.ChaCha20Poly1305)},
	{"aes_cmac_test.json", suiteWPAESCMAC, wpMAC(engine.CMACAES)},
	{"hmac_sha1_test.json", suiteWPHMACSHA1, wpMAC(engine.HMACSHA1)},
	{"hmac_sha224_test.json", suiteWPHMACSHA224, wpMAC(engine.HMACSHA224)},
	{"hmac_sha256_test.json", suiteWPHMACSHA256, wpMAC(engine.HMACSHA256)},
	{"hmac_sha384_test.json", suiteWPHMACSHA384, wpMAC(engine.HMACSHA384)},
	{"hmac_sha512_test.json", suiteWPHMACSHA512, wpMAC(engine.HMACSHA512)},
	{"aes_xts_test.json", suiteWPAESXTS, wpXTS},
	{"aes_gmac_test.json", suiteWPAESGMAC, wpGMAC},
}

// loadWycheproof reads the Wycheproof files in full.
func loadWycheproof() ([]Vector, error) {
	dir, err := wycheproofDir()
	if err != nil {
		return nil, err
	}
	var out []Vector
	for _, s := range wpSuites {
		data, err := os.ReadFile(filepath.Join(dir, s.file))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errWycheproof, err)
		}
		var f wpFile
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("wycheproof %s: %w", s.file, err)
		}
		n := 0
		for gi := range f.TestGroups {
			g := &f.TestGroups[gi]
			for ti := range g.Tests {
				t := &g.Tests[ti]
				c := wpCase{suite: s.suite, file: s.file, g: g, t: t}
				switch t.Result {
				case "valid", "invalid":
					out = append(out, s.conv(c)...)
				case "acceptable":
					out = append(out, c.skip(SkipAcceptable))
				default:
					return nil, fmt.Errorf("wycheproof %s tcId %d: result %q", s.file, t.TcID, t.Result)
				}
				n++
			}
		}
		if n == 0 || n != f.NumberOfTests {
			return nil, fmt.Errorf("wycheproof %s: read %d tests, the file says %d", s.file, n, f.NumberOfTests)
		}
	}
	return out, nil
}

// aeadIVOK reports whether virtio-crypto can carry the AEAD's nonce
// (INTERPRETATIONS.md "AEAD"), and the skip reason if not.
func aeadIVOK(alg engine.AEADAlg, n int) (bool, string) {
	switch alg {
	case engine.AESGCM:
		switch n {
		case 12:
			return true, ""
		case 16:
			return false, SkipGCMJ0
		}
		return false, SkipGCMIVLen
	case engine.AESCCM:
		if n >= 7 && n <= 13 {
			return true, ""
		}
		return false, SkipCCMNonce
	}
	if n == 12 {
		return true, ""
	}
	return false, "ChaCha20-Poly1305 nonce other than 12 bytes"
}

// aeadTagOK reports whether the engine accepts the tag length.
func aeadTagOK(alg engine.AEADAlg, n int) (bool, string) {
	switch alg {
	case engine.AESGCM:
		if n == 4 || n == 8 || (n >= 12 && n <= 16) {
			return true, ""
		}
		return false, "GCM tag length other than 4, 8, 12..16 bytes"
	case engine.AESCCM:
		if n >= 4 && n <= 16 && n%2 == 0 {
			return true, ""
		}
		return false, "CCM tag length other than 4..16 even"
	}
	if n == 16 {
		return true, ""
	}
	return false, "ChaCha20-Poly1305 tag other than 16 bytes"
}

// wpAEAD converts AeadTest vectors: a valid test gives an encryption and
// a decryption; a modified tag gives a decryption that must fail with
// ErrAuthFailed; a test invalid only because of a nonce or tag size gives
// an encryption and a decryption that must both fail with ErrInvalidInput.
// Valid tests whose sizes virtio cannot carry are skipped.
func wpAEAD(alg engine.AEADAlg) func(wpCase) []Vector {
	return func(c wpCase) []Vector {
		t := c.t
		tagLen := c.g.TagSize / 8
		ivOK, ivWhy := aeadIVOK(alg, len(t.IV))
		tagOK, tagWhy := aeadTagOK(alg, tagLen)
		if t.Result == "invalid" && onlyParamFlags(t.Flags) && (!ivOK || !tagOK) {
			sealed := concat(t.CT, t.Tag)
			enc := Vector{
				Suite: c.suite, ID: c.id() + "/enc", Source: c.source(),
				Params: aeadParams(alg, t.Key, tagLen, len(t.AAD), engine.Encrypt),
				Dir:    engine.Encrypt, IV: nonNil(t.IV), AAD: nonNil(t.AAD), Src: nonNil(t.Msg),
				Invalid: true, WantErr: engine.ErrInvalidInput,
			}
			dec := Vector{
				Suite: c.suite, ID: c.id() + "/dec", Source: c.source(),
				Params: aeadParams(alg, t.Key, tagLen, len(t.AAD), engine.Decrypt),
				Dir:    engine.Decrypt, IV: nonNil(t.IV), AAD: nonNil(t.AAD), Src: sealed,
				Invalid: true, WantErr: engine.ErrInvalidInput,
			}
			return []Vector{enc, dec}
		}
		switch {
		case !ivOK:
			return []Vector{c.skip(ivWhy)}
		case !tagOK:
			return []Vector{c.skip(tagWhy)}
		case len(t.Tag) != tagLen:
			return []Vector{c.skip(SkipUnexpressive)}
		}
		if t.Result == "valid" {
			return aeadPair(c.suite, c.id(), c.source(), alg, t.Key, nonNil(t.IV), nonNil(t.AAD), t.Msg, t.CT, t.Tag)
		}
		v := aeadOpen(c.suite, c.id()+"/dec", c.source(), alg, t.Key, nonNil(t.IV), nonNil(t.AAD),
			concat(t.CT, t.Tag), tagLen, nil)
		return []Vector{v}
	}
}

// wpMAC converts MacTest vectors: valid tests give the (truncated) MAC; a
// modified tag must differ from the computed MAC; a key of an invalid size
// must be refused by NewSession with ErrInvalidKey.
func wpMAC(alg engine.MACAlg) func(wpCase) []Vector {
	return func(c wpCase) []Vector {
		t := c.t
		v := macVec(c.suite, c.id(), c.source(), alg, t.Key, t.Msg, t.Tag)
		v.Params.DigestLen = c.g.TagSize / 8
		switch {
		case t.Result == "valid":
		case slices.Contains(t.Flags, "InvalidKeySize"):
			v.WantDigest = nil
			v.Invalid, v.SessionFails, v.WantErr = true, true, engine.ErrInvalidKey
		default:
			v.DigestMismatch = true
		}
		if !v.Invalid && len(t.Tag) != c.g.TagSize/8 {
			return []Vector{c.skip(SkipUnexpressive)}
		}
		return []Vector{v}
	}
}

// wpGMAC converts MacWithIvTest vectors of AES-GMAC into chained NO_CIPHER
// GMAC requests. Only 12-byte IVs are unambiguous through virtio.
func wpGMAC(c wpCase) []Vector {
	t := c.t
	// A GMAC IV of any length is the SP 800-38D IV (hashed into J0 unless
	// it is 12 bytes); only AES-GCM's AEAD request reads 16 bytes as J0
	// (README "Services and algorithms"). An empty IV must be refused.
	v := macIVVec(c.suite, c.id(), c.source(), engine.GMACAES, t.Key, t.IV, t.Msg, t.Tag)
	v.Params.DigestLen = c.g.TagSize / 8
	switch {
	case len(t.IV) == 0:
		v.WantDigest, v.Invalid, v.WantErr = nil, true, engine.ErrInvalidInput
	case t.Result != "valid":
		v.DigestMismatch = true
	}
	return []Vector{v}
}

// wpXTS converts IndCpaTest vectors of AES-XTS: key = K1 ‖ K2, the tweak
// is the IV zero-padded to 16 bytes (INTERPRETATIONS.md "Keys and IVs").
func wpXTS(c wpCase) []Vector {
	t := c.t
	switch {
	case len(t.Key) == 48:
		return []Vector{c.skip(SkipXTS192)}
	case len(t.IV) > 16 || (len(t.Key) != 32 && len(t.Key) != 64):
		return []Vector{c.skip(SkipUnexpressive)}
	case len(t.Msg) < 16 && t.Result == "valid":
		return []Vector{c.skip("XTS data shorter than one block")}
	}
	tweak := make([]byte, 16)
	copy(tweak, t.IV)
	if t.Result == "valid" {
		return cipherPair(c.suite, c.id(), c.source(), engine.AESXTS, t.Key, tweak, t.Msg, t.CT)
	}
	v := cipherVec(c.suite, c.id()+"/enc", c.source(), engine.AESXTS, t.Key, tweak, engine.Encrypt, t.Msg, nil)
	v.WantDst, v.Invalid = nil, true
	return []Vector{v}
}
