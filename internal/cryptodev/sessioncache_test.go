package cryptodev

import (
	"bytes"
	"sync"
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// hookEngine is a trackEngine whose sessions can run a hook once, right
// after an operation: a control-plane action that lands between two
// requests of one batch, deterministically.
type hookEngine struct {
	*trackEngine
	mu    sync.Mutex
	hooks []*hookSession
}

type hookSession struct {
	*trackSession
	hook func()
}

func (e *hookEngine) NewSession(p *engine.SessionParams) (engine.Session, error) {
	s, err := e.trackEngine.NewSession(p)
	if err != nil {
		return nil, err
	}
	hs := &hookSession{trackSession: s.(*trackSession)}
	e.mu.Lock()
	e.hooks = append(e.hooks, hs)
	e.mu.Unlock()
	return hs, nil
}

func (s *hookSession) Do(op *engine.Op) error {
	err := s.trackSession.Do(op)
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return err
}

// cacheRig is a device on a hookEngine with one data queue.
type cacheRig struct {
	t   *testing.T
	he  *hookEngine
	dev *Device
	q   *qenv
}

func newCacheRig(t *testing.T) *cacheRig {
	he := &hookEngine{trackEngine: &trackEngine{Engine: testEngine}}
	dev, err := New(he, Options{DataQueues: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	return &cacheRig{t: t, he: he, dev: dev, q: newQEnv(t, dev, false, 64, 256<<10)}
}

// create makes an F.2.1 encryption session and returns its id and its
// engine session.
func (g *cacheRig) create() (uint64, *hookSession) {
	g.t.Helper()
	p := cbcParams(engine.Encrypt)
	id, st := g.dev.CreateSession(&p)
	if st != virtiocrypto.StatusOK {
		g.t.Fatal(st)
	}
	g.he.mu.Lock()
	defer g.he.mu.Unlock()
	return id, g.he.hooks[len(g.he.hooks)-1]
}

// batch serves one F.2.1 encryption per id in one ServeData call and
// returns each request's status (checking the ciphertext of those that
// got OK).
func (g *cacheRig) batch(ids ...uint64) []virtiocrypto.Status {
	g.t.Helper()
	var s scenario
	var outs []uint64
	for _, id := range ids {
		out := s.w(65)
		s.chain(s.r(cipherReq(virtiocrypto.OpcodeCipherEncrypt, id, 16, 64, 64)), s.r(cbcIV), s.r(cbcPT),
			out)
		outs = append(outs, out.Addr)
	}
	if u := g.q.run(&s); len(u) != len(ids) {
		g.t.Fatalf("%d used elements for %d requests", len(u), len(ids))
	}
	var sts []virtiocrypto.Status
	for i, a := range outs {
		b := g.q.bytes(a, 65)
		st := virtiocrypto.Status(b[64])
		if st == virtiocrypto.StatusOK && !bytes.Equal(b[:64], cbcCT) {
			g.t.Errorf("request %d: ciphertext %x", i, b[:64])
		}
		sts = append(sts, st)
	}
	return sts
}

// refs is the reference count of a live session (table included).
func (g *cacheRig) refs(id uint64) int32 {
	v, ok := g.dev.sessions.m.Load(id)
	if !ok {
		g.t.Fatalf("session %d not in the table", id)
	}
	return v.(*entry).refs.Load()
}

func wantStatuses(t *testing.T, got []virtiocrypto.Status, want ...virtiocrypto.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}

// TestSessionCacheDestroyBetweenRequests: a session destroyed between two
// requests of one batch (the first request cached it in the worker) fails
// the second with INVSESS, and its engine session is closed exactly once,
// after the first request's operation and before the batch ends.
func TestSessionCacheDestroyBetweenRequests(t *testing.T) {
	g := newCacheRig(t)
	id, hs := g.create()
	hs.hook = func() {
		if st := g.dev.DestroySession(id); st != virtiocrypto.StatusOK {
			t.Errorf("destroy: %v", st)
		}
		// The worker still holds the session for its batch: not closed
		// while the request that used it is being completed.
		if c := hs.closed.Load(); c != 0 {
			t.Errorf("closed %d times while the worker still held it", c)
		}
	}
	wantStatuses(t, g.batch(id, id, id), virtiocrypto.StatusOK, virtiocrypto.StatusInvSess, virtiocrypto.StatusInvSess)
	if c, v, n := hs.closed.Load(), hs.violations.Load(), hs.ops.Load(); c != 1 || v != 0 || n != 1 {
		t.Fatalf("engine session: closed %d times, %d violations, %d operations; want 1, 0, 1", c, v, n)
	}
	// A later batch finds nothing either.
	wantStatuses(t, g.batch(id), virtiocrypto.StatusInvSess)
}

// TestSessionCacheDestroyOtherSession: the cached session changes when a
// request names another one; a session destroyed while another is cached
// is closed at once and refused afterwards.
func TestSessionCacheDestroyOtherSession(t *testing.T) {
	g := newCacheRig(t)
	a, ha := g.create()
	b, hb := g.create()
	hb.hook = func() {
		if st := g.dev.DestroySession(a); st != virtiocrypto.StatusOK {
			t.Errorf("destroy: %v", st)
		}
		// The worker moved its cache from a to b: nobody holds a.
		if c := ha.closed.Load(); c != 1 {
			t.Errorf("session a closed %d times right after its destroy, want 1", c)
		}
	}
	wantStatuses(t, g.batch(a, b, a, b), virtiocrypto.StatusOK, virtiocrypto.StatusOK, virtiocrypto.StatusInvSess, virtiocrypto.StatusOK)
	if v := ha.violations.Load() + hb.violations.Load(); v != 0 {
		t.Fatalf("%d operations overlapped or followed Close", v)
	}
	if hb.closed.Load() != 0 || hb.ops.Load() != 2 {
		t.Fatalf("session b: closed %d, %d operations", hb.closed.Load(), hb.ops.Load())
	}
}

// TestSessionCacheReleasedAfterBatch: once a batch ends the worker holds
// no session, so destroying a session between batches wipes it at once.
func TestSessionCacheReleasedAfterBatch(t *testing.T) {
	g := newCacheRig(t)
	a, ha := g.create()
	b, _ := g.create()
	wantStatuses(t, g.batch(a, a, b, a, a), virtiocrypto.StatusOK, virtiocrypto.StatusOK, virtiocrypto.StatusOK, virtiocrypto.StatusOK, virtiocrypto.StatusOK)
	if ra, rb := g.refs(a), g.refs(b); ra != 1 || rb != 1 {
		t.Fatalf("after the batch: references %d and %d, want 1 (the table's)", ra, rb)
	}
	if st := g.dev.DestroySession(a); st != virtiocrypto.StatusOK {
		t.Fatal(st)
	}
	if c := ha.closed.Load(); c != 1 {
		t.Fatalf("destroyed idle session closed %d times, want 1", c)
	}
	wantStatuses(t, g.batch(a, b), virtiocrypto.StatusInvSess, virtiocrypto.StatusOK)
}
