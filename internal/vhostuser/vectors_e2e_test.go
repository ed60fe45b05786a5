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
