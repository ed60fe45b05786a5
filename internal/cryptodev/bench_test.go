package cryptodev

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// Data-path benchmarks: BenchmarkDataQueue/<alg>/<size> drives the device
// through virtqtest exactly as a transport would (a batch of benchBatch
// requests is made available, kicked, served by the Worker, reaped and
// reposted: neither side allocates), and BenchmarkDataQueueRaw/<alg>/<size>
// runs the same operations straight on an engine session. Both report
// ns/req; the device benchmark also times the raw operations right after
// its own loop and reports overhead-ns/req (device minus raw, per
// request). PERFORMANCE.md targets: overhead <= 150 ns per request, 0
// allocations per request.

const benchBatch = 16

var benchSizes = []int{64, 1024, 4096, 65536}

// benchAlg is one benchmarked algorithm: its session and per-request IV,
// AAD and digest length.
type benchAlg struct {
	name   string
	params engine.SessionParams
	ivLen  int
	digest int
}

func benchAlgs() []benchAlg {
	key := func(n int) []byte { return seqBytes(n) }
	return []benchAlg{
		{"AES-128-CBC", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: key(16), Direction: engine.Encrypt}, 16, 0},
		{"AES-128-CTR", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCTR, CipherKey: key(16), Direction: engine.Encrypt}, 16, 0},
		{"AES-256-XTS", engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESXTS, CipherKey: key(64), Direction: engine.Encrypt}, 16, 0},
		{"AES-128-GCM", engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: key(16), DigestLen: 16, Direction: engine.Encrypt}, 12, 0},
		{"ChaCha20-Poly1305", engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.ChaCha20Poly1305, CipherKey: key(32), DigestLen: 16, Direction: engine.Encrypt}, 12, 0},
		{"SHA-256", engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32}, 0, 32},
		{"HMAC-SHA256", engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: key(32), DigestLen: 32}, 0, 32},
	}
}

// dstLen is the destination length of one request of size bytes.
func (a *benchAlg) dstLen(size int) int {
	switch a.params.Service {
	case engine.ServiceAEAD:
		return size + a.params.DigestLen
	case engine.ServiceCipher:
		return size
	}
	return 0
}

// benchQueue is a device data queue with benchBatch identical requests
// posted once; batch() reposts, kicks, serves and reaps them.
type benchQueue struct {
	d     *virtqtest.Driver
	q     *virtq.Queue
	w     *Worker
	heads []uint16
}

func newBenchQueue(tb testing.TB, a *benchAlg, size int) *benchQueue {
	tb.Helper()
	return newBenchQueueF(tb, a, size, 0)
}

// newBenchQueueF is newBenchQueue on a device that negotiated the crypto
// features (session-mode requests framed for them).
func newBenchQueueF(tb testing.TB, a *benchAlg, size int, features uint64) *benchQueue {
	tb.Helper()
	dev, err := New(testEngine, Options{Revision1: features != 0})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(dev.Close)
	if err := dev.SetFeatures(features); err != nil {
		tb.Fatal(err)
	}
	p := a.params
	id, st := dev.CreateSession(&p)
	if st != virtiocrypto.StatusOK {
		tb.Fatalf("%s: create %v", a.name, st)
	}
	// Rings, then per request buffers rounded up to powers of two by
	// virtqtest's allocator: at most 4*size + 4 KiB.
	d, err := virtqtest.New(virtqtest.Config{Size: 128, MemSize: 64<<10 + benchBatch*(4*size+4096), EventIdx: true})
	if err != nil {
		tb.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		tb.Fatal(err)
	}
	x := &benchQueue{d: d, q: q, w: dev.NewWorker()}
	op := engine.Op{Dir: a.params.Direction, IV: seqBytes(a.ivLen), Src: bytes.Repeat([]byte{0x5A}, size)}
	dr, readable, writable := cryptodevtest.SessionDataRequest(id, &p, &op, a.dstLen(size), a.digest, features)
	rd := [][]byte{dr.Append(nil, features)}
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
	for range benchBatch {
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

func (x *benchQueue) serveReap(tb testing.TB) {
	if _, err := x.w.ServeData(x.q, x.d.Memory()); err != nil {
		tb.Fatal(err)
	}
	if n, err := x.d.Reap(nil); err != nil || n != benchBatch {
		tb.Fatalf("reaped %d, %v", n, err)
	}
}

// batch runs one batch of benchBatch requests.
func (x *benchQueue) batch(tb testing.TB) {
	for _, h := range x.heads {
		if err := x.d.Repost(h); err != nil {
			tb.Fatal(err)
		}
	}
	x.d.Kick()
	x.serveReap(tb)
}

// rawOps returns a session of a and benchBatch operations on it with their
// own buffers.
func rawOps(tb testing.TB, a *benchAlg, size int) (engine.Session, []engine.Op) {
	tb.Helper()
	p := a.params
	s, err := testEngine.NewSession(&p)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	ops := make([]engine.Op, benchBatch)
	for i := range ops {
		ops[i] = engine.Op{Dir: a.params.Direction, IV: seqBytes(a.ivLen), Src: bytes.Repeat([]byte{0x5A}, size),
			Dst: make([]byte, a.dstLen(size)), Digest: make([]byte, a.digest)}
	}
	return s, ops
}

func runRaw(tb testing.TB, s engine.Session, ops []engine.Op) {
	for i := range ops {
		if err := s.Do(&ops[i]); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkDataQueue(b *testing.B) {
	for _, a := range benchAlgs() {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%d", a.name, size), func(b *testing.B) {
				x := newBenchQueue(b, &a, size)
				s, ops := rawOps(b, &a, size)
				b.SetBytes(int64(benchBatch * size))
				b.ReportAllocs()
				for b.Loop() {
					x.batch(b)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/req")
				raw, over := overhead(b, x, s, ops, b.Elapsed()/time.Duration(b.N))
				b.ReportMetric(raw, "raw-ns/req")
				b.ReportMetric(over, "overhead-ns/req")
			})
		}
	}
}

// overhead times device batches and raw batches in alternating chunks of
// about 2 ms each (so that both see the same machine load) and returns the
// median raw time per request and the median of (device - raw) per
// request.
func overhead(b *testing.B, x *benchQueue, s engine.Session, ops []engine.Op, perBatch time.Duration) (raw, over float64) {
	m := max(1, int(2*time.Millisecond/max(perBatch, 1)))
	const chunks = 15
	var raws, overs []float64
	for range chunks {
		t0 := time.Now()
		for range m {
			x.batch(b)
		}
		t1 := time.Now()
		for range m {
			runRaw(b, s, ops)
		}
		t2 := time.Now()
		n := float64(m * benchBatch)
		dev, r := float64(t1.Sub(t0).Nanoseconds())/n, float64(t2.Sub(t1).Nanoseconds())/n
		raws, overs = append(raws, r), append(overs, dev-r)
	}
	slices.Sort(raws)
	slices.Sort(overs)
	return raws[chunks/2], overs[chunks/2]
}

func BenchmarkDataQueueRaw(b *testing.B) {
	for _, a := range benchAlgs() {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%d", a.name, size), func(b *testing.B) {
				s, ops := rawOps(b, &a, size)
				b.SetBytes(int64(benchBatch * size))
				b.ReportAllocs()
				for b.Loop() {
					runRaw(b, s, ops)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/req")
			})
		}
	}
}

// TestDataPathZeroAllocs pins PERFORMANCE.md's "0 allocations per request
// in steady state" for the benchmarked algorithms: a whole batch (repost,
// kick, serve, reap) allocates nothing on either side. Skipped under
// -race, which makes sync.Pool drop objects (CI runs the Alloc tests
// without it).
func TestDataPathZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, a := range benchAlgs() {
		for _, size := range []int{64, 1024, 4096} {
			x := newBenchQueue(t, &a, size)
			x.batch(t)
			if n := testing.AllocsPerRun(20, func() { x.batch(t) }); n != 0 {
				t.Errorf("%s/%d: %.2f allocations per batch of %d requests, want 0", a.name, size, n, benchBatch)
			}
		}
	}
}
