// Package bench is vcrypto's end-to-end benchmark (the "bench" subcommand
// of vhost-user-crypto): it drives a daemon through this project's
// vhost-user frontend over a real Unix socket, memfd guest memory, split
// rings and kick/call eventfds (the path QEMU uses), and measures the same
// algorithms and sizes on the raw soft engine and raw Go crypto in the
// same process, so that every ratio it reports is taken within one run.
//
// # What it owns
//
//   - The matrix (Config): algorithms × request sizes × requests in flight
//     per queue × data queues × daemon poll times, each cell bounded in
//     time; the daemon is started in-process on a temporary socket, or an
//     external one is given by its socket.
//   - The measurements of a cell (Cell): throughput, requests per second,
//     ratios to the raw baselines, p50/p99 latency, device CPU time per
//     request, heap allocations per request and notifications (kicks and
//     calls) per request; every completion is checked against raw Go
//     crypto.
//   - The control plane (Control): session create+destroy pairs per
//     second through the control queue (device mode) or vhost-user
//     messages 26/27 (cryptodev mode), and the eventfd ping-pong latency
//     floor (Floor).
//   - The setup time (Setup): SET_MEM_TABLE of a sparse 1 GiB memfd region
//     on a connection of its own, from the send to the REPLY_ACK.
//   - The outputs: a text table, JSON, and a dependency-free SVG plot of
//     throughput against size for the device and the raw baselines.
//
// # Method
//
// Each queue is driven by its own goroutine locked to an OS thread: it
// keeps InFlight requests available (a sliding window: each completion is
// replaced at once, one kick decision per refill, EVENT_IDX on both
// sides), sleeps in poll(2) on the call eventfd, and times each request
// from its Add to the Reap that collects it. A cell warms up for a fifth
// of its time (5..100 ms), measures for Config.CellTime, then drains.
// Device CPU time is the daemon process's CPU time (getrusage; for an
// external daemon /proc/<pid>/stat) minus the frontend threads' own
// (RUSAGE_THREAD); allocations are runtime.MemStats.Mallocs deltas
// (in-process daemon only). The raw baselines run on one goroutine:
// soft-engine session Do with a reused engine.Op, and the standard
// library / golang.org/x/crypto with every object a caller can keep
// across requests kept.
//
// # Concurrency
//
// Run is synchronous; it starts and ends its own goroutines (queue
// drivers, the in-process daemon, the floor's echo goroutine) and returns
// only after they have ended. Reports are plain values.
//
// # Specifications
//
// The requests are virtio-crypto data and control requests in the legacy
// framing the Linux driver uses (virtio v1.4 §5.9, "Crypto Device"),
// carried by split virtqueues (§2.7) with VIRTIO_F_EVENT_IDX (§2.7.7,
// §2.7.10) over vhost-user (QEMU docs/interop/vhost-user.rst).
package bench
