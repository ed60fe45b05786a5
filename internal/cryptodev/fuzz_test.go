package cryptodev

import (
	"encoding/binary"
	"testing"

	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// The fuzz targets feed random queue contents (a main descriptor table,
// available ring entries, and the bytes that buffers, indirect tables and
// requests live in: see scenario.encode) to a data or control queue of a
// fresh device whose sessions are the hostile kit's. Properties:
//
//   - no panic, no hang (the watchdog), no ring error;
//   - every available entry with a valid head is completed exactly once,
//     in ring order, and nothing else is: the used ring lists exactly the
//     valid heads; nothing stays in flight;
//   - the used length is what the rules give for that chain, as computed
//     by refWalk (an independent walk of the descriptor rules): 0 for a
//     malformed chain or one without a writable byte; for a data request
//     the whole writable size; for a control request 0, 1 or 16 and never
//     more than the writable size;
//   - the worker's bounce arena holds no request bytes afterwards;
//   - the same queue then serves a known-good request.

// fixedKit is the kit's ids on a fresh device (sessions are numbered from
// 1 in creation order), so that seeds can name sessions.
func fixedKit() kit { return kit{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} }

// span is a guest memory range.
type span struct{ addr, n uint64 }

func (a span) overlaps(b span) bool { return a.addr < b.addr+b.n && b.addr < a.addr+a.n }

// walkResult is what refWalk found for one chain.
type walkResult struct {
	ok       bool   // well formed
	wlen     uint64 // writable bytes
	writable []span // writable buffers
	tables   []span // indirect tables
	// header holds the first (up to 72) readable bytes, read before the
	// device runs, and hdrSpans the guest memory they come from.
	header   []byte
	hdrSpans []span
}

// akHeader reports whether r's data request is an AKCIPHER one under the
// negotiated features (a whole header and op_flf whose opcode is of the
// AKCIPHER service: the 72-byte legacy request; with REVISION_1 the
// 24-byte header and the 8-byte session-mode op_flf, or the 28-byte
// stateless one when VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE is
// negotiated too) and returns dst_data_len and whether it is a VERIFY.
func (r *walkResult) akHeader(features uint64) (ak bool, dstLen uint32, verify bool) {
	n, dst := virtiocrypto.DataRequestLegacySize, virtiocrypto.DataHeaderSize+4 // legacy and session mode: src@24, dst@28
	if virtio.Has(features, virtiocrypto.FeatureRevision1) {
		n = virtiocrypto.DataHeaderSize + virtiocrypto.AkcipherDataParamsSize
		if virtio.Has(features, virtiocrypto.FeatureAkcipherStatelessMode) {
			// sess_para {algo, key_type, key_len, u[8]}, src, dst.
			n, dst = virtiocrypto.DataHeaderSize+virtiocrypto.AkcipherDataStatelessSize, virtiocrypto.DataHeaderSize+24
		}
	}
	if len(r.header) < n {
		return false, 0, false
	}
	op := virtiocrypto.Opcode(binary.LittleEndian.Uint32(r.header))
	return op.Service() == virtiocrypto.ServiceAkcipher, binary.LittleEndian.Uint32(r.header[dst:]), op == virtiocrypto.OpcodeAkcipherVerify
}

// refWalk follows the chain at head in e's guest memory by the split
// virtqueue rules (§2.7.5, §2.7.5.3), independently of package virtq.
func refWalk(e *qenv, head uint16) (r walkResult) {
	mem := uint64(e.mem)
	inMem := func(addr uint64, n uint64) bool { return addr <= mem && n <= mem-addr }
	readDesc := func(table uint64, i uint64) (uint64, uint32, uint16, uint16) {
		b := e.d.Bytes(table+16*i, 16)
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint16(b[12:]), binary.LittleEndian.Uint16(b[14:])
	}
	table, n, i := e.d.DescGPA(), uint64(e.size), uint64(head)
	indirect, writable := false, false
	var total uint64
	budget := max(e.size, virtq.MinChainLimit) // buffer descriptors allowed in one chain
	for {
		if i >= n {
			return r
		}
		addr, length, flags, next := readDesc(table, i)
		if flags&virtio.DescFIndirect != 0 {
			if indirect || flags&virtio.DescFNext != 0 || length == 0 || length%16 != 0 ||
				uint64(length/16) > uint64(max(e.size, virtq.MinChainLimit)) || !inMem(addr, uint64(length)) {
				return r
			}
			r.tables = append(r.tables, span{addr, uint64(length)})
			table, n, i, indirect = addr, uint64(length/16), 0, true
			continue
		}
		if budget == 0 {
			return r
		}
		budget--
		if length == 0 {
			// Skipped, but it keeps its place in the read-then-write
			// order.
			if flags&virtio.DescFWrite != 0 {
				writable = true
			} else if writable {
				return r
			}
			if flags&virtio.DescFNext == 0 {
				r.ok = true
				return r
			}
			i = uint64(next)
			continue
		}
		total += uint64(length)
		if total > 0xFFFFFFFF || !inMem(addr, uint64(length)) {
			return r
		}
		if flags&virtio.DescFWrite != 0 {
			writable = true
			r.wlen += uint64(length)
			r.writable = append(r.writable, span{addr, uint64(length)})
		} else if writable {
			return r
		} else if k := min(uint64(length), uint64(virtiocrypto.DataRequestLegacySize-len(r.header))); k > 0 {
			r.header = append(r.header, e.d.Bytes(addr, int(k))...)
			r.hdrSpans = append(r.hdrSpans, span{addr, k})
		}
		if flags&virtio.DescFNext == 0 {
			r.ok = true
			return r
		}
		i = uint64(next)
	}
}

// refStatus follows a chain with the relaxed rules of virtq's
// Chain.ErrorStatus, independently of it: if the chain's end is reachable
// and its last descriptor is writable, non-empty and in memory, it returns
// that descriptor's last byte and the in-memory writable bytes on the way.
func refStatus(e *qenv, head uint16) (addr, wlen uint64, ok bool) {
	mem := uint64(e.mem)
	inMem := func(a, n uint64) bool { return a <= mem && n <= mem-a }
	table, n, i := e.d.DescGPA(), uint64(e.size), uint64(head)
	indirect := false
	const searchLimit = 1 << 16 // virtq's status search follows up to 2^16 descriptors per table
	for steps := 0; steps <= 2*searchLimit+1; steps++ {
		if i >= n {
			return 0, 0, false
		}
		b := e.d.Bytes(table+16*i, 16)
		a, l := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[8:])
		fl, nx := binary.LittleEndian.Uint16(b[12:]), binary.LittleEndian.Uint16(b[14:])
		if fl&virtio.DescFIndirect != 0 {
			if indirect || fl&virtio.DescFNext != 0 || l == 0 || l%16 != 0 || uint64(l/16) > searchLimit || !inMem(a, uint64(l)) {
				return 0, 0, false
			}
			table, n, i, indirect = a, uint64(l/16), 0, true
			continue
		}
		last := fl&virtio.DescFWrite != 0 && l > 0 && inMem(a, uint64(l))
		if last {
			wlen = min(wlen+uint64(l), 0xFFFFFFFF)
			addr = a + uint64(l) - 1
		}
		if fl&virtio.DescFNext == 0 {
			return addr, wlen, last
		}
		i = uint64(nx)
	}
	return 0, 0, false
}

// expectations walks every valid head of s as loaded in e, before the
// device runs. When a writable buffer of a well-formed chain covers an
// indirect table (stable false) or the rings (ring true), the device's
// own writes may rewrite later chains or the ring itself, and only the
// weak properties are checked.
func expectations(e *qenv, s *scenario) (heads []uint16, res []walkResult, stable, ring bool) {
	var ws, ts, errs []span
	for _, h := range s.heads {
		if int(h) >= e.size {
			continue
		}
		r := refWalk(e, h)
		heads, res = append(heads, h), append(res, r)
		if r.ok {
			ws = append(ws, r.writable...)
		} else if a, _, ok := refStatus(e, h); ok && !e.ctrl {
			ws = append(ws, span{a, 1}) // the ERR status of a malformed chain
			errs = append(errs, span{a, 1})
		}
		ts = append(ts, r.tables...)
	}
	rings := span{0, blobGPA} // descriptor table, available and used rings
	stable = true
	// A malformed chain's ERR byte that a well-formed chain also writes
	// (the guest made them share a buffer) holds whichever came last.
	for i := range heads {
		if !res[i].ok {
			continue
		}
		for _, w := range res[i].writable {
			for _, x := range errs {
				stable = stable && !w.overlaps(x)
			}
		}
	}
	for _, w := range ws {
		ring = ring || w.overlaps(rings)
		for _, t := range ts {
			stable = stable && !w.overlaps(t)
		}
	}
	// The used length of an AKCIPHER request depends on its header: a
	// header that another chain's writes may change is not predictable.
	for j, r := range res {
		for i, o := range res {
			if i == j {
				continue
			}
			for _, w := range o.writable {
				for _, h := range r.hdrSpans {
					stable = stable && !w.overlaps(h)
				}
			}
		}
	}
	return heads, res, stable && !ring, ring
}

// runChecked loads s into e, serves it and checks the completions. It
// returns the queue on which to send the good request afterwards: e, or,
// when the device's writes went into e's rings (the guest's own doing), a
// fresh queue served by the same worker.
func runChecked(t *testing.T, e *qenv, s *scenario) *qenv {
	t.Helper()
	e.load(s)
	heads, res, stable, ring := expectations(e, s)
	err := e.serve()
	if ring {
		// The guest had the device overwrite its rings: any outcome but a
		// panic or a hang is acceptable.
		fresh := newQEnv(t, e.dev, e.ctrl, e.size, e.mem)
		fresh.w = e.w
		return fresh
	}
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	u := e.reap()
	if e.q.InFlight() != 0 || e.q.NextAvail() != uint16(len(s.heads)) {
		t.Fatalf("in flight %d, next avail %d after %d entries", e.q.InFlight(), e.q.NextAvail(), len(s.heads))
	}
	if len(u) != len(heads) {
		t.Fatalf("%d used elements %v for valid heads %v", len(u), u, heads)
	}
	for i, x := range u {
		if x.id != uint32(heads[i]) {
			t.Fatalf("used element %d has id %d, want %d (ring order)", i, x.id, heads[i])
		}
		if !stable {
			continue
		}
		r := res[i]
		switch {
		case !r.ok && !e.ctrl:
			// A malformed data chain gets ERR at its last byte when that
			// can be found, with the writable length seen as used length.
			a, wlen, ok := refStatus(e, heads[i])
			if !ok {
				wlen = 0
			}
			if uint64(x.len) != wlen {
				t.Fatalf("malformed chain %d: used length %d, want %d", heads[i], x.len, wlen)
			}
			if ok {
				if st := e.d.Bytes(a, 1)[0]; st != byte(virtiocrypto.StatusErr) {
					t.Fatalf("malformed chain %d: status %d at %#x, want ERR", heads[i], st, a)
				}
			}
		case !r.ok || r.wlen == 0:
			if x.len != 0 {
				t.Fatalf("chain %d (well formed %v, writable %d): used length %d, want 0", heads[i], r.ok, r.wlen, x.len)
			}
		case !e.ctrl:
			if ak, dstLen, verify := r.akHeader(e.dev.NegotiatedFeatures()); ak {
				// AKCIPHER: result bytes + 1; 1 for a verify or a failure.
				a, _, _ := refStatus(e, heads[i])
				st := virtiocrypto.Status(e.d.Bytes(a, 1)[0])
				maxRes := uint64(dstLen)
				if verify {
					maxRes = 0
				}
				if x.len == 0 || uint64(x.len-1) > min(maxRes, r.wlen-1) || (st != virtiocrypto.StatusOK && x.len != 1) {
					t.Fatalf("AKCIPHER chain %d: used length %d with status %v, dst_data_len %d, %d writable bytes", heads[i], x.len, st, dstLen, r.wlen)
				}
				break
			}
			if uint64(x.len) != r.wlen {
				t.Fatalf("data chain %d: used length %d, want the writable size %d", heads[i], x.len, r.wlen)
			}
		default:
			if (x.len != 0 && x.len != 1 && x.len != 16) || uint64(x.len) > r.wlen {
				t.Fatalf("control chain %d: used length %d with %d writable bytes", heads[i], x.len, r.wlen)
			}
		}
	}
	return e
}

func addSeeds(f *testing.F, cases []hostileCase) {
	for _, c := range cases {
		var s scenario
		c.build(&s, fixedKit())
		f.Add(s.encode())
	}
}

func FuzzDataQueue(f *testing.F) {
	addSeeds(f, hostileDataCases())
	addSeeds(f, revision1DataCases(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		dev, k := hostileDevice(t)
		if k != fixedKit() {
			t.Fatalf("kit ids %v, want %v", k, fixedKit())
		}
		e := newQEnv(t, dev, false, hostileQueueSize, hostileMem)
		s := decodeScenario(b, hostileQueueSize)
		next := runChecked(t, e, &s)
		assertArenaWiped(t, e.w)
		if n := dev.Sessions().Len(); n != kitSize {
			t.Fatalf("%d sessions after data requests, want %d", n, kitSize)
		}
		next.goodCBC(k.cbcEnc)
		// The same queue content on a device that negotiated REVISION_1
		// and the stateless modes (revision1_test.go).
		fuzzRevision1(t, b)
	})
}

func FuzzControlQueue(f *testing.F) {
	addSeeds(f, hostileControlCases())
	addSeeds(f, revision1ControlCases())
	f.Fuzz(func(t *testing.T, b []byte) {
		dev, k := hostileDevice(t)
		if k != fixedKit() {
			t.Fatalf("kit ids %v, want %v", k, fixedKit())
		}
		e := newQEnv(t, dev, true, hostileQueueSize, hostileMem)
		s := decodeScenario(b, hostileQueueSize)
		next := runChecked(t, e, &s)
		assertArenaWiped(t, e.w)
		// At most one session per available entry was created or destroyed.
		if n := dev.Sessions().Len(); n < kitSize-len(s.heads) || n > kitSize+len(s.heads) {
			t.Fatalf("%d sessions after %d control requests on %d", n, len(s.heads), kitSize)
		}
		next.goodControl()
		dev.Close()
		if n := dev.Sessions().Len(); n != 0 {
			t.Fatalf("%d sessions after Close", n)
		}
		// The same queue content on a device that negotiated REVISION_1
		// (revision1_test.go).
		fuzzRevision1Control(t, b)
	})
}
