package daemon

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vcrypto/internal/vhostuser"
	"vcrypto/internal/virtiocrypto"
)

func TestListenSocketMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want 0600", fi.Mode().Perm())
	}
	// A live socket is an error.
	if l2, err := Listen(path); err == nil {
		l2.Close()
		t.Fatal("second Listen on a live socket succeeded")
	}
}

func TestListenReplacesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // leaves the file: no one accepts on it any more
	if _, err := os.Stat(path); err != nil {
		t.Fatal("socket file gone; the test needs a stale one")
	}
	ln2, err := Listen(path)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	ln2.Close()
}

func TestListenRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ln, err := Listen(path); err == nil {
		ln.Close()
		t.Fatal("Listen replaced a regular file")
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{
		{Queues: 1, MaxSessions: 1},
		{SocketPath: "x", Queues: 0, MaxSessions: 1},
		{SocketPath: "x", Queues: MaxQueues + 1, MaxSessions: 1},
		{SocketPath: "x", Queues: 1, MaxSessions: 0},
		{SocketPath: "x", Queues: 1, MaxSessions: 1, Mode: "bogus"},
		{SocketPath: "x", Queues: 1, MaxSessions: 1, Engine: "bogus"},
		{SocketPath: "x", Queues: 1, MaxSessions: 1, PollUS: -1},
		{SocketPath: "x", Queues: 1, MaxSessions: 1, PollUS: MaxPollUS + 1},
	} {
		if err := Run(context.Background(), c); err == nil {
			t.Errorf("Run(%+v) succeeded", c)
		}
	}
}

// TestRunServesAndShutsDown runs the daemon, drives it with the Go
// frontend through its socket in cryptodev mode (NIST SP 800-38A F.2.1,
// CBC-AES128 encrypt), then cancels the context: Run returns nil, the
// socket is removed, and no goroutine is left behind. It does so with
// sleeping queue workers and with polling ones (PollUS).
func TestRunServesAndShutsDown(t *testing.T) {
	for _, poll := range []int{0, 500} {
		t.Run(fmt.Sprintf("poll-us=%d", poll), func(t *testing.T) { runServesAndShutsDown(t, poll) })
	}
}

func runServesAndShutsDown(t *testing.T, pollUS int) {
	before := runtime.NumGoroutine()
	path := filepath.Join(t.TempDir(), "d.sock")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{SocketPath: path, Mode: "cryptodev", Queues: 1, Engine: "soft", MaxSessions: 16, PollUS: pollUS})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon did not start listening")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f, err := vhostuser.Dial(path, vhostuser.FrontendConfig{Queues: 1, EventIdx: true, Indirect: true, QueueSize: 256})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	unhex := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	key := unhex("2b7e151628aed2a6abf7158809cf4f3c")
	iv := unhex("000102030405060708090a0b0c0d0e0f")
	pt := unhex("6bc1bee22e409f96e93d7e117393172a")
	want := unhex("7649abac8119b246cee98e9b12e9197d")
	s, err := vhostuser.CipherSession(vhostuser.LayoutQEMU71, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, key)
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.CreateSession(s)
	if err != nil || id < 0 {
		t.Fatalf("CreateSession: %d, %v", id, err)
	}
	req := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: uint64(id)},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 16, DstDataLen: 16}}}
	q := f.Queue(0)
	if _, err := q.Submit([][]byte{req.Append(nil, 0), iv, pt}, []int{16, 1}); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil || len(cs) != 1 {
		t.Fatalf("completions %v, %v", cs, err)
	}
	if w := cs[0].Writable; len(w) != 17 || w[16] != byte(virtiocrypto.StatusOK) || !bytes.Equal(w[:16], want) {
		t.Fatalf("result %x", cs[0].Writable)
	}
	f.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left (had %d):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestPrintAlgorithms(t *testing.T) {
	var b bytes.Buffer
	if err := PrintAlgorithms(&b, "soft"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CIPHER AES-CBC (3)", "HASH SHA-256 (4)", "MAC HMAC-SHA-256 (4)", "AEAD AES-GCM (1)", "CIPHER ZUC-EEA3 (14)",
		"AKCIPHER RSA (1)", "AKCIPHER ECDSA (2)", "ECDSA curve NIST-P256 (3)", "ECDSA curve NIST-P521 (5)", "max akcipher key 16384 bytes"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "CBCMAC-KASUMI-F9") {
		t.Error("CBCMAC-KASUMI-F9 listed though unsupported")
	}
}
