package bench

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// measureFloor measures an eventfd ping-pong for about d: this goroutine,
// locked to its thread, writes eventfd A and sleeps in poll(2) on eventfd
// B, as the bench's frontend does; a goroutine blocked in the Go runtime
// poller on A (as a queue worker blocks on its kick) writes B. No ring,
// no request: the latency floor of one request in flight.
func measureFloor(d time.Duration) (*Floor, error) {
	a, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("bench: eventfd: %w", err)
	}
	b, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(a)
		return nil, fmt.Errorf("bench: eventfd: %w", err)
	}
	defer unix.Close(b)
	kick := os.NewFile(uintptr(a), "floor-kick")
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var buf [8]byte
		for {
			if _, err := kick.Read(buf[:]); err != nil {
				return
			}
			unix.Write(b, one)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat []uint32
	var buf [8]byte
	fds := []unix.PollFd{{Fd: int32(b), Events: unix.POLLIN}}
	warm := time.Now().Add(min(d/5, 50*time.Millisecond))
	end := warm.Add(d)
	var ferr error
	for {
		t := time.Now()
		if t.After(end) || len(lat) >= 1<<20 {
			break
		}
		if _, err := unix.Write(a, one); err != nil {
			ferr = err
			break
		}
		for {
			n, err := unix.Poll(fds, 1000)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n == 0 {
				ferr = fmt.Errorf("bench: eventfd ping-pong: no answer (%v)", err)
			}
			break
		}
		if ferr != nil {
			break
		}
		unix.Read(b, buf[:])
		if t.After(warm) {
			lat = append(lat, uint32(min(time.Since(t), time.Duration(1<<32-1))))
		}
	}
	kick.Close()
	<-done
	if ferr != nil {
		return nil, ferr
	}
	p50, p99 := percentiles(lat)
	return &Floor{P50us: p50, P99us: p99, Samples: len(lat)}, nil
}
