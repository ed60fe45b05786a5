package xts

import "unsafe"

// inexactOverlap reports whether a and b share memory without starting at the
// same address. Equal slices (in-place operation) and disjoint slices are both
// fine; anything in between would make a block read after another block's
// output was written over it. Only addresses are compared: nothing is read or
// written through unsafe pointers.
func inexactOverlap(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	pb := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if pa == pb {
		return false
	}
	return pa < pb+uintptr(len(b)) && pb < pa+uintptr(len(a))
}
