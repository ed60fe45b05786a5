package vhostuser

import (
	"runtime"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtq"
)

// poller is a queue goroutine's state for active polling (Server.Poll):
// after a batch, the goroutine suppresses the driver's kicks and watches
// the available index itself for up to the poll time after the last
// request, then re-enables kicks and goes back to sleep on the kick
// eventfd.
//
// Kick suppression works for both kinds of driver: virtq's
// DisableNotification sets VIRTQ_USED_F_NO_NOTIFY when the queue does not
// use EVENT_IDX, and the poller moves avail_event (§2.7.10) one entry
// behind next_avail, so that a driver using EVENT_IDX (even one the
// frontend did not tell us about, see the package doc) does not kick for
// the next 65535 buffers. The queue re-arms avail_event at the end of
// every batch and when the poll ends (virtq.Queue.EnableNotification), so
// the stale value never lasts longer than the polling does.
type poller struct {
	mem      *guestmem.Memory // the Memory the views below come from
	avail    []byte           // the aligned word(s) holding avail->idx
	availOff int              // offset of avail->idx in avail
	event    []byte           // the aligned word holding used->avail_event
}

// pollCheckEvery is how many spins pass between clock reads, and
// pollYieldEvery between yields of the processor to other goroutines.
const (
	pollCheckEvery = 32
	pollYieldEvery = 1024
)

// bind takes over the reference to mem and resolves the views in it.
func (p *poller) bind(r *ring, mem *guestmem.Memory) bool {
	p.mem = mem
	start := r.availGPA &^ 3
	avail, err := mem.Slice(start, 8)
	if err != nil {
		return false
	}
	event, err := mem.Slice(r.usedGPA+4+virtio.UsedElemSize*uint64(r.num), 4)
	if err != nil {
		return false
	}
	p.avail, p.availOff, p.event = avail, int(r.availGPA-start)+2, event
	return true
}

// suppress asks the driver not to kick: flags through virtq, avail_event
// behind next_avail here.
func (p *poller) suppress(q *virtq.Queue, mem *guestmem.Memory) bool {
	if err := q.DisableNotification(mem); err != nil {
		return false
	}
	return guestmem.StoreU16Release(p.event, 0, q.NextAvail()-1) == nil
}

// pending reports whether the driver has made buffers available that the
// queue has not taken yet.
func (p *poller) pending(q *virtq.Queue) (bool, error) {
	idx, err := guestmem.LoadU16Acquire(p.avail, p.availOff)
	return idx != q.NextAvail(), err
}

// release drops the Memory the poller holds.
func (p *poller) release() {
	if p.mem != nil {
		p.mem.Release()
	}
	p.mem, p.avail, p.event = nil, nil, nil
}

// run polls after a batch: it serves whatever the driver makes available
// until c.poll passes without a request, the ring is stopped or disabled,
// or a fault happens; it then re-enables notifications (serving what
// arrived meanwhile) and returns, leaving the caller to sleep on the kick.
// The memory table is acquired anew for every round, so a SET_MEM_TABLE
// waits at most one poll time for the old mappings to go.
func (p *poller) run(r *ring, c *conn, q *virtq.Queue, w *cryptodev.Worker, faulted *bool) {
	defer p.release()
	for !r.quit.Load() && r.enabled.Load() && !*faulted {
		mem := c.table.Acquire()
		if mem == nil {
			return
		}
		if !p.bind(r, mem) || !p.suppress(q, mem) {
			return
		}
		if !p.spin(r, c, q) {
			// The poll time passed (or the ring is stopping): re-enable
			// notifications; a buffer that slipped in meanwhile is
			// served by one more round.
			more, err := q.EnableNotification(mem)
			p.release()
			if err != nil || !more {
				return
			}
		}
		p.release()
		if !r.enabled.Load() || r.quit.Load() {
			return
		}
		r.serve(c, q, w, faulted)
	}
}

// spin watches the available index until it moves (true) or c.poll passes
// (false). It also gives up (false) when the ring is stopped or disabled.
func (p *poller) spin(r *ring, c *conn, q *virtq.Queue) bool {
	deadline := time.Now().Add(c.poll)
	for i := 1; ; i++ {
		more, err := p.pending(q)
		if err != nil {
			return false
		}
		if more {
			// A ring disabled meanwhile is not served (the caller
			// re-enables notifications and returns).
			return r.enabled.Load() && !r.quit.Load()
		}
		if i%pollCheckEvery == 0 {
			if r.quit.Load() || !r.enabled.Load() || time.Now().After(deadline) {
				return false
			}
			if i%pollYieldEvery == 0 {
				runtime.Gosched()
			}
		}
	}
}
