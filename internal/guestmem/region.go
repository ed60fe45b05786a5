package guestmem

import (
	"errors"
	"math"
	"sync/atomic"
)

// Errors returned by this package. Functions wrap them with %w only on
// control paths (construction); the data path returns them unwrapped.
var (
	// ErrInvalidRegion: a region's size is zero, its guest or frontend
	// address range overflows 64 bits, or its backing is too short.
	ErrInvalidRegion = errors.New("guestmem: invalid region")
	// ErrOverlap: two regions of a Memory share guest-physical addresses.
	ErrOverlap = errors.New("guestmem: overlapping regions")
	// ErrReleased: a Region or Memory was used after its last reference
	// was released.
	ErrReleased = errors.New("guestmem: region or memory already released")
	// ErrOutOfBounds: an address range is not entirely inside one region,
	// or its end overflows 64 bits.
	ErrOutOfBounds = errors.New("guestmem: address range not inside one region")
	// ErrUnaligned: an atomic access is not naturally aligned in host
	// memory, or the aligned 32-bit word containing it is not inside the
	// slice.
	ErrUnaligned = errors.New("guestmem: unaligned or out-of-range atomic access")
	// ErrContended: StoreU16Release could not complete because the other
	// half of its 32-bit word kept changing (only a hostile writer does that).
	ErrContended = errors.New("guestmem: atomic store kept failing")
	// ErrUnsupported: memory mapping is not available on this platform.
	ErrUnsupported = errors.New("guestmem: not supported on this platform")
)

// Region is one contiguous range of guest-physical memory and its host
// backing. Its fields are fixed at construction; a Region is safe for
// concurrent use.
type Region struct {
	gpa        uint64
	size       uint64
	frontendVA uint64
	mmapOffset uint64
	data       []byte // len(data) == size; the guest range in host memory
	mapping    []byte // the whole mmap'd range, nil when not mapped by us
	refs       atomic.Int64
}

// NewRegion returns a Region for the guest-physical range [gpa, gpa+len(b))
// backed by b, with frontendVA as the frontend's virtual address of its first
// byte (use 0 when no frontend is involved). The caller owns the one
// reference of the result; releasing it never frees b. Used by tests and
// benchmarks, and by any caller that owns the host memory itself.
func NewRegion(gpa, frontendVA uint64, b []byte) (*Region, error) {
	size := uint64(len(b))
	if err := checkRange(gpa, frontendVA, size); err != nil {
		return nil, err
	}
	r := &Region{gpa: gpa, size: size, frontendVA: frontendVA, data: b[:len(b):len(b)]}
	r.refs.Store(1)
	return r, nil
}

func checkRange(gpa, va, size uint64) error {
	if size == 0 || size > math.MaxInt || gpa > math.MaxUint64-(size-1) || va > math.MaxUint64-(size-1) {
		return ErrInvalidRegion
	}
	return nil
}

// GPA returns the guest-physical address of the region's first byte.
func (r *Region) GPA() uint64 { return r.gpa }

// Size returns the region's length in bytes (at least 1).
func (r *Region) Size() uint64 { return r.size }

// FrontendVA returns the frontend's (VMM's) virtual address of the region's
// first byte, as the vhost-user memory table gave it.
func (r *Region) FrontendVA() uint64 { return r.frontendVA }

// MmapOffset returns the offset of the region's first byte in the file
// descriptor it was mapped from (0 for NewRegion).
func (r *Region) MmapOffset() uint64 { return r.mmapOffset }

// Mapped reports whether the region owns an mmap that its last Release
// removes.
func (r *Region) Mapped() bool { return r.mapping != nil }

// retain adds a reference unless the last one is already gone.
func (r *Region) retain() bool {
	for {
		n := r.refs.Load()
		if n <= 0 {
			return false
		}
		if r.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Release drops one reference. When the last reference is dropped a mapped
// region is unmapped; every slice into it becomes invalid at that point.
// Extra calls after the last reference are ignored.
func (r *Region) Release() {
	for {
		n := r.refs.Load()
		if n <= 0 {
			return
		}
		if r.refs.CompareAndSwap(n, n-1) {
			if n == 1 && r.mapping != nil {
				// munmap fails only for arguments that mmap returned
				// successfully, which cannot happen: nothing to report.
				_ = unmap(r.mapping)
			}
			return
		}
	}
}
