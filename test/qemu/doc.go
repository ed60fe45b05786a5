// Package qemu holds vcrypto's real-guest integration test: QEMU (Debian's
// 7.2 and the bookworm-backports 10.0, both under TCG) runs a Debian 6.1
// kernel whose virtio_crypto driver talks to the vhost-user-crypto daemon
// through -object cryptodev-vhost-user.
//
// TestGuestQEMUSystem boots with the system's qemu-system-x86_64 and
// TestGuestQEMUBackports with the backports one. In each run the guest
// program (guest/) loads virtio_crypto, checks that the kernel's self-test
// of virtio_crypto_aes_cbc passed, runs NIST SP 800-38A F.2 vectors and
// random 16 B..64 KiB cases through AF_ALG bound to that driver against
// crypto/aes, unloads and reloads the module and checks everything again.
// The test also fails when the daemon exits early, logs at ERROR level,
// reports a data race (the daemon is built with -race when the test is) or
// does not exit cleanly on SIGTERM.
//
// The package has no non-test code; everything lives in its _test.go files
// and in the guest program under guest/. The test downloads what it needs
// with apt-get download (kernel, busybox-static, the backports QEMU) into a
// cache directory keyed by package versions, builds the daemon and a static
// guest program with the go tool, packs an initramfs, and checks the
// guest's PASS/FAIL lines on the serial console. It skips only when
// qemu-system-x86_64 is not installed.
//
// Environment knobs (all optional):
//
//	VCRYPTO_QEMU_CACHE      cache directory (default $XDG_CACHE_HOME/vcrypto-qemu,
//	                        else /tmp/vcrypto-qemu-cache)
//	VCRYPTO_QEMU_SEED       guest random seed, to replay a failure
//	VCRYPTO_QEMU_LOG_LEVEL  daemon --log-level (default debug)
//	VCRYPTO_QEMU_ARTIFACTS  directory that keeps each run's serial and daemon logs
//	VCRYPTO_QEMU_DAEMON     a prebuilt daemon binary to test instead of building
//	                        ./cmd/vhost-user-crypto
//	VCRYPTO_QEMU_GUEST_ARGS extra flags for the guest program (see guest/main.go),
//	                        e.g. "-cases 128:8192::4096 -random 0"
//	VCRYPTO_QEMU_BACKEND    "builtin" replaces the daemon with QEMU's own
//	                        cryptodev-backend-builtin, to compare; expect its
//	                        RSA self-test warning and, unless the guest gets
//	                        -split-reads=false, a hang: QEMU's virtio core
//	                        rejects the zero-length descriptors Linux sends then
//	VCRYPTO_QEMU_MIRROR     Debian archive URI for the backports suite
//	                        (default http://deb.debian.org/debian)
//
// Specs exercised: virtio 1.2 §5.9 (crypto device) through the Linux driver,
// and the vhost-user protocol as QEMU's cryptodev-vhost-user speaks it.
package qemu
