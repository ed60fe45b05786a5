package cryptodev

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq/virtqtest"
)

// AKCIPHER service tests on the soft engine's device: every published
// AKCIPHER case through the control and data queues, the used-length rule,
// the key length bound, and the translation of the create request.

// akSessions creates AKCIPHER sessions through a rig's control queue, one
// per distinct set of parameters, and destroys them at the end.
type akSessions struct {
	g   *rig
	ids map[string]uint64
	st  map[string]virtiocrypto.Status
}

func newAKSessions(g *rig) *akSessions {
	return &akSessions{g: g, ids: map[string]uint64{}, st: map[string]virtiocrypto.Status{}}
}

func akKey(p *engine.SessionParams) string {
	a := &p.AK
	return fmt.Sprintf("%d/%d/%d/%d/%d/", a.Alg, a.KeyType, a.Padding, a.Hash, a.Curve) + string(a.Key)
}

func (s *akSessions) get(p *engine.SessionParams) (uint64, virtiocrypto.Status) {
	k := akKey(p)
	if st, ok := s.st[k]; ok {
		return s.ids[k], st
	}
	req, keys := cryptodevtest.SessionRequest(p)
	id, st := s.g.create(req, keys...)
	s.ids[k], s.st[k] = id, st
	return id, st
}

func (s *akSessions) destroyAll(t *testing.T) {
	t.Helper()
	for k, id := range s.ids {
		if s.st[k] == virtiocrypto.StatusOK {
			wantStatus(t, "AKCIPHER destroy", s.g.destroy(virtiocrypto.OpcodeAkcipherDestroySession, id), virtiocrypto.StatusOK)
		}
	}
}

// akDo sends one AKCIPHER case on session id and returns the status and
// the result the used length delimits, checking the used-length rule.
func (g *rig) akDo(t *testing.T, c *cryptodevtest.AKCase, id uint64) (virtiocrypto.Status, []byte) {
	t.Helper()
	dr, readable, writable := cryptodevtest.AkcipherRequest(id, c.Params.AK.Alg, c.Op, c.Src, c.Signed, c.DstLen)
	w, st, used := g.do(dr, readable, writable...)
	res, st2, err := cryptodevtest.AkcipherResult(append(w, byte(st)), used)
	if err != nil || st2 != st {
		t.Fatalf("%s: %v", c.Name, err)
	}
	if st != virtiocrypto.StatusOK && used != 1 {
		t.Errorf("%s: status %v with used length %d, want 1", c.Name, st, used)
	}
	return st, res
}

// "The device MUST copy the result of cryptographic operation in the
// dst_data[]." and the AKCIPHER status list ("VIRTIO_CRYPTO_OK if the
// operation success ... VIRTIO_CRYPTO_KEY_REJECTED if the signature
// verification failed ... VIRTIO_CRYPTO_ERR if any failure not mentioned
// above occurs"), spec "AKCIPHER Service Operation": every published
// AKCIPHER case (cryptodevtest.AKCases: Wycheproof RSA PKCS#1 v1.5 sign,
// verify, decrypt, encrypt and raw RSA; ECDSA P-256 verify; RFC 6979
// signatures) through the control queue (sessions, Linux's framing) and
// the data queue, with used length = result length + 1.
func TestMUST_AkcipherPublishedVectors(t *testing.T) {
	g := defaultRig(t)
	ss := newAKSessions(g)
	passed := map[string]int{}
	for _, c := range cryptodevtest.AKCases(t) {
		id, st := ss.get(&c.Params)
		if st != virtiocrypto.StatusOK {
			t.Errorf("%s: create session: %v", c.Name, st)
			continue
		}
		st, res := g.akDo(t, &c, id)
		if err := c.JudgeResult(st, res); err != nil {
			t.Errorf("%s (%v): %v", c.Name, c.Op, err)
			continue
		}
		passed[c.Kind]++
	}
	for _, k := range []string{"rsa-verify", "rsa-sign", "rsa-raw-decrypt", "rsa-raw-encrypt", "rsa-decrypt", "rsa-encrypt", "ecdsa-verify", "ecdsa-sign"} {
		if passed[k] == 0 {
			t.Errorf("no %s case passed", k)
		}
	}
	ss.destroyAll(t)
	if n := g.dev.Sessions().Len(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	t.Logf("passed: %v", passed)
}

// After AKCIPHER_DESTROY_SESSION a request on the session is INVSESS with
// used length 1; an AKCIPHER request on a session of another service is
// ERR, and so is a symmetric request on an AKCIPHER session
// (INTERPRETATIONS.md "Status codes").
func TestAkcipherSessionChecks(t *testing.T) {
	g := defaultRig(t)
	m := akMaterial()
	sign := cryptodevtest.AKCase{Name: "sign", Params: m.rsaPriv, Op: engine.AKSign, Src: m.rsaDigest, DstLen: 256}
	id := g.mustCreate(m.rsaPriv)
	if st, res := g.akDo(t, &sign, id); st != virtiocrypto.StatusOK || !bytes.Equal(res, m.rsaSig) {
		t.Fatalf("sign: %v %x", st, res)
	}
	cbc := g.mustCreate(cbcParams(engine.Encrypt))
	if st, _ := g.akDo(t, &sign, cbc); st != virtiocrypto.StatusErr {
		t.Errorf("AKCIPHER_SIGN on a cipher session: %v, want ERR", st)
	}
	if dst, st, used := g.cbc(virtiocrypto.OpcodeCipherEncrypt, id); st != virtiocrypto.StatusErr || used != 65 || !bytes.Equal(dst, make([]byte, 64)) {
		t.Errorf("cipher request on an AKCIPHER session: %v, used %d", st, used)
	}
	wantStatus(t, "destroy", g.destroy(virtiocrypto.OpcodeAkcipherDestroySession, id), virtiocrypto.StatusOK)
	if st, _ := g.akDo(t, &sign, id); st != virtiocrypto.StatusInvSess {
		t.Errorf("AKCIPHER_SIGN on a destroyed session: %v, want INVSESS", st)
	}
	wantStatus(t, "second destroy", g.destroy(virtiocrypto.OpcodeAkcipherDestroySession, id), virtiocrypto.StatusErr)
}

// recEngine records the AKCIPHER key lengths the device hands to the
// engine.
type recEngine struct {
	engine.Engine
	mu   sync.Mutex
	keys []int
}

func (e *recEngine) NewSession(p *engine.SessionParams) (engine.Session, error) {
	if p.Service == engine.ServiceAKCipher {
		e.mu.Lock()
		e.keys = append(e.keys, len(p.AK.Key))
		e.mu.Unlock()
	}
	return e.Engine.NewSession(p)
}

// The AKCIPHER key is bounded by MaxAkcipherKeyLen and by max_size: a
// longer key_len is ERR without the device reading the key or asking the
// engine; a key at the bound reaches the engine (which refuses these
// garbage bytes: ERR).
func TestAkcipherKeyLenBound(t *testing.T) {
	for _, maxSize := range []uint32{DefaultMaxSize, 8192} {
		rec := &recEngine{Engine: testEngine}
		dev, err := New(rec, Options{MaxSize: maxSize})
		if err != nil {
			t.Fatal(err)
		}
		g := newRigDev(t, dev, virtqtest.Config{Size: 64})
		limit := min(MaxAkcipherKeyLen, int(maxSize))
		p := akMaterial().rsaPub
		for _, n := range []int{limit, limit + 1} {
			p.AK.Key = bytes.Repeat([]byte{0x30}, n)
			req, keys := cryptodevtest.SessionRequest(&p)
			_, st := g.create(req, keys...)
			wantStatus(t, fmt.Sprintf("max_size %d, key of %d bytes", maxSize, n), st, virtiocrypto.StatusErr)
		}
		if len(rec.keys) != 1 || rec.keys[0] != limit {
			t.Errorf("max_size %d: the engine saw keys of %v bytes, want [%d]", maxSize, rec.keys, limit)
		}
	}
}

// FuzzAkcipherParams checks the translation of struct
// virtio_crypto_akcipher_create_session_flf into engine parameters: the
// values pass through unchanged; for RSA and ECDSA only the matching part
// of the union is used; an error (ERR) happens exactly for a known
// algorithm with a key_type other than PUBLIC and PRIVATE.
func FuzzAkcipherParams(f *testing.F) {
	m := akMaterial()
	for _, p := range []engine.SessionParams{m.rsaPub, m.rsaPriv, m.ecdsaPriv} {
		r, _ := cryptodevtest.SessionRequest(&p)
		f.Add(r.Akcipher.Append(nil))
	}
	f.Add(make([]byte, virtiocrypto.AkcipherSessionParamsSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		flf, err := virtiocrypto.ParseAkcipherSessionParams(b)
		if err != nil {
			if len(b) >= virtiocrypto.AkcipherSessionParamsSize {
				t.Fatal(err)
			}
			return
		}
		p, err := AkcipherParams(&flf)
		algo, kt := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
		known := algo == uint32(virtiocrypto.AkcipherRSA) || algo == uint32(virtiocrypto.AkcipherECDSA)
		if wantErr := known && kt != 1 && kt != 2; (err != nil) != wantErr {
			t.Fatalf("algo %d key_type %d: err %v", algo, kt, err)
		}
		if err != nil {
			if Status(err) != virtiocrypto.StatusErr {
				t.Fatalf("error %v maps to %v", err, Status(err))
			}
			return
		}
		w0, w1 := binary.LittleEndian.Uint32(b[12:]), binary.LittleEndian.Uint32(b[16:])
		if uint32(p.Alg) != algo || uint32(p.KeyType) != kt || p.Key != nil {
			t.Fatalf("%+v from %x", p, b)
		}
		switch algo {
		case uint32(virtiocrypto.AkcipherRSA):
			if uint32(p.Padding) != w0 || uint32(p.Hash) != w1 || p.Curve != 0 {
				t.Fatalf("RSA %+v from %x", p, b)
			}
		case uint32(virtiocrypto.AkcipherECDSA):
			if uint32(p.Curve) != w0 || p.Padding != 0 || p.Hash != 0 {
				t.Fatalf("ECDSA %+v from %x", p, b)
			}
		default:
			if p.Padding != 0 || p.Hash != 0 || p.Curve != 0 {
				t.Fatalf("algo %d: %+v", algo, p)
			}
		}
	})
}
