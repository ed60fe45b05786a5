// Command vhost-user-crypto is vcrypto's vhost-user backend: a
// virtio-crypto device (virtio device ID 20) served to a VMM such as QEMU
// over a Unix socket. Run it with --help for the manual.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"vcrypto/internal/daemon"
)

// manualHead and manualTail frame the OPTIONS section, which the flag set
// prints itself (so that every flag is in --help; main_test.go checks it).
const manualHead = `NAME
    vhost-user-crypto - virtio-crypto device served over vhost-user

SYNOPSIS
    vhost-user-crypto --socket-path PATH [--mode cryptodev|device] [--queues N]
                      [--engine soft] [--max-sessions N] [--poll-us N]
                      [--socket-mode MODE] [--metrics-addr HOST:PORT]
                      [--log-level debug|info|warn|error]
    vhost-user-crypto algorithms [--engine soft]
    vhost-user-crypto bench [--help] [options]

DESCRIPTION
    Listens on the Unix socket PATH (created with mode 0600, or
    --socket-mode; a stale socket file is replaced, a live one is an error)
    and serves one vhost-user frontend at a time. When a frontend
    disconnects, its mappings, eventfds, sessions and goroutines are
    released and the next one is accepted. Start the daemon before the VMM:
    QEMU connects to the socket at start-up.

    Modes:
    cryptodev  (default) For QEMU's -object cryptodev-vhost-user with
               -device virtio-crypto-pci: QEMU keeps the control queue and
               the config space and forwards session create/close as
               vhost-user messages; the daemon serves the data queues.
    device     For a generic vhost-user frontend that hands over the whole
               device: config space (GET_CONFIG), the control queue and all
               data queues.

    Polling: --poll-us N keeps each queue worker polling its available
    ring, with the driver's kicks suppressed, for up to N microseconds
    after the last request before it re-enables kicks and sleeps on the
    kick eventfd. It halves the latency of one request in flight and lets
    the worker pick up a guest's next requests without a wake-up, at the
    price of up to N µs of CPU after each burst. 0 never polls; the
    default is 50.

    Logging: one line per event on standard error (logfmt). Guest-caused
    errors (bad requests, refused sessions) log at debug level, so that a
    hostile guest cannot flood the log at the default level. Key material
    and request data are never logged.

OPTIONS
`

const manualTail = `
SUBCOMMANDS
    algorithms  Print every service and algorithm the engine supports, one
                per line, and exit.
    bench       Run the end-to-end benchmark; "vhost-user-crypto bench
                --help" describes it.

EXAMPLES
    Serve QEMU's cryptodev-vhost-user (start the daemon first):
        vhost-user-crypto --socket-path /run/vhost-user-crypto/crypto0.sock
        qemu-system-x86_64 -M q35,memory-backend=mem -m 1G \
            -object memory-backend-memfd,id=mem,size=1G,share=on \
            -chardev socket,id=vc0,path=/run/vhost-user-crypto/crypto0.sock \
            -object cryptodev-vhost-user,id=cryp0,chardev=vc0 \
            -device virtio-crypto-pci,id=crypto0,cryptodev=cryp0 ...

    Hand the whole device to the daemon, two data queues, with metrics:
        vhost-user-crypto --socket-path /tmp/vc.sock --mode device \
            --queues 2 --metrics-addr 127.0.0.1:9464

    Let a VMM running as another user of the daemon's group connect:
        vhost-user-crypto --socket-path /run/vhost-user-crypto/crypto0.sock \
            --socket-mode 0660

    List the algorithms:
        vhost-user-crypto algorithms

METRICS
    With --metrics-addr HOST:PORT, GET http://HOST:PORT/metrics serves
    Prometheus metrics (text exposition format 0.0.4). Labels use the
    specification's names: service="CIPHER", algorithm="AES_CBC" (a chained
    session: "AES_CBC+HMAC_SHA_256"), status="OK", "BADMSG", "ERR", ...;
    queue is the virtqueue index. Ids a guest makes up are counted as
    "unknown"; nothing a guest sends can add label values.
        vcrypto_requests_total{queue,service,algorithm,status}
        vcrypto_request_bytes_total{queue,service,algorithm,status}
        vcrypto_request_duration_seconds{queue,service} (histogram)
        vcrypto_session_operations_total{operation,service,status}
        vcrypto_sessions, vcrypto_frontends_connected,
        vcrypto_frontend_connections_total, vcrypto_max_sessions,
        vcrypto_data_queues, vcrypto_build_info, process_start_time_seconds
    Errors are requests with status other than OK. Bind to a loopback or
    management address: the endpoint has no authentication.

SIGNALS
    SIGINT, SIGTERM  Stop accepting, close the current connection (its
                     sessions are destroyed and their keys wiped), stop
                     the metrics server, remove the socket file and exit 0.

EXIT STATUS
    0  Stopped by SIGINT or SIGTERM, or --help.
    1  A start-up failure (an option value out of range or missing, such
       as --socket-path; the socket or the metrics address cannot be
       listened on; the engine's self-test failed) or a listener failure.
    2  The command line cannot be parsed (unknown flag, malformed value,
       stray argument).

FILES
    PATH (--socket-path)
        The vhost-user socket; removed on exit. Under systemd,
        /run/vhost-user-crypto/ (RuntimeDirectory=) holds it; see
        contrib/systemd/vhost-user-crypto.service.
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
	fs := newFlags(&c, &level)
	fs.Parse(os.Args[1:])
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		fmt.Fprintln(os.Stderr, "vhost-user-crypto: --log-level:", err)
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "vhost-user-crypto: unexpected argument %q (see --help)\n", fs.Arg(0))
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

// newFlags defines the daemon's command line on a new flag set (exiting on
// errors, 0 for --help) whose usage is the manual.
func newFlags(c *daemon.Config, level *string) *flag.FlagSet {
	fs := flag.NewFlagSet("vhost-user-crypto", flag.ExitOnError)
	fs.StringVar(&c.SocketPath, "socket-path", "", "vhost-user Unix socket to listen on (required)")
	fs.StringVar(&c.Mode, "mode", "cryptodev", "cryptodev or device")
	fs.IntVar(&c.Queues, "queues", 1, fmt.Sprintf("number of data queues (1..%d)", daemon.MaxQueues))
	fs.StringVar(&c.Engine, "engine", "soft", "crypto engine (soft: the built-in Go engine)")
	fs.IntVar(&c.MaxSessions, "max-sessions", daemon.DefaultMaxSessions, "live sessions per frontend; one more gives NOSPC")
	fs.IntVar(&c.PollUS, "poll-us", daemon.DefaultPollUS, fmt.Sprintf("poll each ring for up to N µs after the last request before sleeping (0..%d; 0: never)", daemon.MaxPollUS))
	fs.Func("socket-mode", "permission of the socket file, octal `MODE`: 0600 (default) or 0660 to let the daemon's group connect", func(s string) error {
		m, err := strconv.ParseUint(s, 8, 32)
		if err != nil {
			return fmt.Errorf("want an octal mode such as 0660")
		}
		c.SocketMode = os.FileMode(m)
		return nil
	})
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics on `HOST:PORT` at /metrics (default: off)")
	fs.StringVar(level, "log-level", "info", "debug, info, warn or error (guest-caused errors log at debug)")
	fs.Usage = func() { usage(fs.Output(), fs) }
	return fs
}

// usage writes the manual with fs's options.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, manualHead)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
	fmt.Fprint(w, manualTail)
}
