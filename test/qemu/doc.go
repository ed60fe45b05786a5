// Package qemu holds vcrypto's real-guest integration test: QEMU under TCG
// runs a Debian 6.1 kernel whose virtio_crypto driver talks to the
// vhost-user-crypto daemon. Four runs:
//
//	TestGuestQEMUSystem           the system's qemu-system-x86_64 (bookworm: 7.2),
//	                              daemon --mode cryptodev behind -object
//	                              cryptodev-vhost-user + virtio-crypto-pci
//	TestGuestQEMUBackports        <codename>-backports QEMU (10.0), cryptodev mode
//	TestGuestQEMUTrixieDevice     trixie-backports QEMU (11.1), daemon --mode device
//	                              behind -device vhost-user-test-device-pci,
//	                              virtio-id=20,num_vqs=2,config_size=56 (default ring size 64)
//	TestGuestQEMUTrixieCryptodev  the same QEMU 11.1 in cryptodev mode
//
// In cryptodev mode QEMU keeps the config space, hardcoded to AES-CBC (7.2,
// 10.0 and 11.1 alike advertise no AKCIPHER; the guest checks that no RSA
// driver appears), and the guest registers only cbc(aes). In device mode
// the guest reads the daemon's own config space (GET_CONFIG), and the
// daemon serves the control queue too. The test asks the daemon
// ("vhost-user-crypto algorithms") whether it lists AKCIPHER RSA: if so,
// the guest must register virtio_crypto's RSA drivers (virtio-crypto-rsa
// and the PKCS#1 one, names read from the guest's virtio_crypto.ko) and
// the kernel's RSA self-tests against the daemon must pass; if not, no
// RSA driver may appear.
//
// In each run the guest program (guest/) loads virtio_crypto, checks that
// the kernel's self-test of virtio_crypto_aes_cbc passed, checks the
// akcipher expectation (-akcipher), runs NIST SP 800-38A F.2 vectors and
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
// qemu-system-x86_64 is not installed; a failed download is a failure.
//
// The trixie QEMU cannot use this older host's libraries: the test resolves
// qemu-system-x86 from trixie-backports against an empty package state
// (apt-get -s with a private apt directory holding trixie and
// trixie-backports lists), downloads the QEMU packages, firmware and every
// shared-library package of that set (libc6 included, about 35 MB), unpacks
// them into <cache>/trixieqemu-<version>_<hash of the set>/root, checks
// with trixie's loader (ld.so --list) that every library resolves inside
// that tree, and runs QEMU as "<root>/usr/lib/x86_64-linux-gnu/
// ld-linux-x86-64.so.2 --library-path <root libs> <root>/usr/bin/
// qemu-system-x86_64". Before the device run it checks that
// "-device vhost-user-test-device-pci,help" lists chardev, virtio-id,
// num_vqs and config_size (QEMU 9.0-10.1 had the generic device but not
// user-creatable; 10.2 renamed it and made it so). Preparation happens
// once per set of versions under the cache lock; older sets unused for a
// day are pruned.
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
//	                        cryptodev-backend-builtin in the cryptodev runs
//	                        (the device run skips), to compare; expect its
//	                        RSA self-test warning and, unless the guest gets
//	                        -split-reads=false, a hang: QEMU's virtio core
//	                        rejects the zero-length descriptors Linux sends then
//	VCRYPTO_QEMU_MIRROR     Debian archive URI for the backports suites and
//	                        trixie (default http://deb.debian.org/debian)
//	VCRYPTO_QEMU_QUEUES     data queues of the device-mode run (daemon --queues,
//	                        num_vqs = queues + 1; default 1)
//	VCRYPTO_QEMU_DEVICE_OPTS appended to the device-mode -device option string,
//	                        e.g. ",vq_size=1024". With the default ring size
//	                        (64) Linux 6.1 sends AF_ALG requests of about
//	                        30 KiB and more as indirect tables longer than
//	                        the ring, which the daemon serves as QEMU does
//
// Specs exercised: virtio 1.2 §5.9 (crypto device) through the Linux driver
// (in device mode including the config space, §5.9.5, and the control
// queue), and the vhost-user protocol as QEMU's cryptodev-vhost-user and
// its generic vhost-user-test-device speak it.
package qemu
