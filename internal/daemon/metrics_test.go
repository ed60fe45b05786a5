package daemon

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A metrics address that cannot be listened on is a start-up error that
// names the flag, and nothing is left listening.
func TestMetricsAddrErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, addr := range []string{"not an address", "127.0.0.1:99999", busy.Addr().String()} {
		path := filepath.Join(t.TempDir(), "s.sock")
		err := Run(context.Background(), Config{SocketPath: path, Queues: 1, MaxSessions: 1, MetricsAddr: addr})
		if err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
			t.Errorf("MetricsAddr %q: %v", addr, err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("MetricsAddr %q: socket created anyway", addr)
		}
	}
}

func TestSocketMode(t *testing.T) {
	for _, m := range []os.FileMode{0o700, 0o1660, 0o400, 0o200} {
		if err := Run(context.Background(), Config{SocketPath: "x", Queues: 1, MaxSessions: 1, SocketMode: m}); err == nil {
			t.Errorf("SocketMode %#o accepted", m)
		}
	}
	path := filepath.Join(t.TempDir(), "s.sock")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{SocketPath: path, Queues: 1, MaxSessions: 1, SocketMode: 0o660}) }()
	defer func() { cancel(); <-done }()
	for i := 0; ; i++ {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == 0o660 {
			return
		}
		if i > 500 {
			t.Fatal("socket with mode 0660 did not appear")
		}
		select {
		case err := <-done:
			t.Fatalf("Run: %v", err)
		default:
		}
		testingSleep()
	}
}

func testingSleep() { time.Sleep(10 * time.Millisecond) }
