package metrics

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// series is one parsed sample line.
type series struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$`)
	labelRE  = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// parseExposition checks the text format 0.0.4 strictly enough for what
// this package writes: HELP then TYPE once per family before its samples,
// known types, well-formed label sets, unique series, parseable values.
func parseExposition(t *testing.T, text string) []series {
	t.Helper()
	if !strings.HasSuffix(text, "\n") {
		t.Fatal("exposition does not end in a newline")
	}
	typ := map[string]string{}
	help := map[string]bool{}
	seen := map[string]bool{}
	var out []series
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, _, _ := strings.Cut(rest, " ")
			if help[name] {
				t.Fatalf("line %d: second HELP for %s", i+1, name)
			}
			help[name] = true
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, ty, _ := strings.Cut(rest, " ")
			if !help[name] || typ[name] != "" {
				t.Fatalf("line %d: TYPE for %s without HELP before it, or twice", i+1, name)
			}
			switch ty {
			case "counter", "gauge", "histogram", "summary", "untyped":
			default:
				t.Fatalf("line %d: type %q", i+1, ty)
			}
			typ[name] = ty
			continue
		}
		m := sampleRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d: not a sample: %q", i+1, line)
		}
		s := series{name: m[1], labels: map[string]string{}}
		family := s.name
		if typ[family] == "" {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if f, ok := strings.CutSuffix(family, suf); ok && typ[f] == "histogram" {
					family = f
				}
			}
		}
		if typ[family] == "" {
			t.Fatalf("line %d: sample of %s before its TYPE", i+1, s.name)
		}
		for ls := m[3]; ls != ""; {
			lm := labelRE.FindStringSubmatch(ls)
			if lm == nil {
				t.Fatalf("line %d: bad labels %q", i+1, m[3])
			}
			if _, dup := s.labels[lm[1]]; dup {
				t.Fatalf("line %d: label %s twice", i+1, lm[1])
			}
			s.labels[lm[1]] = lm[2]
			ls = strings.TrimPrefix(ls[len(lm[0]):], ",")
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil && m[4] != "+Inf" {
			t.Fatalf("line %d: value %q", i+1, m[4])
		}
		s.value = v
		key := s.name + "{" + m[3] + "}"
		if seen[key] {
			t.Fatalf("line %d: duplicate series %s", i+1, key)
		}
		seen[key] = true
		out = append(out, s)
	}
	return out
}

func scrape(t *testing.T, r *Registry) (string, []series) {
	t.Helper()
	var b bytes.Buffer
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String(), parseExposition(t, b.String())
}

// find returns the value of the one series of name with labels (a subset
// match), and how many matched.
func find(ss []series, name string, labels map[string]string) (float64, int) {
	var v float64
	n := 0
next:
	for _, s := range ss {
		if s.name != name {
			continue
		}
		for k, want := range labels {
			if s.labels[k] != want {
				continue next
			}
		}
		v += s.value
		n++
	}
	return v, n
}

func cbc(st virtiocrypto.Status, n int) cryptodev.DataEvent {
	return cryptodev.DataEvent{HasSession: true, Service: engine.ServiceCipher, Algorithm: cryptodev.Algorithm{Cipher: engine.AESCBC},
		HasStatus: true, Status: st, Bytes: n, Duration: 3 * time.Microsecond}
}

func TestExpositionAndLabels(t *testing.T) {
	r := New()
	r.GaugeFunc("vcrypto_test_gauge", "A \"gauge\" with a\nnewline and a \\ backslash.", func() float64 { return 2.5 })
	q0, q1 := r.ObserveQueue(0), r.ObserveQueue(1)
	q0.ObserveData(cbc(virtiocrypto.StatusOK, 64))
	q0.ObserveData(cbc(virtiocrypto.StatusOK, 64))
	q0.ObserveData(cbc(virtiocrypto.StatusErr, 0))
	q1.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceAEAD, Algorithm: cryptodev.Algorithm{AEAD: engine.AESGCM},
		HasStatus: true, Status: virtiocrypto.StatusBadMsg, Bytes: 100})
	q1.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceCipher, Algorithm: cryptodev.Algorithm{Cipher: engine.NoCipher, MAC: engine.GMACAES, Chained: true},
		HasStatus: true, Status: virtiocrypto.StatusOK, Bytes: 16})
	q1.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceCipher, Algorithm: cryptodev.Algorithm{Cipher: engine.AESCBC, Hash: engine.SHA256, Chained: true},
		HasStatus: true, Status: virtiocrypto.StatusOK, Bytes: 16})
	q1.ObserveData(cryptodev.DataEvent{HasStatus: true, Status: virtiocrypto.StatusInvSess})
	q1.ObserveData(cryptodev.DataEvent{})
	r.ObserveControl(cryptodev.ControlEvent{Op: cryptodev.ControlCreate, HasService: true, Service: engine.ServiceMAC, Status: virtiocrypto.StatusOK})
	r.ObserveControl(cryptodev.ControlEvent{Op: cryptodev.ControlDestroy, Status: virtiocrypto.StatusErr})
	if _, ss := scrape(t, r); func() float64 { v, _ := find(ss, NameRequests, nil); return v }() != 0 {
		t.Error("requests published before Flush")
	}
	q0.Flush()
	q1.Flush()

	text, ss := scrape(t, r)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{NameRequests, map[string]string{"queue": "0", "service": "CIPHER", "algorithm": "AES_CBC", "status": "OK"}, 2},
		{NameBytes, map[string]string{"queue": "0", "service": "CIPHER", "algorithm": "AES_CBC", "status": "OK"}, 128},
		{NameRequests, map[string]string{"queue": "0", "service": "CIPHER", "algorithm": "AES_CBC", "status": "ERR"}, 1},
		{NameRequests, map[string]string{"queue": "1", "service": "AEAD", "algorithm": "GCM", "status": "BADMSG"}, 1},
		{NameRequests, map[string]string{"queue": "1", "service": "CIPHER", "algorithm": "NO_CIPHER+GMAC_AES", "status": "OK"}, 1},
		{NameRequests, map[string]string{"queue": "1", "service": "CIPHER", "algorithm": "AES_CBC+SHA_256", "status": "OK"}, 1},
		{NameRequests, map[string]string{"queue": "1", "service": "unknown", "algorithm": "unknown", "status": "INVSESS"}, 1},
		{NameRequests, map[string]string{"queue": "1", "service": "unknown", "algorithm": "unknown", "status": "none"}, 1},
		{NameSessionOps, map[string]string{"operation": "create", "service": "MAC", "status": "OK"}, 1},
		{NameSessionOps, map[string]string{"operation": "destroy", "service": "unknown", "status": "ERR"}, 1},
		{NameDuration + "_count", map[string]string{"queue": "0", "service": "CIPHER"}, 3},
		{NameDuration + "_sum", map[string]string{"queue": "0", "service": "CIPHER"}, 9e-6},
		{NameDuration + "_bucket", map[string]string{"queue": "0", "service": "CIPHER", "le": "2.5e-06"}, 0},
		{NameDuration + "_bucket", map[string]string{"queue": "0", "service": "CIPHER", "le": "5e-06"}, 3},
		{NameBuildInfo, nil, 1},
		{"vcrypto_test_gauge", nil, 2.5},
	} {
		v, n := find(ss, c.name, c.labels)
		if n != 1 || v != c.want {
			t.Errorf("%s%v: %d series, value %v; want one, %v\n%s", c.name, c.labels, n, v, c.want, text)
		}
	}
	if !strings.Contains(text, `# HELP vcrypto_test_gauge A "gauge" with a\nnewline and a \\ backslash.`+"\n") {
		t.Errorf("HELP not escaped:\n%s", text)
	}
	checkHistograms(t, ss)
}

// checkHistograms: per (queue, service), buckets ascend in le, counts are
// cumulative, and +Inf equals _count.
func checkHistograms(t *testing.T, ss []series) {
	t.Helper()
	type hk struct{ q, s string }
	last := map[hk]float64{}
	lastLE := map[hk]float64{}
	inf := map[hk]float64{}
	for _, s := range ss {
		k := hk{s.labels["queue"], s.labels["service"]}
		switch s.name {
		case NameDuration + "_bucket":
			le, err := strconv.ParseFloat(s.labels["le"], 64)
			if s.labels["le"] == "+Inf" {
				inf[k] = s.value
				le, err = 1e300, nil
			}
			if err != nil {
				t.Fatalf("le %q", s.labels["le"])
			}
			if prev, ok := lastLE[k]; ok && le <= prev {
				t.Errorf("%v: le %v after %v", k, le, prev)
			}
			if s.value < last[k] {
				t.Errorf("%v: bucket le=%v holds %v < %v", k, le, s.value, last[k])
			}
			lastLE[k], last[k] = le, s.value
		case NameDuration + "_count":
			if inf[k] != s.value {
				t.Errorf("%v: +Inf %v, count %v", k, inf[k], s.value)
			}
		}
	}
	if len(inf) == 0 {
		t.Error("no histogram")
	}
}

func TestDurationBuckets(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int
	}{
		{0, 0}, {time.Microsecond, 0}, {time.Microsecond + 1, 1}, {2500 * time.Nanosecond, 1},
		{time.Millisecond, 9}, {time.Second, len(bucketNS) - 1}, {time.Second + 1, len(bucketNS)}, {time.Hour, len(bucketNS)},
	} {
		if got := durationBucket(c.d); got != c.want {
			t.Errorf("durationBucket(%v) = %d, want %d", c.d, got, c.want)
		}
	}
	for i := 1; i < len(bucketNS); i++ {
		if bucketNS[i] <= bucketNS[i-1] {
			t.Fatalf("bounds not ascending at %d", i)
		}
	}
	// A negative duration (a clock step cannot cause one with the
	// monotonic clock, but the event is the caller's) counts as 0.
	r := New()
	ev := cbc(virtiocrypto.StatusOK, 1)
	ev.Duration = -time.Second
	q := r.ObserveQueue(0)
	q.ObserveData(ev)
	q.Flush()
	_, ss := scrape(t, r)
	if v, _ := find(ss, NameDuration+"_bucket", map[string]string{"le": "1e-06"}); v != 1 {
		t.Errorf("negative duration: first bucket %v", v)
	}
}

// TestFolding: identifiers a guest controls, or that no table names,
// never make new label values.
func TestFolding(t *testing.T) {
	r := New()
	q := r.ObserveQueue(0)
	for id := range 5000 {
		q.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceCipher, Algorithm: cryptodev.Algorithm{Cipher: engine.CipherAlg(1000 + id)},
			HasStatus: true, Status: virtiocrypto.Status(100 + id%150)})
		q.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.Service(10 + id), HasStatus: true, Status: virtiocrypto.StatusOK})
		q.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceMAC, Algorithm: cryptodev.Algorithm{MAC: engine.MACAlg(id % 256)},
			HasStatus: true, Status: virtiocrypto.StatusOK})
	}
	q.Flush()
	for _, i := range []int{-1, 1 << 20} {
		o := r.ObserveQueue(i)
		o.ObserveData(cbc(virtiocrypto.StatusOK, 1))
		o.Flush()
	}
	r.ObserveControl(cryptodev.ControlEvent{Op: cryptodev.ControlOp(200), HasService: true, Service: 999, Status: 77})
	text, ss := scrape(t, r)
	if v, n := find(ss, NameRequests, map[string]string{"service": "CIPHER", "algorithm": "unknown", "status": "unknown"}); n != 1 || v != 5000 {
		t.Errorf("unknown cipher ids: %d series, %v requests\n%s", n, v, text)
	}
	if v, n := find(ss, NameRequests, map[string]string{"service": "unknown", "algorithm": "unknown", "status": "OK"}); n != 1 || v != 5000 {
		t.Errorf("unknown services: %d series, %v requests", n, v)
	}
	// MAC ids 0..255: the defined ones (and NO_MAC) have names; the rest
	// fold into one "unknown".
	known := len(virtiocrypto.KnownMACs()) + 1
	if _, n := find(ss, NameRequests, map[string]string{"service": "MAC"}); n != known+1 {
		t.Errorf("MAC series %d, want %d", n, known+1)
	}
	if v, n := find(ss, NameRequests, map[string]string{"queue": "other"}); n != 1 || v != 2 {
		t.Errorf("out-of-range queues: %d series, %v", n, v)
	}
	if v, n := find(ss, NameSessionOps, map[string]string{"operation": "other", "service": "unknown", "status": "unknown"}); n != 1 || v != 1 {
		t.Errorf("folded control event: %d series, %v", n, v)
	}
	for _, s := range ss {
		if s.name == NameBuildInfo {
			continue
		}
		for k, v := range s.labels {
			if strings.ContainsAny(v, "()") || strings.Contains(v, "VIRTIO") {
				t.Errorf("label %s=%q is not a folded spec name", k, v)
			}
		}
	}
}

// TestTableOverflow: past tableLimit series on a queue, new series are
// counted as algorithm="other"; no request is lost and the series count
// stays bounded.
func TestTableOverflow(t *testing.T) {
	r := New()
	q := r.ObserveQueue(3)
	total := 0
	for _, c := range engine.AllCiphers {
		for _, m := range engine.AllMACs {
			for _, st := range virtiocrypto.KnownStatuses() {
				q.ObserveData(cryptodev.DataEvent{HasSession: true, Service: engine.ServiceCipher,
					Algorithm: cryptodev.Algorithm{Cipher: c, MAC: m, Chained: true}, HasStatus: true, Status: st, Bytes: 1})
				total++
			}
		}
	}
	q.Flush()
	if total <= tableSize {
		t.Fatalf("only %d combinations: the test does not overflow", total)
	}
	_, ss := scrape(t, r)
	v, n := find(ss, NameRequests, nil)
	if v != float64(total) {
		t.Errorf("requests %v, want %d", v, total)
	}
	if n > tableSize {
		t.Errorf("%d series on one queue, bound %d", n, tableSize)
	}
	if _, n := find(ss, NameRequests, map[string]string{"algorithm": "other"}); n == 0 {
		t.Error("no algorithm=\"other\" series after overflow")
	}
	if b, _ := find(ss, NameBytes, nil); b != float64(total) {
		t.Errorf("bytes %v, want %d", b, total)
	}
}

// TestConcurrentObserveAndScrape (meaningful under -race): workers on
// their own queues and two on a shared one, control events, and scrapes
// all at once; the final counts are exact.
func TestConcurrentObserveAndScrape(t *testing.T) {
	r := New()
	const workers, per = 6, 3000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				scraped <- n
				return
			default:
			}
			var b bytes.Buffer
			r.WriteTo(&b)
			n++
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := r.ObserveQueue(min(w, 4)) // workers 4 and 5 share queue 4
			for i := range per {
				q.ObserveData(cbc(virtiocrypto.Status(i%3), 10))
				if i%100 == 0 {
					r.ObserveControl(cryptodev.ControlEvent{Op: cryptodev.ControlCreate, HasService: true, Status: virtiocrypto.StatusOK})
				}
				if i%10 == 0 {
					q.Flush()
				}
			}
			q.Flush()
		}()
	}
	wg.Wait()
	close(stop)
	if n := <-scraped; n == 0 {
		t.Log("no scrape overlapped the workers")
	}
	_, ss := scrape(t, r)
	if v, _ := find(ss, NameRequests, nil); v != workers*per {
		t.Errorf("requests %v, want %d", v, workers*per)
	}
	if v, _ := find(ss, NameRequests, map[string]string{"queue": "4"}); v != 2*per {
		t.Errorf("shared queue: %v, want %d", v, 2*per)
	}
	if v, _ := find(ss, NameBytes, nil); v != workers*per*10 {
		t.Errorf("bytes %v", v)
	}
	if v, _ := find(ss, NameSessionOps, nil); v != workers*per/100 {
		t.Errorf("session ops %v", v)
	}
	checkHistograms(t, ss)
}

func TestObserveDataAllocs(t *testing.T) {
	r := New()
	q := r.ObserveQueue(0)
	ev := cbc(virtiocrypto.StatusOK, 64)
	q.ObserveData(ev)
	if n := testing.AllocsPerRun(1000, func() { q.ObserveData(ev) }); n != 0 {
		t.Errorf("ObserveData: %v allocations", n)
	}
	other := cbc(virtiocrypto.StatusErr, 0)
	q.ObserveData(other)
	q.Flush()
	if n := testing.AllocsPerRun(1000, func() { q.ObserveData(ev); q.ObserveData(other); q.Flush() }); n != 0 {
		t.Errorf("ObserveData+Flush: %v allocations", n)
	}
	cev := cryptodev.ControlEvent{Op: cryptodev.ControlCreate, Status: virtiocrypto.StatusOK}
	if n := testing.AllocsPerRun(1000, func() { r.ObserveControl(cev) }); n != 0 {
		t.Errorf("ObserveControl: %v allocations", n)
	}
}

func TestHandler(t *testing.T) {
	r := New()
	q := r.ObserveQueue(0)
	q.ObserveData(cbc(virtiocrypto.StatusOK, 16))
	q.Flush()
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentType {
		t.Fatalf("GET: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	parseExposition(t, b.String())
	resp, err = http.Post(srv.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestFuncMetricNames(t *testing.T) {
	r := New()
	for _, name := range []string{"", "1abc", "a-b", "a b", NameRequests} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GaugeFunc(%q) did not panic", name)
				}
			}()
			r.GaugeFunc(name, "h", func() float64 { return 0 })
		}()
	}
}

func TestLabelEscaping(t *testing.T) {
	var b bytes.Buffer
	e := encoder{&b}
	e.header("m", "gauge", "h")
	e.sample("m", [][2]string{{"a", "x\"y\\z\nw"}}, 1)
	want := "m{a=\"x\\\"y\\\\z\\nw\"} 1\n"
	if !strings.HasSuffix(b.String(), want) {
		t.Fatalf("got %q, want suffix %q", b.String(), want)
	}
	ss := parseExposition(t, b.String())
	if len(ss) != 1 || ss[0].labels["a"] != `x\"y\\z\nw` {
		t.Fatal(ss)
	}
}

// TestAccumulator: a worker's requests reach the shared counters at Flush
// or every flushEvery requests, alternating series are not mixed up by
// the worker's cache, and two workers of one queue add up.
func TestAccumulator(t *testing.T) {
	r := New()
	a, b := r.ObserveQueue(2), r.ObserveQueue(2)
	ok, bad := cbc(virtiocrypto.StatusOK, 10), cbc(virtiocrypto.StatusBadMsg, 1)
	for i := range flushEvery - 1 {
		if i%2 == 0 {
			a.ObserveData(ok)
		} else {
			a.ObserveData(bad)
		}
	}
	if _, ss := scrape(t, r); func() float64 { v, _ := find(ss, NameRequests, nil); return v }() != 0 {
		t.Fatal("published before Flush or flushEvery")
	}
	a.ObserveData(ok) // the flushEvery-th: published without Flush
	b.ObserveData(bad)
	b.Flush()
	_, ss := scrape(t, r)
	// a: 32 OK and 31 BADMSG, then the 64th (OK); b: one BADMSG.
	if v, _ := find(ss, NameRequests, map[string]string{"queue": "2", "status": "OK"}); v != flushEvery/2+1 {
		t.Errorf("OK %v, want %d", v, flushEvery/2+1)
	}
	if v, _ := find(ss, NameRequests, map[string]string{"queue": "2", "status": "BADMSG"}); v != flushEvery/2 {
		t.Errorf("BADMSG %v, want %d", v, flushEvery/2)
	}
	if v, _ := find(ss, NameBytes, map[string]string{"queue": "2", "status": "OK"}); v != 10*(flushEvery/2+1) {
		t.Errorf("bytes %v", v)
	}
	if v, _ := find(ss, NameDuration+"_count", map[string]string{"queue": "2"}); v != flushEvery+1 {
		t.Errorf("histogram count %v", v)
	}
	a.Flush() // nothing pending: no change
	if _, ss2 := scrape(t, r); len(ss2) != len(ss) {
		t.Error("empty Flush changed the exposition")
	}
}
