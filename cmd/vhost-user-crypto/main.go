// Command vhost-user-crypto is vcrypto's vhost-user backend: a
// virtio-crypto device (virtio device ID 20) served to a VMM such as QEMU
// over a Unix socket. Run it with --help for the manual.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"vcrypto/internal/daemon"
)

const manual = `NAME
    vhost-user-crypto - virtio-crypto device served over vhost-user

SYNOPSIS
    vhost-user-crypto --socket-path PATH [--mode cryptodev|device] [--queues N]
                      [--engine soft] [--max-sessions N] [--poll-us N]
                      [--log-level debug|info|warn|error]
    vhost-user-crypto algorithms [--engine soft]
    vhost-user-crypto bench [--help] [options]

DESCRIPTION
    Listens on the Unix socket PATH (created with mode 0600; a stale socket
    file is replaced, a live one is an error) and serves one vhost-user
    frontend at a time. When a frontend disconnects, its mappings, eventfds,
    sessions and goroutines are released and the next one is accepted.
    SIGINT and SIGTERM shut the daemon down cleanly.

MODES
    cryptodev  (default) For QEMU's -object cryptodev-vhost-user with
               -device virtio-crypto-pci: QEMU keeps the control queue and
               the config space and forwards session create/close as
               vhost-user messages; the daemon serves the data queues.
    device     For a generic vhost-user frontend that hands over the whole
               device: config space (GET_CONFIG), the control queue and all
               data queues.

POLLING
    --poll-us N keeps each queue worker polling its available ring, with the
    driver's kicks suppressed, for up to N microseconds after the last
    request before it re-enables kicks and sleeps on the kick eventfd. It
    halves the latency of one request in flight and lets the worker pick up
    a guest's next requests without a wake-up, at the price of up to N µs
    of CPU after each burst. 0 never polls; the default is 50.

BENCHMARK
    "vhost-user-crypto bench --help" describes the end-to-end benchmark.

OPTIONS
`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		os.Exit(benchMain(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "algorithms" {
		fs := flag.NewFlagSet("algorithms", flag.ExitOnError)
		eng := fs.String("engine", "soft", "crypto engine")
		fs.Parse(os.Args[2:])
		if err := daemon.PrintAlgorithms(os.Stdout, *eng); err != nil {
			fmt.Fprintln(os.Stderr, "vhost-user-crypto:", err)
			os.Exit(1)
		}
		return
	}
	var c daemon.Config
	var level string
	flag.StringVar(&c.SocketPath, "socket-path", "", "vhost-user Unix socket to listen on (required)")
	flag.StringVar(&c.Mode, "mode", "cryptodev", "cryptodev or device")
	flag.IntVar(&c.Queues, "queues", 1, fmt.Sprintf("number of data queues (1..%d)", daemon.MaxQueues))
	flag.StringVar(&c.Engine, "engine", "soft", "crypto engine (soft: the built-in Go engine)")
	flag.IntVar(&c.MaxSessions, "max-sessions", daemon.DefaultMaxSessions, "live sessions per frontend; one more gives NOSPC")
	flag.IntVar(&c.PollUS, "poll-us", daemon.DefaultPollUS, fmt.Sprintf("poll each ring for up to N µs after the last request before sleeping (0..%d; 0: never)", daemon.MaxPollUS))
	flag.StringVar(&level, "log-level", "info", "debug, info, warn or error (guest-caused errors log at debug)")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), manual)
		flag.PrintDefaults()
	}
	flag.Parse()
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		fmt.Fprintln(os.Stderr, "vhost-user-crypto: --log-level:", err)
		os.Exit(2)
	}
	c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := daemon.Run(ctx, c); err != nil {
		c.Logger.Error("vhost-user-crypto stopped", "err", err)
		os.Exit(1)
	}
}
