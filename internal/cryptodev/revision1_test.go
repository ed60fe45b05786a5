package cryptodev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq/virtqtest"
)

// VIRTIO_CRYPTO_F_REVISION_1 and the stateless modes (Options.Revision1):
// requirements of the spec that apply once they are negotiated, the
// hostile cases of the new framings (which also seed FuzzDataQueue; the
// AKCIPHER ones are in akcipher_stateless_test.go), and the AKCIPHER
// stateless parameters.

// rev1All is what a Revision1 device over the soft engine offers:
// REVISION_1 and the stateless bits of CIPHER, HASH, MAC, AEAD and
// AKCIPHER.
var rev1All = virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureCipherStatelessMode.Mask() |
	virtiocrypto.FeatureHashStatelessMode.Mask() | virtiocrypto.FeatureMACStatelessMode.Mask() |
	virtiocrypto.FeatureAEADStatelessMode.Mask() | virtiocrypto.FeatureAkcipherStatelessMode.Mask()

// rev1Rig is a rig over a Revision1 device that negotiated features.
func rev1Rig(t *testing.T, features uint64, opts Options) *rig {
	t.Helper()
	opts.Revision1 = true
	g := newRig(t, opts, virtqtest.Config{Size: 256})
	if err := g.dev.SetFeatures(features); err != nil {
		t.Fatal(err)
	}
	return g
}

// createF is rig.create framed for features.
func (g *rig) createF(features uint64, req virtiocrypto.CtrlRequest, keys ...[]byte) (uint64, virtiocrypto.Status) {
	g.t.Helper()
	c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, append([][]byte{req.Append(nil, features)}, keys...), []int{16})
	if c.Len != 16 {
		g.t.Fatalf("create: used length %d", c.Len)
	}
	return binary.LittleEndian.Uint64(c.Writable), virtiocrypto.Status(binary.LittleEndian.Uint32(c.Writable[8:]))
}

// doF is rig.do framed for features.
func (g *rig) doF(features uint64, req virtiocrypto.DataRequest, readable [][]byte, writable ...int) ([]byte, virtiocrypto.Status) {
	g.t.Helper()
	c := g.roundTrip(g.data, g.dataQ, g.dataW, false, append([][]byte{req.Append(nil, features)}, readable...), append(writable, 1))
	n := len(c.Writable)
	return c.Writable[:n-1], virtiocrypto.Status(c.Writable[n-1])
}

// runVecF runs v on g under features: a session through the control queue
// and a session-mode request (stateless false), or a stateless request.
func runVecF(t *testing.T, g *rig, features uint64, v *enginetest.Vector, stateless bool) error {
	t.Helper()
	p, op := v.Params, v.Op(nil, nil)
	var sessErr error
	var out []byte
	var st virtiocrypto.Status
	if stateless {
		dr, readable, writable := cryptodevtest.StatelessRequest(&p, &op, v.DstLen(), v.DigestLen())
		out, st = g.doF(features, dr, readable, writable...)
		if v.Invalid && v.SessionFails {
			sessErr = cryptodevtest.StatusAsError(st)
		}
	} else {
		req, keys := cryptodevtest.SessionRequest(&p)
		id, cst := g.createF(features, req, keys...)
		if cst != virtiocrypto.StatusOK {
			return v.Check(cryptodevtest.StatusAsError(cst), nil, nil, nil)
		}
		dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, v.DstLen(), v.DigestLen(), features)
		out, st = g.doF(features, dr, readable, writable...)
	}
	return v.Check(sessErr, cryptodevtest.StatusAsError(st), out[:v.DstLen()], out[v.DstLen():])
}

// "VIRTIO_CRYPTO_F_<SERVICE>_STATELESS_MODE: Requires
// VIRTIO_CRYPTO_F_REVISION_1" (Feature bit requirements). The device
// offers each stateless bit only with REVISION_1, only for the services it
// advertises, only when Options.Revision1 is set, and refuses a driver's
// stateless bit without REVISION_1 (keeping the legacy framing).
func TestMUST_StatelessFeaturesRequireRevision1(t *testing.T) {
	if f := defaultRig(t).dev.Features(); f != 0 {
		t.Fatalf("device without Revision1 offers %#x", f)
	}
	g := newRig(t, Options{Revision1: true}, virtqtest.Config{Size: 16})
	if f := g.dev.Features(); f != rev1All {
		t.Fatalf("offers %#x, want %#x", f, rev1All)
	}
	for _, bad := range []uint64{
		virtiocrypto.FeatureCipherStatelessMode.Mask(),
		rev1All &^ virtiocrypto.FeatureRevision1.Mask(),
		virtiocrypto.FeatureRevision1.Mask() | 1<<6,
	} {
		if err := g.dev.SetFeatures(bad); !errors.Is(err, ErrFeatures) {
			t.Errorf("SetFeatures(%#x) = %v, want ErrFeatures", bad, err)
		}
		if n := g.dev.NegotiatedFeatures(); n != 0 {
			t.Fatalf("negotiated %#x after a refused SetFeatures", n)
		}
	}
	// A capability-limited engine: only the advertised services' bits.
	hashOnly := capEngine{testEngine, engine.Capabilities{Hash: []engine.HashAlg{engine.SHA256}}}
	d, err := New(hashOnly, Options{Revision1: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureHashStatelessMode.Mask(); d.Features() != want {
		t.Errorf("HASH-only device offers %#x, want %#x", d.Features(), want)
	}
}

// statelessFlag checks, under REVISION_1 with v's service's stateless bit
// negotiated, "the device MUST parse flag field ... in order to decide
// which mode the driver uses": FLAG_SESSION_MODE runs v on a session (the
// stateless op_flf, sess_para ignored), flag 0 runs it stateless.
func statelessFlag(t *testing.T, v *enginetest.Vector) {
	t.Helper()
	g := rev1Rig(t, rev1All, Options{})
	if err := runVecF(t, g, rev1All, v, false); err != nil {
		t.Errorf("FLAG_SESSION_MODE: %s %s: %v", v.Suite, v.ID, err)
	}
	n := g.dev.Sessions().Len()
	if err := runVecF(t, g, rev1All, v, true); err != nil {
		t.Errorf("flag 0 (stateless): %s %s: %v", v.Suite, v.ID, err)
	}
	if m := g.dev.Sessions().Len(); m != n {
		t.Errorf("%d sessions after a stateless request, %d before (stateless requests create none)", m, n)
	}
}

func TestMUST_HashParseFlagWhenStatelessNegotiated(t *testing.T) {
	statelessFlag(t, pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24"))
}

func TestMUST_MACParseFlagWhenStatelessNegotiated(t *testing.T) {
	statelessFlag(t, pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2"))
}

func TestMUST_SymParseFlagWhenStatelessNegotiated(t *testing.T) {
	statelessFlag(t, pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3"))
}

func TestMUST_AEADParseStatelessVLFWhenNegotiated(t *testing.T) {
	statelessFlag(t, pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc"))
	statelessFlag(t, pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/dec"))
}

// "If VIRTIO_CRYPTO_F_REVISION_1 is negotiated but
// VIRTIO_CRYPTO_F_<SERVICE>_STATELESS_MODE is not negotiated, then the
// device SHOULD reject <SERVICE> requests if VIRTIO_CRYPTO_FLAG_SESSION_MODE
// is not set": NOTSUPP (INTERPRETATIONS proposal); with the flag the
// request is served.
func TestSHOULD_RejectStatelessWithoutServiceBitUnderRevision1(t *testing.T) {
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	g := rev1Rig(t, rev1, Options{})
	v := pubVector(t, "cavp:AES-CBC", "CBCMMT128/dec/COUNT=3")
	if err := runVecF(t, g, rev1, v, false); err != nil {
		t.Fatalf("FLAG_SESSION_MODE: %v", err)
	}
	p, op := v.Params, v.Op(nil, nil)
	id := g.mustCreateF(rev1, p)
	dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, v.DstLen(), v.DigestLen(), rev1)
	dr.Header.Flag = 0
	_, st := g.doF(rev1, dr, readable, writable...)
	wantStatus(t, "flag 0 without CIPHER_STATELESS_MODE", st, virtiocrypto.StatusNotSupp)
	// Unknown flag bits under REVISION_1: NOTSUPP, with or without the
	// session-mode bit.
	for _, flag := range []uint32{2, virtiocrypto.FlagSessionMode | 0x80000000} {
		dr.Header.Flag = flag
		_, st = g.doF(rev1, dr, readable, writable...)
		wantStatus(t, fmt.Sprintf("flag %#x", flag), st, virtiocrypto.StatusNotSupp)
	}
}

// mustCreateF is mustCreate framed for features.
func (g *rig) mustCreateF(features uint64, p engine.SessionParams) uint64 {
	g.t.Helper()
	req, keys := cryptodevtest.SessionRequest(&p)
	id, st := g.createF(features, req, keys...)
	if st != virtiocrypto.StatusOK || id == 0 {
		g.t.Fatalf("create %v: id %d status %v", p.Service, id, st)
	}
	return id
}

// Control queue under REVISION_1 ("Control Virtqueue": op_flf is the
// opcode's own struct): creates of every service with exact-size op_flf
// and the keys right after it, a destroy with its 8-byte op_flf, NOSPC on
// a full table ("VIRTIO_CRYPTO_NOSPC if no free session ID (only when the
// VIRTIO_CRYPTO_F_REVISION_1 feature bit is negotiated)"), and truncated
// requests (ERR).
func TestMUST_CreateSessionRevision1Framing(t *testing.T) {
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	g := rev1Rig(t, rev1, Options{MaxSessions: 2})
	for _, v := range []*enginetest.Vector{
		pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2"),
		pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24"),
		pubVector(t, "rfc8439:ChaCha20-Poly1305", "§2.8.2/enc"),
		pubVector(t, "cavp:AES-CBC", "CBCMMT128/enc/COUNT=3"),
	} {
		if err := runVecF(t, g, rev1, v, false); err != nil {
			t.Errorf("%s %s: %v", v.Suite, v.ID, err)
		}
		// runVecF leaves its session: destroy it with a REVISION_1 destroy.
		d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: cryptodevtest.DestroyOpcode(&v.Params)},
			Destroy: virtiocrypto.DestroySessionParams{SessionID: lastID(g)}}
		c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, [][]byte{d.Append(nil, rev1)}, []int{1})
		if c.Len != 1 || c.Writable[0] != byte(virtiocrypto.StatusOK) {
			t.Errorf("REVISION_1 destroy: used %d status %d", c.Len, c.Writable[0])
		}
	}
	g.mustCreateF(rev1, cbcParams(engine.Encrypt))
	g.mustCreateF(rev1, cbcParams(engine.Encrypt))
	p := cbcParams(engine.Encrypt)
	req, keys := cryptodevtest.SessionRequest(&p)
	if id, st := g.createF(rev1, req, keys...); st != virtiocrypto.StatusNoSpc || id != 0 {
		t.Errorf("third create on a 2-session table: id %d status %v, want NOSPC", id, st)
	}
	// Truncated: the header alone, and a MAC create cut inside its op_flf.
	mac := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: []byte("Jefe"), DigestLen: 32}
	mreq, _ := cryptodevtest.SessionRequest(&mac)
	full := mreq.Append(nil, rev1)
	for _, n := range []int{virtiocrypto.CtrlHeaderSize - 1, virtiocrypto.CtrlHeaderSize, virtiocrypto.CtrlHeaderSize + 8} {
		c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, [][]byte{full[:n]}, []int{16})
		if st := virtiocrypto.Status(binary.LittleEndian.Uint32(c.Writable[8:])); c.Len != 16 || st != virtiocrypto.StatusErr {
			t.Errorf("%d-byte create: used %d status %v, want ERR", n, c.Len, st)
		}
	}
}

// lastID is the id of the latest session of g's device (ids increase).
func lastID(g *rig) uint64 {
	var id uint64
	g.dev.sessions.m.Range(func(k, _ any) bool {
		id = max(id, k.(uint64))
		return true
	})
	return id
}

// Stateless key bounds ("The driver ... MUST guarantee that the key_len
// ... is within max_cipher_key_len", "auth_key_len ... within
// max_auth_key_len"): a longer key gets ERR and is not read; the worker's
// arena holds no key bytes afterwards.
func TestStatelessKeyBoundsERR(t *testing.T) {
	g := rev1Rig(t, rev1All, Options{})
	cfg := g.dev.Config()
	cbc := cbcParams(engine.Encrypt)
	cbc.CipherKey = make([]byte, cfg.MaxCipherKeyLen+1)
	op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: cbcPT}
	dr, readable, writable := cryptodevtest.StatelessRequest(&cbc, &op, 64, 0)
	_, st := g.doF(rev1All, dr, readable, writable...)
	wantStatus(t, "cipher key over max_cipher_key_len", st, virtiocrypto.StatusErr)
	mac := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: make([]byte, cfg.MaxAuthKeyLen+1), DigestLen: 32}
	mop := engine.Op{Src: cbcPT}
	dr, readable, writable = cryptodevtest.StatelessRequest(&mac, &mop, 0, 32)
	_, st = g.doF(rev1All, dr, readable, writable...)
	wantStatus(t, "auth key over max_auth_key_len", st, virtiocrypto.StatusErr)
	// A plain-hash chain that carries an auth key.
	ch := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModePlain,
		Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: engine.Encrypt, Hash: engine.SHA256, AuthKey: []byte{1}, DigestLen: 32}
	cop := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: cbcPT, CipherLen: 64, HashLen: 64}
	dr, readable, writable = cryptodevtest.StatelessRequest(&ch, &cop, 64, 32)
	_, st = g.doF(rev1All, dr, readable, writable...)
	wantStatus(t, "plain-hash chain with an auth key", st, virtiocrypto.StatusErr)
	assertArenaWiped(t, g.dataW)
	if g.dataW.tmp.s != nil {
		t.Error("temporary session kept")
	}
}

// TestAkcipherStatelessParams: the AKCIPHER stateless sess_para becomes the
// engine's AKCipherParams (the AKCIPHER data handler then runs it like a
// session request).
func TestAkcipherStatelessParams(t *testing.T) {
	key := []byte{1, 2, 3}
	rsa := virtiocrypto.AkcipherDataStateless{Algo: virtiocrypto.AkcipherRSA, KeyType: virtiocrypto.KeyTypePrivate, KeyLen: 3,
		RSA: virtiocrypto.RSAParams{Padding: virtiocrypto.RSAPKCS1Padding, Hash: 6}}
	// Through the wire encoding, so that the union is read by algorithm.
	b := rsa.Append(nil)
	got, err := virtiocrypto.ParseAkcipherDataStateless(b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := akcipherStatelessParams(&got, key)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.AKCipherParams{Alg: engine.RSA, KeyType: engine.KeyPrivate, Key: key, Padding: engine.RSAPKCS1Padding, Hash: engine.RSASHA256}
	if p.Service != engine.ServiceAKCipher || p.AK.Alg != want.Alg || p.AK.KeyType != want.KeyType || !bytes.Equal(p.AK.Key, key) ||
		p.AK.Padding != want.Padding || p.AK.Hash != want.Hash || p.AK.Curve != 0 {
		t.Errorf("RSA: %+v, want %+v", p.AK, want)
	}
	ec := virtiocrypto.AkcipherDataStateless{Algo: virtiocrypto.AkcipherECDSA, KeyType: virtiocrypto.KeyTypePublic, KeyLen: 3,
		ECDSA: virtiocrypto.ECDSAParams{Curve: 3}}
	got, _ = virtiocrypto.ParseAkcipherDataStateless(ec.Append(nil))
	if p, err = akcipherStatelessParams(&got, key); err != nil || p.AK.Alg != engine.ECDSA || p.AK.Curve != engine.CurveP256 ||
		p.AK.KeyType != engine.KeyPublic || p.AK.Padding != 0 {
		t.Errorf("ECDSA: %+v, %v", p.AK, err)
	}
	for _, tc := range []struct {
		a    virtiocrypto.AkcipherDataStateless
		want virtiocrypto.Status
	}{
		{virtiocrypto.AkcipherDataStateless{Algo: 7, KeyType: virtiocrypto.KeyTypePublic}, virtiocrypto.StatusNotSupp},
		{virtiocrypto.AkcipherDataStateless{Algo: virtiocrypto.AkcipherRSA, KeyType: 3}, virtiocrypto.StatusErr},
		{virtiocrypto.AkcipherDataStateless{Algo: virtiocrypto.AkcipherECDSA}, virtiocrypto.StatusErr},
	} {
		_, err := akcipherStatelessParams(&tc.a, key)
		if st := Status(err); st != tc.want {
			t.Errorf("%+v: %v (%v), want %v", tc.a, st, err, tc.want)
		}
	}
}

// ---- Hostile REVISION_1 / stateless data requests ----

// revision1Device is hostileDevice with REVISION_1 and every offered
// stateless bit negotiated (the kit's ids are the same).
func revision1Device(tb testing.TB) (*Device, kit) {
	tb.Helper()
	dev, err := New(testEngine, Options{MaxSize: hostileMaxSize, MaxSessions: 64, Revision1: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(dev.Close)
	if err := dev.SetFeatures(dev.Features()); err != nil {
		tb.Fatal(err)
	}
	return dev, newKit(tb, dev)
}

// statelessCBC is the stateless F.2.1 AES-128-CBC encryption: the
// 100-byte header and op_flf, then key, IV and plaintext.
func statelessCBC(key []byte) (hdr []byte, readable [][]byte) {
	p := cbcParams(engine.Encrypt)
	p.CipherKey = key
	op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: cbcPT}
	r, readable, _ := cryptodevtest.StatelessRequest(&p, &op, 64, 0)
	return r.Append(nil, rev1All), readable
}

// revision1DataCases are data-queue contents in the REVISION_1 and
// stateless framings for a device from revision1Device. They seed
// FuzzDataQueue too.
func revision1DataCases(tb testing.TB) []hostileCase {
	ok, errSt, notsupp := virtiocrypto.StatusOK, virtiocrypto.StatusErr, virtiocrypto.StatusNotSupp
	hm := pubVector(tb, "rfc4231:HMAC-SHA-256", "test case 2")
	sessionCBC := func(k kit, flag uint32) []byte {
		p := cbcParams(engine.Encrypt)
		op := engine.Op{Dir: engine.Encrypt, IV: cbcIV, Src: cbcPT}
		r, _, _ := cryptodevtest.SessionDataRequest(k.cbcEnc, &p, &op, 64, 0, rev1All)
		r.Header.Flag = flag
		return r.Append(nil, rev1All)
	}
	return append(akStatelessDataCases(), []hostileCase{
		{name: "REVISION_1 session-mode AES-CBC (stateless layout)", used: 1, len: 65, st: ok,
			build: func(s *scenario, k kit) uint64 { return cbcChain(s, sessionCBC(k, virtiocrypto.FlagSessionMode)) },
			check: checkBlob(virtiocrypto.DataHeaderSize+virtiocrypto.SymDataStatelessSize+16+64, cbcCT)},
		{name: "stateless AES-CBC", used: 1, len: 65, st: ok, build: func(s *scenario, _ kit) uint64 {
			hdr, rd := statelessCBC(cbcKey)
			st := s.w(1)
			s.chain(s.r(hdr), s.r(rd[0]), s.r(rd[1]), s.r(rd[2]), s.w(64), st)
			return st.Addr
		}},
		{name: "stateless AES-CBC with header, key and IV split across descriptors", used: 1, len: 65, st: ok, build: func(s *scenario, _ kit) uint64 {
			hdr, rd := statelessCBC(cbcKey)
			all := bytes.Join([][]byte{hdr, rd[0], rd[1]}, nil)
			st := s.w(1)
			s.chain(s.r(all[:7]), s.r(all[7:30]), s.r(all[30:101]), s.r(all[101:]), s.r(rd[2]), s.w(64), st)
			return st.Addr
		}},
		{name: "stateless HMAC-SHA256 (RFC 4231 TC2)", used: 1, len: 33, st: ok, build: func(s *scenario, _ kit) uint64 {
			p, op := hm.Params, hm.Op(nil, nil)
			r, rd, _ := cryptodevtest.StatelessRequest(&p, &op, 0, 32)
			st := s.w(1)
			s.chain(s.r(r.Append(nil, rev1All)), s.r(rd[0]), s.r(rd[1]), s.w(32), st)
			return st.Addr
			// Blob: status at 0, then header, key, src, hash_result.
		}, check: checkBlob(1+virtiocrypto.DataHeaderSize+virtiocrypto.MACDataStatelessSize+len(hm.Params.AuthKey)+len(hm.Src), hm.WantDigest)},
		{name: "stateless AES-CBC with a 17-byte key", used: 1, len: 65, st: errSt, build: func(s *scenario, _ kit) uint64 {
			hdr, rd := statelessCBC(make([]byte, 17))
			st := s.w(1)
			s.chain(s.r(hdr), s.r(rd[0]), s.r(rd[1]), s.r(rd[2]), s.w(64), st)
			return st.Addr
		}},
		{name: "stateless key_len 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, _ kit) uint64 {
			hdr, rd := statelessCBC(cbcKey)
			binary.LittleEndian.PutUint32(hdr[virtiocrypto.DataHeaderSize+4:], 0xFFFFFFFF)
			st := s.w(1)
			s.chain(s.r(hdr), s.r(rd[0]), s.r(rd[1]), s.r(rd[2]), s.w(64), st)
			return st.Addr
		}},
		{name: "unknown flag bit", used: 1, len: 65, st: notsupp,
			build: func(s *scenario, k kit) uint64 { return cbcChain(s, sessionCBC(k, 4)) }},
		{name: "session mode on an unknown session", used: 1, len: 65, st: virtiocrypto.StatusInvSess, build: func(s *scenario, k kit) uint64 {
			h := sessionCBC(k, virtiocrypto.FlagSessionMode)
			binary.LittleEndian.PutUint64(h[8:], 999)
			return cbcChain(s, h)
		}},
		{name: "header only (24 bytes)", used: 1, len: 65, st: errSt, build: func(s *scenario, _ kit) uint64 {
			hdr, _ := statelessCBC(cbcKey)
			st := s.w(1)
			s.chain(s.r(hdr[:virtiocrypto.DataHeaderSize]), s.w(64), st)
			return st.Addr
		}},
		{name: "op_flf cut short", used: 1, len: 65, st: errSt, build: func(s *scenario, _ kit) uint64 {
			hdr, _ := statelessCBC(cbcKey)
			st := s.w(1)
			s.chain(s.r(hdr[:60]), s.w(64), st)
			return st.Addr
		}},
		{name: "legacy 72-byte request under REVISION_1", used: 1, len: 65, st: notsupp,
			// Flag 0 and the stateless layout: the 76-byte op_flf runs
			// into the IV and plaintext, whose bytes at op_type's place
			// (offset 72) name no symmetric operation.
			build: func(s *scenario, k kit) uint64 { return cbcChain(s, cbcHdr(k)) }},
	}...)
}

// runHostileRev1 is runHostile for a data case on a revision1Device, with
// the stateless good request afterwards.
func runHostileRev1(t *testing.T, c hostileCase) {
	dev, k := revision1Device(t)
	e := newQEnv(t, dev, false, hostileQueueSize, hostileMem)
	var s scenario
	at := c.build(&s, k)
	u := e.run(&s)
	if len(u) != max(c.used, 0) {
		t.Fatalf("%d used elements %v, want %d", len(u), u, c.used)
	}
	for i, x := range u {
		if x.id != uint32(s.heads[i]) || x.len != c.len {
			t.Errorf("used element %d = {id %d, len %d}, want {id %d, len %d}", i, x.id, x.len, s.heads[i], c.len)
		}
	}
	if at != 0 {
		if st := virtiocrypto.Status(e.bytes(at, 1)[0]); st != c.st {
			t.Errorf("status %v, want %v", st, c.st)
		}
	}
	if c.check != nil {
		c.check(t, e, k)
	}
	assertArenaWiped(t, e.w)
	if e.w.tmp.s != nil {
		t.Error("temporary session kept after the batch")
	}
	if n := dev.Sessions().Len(); n != kitSize {
		t.Errorf("%d sessions, want the kit's 8", n)
	}
	e.goodStateless()
}

func TestHostileRevision1DataQueue(t *testing.T) {
	for _, c := range revision1DataCases(t) {
		t.Run(c.name, func(t *testing.T) { runHostileRev1(t, c) })
	}
}

// goodStateless sends the stateless F.2.1 encryption through this data
// queue (device with rev1All negotiated) and checks it.
func (e *qenv) goodStateless() {
	e.t.Helper()
	g := e.goodGPA()
	hdr, rd := statelessCBC(cbcKey)
	req := bytes.Join(append([][]byte{hdr}, rd...), nil)
	copy(e.bytes(g, len(req)), req)
	out := g + uint64(len(req))
	dst := e.bytes(out, 65)
	for i := range dst {
		dst[i] = 0xEE
	}
	s := scenario{}
	s.chain(virtqtest.Desc{Addr: g, Len: uint32(len(req))}, virtqtest.Desc{Addr: out, Len: 64, Flags: virtio.DescFWrite},
		virtqtest.Desc{Addr: out + 64, Len: 1, Flags: virtio.DescFWrite})
	if n := e.one(&s); n != 65 {
		e.t.Fatalf("good stateless request: used length %d, want 65", n)
	}
	if st := virtiocrypto.Status(dst[64]); st != virtiocrypto.StatusOK || !bytes.Equal(dst[:64], cbcCT) {
		e.t.Fatalf("good stateless request: status %v, ciphertext %x, want %x", st, dst[:64], cbcCT)
	}
}

// fuzzRevision1 runs a FuzzDataQueue input on a device that negotiated
// REVISION_1 and every offered stateless mode, with the same properties,
// and then the good stateless request.
func fuzzRevision1(t *testing.T, b []byte) {
	dev, k := revision1Device(t)
	if k != fixedKit() {
		t.Fatalf("kit ids %v, want %v", k, fixedKit())
	}
	e := newQEnv(t, dev, false, hostileQueueSize, hostileMem)
	s := decodeScenario(b, hostileQueueSize)
	next := runChecked(t, e, &s)
	assertArenaWiped(t, e.w)
	if e.w.tmp.s != nil {
		t.Fatal("temporary session kept after the batch")
	}
	if n := dev.Sessions().Len(); n != kitSize {
		t.Fatalf("%d sessions after data requests, want %d", n, kitSize)
	}
	next.goodStateless()
}

// ---- Hostile REVISION_1 control requests ----

// revision1ControlCases are control-queue contents in the REVISION_1
// framing (exact-size op_flf) for a revision1Device. They seed
// FuzzControlQueue too. Create answers are struct
// virtio_crypto_session_input (16 bytes), destroy answers one byte.
func revision1ControlCases() []hostileCase {
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	mac := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: []byte("Jefe"), DigestLen: 32}
	mreq, _ := cryptodevtest.SessionRequest(&mac)
	create := mreq.Append(nil, rev1) // 16 + 16 bytes, then the 4-byte key
	return []hostileCase{
		{name: "REVISION_1 MAC create", used: 1, len: 16, st: virtiocrypto.StatusOK, build: func(s *scenario, _ kit) uint64 {
			in := s.w(16)
			s.chain(s.r(create), s.r(mac.AuthKey), in)
			return in.Addr
		}},
		{name: "REVISION_1 MAC create split inside op_flf", used: 1, len: 16, st: virtiocrypto.StatusOK, build: func(s *scenario, _ kit) uint64 {
			in := s.w(16)
			all := append(bytes.Clone(create), mac.AuthKey...)
			s.chain(s.r(all[:5]), s.r(all[5:20]), s.r(all[20:]), in)
			return in.Addr
		}},
		{name: "REVISION_1 create: header only", used: 1, len: 16, st: virtiocrypto.StatusErr, build: func(s *scenario, _ kit) uint64 {
			in := s.w(16)
			s.chain(s.r(create[:virtiocrypto.CtrlHeaderSize]), in)
			return in.Addr
		}},
		{name: "REVISION_1 destroy of a kit session", used: 1, len: 1, st: virtiocrypto.StatusOK, build: func(s *scenario, k kit) uint64 {
			d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeHashDestroySession},
				Destroy: virtiocrypto.DestroySessionParams{SessionID: k.sha256}}
			st := s.w(1)
			s.chain(s.r(d.Append(nil, rev1)), st)
			return st.Addr
		}},
		{name: "REVISION_1 unknown opcode", used: 1, len: 16, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, _ kit) uint64 {
			h := virtiocrypto.CtrlHeader{Opcode: virtiocrypto.MakeOpcode(virtiocrypto.ServiceHash, 9)}
			in := s.w(16)
			s.chain(s.r(h.Append(nil)), in)
			return in.Addr
		}},
	}
}

func TestHostileRevision1ControlQueue(t *testing.T) {
	for _, c := range revision1ControlCases() {
		t.Run(c.name, func(t *testing.T) {
			dev, k := revision1Device(t)
			e := newQEnv(t, dev, true, hostileQueueSize, hostileMem)
			var s scenario
			at := c.build(&s, k)
			u := e.run(&s)
			if len(u) != 1 || u[0].len != c.len {
				t.Fatalf("used %v, want one of length %d", u, c.len)
			}
			st := virtiocrypto.Status(e.bytes(at, 1)[0])
			if c.len == 16 {
				st = virtiocrypto.Status(binary.LittleEndian.Uint32(e.bytes(at+8, 4)))
			}
			if st != c.st {
				t.Errorf("status %v, want %v", st, c.st)
			}
			assertArenaWiped(t, e.w)
			e.goodControlRev1()
		})
	}
}

// goodControlRev1 is goodControl in the REVISION_1 framing: a 72-byte
// create (16 + 56) and a 24-byte destroy (16 + 8).
func (e *qenv) goodControlRev1() {
	e.t.Helper()
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	g := e.goodGPA()
	p := cbcParams(engine.Encrypt)
	r, keys := cryptodevtest.SessionRequest(&p)
	req := r.Append(nil, rev1)
	copy(e.bytes(g, len(req)), req)
	copy(e.bytes(g+uint64(len(req)), 16), keys[0])
	in := e.bytes(g+128, 16)
	clear(in)
	s := scenario{}
	s.chain(virtqtest.Desc{Addr: g, Len: uint32(len(req)) + 16}, virtqtest.Desc{Addr: g + 128, Len: 16, Flags: virtio.DescFWrite})
	if n := e.one(&s); n != 16 {
		e.t.Fatalf("good create: used length %d, want 16", n)
	}
	id, st := binary.LittleEndian.Uint64(in), virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
	if st != virtiocrypto.StatusOK || id == 0 {
		e.t.Fatalf("good create: id %d status %v", id, st)
	}
	d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeCipherDestroySession},
		Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
	dreq := d.Append(nil, rev1)
	copy(e.bytes(g+256, len(dreq)), dreq)
	out := e.bytes(g+336, 1)
	out[0] = 0xEE
	s = scenario{}
	s.chain(virtqtest.Desc{Addr: g + 256, Len: uint32(len(dreq))}, virtqtest.Desc{Addr: g + 336, Len: 1, Flags: virtio.DescFWrite})
	if n := e.one(&s); n != 1 || out[0] != byte(virtiocrypto.StatusOK) {
		e.t.Fatalf("good destroy: used length %d, status %d", n, out[0])
	}
}

// fuzzRevision1Control runs a FuzzControlQueue input on a revision1Device.
func fuzzRevision1Control(t *testing.T, b []byte) {
	dev, k := revision1Device(t)
	if k != fixedKit() {
		t.Fatalf("kit ids %v, want %v", k, fixedKit())
	}
	e := newQEnv(t, dev, true, hostileQueueSize, hostileMem)
	s := decodeScenario(b, hostileQueueSize)
	next := runChecked(t, e, &s)
	assertArenaWiped(t, e.w)
	if n := dev.Sessions().Len(); n < kitSize-len(s.heads) || n > kitSize+len(s.heads) {
		t.Fatalf("%d sessions after %d control requests on %d", n, len(s.heads), kitSize)
	}
	next.goodControlRev1()
}

// TestDataPathZeroAllocsRevision1: session-mode requests under REVISION_1
// (exact-size op_flf) and in the stateless layout (FLAG_SESSION_MODE)
// allocate nothing either. (Stateless requests create an engine session
// per request and are not on this path.)
func TestDataPathZeroAllocsRevision1(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, features := range []uint64{virtiocrypto.FeatureRevision1.Mask(), rev1All} {
		for _, a := range benchAlgs() {
			x := newBenchQueueF(t, &a, 1024, features)
			x.batch(t)
			if n := testing.AllocsPerRun(20, func() { x.batch(t) }); n != 0 {
				t.Errorf("features %#x, %s: %.2f allocations per batch of %d requests, want 0", features, a.name, n, benchBatch)
			}
		}
	}
}
