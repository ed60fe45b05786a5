package virtiocrypto

// Constant tests: every name and value in this package is checked against
// the #define lines and the status enum of the ratified text
// (testdata/virtio-v1.4-cs01-crypto-description.tex) and against Linux's
// uapi header (testdata/linux-6.1-uapi-virtio_crypto.h), and every
// constant the spec defines must exist here.

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vcrypto/internal/virtio"
)

var (
	reDefValue  = regexp.MustCompile(`(?m)^[ \t]*#define[ \t]+(VIRTIO_CRYPTO_[A-Z0-9_]+)[ \t]+(0x[0-9a-fA-F]+|\d+|\(1 << (\d+)\))[ \t]*(?:/\*.*\*/)?[ \t]*$`)
	reDefOpcode = regexp.MustCompile(`#define[ \t]+(VIRTIO_CRYPTO_[A-Z0-9_]+)[ \t]*\\\s*\n\s*VIRTIO_CRYPTO_OPC(?:O)?DE\((VIRTIO_CRYPTO_SERVICE_[A-Z]+),\s*(0x[0-9a-fA-F]+)\)`)
	reEnumValue = regexp.MustCompile(`(?m)^\s*(VIRTIO_CRYPTO_[A-Z0-9_]+)\s*=\s*(\d+),`)
	reSpecFeat  = regexp.MustCompile(`\\item\s+(VIRTIO_CRYPTO_F_[A-Z0-9_]+)\s+\((\d+)\)`)
)

// textDefines returns every VIRTIO_CRYPTO_* constant the text defines:
// numeric #defines, VIRTIO_CRYPTO_OPCODE(service, op) #defines (the spec
// misspells one as VIRTIO_CRYPTO_OPCDE), enum values and, in the spec, the
// feature-bit items.
func textDefines(t *testing.T, file string) map[string]uint64 {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	m := map[string]uint64{}
	add := func(name string, v uint64) {
		if old, ok := m[name]; ok && old != v {
			t.Fatalf("%s: %s defined as %d and %d", file, name, old, v)
		}
		m[name] = v
	}
	for _, s := range reDefValue.FindAllStringSubmatch(text, -1) {
		if s[3] != "" {
			n, _ := strconv.Atoi(s[3])
			add(s[1], 1<<n)
			continue
		}
		v, err := strconv.ParseUint(s[2], 0, 64)
		if err != nil {
			t.Fatal(err)
		}
		add(s[1], v)
	}
	for _, s := range reDefOpcode.FindAllStringSubmatch(text, -1) {
		svc, ok := m[s[2]]
		if !ok {
			t.Fatalf("%s: %s uses undefined %s", file, s[1], s[2])
		}
		op, _ := strconv.ParseUint(s[3], 0, 8)
		add(s[1], svc<<8|op)
	}
	for _, s := range reEnumValue.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseUint(s[2], 10, 64)
		add(s[1], v)
	}
	for _, s := range reSpecFeat.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseUint(s[2], 10, 64)
		add(s[1], v)
	}
	return m
}

// ours returns every constant of this package under its spec name.
func ours() map[string]uint64 {
	m := map[string]uint64{}
	addAll := func(name string, v uint64) { m[name] = v }
	for _, e := range serviceNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range cipherNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range hashNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range macNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range aeadNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range akcipherNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range keyTypeNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range rsaPaddingNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range rsaHashNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range curveNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range directionNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range opTypeNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range chainOrderNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range hashModeNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range statusNames {
		addAll(e.name, uint64(e.v))
	}
	for _, e := range opcodeNames {
		addAll(e.name, uint64(e.v))
	}
	for name, b := range map[string]virtio.FeatureBit{
		"VIRTIO_CRYPTO_F_REVISION_1":              FeatureRevision1,
		"VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE":   FeatureCipherStatelessMode,
		"VIRTIO_CRYPTO_F_HASH_STATELESS_MODE":     FeatureHashStatelessMode,
		"VIRTIO_CRYPTO_F_MAC_STATELESS_MODE":      FeatureMACStatelessMode,
		"VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE":     FeatureAEADStatelessMode,
		"VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE": FeatureAkcipherStatelessMode,
	} {
		addAll(name, uint64(b))
	}
	addAll("VIRTIO_CRYPTO_S_HW_READY", uint64(StatusHWReady))
	addAll("VIRTIO_CRYPTO_FLAG_SESSION_MODE", uint64(FlagSessionMode))
	return m
}

// Spec macros that are not named constants here: the header sizes are
// checked by TestSizeConstants.
var notConstants = map[string]bool{
	"VIRTIO_CRYPTO_CTRLQ_OP_SPEC_HDR_LEGACY":         true,
	"VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY":         true,
	"VIRTIO_CRYPTO_SYM_SESS_OP_SPEC_HDR_SIZE":        true,
	"VIRTIO_CRYPTO_ALG_CHAIN_SESS_OP_SPEC_HDR_SIZE":  true,
	"VIRTIO_CRYPTO_AKCIPHER_SESS_ALGO_SPEC_HDR_SIZE": true,
	"VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_SIZE":            true,
	"VIRTIO_CRYPTO_SYM_DATE_REQ_HDR_STATELESS_SIZE":  true,
}

func TestConstantsMatchSpec(t *testing.T) {
	spec := textDefines(t, specFile)
	if len(spec) < 130 {
		t.Fatalf("found only %d constants in the spec text; the extraction is broken", len(spec))
	}
	mine := ours()
	for name, v := range mine {
		sv, ok := spec[name]
		if !ok {
			t.Errorf("%s: not defined in the spec", name)
			continue
		}
		if sv != v {
			t.Errorf("%s = %d, spec says %d", name, v, sv)
		}
	}
	for name := range spec {
		if _, ok := mine[name]; !ok && !notConstants[name] {
			t.Errorf("spec defines %s = %d, which has no constant here", name, spec[name])
		}
	}
}

// TestConstantsMatchLinux: every constant Linux defines has the same value
// here, except the known numbering difference of ECDSA (see the package
// documentation); and the constants Linux lacks are exactly the known ones.
func TestConstantsMatchLinux(t *testing.T) {
	lin := textDefines(t, linuxFile)
	mine := ours()
	knownDiff := map[string]uint64{"VIRTIO_CRYPTO_AKCIPHER_ECDSA": 3}
	for name, lv := range lin {
		v, ok := mine[name]
		if !ok {
			continue
		}
		if want, diff := knownDiff[name]; diff {
			if lv != want {
				t.Errorf("%s: Linux now says %d (expected the known difference %d)", name, lv, want)
			}
			continue
		}
		if v != lv {
			t.Errorf("%s = %d, Linux says %d", name, v, lv)
		}
	}
	if lin["VIRTIO_CRYPTO_AKCIPHER_DSA"] != uint64(AkcipherECDSA) {
		t.Errorf("Linux DSA = %d; the ECDSA note in the package doc assumes 2", lin["VIRTIO_CRYPTO_AKCIPHER_DSA"])
	}
	var missing []string
	for name := range mine {
		if _, ok := lin[name]; !ok && !strings.HasPrefix(name, "VIRTIO_CRYPTO_F_") {
			missing = append(missing, name)
		}
	}
	want := map[string]bool{
		"VIRTIO_CRYPTO_MAC_ZUC_EIA3": true, "VIRTIO_CRYPTO_IPSEC_SA_SOFT_EXPIRY": true,
		"VIRTIO_CRYPTO_SERVICE_IPSEC": true, "VIRTIO_CRYPTO_IPSEC_OUTBOUND": true,
		"VIRTIO_CRYPTO_IPSEC_INBOUND": true, "VIRTIO_CRYPTO_FLAG_SESSION_MODE": true,
	}
	for _, n := range missing {
		if !want[n] {
			t.Errorf("%s is not in Linux's header (unexpected)", n)
		}
		delete(want, n)
	}
	for n := range want {
		t.Errorf("%s is in Linux's header now; update the package documentation", n)
	}
}

func TestOpcodes(t *testing.T) {
	for _, c := range []struct {
		op   Opcode
		svc  Service
		low  uint8
		want uint32
	}{
		{OpcodeCipherCreateSession, ServiceCipher, 2, 0x0002},
		{OpcodeAkcipherDestroySession, ServiceAkcipher, 5, 0x0405},
		{OpcodeHash, ServiceHash, 0, 0x0100},
		{OpcodeAEADDecrypt, ServiceAEAD, 1, 0x0301},
		{OpcodeAkcipherVerify, ServiceAkcipher, 3, 0x0403},
		{OpcodeIPsecInbound, ServiceIPsec, 1, 0x0501},
	} {
		if uint32(c.op) != c.want || MakeOpcode(c.svc, c.low) != c.op || c.op.Service() != c.svc {
			t.Errorf("%v: value %#x, MakeOpcode %#x, Service %v", c.op, uint32(c.op), uint32(MakeOpcode(c.svc, c.low)), c.op.Service())
		}
	}
	creates, destroys := 0, 0
	seen := map[Opcode]bool{}
	for _, op := range KnownOpcodes() {
		if seen[op] {
			t.Errorf("opcode %v listed twice", op)
		}
		seen[op] = true
		if op.IsCreateSession() {
			creates++
			if CtrlOutcomeLen(op) != CreateSessionInputSize {
				t.Errorf("CtrlOutcomeLen(%v) = %d", op, CtrlOutcomeLen(op))
			}
		}
		if op.IsDestroySession() {
			destroys++
			if CtrlOutcomeLen(op) != DestroySessionInputSize {
				t.Errorf("CtrlOutcomeLen(%v) = %d", op, CtrlOutcomeLen(op))
			}
		}
		if !strings.HasSuffix(op.String(), "_SESSION") == (op.IsCreateSession() || op.IsDestroySession()) {
			t.Errorf("%v: create/destroy classification disagrees with its name", op)
		}
	}
	if creates != 5 || destroys != 5 || len(seen) != 22 {
		t.Errorf("%d creates, %d destroys, %d opcodes; want 5, 5, 22", creates, destroys, len(seen))
	}
	if CtrlOutcomeLen(OpcodeCipherEncrypt) != 0 {
		t.Error("CtrlOutcomeLen of a data opcode")
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{StatusName(StatusNotSupp), "VIRTIO_CRYPTO_NOTSUPP"},
		{StatusName(StatusKeyRejected), "VIRTIO_CRYPTO_KEY_REJECTED"},
		{StatusName(200), "Status(200)"},
		{OpcodeName(OpcodeCipherCreateSession), "VIRTIO_CRYPTO_CIPHER_CREATE_SESSION"},
		{OpcodeName(OpcodeHash), "VIRTIO_CRYPTO_HASH"},
		{OpcodeName(0x0404), "VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION"},
		{OpcodeName(0x0406), "Opcode(1030)"},
		{CipherAESXTS.String(), "VIRTIO_CRYPTO_CIPHER_AES_XTS"},
		{HashSHA3SHAKE256.String(), "VIRTIO_CRYPTO_HASH_SHA3_SHAKE256"},
		{MACZUCEIA3.String(), "VIRTIO_CRYPTO_MAC_ZUC_EIA3"},
		{MACAlgo(7).String(), "MACAlgo(7)"},
		{AEADChaCha20Poly1305.String(), "VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305"},
		{AkcipherECDSA.String(), "VIRTIO_CRYPTO_AKCIPHER_ECDSA"},
		{CurveNISTP521.String(), "VIRTIO_CRYPTO_CURVE_NIST_P521"},
		{RSASHA224.String(), "VIRTIO_CRYPTO_RSA_SHA224"},
		{RSAPKCS1Padding.String(), "VIRTIO_CRYPTO_RSA_PKCS1_PADDING"},
		{KeyTypePrivate.String(), "VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE"},
		{OpDecrypt.String(), "VIRTIO_CRYPTO_OP_DECRYPT"},
		{SymOpAlgorithmChaining.String(), "VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING"},
		{ChainHashThenCipher.String(), "VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER"},
		{HashModeNested.String(), "VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED"},
		{ServiceAkcipher.String(), "VIRTIO_CRYPTO_SERVICE_AKCIPHER"},
		{Service(9).String(), "Service(9)"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		n, want int
	}{
		{len(KnownCiphers()), 14}, {len(KnownHashes()), 12}, {len(KnownMACs()), 16},
		{len(KnownAEADs()), 3}, {len(KnownAkciphers()), 2}, {len(KnownStatuses()), 8},
	} {
		if c.n != c.want {
			t.Errorf("list has %d entries, want %d", c.n, c.want)
		}
	}
	if KnownCiphers()[0] != CipherARC4 || KnownMACs()[15] != MACZUCEIA3 {
		t.Error("known lists are not in ascending order without the NO_* entry")
	}
}

func TestStatelessFeature(t *testing.T) {
	for s, want := range map[Service]virtio.FeatureBit{
		ServiceCipher: FeatureCipherStatelessMode, ServiceHash: FeatureHashStatelessMode,
		ServiceMAC: FeatureMACStatelessMode, ServiceAEAD: FeatureAEADStatelessMode,
		ServiceAkcipher: FeatureAkcipherStatelessMode,
	} {
		if b, ok := StatelessFeature(s); !ok || b != want {
			t.Errorf("StatelessFeature(%v) = %d, %v", s, b, ok)
		}
	}
	if _, ok := StatelessFeature(ServiceIPsec); ok {
		t.Error("IPsec has no stateless mode")
	}
}

func TestConfigMasks(t *testing.T) {
	var c Config
	c.SetService(ServiceCipher)
	c.SetService(ServiceAkcipher)
	c.SetService(40) // ignored
	c.SetCipher(CipherAESCBC)
	c.SetCipher(CipherZUCEEA3)
	c.SetHash(HashSHA3SHAKE256)
	c.SetMAC(MACZUCEIA3)
	c.SetMAC(MACHMACSHA256)
	c.SetAEAD(AEADGCM)
	c.SetAkcipher(AkcipherRSA)
	c.SetMAC(64) // ignored
	want := Config{
		Services:      1<<0 | 1<<4,
		CipherAlgos:   1<<3 | 1<<14,
		HashAlgos:     1 << 12,
		MACAlgos:      1<<54 | 1<<4,
		AEADAlgos:     1 << 1,
		AkcipherAlgos: 1 << 1,
	}
	if c != want {
		t.Fatalf("masks = %+v, want %+v", c, want)
	}
	b := c.Append(nil)
	// mac_algo_h (offset 28) carries bit 54 as bit 22.
	if got := le.Uint32(b[28:]); got != 1<<22 {
		t.Errorf("mac_algo_h = %#x, want %#x", got, 1<<22)
	}
	if !c.HasService(ServiceAkcipher) || c.HasService(ServiceHash) || !c.HasCipher(CipherZUCEEA3) ||
		c.HasCipher(CipherAESECB) || !c.HasHash(HashSHA3SHAKE256) || !c.HasMAC(MACZUCEIA3) ||
		c.HasMAC(MACAlgo(200)) || !c.HasAEAD(AEADGCM) || c.HasAEAD(AEADCCM) || !c.HasAkcipher(AkcipherRSA) ||
		c.HasAkcipher(AkcipherECDSA) {
		t.Error("Has* disagrees with Set*")
	}
	if bb, err := c.AppendBinary([]byte{9}); err != nil || len(bb) != 1+ConfigSize || bb[0] != 9 {
		t.Error("AppendBinary")
	}
}
