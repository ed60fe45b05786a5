package engine

import "vcrypto/internal/alias"

// AnyOverlap reports whether x and y share any byte of memory. Empty
// slices overlap nothing.
func AnyOverlap(x, y []byte) bool { return alias.AnyOverlap(x, y) }

// InexactOverlap reports whether x and y share memory at different offsets
// (partial overlap). x and y starting at the same address is exact overlap
// (an in-place operation) and is allowed: InexactOverlap returns false.
func InexactOverlap(x, y []byte) bool { return alias.InexactOverlap(x, y) }
