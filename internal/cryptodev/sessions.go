package cryptodev

import (
	"sync"
	"sync/atomic"

	"vcrypto/internal/engine"
)

// Sessions is the session table: 64-bit ids handed out in increasing order
// and never reused, a bounded number of live sessions, safe for concurrent
// use by the control path and every data-queue worker.
//
// A data request holds a reference to its session while the engine runs,
// so destroying a session that a request is using waits for nothing: the
// session is removed from the table at once and its keys are wiped when
// the last request releases it. A queue worker may keep the reference of
// its last request's session for the rest of its batch (Worker.session);
// it checks entry.removed before each reuse, so a request that starts
// after the destroy gets INVSESS, and it drops the reference when it sees
// the removal or when the batch ends.
type Sessions struct {
	// m maps ids to *entry. A sync.Map keeps lookups on the data path free
	// of lock writes (sessions are read far more often than created).
	m    sync.Map
	mu   sync.Mutex // guards next, live and the count of m
	next uint64
	live int // sessions in m plus reservations
	n    int // sessions in m
	max  int
}

type entry struct {
	s      engine.Session
	params engine.SessionParams
	refs   atomic.Int32 // 1 for the table, +1 per request in flight or worker cache
	// removed is set when the session leaves the table (destroy or
	// device close), before the table's reference is dropped.
	removed atomic.Bool
}

// NewSessions returns a table that holds at most max live sessions.
func NewSessions(max int) *Sessions {
	return &Sessions{max: max}
}

// reserve claims a slot before the (slow) engine session creation, so that
// concurrent creators cannot overshoot the bound.
func (t *Sessions) reserve() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live >= t.max {
		return ErrNoSpace
	}
	t.live++
	return nil
}

func (t *Sessions) unreserve() {
	t.mu.Lock()
	t.live--
	t.mu.Unlock()
}

// add stores a session in a reserved slot and returns its id (never 0).
func (t *Sessions) add(s engine.Session) uint64 {
	e := &entry{s: s, params: s.Params()}
	e.refs.Store(1)
	t.mu.Lock()
	t.next++
	id := t.next
	t.n++
	t.m.Store(id, e)
	t.mu.Unlock()
	return id
}

// acquire returns the live session id with a reference the caller must
// release. A session whose last reference is gone (destroyed, closing) is
// never revived.
func (t *Sessions) acquire(id uint64) (*entry, error) {
	v, ok := t.m.Load(id)
	if !ok {
		return nil, ErrNoSession
	}
	e := v.(*entry)
	for {
		n := e.refs.Load()
		if n <= 0 {
			return nil, ErrNoSession
		}
		if e.refs.CompareAndSwap(n, n+1) {
			return e, nil
		}
	}
}

// release drops a reference; the last one closes the engine session.
func (e *entry) release() {
	if e.refs.Add(-1) == 0 {
		e.s.Close()
	}
}

// remove takes id out of the table and drops the table's reference.
func (t *Sessions) remove(id uint64) error {
	v, ok := t.m.LoadAndDelete(id)
	if !ok {
		return ErrNoSession
	}
	t.mu.Lock()
	t.live--
	t.n--
	t.mu.Unlock()
	e := v.(*entry)
	e.removed.Store(true)
	e.release()
	return nil
}

// Len returns the number of live sessions.
func (t *Sessions) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// closeAll removes every session.
func (t *Sessions) closeAll() {
	t.m.Range(func(k, _ any) bool {
		t.remove(k.(uint64))
		return true
	})
}
