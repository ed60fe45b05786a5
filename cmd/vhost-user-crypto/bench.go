package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"vcrypto/internal/bench"
	"vcrypto/internal/daemon"
)

const benchManual = `NAME
    vhost-user-crypto bench - end-to-end benchmark of the device

SYNOPSIS
    vhost-user-crypto bench [--mode device|cryptodev] [--alg LIST] [--sizes LIST]
                            [--inflight LIST] [--queues LIST] [--driver LIST]
                            [--poll-us LIST]
                            [--cell-time D] [--socket-path PATH [--pid PID]]
                            [--json FILE] [--plot FILE.svg] [--direct]
                            [--no-raw] [--no-control] [--no-floor] [--cpuprofile FILE]

DESCRIPTION
    Drives a daemon through vcrypto's own vhost-user frontend over a real
    socket, memfd guest memory, split rings and eventfds (the path QEMU
    uses). Without --socket-path it starts the daemon in this process on a
    temporary socket, once per --poll-us value; with it, it drives the
    daemon listening there (start it with the same --mode and at least as
    many --queues).

    For every algorithm and size it also measures the raw soft engine and
    raw Go crypto on one core of this process, and prints per cell: MB/s,
    thousands of requests/s, the ratio to the raw engine (×eng) and to raw
    Go (×go), the CPU ratio (cpu×: raw engine time per request / device CPU
    time per request), p50/p99 latency, device CPU ns per request,
    allocations per request (in-process daemon) and kicks and calls per
    request. Every completion is checked against raw Go crypto (column ok).
    Then the control plane (session create+destroy pairs per second), queue
    scaling, the eventfd ping-pong floor, and the setup time: SET_MEM_TABLE
    of 1 GiB (a sparse memfd) from the send to the REPLY_ACK. Progress goes to stderr, the
    table to stdout.

    Lists are comma-separated. Sizes take K/KiB and M/MiB suffixes.

OPTIONS
`

func benchMain(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var cfg bench.Config
	algs := fs.String("alg", "all", "algorithms: "+strings.Join(bench.Algorithms(), ", ")+", or all")
	sizes := fs.String("sizes", "64,1K,4K,64K", "request data sizes")
	inflight := fs.String("inflight", "1,16,64", "requests in flight per queue")
	queues := fs.String("queues", "1,2", "numbers of data queues driven at once")
	drivers := fs.String("driver", "sleep,poll", "how the frontend waits for completions: sleep (on the call eventfd, like the Linux driver) and/or poll (the used ring, like DPDK)")
	polls := fs.String("poll-us", fmt.Sprintf("0,%d", daemon.DefaultPollUS), "daemon poll times in µs (in-process daemon; the matrix runs for each)")
	fs.StringVar(&cfg.Mode, "mode", "device", "device (sessions through the control queue) or cryptodev (vhost-user session messages; ciphers only)")
	fs.DurationVar(&cfg.CellTime, "cell-time", bench.DefaultCellTime, "measured time of each cell (plus a warm-up of a fifth of it)")
	fs.StringVar(&cfg.SocketPath, "socket-path", "", "drive the daemon listening on this socket instead of an in-process one")
	fs.IntVar(&cfg.PID, "pid", 0, "the external daemon's process id, for its CPU time (default: the socket's peer)")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	plotPath := fs.String("plot", "", "also draw throughput against size as SVG to this file")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (frontend, daemon and baselines) to this file")
	fs.BoolVar(&cfg.Direct, "direct", false, "direct descriptor chains instead of indirect tables")
	fs.BoolVar(&cfg.NoRaw, "no-raw", false, "skip the raw engine and Go baselines")
	fs.BoolVar(&cfg.NoControl, "no-control", false, "skip the control-plane and setup (SET_MEM_TABLE of 1 GiB) measurements")
	fs.BoolVar(&cfg.NoFloor, "no-floor", false, "skip the eventfd ping-pong floor")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchManual)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "vhost-user-crypto bench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var err error
	if cfg.Algorithms, err = bench.ParseAlgorithms(*algs); err == nil {
		if cfg.Sizes, err = bench.ParseSizes(*sizes); err == nil {
			if cfg.InFlight, err = bench.ParseInts(*inflight); err == nil {
				if cfg.Queues, err = bench.ParseInts(*queues); err == nil {
					if cfg.PollUS, err = bench.ParseInts(*polls); err == nil {
						cfg.Drivers, err = bench.ParseDrivers(*drivers)
					}
				}
			}
		}
	}
	pollSet := false
	fs.Visit(func(f *flag.Flag) { pollSet = pollSet || f.Name == "poll-us" })
	if cfg.SocketPath != "" && !pollSet {
		cfg.PollUS = nil // the external daemon polls as it was started
	}
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vhost-user-crypto bench:", err)
		return 2
	}
	cfg.Progress = os.Stderr
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vhost-user-crypto bench: --cpuprofile:", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, runErr := bench.Run(ctx, cfg)
	status := 0
	if runErr != nil {
		fmt.Fprintln(os.Stderr, "vhost-user-crypto bench:", runErr)
		status = 1
	}
	if rep == nil {
		return status
	}
	if err := rep.WriteTable(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vhost-user-crypto bench:", err)
		status = 1
	}
	write := func(path string, w func(*os.File) error) {
		if path == "" {
			return
		}
		f, err := os.Create(path)
		if err == nil {
			err = w(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vhost-user-crypto bench:", err)
			status = 1
		}
	}
	write(*jsonPath, func(f *os.File) error { return rep.WriteJSON(f) })
	write(*plotPath, func(f *os.File) error { return rep.WriteSVG(f) })
	return status
}
