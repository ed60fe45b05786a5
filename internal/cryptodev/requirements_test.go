package cryptodev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq/virtqtest"
)

// One test per device requirement of the crypto chapter
// (spec/device-types/crypto/description.tex, the \devicenormative blocks
// listed by device-conformance.tex, plus the "Operation Status" and
// stateless-mode notes), named after the requirement with the sentence
// quoted; then TestINTERP_* for the decisions of INTERPRETATIONS.md. Known
// answers come from published vectors: SP 800-38A F.2.1 (harness_test.go)
// and the enginetest suites, whose Vector.Source cites each document.

// vecResult is the outcome of one vector sent through the rig.
type vecResult struct {
	sessSt, opSt virtiocrypto.Status
	dst, digest  []byte
	used         uint32
}

// runVec creates v's session through the control queue, runs its
// operation through the data queue (with flag in the data header) and
// destroys the session.
func runVec(t *testing.T, g *rig, v *enginetest.Vector, flag uint32) vecResult {
	t.Helper()
	p := v.Params
	req, keys := cryptodevtest.SessionRequest(&p)
	id, st := g.create(req, keys...)
	if st != virtiocrypto.StatusOK {
		return vecResult{sessSt: st}
	}
	op := v.Op(nil, nil)
	dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
	dr.Header.Flag = flag
	out, st, used := g.do(dr, readable, writable...)
	if ds := g.destroy(cryptodevtest.DestroyOpcode(&p), id); ds != virtiocrypto.StatusOK {
		t.Fatalf("destroy: %v", ds)
	}
	return vecResult{opSt: st, dst: out[:v.DstLen()], digest: out[v.DstLen():], used: used}
}

// checkVec runs v and fails unless it passes (enginetest's verdict) with
// the used length of its whole writable part.
func checkVec(t *testing.T, g *rig, v *enginetest.Vector) vecResult {
	t.Helper()
	r := runVec(t, g, v, 0)
	if err := v.Check(cryptodevtest.StatusAsError(r.sessSt), cryptodevtest.StatusAsError(r.opSt), r.dst, r.digest); err != nil {
		t.Fatalf("%s %s (%s): %v", v.Suite, v.ID, v.Source, err)
	}
	if r.sessSt == virtiocrypto.StatusOK {
		if want := uint32(v.DstLen() + v.DigestLen() + 1); r.used != want {
			t.Fatalf("%s %s: used length %d, want %d", v.Suite, v.ID, r.used, want)
		}
	}
	return r
}

// seqBytes returns 1, 2, ..., n (mod 256): a key whose halves differ
// (AES-XTS refuses K1 = K2).
func seqBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return b
}

func defaultRig(t *testing.T) *rig { return newRig(t, Options{}, virtqtest.Config{Size: 256}) }

// mustCreate creates p through the control queue.
func (g *rig) mustCreate(p engine.SessionParams) uint64 {
	g.t.Helper()
	req, keys := cryptodevtest.SessionRequest(&p)
	id, st := g.create(req, keys...)
	if st != virtiocrypto.StatusOK || id == 0 {
		g.t.Fatalf("create %v: id %d status %v", p.Service, id, st)
	}
	return id
}

// cbc sends the F.2.1 encryption on session id and returns dst, status and
// used length.
func (g *rig) cbc(op virtiocrypto.Opcode, id uint64) ([]byte, virtiocrypto.Status, uint32) {
	g.t.Helper()
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: op, SessionID: id},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 64, DstDataLen: 64}}}
	return g.do(r, [][]byte{cbcIV, cbcPT}, 64)
}

func wantStatus(t *testing.T, what string, got, want virtiocrypto.Status) {
	t.Helper()
	if got != want {
		t.Errorf("%s: status %v, want %v", what, got, want)
	}
}

// ---- Device configuration layout ----

// capEngine reports chosen capabilities over the soft engine.
type capEngine struct {
	engine.Engine
	caps engine.Capabilities
}

func (e capEngine) Capabilities() engine.Capabilities { return e.caps }

// "The device MUST set max_dataqueues to between 1 and 65535 inclusive."
func TestMUST_SetMaxDataQueuesBetween1And65535(t *testing.T) {
	for _, n := range []int{0, 1, 2, MaxDataQueues} {
		d, err := New(testEngine, Options{DataQueues: n})
		if err != nil {
			t.Fatalf("DataQueues %d: %v", n, err)
		}
		want := uint32(max(n, DefaultDataQueues))
		cfg, err := virtiocrypto.ParseConfig(d.ConfigSpace())
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxDataQueues != want || d.Config().MaxDataQueues != want || d.DataQueues() != int(want) {
			t.Errorf("DataQueues %d: max_dataqueues %d (Config %d, DataQueues() %d), want %d", n, cfg.MaxDataQueues, d.Config().MaxDataQueues, d.DataQueues(), want)
		}
		if cfg.MaxDataQueues < 1 || cfg.MaxDataQueues > 65535 {
			t.Errorf("max_dataqueues %d out of 1..65535", cfg.MaxDataQueues)
		}
	}
	for _, n := range []int{-1, MaxDataQueues + 1, 65536} {
		if _, err := New(testEngine, Options{DataQueues: n}); err == nil {
			t.Errorf("DataQueues %d accepted", n)
		}
	}
}

// "The device MUST set the status with valid flags, undefined flags MUST
// NOT be set."
func TestMUST_SetStatusWithValidFlagsOnly(t *testing.T) {
	d, err := New(testEngine, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := virtiocrypto.ParseConfig(d.ConfigSpace())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Status != virtiocrypto.StatusHWReady {
		t.Errorf("status %#x, want exactly VIRTIO_CRYPTO_S_HW_READY (%#x)", cfg.Status, virtiocrypto.StatusHWReady)
	}
	if len(d.ConfigSpace()) != virtiocrypto.ConfigSize {
		t.Errorf("config space of %d bytes, want %d", len(d.ConfigSpace()), virtiocrypto.ConfigSize)
	}
}

// "The device MUST accept and handle requests after status is set to
// VIRTIO_CRYPTO_S_HW_READY."
func TestMUST_AcceptRequestsAfterHWReady(t *testing.T) {
	g := defaultRig(t)
	if g.dev.Config().Status&virtiocrypto.StatusHWReady == 0 {
		t.Fatal("HW_READY not set on a new device")
	}
	id := g.mustCreate(cbcParams(engine.Encrypt))
	dst, st, _ := g.cbc(virtiocrypto.OpcodeCipherEncrypt, id)
	wantStatus(t, "first request", st, virtiocrypto.StatusOK)
	if !bytes.Equal(dst, cbcCT) {
		t.Errorf("first request: %x, want SP 800-38A F.2.1 %x", dst, cbcCT)
	}
}

// "The device MUST set crypto_services based on the crypto services the
// device offers."
func TestMUST_SetCryptoServicesFromOfferedServices(t *testing.T) {
	svc := func(ss ...virtiocrypto.Service) uint32 {
		var m uint32
		for _, s := range ss {
			m |= 1 << s
		}
		return m
	}
	for _, tc := range []struct {
		name string
		caps engine.Capabilities
		want uint32
	}{
		{"soft engine", testEngine.Capabilities(), svc(virtiocrypto.ServiceCipher, virtiocrypto.ServiceHash, virtiocrypto.ServiceMAC, virtiocrypto.ServiceAEAD,
			virtiocrypto.ServiceAkcipher)},
		{"RSA only", engine.Capabilities{AKCipher: []engine.AKCipherAlg{engine.RSA}}, svc(virtiocrypto.ServiceAkcipher)},
		{"hash only", engine.Capabilities{Hash: []engine.HashAlg{engine.SHA256}}, svc(virtiocrypto.ServiceHash)},
		{"cipher and AEAD", engine.Capabilities{Cipher: []engine.CipherAlg{engine.AESCBC}, AEAD: []engine.AEADAlg{engine.AESGCM}, MaxCipherKeyLen: 32},
			svc(virtiocrypto.ServiceCipher, virtiocrypto.ServiceAEAD)},
		{"MAC only", engine.Capabilities{MAC: []engine.MACAlg{engine.HMACSHA256}, MaxAuthKeyLen: 64}, svc(virtiocrypto.ServiceMAC)},
		{"nothing", engine.Capabilities{}, 0},
	} {
		d, err := New(capEngine{testEngine, tc.caps}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Config().Services; got != tc.want {
			t.Errorf("%s: crypto_services %#x, want %#x", tc.name, got, tc.want)
		}
	}
}

// "The device MUST set detailed algorithms masks for each service
// advertised by crypto_services. The device MUST NOT set the not defined
// algorithms bits."
//
// The masks are exactly the engine's capabilities; every set bit is an
// algorithm the chapter defines; every advertised algorithm accepts a
// session through the control queue, and every defined algorithm that is
// not advertised (and every undefined id) is refused with NOTSUPP.
func TestMUST_SetAlgorithmMasksDefinedBitsOnly(t *testing.T) {
	g := defaultRig(t)
	caps := testEngine.Capabilities()
	cfg := g.dev.Config()
	var want virtiocrypto.Config
	for _, a := range caps.Cipher {
		want.SetCipher(virtiocrypto.CipherAlgo(a))
	}
	for _, a := range caps.Hash {
		want.SetHash(virtiocrypto.HashAlgo(a))
	}
	for _, a := range caps.MAC {
		want.SetMAC(virtiocrypto.MACAlgo(a))
	}
	for _, a := range caps.AEAD {
		want.SetAEAD(virtiocrypto.AEADAlgo(a))
	}
	for _, a := range caps.AKCipher {
		want.SetAkcipher(virtiocrypto.AkcipherAlgo(a))
	}
	if cfg.CipherAlgos != want.CipherAlgos || cfg.HashAlgos != want.HashAlgos || cfg.MACAlgos != want.MACAlgos ||
		cfg.AEADAlgos != want.AEADAlgos || cfg.AkcipherAlgos != want.AkcipherAlgos {
		t.Errorf("masks cipher %#x hash %#x mac %#x aead %#x akcipher %#x, want %#x %#x %#x %#x %#x",
			cfg.CipherAlgos, cfg.HashAlgos, cfg.MACAlgos, cfg.AEADAlgos, cfg.AkcipherAlgos,
			want.CipherAlgos, want.HashAlgos, want.MACAlgos, want.AEADAlgos, want.AkcipherAlgos)
	}
	if cfg.AkcipherAlgos == 0 {
		t.Error("the soft engine advertises no AKCIPHER algorithm")
	}
	defined := func(mask uint64, known []uint32) {
		t.Helper()
		for bit := range 64 {
			if mask&(1<<bit) != 0 && !slices.Contains(known, uint32(bit)) {
				t.Errorf("mask %#x sets undefined bit %d", mask, bit)
			}
		}
	}
	conv := func(xs any) []uint32 {
		var out []uint32
		switch v := xs.(type) {
		case []virtiocrypto.CipherAlgo:
			for _, x := range v {
				out = append(out, uint32(x))
			}
		case []virtiocrypto.HashAlgo:
			for _, x := range v {
				out = append(out, uint32(x))
			}
		case []virtiocrypto.MACAlgo:
			for _, x := range v {
				out = append(out, uint32(x))
			}
		case []virtiocrypto.AEADAlgo:
			for _, x := range v {
				out = append(out, uint32(x))
			}
		case []virtiocrypto.AkcipherAlgo:
			for _, x := range v {
				out = append(out, uint32(x))
			}
		}
		return out
	}
	defined(cfg.CipherAlgos, conv(virtiocrypto.KnownCiphers()))
	defined(uint64(cfg.HashAlgos), conv(virtiocrypto.KnownHashes()))
	defined(cfg.MACAlgos, conv(virtiocrypto.KnownMACs()))
	defined(uint64(cfg.AEADAlgos), conv(virtiocrypto.KnownAEADs()))
	defined(uint64(cfg.AkcipherAlgos), conv(virtiocrypto.KnownAkciphers()))

	// Every algorithm, advertised or not (plus undefined ids): a session of a
	// valid shape is created exactly when the mask has its bit.
	try := func(name string, advertised bool, p engine.SessionParams) {
		t.Helper()
		req, keys := cryptodevtest.SessionRequest(&p)
		id, st := g.create(req, keys...)
		switch {
		case advertised && st != virtiocrypto.StatusOK:
			t.Errorf("%s is advertised but create gives %v", name, st)
		case !advertised && st != virtiocrypto.StatusNotSupp:
			t.Errorf("%s is not advertised but create gives %v, want NOTSUPP", name, st)
		}
		if st == virtiocrypto.StatusOK {
			g.destroy(cryptodevtest.DestroyOpcode(&p), id)
		}
	}
	for _, a := range append(virtiocrypto.KnownCiphers(), 15, 63, 64, 0xFFFFFFFF) {
		sh, ok := enginetest.CipherShapes[engine.CipherAlg(a)]
		key := 16
		if ok {
			key = sh.KeyLens[0]
		}
		try(a.String(), cfg.HasCipher(a), engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.CipherAlg(a), CipherKey: seqBytes(key), Direction: engine.Encrypt})
	}
	for _, a := range append(virtiocrypto.KnownHashes(), 13, 31, 32, 0xFFFFFFFF) {
		n, ok := enginetest.HashSizes[engine.HashAlg(a)]
		if !ok {
			n = 32
		}
		try(a.String(), cfg.HasHash(a), engine.SessionParams{Service: engine.ServiceHash, Hash: engine.HashAlg(a), DigestLen: n})
	}
	for _, a := range append(virtiocrypto.KnownMACs(), 7, 55, 63, 64, 0xFFFFFFFF) {
		sh, ok := enginetest.MACShapes[engine.MACAlg(a)]
		p := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.MACAlg(a), AuthKey: seqBytes(16), DigestLen: 4}
		if ok {
			p.AuthKey, p.DigestLen = seqBytes(sh.KeyLens[len(sh.KeyLens)-1]), sh.Size
			if sh.IVLen > 0 {
				// Served through a chained NO_CIPHER session (INTERPRETATIONS.md).
				p.Service, p.Chained, p.Order, p.HashMode = engine.ServiceCipher, true, engine.CipherThenHash, engine.HashModeAuth
			}
		}
		try(a.String(), cfg.HasMAC(a), p)
	}
	for _, a := range append(virtiocrypto.KnownAEADs(), 4, 31, 32, 0xFFFFFFFF) {
		p := engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AEADAlg(a), CipherKey: seqBytes(32), DigestLen: 16, Direction: engine.Encrypt}
		if sh, ok := enginetest.AEADShapes[engine.AEADAlg(a)]; ok {
			p.CipherKey, p.DigestLen = seqBytes(sh.KeyLens[0]), sh.Tags[len(sh.Tags)-1]
		}
		try(a.String(), cfg.HasAEAD(a), p)
	}
	// AKCIPHER, with published keys (an RSA public key, the RFC 6979
	// P-256 private key); undefined ids with the RSA key.
	m := akMaterial()
	for _, a := range append(virtiocrypto.KnownAkciphers(), 3, 31, 32, 0xFFFFFFFF) {
		p := m.rsaPub
		if virtiocrypto.AkcipherAlgo(a) == virtiocrypto.AkcipherECDSA {
			p = m.ecdsaPriv
		}
		p.AK.Alg = engine.AKCipherAlg(a)
		try(a.String(), cfg.HasAkcipher(a), p)
	}
}

// "The device MUST set max_size to show the maximum size of crypto
// request the device supports."
//
// max_size is Options.MaxSize; a request whose variable-length data is
// exactly max_size is served, one byte more is refused with ERR.
func TestMUST_SetMaxSize(t *testing.T) {
	d, err := New(testEngine, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := virtiocrypto.ParseConfig(d.ConfigSpace()); cfg.MaxSize != DefaultMaxSize {
		t.Errorf("default max_size %d, want %d", cfg.MaxSize, DefaultMaxSize)
	}
	const max = 8192
	g := newRig(t, Options{MaxSize: max}, virtqtest.Config{Size: 64, MemSize: 1 << 20})
	if g.dev.Config().MaxSize != max {
		t.Fatalf("max_size %d, want %d", g.dev.Config().MaxSize, max)
	}
	id := g.mustCreate(engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCTR, CipherKey: make([]byte, 16), Direction: engine.Encrypt})
	for _, tc := range []struct {
		dst  uint32
		want virtiocrypto.Status
	}{{max - 16 - 4088, virtiocrypto.StatusOK}, {max - 16 - 4088 + 1, virtiocrypto.StatusErr}} {
		r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
			Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 4088, DstDataLen: tc.dst}}}
		_, st, _ := g.do(r, [][]byte{make([]byte, 16), make([]byte, 4088)}, int(tc.dst))
		wantStatus(t, fmt.Sprintf("iv 16 + src 4088 + dst %d (max_size %d)", tc.dst, max), st, tc.want)
	}
}

// "The device MUST set max_cipher_key_len to show the maximum length of
// cipher key if the device supports CIPHER service."
func TestMUST_SetMaxCipherKeyLen(t *testing.T) {
	g := defaultRig(t)
	if got, want := g.dev.Config().MaxCipherKeyLen, uint32(testEngine.Capabilities().MaxCipherKeyLen); got != want || got == 0 {
		t.Fatalf("max_cipher_key_len %d, want %d", got, want)
	}
	// A key of exactly max_cipher_key_len (64, AES-256-XTS) is accepted:
	// published vector Wycheproof aes_xts tcId 53.
	checkVec(t, g, pubVector(t, "wycheproof:aes_xts", "tcId 53/enc"))
	// One byte more is refused (AES-F8 takes 17..64-byte keys).
	p := engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESF8, CipherKey: make([]byte, 65), Direction: engine.Encrypt}
	req, keys := cryptodevtest.SessionRequest(&p)
	_, st := g.create(req, keys...)
	wantStatus(t, "65-byte cipher key", st, virtiocrypto.StatusErr)
	p = engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: make([]byte, 65), DigestLen: 16, Direction: engine.Encrypt}
	req, keys = cryptodevtest.SessionRequest(&p)
	_, st = g.create(req, keys...)
	wantStatus(t, "65-byte AEAD key", st, virtiocrypto.StatusErr)
}

// "The device MUST set max_auth_key_len to show the maximum length of
// authenticated key if the device supports MAC service."
func TestMUST_SetMaxAuthKeyLen(t *testing.T) {
	g := defaultRig(t)
	max := int(g.dev.Config().MaxAuthKeyLen)
	if max != testEngine.Capabilities().MaxAuthKeyLen || max == 0 {
		t.Fatalf("max_auth_key_len %d, want %d", max, testEngine.Capabilities().MaxAuthKeyLen)
	}
	// RFC 4231 test case 6: a 131-byte HMAC key.
	checkVec(t, g, pubVector(t, "rfc4231:HMAC-SHA-256", "test case 6"))
	for _, tc := range []struct {
		n    int
		want virtiocrypto.Status
	}{{max, virtiocrypto.StatusOK}, {max + 1, virtiocrypto.StatusErr}} {
		p := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: make([]byte, tc.n), DigestLen: 32}
		req, keys := cryptodevtest.SessionRequest(&p)
		id, st := g.create(req, keys...)
		wantStatus(t, fmt.Sprintf("%d-byte MAC key", tc.n), st, tc.want)
		if st == virtiocrypto.StatusOK {
			g.destroy(virtiocrypto.OpcodeMACDestroySession, id)
		}
		// The same bound for the MAC key of a chained session.
		p = engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
			Cipher: engine.AESCBC, CipherKey: make([]byte, 16), Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: make([]byte, tc.n), DigestLen: 32}
		req, keys = cryptodevtest.SessionRequest(&p)
		id, st = g.create(req, keys...)
		wantStatus(t, fmt.Sprintf("chain with a %d-byte MAC key", tc.n), st, tc.want)
		if st == virtiocrypto.StatusOK {
			g.destroy(virtiocrypto.OpcodeCipherDestroySession, id)
		}
	}
}

// ---- Control virtqueue: create session ----

// "The device MUST use the corresponding opcode specific structure
// according to the opcode in the control general header."
//
// One session per service, each checked with a published vector of that
// service; and the op_flf bytes of a HASH create sent under the MAC opcode
// are read as a MAC create (and so refused: no key).
func TestMUST_CreateSessionUsesOpcodeStructure(t *testing.T) {
	g := defaultRig(t)
	checkVec(t, g, pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24"))
	checkVec(t, g, pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2"))
	checkVec(t, g, pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3"))
	checkVec(t, g, pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=128/Count=0/enc"))

	// HASH create flf: algo SHA-256 (4), hash_result_len 32. Under the MAC
	// opcode the same bytes mean algo HMAC-SHA256 (4), result 32,
	// auth_key_len 0: a key of length 0 for HMAC-SHA256 is one the engine
	// refuses (RFC 4231 keys are 1+ bytes in MACShapes); what matters is
	// that it is not a hash session: a HASH request on it gives ERR.
	hash := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeHashCreateSession},
		Hash: virtiocrypto.HashSessionParams{Algo: virtiocrypto.HashSHA256, HashResultLen: 32}}
	b := hash.Append(nil, 0)
	binary.LittleEndian.PutUint32(b, uint32(virtiocrypto.OpcodeMACCreateSession))
	c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, [][]byte{b}, []int{16})
	id, st := binary.LittleEndian.Uint64(c.Writable), virtiocrypto.Status(binary.LittleEndian.Uint32(c.Writable[8:]))
	switch st {
	case virtiocrypto.StatusOK: // an HMAC-SHA256 session with an empty key
		r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: id},
			Hash: virtiocrypto.HashDataParams{SrcDataLen: 3, HashResultLen: 32}}
		_, st, _ := g.do(r, [][]byte{[]byte("abc")}, 32)
		wantStatus(t, "HASH request on a session created with the MAC opcode", st, virtiocrypto.StatusErr)
	case virtiocrypto.StatusErr: // the empty HMAC key was refused
	default:
		t.Errorf("HASH create bytes under the MAC opcode: status %v", st)
	}
}

// "The device MUST extract extra parameters according to the structures
// used."
//
// The keys follow op_flf in op_vlf: the cipher key, the MAC key, the AEAD
// key, and for an AUTH chain the cipher key then the MAC key.
func TestMUST_CreateSessionExtractsExtraParameters(t *testing.T) {
	g := defaultRig(t)
	checkVec(t, g, pubVector(t, "rfc4231:HMAC-SHA-256", "test case 6")) // 131-byte MAC key
	checkVec(t, g, pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc"))
	id := g.mustCreate(cbcParams(engine.Encrypt))
	if dst, st, _ := g.cbc(virtiocrypto.OpcodeCipherEncrypt, id); st != virtiocrypto.StatusOK || !bytes.Equal(dst, cbcCT) {
		t.Errorf("AES-CBC key from op_vlf: %x %v, want F.2.1 %x", dst, st, cbcCT)
	}
	// Chain: cipher key, then MAC key (checked against RFC 4231 test case
	// 2 and F.2.1 in TestINTERP_ChainedRequestOffsets); here, surplus
	// readable bytes after the keys are ignored.
	hm := pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2")
	p := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
		Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: hm.Params.AuthKey, DigestLen: 32}
	req, keys := cryptodevtest.SessionRequest(&p)
	cid, st := g.create(req, append(keys, []byte("surplus bytes after the keys"))...)
	wantStatus(t, "chain create", st, virtiocrypto.StatusOK)
	src := append(bytes.Clone(hm.Src), cbcPT...)
	op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: src, CipherOffset: len(hm.Src), CipherLen: 64, HashOffset: 0, HashLen: len(hm.Src)}
	dr, readable, writable := cryptodevtest.DataRequest(cid, &p, &op, len(src), 32)
	out, st, _ := g.do(dr, readable, writable...)
	wantStatus(t, "chain request", st, virtiocrypto.StatusOK)
	if !bytes.Equal(out[len(hm.Src):len(src)], cbcCT) || !bytes.Equal(out[len(src):], hm.WantDigest) {
		t.Errorf("chain with keys from op_vlf: dst %x digest %x, want F.2.1 %x and RFC 4231 TC2 %x",
			out[len(hm.Src):len(src)], out[len(src):], cbcCT, hm.WantDigest)
	}
}

// "The device MUST set the status field to one of the following values of
// enum VIRTIO_CRYPTO_STATUS after finish a session creation: OK if a
// session is created successfully; NOTSUPP if the requested algorithm or
// operation is unsupported; NOSPC if no free session ID (only when the
// VIRTIO_CRYPTO_F_REVISION_1 feature bit is negotiated); ERR if failure not
// mentioned above occurs."
//
// NOSPC: see TestINTERP_SessionTableFullNOSPC (INTERPRETATIONS.md answers
// NOSPC for a full table although REVISION_1 is not offered).
func TestMUST_CreateSessionStatus(t *testing.T) {
	g := defaultRig(t)
	cbc := cbcParams(engine.Encrypt)
	gcm := engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: make([]byte, 16), DigestLen: 16, Direction: engine.Encrypt}
	chain := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
		Cipher: engine.AESCBC, CipherKey: make([]byte, 16), Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: make([]byte, 32), DigestLen: 32}
	with := func(p engine.SessionParams, f func(*engine.SessionParams)) engine.SessionParams { f(&p); return p }
	for _, tc := range []struct {
		name string
		p    engine.SessionParams
		want virtiocrypto.Status
	}{
		{"AES-CBC", cbc, virtiocrypto.StatusOK},
		{"AES-GCM", gcm, virtiocrypto.StatusOK},
		{"CBC + HMAC chain", chain, virtiocrypto.StatusOK},
		{"unknown cipher algorithm", with(cbc, func(p *engine.SessionParams) { p.Cipher = 40 }), virtiocrypto.StatusNotSupp},
		{"unknown hash algorithm", engine.SessionParams{Service: engine.ServiceHash, Hash: 99, DigestLen: 32}, virtiocrypto.StatusNotSupp},
		{"CBCMAC-KASUMI-F9 (not advertised)", engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.CBCMACKASUMIF9, AuthKey: make([]byte, 16), DigestLen: 4}, virtiocrypto.StatusNotSupp},
		{"unknown AEAD algorithm", with(gcm, func(p *engine.SessionParams) { p.AEAD = 9 }), virtiocrypto.StatusNotSupp},
		{"NESTED hash mode", with(chain, func(p *engine.SessionParams) { p.HashMode = engine.HashModeNested }), virtiocrypto.StatusNotSupp},
		{"AES key of 17 bytes", with(cbc, func(p *engine.SessionParams) { p.CipherKey = make([]byte, 17) }), virtiocrypto.StatusErr},
		{"GCM tag of 17 bytes", with(gcm, func(p *engine.SessionParams) { p.DigestLen = 17 }), virtiocrypto.StatusErr},
		{"SHA-256 result of 33 bytes", engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 33}, virtiocrypto.StatusErr},
		{"cipher direction 3", with(cbc, func(p *engine.SessionParams) { p.Direction = 3 }), virtiocrypto.StatusErr},
		{"chain order 3", with(chain, func(p *engine.SessionParams) { p.Order = 3 }), virtiocrypto.StatusErr},
	} {
		req, keys := cryptodevtest.SessionRequest(&tc.p)
		id, st := g.create(req, keys...)
		wantStatus(t, tc.name, st, tc.want)
		if st == virtiocrypto.StatusOK {
			g.destroy(cryptodevtest.DestroyOpcode(&tc.p), id)
		}
	}
	// AKCIPHER: a published key is OK; an 8-byte zero "key" is ERR; an
	// unknown algorithm, padding, hash or curve is NOTSUPP.
	m := akMaterial()
	withAK := func(p engine.SessionParams, f func(*engine.AKCipherParams)) engine.SessionParams { f(&p.AK); return p }
	for _, tc := range []struct {
		name string
		p    engine.SessionParams
		want virtiocrypto.Status
	}{
		{"RSA-2048 public key", m.rsaPub, virtiocrypto.StatusOK},
		{"RSA-2048 private key", m.rsaPriv, virtiocrypto.StatusOK},
		{"ECDSA P-256 private key", m.ecdsaPriv, virtiocrypto.StatusOK},
		{"RSA key of 8 zero bytes", withAK(m.rsaPub, func(a *engine.AKCipherParams) { a.Key = make([]byte, 8) }), virtiocrypto.StatusErr},
		{"unknown akcipher algorithm", withAK(m.rsaPub, func(a *engine.AKCipherParams) { a.Alg = 9 }), virtiocrypto.StatusNotSupp},
		{"unknown RSA padding", withAK(m.rsaPub, func(a *engine.AKCipherParams) { a.Padding = 2 }), virtiocrypto.StatusNotSupp},
		{"unknown RSA hash", withAK(m.rsaPub, func(a *engine.AKCipherParams) { a.Hash = 10 }), virtiocrypto.StatusNotSupp},
		{"unknown curve", withAK(m.ecdsaPriv, func(a *engine.AKCipherParams) { a.Curve = 6 }), virtiocrypto.StatusNotSupp},
	} {
		req, keys := cryptodevtest.SessionRequest(&tc.p)
		id, st := g.create(req, keys...)
		wantStatus(t, tc.name, st, tc.want)
		if st == virtiocrypto.StatusOK {
			wantStatus(t, tc.name+" destroy", g.destroy(virtiocrypto.OpcodeAkcipherDestroySession, id), virtiocrypto.StatusOK)
		}
	}
	_, st := g.create(virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.MakeOpcode(virtiocrypto.ServiceHash, 0x0A)}})
	wantStatus(t, "unknown control opcode", st, virtiocrypto.StatusNotSupp)
}

// "The device MUST set the session_id field to a unique session identifier
// only if the status is set to VIRTIO_CRYPTO_OK."
func TestMUST_CreateSessionIDUniqueOnlyIfOK(t *testing.T) {
	g := defaultRig(t)
	seen := map[uint64]bool{}
	var live []uint64
	for i := range 300 {
		id := g.mustCreate(cbcParams(engine.Encrypt))
		if seen[id] {
			t.Fatalf("session id %d handed out twice", id)
		}
		seen[id] = true
		live = append(live, id)
		if i%3 == 2 { // destroy some, so that ids could be reused
			g.destroy(virtiocrypto.OpcodeCipherDestroySession, live[0])
			live = live[1:]
		}
	}
	// A failed create writes session_id 0 over whatever was there.
	e := newQEnv(t, g.dev, true, 16, 256<<10)
	var s scenario
	bad := cbcParams(engine.Encrypt)
	bad.CipherKey = make([]byte, 17)
	req, key := createReq(&bad)
	in := ctrlCreate(&s, req, key)
	copy(s.blob[in-blobGPA:], bytes.Repeat([]byte{0xFF}, 16))
	if n := e.one(&s); n != 16 {
		t.Fatalf("used length %d", n)
	}
	out := e.bytes(in, 16)
	if id, st := binary.LittleEndian.Uint64(out), virtiocrypto.Status(binary.LittleEndian.Uint32(out[8:])); id != 0 || st != virtiocrypto.StatusErr {
		t.Errorf("failed create: session_id %#x status %v, want 0 and ERR", id, st)
	}
}

// ---- Control virtqueue: destroy session ----

// "The device MUST set the status field to one of the following values of
// enum VIRTIO_CRYPTO_STATUS. VIRTIO_CRYPTO_OK if a session is created
// [destroyed] successfully. VIRTIO_CRYPTO_ERR if any failure occurs."
func TestMUST_DestroySessionStatusOKOrERR(t *testing.T) {
	g := defaultRig(t)
	id := g.mustCreate(cbcParams(engine.Encrypt))
	wantStatus(t, "destroy of a live session", g.destroy(virtiocrypto.OpcodeCipherDestroySession, id), virtiocrypto.StatusOK)
	_, st, _ := g.cbc(virtiocrypto.OpcodeCipherEncrypt, id)
	wantStatus(t, "request on the destroyed session", st, virtiocrypto.StatusInvSess)
	wantStatus(t, "second destroy", g.destroy(virtiocrypto.OpcodeCipherDestroySession, id), virtiocrypto.StatusErr)
	wantStatus(t, "destroy of session 0", g.destroy(virtiocrypto.OpcodeCipherDestroySession, 0), virtiocrypto.StatusErr)
	wantStatus(t, "destroy of an id never handed out", g.destroy(virtiocrypto.OpcodeAEADDestroySession, id+1000), virtiocrypto.StatusErr)
	if n := g.dev.Sessions().Len(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
}

// ---- Stateless mode and REVISION_1: not offered by default ----
//
// A device without Options.Revision1 (the default; cryptodev mode) offers
// no feature bit. The negotiated case is in revision1_test.go.

// flagIgnored checks that a session-mode request gives the same answer
// whatever its header's flag says (without REVISION_1 "the flag is
// ignored").
func flagIgnored(t *testing.T, v *enginetest.Vector) {
	t.Helper()
	g := defaultRig(t)
	if f := g.dev.Features(); f != 0 {
		t.Fatalf("device offers feature bits %#x; without Options.Revision1 it offers none", f)
	}
	for _, flag := range []uint32{0, virtiocrypto.FlagSessionMode, 0xFFFFFFFF} {
		r := runVec(t, g, v, flag)
		if err := v.Check(cryptodevtest.StatusAsError(r.sessSt), cryptodevtest.StatusAsError(r.opSt), r.dst, r.digest); err != nil {
			t.Errorf("flag %#x: %s %s: %v", flag, v.Suite, v.ID, err)
		}
	}
}

// "If the VIRTIO_CRYPTO_F_HASH_STATELESS_MODE feature bit is negotiated,
// the device MUST parse flag field in struct virtio_crypto_op_header in
// order to decide which mode the driver uses."
//
// Not offered without Options.Revision1: the flag is ignored. Negotiated:
// TestMUST_*ParseFlagWhenStatelessNegotiated (revision1_test.go).
func TestMUST_HashParseFlagIfStatelessNegotiated(t *testing.T) {
	flagIgnored(t, pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24"))
}

// "If the VIRTIO_CRYPTO_F_MAC_STATELESS_MODE feature bit is negotiated,
// the device MUST parse flag field in struct virtio_crypto_op_header in
// order to decide which mode the driver uses."
//
// Not offered without Options.Revision1: the flag is ignored. Negotiated:
// TestMUST_*ParseFlagWhenStatelessNegotiated (revision1_test.go).
func TestMUST_MACParseFlagIfStatelessNegotiated(t *testing.T) {
	flagIgnored(t, pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2"))
}

// "If the VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE feature bit is
// negotiated, the device MUST parse flag field in struct
// virtio_crypto_op_header in order to decide which mode the driver uses."
//
// Not offered without Options.Revision1: the flag is ignored. Negotiated:
// TestMUST_*ParseFlagWhenStatelessNegotiated (revision1_test.go).
func TestMUST_SymParseFlagIfStatelessNegotiated(t *testing.T) {
	flagIgnored(t, pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3"))
}

// "If the VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE feature bit is negotiated,
// the device MUST parse the virtio_crypto_aead_data_vlf_stateless based on
// the opcode field in general header."
//
// Not offered without Options.Revision1: session-mode AEAD requests are
// parsed whatever the flag. Negotiated:
// TestMUST_AEADParseStatelessVLFWhenNegotiated (revision1_test.go).
func TestMUST_AEADParseStatelessVLFIfNegotiated(t *testing.T) {
	flagIgnored(t, pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc"))
}

// "If VIRTIO_CRYPTO_F_REVISION_1 is negotiated but
// VIRTIO_CRYPTO_F_<SERVICE>_STATELESS_MODE is not negotiated, then the
// device SHOULD reject <SERVICE> requests if VIRTIO_CRYPTO_FLAG_SESSION_MODE
// is not set (in flag)."
//
// Without Options.Revision1, REVISION_1 is not offered, so a request
// without the flag is served like any other. Negotiated:
// TestSHOULD_RejectStatelessWithoutServiceBitUnderRevision1
// (revision1_test.go).
func TestSHOULD_RejectRequestsWithoutSessionModeFlagUnderRevision1(t *testing.T) {
	d, err := New(testEngine, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if virtio.Has(d.Features(), virtiocrypto.FeatureRevision1) {
		t.Fatal("REVISION_1 offered")
	}
	flagIgnored(t, pubVector(t, "cavp:AES-CBC", "CBCMMT128/dec/COUNT=3"))
}

// ---- HASH service ----

// "The device MUST use the corresponding structure according to the
// opcode in the data general header."
func TestMUST_HashUseStructureByOpcode(t *testing.T) {
	g := defaultRig(t)
	for _, id := range []string{"SHA256ShortMsg/Len=0", "SHA256ShortMsg/Len=8", "SHA256ShortMsg/Len=24"} {
		checkVec(t, g, pubVector(t, "cavp:SHA-256", id))
	}
	// The same 72 bytes under the MAC opcode are a MAC request: ERR on a
	// hash session (the op does not match the session's service).
	v := pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	sid := g.mustCreate(v.Params)
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeMAC, SessionID: sid},
		MAC: virtiocrypto.MACDataParams{SrcDataLen: uint32(len(v.Src)), HashResultLen: 32}}
	_, st, _ := g.do(r, [][]byte{v.Src}, 32)
	wantStatus(t, "MAC opcode on a hash session", st, virtiocrypto.StatusErr)
}

// "The device MUST copy the results of HASH operations in the
// hash_result[] if HASH operations success."
//
// hash_result is the start of the writable part; a shorter
// hash_result_len gets the truncated digest (INTERPRETATIONS.md "Keys and
// IVs per algorithm").
func TestMUST_HashCopyResultToHashResult(t *testing.T) {
	g := defaultRig(t)
	v := pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	checkVec(t, g, v)
	sid := g.mustCreate(engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32})
	for _, n := range []int{1, 16, 31, 32} {
		r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: sid},
			Hash: virtiocrypto.HashDataParams{SrcDataLen: uint32(len(v.Src)), HashResultLen: uint32(n)}}
		out, st, used := g.do(r, [][]byte{v.Src}, n)
		if st != virtiocrypto.StatusOK || !bytes.Equal(out, v.WantDigest[:n]) || used != uint32(n+1) {
			t.Errorf("hash_result_len %d: %x %v used %d, want %x OK %d", n, out, st, used, v.WantDigest[:n], n+1)
		}
	}
}

// dataStatuses checks the four statuses a service's data requests may get.
func dataStatuses(t *testing.T, v *enginetest.Vector, errReq func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int)) {
	t.Helper()
	g := defaultRig(t)
	// OK, with the published answer.
	checkVec(t, g, v)
	p := v.Params
	id := g.mustCreate(p)
	op := v.Op(nil, nil)
	// NOTSUPP: an operation the device does not support (an unknown
	// opcode of the same service).
	for _, opc := range []virtiocrypto.Opcode{virtiocrypto.MakeOpcode(virtiocrypto.Service(p.Service), 0x42)} {
		dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
		dr.Header.Opcode = opc
		_, st, _ := g.do(dr, readable, writable...)
		wantStatus(t, fmt.Sprintf("opcode %v", opc), st, virtiocrypto.StatusNotSupp)
	}
	// ERR: a failure not mentioned above; an AKCIPHER opcode on this
	// session is one (an op that does not match its session's service).
	dr, readable, writable := errReq(id)
	_, st, _ := g.do(dr, readable, writable...)
	wantStatus(t, "bad request", st, virtiocrypto.StatusErr)
	dr, readable, writable = cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
	dr.Header.Opcode = virtiocrypto.OpcodeAkcipherSign
	_, st, _ = g.do(dr, readable, writable...)
	wantStatus(t, "AKCIPHER_SIGN on the session", st, virtiocrypto.StatusErr)
	// INVSESS: the session id is invalid.
	g.destroy(cryptodevtest.DestroyOpcode(&p), id)
	dr, readable, writable = cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
	_, st, _ = g.do(dr, readable, writable...)
	wantStatus(t, "destroyed session", st, virtiocrypto.StatusInvSess)
	dr.Header.SessionID = 0
	_, st, _ = g.do(dr, readable, writable...)
	wantStatus(t, "session 0", st, virtiocrypto.StatusInvSess)
}

// "The device MUST set status in struct virtio_crypto_inhdr to one of the
// following values of enum VIRTIO_CRYPTO_STATUS: VIRTIO_CRYPTO_OK if the
// operation success. VIRTIO_CRYPTO_NOTSUPP if the requested algorithm or
// operation is unsupported. VIRTIO_CRYPTO_INVSESS if the session ID invalid
// when in session mode. VIRTIO_CRYPTO_ERR if any failure not mentioned
// above occurs." (HASH)
func TestMUST_HashSetStatus(t *testing.T) {
	v := pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	dataStatuses(t, v, func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: id},
			Hash: virtiocrypto.HashDataParams{SrcDataLen: uint32(len(v.Src)), HashResultLen: 33}}, [][]byte{v.Src}, []int{33}
	})
}

// ---- MAC service ----

// "The device MUST copy the results of MAC operations in the hash_result[]
// if HASH operations success."
func TestMUST_MACCopyResultToHashResult(t *testing.T) {
	g := defaultRig(t)
	for _, id := range []string{"test case 1", "test case 2", "test case 3", "test case 4", "test case 5", "test case 6", "test case 7"} {
		checkVec(t, g, pubVector(t, "rfc4231:HMAC-SHA-256", id))
	}
	for _, id := range []string{"cmac-aes128/COUNT=0", "cmac-aes128/COUNT=2"} {
		checkVec(t, g, pubVector(t, "sp800-38b:CMAC-AES", id))
	}
}

// "The device MUST set status in struct virtio_crypto_inhdr to one of the
// following values of enum VIRTIO_CRYPTO_STATUS: VIRTIO_CRYPTO_OK ...
// NOTSUPP ... INVSESS ... ERR ..." (MAC)
func TestMUST_MACSetStatus(t *testing.T) {
	v := pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2")
	dataStatuses(t, v, func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeMAC, SessionID: id},
			MAC: virtiocrypto.MACDataParams{SrcDataLen: uint32(len(v.Src)), HashResultLen: 33}}, [][]byte{v.Src}, []int{33}
	})
}

// ---- Symmetric algorithms ----

// "The device MUST parse the virtio_crypto_sym_data_req based on the
// opcode field in general header."
func TestMUST_SymParseRequestByOpcode(t *testing.T) {
	g := defaultRig(t)
	checkVec(t, g, pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3"))
	checkVec(t, g, pubVector(t, "cavp:AES-CBC", "CBCMMT128/dec/COUNT=3"))
	// The opcode's direction must be the session's.
	id := g.mustCreate(cbcParams(engine.Encrypt))
	_, st, _ := g.cbc(virtiocrypto.OpcodeCipherDecrypt, id)
	wantStatus(t, "CIPHER_DECRYPT on an encryption session", st, virtiocrypto.StatusErr)
}

// "The device MUST parse the fields of struct virtio_crypto_cipher_data_flf
// in struct virtio_crypto_sym_data_flf and struct
// virtio_crypto_cipher_data_vlf in struct virtio_crypto_sym_data_vlf if the
// request is based on VIRTIO_CRYPTO_SYM_OP_CIPHER."
//
// iv_len, src_data_len and dst_data_len place the IV, the source and the
// destination; dst_data_len may exceed src_data_len (src_data_len bytes
// are written).
func TestMUST_SymParseCipherFields(t *testing.T) {
	g := defaultRig(t)
	id := g.mustCreate(cbcParams(engine.Encrypt))
	for _, blocks := range []int{1, 2, 4} {
		n := 16 * blocks
		r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
			Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
				IVLen: 16, SrcDataLen: uint32(n), DstDataLen: uint32(n + 16)}}}
		out, st, used := g.do(r, [][]byte{cbcIV, cbcPT[:n]}, n+16)
		if st != virtiocrypto.StatusOK || !bytes.Equal(out[:n], cbcCT[:n]) || used != uint32(n+16+1) {
			t.Errorf("%d blocks: %x %v used %d, want F.2.1 %x", blocks, out[:n], st, used, cbcCT[:n])
		}
		if !bytes.Equal(out[n:], make([]byte, 16)) {
			t.Errorf("%d blocks: bytes beyond src_data_len written: %x", blocks, out[n:])
		}
	}
	// The F.2.1 IV chains: encrypting blocks 2-4 with ciphertext block 1
	// as IV gives ciphertext blocks 2-4.
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 48, DstDataLen: 48}}}
	out, st, _ := g.do(r, [][]byte{cbcCT[:16], cbcPT[16:]}, 48)
	if st != virtiocrypto.StatusOK || !bytes.Equal(out, cbcCT[16:]) {
		t.Errorf("IV from the request: %x %v, want %x", out, st, cbcCT[16:])
	}
}

// chainSetup is a CBC + HMAC-SHA256 chain whose ranges are anchored to
// published vectors: RFC 4231 test case 2 (data at src[0:28]) and F.2.1
// (at src[32:96]).
type chainSetup struct {
	hm  *enginetest.Vector
	src []byte
}

func newChainSetup(t *testing.T, block []byte) chainSetup {
	hm := pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2")
	src := make([]byte, 100)
	copy(src, hm.Src)
	for i := 28; i < 32; i++ {
		src[i] = byte(0xC0 + i)
	}
	copy(src[32:], block)
	for i := 96; i < 100; i++ {
		src[i] = byte(0xD0 + i)
	}
	return chainSetup{hm, src}
}

func (c chainSetup) params(order engine.ChainOrder, dir engine.Direction, aadLen int) engine.SessionParams {
	return engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: order, HashMode: engine.HashModeAuth,
		Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: dir, MAC: engine.HMACSHA256, AuthKey: c.hm.Params.AuthKey,
		DigestLen: 32, AADLen: aadLen}
}

// "The device MUST parse the fields of struct
// virtio_crypto_alg_chain_data_flf in struct virtio_crypto_sym_data_flf and
// struct virtio_crypto_alg_chain_data_vlf in struct
// virtio_crypto_sym_data_vlf if the request is of the
// VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING type."
//
// Also "The device MUST copy the result of cryptographic operation in the
// dst_data[] in both plain CIPHER mode and algorithms chain mode" and "The
// device MUST copy the result of HASH/MAC operation in the hash_result[]
// [if it] is of the VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING type": the
// cipher range of dst must be the F.2.1 answer, the bytes outside it a
// copy of src, and hash_result the RFC 4231 answer, in both orders.
func TestMUST_SymParseChainFields(t *testing.T) {
	g := defaultRig(t)
	for _, tc := range []struct {
		order      engine.ChainOrder
		dir        engine.Direction
		block, out []byte
	}{
		{engine.CipherThenHash, engine.Encrypt, cbcPT, cbcCT},
		{engine.HashThenCipher, engine.Decrypt, cbcCT, cbcPT},
	} {
		c := newChainSetup(t, tc.block)
		p := c.params(tc.order, tc.dir, 0)
		id := g.mustCreate(p)
		op := engine.Op{Dir: tc.dir, IV: cbcIV, Src: c.src, CipherOffset: 32, CipherLen: 64, HashOffset: 0, HashLen: 28}
		dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, len(c.src), 32)
		out, st, used := g.do(dr, readable, writable...)
		wantStatus(t, fmt.Sprintf("order %d", tc.order), st, virtiocrypto.StatusOK)
		want := bytes.Clone(c.src)
		copy(want[32:96], tc.out)
		if !bytes.Equal(out[:100], want) {
			t.Errorf("order %d: dst %x, want %x", tc.order, out[:100], want)
		}
		if !bytes.Equal(out[100:], c.hm.WantDigest) {
			t.Errorf("order %d: hash_result %x, want RFC 4231 TC2 %x", tc.order, out[100:], c.hm.WantDigest)
		}
		if used != 100+32+1 {
			t.Errorf("order %d: used length %d", tc.order, used)
		}
	}
}

// "The device MUST check the para.add_len is bigger than 0 before parse
// the additional authenticated data in plain algorithms chain mode."
//
// With aad_len 0, readable bytes after src are not AAD (the digest is the
// RFC 4231 one); with aad_len > 0 the AAD is hashed first (the digest is
// that of a MAC session over aad ‖ range).
func TestMUST_SymCheckAADLenBeforeParsingAAD(t *testing.T) {
	g := defaultRig(t)
	c := newChainSetup(t, cbcPT)
	p := c.params(engine.CipherThenHash, engine.Encrypt, 0)
	id := g.mustCreate(p)
	op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: c.src, CipherOffset: 32, CipherLen: 64, HashLen: 28}
	dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, len(c.src), 32)
	out, st, _ := g.do(dr, append(readable, []byte("not AAD: aad_len is 0")), writable...)
	if st != virtiocrypto.StatusOK || !bytes.Equal(out[100:], c.hm.WantDigest) {
		t.Errorf("aad_len 0 with surplus bytes: %v digest %x, want RFC 4231 TC2 %x", st, out[100:], c.hm.WantDigest)
	}
	aad := []byte("associated data")
	pa := c.params(engine.CipherThenHash, engine.Encrypt, len(aad))
	aid := g.mustCreate(pa)
	op.AAD = aad
	dr, readable, writable = cryptodevtest.DataRequest(aid, &pa, &op, len(c.src), 32)
	out, st, _ = g.do(dr, readable, writable...)
	wantStatus(t, "chain with AAD", st, virtiocrypto.StatusOK)
	mac := macThroughDevice(t, g, c.hm.Params.AuthKey, append(bytes.Clone(aad), c.src[:28]...))
	if !bytes.Equal(out[100:], mac) {
		t.Errorf("aad_len %d: digest %x, want HMAC(aad ‖ range) %x", len(aad), out[100:], mac)
	}
}

// macThroughDevice computes HMAC-SHA256 of msg with a plain MAC session.
func macThroughDevice(t *testing.T, g *rig, key, msg []byte) []byte {
	t.Helper()
	p := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: key, DigestLen: 32}
	id := g.mustCreate(p)
	defer g.destroy(virtiocrypto.OpcodeMACDestroySession, id)
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeMAC, SessionID: id},
		MAC: virtiocrypto.MACDataParams{SrcDataLen: uint32(len(msg)), HashResultLen: 32}}
	out, st, _ := g.do(r, [][]byte{msg}, 32)
	if st != virtiocrypto.StatusOK {
		t.Fatalf("MAC session: %v", st)
	}
	return out
}

// "The device MUST set the status field in struct virtio_crypto_inhdr to
// one of the following values of enum VIRTIO_CRYPTO_STATUS:
// VIRTIO_CRYPTO_OK if the operation success. VIRTIO_CRYPTO_NOTSUPP if the
// requested algorithm or operation is unsupported. VIRTIO_CRYPTO_INVSESS if
// the session ID is invalid in session mode. VIRTIO_CRYPTO_ERR if failure
// not mentioned above occurs." (symmetric)
func TestMUST_SymSetStatus(t *testing.T) {
	v := pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3")
	dataStatuses(t, v, func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
				Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 15, DstDataLen: 15}}},
			[][]byte{v.IV, v.Src[:15]}, []int{15}
	})
	// An unknown op_type is an unsupported operation.
	g := defaultRig(t)
	id := g.mustCreate(v.Params)
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
		Sym: virtiocrypto.SymDataParams{OpType: 3}}
	_, st, _ := g.do(r, nil, 64)
	wantStatus(t, "op_type 3", st, virtiocrypto.StatusNotSupp)
}

// ---- AEAD service ----

// "The device MUST copy the result of cryptographic operation in the
// dst_data[]." and "The device MUST copy the authentication tag in the
// dst_data[] offset the cipher result."
func TestMUST_AEADCopyResultAndTagToDst(t *testing.T) {
	g := defaultRig(t)
	for _, v := range []*enginetest.Vector{
		pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=128/Count=0/enc"),
		pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=120/Count=0/enc"),
		pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc"),
		pubVector(t, "rfc3610:AES-CCM", "#1/enc"),
	} {
		r := checkVec(t, g, v)
		if n := len(v.Src); len(r.dst) != n+v.Params.DigestLen || !bytes.Equal(r.dst, v.WantDst) {
			t.Errorf("%s %s: dst %x, want ciphertext ‖ tag %x", v.Suite, v.ID, r.dst, v.WantDst)
		}
	}
}

// "When the opcode field is VIRTIO_CRYPTO_AEAD_DECRYPT, the device MUST
// verify and return the verification result to the driver." with
// "VIRTIO_CRYPTO_BADMSG if the verification result is incorrect."
//
// INTERPRETATIONS.md "AEAD": a wrong tag gives BADMSG and the plaintext is
// not released: dst is zeroed in guest memory (prefilled here with 0xEE).
func TestMUST_AEADDecryptVerifies(t *testing.T) {
	g := defaultRig(t)
	checkVec(t, g, pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=128/Count=0/dec"))
	checkVec(t, g, pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/dec"))
	for _, v := range []*enginetest.Vector{
		pubVector(t, "cavp:AES-GCM", "gcmDecrypt128/IVlen=96,PTlen=128,AADlen=0,Taglen=128/Count=2/dec"),
		pubVector(t, "cavp:AES-GCM", "gcmDecrypt128/IVlen=96,PTlen=128,AADlen=128,Taglen=128/Count=1/dec"),
	} {
		if !v.Invalid || !errors.Is(v.WantErr, engine.ErrAuthFailed) {
			t.Fatalf("%s is not a published authentication failure", v.ID)
		}
		for _, split := range []bool{false, true} {
			st, dst := aeadPrefilled(t, g, v, split)
			wantStatus(t, v.ID, st, virtiocrypto.StatusBadMsg)
			if !bytes.Equal(dst, make([]byte, len(dst))) {
				t.Errorf("%s (dst split %v): dst %x after a failed tag, want zeros", v.ID, split, dst)
			}
		}
	}
	// A tag changed by one bit in a valid vector: BADMSG too.
	v := *pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/dec")
	v.Src = bytes.Clone(v.Src)
	v.Src[len(v.Src)-1] ^= 1
	st, dst := aeadPrefilled(t, g, &v, true)
	wantStatus(t, "RFC 8439 §2.8.2 with a flipped tag bit", st, virtiocrypto.StatusBadMsg)
	if !bytes.Equal(dst, make([]byte, len(dst))) {
		t.Errorf("flipped tag: dst %x, want zeros", dst)
	}
}

// aeadPrefilled runs an AEAD vector with its dst (one buffer, or split in
// three) prefilled with 0xEE and returns the status and dst.
func aeadPrefilled(t *testing.T, g *rig, v *enginetest.Vector, split bool) (virtiocrypto.Status, []byte) {
	t.Helper()
	p := v.Params
	id := g.mustCreate(p)
	defer g.destroy(virtiocrypto.OpcodeAEADDestroySession, id)
	op := v.Op(nil, nil)
	dr, readable, _ := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), 0)
	e := newQEnv(t, g.dev, false, 16, 256<<10)
	var s scenario
	ds := []virtqtest.Desc{s.r(dr.Append(nil, 0))}
	for _, b := range readable {
		if len(b) > 0 {
			ds = append(ds, s.r(b))
		}
	}
	n := v.DstLen()
	var outs []virtqtest.Desc
	if split && n >= 3 {
		outs = []virtqtest.Desc{s.w(1), s.w(n - 2), s.w(1)}
	} else {
		outs = []virtqtest.Desc{s.w(n)}
	}
	st := s.w(1)
	s.chain(append(append(ds, outs...), st)...)
	if used := e.one(&s); used != uint32(n+1) {
		t.Fatalf("used length %d, want %d", used, n+1)
	}
	var dst []byte
	for _, o := range outs {
		dst = append(dst, e.bytes(o.Addr, int(o.Len))...)
	}
	return virtiocrypto.Status(e.bytes(st.Addr, 1)[0]), dst
}

// "The device MUST set the status field in struct virtio_crypto_inhdr to
// one of the following values of enum VIRTIO_CRYPTO_STATUS:
// VIRTIO_CRYPTO_OK ... NOTSUPP ... BADMSG ... INVSESS ... ERR ..." (AEAD)
func TestMUST_AEADSetStatus(t *testing.T) {
	v := pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc")
	dataStatuses(t, v, func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		// tag_len differing from the session's (INTERPRETATIONS.md "AEAD").
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, SessionID: id},
			AEAD: virtiocrypto.AEADDataParams{IVLen: uint32(len(v.IV)), AADLen: uint32(len(v.AAD)), SrcDataLen: uint32(len(v.Src)),
				DstDataLen: uint32(len(v.Src) + 16), TagLen: 12}}, [][]byte{v.IV, v.Src, v.AAD}, []int{len(v.Src) + 16}
	})
	// BADMSG: TestMUST_AEADDecryptVerifies.
}

// ---- AKCIPHER not offered, and IPsec ----

// The AKCIPHER requirements on a device whose engine offers no AKCIPHER
// algorithm (the AKCIPHER requirements on the soft engine's device are in
// akcipher_test.go): the AKCIPHER service bit and akcipher_algo are 0, no
// feature bit is offered, AKCIPHER sessions are refused with NOTSUPP, and
// AKCIPHER requests get INVSESS (no such session can exist) or NOTSUPP (on
// a session of another service: the device does not know the operation).
func TestMUST_AkcipherNotOffered(t *testing.T) {
	caps := testEngine.Capabilities()
	caps.AKCipher, caps.Curves = nil, nil
	dev, err := New(capEngine{testEngine, caps}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newRigDev(t, dev, virtqtest.Config{Size: 256})
	cfg := g.dev.Config()
	if cfg.HasService(virtiocrypto.ServiceAkcipher) || cfg.AkcipherAlgos != 0 || g.dev.Features() != 0 {
		t.Fatalf("AKCIPHER advertised: services %#x akcipher_algo %#x features %#x", cfg.Services, cfg.AkcipherAlgos, g.dev.Features())
	}
	// Even with published keys the engine would accept.
	m := akMaterial()
	for _, p := range []engine.SessionParams{m.rsaPub, m.rsaPriv, m.ecdsaPriv} {
		req, keys := cryptodevtest.SessionRequest(&p)
		_, st := g.create(req, keys...)
		wantStatus(t, fmt.Sprintf("create %v", p.AK.Alg), st, virtiocrypto.StatusNotSupp)
	}
	wantStatus(t, "AKCIPHER destroy", g.destroy(virtiocrypto.OpcodeAkcipherDestroySession, 1), virtiocrypto.StatusErr)
	cbc := g.mustCreate(cbcParams(engine.Encrypt))
	for _, op := range []virtiocrypto.Opcode{virtiocrypto.OpcodeAkcipherEncrypt, virtiocrypto.OpcodeAkcipherDecrypt, virtiocrypto.OpcodeAkcipherSign, virtiocrypto.OpcodeAkcipherVerify} {
		for _, tc := range []struct {
			id   uint64
			want virtiocrypto.Status
		}{{cbc + 100, virtiocrypto.StatusInvSess}, {cbc, virtiocrypto.StatusNotSupp}} {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: op, SessionID: tc.id},
				Akcipher: virtiocrypto.AkcipherDataParams{SrcDataLen: 16, DstDataLen: 16}}
			readable := [][]byte{make([]byte, 16)}
			writable := []int{16}
			if op == virtiocrypto.OpcodeAkcipherVerify {
				readable, writable = [][]byte{make([]byte, 32)}, nil
			}
			_, st, _ := g.do(r, readable, writable...)
			wantStatus(t, fmt.Sprintf("%v on session %d", op, tc.id), st, tc.want)
		}
	}
}

// The IPsec device requirements ("When the device supports IPsec
// operations, the device MUST set VIRTIO_CRYPTO_IPSEC_RESOURCE_CAP ...",
// "The device MUST copy the result of IPsec operation in the dst_data[]",
// the IPsec status list).
//
// Not offered: the IPsec service bit is clear, and IPsec data requests get
// NOTSUPP.
func TestMUST_IPsecNotOffered(t *testing.T) {
	g := defaultRig(t)
	if cfg := g.dev.Config(); cfg.HasService(virtiocrypto.ServiceIPsec) {
		t.Fatal("IPsec service advertised")
	}
	id := g.mustCreate(cbcParams(engine.Encrypt))
	for _, op := range []virtiocrypto.Opcode{virtiocrypto.OpcodeIPsecOutbound, virtiocrypto.OpcodeIPsecInbound} {
		_, st, _ := g.cbc(op, id)
		wantStatus(t, op.String(), st, virtiocrypto.StatusNotSupp)
	}
}

// "The device MUST return a status code as part of the operation (both
// session operation and service operation) result." Status is the one map
// from errors to codes; every error the device produces maps to a defined
// status.
func TestMUST_ReturnStatusCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want virtiocrypto.Status
	}{
		{nil, virtiocrypto.StatusOK},
		{engine.ErrAuthFailed, virtiocrypto.StatusBadMsg},
		{fmt.Errorf("x: %w", engine.ErrAuthFailed), virtiocrypto.StatusBadMsg},
		{engine.ErrKeyRejected, virtiocrypto.StatusKeyRejected},
		{fmt.Errorf("x: %w", engine.ErrKeyRejected), virtiocrypto.StatusKeyRejected},
		{engine.ErrUnsupported, virtiocrypto.StatusNotSupp},
		{ErrUnsupportedOp, virtiocrypto.StatusNotSupp},
		{virtiocrypto.ErrUnknownOpcode, virtiocrypto.StatusNotSupp},
		{ErrNoSession, virtiocrypto.StatusInvSess},
		{ErrNoSpace, virtiocrypto.StatusNoSpc},
		{ErrMalformed, virtiocrypto.StatusErr},
		{engine.ErrInvalidKey, virtiocrypto.StatusErr},
		{engine.ErrInvalidInput, virtiocrypto.StatusErr},
		{engine.ErrWrongOp, virtiocrypto.StatusErr},
		{errWrongSession, virtiocrypto.StatusErr},
		{virtiocrypto.ErrShortBuffer, virtiocrypto.StatusErr},
		{errors.New("anything else"), virtiocrypto.StatusErr},
	} {
		if got := Status(tc.err); got != tc.want {
			t.Errorf("Status(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// ---- INTERPRETATIONS.md decisions ----

// "Unknown or destroyed session: INVSESS."
func TestINTERP_UnknownOrDestroyedSessionINVSESS(t *testing.T) {
	g := defaultRig(t)
	id := g.mustCreate(cbcParams(engine.Encrypt))
	for _, sid := range []uint64{0, id + 1, ^uint64(0)} {
		_, st, _ := g.cbc(virtiocrypto.OpcodeCipherEncrypt, sid)
		wantStatus(t, fmt.Sprintf("session %d", sid), st, virtiocrypto.StatusInvSess)
	}
	g.destroy(virtiocrypto.OpcodeCipherDestroySession, id)
	_, st, _ := g.cbc(virtiocrypto.OpcodeCipherEncrypt, id)
	wantStatus(t, "destroyed session", st, virtiocrypto.StatusInvSess)
}

// "An op that does not match its session's service: ERR."
func TestINTERP_OpNotMatchingSessionServiceERR(t *testing.T) {
	g := defaultRig(t)
	c := newChainSetup(t, cbcPT)
	ids := map[string]uint64{
		"cipher": g.mustCreate(cbcParams(engine.Encrypt)),
		"hash":   g.mustCreate(engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32}),
		"mac":    g.mustCreate(engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: make([]byte, 32), DigestLen: 32}),
		"aead":   g.mustCreate(engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: make([]byte, 16), DigestLen: 16, Direction: engine.Encrypt}),
		"chain":  g.mustCreate(c.params(engine.CipherThenHash, engine.Encrypt, 0)),
	}
	cipherOp := func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
			Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 64, DstDataLen: 64}}}, [][]byte{cbcIV, cbcPT}, []int{64}
	}
	chainOp := func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
			Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
				IVLen: 16, SrcDataLen: 64, DstDataLen: 64, LenToCipher: 64, LenToHash: 64, HashResultLen: 32}}}, [][]byte{cbcIV, cbcPT}, []int{64, 32}
	}
	hashOp := func(op virtiocrypto.Opcode) func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
			return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: op, SessionID: id},
				Hash: virtiocrypto.HashDataParams{SrcDataLen: 64, HashResultLen: 32}, MAC: virtiocrypto.MACDataParams{SrcDataLen: 64, HashResultLen: 32}}, [][]byte{cbcPT}, []int{32}
		}
	}
	aeadOp := func(id uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
		return virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, SessionID: id},
			AEAD: virtiocrypto.AEADDataParams{IVLen: 12, SrcDataLen: 64, DstDataLen: 80, TagLen: 16}}, [][]byte{cbcIV[:12], cbcPT}, []int{80}
	}
	ops := map[string]func(uint64) (virtiocrypto.DataRequest, [][]byte, []int){
		"cipher": cipherOp, "chain": chainOp, "hash": hashOp(virtiocrypto.OpcodeHash), "mac": hashOp(virtiocrypto.OpcodeMAC), "aead": aeadOp,
	}
	for opName, build := range ops {
		for sessName, id := range ids {
			dr, readable, writable := build(id)
			_, st, _ := g.do(dr, readable, writable...)
			want := virtiocrypto.StatusErr
			if opName == sessName {
				want = virtiocrypto.StatusOK
			}
			wantStatus(t, fmt.Sprintf("%s request on a %s session", opName, sessName), st, want)
		}
	}
}

// "Session table full: NOSPC."
//
// Note: the create-session requirement lists NOSPC "only when the
// VIRTIO_CRYPTO_F_REVISION_1 feature bit is negotiated", and this device
// does not offer REVISION_1; INTERPRETATIONS.md chooses NOSPC anyway.
func TestINTERP_SessionTableFullNOSPC(t *testing.T) {
	g := newRig(t, Options{MaxSessions: 3}, virtqtest.Config{Size: 64})
	var ids []uint64
	for range 3 {
		ids = append(ids, g.mustCreate(cbcParams(engine.Encrypt)))
	}
	p := cbcParams(engine.Encrypt)
	req, keys := cryptodevtest.SessionRequest(&p)
	id, st := g.create(req, keys...)
	wantStatus(t, "fourth create", st, virtiocrypto.StatusNoSpc)
	if id != 0 {
		t.Errorf("session_id %d with NOSPC", id)
	}
	// A failed create does not hold a slot.
	bad := cbcParams(engine.Encrypt)
	bad.CipherKey = make([]byte, 17)
	g.destroy(virtiocrypto.OpcodeCipherDestroySession, ids[0])
	req, keys = cryptodevtest.SessionRequest(&bad)
	_, st = g.create(req, keys...)
	wantStatus(t, "bad key with one slot free", st, virtiocrypto.StatusErr)
	ids[0] = g.mustCreate(cbcParams(engine.Encrypt))
	if n := g.dev.Sessions().Len(); n != 3 {
		t.Errorf("%d sessions, want 3", n)
	}
}

// "Bad key length at session create: ERR."
func TestINTERP_BadKeyLengthERR(t *testing.T) {
	g := defaultRig(t)
	for alg, sh := range enginetest.CipherShapes {
		for _, n := range sh.BadKeys {
			if n > int(g.dev.Config().MaxCipherKeyLen) {
				continue // beyond max_cipher_key_len: TestMUST_SetMaxCipherKeyLen
			}
			p := engine.SessionParams{Service: engine.ServiceCipher, Cipher: alg, CipherKey: make([]byte, n), Direction: engine.Encrypt}
			req, keys := cryptodevtest.SessionRequest(&p)
			_, st := g.create(req, keys...)
			wantStatus(t, fmt.Sprintf("%v with a %d-byte key", alg, n), st, virtiocrypto.StatusErr)
		}
	}
	for alg, sh := range enginetest.AEADShapes {
		for _, n := range sh.BadKeys {
			p := engine.SessionParams{Service: engine.ServiceAEAD, AEAD: alg, CipherKey: make([]byte, n), DigestLen: sh.Tags[0], Direction: engine.Encrypt}
			req, keys := cryptodevtest.SessionRequest(&p)
			_, st := g.create(req, keys...)
			wantStatus(t, fmt.Sprintf("%v with a %d-byte key", alg, n), st, virtiocrypto.StatusErr)
		}
	}
}

// "Hash modes: PLAIN and AUTH (MAC). NESTED has no parameters in the
// spec: NOTSUPP."
func TestINTERP_NestedHashModeNOTSUPP(t *testing.T) {
	g := defaultRig(t)
	c := newChainSetup(t, cbcPT)
	p := c.params(engine.CipherThenHash, engine.Encrypt, 0)
	p.HashMode, p.AuthKey = engine.HashModeNested, nil
	req, keys := cryptodevtest.SessionRequest(&p)
	req.Sym.Chain.HashMode = virtiocrypto.HashModeNested
	_, st := g.create(req, keys...)
	wantStatus(t, "NESTED", st, virtiocrypto.StatusNotSupp)
	// PLAIN works: SHA-256 of the range (CAVP SHA256ShortMsg Len=24 at
	// src[0:3]).
	v := pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	pp := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModePlain,
		Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: engine.Encrypt, Hash: engine.SHA256, DigestLen: 32}
	id := g.mustCreate(pp)
	src := append(bytes.Clone(v.Src), make([]byte, 13)...)
	src = append(src, cbcPT...)
	op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: src, CipherOffset: 16, CipherLen: 64, HashLen: 3}
	dr, readable, writable := cryptodevtest.DataRequest(id, &pp, &op, len(src), 32)
	out, st, _ := g.do(dr, readable, writable...)
	if st != virtiocrypto.StatusOK || !bytes.Equal(out[16:80], cbcCT) || !bytes.Equal(out[80:], v.WantDigest) {
		t.Errorf("PLAIN chain: %v dst %x digest %x", st, out[16:80], out[80:])
	}
}

// "tag_len in the request must equal the session's tag_len; otherwise
// ERR."
func TestINTERP_AEADTagLenMismatchERR(t *testing.T) {
	g := defaultRig(t)
	v := pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=120/Count=0/enc")
	checkVec(t, g, v)
	p := v.Params
	id := g.mustCreate(p)
	for _, tag := range []uint32{0, 16, 14, 0xFFFFFFFF} {
		r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, SessionID: id},
			AEAD: virtiocrypto.AEADDataParams{IVLen: uint32(len(v.IV)), AADLen: uint32(len(v.AAD)), SrcDataLen: uint32(len(v.Src)),
				DstDataLen: uint32(len(v.Src) + 16), TagLen: tag}}
		_, st, _ := g.do(r, [][]byte{v.IV, v.Src, v.AAD}, len(v.Src)+16)
		wantStatus(t, fmt.Sprintf("tag_len %d on a %d-byte-tag session", tag, p.DigestLen), st, virtiocrypto.StatusErr)
	}
}

// "CIPHER_THEN_HASH: encrypt, then the digest covers the cipher output
// (encrypt-then-MAC). HASH_THEN_CIPHER: the digest covers the source, then
// the cipher runs (verify-then-decrypt). [The offsets] index the source
// buffer; for CIPHER_THEN_HASH the hash covers the same byte range of the
// output. Bytes outside the cipher range are copied to dst unchanged. If
// aad_len > 0, the AAD is hashed first, followed by the hashed range."
//
// Overlapping, unaligned ranges in both orders, with and without AAD,
// compared with separate cipher and MAC sessions through the device (the
// cipher part of each is also the published F.2.1 answer).
func TestINTERP_ChainedRequestOffsets(t *testing.T) {
	g := defaultRig(t)
	aad := []byte("twelve bytes")
	for _, tc := range []struct {
		order engine.ChainOrder
		dir   engine.Direction
		block []byte
		out   []byte
	}{
		{engine.CipherThenHash, engine.Encrypt, cbcPT, cbcCT},
		{engine.HashThenCipher, engine.Decrypt, cbcCT, cbcPT},
	} {
		for _, aadLen := range []int{0, len(aad)} {
			for _, hr := range [][2]int{{0, 28}, {8, 64}, {40, 60}, {3, 97}, {96, 4}, {50, 0}} {
				c := newChainSetup(t, tc.block)
				p := c.params(tc.order, tc.dir, aadLen)
				id := g.mustCreate(p)
				op := engine.Op{Dir: tc.dir, IV: cbcIV, Src: c.src, AAD: aad[:aadLen], CipherOffset: 32, CipherLen: 64, HashOffset: hr[0], HashLen: hr[1]}
				dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, len(c.src), 32)
				out, st, _ := g.do(dr, readable, writable...)
				name := fmt.Sprintf("order %d aad %d hash [%d,+%d)", tc.order, aadLen, hr[0], hr[1])
				if st != virtiocrypto.StatusOK {
					t.Errorf("%s: %v", name, st)
					continue
				}
				dst, digest := out[:100], out[100:]
				want := bytes.Clone(c.src)
				copy(want[32:96], tc.out)
				if !bytes.Equal(dst, want) {
					t.Errorf("%s: dst %x, want %x", name, dst, want)
				}
				covered := c.src
				if tc.order == engine.CipherThenHash {
					covered = want
				}
				msg := append(bytes.Clone(aad[:aadLen]), covered[hr[0]:hr[0]+hr[1]]...)
				if mac := macThroughDevice(t, g, c.hm.Params.AuthKey, msg); !bytes.Equal(digest, mac) {
					t.Errorf("%s: digest %x, want %x", name, digest, mac)
				}
				g.destroy(virtiocrypto.OpcodeCipherDestroySession, id)
			}
		}
	}
}

// "MAC algorithms that need a per-request IV ... are served through a
// chained session with cipher VIRTIO_CRYPTO_NO_CIPHER and hash mode AUTH:
// the chain request's iv carries the MAC's IV, dst receives a copy of the
// source, and the digest goes to hash_result. Through the plain MAC
// service these algorithms return NOTSUPP."
func TestINTERP_MACWithIVThroughChainedNoCipher(t *testing.T) {
	g := defaultRig(t)
	for _, v := range []*enginetest.Vector{
		pubVector(t, "cavp:GMAC-AES", "gcmEncryptExtIV128/IVlen=96,PTlen=0,AADlen=128,Taglen=128/Count=0"),
		pubVector(t, "ts35.203:KASUMI-F9", "TS 35.203 f9 test set 1"),
		pubVector(t, "ts35.203:KASUMI-F9", "TS 35.203 f9 test set 3"),
	} {
		if !v.Params.Chained || v.Params.Cipher != engine.NoCipher || v.Params.HashMode != engine.HashModeAuth {
			t.Fatalf("%s %s is not a chained NO_CIPHER vector", v.Suite, v.ID)
		}
		r := checkVec(t, g, v)
		if !bytes.Equal(r.dst, v.Src) {
			t.Errorf("%s %s: dst %x, want a copy of src %x", v.Suite, v.ID, r.dst, v.Src)
		}
		p := engine.SessionParams{Service: engine.ServiceMAC, MAC: v.Params.MAC, AuthKey: v.Params.AuthKey, DigestLen: v.Params.DigestLen}
		req, keys := cryptodevtest.SessionRequest(&p)
		_, st := g.create(req, keys...)
		wantStatus(t, fmt.Sprintf("plain MAC session of %v", v.Params.MAC), st, virtiocrypto.StatusNotSupp)
	}
}

// linuxLayout sends src (16 bytes) split 3/5/8 the way Linux 6.1 does
// (research/qemu-vhost-user-crypto.md §5.4):
// R72 R16 R3 R5 R8 R5 R8 R8 W3 W5 W8 W5 W8 W8 W1, the repeated descriptors
// pointing to the same guest memory. It returns dst (the first three
// writable buffers), the status and the used length.
func linuxLayout(t *testing.T, e *qenv, hdr, iv, src []byte) ([]byte, virtiocrypto.Status, uint32) {
	t.Helper()
	var s scenario
	h, v := s.r(hdr), s.r(iv)
	a, b, c := s.r(src[:3]), s.r(src[3:8]), s.r(src[8:16])
	x, y, z := s.w(3), s.w(5), s.w(8)
	st := s.w(1)
	s.chain(h, v, a, b, c, b, c, c, x, y, z, y, z, z, st)
	used := e.one(&s)
	dst := append(append(bytes.Clone(e.bytes(x.Addr, 3)), e.bytes(y.Addr, 5)...), e.bytes(z.Addr, 8)...)
	return dst, virtiocrypto.Status(e.bytes(st.Addr, 1)[0]), used
}

// "The device reads exactly the lengths the header declares and ignores
// surplus readable bytes. Results are written from the start of the
// writable part. The status byte is the last byte of the last writable
// descriptor. Used length: the whole writable size for symmetric
// requests."
//
// The Linux 6.1 layout with repeated descriptors (research §5.4), in both
// directions, with and without an indirect table.
func TestINTERP_StatusInLastByteWithLinuxRepeatedDescriptors(t *testing.T) {
	g := defaultRig(t)
	enc, dec := g.mustCreate(cbcParams(engine.Encrypt)), g.mustCreate(cbcParams(engine.Decrypt))
	e := newQEnv(t, g.dev, false, 16, 256<<10)
	dst, st, used := linuxLayout(t, e, cipherReq(virtiocrypto.OpcodeCipherEncrypt, enc, 16, 16, 16), cbcIV, cbcPT[:16])
	if st != virtiocrypto.StatusOK || !bytes.Equal(dst, cbcCT[:16]) || used != 3+5+8+5+8+8+1 {
		t.Errorf("encrypt: dst %x status %v used %d, want %x OK 38", dst, st, used, cbcCT[:16])
	}
	dst, st, used = linuxLayout(t, e, cipherReq(virtiocrypto.OpcodeCipherDecrypt, dec, 16, 16, 16), cbcIV, cbcCT[:16])
	if st != virtiocrypto.StatusOK || !bytes.Equal(dst, cbcPT[:16]) || used != 38 {
		t.Errorf("decrypt: dst %x status %v used %d, want %x OK 38", dst, st, used, cbcPT[:16])
	}
	// The same chain inside an indirect table.
	var s scenario
	h, v := s.r(cipherReq(virtiocrypto.OpcodeCipherEncrypt, enc, 16, 16, 16)), s.r(cbcIV)
	a, b, c := s.r(cbcPT[:3]), s.r(cbcPT[3:8]), s.r(cbcPT[8:16])
	x, y, z := s.w(3), s.w(5), s.w(8)
	sb := s.w(1)
	s.chain(s.indirect(h, v, a, b, c, b, c, c, x, y, z, y, z, z, sb))
	if n := e.one(&s); n != 38 {
		t.Errorf("indirect: used length %d, want 38", n)
	}
	got := append(append(bytes.Clone(e.bytes(x.Addr, 3)), e.bytes(y.Addr, 5)...), e.bytes(z.Addr, 8)...)
	if !bytes.Equal(got, cbcCT[:16]) || e.bytes(sb.Addr, 1)[0] != 0 {
		t.Errorf("indirect: dst %x status %d", got, e.bytes(sb.Addr, 1)[0])
	}
}

// "Used length: the whole writable size for symmetric requests" and "The
// device reads exactly the lengths the header declares and ignores surplus
// readable bytes": surplus writable and readable bytes around a request.
func TestINTERP_UsedLengthIsWholeWritableSizeAndSurplusIgnored(t *testing.T) {
	g := defaultRig(t)
	id := g.mustCreate(cbcParams(engine.Encrypt))
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: id},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 48, DstDataLen: 48}}}
	// Readable: IV, 48 bytes of src, then 16 surplus bytes and a 100-byte
	// buffer; writable: 48 + 200 + 7 + status.
	out, st, used := g.do(r, [][]byte{cbcIV, cbcPT[:48], cbcPT[48:], bytes.Repeat([]byte{0x5A}, 100)}, 48, 200, 7)
	if st != virtiocrypto.StatusOK || !bytes.Equal(out[:48], cbcCT[:48]) {
		t.Errorf("dst %x %v, want %x", out[:48], st, cbcCT[:48])
	}
	if used != 48+200+7+1 {
		t.Errorf("used length %d, want %d", used, 48+200+7+1)
	}
	if !bytes.Equal(out[48:], make([]byte, 207)) {
		t.Errorf("surplus writable bytes written")
	}
	// An error also reports the whole writable size.
	_, st, used = g.do(r, [][]byte{cbcIV, cbcPT[:40]}, 48, 200, 7)
	if st != virtiocrypto.StatusErr || used != 256 {
		t.Errorf("short source: status %v used %d, want ERR 256", st, used)
	}
}

// scatterRun sends v through queue e with the readable stream (header,
// then op_vlf) and the writable stream (dst, digest, status) each cut at
// random points into many descriptors, optionally inside an indirect
// table, and returns dst, digest, status and used length.
func scatterRun(t *testing.T, e *qenv, rnd *rand.Rand, id uint64, v *enginetest.Vector) ([]byte, []byte, virtiocrypto.Status, uint32) {
	t.Helper()
	p := v.Params
	op := v.Op(nil, nil)
	dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
	in := dr.Append(nil, 0)
	for _, b := range readable {
		in = append(in, b...)
	}
	wlen := 1
	for _, n := range writable {
		wlen += n
	}
	// cut splits n bytes into about pieces (at most 2*pieces) lengths.
	cut := func(n, pieces int) []int {
		var out []int
		step := max(1, 2*n/pieces)
		for n > 0 {
			k := 1 + rnd.IntN(step)
			k = min(k, n)
			out = append(out, k)
			n -= k
		}
		return out
	}
	var s scenario
	var ds, ws []virtqtest.Desc
	off := 0
	for _, k := range cut(len(in), 1+rnd.IntN(40)) {
		ds = append(ds, s.r(in[off:off+k]))
		off += k
		s.space(rnd.IntN(8)) // gaps, so neighbours are not contiguous
	}
	for _, k := range cut(wlen, 1+rnd.IntN(40)) {
		ws = append(ws, s.w(k))
		s.space(rnd.IntN(8))
	}
	all := append(ds, ws...)
	if len(all) > e.size || rnd.IntN(2) == 0 {
		s.chain(s.indirect(all...))
	} else {
		s.chain(all...)
	}
	used := e.one(&s)
	var w []byte
	for _, d := range ws {
		w = append(w, e.bytes(d.Addr, int(d.Len))...)
	}
	return w[:v.DstLen()], w[v.DstLen() : len(w)-1], virtiocrypto.Status(w[len(w)-1]), used
}

// "Scatter-gather": a request whose header, IV, source, AAD, destination
// and digest are cut into many descriptors at arbitrary points gives the
// same answer as a contiguous one. Every runnable published vector of the
// enginetest suites (about 10,000) is sent that way and judged by its
// published answer.
func TestINTERP_ScatterGatherSameAsContiguous(t *testing.T) {
	g := newRig(t, Options{}, virtqtest.Config{Size: 64})
	e := newQEnv(t, g.dev, false, 256, 4<<20)
	rnd := rand.New(rand.NewPCG(1, 2))
	vs := enginetest.Vectors(t)
	ran := map[string]int{}
	for i := range vs {
		v := &vs[i]
		if v.Skip != "" {
			continue
		}
		p := v.Params
		req, keys := cryptodevtest.SessionRequest(&p)
		id, st := g.create(req, keys...)
		var dst, digest []byte
		opSt := virtiocrypto.StatusOK
		if st == virtiocrypto.StatusOK {
			var used uint32
			dst, digest, opSt, used = scatterRun(t, e, rnd, id, v)
			if want := uint32(v.DstLen() + v.DigestLen() + 1); used != want {
				t.Errorf("%s %s: used length %d, want %d", v.Suite, v.ID, used, want)
			}
			g.destroy(cryptodevtest.DestroyOpcode(&p), id)
		}
		if err := v.Check(cryptodevtest.StatusAsError(st), cryptodevtest.StatusAsError(opSt), dst, digest); err != nil {
			t.Errorf("%s %s (%s), scattered: %v", v.Suite, v.ID, v.Source, err)
		}
		ran[v.Suite]++
	}
	assertArenaWiped(t, e.w)
	if len(ran) < 30 {
		t.Errorf("only %d suites ran", len(ran))
	}
}
