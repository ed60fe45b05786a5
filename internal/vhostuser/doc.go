// Package vhostuser is vcrypto's vhost-user transport: the message codec,
// file-descriptor passing over a Unix socket, the backend (server) state
// machine that serves a virtio-crypto device to one frontend at a time, and a
// frontend (client) that plays the VMM for tests and benchmarks.
//
// # What it owns
//
//   - The wire format of vhost-user messages (message.go, session.go): a
//     12-byte header {request, flags, size} and a payload, all in host-native
//     byte order, decoded and encoded with explicit length checks. That
//     includes the three layouts QEMU has used for CREATE_CRYPTO_SESSION
//     (≤ 7.0, 7.1–8.0: 632 bytes; ≥ 8.1: 1072 bytes), told apart by size and,
//     for the two 632-byte ones, by the padding byte at offset 36. Only the
//     1072-byte layout carries AKCIPHER sessions (op_code 0x404,
//     CryptoDevBackendAsymSessionInfo and up to 1024 key bytes); those are
//     created like the control queue's, and the older layouts answer
//     NOTSUPP for them.
//   - The socket (socket.go): recvmsg/sendmsg with SCM_RIGHTS and
//     MSG_CMSG_CLOEXEC. Every received descriptor that a handler does not keep
//     is closed, on every path.
//   - The backend (backend.go, ring.go, server.go): one connection at a
//     time; per connection the negotiated features, the guest memory table
//     (guestmem.Table, mapped with guestmem.MapFD), one goroutine per
//     started ring, and one cryptodev.Device created for the connection and
//     closed with it.
//   - The frontend (frontend.go, frontring.go): memfd guest memory shared with
//     SET_MEM_TABLE, split rings built in it, kick and call eventfds, helpers
//     to submit descriptor chains and collect completions (Call: one request
//     and its used length) (the buffer arena
//     of a queue is reused as a ring, so a driver can keep requests in
//     flight indefinitely; used buffer notifications can be turned off for
//     a polling driver), crypto session messages in all three layouts
//     (CipherSession, AkcipherSession), and GET_CONFIG.
//
// # Modes
//
// ModeCryptodev serves QEMU's "-object cryptodev-vhost-user": QEMU keeps the
// control queue and the config space, forwards session creation and
// destruction as CREATE_CRYPTO_SESSION (26) and CLOSE_CRYPTO_SESSION (27), and
// hands over the data queues 0..N-1. ModeDevice serves a frontend that hands
// over the whole device (QEMU's generic vhost-user device, crosvm, or the
// frontend of this package): data queues 0..N-1, the control queue N, and the
// config space through GET_CONFIG.
//
// The crypto feature bits (VIRTIO_CRYPTO_F_REVISION_1 and the STATELESS_MODE
// bits, device bits 0..23) are offered in GET_FEATURES only in ModeDevice,
// and only those the device offers (cryptodev.Options.Revision1); the
// acknowledged ones go to cryptodev.Device.SetFeatures on SET_FEATURES. A
// SET_FEATURES the device refuses (a stateless bit without REVISION_1), or
// one that changes the crypto bits while a ring runs, ends the connection.
//
// # QEMU behaviour the backend accommodates
//
// (From research/qemu-vhost-user-crypto.md, observed with QEMU 7.2.)
//
//   - QEMU's cryptodev sends only VHOST_USER_F_PROTOCOL_FEATURES in
//     SET_FEATURES while the guest negotiates EVENT_IDX and INDIRECT_DESC.
//     The rings therefore always accept indirect descriptors and always
//     write avail_event (virtq does both); used_event is only trusted for the
//     notification decision when SET_FEATURES acknowledged EVENT_IDX,
//     otherwise the available ring's NO_INTERRUPT flag decides (at worst an
//     extra interrupt).
//   - QEMU never sends SET_VRING_ENABLE for crypto: a ring is served as soon
//     as SET_VRING_KICK starts it (rings start enabled, whatever the
//     negotiated features say); SET_VRING_ENABLE 0/1 still disables and
//     re-enables it.
//   - A ring is checked once right after SET_VRING_KICK (buffers may already
//     be there), and SET_VRING_CALL may replace the call eventfd of a running
//     ring.
//   - CREATE_CRYPTO_SESSION always gets its own reply (flags 0x5, the
//     request's size, the new id or a negative status); CLOSE_CRYPTO_SESSION
//     gets none unless NEED_REPLY asks for one.
//
// # Hostile frontends
//
// A malformed message (bad version or flags, a payload of the wrong size,
// missing or surplus descriptors, an unknown request, a ring index out of
// range, a ring started without its size or addresses) ends the connection
// with one log line; the server then accepts the next frontend. Memory
// regions must be regular files (memfd, hugetlbfs, tmpfs) at least as long as
// the region claims, so that mapping them cannot fault; if a frontend still
// shrinks a file under the mapping, queue goroutines recover the memory fault
// (runtime/debug.SetPanicOnFault) and the connection is closed. A kick fd
// must be pollable (eventfd or pipe).
//
// # Concurrency
//
// Per connection one goroutine reads and handles messages; each started ring
// has its own goroutine that blocks in the Go runtime poller on its kick
// eventfd, serves a batch through a cryptodev.Worker with the guest memory
// table acquired once per batch, and writes the call eventfd at most once per
// batch. With Server.Poll, after a batch that served requests the goroutine
// suppresses the driver's kicks (VIRTQ_USED_F_NO_NOTIFY, or avail_event
// left behind next_avail, §2.7.10) and polls the available index itself
// for up to Poll after the last request, then re-enables kicks and sleeps
// again; stopping or disabling the ring ends the polling at once. GET_VRING_BASE, SET_VRING_KICK on a started ring, RESET_OWNER and
// disconnect stop ring goroutines and wait for them. SET_MEM_TABLE swaps
// the table without pausing the rings: the old mappings are removed when the
// last batch using them ends. A Server serves one connection at a time. A
// Frontend serialises its socket messages with a mutex; each FrontendQueue is
// used by one goroutine at a time.
//
// # Specifications
//
// QEMU docs/interop/vhost-user.rst ("Vhost-user Protocol": message header
// and payload formats, ring states, multiple queue support, REPLY_ACK,
// and the front-end message types used here), QEMU hw/virtio/vhost-user.c
// (VhostUserCryptoSession in its three versions) and
// include/sysemu/cryptodev.h (CryptoDevBackendSymSessionInfo,
// CryptoDevBackendAsymSessionInfo), virtio v1.4 §2.7 (split virtqueues, for
// the frontend's driver side).
package vhostuser
