package virtq

import "errors"

// Error classes. Apart from the caller errors ErrNoMemory and ErrNoChain,
// every error Pop returns is ErrBadHead or an error that errors.Is reports
// as ErrChain or ErrRing.
var (
	// ErrChain: Pop consumed a chain whose head index is valid but whose
	// descriptors break a rule. The caller pushes the head with used
	// length 0. The specific rule is one of the ErrChain errors below.
	ErrChain = errors.New("virtq: malformed descriptor chain")
	// ErrRing: the ring cannot be served now (see ErrRingAddress,
	// ErrAvailIndex, ErrTooManyInFlight). Nothing was consumed.
	ErrRing = errors.New("virtq: ring unusable")
	// ErrBadHead: Pop consumed an available ring entry that names a
	// descriptor index outside the table. There is no chain to complete;
	// the caller may go on popping.
	ErrBadHead = errors.New("virtq: available ring entry out of range")
	// ErrInvalidConfig: New was given an invalid queue size, a misaligned
	// ring address, a ring whose range overflows, or indices more than the
	// queue size apart.
	ErrInvalidConfig = errors.New("virtq: invalid queue configuration")
	// ErrNotInFlight: Push was given a head outside the table, or more
	// chains were pushed than popped.
	ErrNotInFlight = errors.New("virtq: push of a chain that is not in flight")
	// ErrNoMemory: a nil Memory was passed.
	ErrNoMemory = errors.New("virtq: no guest memory")
	// ErrNoChain: a nil Chain was passed to Pop.
	ErrNoChain = errors.New("virtq: nil chain")
	// ErrNoStatus: CarveStatus found no writable byte, or was called twice.
	ErrNoStatus = errors.New("virtq: no writable byte for the status")
)

// chainError is a malformed-chain error; it matches ErrChain.
type chainError string

// Error returns the message, prefixed with "virtq: ".
func (e chainError) Error() string { return "virtq: " + string(e) }

// Is reports whether target is ErrChain.
func (e chainError) Is(target error) bool { return target == ErrChain }

// ringError is a ring-level error; it matches ErrRing.
type ringError string

// Error returns the message, prefixed with "virtq: ".
func (e ringError) Error() string { return "virtq: " + string(e) }

// Is reports whether target is ErrRing.
func (e ringError) Is(target error) bool { return target == ErrRing }

// Malformed chains (each matches ErrChain).
var (
	// ErrChainTooLong: more buffer descriptors than the queue size: a loop,
	// or a chain the driver must not build (§2.7.5.3.1).
	ErrChainTooLong error = chainError("descriptor chain longer than max(queue size, 1024) (loop?)")
	// ErrNextIndex: a next field, or the head, names an entry outside the
	// current (direct or indirect) table.
	ErrNextIndex error = chainError("descriptor index out of table")
	// ErrDescAddress: a buffer or indirect table is not inside one guest
	// memory region.
	ErrDescAddress error = chainError("descriptor buffer not in guest memory")
	// ErrChainTooBig: the buffers add up to more than 2^32-1 bytes
	// (§2.7.5.2).
	ErrChainTooBig error = chainError("descriptor chain longer than 2^32-1 bytes")
	// ErrReadAfterWrite: a device-readable buffer follows a device-writable
	// one (§2.7.4.2).
	ErrReadAfterWrite error = chainError("device-readable descriptor after a device-writable one")
	// ErrNestedIndirect: an indirect table holds an indirect descriptor
	// (§2.7.5.3.1).
	ErrNestedIndirect error = chainError("indirect descriptor inside an indirect table")
	// ErrIndirectNext: a descriptor has both INDIRECT and NEXT
	// (§2.7.5.3.1).
	ErrIndirectNext error = chainError("indirect descriptor with NEXT set")
	// ErrIndirectTable: an indirect table's length is 0, not a multiple of
	// 16, or more than queue-size entries.
	ErrIndirectTable error = chainError("indirect table length not a multiple of 16 in [16, 16*max(queue size, 1024)]")
)

// Ring-level faults (each matches ErrRing).
var (
	// ErrRingAddress: a ring part is not inside one guest memory region, or
	// is not naturally aligned in host memory.
	ErrRingAddress error = ringError("ring not addressable in guest memory")
	// ErrAvailIndex: the available index is more than the queue size ahead
	// of the device's next_avail (or went backwards).
	ErrAvailIndex error = ringError("available index moved by more than the queue size")
	// ErrTooManyInFlight: the driver made a chain available while Size
	// chains were already popped and not pushed (it re-offered a head
	// still in flight). Nothing was consumed; popping works again after a
	// Push.
	ErrTooManyInFlight error = ringError("more chains in flight than the queue size")
)
