package cryptodev

import (
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq/virtqtest"
)

// TestPublishedVectorsThroughDevice replays every published vector of the
// engine suite through the wire protocol: a control-queue request creates
// the session, a data-queue request runs the operation, the status byte and
// the writable buffers are checked, and the session is destroyed.
func TestPublishedVectorsThroughDevice(t *testing.T) {
	vs := enginetest.Vectors(t)
	g := newRig(t, Options{}, virtqtest.Config{Size: 256, MemSize: 4 << 20})
	passed := map[string]int{}
	for i := range vs {
		v := &vs[i]
		if v.Skip != "" {
			continue
		}
		p := v.Params
		req, keys := cryptodevtest.SessionRequest(&p)
		id, st := g.create(req, keys...)
		sessErr := cryptodevtest.StatusAsError(st)
		var opErr error
		var dst, digest []byte
		if sessErr == nil {
			op := v.Op(nil, nil)
			dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, v.DstLen(), v.DigestLen())
			out, st, used := g.do(dr, readable, writable...)
			opErr = cryptodevtest.StatusAsError(st)
			dst, digest = out[:v.DstLen()], out[v.DstLen():]
			if want := uint32(v.DstLen() + v.DigestLen() + 1); used != want {
				t.Errorf("%s %s: used length %d, want %d", v.Suite, v.ID, used, want)
			}
			if ds := g.destroy(cryptodevtest.DestroyOpcode(&p), id); ds != virtiocrypto.StatusOK {
				t.Errorf("%s %s: destroy status %v", v.Suite, v.ID, ds)
			}
		}
		if err := v.Check(sessErr, opErr, dst, digest); err != nil {
			t.Errorf("%s %s (%s): %v", v.Suite, v.ID, v.Source, err)
			continue
		}
		passed[v.Suite]++
	}
	for _, s := range enginetest.Suites() {
		if _, none := enginetest.NoRunnable[s]; passed[s] == 0 && !none {
			t.Errorf("suite %s: no vector passed through the device", s)
		}
		t.Logf("suite %s: %d passed through the device", s, passed[s])
	}
	if n := g.dev.Sessions().Len(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
}
