package virtq_test

import (
	"fmt"
	"testing"

	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// BenchmarkPopPush measures the device side per chain: Pop (validation and
// segment collection), reading the request, carving the status, writing the
// reply, Push, and one NeedsNotify per batch. The driver side in the loop is
// only a republish of the same chains (Repost) and a reap of the used ring.
func BenchmarkPopPush(b *testing.B) {
	shapes := []struct {
		name     string
		readable []int
		writable []int
	}{
		{"R16", []int{16}, nil},
		{"linux-R72.R16.R16.W16.W1", []int{72, 16, 16}, []int{16, 1}},
		{"linux-R72.R16.R4096.W4096.W1", []int{72, 16, 4096}, []int{4096, 1}},
	}
	for _, sh := range shapes {
		for _, indirect := range []bool{false, true} {
			for _, batch := range []int{1, 32} {
				name := fmt.Sprintf("%s/indirect=%v/batch=%d", sh.name, indirect, batch)
				b.Run(name, func(b *testing.B) { benchPopPush(b, sh.readable, sh.writable, indirect, batch) })
			}
		}
	}
}

func benchPopPush(b *testing.B, rl, wl []int, indirect bool, batch int) {
	d, q := newPair(b, virtqtest.Config{Size: 256, MemSize: 4 << 20, Indirect: indirect})
	var readable [][]byte
	for _, n := range rl {
		readable = append(readable, make([]byte, n))
	}
	heads := make([]uint16, batch)
	for i := range heads {
		h, err := d.Add(readable, wl)
		if err != nil {
			b.Fatal(err)
		}
		heads[i] = h
	}
	mem := d.Memory()
	var c virtq.Chain
	hdr := make([]byte, 72)
	data := make([]byte, 4096)
	payload := 0
	if len(rl) > 0 {
		payload = rl[len(rl)-1]
	}
	reaped := 0
	reap := func(uint16, uint32) { reaped++ }
	round := func() {
		for range batch {
			ok, err := q.Pop(mem, &c)
			if !ok || err != nil {
				b.Fatal(ok, err)
			}
			r, w := c.Reader(), c.Writer()
			if st, err := w.CarveStatus(); err == nil {
				st[0] = 0
			}
			if len(rl) > 1 {
				_ = r.ReadFull(hdr)
				_ = r.Skip(rl[1])
			}
			n, _ := r.Read(data[:payload])
			_, _ = w.Write(data[:n])
			if err := q.Push(mem, c.Head(), uint32(c.WritableLen())); err != nil {
				b.Fatal(err)
			}
		}
		_, _ = q.NeedsNotify(mem)
		if _, err := d.Reap(reap); err != nil {
			b.Fatal(err)
		}
		for _, h := range heads {
			if err := d.Repost(h); err != nil {
				b.Fatal(err)
			}
		}
	}
	round()
	b.SetBytes(int64(payload * batch))
	b.ReportAllocs()
	for b.Loop() {
		round()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/chain")
}
