package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the result of a Run. Every ratio in it is taken between
// figures measured in the same run.
type Report struct {
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"` // wall time of the run
	Host     Host      `json:"host"`
	Mode     string    `json:"mode"`     // device or cryptodev
	External bool      `json:"external"` // the daemon ran in another process
	// CellMS is the measured time of each cell, in milliseconds.
	CellMS   float64 `json:"cell_ms"`
	Indirect bool    `json:"indirect"` // the frontend used indirect descriptor tables
	// Floor is the bare eventfd ping-pong between two threads of this
	// process, the latency floor of one request in flight.
	Floor *Floor `json:"floor,omitempty"`
	// Setup is the SET_MEM_TABLE time of 1 GiB of guest memory (nil: not
	// measured).
	Setup   *Setup    `json:"setup,omitempty"`
	Raw     []Raw     `json:"raw"`
	Cells   []Cell    `json:"cells"`
	Control []Control `json:"control"`
	// Notes lists cells that were skipped, and why.
	Notes []string `json:"notes,omitempty"`
}

// Host describes the machine and runtime of the run.
type Host struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
}

// Floor is the latency of an eventfd ping-pong: one thread writes an
// eventfd and sleeps in poll(2) on a second one, which a goroutine blocked
// in the Go runtime poller on the first writes back.
type Floor struct {
	P50us   float64 `json:"p50_us"`
	P99us   float64 `json:"p99_us"`
	Samples int     `json:"samples"`
}

// Raw is the baseline of one algorithm and size, on one core of this
// process: the soft engine's session Do, and raw Go crypto (standard
// library and golang.org/x/crypto with every reusable object kept).
type Raw struct {
	Algorithm     string  `json:"algorithm"`
	Size          int     `json:"size"`
	EngineMBps    float64 `json:"engine_mb_s"`
	EngineNsPerOp float64 `json:"engine_ns_per_op"`
	GoMBps        float64 `json:"go_mb_s"`
	GoNsPerOp     float64 `json:"go_ns_per_op"`
}

// Cell is one point of the matrix, measured through the daemon.
type Cell struct {
	Algorithm string `json:"algorithm"`
	Size      int    `json:"size"`
	// Driver is how the frontend waits for completions: DriverSleep or
	// DriverPoll.
	Driver   string `json:"driver"`
	InFlight int    `json:"in_flight"` // per queue
	Queues   int    `json:"queues"`
	PollUS   int    `json:"poll_us"` // -1: unknown (external daemon)

	Requests  int64   `json:"requests"` // completed in the measured time
	Seconds   float64 `json:"seconds"`
	MBps      float64 `json:"mb_s"` // data bytes (Size per request), 10^6 per MB
	ReqPerSec float64 `json:"req_s"`
	// RatioEngine and RatioGo are MBps divided by the raw engine's and
	// raw Go's MB/s for the same algorithm and size (0: no baseline).
	RatioEngine float64 `json:"ratio_engine"`
	RatioGo     float64 `json:"ratio_go"`
	// CPURatio is the raw engine's time per request divided by the
	// device's CPU time per request: 1 means the device spends nothing
	// beyond the crypto (0: unknown).
	CPURatio float64 `json:"cpu_ratio"`
	// P50us and P99us are request latencies, from the frontend's Add to
	// the Reap that collects the completion.
	P50us float64 `json:"p50_us"`
	P99us float64 `json:"p99_us"`
	// CPUPerReqNs is the device's CPU time per request: the daemon
	// process's (getrusage, or /proc/<pid>/stat for an external one, 10
	// ms resolution) minus the frontend threads' own. -1: unknown.
	CPUPerReqNs float64 `json:"cpu_per_req_ns"`
	// AllocsPerReq is the heap allocations per request (in-process
	// daemon: runtime.MemStats.Mallocs; frontend included, which
	// allocates nothing in steady state). -1: unknown.
	AllocsPerReq float64 `json:"allocs_per_req"`
	// KicksPerReq and CallsPerReq are the notifications per request:
	// kick eventfd writes by the frontend, call eventfd writes by the
	// device.
	KicksPerReq float64 `json:"kicks_per_req"`
	CallsPerReq float64 `json:"calls_per_req"`
	// Verified: every completion had status OK and the expected result
	// (the first one compared whole with raw Go crypto, the others by
	// their last 16 bytes).
	Verified bool `json:"verified"`
}

// Control is the control-plane result: session create+destroy pairs per
// second (device mode: through the control queue, InFlight pairs at a
// time; cryptodev mode: vhost-user CREATE/CLOSE_CRYPTO_SESSION, one at a
// time).
type Control struct {
	Mode        string  `json:"mode"`
	PollUS      int     `json:"poll_us"`
	InFlight    int     `json:"in_flight"`
	Pairs       int64   `json:"pairs"`
	PairsPerSec float64 `json:"pairs_s"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// RawFor returns the baseline of an algorithm and size, or nil.
func (r *Report) RawFor(alg string, size int) *Raw {
	for i := range r.Raw {
		if r.Raw[i].Algorithm == alg && r.Raw[i].Size == size {
			return &r.Raw[i]
		}
	}
	return nil
}

func fmtRatio(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func fmtNum(v float64, prec int) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// WriteTable writes the report as text tables: the device cells, the
// baselines, the control plane, queue scaling and the notes.
func (r *Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "vcrypto bench: %s mode, %s daemon, %s descriptors, %.0f ms per cell; %s, %d CPUs, GOMAXPROCS %d, %s\n",
		r.Mode, map[bool]string{true: "external", false: "in-process"}[r.External],
		map[bool]string{true: "indirect", false: "direct"}[r.Indirect], r.CellMS,
		r.Host.CPU, r.Host.NumCPU, r.Host.GOMAXPROCS, r.Host.GoVersion)
	if r.Floor != nil {
		fmt.Fprintf(ew, "eventfd ping-pong floor: p50 %.1f µs, p99 %.1f µs (%d samples)\n", r.Floor.P50us, r.Floor.P99us, r.Floor.Samples)
	}
	if s := r.Setup; s != nil {
		fmt.Fprintf(ew, "setup: SET_MEM_TABLE %s: %.3f ms best, %.3f ms p50, %.3f ms max (%d samples, send to REPLY_ACK)\n", memName(s.MemMiB), s.BestMS, s.P50MS, s.MaxMS, s.Samples)
	}
	if len(r.Cells) > 0 {
		fmt.Fprintln(ew)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "algorithm\tsize\tdriver\tinfl\tq\tpoll\tMB/s\tkreq/s\t×eng\t×go\tcpu×\tp50 µs\tp99 µs\tcpu ns/req\tallocs/req\tkicks/req\tcalls/req\tok\t")
		for _, c := range r.Cells {
			poll := pollName(c.PollUS)
			ok := "yes"
			if !c.Verified {
				ok = "NO"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%.0f\t%.1f\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t%s\t%.3f\t%.3f\t%s\t\n",
				c.Algorithm, FormatSize(c.Size), c.Driver, c.InFlight, c.Queues, poll, c.MBps, c.ReqPerSec/1e3,
				fmtRatio(c.RatioEngine), fmtRatio(c.RatioGo), fmtRatio(c.CPURatio), c.P50us, c.P99us,
				fmtNum(c.CPUPerReqNs, 0), fmtNum(c.AllocsPerReq, 3), c.KicksPerReq, c.CallsPerReq, ok)
		}
		tw.Flush()
	}
	if len(r.Raw) > 0 {
		fmt.Fprintln(ew, "\nbaselines (one core, same process):")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "algorithm\tsize\tengine MB/s\tengine ns/op\tGo MB/s\tGo ns/op\t")
		for _, b := range r.Raw {
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t\n", b.Algorithm, FormatSize(b.Size), b.EngineMBps, b.EngineNsPerOp, b.GoMBps, b.GoNsPerOp)
		}
		tw.Flush()
	}
	if sc := r.scaling(); len(sc) > 0 {
		fmt.Fprintln(ew, "\nqueue scaling (N queues against one, most requests in flight; same algorithm, size, driver and poll time):")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "algorithm\tsize\tdriver\tinfl\tpoll\tq\tthroughput ×\tcpu/req ×\t")
		for _, s := range sc {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%.2f\t%s\t\n", s.alg, FormatSize(s.size), s.driver, s.inflight, pollName(s.poll), s.queues, s.tput, fmtRatio(s.cpu))
		}
		tw.Flush()
	}
	if len(r.Control) > 0 {
		fmt.Fprintln(ew, "\ncontrol plane (session create+destroy pairs):")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "path\tpoll\tinfl\tpairs/s\t")
		for _, c := range r.Control {
			path := "control queue"
			if c.Mode == "cryptodev" {
				path = "vhost-user 26/27"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t\n", path, c.PollUS, c.InFlight, c.PairsPerSec)
		}
		tw.Flush()
	}
	for _, n := range r.Notes {
		fmt.Fprintf(ew, "note: %s\n", n)
	}
	return ew.err
}

type scale struct {
	alg, driver                  string
	size, inflight, poll, queues int
	tput, cpu                    float64
}

// scaling pairs the cells with N > 1 queues and the most requests in
// flight with their one-queue twins.
func (r *Report) scaling() []scale {
	var out []scale
	maxIn := 0
	for _, c := range r.Cells {
		maxIn = max(maxIn, c.InFlight)
	}
	for _, c := range r.Cells {
		if c.Queues < 2 || c.InFlight != maxIn {
			continue
		}
		for _, o := range r.Cells {
			if o.Queues == 1 && o.Algorithm == c.Algorithm && o.Size == c.Size && o.Driver == c.Driver && o.InFlight == c.InFlight && o.PollUS == c.PollUS && o.MBps > 0 {
				s := scale{alg: c.Algorithm, driver: c.Driver, size: c.Size, inflight: c.InFlight, poll: c.PollUS, queues: c.Queues, tput: c.MBps / o.MBps}
				if c.CPUPerReqNs > 0 && o.CPUPerReqNs > 0 {
					s.cpu = c.CPUPerReqNs / o.CPUPerReqNs
				}
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// cpuModel returns the CPU model name from /proc/cpuinfo ("" if unknown).
func cpuModel(cpuinfo string) string {
	for line := range strings.SplitSeq(cpuinfo, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// memName spells a memory size given in MiB.
func memName(mib int) string {
	if mib >= 1024 && mib%1024 == 0 {
		return fmt.Sprintf("%d GiB", mib/1024)
	}
	return fmt.Sprintf("%d MiB", mib)
}
