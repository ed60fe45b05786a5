package bench

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/vhostuser"
)

// setupMemSize is the guest memory of the setup measurement, as in the
// target "SET_MEM_TABLE of 1 GiB handled in ≤ 100 ms".
const (
	setupMemSize = 1 << 30
	setupRounds  = 5
)

// Setup is the time the daemon takes to take over guest memory: a
// SET_MEM_TABLE with one region of MemMiB MiB (a sparse memfd: the
// frontend has not touched it, as after a VM starts), from the send over
// the socket to the daemon's REPLY_ACK, Samples times on one connection
// (each table replaces the previous one).
type Setup struct {
	MemMiB  int     `json:"mem_mib"`
	Samples int     `json:"samples"`
	BestMS  float64 `json:"best_ms"`
	P50MS   float64 `json:"p50_ms"`
	MaxMS   float64 `json:"max_ms"`
}

// measureSetup times SET_MEM_TABLE of a 1 GiB region on a connection of
// its own. It returns nil, with a note, when the daemon does not offer
// REPLY_ACK (without an acknowledgement there is nothing to time).
func (r *runner) measureSetup(t *target) (*Setup, error) {
	uc, err := r.dial(t)
	if err != nil {
		return nil, err
	}
	f, err := vhostuser.NewFrontend(uc, vhostuser.FrontendConfig{Queues: 1, ArenaSize: 4096, Regions: 1, Timeout: frontendTimeout})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.GetFeatures(); err != nil {
		return nil, err
	}
	pf, err := f.GetProtocolFeatures()
	if err != nil {
		return nil, err
	}
	if pf&vhostuser.ProtocolReplyAck == 0 {
		r.note("setup not measured: the daemon does not offer REPLY_ACK")
		return nil, nil
	}
	if err := f.SetProtocolFeatures(pf & vhostuser.DefaultProtocolFeatures); err != nil {
		return nil, err
	}
	if err := f.SetOwner(); err != nil {
		return nil, err
	}
	const offset = 4096 // exercise mmap_offset, as the frontend's own regions do
	fd, err := vhostuser.NewSparseMemFD(setupMemSize + offset)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	tb := vhostuser.MemoryTable{Regions: []vhostuser.MemoryRegion{{GPA: 0, Size: setupMemSize, UserAddr: 0x7f00_0000_0000, MmapOffset: offset}}}
	ms := make([]float64, 0, setupRounds)
	for range setupRounds {
		d, err := f.SendMemTable(tb, []int{fd})
		if err != nil {
			return nil, fmt.Errorf("%w: SET_MEM_TABLE of %d MiB: %w", ErrDevice, setupMemSize>>20, err)
		}
		ms = append(ms, float64(d)/float64(time.Millisecond))
	}
	s := &Setup{MemMiB: setupMemSize >> 20, Samples: len(ms), BestMS: slices.Min(ms), MaxMS: slices.Max(ms)}
	slices.Sort(ms)
	s.P50MS = ms[len(ms)/2]
	return s, nil
}
