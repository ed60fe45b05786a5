package metrics

import (
	"sync/atomic"
	"time"

	"vcrypto/internal/cryptodev"
)

// Per-queue series table: open addressing over tableSize cells. New
// (service, algorithm, status) series take a cell while fewer than
// tableLimit are in use; past that they are counted in their
// (service, "other", status) cell, for which the remaining cells are
// reserved (numSvc*numSt of them at most).
const (
	tableSize  = 256
	tableLimit = tableSize - numSvc*numSt
)

// Latency histogram bucket upper bounds (le), in nanoseconds: 1 µs to 1 s.
var bucketNS = [...]int64{
	1e3, 2.5e3, 5e3, 1e4, 2.5e4, 5e4, 1e5, 2.5e5, 5e5,
	1e6, 2.5e6, 5e6, 1e7, 2.5e7, 5e7, 1e8, 2.5e8, 1e9,
}

const numBuckets = len(bucketNS) + 1 // + the +Inf bucket

type cell struct {
	key      atomic.Uint32
	requests atomic.Uint64
	bytes    atomic.Uint64
}

// queueStats holds one queue's data-request counters, shared by every
// worker (connection) that serves that queue index. Workers publish into
// it with atomic adds (queueWorker.Flush) and scrapes read it with atomic
// loads; it never allocates after creation.
type queueStats struct {
	// The leading pad keeps the hot cells of neighbouring queues' stats
	// off each other's cache lines.
	_     [64]byte
	label string
	used  atomic.Int32
	cells [tableSize]cell
	// spill counts what could not get a cell at all (cannot happen while
	// the reservation above holds; kept so that nothing is ever lost).
	spill cell
	// hist counts requests per service and bucket (not cumulative);
	// sumNS is the total duration per service.
	hist  [numSvc][numBuckets]atomic.Uint64
	sumNS [numSvc]atomic.Uint64
	_     [64]byte
}

// flushEvery bounds how many requests a queueWorker accumulates before it
// publishes them, so that a worker that never ends its batch (a guest
// that keeps the ring full) is still seen by scrapes.
const flushEvery = 64

// queueWorker is the cryptodev.QueueObserver of one worker: it accumulates
// in plain memory (one goroutine uses it) and adds to the shared
// queueStats with atomics at Flush, or every flushEvery requests. A
// request thus costs plain adds and, at most, one probe of the shared
// table when its series differs from the previous request's.
type queueWorker struct {
	q *queueStats
	// lastKey/lastIdx cache the cell of the previous request's series.
	lastKey uint32
	lastIdx int
	pending int
	reqs    [tableSize + 1]uint64 // by cell index; tableSize is the spill cell
	bytes   [tableSize + 1]uint64
	dirty   []uint16
	hist    [numSvc][numBuckets]uint64
	sumNS   [numSvc]uint64
	svcs    uint8 // bit i: hist[i] has counts
}

func newQueueWorker(q *queueStats) *queueWorker {
	return &queueWorker{q: q, dirty: make([]uint16, 0, tableSize+1)}
}

// ObserveData implements cryptodev.QueueObserver.
func (w *queueWorker) ObserveData(ev cryptodev.DataEvent) {
	k := dataKey(&ev)
	i := w.lastIdx
	if k != w.lastKey {
		i = w.q.cellIndex(k)
		w.lastKey, w.lastIdx = k, i
	}
	if w.reqs[i] == 0 {
		w.dirty = append(w.dirty, uint16(i))
	}
	w.reqs[i]++
	if ev.Bytes > 0 {
		w.bytes[i] += uint64(ev.Bytes)
	}
	d := max(ev.Duration, 0)
	svc := keySvc(k)
	w.hist[svc][durationBucket(d)]++
	w.sumNS[svc] += uint64(d)
	w.svcs |= 1 << svc
	if w.pending++; w.pending >= flushEvery {
		w.Flush()
	}
}

// Flush implements cryptodev.QueueObserver: it publishes what the worker
// accumulated.
func (w *queueWorker) Flush() {
	if w.pending == 0 {
		return
	}
	w.pending = 0
	q := w.q
	for _, i := range w.dirty {
		c := q.cellAt(int(i))
		c.requests.Add(w.reqs[i])
		if w.bytes[i] != 0 {
			c.bytes.Add(w.bytes[i])
		}
		w.reqs[i], w.bytes[i] = 0, 0
	}
	w.dirty = w.dirty[:0]
	for svc := range w.hist {
		if w.svcs&(1<<svc) == 0 {
			continue
		}
		for b, n := range w.hist[svc] {
			if n != 0 {
				q.hist[svc][b].Add(n)
				w.hist[svc][b] = 0
			}
		}
		q.sumNS[svc].Add(w.sumNS[svc])
		w.sumNS[svc] = 0
	}
	w.svcs = 0
}

func hashKey(k uint32) uint32 { return (k * 0x9E3779B1) >> 24 } // top 8 bits: tableSize 256

// cellIndex returns the index of k's cell, claiming one for a new key;
// tableSize stands for the spill cell.
func (q *queueStats) cellIndex(k uint32) int {
	i := hashKey(k)
	for range tableSize {
		c := &q.cells[i]
		switch ck := c.key.Load(); {
		case ck == k:
			return int(i)
		case ck == 0:
			if k&keyOther == 0 && q.used.Load() >= tableLimit {
				return q.cellIndex(otherKey(k))
			}
			if c.key.CompareAndSwap(0, k) {
				q.used.Add(1)
				return int(i)
			}
			if c.key.Load() == k {
				return int(i)
			}
		}
		i = (i + 1) % tableSize
	}
	return tableSize
}

// cellAt returns cell i (tableSize: the spill cell).
func (q *queueStats) cellAt(i int) *cell {
	if i == tableSize {
		return &q.spill
	}
	return &q.cells[i]
}

// sample is one row of a queue's table, read for a scrape.
type sample struct {
	key             uint32
	requests, bytes uint64
}

// snapshot appends the queue's non-empty cells.
func (q *queueStats) snapshot(out []sample) []sample {
	for i := range q.cells {
		c := &q.cells[i]
		k := c.key.Load()
		if k == 0 {
			continue
		}
		out = append(out, sample{k, c.requests.Load(), c.bytes.Load()})
	}
	if n := q.spill.requests.Load(); n > 0 {
		out = append(out, sample{makeKey(svcUnknown, stUnknown, 0, 0, keyOther), n, q.spill.bytes.Load()})
	}
	return out
}

// durationBucket returns the histogram bucket of d: the first whose
// upper bound is at least d, or the +Inf bucket.
func durationBucket(d time.Duration) int {
	b := 0
	for b < len(bucketNS) && int64(d) > bucketNS[b] {
		b++
	}
	return b
}
