package vhostuser

import (
	"bytes"
	"encoding/binary"
	"testing"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtiocrypto"
)

// End-to-end tests of VIRTIO_CRYPTO_F_REVISION_1 and the stateless modes:
// a device-mode server whose device offers them (cryptodev.Options.
// Revision1), the Go frontend negotiating them over a real socket, and the
// published vectors of enginetest sent in each framing.

// e2eRun submits one chain (empty parts dropped) and returns its writable
// bytes.
func e2eRun(t *testing.T, q *FrontendQueue, readable [][]byte, writable []int) []byte {
	t.Helper()
	var r [][]byte
	for _, b := range readable {
		if len(b) > 0 {
			r = append(r, b)
		}
	}
	var w []int
	for _, n := range writable {
		if n > 0 {
			w = append(w, n)
		}
	}
	if _, err := q.Submit(r, w); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil || len(cs) != 1 {
		t.Fatalf("completions %v, %v", cs, err)
	}
	return cs[0].Writable
}

// vectorFraming says how runVectors sends a vector.
type vectorFraming struct {
	name      string
	features  uint64 // what the frontend acknowledges
	stateless bool   // stateless requests (else sessions + session-mode requests)
	perSuite  int    // vectors per suite (0: all)
}

// runVectors replays enginetest's published vectors through a
// REVISION_1-capable device-mode server in framing fr and checks each with
// enginetest's verdict. In stateless mode there is no separate session
// step: a parameter error the session path reports at create comes back
// as the request's status, and vectors that expect NewSession to fail are
// judged on that status.
func runVectors(t *testing.T, fr vectorFraming) {
	leakCheck(t)
	vs := enginetest.Vectors(t)
	s := startServerWith(t, ModeDevice, cryptodev.Options{DataQueues: 2, Revision1: true})
	f := s.dial(t, FrontendConfig{Queues: 3, EventIdx: true, Indirect: true, QueueSize: 256, CryptoFeatures: fr.features})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	feats := f.CryptoFeatures()
	if feats != fr.features {
		t.Fatalf("negotiated crypto features %#x, want %#x", feats, fr.features)
	}
	ctrl := f.Queue(2)
	passed, taken := map[string]int{}, map[string]int{}
	services := map[engine.Service]int{}
	for i := range vs {
		v := &vs[i]
		if v.Skip != "" || (fr.perSuite > 0 && taken[v.Suite] >= fr.perSuite) {
			continue
		}
		taken[v.Suite]++
		p := v.Params
		op := v.Op(nil, nil)
		var sessErr, opErr error
		var dst, digest []byte
		if fr.stateless {
			dr, readable, writable := cryptodevtest.StatelessRequest(&p, &op, v.DstLen(), v.DigestLen())
			out := e2eRun(t, f.Queue(i%2), append([][]byte{dr.Append(nil, feats)}, readable...), append(writable, 1))
			opErr = cryptodevtest.StatusAsError(virtiocrypto.Status(out[len(out)-1]))
			if v.Invalid && v.SessionFails {
				sessErr = opErr
			}
			dst, digest = out[:v.DstLen()], out[v.DstLen():len(out)-1]
		} else {
			req, keys := cryptodevtest.SessionRequest(&p)
			in := e2eRun(t, ctrl, append([][]byte{req.Append(nil, feats)}, keys...), []int{virtiocrypto.CreateSessionInputSize})
			id, st := binary.LittleEndian.Uint64(in), virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
			if sessErr = cryptodevtest.StatusAsError(st); sessErr == nil {
				dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, v.DstLen(), v.DigestLen(), feats)
				out := e2eRun(t, f.Queue(i%2), append([][]byte{dr.Append(nil, feats)}, readable...), append(writable, 1))
				opErr = cryptodevtest.StatusAsError(virtiocrypto.Status(out[len(out)-1]))
				dst, digest = out[:v.DstLen()], out[v.DstLen():len(out)-1]
				d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: cryptodevtest.DestroyOpcode(&p)},
					Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
				if ds := e2eRun(t, ctrl, [][]byte{d.Append(nil, feats)}, []int{1}); ds[0] != byte(virtiocrypto.StatusOK) {
					t.Errorf("%s %s: destroy status %d", v.Suite, v.ID, ds[0])
				}
			}
		}
		if err := v.Check(sessErr, opErr, dst, digest); err != nil {
			t.Errorf("%s %s (%s): %v", v.Suite, v.ID, v.Source, err)
			continue
		}
		passed[v.Suite]++
		services[p.Service]++
	}
	for _, svc := range []engine.Service{engine.ServiceCipher, engine.ServiceHash, engine.ServiceMAC, engine.ServiceAEAD} {
		if services[svc] == 0 {
			t.Errorf("no vector of service %v passed", svc)
		}
	}
	for _, suite := range enginetest.Suites() {
		if _, none := enginetest.NoRunnable[suite]; passed[suite] == 0 && !none {
			t.Errorf("suite %s: nothing passed", suite)
		}
	}
	total := 0
	for _, n := range passed {
		total += n
	}
	t.Logf("%s: %d published vectors passed over the socket (%d suites)", fr.name, total, len(passed))
}

// REVISION_1 alone: exact-size op_flf in control and data requests, the
// session-mode structs, FLAG_SESSION_MODE in every data header.
func TestRevision1SessionModeVectorsOverSocket(t *testing.T) {
	runVectors(t, vectorFraming{name: "REVISION_1 session mode", features: virtiocrypto.FeatureRevision1.Mask(), perSuite: 4})
}

// REVISION_1 and every stateless bit, session-mode requests: the stateless
// op_flf with FLAG_SESSION_MODE and a zero sess_para.
func TestStatelessLayoutSessionModeVectorsOverSocket(t *testing.T) {
	runVectors(t, vectorFraming{name: "stateless layout, session mode", features: statelessFeatures, perSuite: 4})
}

// Stateless requests for every published vector: keys and parameters in
// each request, no session.
func TestStatelessVectorsOverSocket(t *testing.T) {
	runVectors(t, vectorFraming{name: "stateless", features: statelessFeatures, stateless: true})
}

// statelessFeatures is what the soft engine's device offers with
// Revision1: REVISION_1 and the stateless bits of CIPHER, HASH, MAC, AEAD
// and AKCIPHER.
var statelessFeatures = virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureCipherStatelessMode.Mask() |
	virtiocrypto.FeatureHashStatelessMode.Mask() | virtiocrypto.FeatureMACStatelessMode.Mask() |
	virtiocrypto.FeatureAEADStatelessMode.Mask() | virtiocrypto.FeatureAkcipherStatelessMode.Mask()

// TestRevision1FeatureNegotiation: device mode offers REVISION_1 and the
// stateless bits of the advertised services, cryptodev mode none of them
// (even from a device built with Revision1); a driver that acknowledges
// nothing keeps the legacy framing; a stateless bit without REVISION_1 and
// a bit not offered end the connection.
func TestRevision1FeatureNegotiation(t *testing.T) {
	leakCheck(t)
	t.Run("device mode offers", func(t *testing.T) {
		s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
		f := s.dial(t, FrontendConfig{Queues: 2})
		offered, err := f.GetFeatures()
		if err != nil {
			t.Fatal(err)
		}
		if got := offered & deviceFeatureMask; got != statelessFeatures {
			t.Fatalf("device mode offers crypto features %#x, want %#x", got, statelessFeatures)
		}
	})
	t.Run("cryptodev mode offers none", func(t *testing.T) {
		s := startServerWith(t, ModeCryptodev, cryptodev.Options{Revision1: true})
		f := s.dial(t, FrontendConfig{Queues: 1})
		offered, err := f.GetFeatures()
		if err != nil {
			t.Fatal(err)
		}
		if got := offered & deviceFeatureMask; got != 0 {
			t.Fatalf("cryptodev mode offers crypto features %#x", got)
		}
		if err := f.SetFeatures(FeatureProtocolFeatures | virtiocrypto.FeatureRevision1.Mask()); err != nil {
			t.Fatal(err)
		}
		waitClosed(t, f)
	})
	t.Run("legacy when nothing is acknowledged", func(t *testing.T) {
		s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
		f := s.dial(t, FrontendConfig{Queues: 2, AckAllFeatures: true, EventIdx: true, Indirect: true})
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		if c := f.CryptoFeatures(); c != 0 {
			t.Fatalf("AckAllFeatures acknowledged crypto bits %#x without CryptoFeatures", c)
		}
		if n := s.device(t).NegotiatedFeatures(); n != 0 {
			t.Fatalf("device negotiated %#x", n)
		}
		enc := createCBCSession(t, f.Queue(1), 0, virtiocrypto.OpEncrypt)
		dec := createCBCSession(t, f.Queue(1), 0, virtiocrypto.OpDecrypt)
		checkCBC(t, f.Queue(0), enc, dec)
	})
	for _, tc := range []struct {
		name string
		v    uint64
	}{
		{"stateless bit without REVISION_1", virtiocrypto.FeatureHashStatelessMode.Mask()},
		{"device bit 23 not offered", virtiocrypto.FeatureRevision1.Mask() | 1<<23},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
			f := s.dial(t, FrontendConfig{Queues: 2})
			if _, err := f.GetFeatures(); err != nil {
				t.Fatal(err)
			}
			if err := f.SetFeatures(FeatureProtocolFeatures | tc.v); err != nil {
				t.Fatal(err)
			}
			waitClosed(t, f)
			if n := s.device(t).NegotiatedFeatures(); n != 0 {
				t.Fatalf("device negotiated %#x after a refused SET_FEATURES", n)
			}
		})
	}
}

// createCBCSession creates an AES-128-CBC session with the SP 800-38A key
// on the control queue q, framed for features.
func createCBCSession(t *testing.T, q *FrontendQueue, features uint64, dir virtiocrypto.Direction) uint64 {
	t.Helper()
	req := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeCipherCreateSession},
		Sym: virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherSessionParams{
			Algo: virtiocrypto.CipherAESCBC, KeyLen: 16, Op: dir}}}
	in := e2eRun(t, q, [][]byte{req.Append(nil, features), sp80038aKey}, []int{virtiocrypto.CreateSessionInputSize})
	if st := virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:])); st != virtiocrypto.StatusOK {
		t.Fatalf("create session: %v", st)
	}
	return binary.LittleEndian.Uint64(in)
}

// TestStatelessRequestsOverSocket: the error paths of the new framings
// through the frontend: a stateless request for a service whose bit is not
// negotiated (NOTSUPP), a stateless request with a key longer than
// max_cipher_key_len (ERR), unknown flag bits (NOTSUPP), and truncated
// REVISION_1 headers (ERR); each followed by a good request on the same
// queue.
func TestStatelessRequestsOverSocket(t *testing.T) {
	leakCheck(t)
	s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
	// CIPHER's stateless bit is not acknowledged; HASH's is.
	feats := virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureHashStatelessMode.Mask()
	f := s.dial(t, FrontendConfig{Queues: 2, EventIdx: true, CryptoFeatures: feats})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	data, ctrl := f.Queue(0), f.Queue(1)
	cbc := engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: sp80038aKey, Direction: engine.Encrypt}
	op := engine.Op{Dir: engine.Encrypt, IV: sp80038aIV, Src: sp80038aPT}
	status := func(out []byte) virtiocrypto.Status { return virtiocrypto.Status(out[len(out)-1]) }
	good := func() {
		t.Helper()
		id := createCBCSession(t, ctrl, feats, virtiocrypto.OpEncrypt)
		dr, readable, writable := cryptodevtest.SessionDataRequest(id, &cbc, &op, len(sp80038aPT), 0, feats)
		out := e2eRun(t, data, append([][]byte{dr.Append(nil, feats)}, readable...), append(writable, 1))
		if status(out) != virtiocrypto.StatusOK || !bytes.Equal(out[:len(sp80038aCT)], sp80038aCT) {
			t.Fatalf("good request: status %v, dst %x", status(out), out[:len(sp80038aCT)])
		}
	}
	good()

	// Flag 0 for CIPHER without its stateless bit: the session-mode
	// struct, refused (spec: the device SHOULD reject it).
	dr, readable, writable := cryptodevtest.SessionDataRequest(1, &cbc, &op, len(sp80038aPT), 0, feats)
	dr.Header.Flag = 0
	if st := status(e2eRun(t, data, append([][]byte{dr.Append(nil, feats)}, readable...), append(writable, 1))); st != virtiocrypto.StatusNotSupp {
		t.Errorf("stateless CIPHER request without the CIPHER bit: status %v, want NOTSUPP", st)
	}
	// The same request in the stateless layout (as a driver that assumed
	// the bit would send it): still NOTSUPP.
	sr, sreadable, swritable := cryptodevtest.StatelessRequest(&cbc, &op, len(sp80038aPT), 0)
	all := cryptodevtest.AllFeatures
	if st := status(e2eRun(t, data, append([][]byte{sr.Append(nil, all)}, sreadable...), append(swritable, 1))); st != virtiocrypto.StatusNotSupp {
		t.Errorf("stateless-layout CIPHER request without the CIPHER bit: status %v, want NOTSUPP", st)
	}
	good()

	// HASH stateless with a published vector works; a HASH request with
	// unknown flag bits is NOTSUPP.
	v := pubVectorE2E(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	hp, hop := v.Params, v.Op(nil, nil)
	hr, hreadable, hwritable := cryptodevtest.StatelessRequest(&hp, &hop, 0, v.DigestLen())
	out := e2eRun(t, data, append([][]byte{hr.Append(nil, feats)}, hreadable...), append(hwritable, 1))
	if err := v.Check(nil, cryptodevtest.StatusAsError(status(out)), nil, out[:len(out)-1]); err != nil {
		t.Errorf("stateless SHA-256: %v", err)
	}
	hr.Header.Flag = 2
	if st := status(e2eRun(t, data, append([][]byte{hr.Append(nil, feats)}, hreadable...), append(hwritable, 1))); st != virtiocrypto.StatusNotSupp {
		t.Errorf("flag 2: status %v, want NOTSUPP", st)
	}

	// Truncated REVISION_1 headers: a 20-byte header, and a HASH header
	// whose 16-byte stateless op_flf is cut to 8 bytes, both alone in
	// the readable part.
	full := hr.Append(nil, feats)
	hr.Header.Flag = 0
	for _, n := range []int{20, virtiocrypto.DataHeaderSize + 8} {
		if st := status(e2eRun(t, data, [][]byte{full[:n]}, []int{32, 1})); st != virtiocrypto.StatusErr {
			t.Errorf("%d-byte request: status %v, want ERR", n, st)
		}
	}
	good()
}

// TestStatelessBadKeyLengthOverSocket: a stateless CIPHER request whose
// key_len exceeds max_cipher_key_len, and a stateless MAC request whose
// auth_key_len exceeds max_auth_key_len, get ERR; an AES key of a length
// AES does not have gets ERR from the engine.
func TestStatelessBadKeyLengthOverSocket(t *testing.T) {
	leakCheck(t)
	s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
	f := s.dial(t, FrontendConfig{Queues: 2, CryptoFeatures: statelessFeatures})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	cfg := s.device(t).Config()
	data := f.Queue(0)
	for _, tc := range []struct {
		name string
		p    engine.SessionParams
		op   engine.Op
		dst  int
		dig  int
	}{
		{"cipher key over max_cipher_key_len", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC,
			CipherKey: make([]byte, cfg.MaxCipherKeyLen+1), Direction: engine.Encrypt},
			engine.Op{Dir: engine.Encrypt, IV: sp80038aIV, Src: sp80038aPT}, len(sp80038aPT), 0},
		{"AES key of 17 bytes", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC,
			CipherKey: make([]byte, 17), Direction: engine.Encrypt},
			engine.Op{Dir: engine.Encrypt, IV: sp80038aIV, Src: sp80038aPT}, len(sp80038aPT), 0},
		{"auth key over max_auth_key_len", engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256,
			AuthKey: make([]byte, cfg.MaxAuthKeyLen+1), DigestLen: 32},
			engine.Op{Src: sp80038aPT}, 0, 32},
		{"AEAD key over max_cipher_key_len", engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM,
			CipherKey: make([]byte, cfg.MaxCipherKeyLen+1), DigestLen: 16, Direction: engine.Encrypt},
			engine.Op{Dir: engine.Encrypt, IV: make([]byte, 12), Src: sp80038aPT}, len(sp80038aPT) + 16, 0},
	} {
		r, readable, writable := cryptodevtest.StatelessRequest(&tc.p, &tc.op, tc.dst, tc.dig)
		out := e2eRun(t, data, append([][]byte{r.Append(nil, statelessFeatures)}, readable...), append(writable, 1))
		if st := virtiocrypto.Status(out[len(out)-1]); st != virtiocrypto.StatusErr {
			t.Errorf("%s: status %v, want ERR", tc.name, st)
		}
	}
	// The queue still serves a stateless request with the published key.
	cbc := engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: sp80038aKey, Direction: engine.Encrypt}
	op := engine.Op{Dir: engine.Encrypt, IV: sp80038aIV, Src: sp80038aPT}
	r, readable, writable := cryptodevtest.StatelessRequest(&cbc, &op, len(sp80038aPT), 0)
	out := e2eRun(t, data, append([][]byte{r.Append(nil, statelessFeatures)}, readable...), append(writable, 1))
	if st := virtiocrypto.Status(out[len(out)-1]); st != virtiocrypto.StatusOK || !bytes.Equal(out[:len(sp80038aCT)], sp80038aCT) {
		t.Fatalf("stateless AES-CBC: status %v, dst %x", st, out[:len(sp80038aCT)])
	}
}

// pubVectorE2E returns the published vector suite/id of enginetest.
func pubVectorE2E(t *testing.T, suite, id string) *enginetest.Vector {
	t.Helper()
	vs := enginetest.Vectors(t)
	for i := range vs {
		if vs[i].Suite == suite && vs[i].ID == id && vs[i].Skip == "" {
			return &vs[i]
		}
	}
	t.Fatalf("no published vector %s %s", suite, id)
	return nil
}

// TestChainedCipherMACOverSocket: a chained AES-128-CBC + HMAC-SHA256
// request with AAD, in REVISION_1 session mode, in the stateless layout in
// session mode, and stateless. Anchored to published vectors: src[32:96]
// is the SP 800-38A F.2.1 plaintext (cipher range: dst[32:96] must be the
// F.2.1 ciphertext), and the AAD ‖ hashed range is the RFC 4231 test case
// 2 message split in two (AAD = its first 10 bytes, range = src[10:28] =
// the rest), so hash_result must be that test case's HMAC. The AAD comes
// before src in the stateless op_vlf and after it in the session-mode one.
func TestChainedCipherMACOverSocket(t *testing.T) {
	leakCheck(t)
	hm := pubVectorE2E(t, "rfc4231:HMAC-SHA-256", "test case 2")
	const split = 10
	src := make([]byte, 100)
	copy(src[split:], hm.Src[split:])
	copy(src[32:], sp80038aPT)
	for i := range src {
		if (i < split) || (i >= len(hm.Src) && i < 32) || i >= 96 {
			src[i] = byte(0xA0 + i)
		}
	}
	aad := hm.Src[:split]
	p := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
		Cipher: engine.AESCBC, CipherKey: sp80038aKey, Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: hm.Params.AuthKey,
		DigestLen: 32, AADLen: len(aad)}
	op := engine.Op{Dir: engine.Encrypt, IV: sp80038aIV, Src: src, AAD: aad,
		CipherOffset: 32, CipherLen: 64, HashOffset: split, HashLen: len(hm.Src) - split}
	want := bytes.Clone(src)
	copy(want[32:96], sp80038aCT)
	for _, fr := range []vectorFraming{
		{name: "REVISION_1 session mode", features: virtiocrypto.FeatureRevision1.Mask()},
		{name: "stateless layout, session mode", features: statelessFeatures},
		{name: "stateless", features: statelessFeatures, stateless: true},
	} {
		t.Run(fr.name, func(t *testing.T) {
			s := startServerWith(t, ModeDevice, cryptodev.Options{Revision1: true})
			f := s.dial(t, FrontendConfig{Queues: 2, CryptoFeatures: fr.features})
			if err := f.Handshake(); err != nil {
				t.Fatal(err)
			}
			var dr virtiocrypto.DataRequest
			var readable [][]byte
			var writable []int
			if fr.stateless {
				dr, readable, writable = cryptodevtest.StatelessRequest(&p, &op, len(src), 32)
			} else {
				req, keys := cryptodevtest.SessionRequest(&p)
				in := e2eRun(t, f.Queue(1), append([][]byte{req.Append(nil, fr.features)}, keys...), []int{virtiocrypto.CreateSessionInputSize})
				if st := virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:])); st != virtiocrypto.StatusOK {
					t.Fatalf("create: %v", st)
				}
				dr, readable, writable = cryptodevtest.SessionDataRequest(binary.LittleEndian.Uint64(in), &p, &op, len(src), 32, fr.features)
			}
			out := e2eRun(t, f.Queue(0), append([][]byte{dr.Append(nil, fr.features)}, readable...), append(writable, 1))
			if st := virtiocrypto.Status(out[len(out)-1]); st != virtiocrypto.StatusOK {
				t.Fatalf("status %v", st)
			}
			if !bytes.Equal(out[:100], want) {
				t.Errorf("dst %x, want %x", out[:100], want)
			}
			if !bytes.Equal(out[100:132], hm.WantDigest) {
				t.Errorf("hash_result %x, want RFC 4231 TC2 %x", out[100:132], hm.WantDigest)
			}
		})
	}
}
