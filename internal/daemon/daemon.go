// Package daemon wires vcrypto together and runs it: it builds the engine,
// listens on the vhost-user socket, serves one frontend at a time through
// internal/vhostuser with a fresh device model per connection, and shuts
// down cleanly when its context ends (SIGINT/SIGTERM in the main program).
//
// Concurrency: Run blocks until the context is cancelled or the listener
// fails; everything it starts has ended when it returns.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"slices"
	"syscall"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft"
	"vcrypto/internal/vhostuser"
)

// Config is what the command line sets.
type Config struct {
	// SocketPath is the vhost-user Unix socket to listen on.
	SocketPath string
	// Mode is "cryptodev" (QEMU's cryptodev-vhost-user: QEMU keeps the
	// control queue and config space) or "device" (a generic vhost-user
	// frontend hands over the whole device).
	Mode string
	// Queues is the number of data queues.
	Queues int
	// Engine names the crypto engine; "soft" is the only one.
	Engine string
	// MaxSessions bounds the live sessions per frontend.
	MaxSessions int
	// PollUS makes each queue worker poll its available ring for up to
	// PollUS microseconds after the last request before it re-enables
	// notifications and sleeps on the kick eventfd
	// (vhostuser.Server.Poll). 0: never poll.
	PollUS int
	// Logger receives the daemon's log lines.
	Logger *slog.Logger
	// MetricsAddr, when set, is the TCP address (HOST:PORT) on which GET
	// /metrics serves Prometheus metrics (internal/metrics); Run fails at
	// start-up when it cannot listen there.
	MetricsAddr string
	// SocketMode is the permission of the vhost-user socket file: 0 means
	// 0600; 0660 lets the daemon's group (a VMM running as another user in
	// that group) connect. Only read/write bits are allowed, and the owner
	// must have both.
	SocketMode os.FileMode

	// metricsListening, when set (tests), gets the metrics address once
	// the server listens.
	metricsListening func(net.Addr)
}

// Limits and defaults the command line shows.
const (
	MaxQueues          = cryptodev.MaxDataQueues
	DefaultMaxSessions = cryptodev.DefaultMaxSessions
	// MaxPollUS bounds Config.PollUS.
	MaxPollUS = int(vhostuser.MaxPoll / time.Microsecond)
	// DefaultPollUS is the command line's default --poll-us: long enough
	// to bridge a guest's turnaround between a completion and its next
	// request on this project's benchmark machine (docs/performance.md),
	// short enough that an idle queue costs at most that much CPU per
	// burst. (The zero Config never polls.)
	DefaultPollUS = 50
)

// Engines lists the engines Run accepts.
var Engines = []string{"soft"}

// NewEngine builds the named engine; its self-test runs first.
func NewEngine(name string) (engine.Engine, error) {
	switch name {
	case "", "soft":
		return soft.New()
	}
	return nil, fmt.Errorf("unknown engine %q (have: soft)", name)
}

func (c *Config) validate() (vhostuser.Mode, error) {
	if c.SocketPath == "" {
		return 0, errors.New("--socket-path is required")
	}
	if c.Queues < 1 || c.Queues > cryptodev.MaxDataQueues {
		return 0, fmt.Errorf("--queues %d out of range 1..%d", c.Queues, cryptodev.MaxDataQueues)
	}
	if c.MaxSessions < 1 {
		return 0, fmt.Errorf("--max-sessions %d must be positive", c.MaxSessions)
	}
	if c.SocketMode != 0 && (c.SocketMode&^0o666 != 0 || c.SocketMode&0o600 != 0o600) {
		return 0, fmt.Errorf("--socket-mode %#o: want read/write bits only, owner read/write included (0600, 0660)", c.SocketMode)
	}
	if c.PollUS < 0 || c.PollUS > MaxPollUS {
		return 0, fmt.Errorf("--poll-us %d out of range 0..%d", c.PollUS, MaxPollUS)
	}
	switch c.Mode {
	case "", "cryptodev":
		return vhostuser.ModeCryptodev, nil
	case "device":
		return vhostuser.ModeDevice, nil
	}
	return 0, fmt.Errorf("--mode %q: want cryptodev or device", c.Mode)
}

// Run serves frontends until ctx ends.
func Run(ctx context.Context, c Config) error {
	mode, err := c.validate()
	if err != nil {
		return err
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	eng, err := NewEngine(c.Engine)
	if err != nil {
		return err
	}
	var ms *metricsServer
	if c.MetricsAddr != "" {
		if ms, err = startMetrics(&c, log); err != nil {
			return err
		}
		defer ms.stop()
		log.Info("metrics listening", "addr", ms.Addr().String())
		if c.metricsListening != nil {
			c.metricsListening(ms.Addr())
		}
	}
	ln, err := Listen(c.SocketPath)
	if err != nil {
		return err
	}
	defer os.Remove(c.SocketPath)
	if c.SocketMode != 0 {
		if err := os.Chmod(c.SocketPath, c.SocketMode); err != nil {
			ln.Close()
			return fmt.Errorf("--socket-mode: %w", err)
		}
	}
	log.Info("listening", "socket", c.SocketPath, "mode", c.Mode, "queues", c.Queues, "engine", eng.Name(),
		"max_sessions", c.MaxSessions, "poll_us", c.PollUS)
	// REVISION_1 and stateless mode reach a driver only when it
	// negotiates the device's features itself (device mode).
	opts := cryptodev.Options{DataQueues: c.Queues, MaxSessions: c.MaxSessions, Logger: log,
		Revision1: mode == vhostuser.ModeDevice}
	srv := &vhostuser.Server{
		Mode: mode,
		NewDevice: func() (*cryptodev.Device, error) {
			return cryptodev.New(eng, opts)
		},
		Logger: log,
		Poll:   time.Duration(c.PollUS) * time.Microsecond,
	}
	if ms != nil {
		opts.Observer = ms.reg
		srv.OnConn = ms.fe.onConn
	}
	err = srv.Serve(ctx, ln)
	if ctx.Err() != nil {
		log.Info("shutting down")
		return nil
	}
	return err
}

// Listen creates the Unix socket with mode 0600. A stale socket file (no
// one accepts on it) is replaced; a live one is an error.
func Listen(path string) (*net.UnixListener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("%s: another process is serving this socket", path)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%s: checking for a live server: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("removing stale socket: %w", err)
		}
	}
	old := syscall.Umask(0o177)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// PrintAlgorithms writes every service and algorithm the named engine
// supports, one per line, as "SERVICE NAME (ID)" (asymmetric algorithms as
// "AKCIPHER NAME (ID)", then the ECDSA curves as "ECDSA curve NAME (ID)"),
// then the key length limits.
func PrintAlgorithms(w io.Writer, engineName string) error {
	eng, err := NewEngine(engineName)
	if err != nil {
		return err
	}
	c := eng.Capabilities()
	fmt.Fprintf(w, "engine %s\n", eng.Name())
	for _, a := range c.Cipher {
		fmt.Fprintf(w, "CIPHER %s (%d)\n", a, a)
	}
	for _, a := range c.Hash {
		fmt.Fprintf(w, "HASH %s (%d)\n", a, a)
	}
	for _, a := range c.MAC {
		fmt.Fprintf(w, "MAC %s (%d)\n", a, a)
	}
	for _, a := range c.AEAD {
		fmt.Fprintf(w, "AEAD %s (%d)\n", a, a)
	}
	for _, a := range c.AKCipher {
		fmt.Fprintf(w, "AKCIPHER %s (%d)\n", akName(a), a)
	}
	if slices.Contains(c.AKCipher, engine.ECDSA) {
		for _, cv := range c.Curves {
			fmt.Fprintf(w, "ECDSA curve %s (%d)\n", curveName(cv), cv)
		}
	}
	fmt.Fprintf(w, "max cipher key %d bytes, max auth key %d bytes\n", c.MaxCipherKeyLen, c.MaxAuthKeyLen)
	if len(c.AKCipher) > 0 {
		fmt.Fprintf(w, "max akcipher key %d bytes\n", cryptodev.MaxAkcipherKeyLen)
	}
	return nil
}

// akName names an asymmetric algorithm as the spec's table does.
func akName(a engine.AKCipherAlg) string {
	switch a {
	case engine.RSA:
		return "RSA"
	case engine.ECDSA:
		return "ECDSA"
	}
	return fmt.Sprintf("unknown(%d)", uint32(a))
}

// curveName names a VIRTIO_CRYPTO_CURVE_* value.
func curveName(c engine.Curve) string {
	switch c {
	case engine.CurveP192:
		return "NIST-P192"
	case engine.CurveP224:
		return "NIST-P224"
	case engine.CurveP256:
		return "NIST-P256"
	case engine.CurveP384:
		return "NIST-P384"
	case engine.CurveP521:
		return "NIST-P521"
	}
	return fmt.Sprintf("unknown(%d)", uint32(c))
}
