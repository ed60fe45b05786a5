// Package guestmem is the only code in vcrypto that touches guest memory.
//
// It owns the guest memory regions a vhost-user frontend shares with the
// device (each one guest-physical range backed by a mapping of a file
// descriptor, or by a plain []byte in tests), the translation of a
// guest-physical address range into a bounded host slice, the translation of
// the frontend's virtual addresses (vhost-user SET_VRING_ADDR) into
// guest-physical ones, and the atomic accessors for virtqueue ring indices.
// Every translation is bounds and overflow checked and returns an error; no
// input makes this package panic.
//
// # Lifetime
//
// Regions and Memories are reference counted so that a mapping is never
// removed while a queue goroutine still reads from it:
//
//   - MapFD and NewRegion return a Region holding one reference, owned by
//     the caller. MapFD never takes over the file descriptor: the caller
//     closes it (it may do so as soon as MapFD returns).
//   - New takes its own reference on every Region it is given and returns a
//     Memory holding one reference, owned by the caller. Release drops a
//     reference; the last Release of a Memory releases its Regions, and the
//     last Release of a mapped Region unmaps it.
//   - A Table publishes the current Memory. Store takes over the caller's
//     reference and releases the previous Memory; Acquire returns the current
//     Memory with a new reference that the caller must Release.
//
// Slices returned by Slice stay valid while the caller holds a reference to
// the Memory that returned them. A queue goroutine acquires the Memory once
// per batch and releases it when the batch is done.
//
// # Concurrency
//
// A Memory is immutable after New and safe for concurrent use. Table,
// Release and Acquire are safe for concurrent use. The guest may change any
// byte of its memory at any time: callers copy what they validate (read each
// value once) and treat every slice as shared with a hostile writer. Ring
// indices shared with the driver are read and written with the atomic
// accessors (LoadU16Acquire, StoreU16Release, LoadU32Acquire,
// StoreU32Release); see their documentation for the alignment rules.
//
// # Spec
//
// virtio v1.4 §2.7 ("Split Virtqueues": ring part alignments 16/2/4 bytes,
// which the atomic accessors rely on) and the vhost-user protocol's
// SET_MEM_TABLE memory region description (guest address, size, user
// address, mmap offset; the region is mapped from offset 0 of the file for
// mmap_offset + size bytes and used from mmap_offset).
package guestmem
