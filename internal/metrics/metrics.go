// Package metrics is vcrypto's Prometheus instrumentation, written with
// the standard library only: a Registry implements cryptodev.Observer (so
// the device reports every request to it), holds gauges and counters that
// the daemon reads at scrape time, and renders everything in the
// Prometheus text exposition format, version 0.0.4.
//
// Data-path cost: each queue worker gets its own accumulator
// (ObserveQueue) that it writes with plain adds and publishes into the
// queue's shared counters with atomic adds once per batch (or every 64
// requests); scrapes read those with atomic loads. Recording a request
// takes no lock, allocates nothing, and costs one clock read (cryptodev)
// plus a few additions. Series are bounded: every label value comes from a
// fixed table (labels.go), whatever a guest sends.
//
// Nothing here ever receives key material or request data: the observer
// interface carries algorithm ids, statuses, byte counts and durations.
//
// Concurrency: every method of Registry is safe for concurrent use.
package metrics

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"vcrypto/internal/cryptodev"
)

// ContentType is the Content-Type of the text exposition format 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Metric names this package writes itself (the daemon adds its gauges with
// GaugeFunc and CounterFunc).
const (
	NameRequests     = "vcrypto_requests_total"
	NameBytes        = "vcrypto_request_bytes_total"
	NameDuration     = "vcrypto_request_duration_seconds"
	NameSessionOps   = "vcrypto_session_operations_total"
	NameBuildInfo    = "vcrypto_build_info"
	NameStartTime    = "process_start_time_seconds"
	maxQueueSlots    = cryptodev.MaxDataQueues + 1 // data queues + control queue
	otherQueueSlot   = maxQueueSlots
	controlOpsLabels = 3
)

var controlOpNames = [controlOpsLabels]string{cryptodev.ControlOther: "other", cryptodev.ControlCreate: "create", cryptodev.ControlDestroy: "destroy"}

// Registry collects vcrypto's metrics. The zero value is not usable; call
// New.
type Registry struct {
	queues  [maxQueueSlots + 1]atomic.Pointer[queueStats]
	control [controlOpsLabels][numSvc][numSt]atomic.Uint64

	mu    sync.Mutex
	funcs []funcMetric
	names map[string]bool

	buildLabels [][2]string
	start       time.Time
}

type funcMetric struct {
	name, help, typ string
	f               func() float64
}

// New returns an empty registry; its build information comes from the
// running binary.
func New() *Registry {
	r := &Registry{names: map[string]bool{}, start: time.Now()}
	version, revision := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				revision = s.Value
			}
		}
	}
	r.buildLabels = [][2]string{{"version", version}, {"revision", revision}, {"go_version", runtime.Version()}}
	for _, n := range []string{NameRequests, NameBytes, NameDuration, NameSessionOps, NameBuildInfo, NameStartTime} {
		r.names[n] = true
	}
	return r
}

// ObserveQueue implements cryptodev.Observer: a new accumulator for one
// worker over the counters of queue index (shared by every connection's
// worker for that index, so counters stay monotonic across
// reconnections). An index beyond the device's limit shares one slot,
// labelled queue="other". What a worker records is visible to scrapes
// after its batch ends (ServeData returns) or after 64 requests.
func (r *Registry) ObserveQueue(index int) cryptodev.QueueObserver {
	slot := index
	if index < 0 || index >= maxQueueSlots {
		slot = otherQueueSlot
	}
	q := r.queues[slot].Load()
	if q == nil {
		q = &queueStats{label: strconv.Itoa(slot)}
		if slot == otherQueueSlot {
			q.label = "other"
		}
		if !r.queues[slot].CompareAndSwap(nil, q) {
			q = r.queues[slot].Load()
		}
	}
	return newQueueWorker(q)
}

// ObserveControl implements cryptodev.Observer.
func (r *Registry) ObserveControl(ev cryptodev.ControlEvent) {
	op := int(ev.Op)
	if op >= controlOpsLabels {
		op = int(cryptodev.ControlOther)
	}
	svc := uint32(svcUnknown)
	if ev.HasService {
		svc = svcIndex(ev.Service)
	}
	r.control[op][svc][stIndex(ev.Status)].Add(1)
}

var nameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// GaugeFunc adds a gauge without labels whose value f returns at each
// scrape. f must be safe for concurrent use and quick. It panics on an
// invalid or duplicate name (a programming error).
func (r *Registry) GaugeFunc(name, help string, f func() float64) {
	r.addFunc(name, help, "gauge", f)
}

// CounterFunc is GaugeFunc for a counter: f must never decrease.
func (r *Registry) CounterFunc(name, help string, f func() float64) {
	r.addFunc(name, help, "counter", f)
}

func (r *Registry) addFunc(name, help, typ string, f func() float64) {
	if !nameRE.MatchString(name) || f == nil {
		panic(fmt.Sprintf("metrics: invalid metric %q", name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names[name] {
		panic(fmt.Sprintf("metrics: duplicate metric %q", name))
	}
	r.names[name] = true
	r.funcs = append(r.funcs, funcMetric{name, help, typ, f})
}

// WriteTo writes every metric in the text exposition format 0.0.4.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	r.render(&b)
	return b.WriteTo(w)
}

// Handler serves the exposition to GET and HEAD requests (405 otherwise),
// with ContentType.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var b bytes.Buffer
		r.render(&b)
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		if req.Method == http.MethodGet {
			w.Write(b.Bytes())
		}
	})
}

func (r *Registry) render(b *bytes.Buffer) {
	e := encoder{b: b}
	e.header(NameBuildInfo, "gauge", "Build information of the running vhost-user-crypto; the value is always 1.")
	e.sample(NameBuildInfo, r.buildLabels, 1)
	e.header(NameStartTime, "gauge", "Start time of the process since the Unix epoch, in seconds.")
	e.sample(NameStartTime, nil, float64(r.start.UnixNano())/1e9)

	r.mu.Lock()
	funcs := slices.Clone(r.funcs)
	r.mu.Unlock()
	for _, m := range funcs {
		e.header(m.name, m.typ, m.help)
		e.sample(m.name, nil, m.f())
	}

	e.header(NameSessionOps, "counter", "Control-plane session requests (control queue, or vhost-user session messages in cryptodev mode), by operation, service and status.")
	for op := range r.control {
		for svc := range r.control[op] {
			for st := range r.control[op][svc] {
				if n := r.control[op][svc][st].Load(); n > 0 {
					e.sampleU(NameSessionOps, [][2]string{{"operation", controlOpNames[op]}, {"service", svcNames[svc]}, {"status", stNames[st]}}, n)
				}
			}
		}
	}

	// One snapshot of the tables serves both counter families.
	type queueRows struct {
		q    *queueStats
		rows []sample
	}
	var qs []queueRows
	for i := range r.queues {
		q := r.queues[i].Load()
		if q == nil {
			continue
		}
		rows := q.snapshot(nil)
		slices.SortFunc(rows, func(a, b sample) int { return cmp.Compare(a.key, b.key) })
		rows = mergeRows(rows)
		qs = append(qs, queueRows{q, rows})
	}
	labels := func(q *queueStats, k uint32) [][2]string {
		return [][2]string{{"queue", q.label}, {"service", svcNames[keySvc(k)]}, {"algorithm", keyAlgorithm(k)}, {"status", stNames[keySt(k)]}}
	}
	e.header(NameRequests, "counter", "Data-queue requests completed, by queue, service, algorithm and status (errors: status other than OK).")
	for _, x := range qs {
		for _, s := range x.rows {
			e.sampleU(NameRequests, labels(x.q, s.key), s.requests)
		}
	}
	e.header(NameBytes, "counter", "Source bytes of data-queue requests that reached the crypto engine, by queue, service, algorithm and status.")
	for _, x := range qs {
		for _, s := range x.rows {
			e.sampleU(NameBytes, labels(x.q, s.key), s.bytes)
		}
	}

	e.header(NameDuration, "histogram", "Queue worker time per data-queue request, from taking it off the available ring to writing its status, by queue and service.")
	for _, x := range qs {
		q := x.q
		for svc := range q.hist {
			var counts [numBuckets]uint64
			var total uint64
			for i := range counts {
				counts[i] = q.hist[svc][i].Load()
				total += counts[i]
			}
			if total == 0 {
				continue
			}
			sum := q.sumNS[svc].Load()
			var cum uint64
			for i, bound := range bucketNS {
				cum += counts[i]
				e.sampleU(NameDuration+"_bucket", [][2]string{{"queue", q.label}, {"service", svcNames[svc]}, {"le", formatFloat(float64(bound) / 1e9)}}, cum)
			}
			e.sampleU(NameDuration+"_bucket", [][2]string{{"queue", q.label}, {"service", svcNames[svc]}, {"le", "+Inf"}}, total)
			ls := [][2]string{{"queue", q.label}, {"service", svcNames[svc]}}
			e.sample(NameDuration+"_sum", ls, float64(sum)/1e9)
			e.sampleU(NameDuration+"_count", ls, total)
		}
	}
}

// mergeRows adds up rows with equal keys (sorted input).
func mergeRows(rows []sample) []sample {
	out := rows[:0]
	for _, s := range rows {
		if n := len(out); n > 0 && out[n-1].key == s.key {
			out[n-1].requests += s.requests
			out[n-1].bytes += s.bytes
			continue
		}
		out = append(out, s)
	}
	return out
}
