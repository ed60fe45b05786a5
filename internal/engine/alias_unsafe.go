package engine

import "unsafe"

// AnyOverlap reports whether x and y share any byte of memory.
// Empty slices overlap nothing.
func AnyOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	xs := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	ys := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	return xs <= ys+uintptr(len(y)-1) && ys <= xs+uintptr(len(x)-1)
}

// InexactOverlap reports whether x and y share memory at different offsets
// (partial overlap). x and y starting at the same address is exact overlap
// (in-place operation) and is allowed: InexactOverlap returns false.
func InexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || unsafe.SliceData(x) == unsafe.SliceData(y) {
		return false
	}
	return AnyOverlap(x, y)
}
