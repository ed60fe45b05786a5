package snow3g

import "unsafe"

// inexactOverlap reports whether x and y share memory without starting at
// the same address. It inspects only the first len(x) and len(y) elements.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	xs := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	ys := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	if xs == ys {
		return false
	}
	return xs < ys+uintptr(len(y)) && ys < xs+uintptr(len(x))
}
