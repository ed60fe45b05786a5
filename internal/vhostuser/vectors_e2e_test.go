package vhostuser

import (
	"encoding/binary"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtiocrypto"
)

// TestDeviceModeEveryServiceOverSocket replays every published vector of
// the engine suite (cipher, hash, MAC, AEAD, chained) through a real
// vhost-user socket in device mode: sessions through the control queue,
// data requests spread over two data queues, memfd guest memory and
// eventfds as QEMU would use them.
func TestDeviceModeEveryServiceOverSocket(t *testing.T) {
	leakCheck(t)
	vs := enginetest.Vectors(t)
	s := startServer(t, ModeDevice, 2)
	f := s.dial(t, FrontendConfig{Queues: 3, EventIdx: true, Indirect: true, QueueSize: 256})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	ctrl := f.Queue(2)
	run := func(q *FrontendQueue, readable [][]byte, writable []int) []byte {
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
	passed := map[string]int{}
	for i := range vs {
		v := &vs[i]
		if v.Skip != "" {
			continue
		}
		p := v.Params
		req, keys := cryptodevtest.SessionRequest(&p)
		in := run(ctrl, append([][]byte{req.Append(nil, 0)}, keys...), []int{virtiocrypto.CreateSessionInputSize})
		id, st := binary.LittleEndian.Uint64(in), virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
		sessErr := cryptodevtest.StatusAsError(st)
		var opErr error
		var dst, digest []byte
		if sessErr == nil {
			op := v.Op(nil, nil)
			dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
			out := run(f.Queue(i%2), append([][]byte{dr.Append(nil, 0)}, readable...), append(writable, 1))
			opErr = cryptodevtest.StatusAsError(virtiocrypto.Status(out[len(out)-1]))
			dst, digest = out[:v.DstLen()], out[v.DstLen():len(out)-1]
			d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: cryptodevtest.DestroyOpcode(&p)},
				Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
			if ds := run(ctrl, [][]byte{d.Append(nil, 0)}, []int{1}); ds[0] != byte(virtiocrypto.StatusOK) {
				t.Errorf("%s %s: destroy status %d", v.Suite, v.ID, ds[0])
			}
		}
		if err := v.Check(sessErr, opErr, dst, digest); err != nil {
			t.Errorf("%s %s (%s): %v", v.Suite, v.ID, v.Source, err)
			continue
		}
		passed[v.Suite]++
	}
	services := map[engine.Service]int{}
	for i := range vs {
		if vs[i].Skip == "" {
			services[vs[i].Params.Service]++
		}
	}
	for _, svc := range []engine.Service{engine.ServiceCipher, engine.ServiceHash, engine.ServiceMAC, engine.ServiceAEAD} {
		if services[svc] == 0 {
			t.Errorf("no vector of service %v", svc)
		}
	}
	for _, suite := range enginetest.Suites() {
		if _, none := enginetest.NoRunnable[suite]; passed[suite] == 0 && !none {
			t.Errorf("suite %s: nothing passed over the socket", suite)
		}
	}
	total := 0
	for _, n := range passed {
		total += n
	}
	t.Logf("%d published vectors passed over the vhost-user socket in device mode (%d suites)", total, len(passed))
}

// akSample picks up to n vectors of every AKCIPHER suite of enginetest
// (evenly spread, so that each suite's valid and invalid cases both
// appear) whose key fits maxKey bytes: the engine suite runs them all
// directly; over the socket a sample keeps the test short.
func akSample(vs []enginetest.AKVector, n, maxKey int) []*enginetest.AKVector {
	bySuite := map[string][]*enginetest.AKVector{}
	for i := range vs {
		if v := &vs[i]; v.Skip == "" && len(v.Params.AK.Key) <= maxKey {
			bySuite[v.Suite] = append(bySuite[v.Suite], v)
		}
	}
	var out []*enginetest.AKVector
	for _, suite := range enginetest.AKSuites() {
		s := bySuite[suite]
		step := max(1, len(s)/n)
		for i := 0; i < len(s); i += step {
			out = append(out, s[i])
		}
	}
	return out
}

// TestAKVectorsOverSocket replays a sample of every AKCIPHER suite of
// enginetest (Wycheproof and NIST CAVP: RSA PKCS#1 v1.5 and raw, ECDSA
// P-224 to P-521) through a real vhost-user socket, in device mode
// (sessions through the control queue) and in cryptodev mode (QEMU ≥ 8.1
// session messages, keys that fit their 1024-byte array), judging each
// answer with the vector's own Check: create status, data status, and the
// result the used length delimits.
func TestAKVectorsOverSocket(t *testing.T) {
	leakCheck(t)
	vs := enginetest.AKVectors(t)
	for _, mode := range []Mode{ModeDevice, ModeCryptodev} {
		t.Run(mode.String(), func(t *testing.T) {
			maxKey, queues := 1<<20, 2
			if mode == ModeCryptodev {
				maxKey, queues = AsymKeyMax, 1
			}
			s := startServer(t, mode, queues)
			cfg := qemuConfig(queues)
			if mode == ModeDevice {
				cfg.Queues = queues + 1
			}
			f := s.dial(t, cfg)
			if err := f.Handshake(); err != nil {
				t.Fatal(err)
			}
			passed, sampled := map[string]int{}, map[string]int{}
			sample := akSample(vs, 25, maxKey)
			for _, v := range sample {
				sampled[v.Suite]++
			}
			if mode == ModeDevice && len(sampled) != len(enginetest.AKSuites()) {
				t.Errorf("device mode samples %d of %d suites", len(sampled), len(enginetest.AKSuites()))
			}
			for i, v := range sample {
				var sessErr, opErr error
				var id uint64
				if mode == ModeDevice {
					req, keys := cryptodevtest.SessionRequest(&v.Params)
					in, err := virtiocrypto.ParseCreateSessionInput(ctrlCall(t, f.Queue(queues), append([][]byte{req.Append(nil, 0)}, keys...),
						virtiocrypto.CreateSessionInputSize))
					if err != nil {
						t.Fatal(err)
					}
					id, sessErr = in.SessionID, cryptodevtest.StatusAsError(in.Status)
				} else {
					cs, err := AkcipherSession(&v.Params.AK)
					if err != nil {
						t.Fatal(err)
					}
					sid, err := f.CreateSession(cs)
					if err != nil {
						t.Fatal(err)
					}
					if sid < 0 {
						sessErr = cryptodevtest.StatusAsError(virtiocrypto.Status(-sid))
					}
					id = uint64(sid)
				}
				var res []byte
				if sessErr == nil {
					dr, readable, writable := cryptodevtest.AkcipherRequest(id, v.Params.AK.Alg, v.Op, v.Src, v.Signed, v.DstLen)
					cp, err := f.Queue(i%queues).Call(append([][]byte{dr.Append(nil, 0)}, readable...), append(writable, 1))
					if err != nil {
						t.Fatal(err)
					}
					var st virtiocrypto.Status
					if res, st, err = cryptodevtest.AkcipherResult(cp.Writable, cp.Len); err != nil {
						t.Fatalf("%s: %v", v.ID, err)
					}
					opErr = cryptodevtest.StatusAsError(st)
					if mode == ModeDevice {
						d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeAkcipherDestroySession},
							Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
						ctrlCall(t, f.Queue(queues), [][]byte{d.Append(nil, 0)}, 1)
					} else if err := f.CloseSession(id); err != nil {
						t.Fatal(err)
					}
				}
				// Check reads dst[:outLen]; the result is exactly that.
				if err := v.Check(sessErr, opErr, res, len(res)); err != nil {
					t.Errorf("%s %s (%s): %v", v.Suite, v.ID, v.Source, err)
					continue
				}
				passed[v.Suite]++
			}
			for suite := range sampled {
				if passed[suite] == 0 {
					t.Errorf("suite %s: nothing passed over the socket", suite)
				}
			}
			t.Logf("%v: passed %v (suites with no key that fits: %d)", mode, passed, len(enginetest.AKSuites())-len(sampled))
		})
	}
}
