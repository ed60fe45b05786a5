package vhostuser

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft"
	"vcrypto/internal/virtiocrypto"
)

var testEngine = func() engine.Engine {
	e, err := soft.New()
	if err != nil {
		panic(err)
	}
	return e
}()

// NIST SP 800-38A (2001 edition), Appendix F.2.1 "CBC-AES128.Encrypt" and
// F.2.2 "CBC-AES128.Decrypt": key, IV, the four plaintext blocks and the
// four ciphertext blocks (transcribed from the publication; the same values
// are in Go's crypto/cipher cbc_aes_test.go, "NIST SP 800-38A pp 27-29").
var (
	sp80038aKey = unhex("2b7e151628aed2a6abf7158809cf4f3c")
	sp80038aIV  = unhex("000102030405060708090a0b0c0d0e0f")
	sp80038aPT  = unhex("6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
		"30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710")
	sp80038aCT = unhex("7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2" +
		"73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7")
)

func unhex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = fromHex(s[2*i])<<4 | fromHex(s[2*i+1])
	}
	return b
}

func fromHex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	panic("bad hex")
}

// cbcReference is Go's crypto/aes + crypto/cipher CBC, the reference the
// end-to-end tests compare against for sizes the published vector does not
// cover.
func cbcReference(t testing.TB, dir virtiocrypto.Direction, key, iv, in []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(in))
	if dir == virtiocrypto.OpEncrypt {
		cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, in)
	} else {
		cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, in)
	}
	return out
}

// testLogger writes to the test log (and keeps warnings to inspect).
type logSink struct {
	mu    sync.Mutex
	lines []string
	t     testing.TB
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.lines = append(s.lines, string(p))
	s.mu.Unlock()
	return len(p), nil
}

func (s *logSink) contains(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func (s *logSink) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "")
}

// server is a running Server on a temporary socket.
type server struct {
	path   string
	cancel context.CancelFunc
	done   chan error
	log    *logSink
	mu     sync.Mutex
	devs   []*cryptodev.Device
}

func startServer(t testing.TB, mode Mode, dataQueues int) *server {
	t.Helper()
	return startPollingServer(t, mode, dataQueues, 0)
}

// startPollingServer is startServer with Server.Poll set.
func startPollingServer(t testing.TB, mode Mode, dataQueues int, poll time.Duration) *server {
	t.Helper()
	return startServerOpts(t, mode, cryptodev.Options{DataQueues: dataQueues}, poll)
}

// startServerWith is startServer with the devices' options.
func startServerWith(t testing.TB, mode Mode, opts cryptodev.Options) *server {
	t.Helper()
	return startServerOpts(t, mode, opts, 0)
}

// device returns the device of the latest connection.
func (s *server) device(t testing.TB) *cryptodev.Device {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.devs) == 0 {
		t.Fatal("no device created")
	}
	return s.devs[len(s.devs)-1]
}

func startServerOpts(t testing.TB, mode Mode, opts cryptodev.Options, poll time.Duration) *server {
	t.Helper()
	dir, err := os.MkdirTemp("", "vu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &server{path: filepath.Join(dir, "s"), done: make(chan error, 1), log: &logSink{t: t}}
	l, err := net.Listen("unix", s.path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	srv := &Server{
		Mode: mode,
		NewDevice: func() (*cryptodev.Device, error) {
			d, err := cryptodev.New(testEngine, opts)
			if err == nil {
				s.mu.Lock()
				s.devs = append(s.devs, d)
				s.mu.Unlock()
			}
			return d, err
		},
		Logger:         slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MessageTimeout: 2 * time.Second,
		Poll:           poll,
	}
	go func() { s.done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() || testing.Verbose() {
			t.Logf("server log:\n%s", s.log.dump())
		}
	})
	return s
}

func (s *server) stop(t testing.TB) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func (s *server) dial(t testing.TB, cfg FrontendConfig) *Frontend {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	f, err := Dial(s.path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// qemuConfig is a frontend that behaves like QEMU 7.2's cryptodev with a
// Linux guest: only PROTOCOL_FEATURES acknowledged, EVENT_IDX and
// indirect descriptors used anyway, no SET_VRING_ENABLE.
func qemuConfig(queues int) FrontendConfig {
	return FrontendConfig{Queues: queues, EventIdx: true, Indirect: true, QueueSize: 1024}
}

// waitClosed waits until the backend closes the connection: a read
// returns EOF (or a reset).
func waitClosed(t testing.TB, f *Frontend) {
	t.Helper()
	for {
		h, _, err := f.ReadReply()
		if err == nil {
			t.Logf("unexpected reply %v while waiting for close", h.Request)
			continue
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err) {
			return
		}
		t.Fatalf("waiting for the backend to close: %v", err)
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// cipherRequest builds a legacy-framed CIPHER data request: header + IV +
// source, to be completed with writable [len(src), 1].
func cipherRequest(op virtiocrypto.Opcode, sid uint64, iv, src []byte) [][]byte {
	r := virtiocrypto.DataRequest{
		Header: virtiocrypto.DataHeader{Opcode: op, SessionID: sid},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
			IVLen: uint32(len(iv)), SrcDataLen: uint32(len(src)), DstDataLen: uint32(len(src)),
		}},
	}
	return [][]byte{r.Append(nil, 0), iv, src}
}

// doCipher runs one cipher request on q and returns dst and the status.
func doCipher(t testing.TB, q *FrontendQueue, op virtiocrypto.Opcode, sid uint64, iv, src []byte) ([]byte, virtiocrypto.Status) {
	t.Helper()
	if _, err := q.Submit(cipherRequest(op, sid, iv, src), []int{len(src), 1}); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%d completions", len(cs))
	}
	w := cs[0].Writable
	if len(w) != len(src)+1 {
		t.Fatalf("writable part of %d bytes", len(w))
	}
	return w[:len(src)], virtiocrypto.Status(w[len(src)])
}

// checkCBC encrypts the SP 800-38A vector through session enc and decrypts
// it through session dec on q.
func checkCBC(t testing.TB, q *FrontendQueue, enc, dec uint64) {
	t.Helper()
	ct, st := doCipher(t, q, virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
	if st != virtiocrypto.StatusOK || !bytes.Equal(ct, sp80038aCT) {
		t.Fatalf("queue %d encrypt: status %v, got %x want %x", q.Index(), st, ct, sp80038aCT)
	}
	pt, st := doCipher(t, q, virtiocrypto.OpcodeCipherDecrypt, dec, sp80038aIV, sp80038aCT)
	if st != virtiocrypto.StatusOK || !bytes.Equal(pt, sp80038aPT) {
		t.Fatalf("queue %d decrypt: status %v, got %x want %x", q.Index(), st, pt, sp80038aPT)
	}
}

// resources counts goroutines and open descriptors, to check that a test
// leaves none behind.
type resources struct{ goroutines, fds int }

func countResources(t testing.TB) resources {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return resources{runtime.NumGoroutine(), len(ents)}
}

// leakCheck registers a cleanup, run after every cleanup registered later
// (servers, frontends, descriptors), that checks the test left no goroutine
// or descriptor behind.
func leakCheck(t testing.TB) {
	t.Helper()
	before := countResources(t)
	t.Cleanup(func() { checkNoLeaks(t, before) })
}

// checkNoLeaks waits (briefly) for goroutines and descriptors to return to
// the counts in before.
func checkNoLeaks(t testing.TB, before resources) {
	t.Helper()
	var now resources
	for range 200 {
		now = countResources(t)
		if now.goroutines <= before.goroutines && now.fds <= before.fds {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	t.Errorf("leak: goroutines %d -> %d, fds %d -> %d\n%s", before.goroutines, now.goroutines, before.fds, now.fds, buf[:n])
}
