//go:build linux

package guestmem

import (
	"fmt"
	"math"
	"syscall"
)

// MapFD maps a region of a vhost-user memory table: it maps the file fd with
// MAP_SHARED, read-write, from file offset 0 for mmapOffset+size bytes, and
// serves guest-physical [gpa, gpa+size) from byte mmapOffset of the mapping.
// frontendVA is the frontend's virtual address of the region (vhost-user
// "user address").
//
// MapFD does not take ownership of fd: the caller closes it, and may do so as
// soon as MapFD returns (the mapping does not need the descriptor). The
// caller owns the one reference of the result; the mapping is removed when
// the last reference is released (Region.Release).
func MapFD(fd int, gpa, size, frontendVA, mmapOffset uint64) (*Region, error) {
	if err := checkRange(gpa, frontendVA, size); err != nil {
		return nil, err
	}
	if fd < 0 || mmapOffset > math.MaxInt-size {
		return nil, fmt.Errorf("%w: fd %d, mmap offset %#x, size %#x", ErrInvalidRegion, fd, mmapOffset, size)
	}
	length := int(mmapOffset + size)
	m, err := syscall.Mmap(fd, 0, length, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("guestmem: mmap of %d bytes: %w", length, err)
	}
	r := &Region{
		gpa:        gpa,
		size:       size,
		frontendVA: frontendVA,
		mmapOffset: mmapOffset,
		data:       m[mmapOffset : mmapOffset+size : mmapOffset+size],
		mapping:    m,
	}
	r.refs.Store(1)
	return r, nil
}

func unmap(m []byte) error { return syscall.Munmap(m) }
