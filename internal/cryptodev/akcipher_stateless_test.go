package cryptodev

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq/virtqtest"
)

// AKCIPHER under VIRTIO_CRYPTO_F_REVISION_1: session-mode requests with the
// 8-byte op_flf (REVISION_1 alone) or the 28-byte stateless op_flf and
// FLAG_SESSION_MODE (REVISION_1 and AKCIPHER_STATELESS_MODE), and
// stateless requests (flag 0: sess_para in op_flf, akcipher_key first in
// op_vlf; spec "AKCIPHER Service Operation",
// struct virtio_crypto_akcipher_data_flf_stateless / _vlf_stateless), with
// the published cases of cryptodevtest.AKCases.

// akSample returns up to n cases of each (kind, status) pair of the
// published AKCIPHER cases, so that valid and invalid cases of every kind
// are covered without running every case in every framing.
func akSample(tb testing.TB, n int) []cryptodevtest.AKCase {
	tb.Helper()
	seen := map[string]int{}
	var out []cryptodevtest.AKCase
	for _, c := range cryptodevtest.AKCases(tb) {
		k := fmt.Sprintf("%s/%v", c.Kind, c.Status)
		if seen[k] < n {
			seen[k]++
			out = append(out, c)
		}
	}
	return out
}

// akDoF sends an AKCIPHER data request framed for features and returns the
// status and the result the used length delimits; it fails t when the used
// length breaks the rule (result length + 1; 1 on failure).
func (g *rig) akDoF(t *testing.T, features uint64, dr virtiocrypto.DataRequest, readable [][]byte, writable []int) (virtiocrypto.Status, []byte) {
	t.Helper()
	c := g.roundTrip(g.data, g.dataQ, g.dataW, false, append([][]byte{dr.Append(nil, features)}, readable...), append(writable, 1))
	res, st, err := cryptodevtest.AkcipherResult(c.Writable, c.Len)
	if err != nil {
		t.Fatalf("%v: %v", dr.Header.Opcode, err)
	}
	if st != virtiocrypto.StatusOK && c.Len != 1 {
		t.Fatalf("%v: status %v with used length %d, want 1", dr.Header.Opcode, st, c.Len)
	}
	return st, res
}

// akStatelessDo sends case c as a stateless request on g (features
// negotiated: rev1All) and returns the status and result.
func (g *rig) akStatelessDo(t *testing.T, c *cryptodevtest.AKCase) (virtiocrypto.Status, []byte) {
	t.Helper()
	p, op := c.Params, c.EngineOp()
	dr, readable, writable := cryptodevtest.StatelessRequest(&p, &op, c.DstLen, 0)
	return g.akDoF(t, rev1All, dr, readable, writable)
}

// "If the VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE feature bit is
// negotiated, the device MUST parse the
// virtio_crypto_akcipher_data_vlf_stateless based on the opcode field in
// general header" and "The device MUST copy the result of cryptographic
// operation in the dst_data[]" (spec "AKCIPHER Service Operation"), with
// the flag rule of "Data Virtqueue" ("the device MUST parse flag ... to
// decide which mode the driver uses"): published RSA (PKCS#1 v1.5 sign,
// verify, encrypt, decrypt, raw) and ECDSA (verify, sign checked with
// crypto/ecdsa) cases as FLAG_SESSION_MODE requests on sessions (stateless
// op_flf, sess_para ignored) and as stateless requests carrying sess_para
// and the key; stateless requests leave no session behind, close (wipe)
// their temporary engine session and leave the arena wiped.
func TestMUST_AkcipherParseStatelessVLFWhenNegotiated(t *testing.T) {
	ce := &closeEngine{Engine: testEngine}
	dev, err := New(ce, Options{Revision1: true})
	if err != nil {
		t.Fatal(err)
	}
	g := newRigDev(t, dev, virtqtest.Config{Size: 64})
	if err := dev.SetFeatures(rev1All); err != nil {
		t.Fatal(err)
	}
	ss := map[string]uint64{}
	passed := map[string]int{}
	for _, c := range akSample(t, 6) {
		k := akKey(&c.Params)
		id, ok := ss[k]
		if !ok {
			id = g.mustCreateF(rev1All, c.Params)
			ss[k] = id
		}
		p, op := c.Params, c.EngineOp()
		dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, c.DstLen, 0, rev1All)
		if dr.Header.Flag != virtiocrypto.FlagSessionMode || dr.AkcipherStateless.KeyLen != 0 {
			t.Fatalf("session-mode request %+v", dr.Header)
		}
		st, res := g.akDoF(t, rev1All, dr, readable, writable)
		if err := c.JudgeResult(st, res); err != nil {
			t.Errorf("FLAG_SESSION_MODE %s (%v): %v", c.Name, c.Op, err)
			continue
		}
		n, opened := dev.Sessions().Len(), ce.opened()
		st, res = g.akStatelessDo(t, &c)
		if err := c.JudgeResult(st, res); err != nil {
			t.Errorf("stateless %s (%v): %v", c.Name, c.Op, err)
			continue
		}
		if m := dev.Sessions().Len(); m != n {
			t.Errorf("%s: %d sessions after a stateless request, %d before", c.Name, m, n)
		}
		if o, cl := ce.opened(), ce.closed(); o != opened+1 || cl != o-len(ss) {
			t.Errorf("%s: %d engine sessions opened (%d before), %d closed: the temporary session was not closed", c.Name, o, opened, cl)
		}
		assertArenaWiped(t, g.dataW)
		if g.dataW.tmp.s != nil || g.dataW.tmp.params.AK.Key != nil {
			t.Errorf("%s: temporary session kept", c.Name)
		}
		passed[c.Kind]++
	}
	for _, k := range []string{"rsa-verify", "rsa-sign", "rsa-raw-decrypt", "rsa-raw-encrypt", "rsa-decrypt", "rsa-encrypt", "ecdsa-verify", "ecdsa-sign"} {
		if passed[k] == 0 {
			t.Errorf("no %s case passed", k)
		}
	}
	t.Logf("passed in both modes: %v", passed)
}

// REVISION_1 without AKCIPHER_STATELESS_MODE: AKCIPHER requests carry the
// session-mode op_flf (8 bytes) and FLAG_SESSION_MODE; the published cases
// pass, and a stateless request (flag 0) is NOTSUPP ("The device SHOULD
// reject AKCIPHER requests if VIRTIO_CRYPTO_FLAG_SESSION_MODE is not set"
// when the service's stateless bit is not negotiated) with used length 1.
func TestAkcipherRevision1SessionMode(t *testing.T) {
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	g := rev1Rig(t, rev1, Options{})
	ss := map[string]uint64{}
	passed := map[string]int{}
	for _, c := range akSample(t, 4) {
		k := akKey(&c.Params)
		id, ok := ss[k]
		if !ok {
			id = g.mustCreateF(rev1, c.Params)
			ss[k] = id
		}
		p, op := c.Params, c.EngineOp()
		dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, c.DstLen, 0, rev1)
		if n := len(dr.Append(nil, rev1)); n != virtiocrypto.DataHeaderSize+virtiocrypto.AkcipherDataParamsSize {
			t.Fatalf("REVISION_1 AKCIPHER request of %d bytes", n)
		}
		st, res := g.akDoF(t, rev1, dr, readable, writable)
		if err := c.JudgeResult(st, res); err != nil {
			t.Errorf("%s (%v): %v", c.Name, c.Op, err)
			continue
		}
		passed[c.Kind]++
		if passed[c.Kind] == 1 {
			dr.Header.Flag = 0
			if st, _ := g.akDoF(t, rev1, dr, readable, writable); st != virtiocrypto.StatusNotSupp {
				t.Errorf("%s with flag 0 and no AKCIPHER stateless bit: %v, want NOTSUPP", c.Name, st)
			}
		}
	}
	if len(passed) != 8 {
		t.Errorf("kinds passed: %v", passed)
	}
}

// The status list of "AKCIPHER Service Operation" for stateless requests:
// OK (published signature), NOTSUPP ("the requested algorithm or
// operation is unsupported": unknown algorithm, padding, hash, curve),
// KEY_REJECTED ("the signature verification failed": an altered published
// signature, RSA and ECDSA), ERR ("any failure not mentioned above": a
// garbage key, a key_type other than PUBLIC/PRIVATE, a truncated key, a
// dst_data too small for the result, src/key beyond the readable part).
// INVSESS does not apply (no session). Every failure has used length 1 and
// writes nothing to dst_data.
func TestMUST_AkcipherStatelessSetStatus(t *testing.T) {
	g := rev1Rig(t, rev1All, Options{})
	m := akMaterial()
	ok, errSt, notSupp, rejected := virtiocrypto.StatusOK, virtiocrypto.StatusErr, virtiocrypto.StatusNotSupp, virtiocrypto.StatusKeyRejected
	sign := cryptodevtest.AKCase{Params: m.rsaPriv, Op: engine.AKSign, Src: m.rsaDigest, DstLen: 256}
	verify := cryptodevtest.AKCase{Params: m.rsaPubOfSig, Op: engine.AKVerify, Src: m.rsaSig, Signed: m.rsaDigest}
	ecVerify := cryptodevtest.AKCase{Params: m.ecdsaPub, Op: engine.AKVerify, Src: m.ecdsaSig, Signed: m.ecdsaDigest}
	altered := func(c cryptodevtest.AKCase) cryptodevtest.AKCase {
		c.Src = slices.Clone(c.Src)
		c.Src[len(c.Src)/2] ^= 0x10
		return c
	}
	edit := func(c cryptodevtest.AKCase, f func(a *engine.AKCipherParams)) cryptodevtest.AKCase {
		f(&c.Params.AK)
		return c
	}
	garbage := bytes.Repeat([]byte{0x30, 0x82}, 300)
	for _, tc := range []struct {
		name string
		c    cryptodevtest.AKCase
		edit func(r *virtiocrypto.DataRequest, readable [][]byte) [][]byte
		want virtiocrypto.Status
		res  []byte
	}{
		{name: "RSA sign (published signature)", c: sign, want: ok, res: m.rsaSig},
		{name: "RSA verify (published signature, public key)", c: verify, want: ok},
		{name: "RSA verify with the private key", c: edit(verify, func(a *engine.AKCipherParams) { *a = m.rsaPriv.AK }), want: ok},
		{name: "ECDSA verify (RFC 6979)", c: ecVerify, want: ok},
		{name: "RSA verify, altered signature", c: altered(verify), want: rejected},
		{name: "ECDSA verify, altered signature", c: altered(ecVerify), want: rejected},
		{name: "unknown algorithm 7", c: edit(sign, func(a *engine.AKCipherParams) { a.Alg = 7 }), want: notSupp},
		{name: "RSA padding 5", c: edit(sign, func(a *engine.AKCipherParams) { a.Padding = 5 }), want: notSupp},
		{name: "RSA hash 42", c: edit(sign, func(a *engine.AKCipherParams) { a.Hash = 42 }), want: notSupp},
		{name: "ECDSA curve 9", c: edit(ecVerify, func(a *engine.AKCipherParams) { a.Curve = 9 }), want: notSupp},
		{name: "garbage key", c: edit(sign, func(a *engine.AKCipherParams) { a.Key = garbage }), want: errSt},
		{name: "truncated key", c: edit(sign, func(a *engine.AKCipherParams) { a.Key = a.Key[:len(a.Key)-1] }), want: errSt},
		{name: "key_len 0", c: edit(sign, func(a *engine.AKCipherParams) { a.Key = nil }), want: errSt},
		{name: "key_type 3", c: edit(sign, func(a *engine.AKCipherParams) { a.KeyType = 3 }), want: errSt},
		{name: "public key given as private", c: edit(verify, func(a *engine.AKCipherParams) { a.KeyType = engine.KeyPrivate }), want: errSt},
		{name: "sign with a public key", c: edit(sign, func(a *engine.AKCipherParams) { *a = m.rsaPubOfSig.AK }), want: errSt},
		{name: "dst_data one byte short of the signature", c: func() cryptodevtest.AKCase { c := sign; c.DstLen = 255; return c }(), want: errSt},
		{name: "key_len beyond the readable part", c: sign, want: errSt,
			edit: func(r *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				r.AkcipherStateless.KeyLen += 64
				return rd
			}},
		{name: "src beyond the readable part", c: sign, want: errSt,
			edit: func(r *virtiocrypto.DataRequest, rd [][]byte) [][]byte { return rd[:1] }},
		{name: "key_len 0xFFFFFFFF", c: sign, want: errSt,
			edit: func(r *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				r.AkcipherStateless.KeyLen = 0xFFFFFFFF
				return rd
			}},
	} {
		p, op := tc.c.Params, tc.c.EngineOp()
		dr, readable, writable := cryptodevtest.StatelessRequest(&p, &op, tc.c.DstLen, 0)
		if tc.edit != nil {
			readable = tc.edit(&dr, readable)
		}
		// dst_data prefilled (0xEE): nothing may be written on failure.
		used, st, dst, w := akScenario(t, g.dev, dr.Append(nil, rev1All), readable, writable)
		wantStatus(t, tc.name, st, tc.want)
		if st != ok {
			if used != 1 || !bytes.Equal(dst, untouched(len(dst))) {
				t.Errorf("%s: used length %d, dst_data %x after a failure", tc.name, used, dst)
			}
		} else if used != uint32(len(tc.res))+1 || !bytes.Equal(dst[:len(tc.res)], tc.res) {
			t.Errorf("%s: used length %d, result %x, want %x", tc.name, used, dst, tc.res)
		}
		assertArenaWiped(t, w)
		if w.tmp.s != nil {
			t.Errorf("%s: temporary session kept", tc.name)
		}
	}
	if n := g.dev.Sessions().Len(); n != 0 {
		t.Errorf("%d sessions after stateless requests", n)
	}
}

// akScenario sends one data request (the framed header hdr, the non-empty
// readable parts, writable buffers of the given lengths prefilled with
// 0xEE and the status byte) through a fresh queue and worker of dev. It
// returns the used length, the status, the writable bytes before the
// status and the worker.
func akScenario(t *testing.T, dev *Device, hdr []byte, readable [][]byte, writable []int) (uint32, virtiocrypto.Status, []byte, *Worker) {
	t.Helper()
	e := newQEnv(t, dev, false, 16, 256<<10)
	var s scenario
	ds := []virtqtest.Desc{s.r(hdr)}
	for _, b := range readable {
		if len(b) > 0 {
			ds = append(ds, s.r(b))
		}
	}
	var outs []virtqtest.Desc
	for _, n := range writable {
		if n > 0 {
			outs = append(outs, s.w(n))
		}
	}
	st := s.w(1)
	s.chain(append(append(ds, outs...), st)...)
	used := e.one(&s)
	var dst []byte
	for _, o := range outs {
		dst = append(dst, e.bytes(o.Addr, int(o.Len))...)
	}
	return used, virtiocrypto.Status(e.bytes(st.Addr, 1)[0]), dst, e.w
}

// ECDSA sign in stateless mode: the device's signature (random k) of the
// RFC 6979 digests with the RFC 6979 private key verifies with crypto/ecdsa
// against the published public key, and two signatures differ.
func TestAkcipherStatelessECDSASign(t *testing.T) {
	g := rev1Rig(t, rev1All, Options{})
	m := akMaterial()
	key, err := x509.ParseECPrivateKey(m.ecdsaPriv.AK.Key)
	if err != nil {
		t.Fatal(err)
	}
	c := cryptodevtest.AKCase{Params: m.ecdsaPriv, Op: engine.AKSign, Src: m.ecdsaDigest, DstLen: 80}
	var prev []byte
	for range 2 {
		st, sig := g.akStatelessDo(t, &c)
		if st != virtiocrypto.StatusOK || !ecdsa.VerifyASN1(&key.PublicKey, m.ecdsaDigest, sig) {
			t.Fatalf("stateless ECDSA sign: %v %x does not verify", st, sig)
		}
		if bytes.Equal(sig, prev) {
			t.Fatal("two ECDSA signatures are equal")
		}
		prev = slices.Clone(sig)
	}
}

// The stateless AKCIPHER key is bounded like the session path's
// (MaxAkcipherKeyLen and max_size): a longer key_len is ERR without the
// device reading the key or asking the engine; a key at the bound reaches
// the engine (which refuses these garbage bytes: ERR).
func TestAkcipherStatelessKeyBound(t *testing.T) {
	for _, maxSize := range []uint32{1 << 20, 8192} {
		rec := &recEngine{Engine: testEngine}
		dev, err := New(rec, Options{MaxSize: maxSize, Revision1: true})
		if err != nil {
			t.Fatal(err)
		}
		g := newRigDev(t, dev, virtqtest.Config{Size: 64, MemSize: 4 << 20})
		if err := dev.SetFeatures(rev1All); err != nil {
			t.Fatal(err)
		}
		limit := min(MaxAkcipherKeyLen, int(maxSize)-32-1) // the key, a 32-byte digest, 1 byte of dst
		c := cryptodevtest.AKCase{Params: akMaterial().rsaPriv, Op: engine.AKSign, Src: make([]byte, 32), DstLen: 1}
		for _, n := range []int{limit, limit + 1} {
			c.Params.AK.Key = bytes.Repeat([]byte{0x30}, n)
			st, _ := g.akStatelessDo(t, &c)
			wantStatus(t, fmt.Sprintf("max_size %d, stateless key of %d bytes", maxSize, n), st, virtiocrypto.StatusErr)
			assertArenaWiped(t, g.dataW)
		}
		if len(rec.keys) != 1 || rec.keys[0] != limit {
			t.Errorf("max_size %d: the engine saw keys of %v bytes, want [%d]", maxSize, rec.keys, limit)
		}
	}
}

// closeEngine counts the sessions it opens and those closed.
type closeEngine struct {
	engine.Engine
	mu         sync.Mutex
	nOpen, nCl int
}

type closeSession struct {
	engine.Session
	e *closeEngine
}

func (s *closeSession) Close() {
	s.e.mu.Lock()
	s.e.nCl++
	s.e.mu.Unlock()
	s.Session.Close()
}

func (e *closeEngine) NewSession(p *engine.SessionParams) (engine.Session, error) {
	s, err := e.Engine.NewSession(p)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.nOpen++
	e.mu.Unlock()
	return &closeSession{Session: s, e: e}, nil
}

func (e *closeEngine) opened() int { e.mu.Lock(); defer e.mu.Unlock(); return e.nOpen }
func (e *closeEngine) closed() int { e.mu.Lock(); defer e.mu.Unlock(); return e.nCl }

// ---- Hostile stateless AKCIPHER data requests (seed FuzzDataQueue) ----

// akStatelessHdr is the 52-byte header and stateless op_flf of an AKCIPHER
// request carrying the session parameters p, for src and dst lengths.
func akStatelessHdr(op engine.AKOp, p engine.SessionParams, srcLen, dstLen uint32) []byte {
	o := engine.Op{AK: op, Src: make([]byte, srcLen)}
	if op == engine.AKVerify {
		o.Signed = make([]byte, dstLen)
	}
	dr, _, _ := cryptodevtest.StatelessRequest(&p, &o, int(dstLen), 0)
	return dr.Append(nil, rev1All)
}

// akStatelessDataCases are stateless AKCIPHER requests (and session-mode
// ones in the stateless layout) for a revision1Device: published RSA
// signatures and the RFC 6979 ECDSA signature, and hostile framings. The
// used length is the result length + 1, or 1.
func akStatelessDataCases() []hostileCase {
	m := akMaterial()
	ok, errSt := virtiocrypto.StatusOK, virtiocrypto.StatusErr
	key := m.rsaPriv.AK.Key
	signHdr := akStatelessHdr(engine.AKSign, m.rsaPriv, 32, 256)
	badSig := slices.Clone(m.rsaSig)
	badSig[7] ^= 0x01
	garbage := bytes.Repeat([]byte{0x30, 0x82}, len(key)/2)
	withKeyLen := func(h []byte, n uint32) []byte {
		h = slices.Clone(h)
		binary.LittleEndian.PutUint32(h[virtiocrypto.DataHeaderSize+8:], n)
		return h
	}
	var dst uint64
	return []hostileCase{
		{name: "stateless AKCIPHER RSA sign (published signature)", used: 1, len: 257, st: ok, build: func(s *scenario, _ kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(signHdr), s.r(key), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, m.rsaSig)},
		{name: "stateless AKCIPHER RSA sign, header, key and digest split across descriptors", used: 1, len: 257, st: ok,
			build: func(s *scenario, _ kit) uint64 {
				all := bytes.Join([][]byte{signHdr, key, m.rsaDigest}, nil)
				d1, d2, st := s.w(100), s.w(156), s.w(1)
				s.chain(s.r(all[:30]), s.r(all[30:53]), s.r(all[53:700]), s.r(all[700:]), d1, d2, st)
				dst = d1.Addr
				return st.Addr
			}, check: memAt(&dst, m.rsaSig)},
		{name: "stateless AKCIPHER RSA verify (published signature)", used: 1, len: 1, st: ok, build: func(s *scenario, _ kit) uint64 {
			st := s.w(1)
			s.chain(s.r(akStatelessHdr(engine.AKVerify, m.rsaPubOfSig, 256, 32)), s.r(m.rsaPubOfSig.AK.Key), s.r(m.rsaSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "stateless AKCIPHER RSA verify, altered signature", used: 1, len: 1, st: virtiocrypto.StatusKeyRejected, build: func(s *scenario, _ kit) uint64 {
			st := s.w(1)
			s.chain(s.r(akStatelessHdr(engine.AKVerify, m.rsaPubOfSig, 256, 32)), s.r(m.rsaPubOfSig.AK.Key), s.r(badSig), s.r(m.rsaDigest), st)
			return st.Addr
		}},
		{name: "stateless AKCIPHER ECDSA verify (RFC 6979)", used: 1, len: 1, st: ok, build: func(s *scenario, _ kit) uint64 {
			st := s.w(1)
			h := akStatelessHdr(engine.AKVerify, m.ecdsaPub, uint32(len(m.ecdsaSig)), 32)
			s.chain(s.r(h), s.r(m.ecdsaPub.AK.Key), s.r(append(slices.Clone(m.ecdsaSig), m.ecdsaDigest...)), st)
			return st.Addr
		}},
		{name: "stateless AKCIPHER key_len beyond the readable part", used: 1, len: 1, st: errSt, build: func(s *scenario, _ kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(withKeyLen(signHdr, uint32(len(key)+200))), s.r(key), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "stateless AKCIPHER key_len beyond max_size", used: 1, len: 1, st: errSt, build: func(s *scenario, _ kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(withKeyLen(signHdr, hostileMaxSize)), s.r(key), s.r(make([]byte, hostileMaxSize)), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "stateless AKCIPHER key_len 0xFFFFFFFF", used: 1, len: 1, st: errSt, build: func(s *scenario, _ kit) uint64 {
			st := s.w(1)
			s.chain(s.r(withKeyLen(signHdr, 0xFFFFFFFF)), s.r(key), s.r(m.rsaDigest), s.w(256), st)
			return st.Addr
		}},
		{name: "stateless AKCIPHER garbage key", used: 1, len: 1, st: errSt, build: func(s *scenario, _ kit) uint64 {
			d, st := s.w(256), s.w(1)
			s.chain(s.r(withKeyLen(signHdr, uint32(len(garbage)))), s.r(garbage), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(256))},
		{name: "stateless AKCIPHER dst one byte short of the signature", used: 1, len: 1, st: errSt, build: func(s *scenario, _ kit) uint64 {
			d, st := s.w(255), s.w(1)
			s.chain(s.r(akStatelessHdr(engine.AKSign, m.rsaPriv, 32, 255)), s.r(key), s.r(m.rsaDigest), d, st)
			dst = d.Addr
			return st.Addr
		}, check: memAt(&dst, untouched(255))},
		{name: "stateless AKCIPHER unknown algorithm", used: 1, len: 1, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, _ kit) uint64 {
			h := slices.Clone(signHdr)
			binary.LittleEndian.PutUint32(h[virtiocrypto.DataHeaderSize:], 7)
			st := s.w(1)
			s.chain(s.r(h), s.r(key), s.r(m.rsaDigest), s.w(256), st)
			return st.Addr
		}},
		{name: "stateless AKCIPHER op_flf cut short", used: 1, len: 257, st: errSt, build: func(s *scenario, _ kit) uint64 {
			// No complete op_flf: the request is not recognised as
			// AKCIPHER, and the used length is the whole writable size.
			st := s.w(1)
			s.chain(s.r(signHdr[:40]), s.w(256), st)
			return st.Addr
		}},
		{name: "AKCIPHER FLAG_SESSION_MODE sign on the kit's RSA session (stateless layout)", used: 1, len: 257, st: ok,
			build: func(s *scenario, k kit) uint64 {
				p, op := m.rsaPriv, engine.Op{AK: engine.AKSign, Src: m.rsaDigest}
				dr, _, _ := cryptodevtest.SessionDataRequest(k.rsa, &p, &op, 256, 0, rev1All)
				d, st := s.w(256), s.w(1)
				s.chain(s.r(dr.Append(nil, rev1All)), s.r(m.rsaDigest), d, st)
				dst = d.Addr
				return st.Addr
			}, check: memAt(&dst, m.rsaSig)},
	}
}

// obsRec records the data events of one queue.
type obsRec struct {
	mu sync.Mutex
	ev []DataEvent
}

func (o *obsRec) ObserveQueue(int) QueueObserver { return o }
func (o *obsRec) ObserveControl(ControlEvent)    {}
func (o *obsRec) Flush()                         {}
func (o *obsRec) ObserveData(ev DataEvent) {
	o.mu.Lock()
	o.ev = append(o.ev, ev)
	o.mu.Unlock()
}

// AKCIPHER requests reach the Observer with service AKCIPHER, the
// session's algorithm (RSA or ECDSA) and the source length; a stateless
// request with the algorithm its sess_para names, also when the engine
// refuses its key; one whose sess_para cannot be read (an algorithm the
// device does not know) without a session, as an INVSESS request is.
func TestAkcipherObserved(t *testing.T) {
	rec := &obsRec{}
	dev, err := New(testEngine, Options{Revision1: true, Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	if err := dev.SetFeatures(rev1All); err != nil {
		t.Fatal(err)
	}
	m := akMaterial()
	id, st := dev.CreateSession(&m.rsaPriv)
	wantStatus(t, "create", st, virtiocrypto.StatusOK)
	send := func(dr virtiocrypto.DataRequest, readable [][]byte, writable []int) {
		t.Helper()
		e := newQEnv(t, dev, false, 16, 256<<10)
		e.w = dev.NewQueueWorker(0)
		var s scenario
		ds := []virtqtest.Desc{s.r(dr.Append(nil, rev1All))}
		for _, b := range readable {
			if len(b) > 0 {
				ds = append(ds, s.r(b))
			}
		}
		for _, n := range append(writable, 1) {
			ds = append(ds, s.w(n))
		}
		s.chain(ds...)
		e.one(&s)
	}
	sign := engine.Op{AK: engine.AKSign, Src: m.rsaDigest}
	p := m.rsaPriv
	dr, rd, wl := cryptodevtest.SessionDataRequest(id, &p, &sign, 256, 0, rev1All)
	send(dr, rd, wl)
	dr, rd, wl = cryptodevtest.SessionDataRequest(id+100, &p, &sign, 256, 0, rev1All)
	send(dr, rd, wl) // INVSESS
	dr, rd, wl = cryptodevtest.StatelessRequest(&p, &sign, 256, 0)
	send(dr, rd, wl)
	bad := m.rsaPriv
	bad.AK.Key = bytes.Repeat([]byte{0x30}, 100)
	dr, rd, wl = cryptodevtest.StatelessRequest(&bad, &sign, 256, 0)
	send(dr, rd, wl) // ERR: the engine refuses the key
	ec := m.ecdsaPub
	verify := engine.Op{AK: engine.AKVerify, Src: m.ecdsaSig, Signed: m.ecdsaDigest}
	dr, rd, wl = cryptodevtest.StatelessRequest(&ec, &verify, 0, 0)
	send(dr, rd, wl)
	unknown := m.rsaPriv
	unknown.AK.Alg = 7
	dr, rd, wl = cryptodevtest.StatelessRequest(&unknown, &sign, 256, 0)
	send(dr, rd, wl) // NOTSUPP before a session
	rsa := Algorithm{AKCipher: engine.RSA}
	want := []DataEvent{
		{HasSession: true, Service: engine.ServiceAKCipher, Algorithm: rsa, HasStatus: true, Status: virtiocrypto.StatusOK, Bytes: 32},
		{HasStatus: true, Status: virtiocrypto.StatusInvSess},
		{HasSession: true, Service: engine.ServiceAKCipher, Algorithm: rsa, HasStatus: true, Status: virtiocrypto.StatusOK, Bytes: 32},
		{HasSession: true, Service: engine.ServiceAKCipher, Algorithm: rsa, HasStatus: true, Status: virtiocrypto.StatusErr},
		{HasSession: true, Service: engine.ServiceAKCipher, Algorithm: Algorithm{AKCipher: engine.ECDSA}, HasStatus: true, Status: virtiocrypto.StatusOK,
			Bytes: len(m.ecdsaSig)},
		{HasStatus: true, Status: virtiocrypto.StatusNotSupp},
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.ev) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(rec.ev), len(want), rec.ev)
	}
	for i, ev := range rec.ev {
		ev.Duration = 0
		if ev != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, ev, want[i])
		}
	}
}

// A stateless AKCIPHER request for an algorithm the config space does not
// advertise (akcipher_algo) is NOTSUPP, as a create session is, although
// the engine behind the device could serve it.
func TestAkcipherStatelessAlgorithmNotOffered(t *testing.T) {
	m := akMaterial()
	rsaOnly := capEngine{testEngine, engine.Capabilities{AKCipher: []engine.AKCipherAlg{engine.RSA}}}
	dev, err := New(rsaOnly, Options{Revision1: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	want := virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureAkcipherStatelessMode.Mask()
	if dev.Features() != want {
		t.Fatalf("RSA-only device offers %#x, want %#x", dev.Features(), want)
	}
	if err := dev.SetFeatures(want); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    engine.SessionParams
		op   engine.Op
		dst  int
		want virtiocrypto.Status
	}{
		{"RSA sign", m.rsaPriv, engine.Op{AK: engine.AKSign, Src: m.rsaDigest}, 256, virtiocrypto.StatusOK},
		{"ECDSA verify", m.ecdsaPub, engine.Op{AK: engine.AKVerify, Src: m.ecdsaSig, Signed: m.ecdsaDigest}, 0, virtiocrypto.StatusNotSupp},
	} {
		dr, rd, wl := cryptodevtest.StatelessRequest(&tc.p, &tc.op, tc.dst, 0)
		_, st, _, w := akScenario(t, dev, dr.Append(nil, want), rd, wl)
		wantStatus(t, tc.name, st, tc.want)
		assertArenaWiped(t, w)
	}
}
