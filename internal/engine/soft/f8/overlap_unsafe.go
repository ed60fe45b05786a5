package f8

import "unsafe"

// inexactOverlap reports whether x and y share memory at different
// offsets. Slices that start at the same address (in-place operation) or
// share nothing do not overlap inexactly; empty slices overlap nothing.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || unsafe.SliceData(x) == unsafe.SliceData(y) {
		return false
	}
	xs := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	ys := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	return xs <= ys+uintptr(len(y)-1) && ys <= xs+uintptr(len(x)-1)
}
