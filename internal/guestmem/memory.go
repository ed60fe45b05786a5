package guestmem

import (
	"fmt"
	"slices"
	"sync/atomic"
)

// span is one region as a Memory looks it up.
type span struct {
	start uint64
	data  []byte
}

// Memory is an immutable set of non-overlapping Regions sorted by
// guest-physical address: the guest memory table of one vhost-user
// connection at one point in time. It is safe for concurrent use.
type Memory struct {
	spans   []span // sorted by start
	regions []*Region
	refs    atomic.Int64
}

// New returns a Memory made of regions. It takes its own reference on every
// region (the caller keeps its references and releases them when it no
// longer needs them) and returns a Memory holding one reference, owned by the
// caller. Regions that share a guest-physical byte are rejected with
// ErrOverlap; a nil or already released region with ErrInvalidRegion or
// ErrReleased. Frontend virtual ranges may overlap: VAToGPA then uses the
// region with the lowest guest-physical address.
func New(regions ...*Region) (*Memory, error) {
	rs := slices.Clone(regions)
	for _, r := range rs {
		if r == nil {
			return nil, fmt.Errorf("%w: nil region", ErrInvalidRegion)
		}
	}
	slices.SortFunc(rs, func(a, b *Region) int {
		switch {
		case a.gpa < b.gpa:
			return -1
		case a.gpa > b.gpa:
			return 1
		}
		return 0
	})
	for i := 1; i < len(rs); i++ {
		prev := rs[i-1]
		// prev.gpa+prev.size-1 cannot overflow (checked at construction).
		if prev.gpa+(prev.size-1) >= rs[i].gpa {
			return nil, fmt.Errorf("%w: [%#x, +%#x) and [%#x, +%#x)", ErrOverlap, prev.gpa, prev.size, rs[i].gpa, rs[i].size)
		}
	}
	m := &Memory{spans: make([]span, len(rs)), regions: rs}
	for i, r := range rs {
		if !r.retain() {
			for _, done := range rs[:i] {
				done.Release()
			}
			return nil, ErrReleased
		}
		m.spans[i] = span{start: r.gpa, data: r.data}
	}
	m.refs.Store(1)
	return m, nil
}

// Regions returns the regions of m sorted by guest-physical address. The
// result is a new slice; the Regions are m's (borrowed: hold a reference to
// m, or retain them through New, while using them).
func (m *Memory) Regions() []*Region { return slices.Clone(m.regions) }

// find returns the index of the span that starts at or below gpa and has the
// highest start, or -1.
func (m *Memory) find(gpa uint64) int {
	lo, hi := 0, len(m.spans)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.spans[mid].start <= gpa {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1
}

// Slice returns the host bytes of guest-physical [gpa, gpa+n). The range must
// lie inside one region (for n == 0, gpa may also be the end of a region);
// otherwise, or when gpa+n overflows, Slice returns ErrOutOfBounds. The
// result has length and capacity n and aliases guest memory: the guest can
// change it at any time.
func (m *Memory) Slice(gpa, n uint64) ([]byte, error) {
	i := m.find(gpa)
	if i < 0 {
		return nil, ErrOutOfBounds
	}
	s := m.spans[i].data
	off := gpa - m.spans[i].start
	if off > uint64(len(s)) || n > uint64(len(s))-off {
		return nil, ErrOutOfBounds
	}
	return s[off : off+n : off+n], nil
}

// VAToGPA translates a frontend (VMM) virtual address into a guest-physical
// address, using the region whose frontend range contains va. It returns
// ErrOutOfBounds when no region contains va.
func (m *Memory) VAToGPA(va uint64) (uint64, error) {
	for _, r := range m.regions {
		if va >= r.frontendVA && va-r.frontendVA < r.size {
			return r.gpa + (va - r.frontendVA), nil
		}
	}
	return 0, ErrOutOfBounds
}

// Read copies guest-physical [gpa, gpa+len(dst)) into dst. The range must
// lie inside one region; otherwise Read returns ErrOutOfBounds and copies
// nothing.
func (m *Memory) Read(gpa uint64, dst []byte) error {
	s, err := m.Slice(gpa, uint64(len(dst)))
	if err != nil {
		return err
	}
	copy(dst, s)
	return nil
}

// Write copies src to guest-physical [gpa, gpa+len(src)). The range must lie
// inside one region; otherwise Write returns ErrOutOfBounds and writes
// nothing.
func (m *Memory) Write(gpa uint64, src []byte) error {
	s, err := m.Slice(gpa, uint64(len(src)))
	if err != nil {
		return err
	}
	copy(s, src)
	return nil
}

// Retain adds a reference to m for a caller that already holds one (for
// example to hand m to another goroutine). It returns false, and adds
// nothing, when m's last reference is already gone.
func (m *Memory) Retain() bool {
	for {
		n := m.refs.Load()
		if n <= 0 {
			return false
		}
		if m.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Release drops one reference to m. The last Release releases m's
// references to its regions (unmapping those no other Memory or owner
// holds); slices from m must not be used after that. Extra calls after the
// last reference are ignored.
func (m *Memory) Release() {
	for {
		n := m.refs.Load()
		if n <= 0 {
			return
		}
		if m.refs.CompareAndSwap(n, n-1) {
			if n == 1 {
				for _, r := range m.regions {
					r.Release()
				}
			}
			return
		}
	}
}

// Table publishes the current Memory of a connection: the vhost-user layer
// stores a new Memory on every memory table change while queue goroutines
// acquire the current one once per batch. The zero Table is empty. A Table
// is safe for concurrent use and must not be copied after first use.
type Table struct {
	cur atomic.Pointer[Memory]
}

// Store publishes m (nil empties the table). The table takes over the
// caller's reference to m, and releases its reference to the Memory it
// replaces: that Memory's mappings go away once every goroutine that
// acquired it has released it.
func (t *Table) Store(m *Memory) {
	if old := t.cur.Swap(m); old != nil {
		old.Release()
	}
}

// Acquire returns the current Memory with a new reference that the caller
// must Release, or nil when the table is empty.
func (t *Table) Acquire() *Memory {
	for {
		m := t.cur.Load()
		if m == nil {
			return nil
		}
		if m.Retain() {
			return m
		}
		if t.cur.Load() == m {
			// A Memory whose last reference was already released was
			// stored: treat the table as empty.
			return nil
		}
	}
}
