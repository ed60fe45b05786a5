package virtq_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// Layout of FuzzChain's guest memory: region A [0x10000, 0x11000) holds the
// descriptor table (0x10000), the available ring (0x10080) and the used ring
// (0x10100); the fuzz input fills [0x10000, 0x10100) and then [0x10200, ...).
// Region B [0x11000, 0x11100) is adjacent to A: buffers crossing into it are
// invalid.
const (
	fzDesc  = 0x10000
	fzAvail = 0x10080
	fzUsed  = 0x10100
	fzData  = 0x10200
	fzEnd   = 0x11000
	fzBEnd  = 0x11100
)

// fuzzImage builds FuzzChain inputs: the first 0x100 bytes are the
// descriptor table and the available ring, the rest goes to fzData.
type fuzzImage []byte

func newImage() fuzzImage { return make(fuzzImage, 0x100+0x100) }

func (im fuzzImage) desc(i int, addr uint64, l uint32, flags, next uint16) {
	binary.LittleEndian.PutUint64(im[16*i:], addr)
	binary.LittleEndian.PutUint32(im[16*i+8:], l)
	binary.LittleEndian.PutUint16(im[16*i+12:], flags)
	binary.LittleEndian.PutUint16(im[16*i+14:], next)
}

// indirect writes descriptor i of a table at data offset off.
func (im fuzzImage) indirect(off, i int, addr uint64, l uint32, flags, next uint16) {
	b := im[0x100+off+16*i:]
	binary.LittleEndian.PutUint64(b, addr)
	binary.LittleEndian.PutUint32(b[8:], l)
	binary.LittleEndian.PutUint16(b[12:], flags)
	binary.LittleEndian.PutUint16(b[14:], next)
}

func (im fuzzImage) avail(idx uint16, heads ...uint16) []byte {
	binary.LittleEndian.PutUint16(im[0x80+2:], idx)
	for i, h := range heads {
		binary.LittleEndian.PutUint16(im[0x80+4+2*i:], h)
	}
	return im
}

func fuzzSeeds() [][]byte {
	var seeds [][]byte
	im := newImage() // R16 -> W8
	im.desc(0, fzData, 16, next, 1)
	im.desc(1, fzData+16, 8, write, 0)
	seeds = append(seeds, im.avail(1, 0))
	im = newImage() // indirect: R8 W8, then a direct chain
	im.indirect(0x40, 0, fzData, 8, next, 1)
	im.indirect(0x40, 1, fzData+8, 8, write, 0)
	im.desc(0, fzData+0x40, 32, indirect, 0)
	im.desc(1, fzData, 4, 0, 0)
	seeds = append(seeds, im.avail(2, 0, 1))
	im = newImage() // loop
	im.desc(0, fzData, 8, next, 1)
	im.desc(1, fzData, 8, next, 0)
	seeds = append(seeds, im.avail(1, 0))
	im = newImage() // nested indirect
	im.indirect(0, 0, fzData+0x40, 16, indirect, 0)
	im.desc(0, fzData, 16, indirect, 0)
	seeds = append(seeds, im.avail(1, 0))
	im = newImage() // bad head, then read after write, zero length, crossing
	im.desc(0, fzData, 8, write|next, 1)
	im.desc(1, fzData, 8, 0, 0)
	im.desc(2, fzData, 0, 0, 0)
	im.desc(3, fzEnd-8, 16, 0, 0)
	seeds = append(seeds, im.avail(4, 9, 0, 2, 3))
	im = newImage() // avail index jump
	im.desc(0, fzData, 8, 0, 0)
	seeds = append(seeds, im.avail(100, 0))
	im = newImage() // buffer in region B, writable part on the descriptor table
	im.desc(0, fzEnd, 0x100, next, 1)
	im.desc(1, fzDesc, 0x40, write, 0)
	seeds = append(seeds, im.avail(1, 0))
	return seeds
}

type seg struct {
	gpa   uint64
	n     uint32
	write bool
}

// refWalk is a reference walker over guest-physical reads (a different path
// from the device's slices). It returns the chain's buffers, or ok=false
// when any rule of the package documentation is broken.
func refWalk(mem *guestmem.Memory, size uint32, head uint16) ([]seg, bool) {
	var out []seg
	table, tlen := uint64(fzDesc), size
	i := uint32(head)
	inIndirect, seenWrite := false, false
	var total uint64
	for steps := uint32(0); ; {
		if i >= tlen {
			return nil, false
		}
		var d [16]byte
		if mem.Read(table+16*uint64(i), d[:]) != nil {
			return nil, false
		}
		addr := binary.LittleEndian.Uint64(d[0:])
		l := binary.LittleEndian.Uint32(d[8:])
		flags := binary.LittleEndian.Uint16(d[12:])
		if flags&indirect != 0 {
			if inIndirect || flags&next != 0 || l == 0 || l%16 != 0 || l/16 > size {
				return nil, false
			}
			if _, err := mem.Slice(addr, uint64(l)); err != nil {
				return nil, false
			}
			table, tlen, i, inIndirect = addr, l/16, 0, true
			continue
		}
		steps++
		total += uint64(l)
		w := flags&write != 0
		if steps > size || total > 0xffffffff || (seenWrite && !w) {
			return nil, false
		}
		if l == 0 { // skipped, keeping its place in the order
			seenWrite = seenWrite || w
			if flags&next == 0 {
				return out, true
			}
			i = uint32(binary.LittleEndian.Uint16(d[14:]))
			continue
		}
		if _, err := mem.Slice(addr, uint64(l)); err != nil {
			return nil, false
		}
		seenWrite = seenWrite || w
		out = append(out, seg{addr, l, w})
		if flags&next == 0 {
			return out, true
		}
		i = uint32(binary.LittleEndian.Uint16(d[14:]))
	}
}

// FuzzChain serves random descriptor tables and available rings and checks
// every Pop against refWalk: same outcome class, same buffers (aliasing the
// same guest bytes), Reader and Writer lengths and contents consistent. The
// run is bounded, so a hang is a failure too.
func FuzzChain(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(uint8(3), uint16(0), s)
		f.Add(uint8(2), uint16(0xfffe), s)
	}
	f.Fuzz(func(t *testing.T, sizeSel uint8, start uint16, data []byte) {
		size := uint32(1) << (sizeSel % 4) // 1..8
		bufA := make([]byte, fzEnd-fzDesc)
		copy(bufA[:0x100], data)
		if len(data) > 0x100 {
			copy(bufA[fzData-fzDesc:], data[0x100:])
		}
		bufB := make([]byte, fzBEnd-fzEnd)
		ra, _ := guestmem.NewRegion(fzDesc, 0, bufA)
		rb, _ := guestmem.NewRegion(fzEnd, 0x1000, bufB)
		mem, err := guestmem.New(ra, rb)
		if err != nil {
			t.Fatal(err)
		}
		// The used ring index starts at start too.
		binary.LittleEndian.PutUint16(bufA[fzUsed-fzDesc+2:], start)
		q, err := virtq.New(virtq.Config{Size: size, DescGPA: fzDesc, AvailGPA: fzAvail, UsedGPA: fzUsed, NextAvail: start, NextUsed: start})
		if err != nil {
			t.Fatal(err)
		}
		next, shadow := start, start
		var c virtq.Chain
		for range 3 * size {
			// Reference outcome from the current memory.
			idx, _ := guestmem.LoadU16Acquire(bufA, fzAvail-fzDesc+2)
			if next == shadow {
				shadow = idx
			}
			var wantSegs []seg
			wantKind := "chain"
			switch {
			case shadow == next:
				wantKind = "empty"
			case uint32(shadow-next) > size:
				wantKind = "ring"
			default:
				head := binary.LittleEndian.Uint16(bufA[fzAvail-fzDesc+4+2*int(uint32(next)%size):])
				var ok bool
				if uint32(head) >= size {
					wantKind = "badhead"
				} else if wantSegs, ok = refWalk(mem, size, head); !ok {
					wantKind = "malformed"
				}
			}

			ok, err := q.Pop(mem, &c)
			kind := "?"
			switch {
			case ok && err == nil:
				kind = "chain"
			case ok && errors.Is(err, virtq.ErrChain):
				kind = "malformed"
			case !ok && err == nil:
				kind = "empty"
			case !ok && errors.Is(err, virtq.ErrBadHead):
				kind = "badhead"
			case !ok && errors.Is(err, virtq.ErrRing):
				kind = "ring"
			}
			if kind != wantKind {
				t.Fatalf("Pop = %v, %v (%s); reference says %s", ok, err, kind, wantKind)
			}
			if kind == "badhead" {
				next++
				continue
			}
			if kind != "chain" && kind != "malformed" {
				return
			}
			next++
			if kind == "malformed" {
				if err := q.Push(mem, c.Head(), 0); err != nil {
					t.Fatal(err)
				}
				continue
			}
			checkChain(t, mem, &c, wantSegs)
			if err := q.Push(mem, c.Head(), uint32(c.WritableLen())); err != nil {
				t.Fatal(err)
			}
		}
		// 3*size Pops always end on an empty ring or a ring error.
		t.Fatalf("queue of size %d still serving after %d pops", size, 3*size)
	})
}

// checkChain compares a valid chain with the reference buffers and
// exercises its Reader and Writer.
func checkChain(t *testing.T, mem *guestmem.Memory, c *virtq.Chain, want []seg) {
	var rlen, wlen int
	var readable []byte
	var lastW []byte
	got := append(c.Readable(), c.Writable()...)
	if len(got) != len(want) {
		t.Fatalf("%d buffers, reference %d", len(got), len(want))
	}
	for i, s := range want {
		ref, _ := mem.Slice(s.gpa, uint64(s.n))
		if len(got[i]) != len(ref) || &got[i][0] != &ref[0] || s.write != (i >= len(c.Readable())) {
			t.Fatalf("buffer %d differs from the reference %+v", i, s)
		}
		if s.write {
			wlen += int(s.n)
			lastW = ref
		} else {
			rlen += int(s.n)
			readable = append(readable, ref...)
		}
	}
	if c.ReadableLen() != rlen || c.WritableLen() != wlen {
		t.Fatalf("lengths %d/%d, reference %d/%d", c.ReadableLen(), c.WritableLen(), rlen, wlen)
	}
	r := c.Reader()
	var all bytes.Buffer
	if _, err := all.ReadFrom(r); err != nil || !bytes.Equal(all.Bytes(), readable) {
		t.Fatalf("reader returned %d bytes (%v), want %d", all.Len(), err, len(readable))
	}
	w := c.Writer()
	st, err := w.CarveStatus()
	if wlen == 0 {
		if !errors.Is(err, virtq.ErrNoStatus) {
			t.Fatalf("CarveStatus without writable bytes: %v", err)
		}
		return
	}
	if err != nil || &st[0] != &lastW[len(lastW)-1] || w.Remaining() != wlen-1 {
		t.Fatalf("status not the last writable byte (%v), remaining %d of %d", err, w.Remaining(), wlen)
	}
	if err := w.Skip(wlen - 1); err != nil || w.Remaining() != 0 || w.Written() != wlen-1 {
		t.Fatalf("Skip over the writable part: %v", err)
	}
	if n, err := w.Write([]byte{0}); n != 0 || err == nil {
		t.Fatal("writer wrote past its end")
	}
}

// FuzzRoundTrip builds chains of random shapes with the test driver (direct
// or indirect) and checks that the device reads exactly what the driver
// wrote and the driver receives exactly what the device wrote.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0x21, 72, 16, 16, 0x12, 16, 1}, false)
	f.Add([]byte{0x21, 72, 16, 16, 0x12, 16, 1}, true)
	f.Add([]byte{0x36, 3, 5, 8, 5, 8, 8, 0x36, 3, 5, 8, 5, 8, 8, 1}, true)
	f.Add([]byte{0x01, 1, 0x10, 200}, false)
	f.Fuzz(func(t *testing.T, shape []byte, indirect bool) {
		d, err := virtqtest.New(virtqtest.Config{Size: 16, MemSize: 1 << 16, Indirect: indirect})
		if err != nil {
			t.Fatal(err)
		}
		q, err := virtq.New(d.QueueConfig())
		if err != nil {
			t.Fatal(err)
		}
		type sent struct {
			head uint16
			data []byte
			wlen int
		}
		var all []sent
		// shape: a count byte (readable count in the high nibble,
		// writable in the low one), then that many lengths.
		for len(shape) > 0 {
			nr, nw := int(shape[0]>>4), int(shape[0]&15)
			shape = shape[1:]
			if nr+nw == 0 || nr+nw > 16 || len(shape) < nr+nw {
				break
			}
			var readable [][]byte
			var data []byte
			var wl []int
			for i := range nr {
				b := bytes.Repeat([]byte{byte(len(all)*7 + i + 1)}, int(shape[i])+1)
				readable = append(readable, b)
				data = append(data, b...)
			}
			wlen := 0
			for i := range nw {
				wl = append(wl, int(shape[nr+i])+1)
				wlen += int(shape[nr+i]) + 1
			}
			shape = shape[nr+nw:]
			head, err := d.Add(readable, wl)
			if errors.Is(err, virtqtest.ErrFull) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, sent{head, data, wlen})
		}
		mem := d.Memory()
		var c virtq.Chain
		for i, s := range all {
			if ok, err := q.Pop(mem, &c); !ok || err != nil {
				t.Fatalf("chain %d: Pop = %v, %v", i, ok, err)
			}
			got := readAll(t, c.Reader())
			if c.Head() != s.head || !bytes.Equal(got, s.data) || c.WritableLen() != s.wlen || c.Indirect() != indirect {
				t.Fatalf("chain %d: head %d/%d, %d readable bytes of %d, writable %d of %d", i, c.Head(), s.head, len(got), len(s.data), c.WritableLen(), s.wlen)
			}
			w := c.Writer()
			if st, err := w.CarveStatus(); err == nil {
				st[0] = 0xee
			}
			for w.Remaining() > 0 {
				b := w.Next(3)
				for j := range b {
					b[j] = byte(i)
				}
			}
			if err := q.Push(mem, c.Head(), uint32(s.wlen)); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := q.Pop(mem, &c); ok || err != nil {
			t.Fatalf("extra chain: %v, %v", ok, err)
		}
		used, err := d.Used()
		if err != nil || len(used) != len(all) {
			t.Fatalf("%d completions of %d: %v", len(used), len(all), err)
		}
		for i, u := range used {
			want := bytes.Repeat([]byte{byte(i)}, all[i].wlen)
			if len(want) > 0 {
				want[len(want)-1] = 0xee
			}
			if u.Head != all[i].head || u.Len != uint32(all[i].wlen) || !bytes.Equal(u.Writable, want) {
				t.Fatalf("completion %d: %+v", i, u)
			}
		}
		if d.AvailEvent() != q.NextAvail() {
			t.Fatal("avail_event not at next_avail after draining")
		}
	})
}
