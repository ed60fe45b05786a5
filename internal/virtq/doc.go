// Package virtq implements the device side of the virtio split virtqueue
// (virtio v1.4 §2.7 "Split Virtqueues").
//
// A Queue holds the device's view of one virtqueue: its size, the
// guest-physical addresses of the descriptor table, available ring and used
// ring, and the device's indices (next_avail, next_used). Pop takes the next
// available descriptor chain, validates it once, and fills a caller-owned
// Chain with the chain's buffers as slices of guest memory; Reader and
// Writer then consume them as byte streams. Push returns a chain to the
// driver through the used ring; NeedsNotify decides whether the driver wants
// a used buffer notification for what was pushed since the last decision.
// The package does no system calls and reaches guest memory only through
// guestmem.
//
// # Serving a queue
//
// Typical batch, run by the goroutine that owns the queue after a kick (a
// Memory acquired for the batch, one Chain reused for every request):
//
//	q.DisableNotification(mem)
//	for {
//		ok, err := q.Pop(mem, &c)
//		switch {
//		case ok && err == nil: // valid chain
//			n := handle(&c)              // reads c.Reader(), writes c.Writer()
//			q.Push(mem, c.Head(), n)
//			continue
//		case ok: // malformed chain, head valid: give it back empty
//			q.Push(mem, c.Head(), 0)
//			continue
//		case errors.Is(err, virtq.ErrBadHead): // skipped entry, keep going
//			continue
//		case err != nil: // ring unusable: stop serving, report
//			return err
//		}
//		if more, _ := q.EnableNotification(mem); !more {
//			break // empty, and the driver will kick again
//		}
//		q.DisableNotification(mem)
//	}
//	if notify, _ := q.NeedsNotify(mem); notify {
//		// signal the call eventfd once for the whole batch
//	}
//
// # Hostile drivers
//
// The driver (guest) can change any byte of guest memory at any time. Each
// descriptor is read once into locals and never re-read; each buffer is
// translated once (guestmem bounds checks) and then referred to by its slice.
// The walk of a chain visits at most queue-size buffer descriptors, so loops
// end; an indirect table must be a non-zero multiple of 16 bytes with at
// most queue-size entries, may not contain indirect descriptors, and the
// descriptor pointing to it may not have NEXT (§2.7.5.3); device-readable
// buffers must precede device-writable ones (§2.7.4); a chain holds at most
// 2^32-1 bytes (§2.7.5); zero-length buffers are skipped. A chain that
// breaks a rule is still returned by Pop with its head so that the device
// can complete it with used length 0 and the driver does not wait forever.
// Only ring-level faults (rings outside guest memory, an available index
// more than queue-size ahead, more than queue-size chains in flight) stop a
// queue.
//
// # Notifications
//
// Whatever the negotiated features say, the device writes avail_event
// (used->ring[size]) every time it finds the available ring empty and in
// EnableNotification, and re-checks the available index afterwards: a guest
// can negotiate VIRTIO_F_EVENT_IDX without the VMM telling the backend
// (QEMU's cryptodev-vhost-user does so), and such a guest stops kicking if
// avail_event never moves. For used buffer notifications, NeedsNotify uses
// used_event and the vring_need_event rule when the queue is configured with
// EventIdx (§2.7.7, device requirements) and the available ring's
// VIRTQ_AVAIL_F_NO_INTERRUPT flag otherwise; the latter only costs extra
// interrupts when the guest in fact uses EVENT_IDX.
//
// # Memory ordering
//
// The available index is loaded with acquire ordering before ring entries
// and descriptors are read (§2.7.13.3.1); used elements are written before
// the used index is published with release ordering (§2.7.8.2); avail_event
// and used flags are stored before the available index is re-read, and the
// used index before used_event or the available ring flags are read (full
// barriers: Go's atomics are sequentially consistent). Ring indices use the
// guestmem atomic accessors.
//
// # Concurrency and lifetimes
//
// A Queue is owned by one goroutine at a time and is not safe for
// concurrent use. A Chain belongs to its caller; Pop overwrites it. Every
// slice a Chain, Reader or Writer hands out aliases guest memory: it stays
// addressable while the caller holds its reference to the Memory passed to
// Pop, and the buffers belong to the driver again once the chain's head is
// pushed. Readable and writable buffers may alias each other (the driver
// may use one buffer in place), and the guest may modify them while they are
// read: copy what must be validated.
package virtq
