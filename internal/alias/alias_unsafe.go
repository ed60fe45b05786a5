// Package alias reports whether byte slices share memory, for the crypto
// code that must refuse partially overlapping input and output buffers
// (an in-place operation, where both start at the same address, is fine).
// It is the only place outside guestmem that compares addresses.
package alias

import "unsafe"

// AnyOverlap reports whether x and y share any byte of memory. Empty
// slices overlap nothing.
func AnyOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	xs := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	ys := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	return xs <= ys+uintptr(len(y)-1) && ys <= xs+uintptr(len(x)-1)
}

// InexactOverlap reports whether x and y share memory at different
// offsets (partial overlap). Slices starting at the same address (in
// place) do not count.
func InexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || unsafe.SliceData(x) == unsafe.SliceData(y) {
		return false
	}
	return AnyOverlap(x, y)
}
