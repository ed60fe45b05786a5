package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCrossCore separates two suspects of the gap between raw crypto
// and the device at 4 and 64 KiB (docs/perf-analysis.md): the other vCPU
// being busy at all, and the data having just been written by the other
// vCPU (as the bench's frontend copies each request in and clears each
// output on its own core). It times only the crypto call, on a goroutine
// locked to its thread, over the same buffers in three set-ups, and
// reports the median time of one call (robust against the preemptions a
// shared machine causes) as crypto-ns/op and the matching crypto-MB/s:
//
//   - idle: nothing else runs; the buffers stay warm in this core's caches
//     (the raw baselines' situation);
//   - busy: a second locked thread clears its own 256 KiB buffer in a loop
//     (the other vCPU busy with memory traffic, no line shared);
//   - fresh: a second locked thread writes the source and clears the
//     destination of each buffer pair just before the crypto thread takes
//     it (8 pairs in rotation), as the frontend does.
//
// Run one at a time on an otherwise idle machine:
//
//	go test -run XX -bench CrossCore -count 6 ./internal/bench/
func BenchmarkCrossCore(b *testing.B) {
	key := pattern(16, 1)
	blk, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	gcm, err := cipher.NewGCM(blk)
	if err != nil {
		b.Fatal(err)
	}
	iv := pattern(16, 2)
	cbc := cipher.NewCBCEncrypter(blk, iv).(interface {
		cipher.BlockMode
		SetIV([]byte)
	})
	algs := []struct {
		name string
		fn   func(dst, src []byte)
	}{
		{"AES-128-GCM", func(dst, src []byte) { gcm.Seal(dst[:0], iv[:12], src, nil) }},
		{"AES-128-CBC", func(dst, src []byte) { cbc.SetIV(iv); cbc.CryptBlocks(dst[:len(src)], src) }},
	}
	for _, a := range algs {
		for _, size := range []int{4 << 10, 64 << 10} {
			for _, mode := range []string{"idle", "busy", "fresh"} {
				b.Run(fmt.Sprintf("%s/%s/%s", a.name, FormatSize(size), mode), func(b *testing.B) {
					crossCore(b, a.fn, size, mode)
				})
			}
		}
	}
}

func crossCore(b *testing.B, fn func(dst, src []byte), size int, mode string) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs two CPUs")
	}
	const pairs = 8
	src, dst := make([][]byte, pairs), make([][]byte, pairs)
	for i := range pairs {
		src[i], dst[i] = pattern(size, byte(i)), make([]byte, size+16)
	}
	// ready[i] is the generation the writer has prepared pair i for; the
	// crypto thread consumes generation g of pair g%pairs.
	var ready [pairs]atomic.Int64
	var consumed atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	if mode != "idle" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			own := make([]byte, 256<<10)
			for g := int64(1); !stop.Load(); {
				if mode == "busy" {
					clear(own)
					continue
				}
				// Stay at most pairs-1 generations ahead of the reader.
				if g-consumed.Load() >= pairs {
					runtime.Gosched()
					continue
				}
				i := g % pairs
				copy(src[i], own[:size])
				clear(dst[i])
				ready[i].Store(g)
				g++
			}
		}()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	times := make([]int64, 0, 1<<16)
	g := int64(1)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		i := g % pairs
		if mode == "fresh" {
			for ready[i].Load() < g {
			}
		}
		t0 := time.Now()
		fn(dst[i], src[i])
		if d := int64(time.Since(t0)); len(times) < cap(times) {
			times = append(times, d)
		}
		consumed.Store(g)
		g++
	}
	b.StopTimer()
	stop.Store(true)
	wg.Wait()
	slices.Sort(times)
	med := float64(times[len(times)/2])
	b.ReportMetric(med, "crypto-ns/op")
	b.ReportMetric(float64(size)/med*1e3, "crypto-MB/s")
}
