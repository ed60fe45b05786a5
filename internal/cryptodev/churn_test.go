package cryptodev

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// serveNow serves e's queue on the calling goroutine (no watchdog: for
// long loops that check the test deadline themselves).
func (e *qenv) serveNow() {
	e.t.Helper()
	var err error
	if e.ctrl {
		_, err = e.w.ServeControl(e.q, e.d.Memory())
	} else {
		_, err = e.w.ServeData(e.q, e.d.Memory())
	}
	if err != nil {
		e.t.Fatalf("serve: %v", err)
	}
}

// deadlineGuard fails the test when a long loop would run past the test
// deadline (or past limit).
type deadlineGuard struct {
	t   testing.TB
	end time.Time
}

func newDeadlineGuard(t testing.TB, limit time.Duration) deadlineGuard {
	end := time.Now().Add(limit)
	if tt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := tt.Deadline(); ok && dl.Add(-5*time.Second).Before(end) {
			end = dl.Add(-5 * time.Second)
		}
	}
	return deadlineGuard{t, end}
}

func (g deadlineGuard) check(what string) {
	if time.Now().After(g.end) {
		g.t.Fatalf("%s: still running at the time limit (a hang or a very slow machine)", what)
	}
}

// churnPairs is the number of create/destroy pairs of
// TestSessionChurnMemoryFlat.
func churnPairs() int {
	if raceEnabled {
		return 50_000
	}
	return 1_000_000
}

// TestSessionChurnMemoryFlat runs a million AES-CBC session create/destroy
// pairs (50,000 under -race) through the control queue, in batches of 16
// creates then 16 destroys, and checks that ids are never reused, every
// answer is OK, no session is left, and the heap after GC is where it was
// after a warm-up.
func TestSessionChurnMemoryFlat(t *testing.T) {
	dev, err := New(testEngine, Options{MaxSessions: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	const batch = 16
	e := newQEnv(t, dev, true, 128, 256<<10)
	// Guest layout: one create request and key shared by every create
	// chain, 16 answer areas; 16 destroy requests with their status bytes.
	var s scenario
	p := cbcParams(engine.Encrypt)
	creq, key := createReq(&p)
	r, k := s.r(creq), s.r(key)
	var answers, dreqs, dsts []virtqtest.Desc
	var createHeads, destroyHeads []uint16
	for range batch {
		in := s.w(16)
		answers = append(answers, in)
		createHeads = append(createHeads, s.chain(r, k, in))
	}
	for range batch {
		dr, st := s.r(destroyReq(virtiocrypto.OpcodeCipherDestroySession, 0)), s.w(1)
		dreqs, dsts = append(dreqs, dr), append(dsts, st)
		destroyHeads = append(destroyHeads, s.chain(dr, st))
	}
	s.heads = nil
	e.load(&s)
	mem := func(d virtqtest.Desc) []byte { return e.bytes(d.Addr, int(d.Len)) }
	var lastID uint64
	round := func() {
		for _, h := range createHeads {
			e.d.PublishHead(h, nil)
		}
		e.serveNow()
		if u := e.reap(); len(u) != batch {
			t.Fatalf("%d creates completed, want %d", len(u), batch)
		}
		for i, a := range answers {
			in := mem(a)
			id, st := binary.LittleEndian.Uint64(in), virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
			if st != virtiocrypto.StatusOK || id <= lastID {
				t.Fatalf("create: id %d (previous %d) status %v", id, lastID, st)
			}
			lastID = id
			binary.LittleEndian.PutUint64(mem(dreqs[i])[virtiocrypto.CtrlHeaderSize:], id)
			mem(dsts[i])[0] = 0xEE
		}
		for _, h := range destroyHeads {
			e.d.PublishHead(h, nil)
		}
		e.serveNow()
		if u := e.reap(); len(u) != batch {
			t.Fatalf("%d destroys completed, want %d", len(u), batch)
		}
		for _, d := range dsts {
			if st := virtiocrypto.Status(mem(d)[0]); st != virtiocrypto.StatusOK {
				t.Fatalf("destroy: status %v", st)
			}
		}
	}
	guard := newDeadlineGuard(t, 5*time.Minute)
	const warm = 10_000
	for range warm / batch {
		round()
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	goroutines := runtime.NumGoroutine()
	before := heap()
	start := time.Now()
	pairs := churnPairs()
	for i := range pairs / batch {
		round()
		if i%1024 == 0 {
			guard.check("session churn")
		}
	}
	elapsed := time.Since(start)
	after := heap()
	t.Logf("%d create/destroy pairs in %v: %.0f pairs/s; heap after GC %d -> %d bytes", pairs, elapsed,
		float64(pairs)/elapsed.Seconds(), before, after)
	if n := dev.Sessions().Len(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	const bound = 512 << 10
	if after > before+bound {
		t.Errorf("heap grew from %d to %d bytes over %d session pairs (bound %d)", before, after, pairs, bound)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines, %d before", n, goroutines)
	}
	assertArenaWiped(t, e.w)
}

// dataJob is one request a test driver sends repeatedly, with its check.
type dataJob struct {
	readable [][]byte
	writable []int
	check    func(w []byte) error // all writable bytes, status last
}

// cbcJob is the F.2.1 encryption on session id.
func cbcJob(id uint64) dataJob {
	return dataJob{
		readable: [][]byte{cipherReq(virtiocrypto.OpcodeCipherEncrypt, id, 16, 64, 64), cbcIV, cbcPT},
		writable: []int{64, 1},
		check: func(w []byte) error {
			if st := virtiocrypto.Status(w[64]); st != virtiocrypto.StatusOK || !bytes.Equal(w[:64], cbcCT) {
				return fmt.Errorf("AES-CBC: %v %x", st, w[:64])
			}
			return nil
		},
	}
}

// vecJob is a published vector on an existing session id.
func vecJob(id uint64, vp *engine.SessionParams, v interface {
	Op(dst, digest []byte) engine.Op
	DstLen() int
	DigestLen() int
}, wantDst, wantDigest []byte) dataJob {
	op := v.Op(nil, nil)
	dr, readable, writable := cryptodevtest.DataRequest(id, vp, &op, v.DstLen(), v.DigestLen())
	var rd [][]byte
	for _, b := range append([][]byte{dr.Append(nil, 0)}, readable...) {
		if len(b) > 0 {
			rd = append(rd, b)
		}
	}
	var wr []int
	for _, n := range append(writable, 1) {
		if n > 0 {
			wr = append(wr, n)
		}
	}
	dl := v.DstLen()
	return dataJob{readable: rd, writable: wr, check: func(w []byte) error {
		st := virtiocrypto.Status(w[len(w)-1])
		if st != virtiocrypto.StatusOK || !bytes.Equal(w[:dl], wantDst) || !bytes.Equal(w[dl:len(w)-1], wantDigest) {
			return fmt.Errorf("%v: %v dst %x digest %x", vp.Service, st, w[:dl], w[dl:len(w)-1])
		}
		return nil
	}}
}

// dataDriver is one data queue driven by one goroutine.
type dataDriver struct {
	d *virtqtest.Driver
	q *virtq.Queue
	w *Worker
}

func newDataDriver(t testing.TB, dev *Device, size uint32, mem int) *dataDriver {
	d, err := virtqtest.New(virtqtest.Config{Size: size, MemSize: mem, EventIdx: true})
	if err != nil {
		t.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		t.Fatal(err)
	}
	return &dataDriver{d, q, dev.NewWorker()}
}

// batch posts jobs, serves the queue and returns each job's writable bytes.
func (x *dataDriver) batch(jobs []dataJob) ([][]byte, error) {
	heads := map[uint16]int{}
	for i, j := range jobs {
		h, err := x.d.Add(j.readable, j.writable)
		if err != nil {
			return nil, err
		}
		heads[h] = i
	}
	x.d.Kick()
	if _, err := x.w.ServeData(x.q, x.d.Memory()); err != nil {
		return nil, err
	}
	done, err := x.d.Used()
	if err != nil {
		return nil, err
	}
	if len(done) != len(jobs) {
		return nil, fmt.Errorf("%d of %d requests completed", len(done), len(jobs))
	}
	out := make([][]byte, len(jobs))
	for _, c := range done {
		i, ok := heads[c.Head]
		if !ok || out[i] != nil {
			return nil, fmt.Errorf("unexpected completion %d", c.Head)
		}
		if want := uint32(len(c.Writable)); c.Len != want {
			return nil, fmt.Errorf("used length %d, want %d", c.Len, want)
		}
		out[i] = c.Writable
	}
	return out, nil
}

// TestTwoDataQueuesSharedSessions serves two data queues from two
// goroutines (one Worker each) on shared AES-CBC, AES-GCM, HMAC-SHA256 and
// SHA-256 sessions, every answer checked against published vectors.
func TestTwoDataQueuesSharedSessions(t *testing.T) {
	dev, err := New(testEngine, Options{DataQueues: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	mk := func(p engine.SessionParams) uint64 {
		id, st := dev.CreateSession(&p)
		if st != virtiocrypto.StatusOK {
			t.Fatalf("create: %v", st)
		}
		return id
	}
	gcm := pubVector(t, "cavp:AES-GCM", "gcmEncryptExtIV128/IVlen=96,PTlen=128,AADlen=128,Taglen=128/Count=0/enc")
	hm := pubVector(t, "rfc4231:HMAC-SHA-256", "test case 2")
	sha := pubVector(t, "cavp:SHA-256", "SHA256ShortMsg/Len=24")
	jobs := []dataJob{
		cbcJob(mk(cbcParams(engine.Encrypt))),
		vecJob(mk(gcm.Params), &gcm.Params, gcm, gcm.WantDst, nil),
		vecJob(mk(hm.Params), &hm.Params, hm, nil, hm.WantDigest),
		vecJob(mk(sha.Params), &sha.Params, sha, nil, sha.WantDigest),
	}
	rounds := 3000
	if raceEnabled {
		rounds = 200
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for q := range 2 {
		x := newDataDriver(t, dev, 64, 1<<20)
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := append(append([]dataJob{}, jobs...), jobs...)
			for r := range rounds {
				out, err := x.batch(batch)
				if err == nil {
					for i, w := range out {
						if err = batch[i].check(w); err != nil {
							break
						}
					}
				}
				if err != nil {
					errs <- fmt.Errorf("queue %d round %d: %w", q, r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// trackEngine wraps the soft engine so that tests can see when sessions
// are used and closed.
type trackEngine struct {
	engine.Engine
	mu       sync.Mutex
	sessions []*trackSession
}

func (e *trackEngine) NewSession(p *engine.SessionParams) (engine.Session, error) {
	s, err := e.Engine.NewSession(p)
	if err != nil {
		return nil, err
	}
	ts := &trackSession{Session: s}
	e.mu.Lock()
	e.sessions = append(e.sessions, ts)
	e.mu.Unlock()
	return ts, nil
}

// trackSession counts operations in flight and flags a Close while one
// runs, or an operation after Close.
type trackSession struct {
	engine.Session
	active     atomic.Int32
	closed     atomic.Int32
	violations atomic.Int32
	ops        atomic.Int64
}

func (s *trackSession) Do(op *engine.Op) error {
	s.active.Add(1)
	if s.closed.Load() != 0 {
		s.violations.Add(1)
	}
	s.ops.Add(1)
	err := s.Session.Do(op)
	if s.closed.Load() != 0 {
		s.violations.Add(1)
	}
	s.active.Add(-1)
	return err
}

func (s *trackSession) Close() {
	if s.active.Load() != 0 {
		s.violations.Add(1)
	}
	s.closed.Add(1)
	s.Session.Close()
}

// TestDestroyRacesDataRequests destroys a session through the control
// queue while two data queues keep sending requests on it: every request
// gets OK with the published answer, or INVSESS; requests posted after the
// destroy was answered get INVSESS; the engine session is closed exactly
// once, never while an operation runs on it and never before one.
func TestDestroyRacesDataRequests(t *testing.T) {
	te := &trackEngine{Engine: testEngine}
	dev, err := New(te, Options{DataQueues: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	rounds := 40
	if raceEnabled {
		rounds = 10
	}
	ctrl := newQEnv(t, dev, true, 16, 256<<10)
	queues := []*dataDriver{newDataDriver(t, dev, 64, 1<<20), newDataDriver(t, dev, 64, 1<<20)}
	var okCount, invCount atomic.Int64
	for r := range rounds {
		p := cbcParams(engine.Encrypt)
		id, st := dev.CreateSession(&p)
		if st != virtiocrypto.StatusOK {
			t.Fatal(st)
		}
		job := cbcJob(id)
		batch := []dataJob{job, job, job, job, job, job, job, job}
		var destroyed atomic.Bool
		started := make(chan struct{}, 2)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for qi, x := range queues {
			wg.Add(1)
			go func() {
				defer wg.Done()
				signalled := false
				signal := func() {
					if !signalled {
						signalled = true
						started <- struct{}{}
					}
				}
				defer signal() // also on an early return, so that the test does not wait forever
				after := 0     // batches posted after the destroy was answered
				for n := 0; after < 3; n++ {
					if n == 2 {
						signal()
					}
					if n > 100000 {
						errs <- fmt.Errorf("round %d queue %d: destroy never answered", r, qi)
						return
					}
					wasDestroyed := destroyed.Load()
					out, err := x.batch(batch)
					if err != nil {
						errs <- fmt.Errorf("round %d queue %d: %w", r, qi, err)
						return
					}
					for _, w := range out {
						st := virtiocrypto.Status(w[64])
						switch {
						case st == virtiocrypto.StatusInvSess:
							invCount.Add(1)
						case wasDestroyed:
							errs <- fmt.Errorf("round %d queue %d: status %v after the destroy was answered", r, qi, st)
							return
						case job.check(w) != nil:
							errs <- fmt.Errorf("round %d queue %d: %v", r, qi, job.check(w))
							return
						default:
							okCount.Add(1)
						}
					}
					if wasDestroyed {
						after++
					}
				}
			}()
		}
		<-started
		<-started
		// The destroy, on this goroutine, while both data queues run.
		var s scenario
		dr, out := s.r(destroyReq(virtiocrypto.OpcodeCipherDestroySession, id)), s.w(1)
		s.chain(dr, out)
		if n := ctrl.one(&s); n != 1 || ctrl.bytes(out.Addr, 1)[0] != byte(virtiocrypto.StatusOK) {
			t.Fatalf("round %d: destroy used %d status %d", r, n, ctrl.bytes(out.Addr, 1)[0])
		}
		destroyed.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
	}
	te.mu.Lock()
	defer te.mu.Unlock()
	for i, s := range te.sessions {
		if v := s.violations.Load(); v != 0 {
			t.Errorf("session %d: %d operations overlapped or followed Close", i, v)
		}
		if c := s.closed.Load(); c != 1 {
			t.Errorf("session %d closed %d times", i, c)
		}
	}
	t.Logf("%d rounds: %d requests OK, %d INVSESS", rounds, okCount.Load(), invCount.Load())
	if okCount.Load() == 0 || invCount.Load() == 0 {
		t.Errorf("the race did not happen: %d OK, %d INVSESS", okCount.Load(), invCount.Load())
	}
}
