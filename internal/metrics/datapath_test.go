package metrics

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// The data path with metrics enabled: a real device (soft engine) served
// through virtqtest exactly as internal/cryptodev's BenchmarkDataQueue
// does, with this package's Registry as the device's Observer.

const dpBatch = 16

var dpEngine = func() engine.Engine {
	e, err := soft.New()
	if err != nil {
		panic(err)
	}
	return e
}()

type dpAlg struct {
	name, algLabel, svcLabel string
	params                   engine.SessionParams
	ivLen, digest, extraDst  int
}

func dpAlgs() []dpAlg {
	key := func(n int) []byte { return bytes.Repeat([]byte{0x42}, n) }
	return []dpAlg{
		{"AES-128-CBC", "AES_CBC", "CIPHER", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: key(16), Direction: engine.Encrypt}, 16, 0, 0},
		{"AES-128-GCM", "GCM", "AEAD", engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: key(16), DigestLen: 16, Direction: engine.Encrypt}, 12, 0, 16},
		{"SHA-256", "SHA_256", "HASH", engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32}, 0, 32, 0},
		{"HMAC-SHA256", "HMAC_SHA_256", "MAC", engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: key(32), DigestLen: 32}, 0, 32, 0},
	}
}

type dpQueue struct {
	d     *virtqtest.Driver
	q     *virtq.Queue
	w     *cryptodev.Worker
	heads []uint16
}

// newDPQueue posts dpBatch identical requests on data queue 0 of a device
// observed by obs (nil: not observed).
func newDPQueue(tb testing.TB, obs cryptodev.Observer, a *dpAlg, size int) *dpQueue {
	tb.Helper()
	opts := cryptodev.Options{}
	if obs != nil {
		opts.Observer = obs
	}
	dev, err := cryptodev.New(dpEngine, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(dev.Close)
	p := a.params
	id, st := dev.CreateSession(&p)
	if st != virtiocrypto.StatusOK {
		tb.Fatalf("%s: create %v", a.name, st)
	}
	d, err := virtqtest.New(virtqtest.Config{Size: 128, MemSize: 64<<10 + dpBatch*(4*size+4096), EventIdx: true})
	if err != nil {
		tb.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		tb.Fatal(err)
	}
	x := &dpQueue{d: d, q: q, w: dev.NewQueueWorker(0)}
	op := engine.Op{Dir: a.params.Direction, IV: bytes.Repeat([]byte{1}, a.ivLen), Src: bytes.Repeat([]byte{0x5A}, size)}
	dstLen := 0
	if a.params.Service == engine.ServiceCipher || a.params.Service == engine.ServiceAEAD {
		dstLen = size + a.extraDst
	}
	dr, readable, writable := cryptodevtest.DataRequest(id, &p, &op, dstLen, a.digest)
	rd := [][]byte{dr.Append(nil, 0)}
	for _, b := range readable {
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
	for range dpBatch {
		h, err := d.Add(rd, wr)
		if err != nil {
			tb.Fatal(err)
		}
		x.heads = append(x.heads, h)
	}
	x.d.Kick()
	x.serveReap(tb)
	for _, h := range x.heads {
		w := d.Writable(h)
		last := w[len(w)-1]
		if st := virtiocrypto.Status(last[len(last)-1]); st != virtiocrypto.StatusOK {
			tb.Fatalf("%s/%d: status %v", a.name, size, st)
		}
	}
	return x
}

func (x *dpQueue) serveReap(tb testing.TB) {
	if _, err := x.w.ServeData(x.q, x.d.Memory()); err != nil {
		tb.Fatal(err)
	}
	if n, err := x.d.Reap(nil); err != nil || n != dpBatch {
		tb.Fatalf("reaped %d, %v", n, err)
	}
}

func (x *dpQueue) batch(tb testing.TB) {
	for _, h := range x.heads {
		if err := x.d.Repost(h); err != nil {
			tb.Fatal(err)
		}
	}
	x.d.Kick()
	x.serveReap(tb)
}

// TestDataPathZeroAllocsWithMetrics pins PERFORMANCE.md's "0 allocations
// per request" with metrics enabled (cryptodev's TestDataPathZeroAllocs is
// the same without), and checks that every request was counted with its
// bytes, labels and a latency observation.
func TestDataPathZeroAllocsWithMetrics(t *testing.T) {
	for _, a := range dpAlgs() {
		for _, size := range []int{64, 1024, 4096} {
			r := New()
			x := newDPQueue(t, r, &a, size)
			batches := 1
			x.batch(t)
			batches++
			if !raceEnabled {
				if n := testing.AllocsPerRun(20, func() { x.batch(t) }); n != 0 {
					t.Errorf("%s/%d: %.2f allocations per batch of %d requests with metrics, want 0", a.name, size, n, dpBatch)
				}
				batches += 21 // AllocsPerRun's warm-up run and 20 runs
			}
			_, ss := scrape(t, r)
			labels := map[string]string{"queue": "0", "service": a.svcLabel, "algorithm": a.algLabel, "status": "OK"}
			want := float64(batches * dpBatch)
			if v, n := find(ss, NameRequests, labels); n != 1 || v != want {
				t.Errorf("%s/%d: requests %v in %d series, want %v", a.name, size, v, n, want)
			}
			if v, _ := find(ss, NameBytes, labels); v != want*float64(size) {
				t.Errorf("%s/%d: bytes %v, want %v", a.name, size, v, want*float64(size))
			}
			if v, _ := find(ss, NameDuration+"_count", map[string]string{"queue": "0", "service": a.svcLabel}); v != want {
				t.Errorf("%s/%d: histogram count %v, want %v", a.name, size, v, want)
			}
			if v, _ := find(ss, NameDuration+"_sum", map[string]string{"queue": "0", "service": a.svcLabel}); v <= 0 {
				t.Errorf("%s/%d: histogram sum %v", a.name, size, v)
			}
		}
	}
}

// BenchmarkDataQueueMetrics/{off,on}/<alg>/<size> is cryptodev's
// BenchmarkDataQueue without and with a Registry observing the device;
// compare the ns/req of the two.
func BenchmarkDataQueueMetrics(b *testing.B) {
	for _, mode := range []string{"off", "on"} {
		for _, a := range dpAlgs() {
			for _, size := range []int{64, 1024} {
				b.Run(fmt.Sprintf("%s/%s/%d", mode, a.name, size), func(b *testing.B) {
					var obs cryptodev.Observer
					if mode == "on" {
						obs = New()
					}
					x := newDPQueue(b, obs, &a, size)
					b.SetBytes(int64(dpBatch * size))
					b.ReportAllocs()
					for b.Loop() {
						x.batch(b)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*dpBatch), "ns/req")
				})
			}
		}
	}
}

// BenchmarkMetricsOverhead/<alg>/<size> runs batches on an unobserved and
// an observed device in alternating chunks of about 2 ms (so that both see
// the same machine load) and reports the median per-request times
// (off-ns/req, on-ns/req) and their difference (metrics-ns/req).
func BenchmarkMetricsOverhead(b *testing.B) {
	for _, a := range dpAlgs() {
		for _, size := range []int{64, 1024} {
			b.Run(fmt.Sprintf("%s/%d", a.name, size), func(b *testing.B) {
				off, on := newDPQueue(b, nil, &a, size), newDPQueue(b, New(), &a, size)
				b.ReportAllocs()
				for b.Loop() {
					on.batch(b)
				}
				perBatch := b.Elapsed() / time.Duration(b.N)
				m := max(1, int(2*time.Millisecond/max(perBatch, 1)))
				const chunks = 21
				var offs, ons, diffs []float64
				for range chunks {
					t0 := time.Now()
					for range m {
						off.batch(b)
					}
					t1 := time.Now()
					for range m {
						on.batch(b)
					}
					t2 := time.Now()
					n := float64(m * dpBatch)
					f, o := float64(t1.Sub(t0).Nanoseconds())/n, float64(t2.Sub(t1).Nanoseconds())/n
					offs, ons, diffs = append(offs, f), append(ons, o), append(diffs, o-f)
				}
				slices.Sort(offs)
				slices.Sort(ons)
				slices.Sort(diffs)
				b.ReportMetric(offs[chunks/2], "off-ns/req")
				b.ReportMetric(ons[chunks/2], "on-ns/req")
				b.ReportMetric(diffs[chunks/2], "metrics-ns/req")
			})
		}
	}
}
