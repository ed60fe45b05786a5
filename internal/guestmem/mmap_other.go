//go:build !linux

package guestmem

// MapFD is not supported on this platform: it always returns ErrUnsupported.
func MapFD(fd int, gpa, size, frontendVA, mmapOffset uint64) (*Region, error) {
	return nil, ErrUnsupported
}

func unmap(m []byte) error { return ErrUnsupported }
