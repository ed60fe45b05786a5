package guestmem

import (
	"encoding/binary"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// hostLE reports whether the host is little-endian, like virtqueue rings.
var hostLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// toLE and fromLE convert between a 32-bit word as the host loads it and the
// value of its four bytes read as little-endian.
func toLE(w uint32) uint32 {
	if hostLE {
		return w
	}
	return bits.ReverseBytes32(w)
}

func fromLE(v uint32) uint32 { return toLE(v) }

// word returns the naturally aligned 32-bit word of b that contains the
// size-byte value at b[off:], and the bit shift of that value inside the
// word's little-endian value. size is 2 or 4. It checks that the value is
// inside b and naturally aligned in host memory and that the whole word is
// inside b.
func word(b []byte, off, size int) (*uint32, uint, error) {
	if off < 0 || off > len(b)-size {
		return nil, 0, ErrUnaligned
	}
	addr := uintptr(unsafe.Pointer(&b[off]))
	if addr&uintptr(size-1) != 0 {
		return nil, 0, ErrUnaligned
	}
	k := int(addr & 3) // 0 or 2: byte position of the value in its word
	w := off - k
	if w < 0 || w > len(b)-4 {
		return nil, 0, ErrUnaligned
	}
	return (*uint32)(unsafe.Pointer(&b[w])), uint(8 * k), nil
}

// LoadU16Acquire atomically loads the little-endian uint16 at b[off:off+2].
//
// Go has no 16-bit atomics, so the load is an atomic 32-bit load of the
// naturally aligned word containing the value. Requirements, else
// ErrUnaligned: &b[off] is 2-byte aligned in host memory and the whole
// aligned 4-byte word containing it lies inside b (the caller takes a ring
// view padded to whole words). Split virtqueue parts are 2-byte (available
// ring) and 4-byte (used ring) aligned (virtio v1.4 §2.7).
//
// Ordering: like every sync/atomic operation the load is sequentially
// consistent, which includes acquire: reads of guest memory after it see
// what the writer wrote before its matching release store.
func LoadU16Acquire(b []byte, off int) (uint16, error) {
	p, sh, err := word(b, off, 2)
	if err != nil {
		return 0, err
	}
	return uint16(toLE(atomic.LoadUint32(p)) >> sh), nil
}

// maxCASTries bounds StoreU16Release's compare-and-swap loop; only a writer
// that changes the other half of the word continuously can exhaust it.
const maxCASTries = 1 << 16

// StoreU16Release atomically stores v as little-endian at b[off:off+2],
// leaving the other two bytes of its aligned 32-bit word unchanged (a
// compare-and-swap loop on the word: a concurrent writer of those bytes
// never loses its write). Alignment requirements as for LoadU16Acquire.
//
// Ordering: sequentially consistent, which includes release (writes before it
// are visible to a reader that acquires the new value) and orders it before
// any later atomic load (the store-load barrier the virtqueue notification
// re-check needs). It returns ErrContended if the word kept changing.
func StoreU16Release(b []byte, off int, v uint16) error {
	p, sh, err := word(b, off, 2)
	if err != nil {
		return err
	}
	for range maxCASTries {
		old := atomic.LoadUint32(p)
		nv := toLE(old)&^(0xffff<<sh) | uint32(v)<<sh
		if atomic.CompareAndSwapUint32(p, old, fromLE(nv)) {
			return nil
		}
	}
	return ErrContended
}

// LoadU32Acquire atomically loads the little-endian uint32 at b[off:off+4].
// &b[off] must be 4-byte aligned in host memory, else ErrUnaligned. Ordering
// as for LoadU16Acquire.
func LoadU32Acquire(b []byte, off int) (uint32, error) {
	p, _, err := word(b, off, 4)
	if err != nil {
		return 0, err
	}
	return toLE(atomic.LoadUint32(p)), nil
}

// StoreU32Release atomically stores v as little-endian at b[off:off+4].
// &b[off] must be 4-byte aligned in host memory, else ErrUnaligned. Ordering
// as for StoreU16Release. The virtqueue uses it to publish the used ring's
// flags and idx, which are both device-written, in one store.
func StoreU32Release(b []byte, off int, v uint32) error {
	p, _, err := word(b, off, 4)
	if err != nil {
		return err
	}
	atomic.StoreUint32(p, fromLE(v))
	return nil
}
