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
// the last request releases it.
type Sessions struct {
	mu   sync.RWMutex
	m    map[uint64]*entry
	next uint64
	live int // sessions in m plus reservations
	max  int
}

type entry struct {
	s      engine.Session
	params engine.SessionParams
	refs   atomic.Int32 // 1 for the table, +1 per request in flight
}

// NewSessions returns a table that holds at most max live sessions.
func NewSessions(max int) *Sessions {
	return &Sessions{m: make(map[uint64]*entry), max: max}
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
	t.m[id] = e
	t.mu.Unlock()
	return id
}

// acquire returns the live session id with a reference the caller must
// release.
func (t *Sessions) acquire(id uint64) (*entry, error) {
	t.mu.RLock()
	e, ok := t.m[id]
	if ok {
		e.refs.Add(1)
	}
	t.mu.RUnlock()
	if !ok {
		return nil, ErrNoSession
	}
	return e, nil
}

// release drops a reference; the last one closes the engine session.
func (e *entry) release() {
	if e.refs.Add(-1) == 0 {
		e.s.Close()
	}
}

// remove takes id out of the table and drops the table's reference.
func (t *Sessions) remove(id uint64) error {
	t.mu.Lock()
	e, ok := t.m[id]
	if ok {
		delete(t.m, id)
		t.live--
	}
	t.mu.Unlock()
	if !ok {
		return ErrNoSession
	}
	e.release()
	return nil
}

// Len returns the number of live sessions.
func (t *Sessions) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.m)
}

// closeAll removes every session.
func (t *Sessions) closeAll() {
	t.mu.Lock()
	m := t.m
	t.m = make(map[uint64]*entry)
	t.live -= len(m)
	t.mu.Unlock()
	for _, e := range m {
		e.release()
	}
}
