package cryptodev

import (
	"sync"
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// BenchmarkSessionLookup isolates what Worker.session saves per request:
// "table" is the per-request path without the cache (sync.Map lookup,
// reference CAS, release), "cached" a repeated request on the worker's
// cached session. The /2workers variants run two goroutines on one session
// at once, as two data queues sharing a session do: without the cache
// both write the session's reference count, whose cache line then moves
// between the cores on every request.
func BenchmarkSessionLookup(b *testing.B) {
	dev, err := New(testEngine, Options{DataQueues: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	p := cbcParams(engine.Encrypt)
	id, st := dev.CreateSession(&p)
	if st != virtiocrypto.StatusOK {
		b.Fatal(st)
	}
	table := func(n int) {
		for range n {
			e, err := dev.sessions.acquire(id)
			if err != nil {
				panic(err)
			}
			e.release()
		}
	}
	cached := func(n int) {
		w := dev.NewWorker()
		defer w.dropSession()
		for range n {
			if _, err := w.session(id); err != nil {
				panic(err)
			}
		}
	}
	for _, c := range []struct {
		name string
		fn   func(int)
	}{{"table", table}, {"cached", cached}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			c.fn(b.N)
		})
		b.Run(c.name+"/2workers", func(b *testing.B) {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); c.fn(b.N) }()
			c.fn(b.N)
			wg.Wait()
		})
	}
}
