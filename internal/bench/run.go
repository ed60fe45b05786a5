package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"vcrypto/internal/daemon"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft"
	"vcrypto/internal/vhostuser"
	"vcrypto/internal/virtiocrypto"
)

// ErrDevice: the daemon refused or mangled a request the bench made (a
// session could not be created, a completion came back with a bad status
// or result), or stopped answering.
var ErrDevice = errors.New("bench: device failure")

// frontendTimeout bounds every wait for a reply or completion.
const frontendTimeout = 10 * time.Second

// runner holds the state of one Run.
type runner struct {
	ctx  context.Context
	cfg  Config
	rep  *Report
	algs []*algorithm
	eng  engine.Engine

	total, done int // cells, for the progress line
	tty         bool
	raw         map[rawKey]*Raw
	lat         [][]uint32 // latency sample buffers, one per queue, reused
	queueSize   int        // of the frontend's rings
}

type rawKey struct {
	alg  string
	size int
}

// Run runs the benchmark cfg describes and returns its report. It starts
// (and stops) an in-process daemon per poll time unless cfg.SocketPath
// names a running one. Each cell takes the warm-up plus cfg.CellTime
// (longer only while no request has completed in it, up to the frontend
// timeout of 10 s) and the drain of the requests in flight. Run returns
// early, with the cells measured so far, when ctx ends; the report it
// returns with an error holds what was measured before it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &runner{ctx: ctx, cfg: cfg, raw: map[rawKey]*Raw{}}
	for _, n := range cfg.Algorithms {
		r.algs = append(r.algs, findAlgorithm(n))
	}
	info, _ := os.ReadFile("/proc/cpuinfo")
	r.rep = &Report{
		Started:  time.Now(),
		Mode:     cfg.Mode,
		External: cfg.SocketPath != "",
		CellMS:   float64(cfg.CellTime) / float64(time.Millisecond),
		Indirect: !cfg.Direct,
		Host: Host{CPU: cpuModel(string(info)), NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
			GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH},
		Raw: []Raw{}, Cells: []Cell{}, Control: []Control{},
	}
	if cfg.Progress != nil {
		if f, ok := cfg.Progress.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				r.tty = true
			}
		}
	}
	for _, a := range r.algs {
		for _, s := range cfg.Sizes {
			if a.fits(s) != "" || cfg.Mode != "device" && a.vhostSession() == nil {
				continue
			}
			for _, dm := range cfg.Drivers {
				for _, nq := range cfg.Queues {
					if driverFits(dm, nq, cfg.SocketPath != "") {
						r.total += len(cfg.InFlight) * len(cfg.PollUS)
					}
				}
			}
		}
	}
	if !cfg.NoRaw {
		eng, err := newEngine()
		if err != nil {
			return nil, fmt.Errorf("bench: soft engine: %w", err)
		}
		r.eng = eng
	}
	err := r.run()
	r.finish()
	if r.tty {
		fmt.Fprint(cfg.Progress, "\r\033[K")
	}
	r.rep.Seconds = time.Since(r.rep.Started).Seconds()
	if ctx.Err() != nil && err == nil {
		err = ctx.Err()
	}
	return r.rep, err
}

// newEngine builds the soft engine of the raw baselines (its self-test
// runs first).
func newEngine() (engine.Engine, error) { return soft.New() }

func (r *runner) progress(format string, args ...any) {
	if r.cfg.Progress == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	if r.tty {
		fmt.Fprintf(r.cfg.Progress, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(r.cfg.Progress, line)
	}
}

func (r *runner) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(r.rep.Notes, n) {
		r.rep.Notes = append(r.rep.Notes, n)
	}
}

func (r *runner) run() error {
	if !r.cfg.NoFloor {
		r.progress("measuring the eventfd ping-pong floor")
		f, err := measureFloor(r.cfg.CellTime)
		if err != nil {
			return err
		}
		r.rep.Floor = f
	}
	for _, poll := range r.cfg.PollUS {
		if r.ctx.Err() != nil {
			return nil
		}
		if err := r.runDaemon(poll); err != nil {
			return err
		}
	}
	return nil
}

// target is the daemon a pass of the matrix runs against.
type target struct {
	path string
	pid  int // external daemon's process (0: unknown)
	poll int // -1: unknown
	stop func() error
	dead <-chan error // in-process daemon: its Run result
}

// startDaemon starts an in-process daemon on a temporary socket.
func (r *runner) startDaemon(poll int) (*target, error) {
	dir, err := os.MkdirTemp("", "vcrypto-bench-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "vhost-user-crypto.sock")
	ctx, cancel := context.WithCancel(context.Background())
	dead := make(chan error, 1)
	cfg := daemon.Config{
		SocketPath: path, Mode: r.cfg.Mode, Queues: slices.Max(r.cfg.Queues), Engine: "soft",
		MaxSessions: daemon.DefaultMaxSessions, PollUS: poll, Logger: slog.New(slog.DiscardHandler),
	}
	go func() { dead <- daemon.Run(ctx, cfg) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-dead:
			case <-time.After(frontendTimeout):
				stopErr = fmt.Errorf("%w: in-process daemon did not stop", ErrDevice)
			}
			os.RemoveAll(dir)
		})
		return stopErr
	}
	return &target{path: path, poll: poll, stop: stop, dead: dead}, nil
}

// dial connects to the target's socket, waiting for an in-process daemon
// to listen.
func (r *runner) dial(t *target) (*net.UnixConn, error) {
	deadline := time.Now().Add(frontendTimeout)
	for {
		uc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: t.path, Net: "unix"})
		if err == nil {
			return uc, nil
		}
		if t.dead == nil || time.Now().After(deadline) {
			return nil, fmt.Errorf("bench: connecting to %s: %w", t.path, err)
		}
		select {
		case derr := <-t.dead:
			return nil, fmt.Errorf("bench: in-process daemon: %v", derr)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// probe asks an external daemon for its number of queues (GET_QUEUE_NUM)
// and, unless configured, its process (SO_PEERCRED), on a connection of
// its own.
func (r *runner) probe(t *target) (int, error) {
	uc, err := r.dial(t)
	if err != nil {
		return 0, err
	}
	if t.pid == 0 {
		if pid, err := peerPID(uc); err == nil && pid != os.Getpid() {
			t.pid = pid
		} else {
			r.note("daemon process unknown (no SO_PEERCRED): device CPU not measured")
		}
	}
	f, err := vhostuser.NewFrontend(uc, vhostuser.FrontendConfig{Queues: 1, ArenaSize: 4096, Regions: 1, Timeout: frontendTimeout})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.GetFeatures(); err != nil {
		return 0, err
	}
	pf, err := f.GetProtocolFeatures()
	if err != nil {
		return 0, err
	}
	if pf&vhostuser.ProtocolMQ == 0 {
		return 1, nil
	}
	if err := f.SetProtocolFeatures(pf & vhostuser.DefaultProtocolFeatures); err != nil {
		return 0, err
	}
	n, err := f.GetQueueNum()
	if err != nil {
		return 0, err
	}
	return int(min(n, 1<<16)), nil
}

// frontendConfig sizes the frontend for the whole matrix; ctrlIndex is the
// control queue's index (device mode) or the number of data queues.
func (r *runner) frontendConfig(ctrlIndex int) vhostuser.FrontendConfig {
	maxQ, maxIn := ctrlIndex, slices.Max(r.cfg.InFlight)
	arena := 0
	for _, a := range r.algs {
		for _, s := range r.cfg.Sizes {
			arena = max(arena, a.chainBytes(s))
		}
	}
	// One chain more than in flight, plus one lost at the wrap, plus room
	// for the control plane's requests.
	arena = max(arena*(maxIn+2), 64<<10)
	queues := maxQ
	if r.cfg.Mode == "device" {
		queues++
	}
	size := uint32(256)
	if r.cfg.Direct {
		for size < uint32(6*maxIn) {
			size *= 2
		}
	}
	for size < uint32(maxIn) {
		size *= 2
	}
	return vhostuser.FrontendConfig{
		Queues: queues, QueueSize: size, ArenaSize: arena, AckAllFeatures: true, EventIdx: true,
		Indirect: !r.cfg.Direct, Timeout: frontendTimeout,
	}
}

// runDaemon runs the matrix against one daemon: the in-process one with
// poll time poll, or the external one.
func (r *runner) runDaemon(poll int) (err error) {
	var t *target
	if r.cfg.SocketPath != "" {
		t = &target{path: r.cfg.SocketPath, pid: r.cfg.PID, poll: -1, stop: func() error { return nil }}
	} else if t, err = r.startDaemon(poll); err != nil {
		return err
	}
	defer func() {
		if serr := t.stop(); err == nil && serr != nil {
			err = serr
		}
	}()
	ctrlIndex := slices.Max(r.cfg.Queues)
	if r.cfg.SocketPath != "" {
		n, err := r.probe(t)
		if err != nil {
			return err
		}
		avail := n // data queues
		if r.cfg.Mode == "device" {
			avail = n - 1 // the control queue follows the data queues
			ctrlIndex = avail
		}
		if avail < slices.Max(r.cfg.Queues) {
			return fmt.Errorf("%w: the daemon at %s has %d data queues, the bench wants %d", ErrConfig, t.path, avail, slices.Max(r.cfg.Queues))
		}
	}
	if !r.cfg.NoControl && r.rep.Setup == nil && r.ctx.Err() == nil {
		r.progress("measuring SET_MEM_TABLE of %d MiB", setupMemSize>>20)
		s, err := r.measureSetup(t)
		if err != nil {
			return err
		}
		r.rep.Setup = s
	}
	uc, err := r.dial(t)
	if err != nil {
		return err
	}
	fcfg := r.frontendConfig(ctrlIndex)
	r.queueSize = int(fcfg.QueueSize)
	f, err := vhostuser.NewFrontend(uc, fcfg)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Handshake(); err != nil {
		return fmt.Errorf("bench: handshake with %s: %w", t.path, err)
	}
	var ctrl *vhostuser.FrontendQueue
	if r.cfg.Mode == "device" {
		ctrl = f.Queue(ctrlIndex)
	}
	for _, a := range r.algs {
		if r.ctx.Err() != nil {
			return nil
		}
		if err := r.runAlgorithm(f, ctrl, t, a); err != nil {
			return err
		}
	}
	if !r.cfg.NoControl && r.ctx.Err() == nil {
		if err := r.controlPlane(f, ctrl, t); err != nil {
			return err
		}
	}
	return nil
}

// createSession makes a's session on the daemon.
func (r *runner) createSession(f *vhostuser.Frontend, ctrl *vhostuser.FrontendQueue, a *algorithm) (uint64, bool, error) {
	if ctrl == nil {
		s := a.vhostSession()
		if s == nil {
			return 0, false, nil
		}
		id, err := f.CreateSession(s)
		if err != nil {
			return 0, false, err
		}
		if id < 0 {
			return 0, false, fmt.Errorf("%w: CREATE_CRYPTO_SESSION for %s refused (status %d)", ErrDevice, a.title, -id)
		}
		return uint64(id), true, nil
	}
	w, err := ctrlDo(ctrl, a.ctrlCreate(), virtiocrypto.CreateSessionInputSize)
	if err != nil {
		return 0, false, err
	}
	in, err := virtiocrypto.ParseCreateSessionInput(w)
	if err != nil || in.Status != virtiocrypto.StatusOK {
		return 0, false, fmt.Errorf("%w: control queue refused a %s session (%v, %v)", ErrDevice, a.title, in.Status, err)
	}
	return in.SessionID, true, nil
}

func (r *runner) destroySession(f *vhostuser.Frontend, ctrl *vhostuser.FrontendQueue, a *algorithm, id uint64) error {
	if ctrl == nil {
		return f.CloseSession(id)
	}
	w, err := ctrlDo(ctrl, [][]byte{a.ctrlDestroy(id)}, virtiocrypto.DestroySessionInputSize)
	if err != nil {
		return err
	}
	if virtiocrypto.Status(w[0]) != virtiocrypto.StatusOK {
		return fmt.Errorf("%w: destroying a %s session: %v", ErrDevice, a.title, virtiocrypto.Status(w[0]))
	}
	return nil
}

// ctrlDo runs one control-queue request and returns its writable bytes.
func ctrlDo(q *vhostuser.FrontendQueue, readable [][]byte, outLen int) ([]byte, error) {
	if _, err := q.Submit(readable, []int{outLen}); err != nil {
		return nil, err
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		return nil, fmt.Errorf("%w: control queue: %w", ErrDevice, err)
	}
	if len(cs) != 1 || len(cs[0].Writable) != outLen {
		return nil, fmt.Errorf("%w: control queue answered %d completions", ErrDevice, len(cs))
	}
	return cs[0].Writable, nil
}

func (r *runner) runAlgorithm(f *vhostuser.Frontend, ctrl *vhostuser.FrontendQueue, t *target, a *algorithm) error {
	sid, ok, err := r.createSession(f, ctrl, a)
	if err != nil {
		return err
	}
	if !ok {
		r.note("%s skipped: cryptodev mode carries cipher sessions only (use --mode device)", a.title)
		return nil
	}
	defer r.destroySession(f, ctrl, a, sid)
	goFn, err := a.rawGo()
	if err != nil {
		return err
	}
	for _, size := range r.cfg.Sizes {
		if why := a.fits(size); why != "" {
			r.note("%s %s skipped: %s", a.title, FormatSize(size), why)
			continue
		}
		src := pattern(size, 0x5a)
		exp := goFn(make([]byte, a.outLen(size)), src)
		raw, err := r.baseline(a, size, src, exp, goFn)
		if err != nil {
			return err
		}
		for _, dm := range r.cfg.Drivers {
			for _, in := range r.cfg.InFlight {
				for _, nq := range r.cfg.Queues {
					if r.ctx.Err() != nil {
						return nil
					}
					if !driverFits(dm, nq, t.dead == nil) {
						r.note("polling driver with %d queues skipped: a polling driver and its queue worker need a CPU each (%d CPUs here)", nq, cpusFor(t.dead == nil))
						continue
					}
					c, err := r.cell(f, t, a, sid, src, exp, dm, in, nq)
					if err != nil {
						return err
					}
					if raw != nil {
						setRatios(&c, raw)
					}
					r.rep.Cells = append(r.rep.Cells, c)
					r.done++
					r.progress("[%d/%d] poll %s, %s driver, %s %s ×%d q%d: %.0f MB/s (%s× Go), p50 %.1f µs",
						r.done, r.total, pollName(c.PollUS), dm, a.title, FormatSize(size), in, nq, c.MBps, fmtRatio(c.RatioGo), c.P50us)
				}
			}
		}
	}
	return nil
}

// cpusFor is the number of CPUs the drivers and queue workers share: the
// in-process daemon's Go scheduler runs both on GOMAXPROCS threads.
func cpusFor(external bool) int {
	if external {
		return runtime.NumCPU()
	}
	return runtime.GOMAXPROCS(0)
}

// driverFits reports whether nq queues can be driven in mode dm without
// more busy threads than CPUs: a polling driver spins on its own CPU
// while its queue worker needs another.
func driverFits(dm string, nq int, external bool) bool {
	return dm != DriverPoll || 2*nq <= cpusFor(external)
}

// setRatios relates a cell to its baseline.
func setRatios(c *Cell, raw *Raw) {
	c.RatioEngine = c.MBps / raw.EngineMBps
	c.RatioGo = c.MBps / raw.GoMBps
	c.CPURatio = 0
	if c.CPUPerReqNs > 0 {
		c.CPURatio = raw.EngineNsPerOp / c.CPUPerReqNs
	}
}

// finish fills in the report's baselines (the best of their measurements)
// and relates every cell to them.
func (r *runner) finish() {
	for i := range r.rep.Raw {
		b := &r.rep.Raw[i]
		*b = *r.raw[rawKey{b.Algorithm, b.Size}]
	}
	for i := range r.rep.Cells {
		c := &r.rep.Cells[i]
		if b, ok := r.raw[rawKey{c.Algorithm, c.Size}]; ok {
			setRatios(c, b)
		}
	}
}

func pollName(p int) string {
	if p < 0 {
		return "?"
	}
	return fmt.Sprint(p)
}

// cell measures one point of the matrix.
func (r *runner) cell(f *vhostuser.Frontend, t *target, a *algorithm, sid uint64, src, exp []byte, driverMode string, inflight, nq int) (Cell, error) {
	c := Cell{Algorithm: a.title, Size: len(src), Driver: driverMode, InFlight: inflight, Queues: nq, PollUS: t.poll, CPUPerReqNs: -1, AllocsPerReq: -1}
	readable, wlens := a.request(sid, src)
	for len(r.lat) < nq {
		r.lat = append(r.lat, make([]uint32, 0, 1<<18))
	}
	base := time.Now()
	start := base.Add(r.cfg.warmup())
	end := start.Add(r.cfg.CellTime)
	ds := make([]*driver, nq)
	var wg sync.WaitGroup
	for i := range ds {
		ds[i] = &driver{
			q: f.Queue(i), readable: readable, wlens: wlens, outLen: a.outLen(len(src)), exp: exp,
			inflight: inflight, poll: driverMode == DriverPoll, base: base, start: int64(start.Sub(base)), end: int64(end.Sub(base)),
			submit: make([]int64, r.queueSize), lat: r.lat[i][:0], stride: 1,
		}
		if i == 0 {
			// The first driver also takes the process-wide snapshots,
			// at its own window's edges.
			ds[i].snap = &snapshot{pid: t.pid, external: r.cfg.SocketPath != ""}
		}
		wg.Add(1)
		go func(d *driver) {
			defer wg.Done()
			d.run()
		}(ds[i])
	}
	wg.Wait()
	lead := ds[0]
	external := r.cfg.SocketPath != ""
	wg.Wait()
	var frontCPU time.Duration
	var lat []uint32
	var kicks, calls int
	c.Verified = true
	for i, d := range ds {
		r.lat[i] = d.lat[:0]
		if d.err != nil {
			return c, fmt.Errorf("%w: %s %s ×%d queue %d: %w", ErrDevice, a.title, FormatSize(len(src)), inflight, i, d.err)
		}
		if d.bad > 0 {
			c.Verified = false
			r.note("%s %s ×%d q%d: %d bad completions (%s)", a.title, FormatSize(len(src)), inflight, nq, d.bad, d.badWhy)
		}
		c.Requests += d.completed
		frontCPU += d.cpu1 - d.cpu0
		kicks += d.kicks1 - d.kicks0
		calls += d.calls1 - d.calls0
		lat = append(lat, d.lat...)
	}
	var rate float64
	for _, d := range ds {
		if w := time.Duration(d.t1 - d.t0); w > 0 {
			rate += float64(d.completed) / w.Seconds()
		}
	}
	c.Seconds = time.Duration(lead.t1 - lead.t0).Seconds()
	if c.Requests == 0 || c.Seconds <= 0 || rate <= 0 {
		return c, fmt.Errorf("%w: %s %s ×%d q%d: no request completed in %v", ErrDevice, a.title, FormatSize(len(src)), inflight, nq, r.cfg.CellTime)
	}
	n := float64(c.Requests)
	c.ReqPerSec = rate
	c.MBps = c.ReqPerSec * float64(len(src)) / 1e6
	c.P50us, c.P99us = percentiles(lat)
	c.KicksPerReq, c.CallsPerReq = float64(kicks)/n, float64(calls)/n
	// CPU and allocations are taken over the first driver's window; the
	// requests of the others over theirs, which match it closely.
	sn := lead.snap
	reqs := rate * c.Seconds // requests in the first driver's window
	switch {
	case external && sn.cpuOK:
		c.CPUPerReqNs = float64(sn.cpu1-sn.cpu0) / reqs
	case !external:
		c.CPUPerReqNs = max(float64(sn.cpu1-sn.cpu0-frontCPU), 0) / reqs
		c.AllocsPerReq = float64(sn.ms1.Mallocs-sn.ms0.Mallocs) / reqs
	}
	return c, nil
}

// percentiles returns the 50th and 99th percentiles of latency samples in
// nanoseconds, in microseconds. It sorts lat.
func percentiles(lat []uint32) (p50, p99 float64) {
	if len(lat) == 0 {
		return 0, 0
	}
	slices.Sort(lat)
	at := func(q float64) float64 {
		i := min(int(q*float64(len(lat))), len(lat)-1)
		return float64(lat[i]) / 1e3
	}
	return at(0.50), at(0.99)
}

// driver keeps inflight requests in flight on one queue (a sliding
// window: every completion is replaced at once) from its own OS thread,
// and records completions, latencies, notifications and its thread's CPU
// time over the measured window [start, end) (nanoseconds since base).
type driver struct {
	q                  *vhostuser.FrontendQueue
	readable           [][]byte
	wlens              []int
	outLen             int
	exp                []byte
	inflight           int
	poll               bool // poll the used ring instead of sleeping on the call eventfd
	base               time.Time
	start, end         int64
	submit             []int64 // by head: when the request was added
	now                int64   // time of the current reap
	measuring, checked bool

	lat          []uint32
	stride, skip int

	snap           *snapshot // process-wide figures (first driver only)
	t0, t1         int64     // the measured window (nanoseconds since base)
	completed      int64
	bad            int64
	badWhy         string
	cpu0, cpu1     time.Duration
	kicks0, kicks1 int
	calls0, calls1 int
	err            error
}

func (d *driver) run() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	d.q.SetInterrupts(!d.poll)
	defer d.q.SetInterrupts(true)
	onUsed := d.onUsed
	phase := 0 // 0: warm-up, 1: measured, 2: drain
	// The window stays open until it has a completion (a stall longer
	// than a short cell must not leave it empty), within the timeout.
	limit := d.end + int64(frontendTimeout)
	for {
		now := int64(time.Since(d.base))
		if phase == 0 && now >= d.start {
			phase, d.measuring = 1, true
			d.snap.take(false)
			d.cpu0, d.kicks0, d.calls0 = threadCPU(), d.q.Kicks, d.q.ReadCalls()
			d.t0 = int64(time.Since(d.base))
		}
		if phase == 1 && now >= d.end && (d.completed > 0 || d.bad > 0 || now >= limit) {
			phase, d.measuring = 2, false
			d.t1 = int64(time.Since(d.base))
			d.cpu1, d.kicks1, d.calls1 = threadCPU(), d.q.Kicks, d.q.ReadCalls()
			d.snap.take(true)
		}
		if phase < 2 {
			for d.q.InFlight() < d.inflight {
				head, err := d.q.Add(d.readable, d.wlens)
				if err != nil {
					d.err = err
					return
				}
				d.submit[head] = now
			}
			d.q.Kick()
		} else if d.q.InFlight() == 0 {
			return
		}
		if d.poll {
			if err := d.spin(); err != nil {
				d.err = err
				return
			}
		} else if err := d.q.WaitUsed(); err != nil {
			d.err = err
			return
		}
		d.now = int64(time.Since(d.base))
		if _, err := d.q.Reap(onUsed); err != nil {
			d.err = err
			return
		}
	}
}

// snapshot holds the process-wide figures of a cell's window: the
// daemon's CPU time (this process's, or the external daemon's) and, for
// an in-process daemon, the heap allocation count.
type snapshot struct {
	pid        int
	external   bool
	cpu0, cpu1 time.Duration
	cpuOK      bool
	ms0, ms1   runtime.MemStats
}

// take records the window's start (end false) or end figures. A nil
// snapshot takes nothing.
func (s *snapshot) take(end bool) {
	if s == nil {
		return
	}
	cpu, ms := &s.cpu0, &s.ms0
	if end {
		cpu, ms = &s.cpu1, &s.ms1
	}
	if !s.external {
		if !end {
			runtime.ReadMemStats(ms)
		}
		*cpu = processCPU()
		if end {
			runtime.ReadMemStats(ms)
		}
		return
	}
	if s.pid <= 0 {
		return
	}
	v, err := pidCPU(s.pid)
	*cpu = v
	if !end {
		s.cpuOK = err == nil
	} else {
		s.cpuOK = s.cpuOK && err == nil
	}
}

// spin polls the used ring until it holds a completion (or the frontend
// timeout passes).
func (d *driver) spin() error {
	var deadline time.Time
	for i := 0; !d.q.Pending(); i++ {
		if i%1024 == 1023 {
			now := time.Now()
			if deadline.IsZero() {
				deadline = now.Add(frontendTimeout)
			} else if now.After(deadline) {
				return fmt.Errorf("%w: queue %d: no completion", vhostuser.ErrTimeout, d.q.Index())
			}
		}
	}
	return nil
}

// onUsed checks one completion and records it.
func (d *driver) onUsed(head uint16, _ uint32, w [][]byte) {
	if len(w) != 2 || len(w[0]) != d.outLen || len(w[1]) != 1 {
		d.fail("unexpected writable buffers")
		return
	}
	if st := virtiocrypto.Status(w[1][0]); st != virtiocrypto.StatusOK {
		d.fail("status " + st.String())
		return
	}
	out := w[0]
	if !d.checked {
		d.checked = true
		if string(out) != string(d.exp) {
			d.fail("result differs from raw Go crypto")
			return
		}
	} else if tail := max(len(out)-16, 0); string(out[tail:]) != string(d.exp[tail:]) {
		d.fail("result differs from raw Go crypto")
		return
	}
	if !d.measuring {
		return
	}
	d.completed++
	d.skip++
	if d.skip < d.stride {
		return
	}
	d.skip = 0
	if len(d.lat) == cap(d.lat) {
		// Keep every other sample and halve the sampling rate.
		half := len(d.lat) / 2
		for i := range half {
			d.lat[i] = d.lat[2*i]
		}
		d.lat = d.lat[:half]
		d.stride *= 2
	}
	d.lat = append(d.lat, uint32(min(max(d.now-d.submit[head], 0), 1<<32-1)))
}

func (d *driver) fail(why string) {
	d.bad++
	if d.badWhy == "" {
		d.badWhy = why
	}
}

// baseline measures the raw engine and raw Go for an algorithm and size
// on one core of this process (again in every pass of the matrix, keeping
// the best figures), and checks that the engine's result is raw Go's.
func (r *runner) baseline(a *algorithm, size int, src, exp []byte, goFn func(dst, src []byte) []byte) (*Raw, error) {
	if r.eng == nil {
		return nil, nil
	}
	k := rawKey{a.title, size}
	r.progress("baseline %s %s", a.title, FormatSize(size))
	s, err := r.eng.NewSession(a.engineParams())
	if err != nil {
		return nil, fmt.Errorf("bench: soft engine %s session: %w", a.title, err)
	}
	defer s.Close()
	out := make([]byte, a.outLen(size))
	var op engine.Op
	a.engineOp(&op, src, out)
	var derr error
	engNs := measureLoop(r.cfg.CellTime, func() {
		if err := s.Do(&op); err != nil {
			derr = err
		}
	})
	if derr != nil {
		return nil, fmt.Errorf("bench: soft engine %s: %w", a.title, derr)
	}
	if string(out) != string(exp) {
		return nil, fmt.Errorf("bench: soft engine %s %s result differs from raw Go crypto", a.title, FormatSize(size))
	}
	dst := make([]byte, a.outLen(size))
	goNs := measureLoop(r.cfg.CellTime, func() { goFn(dst, src) })
	b, ok := r.raw[k]
	if !ok {
		b = &Raw{Algorithm: a.title, Size: size, EngineNsPerOp: engNs, GoNsPerOp: goNs}
		r.raw[k] = b
		r.rep.Raw = append(r.rep.Raw, *b)
	}
	// Each pass measures again; the best figures stand (the machine's
	// other load only ever slows a measurement down).
	b.EngineNsPerOp, b.GoNsPerOp = min(b.EngineNsPerOp, engNs), min(b.GoNsPerOp, goNs)
	b.EngineMBps, b.GoMBps = float64(size)/b.EngineNsPerOp*1e3, float64(size)/b.GoNsPerOp*1e3
	return b, nil
}

// measureLoop runs fn for a warm-up and then for about d, and returns its
// mean time per call in nanoseconds.
func measureLoop(d time.Duration, fn func()) float64 {
	run := func(d time.Duration) (int64, time.Duration) {
		var n int64
		batch := int64(1)
		start := time.Now()
		for {
			for range batch {
				fn()
			}
			n += batch
			el := time.Since(start)
			if el >= d {
				return n, el
			}
			if el < d/100 {
				batch *= 2
			}
		}
	}
	run(min(max(d/5, time.Millisecond), 100*time.Millisecond))
	n, el := run(d)
	return float64(el) / float64(n)
}

// controlPlane measures session create+destroy pairs per second.
func (r *runner) controlPlane(f *vhostuser.Frontend, ctrl *vhostuser.FrontendQueue, t *target) error {
	a := findAlgorithm("aes-128-cbc")
	if ctrl == nil {
		s := a.vhostSession()
		r.progress("control plane: vhost-user CREATE/CLOSE_CRYPTO_SESSION")
		var pairs int64
		start := time.Now()
		deadline := start.Add(r.cfg.CellTime)
		for time.Now().Before(deadline) {
			id, err := f.CreateSession(s)
			if err != nil {
				return err
			}
			if id < 0 {
				return fmt.Errorf("%w: CREATE_CRYPTO_SESSION refused (status %d)", ErrDevice, -id)
			}
			if err := f.CloseSession(uint64(id)); err != nil {
				return err
			}
			pairs++
		}
		// The reply to one more request proves the last close was handled.
		if _, err := f.GetFeatures(); err != nil {
			return err
		}
		el := time.Since(start).Seconds()
		r.rep.Control = append(r.rep.Control, Control{Mode: "cryptodev", PollUS: t.poll, InFlight: 1, Pairs: pairs, PairsPerSec: float64(pairs) / el})
		return nil
	}
	create := a.ctrlCreate()
	for _, k := range []int{1, 16} {
		r.progress("control plane: control queue, %d pairs in flight", k)
		var pairs int64
		ids := make([]uint64, 0, k)
		start := time.Now()
		deadline := start.Add(r.cfg.CellTime)
		for time.Now().Before(deadline) {
			for range k {
				if _, err := ctrl.Add(create, []int{virtiocrypto.CreateSessionInputSize}); err != nil {
					return err
				}
			}
			ctrl.Kick()
			ids = ids[:0]
			var bad error
			if err := waitN(ctrl, k, func(w [][]byte) {
				in, err := virtiocrypto.ParseCreateSessionInput(w[0])
				if err != nil || in.Status != virtiocrypto.StatusOK {
					bad = fmt.Errorf("%w: control queue create: %v %v", ErrDevice, in.Status, err)
					return
				}
				ids = append(ids, in.SessionID)
			}); err != nil {
				return err
			}
			if bad != nil {
				return bad
			}
			for _, id := range ids {
				if _, err := ctrl.Add([][]byte{a.ctrlDestroy(id)}, []int{virtiocrypto.DestroySessionInputSize}); err != nil {
					return err
				}
			}
			ctrl.Kick()
			if err := waitN(ctrl, k, func(w [][]byte) {
				if st := virtiocrypto.Status(w[0][0]); st != virtiocrypto.StatusOK {
					bad = fmt.Errorf("%w: control queue destroy: %v", ErrDevice, st)
				}
			}); err != nil {
				return err
			}
			if bad != nil {
				return bad
			}
			pairs += int64(k)
		}
		el := time.Since(start).Seconds()
		r.rep.Control = append(r.rep.Control, Control{Mode: "device", PollUS: t.poll, InFlight: k, Pairs: pairs, PairsPerSec: float64(pairs) / el})
	}
	return nil
}

// waitN collects n completions on q, calling fn with each one's writable
// buffers.
func waitN(q *vhostuser.FrontendQueue, n int, fn func([][]byte)) error {
	for got := 0; got < n; {
		if err := q.WaitUsed(); err != nil {
			return fmt.Errorf("%w: %w", ErrDevice, err)
		}
		k, err := q.Reap(func(_ uint16, _ uint32, w [][]byte) { fn(w) })
		if err != nil {
			return err
		}
		got += k
	}
	return nil
}
