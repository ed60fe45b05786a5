package vhostuser

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtiocrypto"
)

func eventfd(t testing.TB) int {
	t.Helper()
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func memfd(t testing.TB, size int64) int {
	t.Helper()
	fd, err := unix.MemfdCreate("test", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Ftruncate(fd, size); err != nil {
		t.Fatal(err)
	}
	return fd
}

func msg(r Request, payload []byte) []byte {
	return append(Header{Request: r, Flags: FlagVersion, Size: uint32(len(payload))}.Append(nil), payload...)
}

func u64(v uint64) []byte { return AppendU64(nil, v) }

// TestHostileFrontends sends one broken message (or sequence) per
// connection: each must make the backend log the reason and close the
// connection, releasing everything, while the server keeps accepting.
func TestHostileFrontends(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 1)
	ringSetup := func(f *Frontend) [][]byte {
		q := f.Queue(0)
		return [][]byte{
			msg(ReqSetVringNum, VringState{Num: q.size}.Append(nil)),
			msg(ReqSetVringAddr, VringAddr{Desc: q.va(q.descOff), Used: q.va(q.usedOff), Avail: q.va(q.availOff)}.Append(nil)),
		}
	}
	type step struct {
		b   []byte
		fds []int
	}
	cases := []struct {
		name  string
		steps func(f *Frontend) []step
		log   string // expected in the server log
	}{
		{"version 0", func(*Frontend) []step {
			return []step{{b: Header{Request: ReqGetFeatures}.Append(nil)}}
		}, "version 0"},
		{"reply flag from frontend", func(*Frontend) []step {
			return []step{{b: Header{Request: ReqGetFeatures, Flags: ReplyFlags}.Append(nil)}}
		}, "flags 0x5"},
		{"unknown request", func(*Frontend) []step { return []step{{b: msg(99, nil)}} }, "Request(99)"},
		{"unsupported request", func(*Frontend) []step { return []step{{b: msg(ReqSetLogBase, make([]byte, 16))}} }, "unsupported request SET_LOG_BASE"},
		{"payload too large", func(*Frontend) []step {
			return []step{{b: Header{Request: ReqSetFeatures, Flags: FlagVersion, Size: 1 << 20}.Append(nil)}}
		}, "exceeds"},
		{"short u64", func(*Frontend) []step { return []step{{b: msg(ReqSetFeatures, make([]byte, 4))}} }, "u64 payload of 4 bytes"},
		{"payload on GET_FEATURES", func(*Frontend) []step { return []step{{b: msg(ReqGetFeatures, u64(0))}} }, "8-byte payload"},
		{"features not offered", func(*Frontend) []step { return []step{{b: msg(ReqSetFeatures, u64(1<<40))}} }, "not offered"},
		{"fd on GET_FEATURES", func(*Frontend) []step {
			return []step{{b: msg(ReqGetFeatures, nil), fds: []int{eventfd(t)}}}
		}, "1 file descriptors (want 0)"},
		{"too many fds", func(*Frontend) []step {
			var fds []int
			for range 12 {
				fds = append(fds, eventfd(t))
			}
			return []step{{b: msg(ReqGetFeatures, nil), fds: fds}}
		}, "too many file descriptors"},
		{"mem table without fds", func(f *Frontend) []step {
			return []step{{b: msg(ReqSetMemTable, f.MemoryTable().Append(nil))}}
		}, "0 file descriptors (want 2)"},
		{"mem table with 9 regions", func(f *Frontend) []step {
			p := u64(9)
			return []step{{b: msg(ReqSetMemTable, append(p, make([]byte, 9*32)...))}}
		}, "file descriptors"},
		{"mem table of an eventfd", func(*Frontend) []step {
			tb := MemoryTable{Regions: []MemoryRegion{{GPA: 0, Size: 4096, UserAddr: 0x1000}}}
			return []step{{b: msg(ReqSetMemTable, tb.Append(nil)), fds: []int{eventfd(t)}}}
		}, "not a regular file"},
		{"mem table longer than its file", func(*Frontend) []step {
			tb := MemoryTable{Regions: []MemoryRegion{{GPA: 0, Size: 1 << 20, UserAddr: 0x1000, MmapOffset: 4096}}}
			return []step{{b: msg(ReqSetMemTable, tb.Append(nil)), fds: []int{memfd(t, 1<<20)}}}
		}, "shorter than"},
		{"overlapping regions", func(*Frontend) []step {
			r := MemoryRegion{GPA: 0, Size: 8192, UserAddr: 0x1000}
			tb := MemoryTable{Regions: []MemoryRegion{r, r}}
			return []step{{b: msg(ReqSetMemTable, tb.Append(nil)), fds: []int{memfd(t, 8192), memfd(t, 8192)}}}
		}, "overlapping"},
		{"kick without fd", func(*Frontend) []step { return []step{{b: msg(ReqSetVringKick, u64(0))}} }, "0 file descriptors (want 1)"},
		{"kick in polling mode", func(*Frontend) []step { return []step{{b: msg(ReqSetVringKick, u64(1<<8))}} }, "polling mode"},
		{"vring file with junk bits", func(*Frontend) []step { return []step{{b: msg(ReqSetVringCall, u64(1<<20))}} }, "undefined bits"},
		{"kick before ring setup", func(*Frontend) []step {
			return []step{{b: msg(ReqSetVringKick, u64(0)), fds: []int{eventfd(t)}}}
		}, "without SET_VRING_NUM"},
		{"kick before mem table", func(f *Frontend) []step {
			st := []step{}
			for _, b := range ringSetup(f) {
				st = append(st, step{b: b})
			}
			return append(st, step{b: msg(ReqSetVringKick, u64(0)), fds: []int{eventfd(t)}})
		}, "before SET_MEM_TABLE"},
		{"kick fd is a regular file", func(f *Frontend) []step {
			st := []step{{b: msg(ReqSetMemTable, f.MemoryTable().Append(nil)), fds: f.MemoryFDs()}}
			for _, b := range ringSetup(f) {
				st = append(st, step{b: b})
			}
			return append(st, step{b: msg(ReqSetVringKick, u64(0)), fds: []int{memfd(t, 8)}})
		}, "not pollable"},
		{"ring outside guest memory", func(f *Frontend) []step {
			return []step{
				{b: msg(ReqSetMemTable, f.MemoryTable().Append(nil)), fds: f.MemoryFDs()},
				{b: msg(ReqSetVringNum, VringState{Num: 256}.Append(nil))},
				{b: msg(ReqSetVringAddr, VringAddr{Desc: 0x10, Used: 0x1000, Avail: 0x2000}.Append(nil))},
				{b: msg(ReqSetVringKick, u64(0)), fds: []int{eventfd(t)}},
			}
		}, "not in any memory region"},
		{"misaligned ring", func(f *Frontend) []step {
			q := f.Queue(0)
			return []step{
				{b: msg(ReqSetMemTable, f.MemoryTable().Append(nil)), fds: f.MemoryFDs()},
				{b: msg(ReqSetVringNum, VringState{Num: q.size}.Append(nil))},
				{b: msg(ReqSetVringAddr, VringAddr{Desc: q.va(q.descOff) + 8, Used: q.va(q.usedOff), Avail: q.va(q.availOff)}.Append(nil))},
				{b: msg(ReqSetVringKick, u64(0)), fds: []int{eventfd(t)}},
			}
		}, "invalid queue configuration"},
		{"ring index out of range", func(*Frontend) []step {
			return []step{{b: msg(ReqSetVringNum, VringState{Index: 7, Num: 64}.Append(nil))}}
		}, "ring index 7"},
		{"ring size not a power of 2", func(*Frontend) []step {
			return []step{{b: msg(ReqSetVringNum, VringState{Num: 100}.Append(nil))}}
		}, "size 100"},
		{"vring base too large", func(*Frontend) []step {
			return []step{{b: msg(ReqSetVringBase, VringState{Num: 1 << 16}.Append(nil))}}
		}, "base 65536"},
		{"enable value 2", func(*Frontend) []step {
			return []step{{b: msg(ReqSetVringEnable, VringState{Num: 2}.Append(nil))}}
		}, "enable 2"},
		{"session without the protocol feature", func(*Frontend) []step {
			return []step{{b: msg(ReqCreateCryptoSession, make([]byte, SessionSizeLegacy))}}
		}, "not negotiated"},
		{"session payload of 100 bytes", func(*Frontend) []step {
			return []step{
				{b: msg(ReqSetProtocolFeatures, u64(ProtocolCryptoSession))},
				{b: msg(ReqCreateCryptoSession, make([]byte, 100))},
			}
		}, "crypto session payload of 100 bytes"},
		{"GET_CONFIG in cryptodev mode", func(*Frontend) []step {
			return []step{{b: msg(ReqGetConfig, ConfigPayload{Size: 4}.Append(nil))}}
		}, "not negotiated"},
		{"protocol features not offered", func(*Frontend) []step {
			return []step{{b: msg(ReqSetProtocolFeatures, u64(ProtocolConfig))}}
		}, "not offered"},
		{"vanishes mid-message", func(*Frontend) []step {
			m := msg(ReqSetFeatures, u64(0))
			return []step{{b: m[:15]}}
		}, "unexpected EOF"},
		{"vanishes mid-header", func(*Frontend) []step {
			return []step{{b: msg(ReqSetFeatures, u64(0))[:5]}}
		}, "unexpected EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := s.dial(t, FrontendConfig{Queues: 1})
			for _, st := range tc.steps(f) {
				if err := f.SendRaw(st.b, st.fds); err != nil {
					break // the backend may already have closed
				}
			}
			if tc.log == "unexpected EOF" {
				f.mc.uc.CloseWrite()
			}
			waitClosed(t, f)
			// The server logs the reason, and keeps serving.
			deadline := time.Now().Add(2 * time.Second)
			for !s.log.contains(tc.log) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if !s.log.contains(tc.log) {
				t.Errorf("server log lacks %q", tc.log)
			}
			g := s.dial(t, qemuConfig(1))
			if err := g.Handshake(); err != nil {
				t.Fatalf("next frontend: %v", err)
			}
			enc, dec := createCBCPair(t, g, LayoutQEMU71, sp80038aKey)
			checkCBC(t, g.Queue(0), enc, dec)
			g.Close()
			f.Close()
		})
	}
	s.stop(t)
}

// TestRandomGarbage throws random byte streams (with random descriptors)
// at the backend; it must close each connection and keep serving.
func TestRandomGarbage(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeDevice, 2)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 40 {
		f := s.dial(t, FrontendConfig{Queues: 1})
		n := 1 + rng.IntN(2000)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && n >= HeaderSize {
			// A plausible header, so that payload handlers run too.
			Header{Request: Request(1 + rng.IntN(40)), Flags: FlagVersion | uint32(rng.IntN(2))*FlagNeedReply, Size: uint32(n - HeaderSize)}.Append(b[:0])
		}
		var fds []int
		if i%3 == 0 {
			fds = []int{eventfd(t)}
		}
		f.SendRaw(b, fds)
		f.mc.uc.CloseWrite()
		// Drain replies until the backend closes.
		for {
			if _, _, err := f.ReadReply(); err != nil {
				break
			}
		}
		f.Close()
	}
	g := s.dial(t, FrontendConfig{Queues: 3, AckAllFeatures: true, SendEnable: true})
	if err := g.Handshake(); err != nil {
		t.Fatal(err)
	}
	g.Close()
	s.stop(t)
}

// TestStalledMessage: a frontend that sends half a message and stalls is
// dropped after the message timeout.
func TestStalledMessage(t *testing.T) {
	leakCheck(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	conns := make([]*net.UnixConn, 2)
	for i, fd := range fds {
		file := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(file)
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
	}
	defer conns[1].Close()
	log := &logSink{t: t}
	srv := &Server{
		Mode:           ModeCryptodev,
		NewDevice:      func() (*cryptodev.Device, error) { return cryptodev.New(testEngine, cryptodev.Options{}) },
		Logger:         slog.New(slog.NewTextHandler(log, nil)),
		MessageTimeout: 50 * time.Millisecond,
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeConn(context.Background(), conns[0]) }()
	conns[1].Write(msg(ReqSetFeatures, u64(0))[:14])
	select {
	case err := <-done:
		var nerr net.Error
		if !errors.As(err, &nerr) || !nerr.Timeout() {
			t.Errorf("ServeConn = %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stalled frontend not dropped")
	}
	conns[1].Close()
}

// TestShrunkMemory: a frontend truncates its memory file under the
// backend's mapping; the queue goroutine's access faults, which must end
// the connection, not the process.
func TestShrunkMemory(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, FrontendConfig{Queues: 1, Regions: 1})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, _ := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
	q := f.Queue(0)
	if _, err := q.Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT), []int{64, 1}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Ftruncate(f.regions[0].fd, 0); err != nil {
		t.Fatal(err)
	}
	unix.Write(q.kick, eventValue[:]) // Kick would touch the (now faulting) ring
	waitClosed(t, f)
	if !waitLog(s.log, "guest memory fault") {
		t.Errorf("no memory fault logged:\n%s", s.log.dump())
	}
	f.Close()
	// The server still serves.
	g := s.dial(t, qemuConfig(1))
	if err := g.Handshake(); err != nil {
		t.Fatal(err)
	}
	g.Close()
	s.stop(t)
}

func waitLog(l *logSink, sub string) bool {
	deadline := time.Now().Add(2 * time.Second)
	for !l.contains(sub) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return l.contains(sub)
}

// TestRingFault: a driver that moves the available index too far makes
// the ring unusable; the backend reports it once (log line, error eventfd),
// keeps the connection, and serves again once the driver repairs the index.
func TestRingFault(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, qemuConfig(1))
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	errFD := eventfd(t)
	if err := f.Send(Header{Request: ReqSetVringErr, Flags: FlagVersion}, VringFile{Index: 0}.Append(nil), []int{errFD}); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
	q := f.Queue(0)
	checkCBC(t, q, enc, dec)
	good := q.availIdx
	for range 3 {
		if err := guestmem.StoreU16Release(q.mem, q.availOff+2, good+uint16(q.size)+5); err != nil {
			t.Fatal(err)
		}
		unix.Write(q.kick, eventValue[:])
	}
	if !waitLog(s.log, "vhost-user ring fault") {
		t.Fatal("ring fault not logged")
	}
	var buf [8]byte
	pfd := []unix.PollFd{{Fd: int32(errFD), Events: unix.POLLIN}}
	if n, _ := unix.Poll(pfd, 2000); n != 1 {
		t.Fatal("error eventfd not signalled")
	}
	unix.Read(errFD, buf[:])
	// Repair and go on.
	guestmem.StoreU16Release(q.mem, q.availOff+2, good)
	checkCBC(t, q, enc, dec)
	if _, err := f.GetFeatures(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(s.log.dump(), "vhost-user ring fault"); n != 1 {
		t.Errorf("%d ring fault lines, want 1 per fault streak", n)
	}
}
