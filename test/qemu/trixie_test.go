package qemu

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file prepares QEMU from trixie-backports (the first Debian QEMU,
// 11.1, whose generic vhost-user-test-device is user-creatable) for this
// older host: the QEMU packages and trixie's own shared libraries
// (libc6 included) are unpacked side by side, and QEMU runs through
// trixie's dynamic loader with --library-path, so nothing of the host's
// libraries is used.
//
//	<cache>/apt-trixie/                          private apt state (trixie + trixie-backports)
//	<cache>/trixieqemu-<qemu ver>_<set hash>/root/  the unpacked packages
//	    complete                                   marker with a note, written last

const (
	trixieSuite      = "trixie"
	trixieQEMUPrefix = "trixieqemu-"
	// testDevice is QEMU's generic vhost-user device (PCI proxy): config
	// space, every virtqueue and the feature negotiation go to the
	// backend. QEMU 10.2 renamed vhost-user-device-pci to this and made it
	// user-creatable.
	testDevice = "vhost-user-test-device-pci"
)

// trixieQEMU is an unpacked trixie-backports QEMU and its libraries.
type trixieQEMU struct {
	root    string   // dpkg-deb -x destination
	loader  string   // trixie's ld-linux-x86-64.so.2
	libDirs []string // --library-path
	binary  string   // qemu-system-x86_64 (run through loader)
	dataDir []string // -L directories
	note    string
}

// command is the argv prefix that starts this QEMU.
func (q *trixieQEMU) command() []string {
	return []string{q.loader, "--library-path", strings.Join(q.libDirs, ":"), q.binary}
}

// env is QEMU's extra environment: its own module directory (it still
// also looks in the host's, which holds the system QEMU's modules; the
// runs here load none).
func (q *trixieQEMU) env() []string {
	return []string{"QEMU_MODULE_DIR=" + filepath.Join(q.root, "usr", "lib", "x86_64-linux-gnu", "qemu")}
}

// trixieWanted reports whether a package of the resolved install set is
// unpacked: the QEMU packages, firmware, and every shared library package
// (the rest of the set is maintainer-script and system plumbing such as
// adduser or passwd that a binary run from a directory does not need;
// checkLinked proves the libraries complete).
func trixieWanted(pkg string) bool {
	switch pkg {
	case "qemu-system-x86", "qemu-system-common", "qemu-system-data", "seabios", "zlib1g":
		return true
	}
	return strings.HasPrefix(pkg, "lib")
}

// instRE matches apt-get -s's "Inst NAME (VERSION SUITE [ARCH])" lines.
var instRE = regexp.MustCompile(`(?m)^Inst (\S+) (?:\[\S+\] )?\(([^\s()]+) `)

// parseInst returns package -> version from apt-get -s install output.
func parseInst(out string) map[string]string {
	set := map[string]string{}
	for _, m := range instRE.FindAllStringSubmatch(out, -1) {
		set[m[1]] = m[2]
	}
	return set
}

// prepareTrixieQEMU resolves qemu-system-x86 from trixie-backports with
// its dependencies against an empty system (apt-get -s with a private
// state, so the set is exactly what a trixie machine would install),
// downloads and unpacks the wanted packages once per set of versions and
// checks that the binary's libraries all resolve inside the set.
func prepareTrixieQEMU(ctx context.Context, logf func(string, ...any)) (*trixieQEMU, error) {
	root, err := cacheRoot()
	if err != nil {
		return nil, err
	}
	mirror := os.Getenv("VCRYPTO_QEMU_MIRROR")
	if mirror == "" {
		mirror = "http://deb.debian.org/debian"
	}
	aptDir := filepath.Join(root, "apt-"+trixieSuite)
	opts := []string{
		"-o", "Dir::Etc::SourceList=" + filepath.Join(aptDir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=/dev/null",
		"-o", "Dir::State::Lists=" + filepath.Join(aptDir, "lists"),
		"-o", "Dir::State::status=/dev/null",
		"-o", "Dir::Cache=" + filepath.Join(aptDir, "cache"),
		"-o", "Debug::NoLocking=1",
		"-o", "APT::Architecture=amd64",
		"-o", "APT::Architectures=amd64",
		"-o", "Acquire::Languages=none",
		"-o", "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false",
		"-o", "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false",
		"-o", "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false",
	}
	backports := trixieSuite + "-backports"
	var q *trixieQEMU
	err = withLock(root, func() error {
		sources := debLine(mirror, trixieSuite) + debLine(mirror, backports)
		if err := aptUpdateSources(ctx, aptDir, trixieSuite+" + "+backports, sources, opts, logf); err != nil {
			return err
		}
		out, err := run(ctx, nil, "apt-get", append(append(aptOptions(), opts...),
			"-s", "--no-install-recommends", "-t", backports, "install", "qemu-system-x86")...)
		if err != nil {
			return fmt.Errorf("%w: resolving qemu-system-x86 from %s: %w", errPrepare, backports, err)
		}
		all := parseInst(out)
		set := map[string]string{}
		for p, v := range all {
			if trixieWanted(p) {
				set[p] = v
			}
		}
		for _, p := range []string{"qemu-system-x86", "qemu-system-data", "seabios", "libc6"} {
			if set[p] == "" {
				return fmt.Errorf("%w: apt-get -s install qemu-system-x86 from %s installs no %s:\n%s", errPrepare, backports, p, out)
			}
		}
		h := sha256.New()
		for _, p := range slices.Sorted(maps.Keys(set)) {
			fmt.Fprintf(h, "%s=%s\n", p, set[p])
		}
		dir := filepath.Join(root, safeName(trixieQEMUPrefix+set["qemu-system-x86"]+"_"+hex.EncodeToString(h.Sum(nil))[:12]))
		rootfs := filepath.Join(dir, "root")
		libDirs := []string{filepath.Join(rootfs, "usr", "lib", "x86_64-linux-gnu"), filepath.Join(rootfs, "lib", "x86_64-linux-gnu")}
		q = &trixieQEMU{
			root:    rootfs,
			loader:  filepath.Join(rootfs, "usr", "lib", "x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
			libDirs: libDirs,
			binary:  filepath.Join(rootfs, "usr", "bin", "qemu-system-x86_64"),
			dataDir: []string{filepath.Join(rootfs, "usr", "share", "qemu"), filepath.Join(rootfs, "usr", "share", "seabios")},
			note: fmt.Sprintf("%s qemu-system-x86 %s, seabios %s, %s libc6 %s (%d packages, run through trixie's ld.so)",
				backports, set["qemu-system-x86"], set["seabios"], trixieSuite, set["libc6"], len(set)),
		}
		if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
			return nil
		}
		start := time.Now()
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		debs, err := aptFetchAll(ctx, root, opts, set)
		if err != nil {
			return err
		}
		if err := extractAll(ctx, debs, rootfs); err != nil {
			return err
		}
		if err := q.checkLinked(ctx); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "complete"), []byte(q.note+"\n"), 0o644); err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		logf("prepared %s in %v", q.note, time.Since(start).Round(time.Millisecond))
		pruneCache(root, trixieQEMUPrefix, dir, logf)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// aptFetchAll downloads every pkg=version of set that is not cached yet
// with one apt-get download call and returns the .deb paths.
func aptFetchAll(ctx context.Context, root string, opts []string, set map[string]string) ([]string, error) {
	debs := filepath.Join(root, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", errPrepare, err)
	}
	var paths, missing []string
	want := map[string]string{} // file name apt-get download writes -> cache path
	for p, v := range set {
		path := filepath.Join(debs, safeName(p+"_"+v)+".deb")
		paths = append(paths, path)
		if _, err := os.Stat(path); err != nil {
			missing = append(missing, p+"="+v)
		}
		want[p] = path
	}
	slices.Sort(paths)
	if len(missing) == 0 {
		return paths, nil
	}
	tmp, err := os.MkdirTemp(debs, "download-")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errPrepare, err)
	}
	defer os.RemoveAll(tmp)
	slices.Sort(missing)
	args := append(append(aptOptions(), opts...), append([]string{"download"}, missing...)...)
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: apt-get download of %d packages: %w\n%s", errPrepare, len(missing), err, tail(string(out), 30))
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(files) != len(missing) {
		return nil, fmt.Errorf("%w: apt-get download of %d packages left %d files", errPrepare, len(missing), len(files))
	}
	for _, f := range files {
		// apt-get download names files NAME_VERSION_ARCH.deb with the
		// epoch's colon escaped as %3a.
		name, _, _ := strings.Cut(filepath.Base(f), "_")
		dst, ok := want[name]
		if !ok {
			return nil, fmt.Errorf("%w: apt-get download wrote the unexpected %s", errPrepare, f)
		}
		if err := os.Rename(f, dst); err != nil {
			return nil, fmt.Errorf("%w: %w", errPrepare, err)
		}
	}
	return paths, nil
}

// extractAll unpacks debs into dst with a few dpkg-deb processes at once
// (the packages' files do not overlap; shared directories are created by
// whichever comes first).
func extractAll(ctx context.Context, debs []string, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	work := make(chan string)
	errs := make(chan error, len(debs))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if _, err := run(ctx, nil, "dpkg-deb", "-x", d, dst); err != nil {
					errs <- fmt.Errorf("%w: %w", errPrepare, err)
				}
			}
		}()
	}
	for _, d := range debs {
		work <- d
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs // nil when the channel is empty
}

// checkLinked asks trixie's loader which libraries QEMU loads and fails
// unless every one resolves inside the unpacked tree.
func (q *trixieQEMU) checkLinked(ctx context.Context) error {
	out, err := run(ctx, nil, q.loader, "--library-path", strings.Join(q.libDirs, ":"), "--list", q.binary)
	if err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	var bad []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "linux-vdso.so") {
			continue
		}
		if strings.Contains(l, "not found") || !strings.Contains(l, q.root+"/") {
			bad = append(bad, l)
		}
	}
	if len(bad) != 0 {
		return fmt.Errorf("%w: %s needs libraries the unpacked %s set does not provide: %v", errPrepare, q.binary, trixieSuite, bad)
	}
	return nil
}

// testDeviceProps returns the properties QEMU lists for testDevice
// ("-device NAME,help"), or an error naming what QEMU said.
func (q *trixieQEMU) testDeviceProps(ctx context.Context) (map[string]bool, error) {
	cmd := q.command()
	args := append(slices.Clone(cmd[1:]), "-device", testDevice+",help")
	out, err := run(ctx, q.env(), cmd[0], args...)
	props := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), "="); ok && !strings.Contains(k, " ") {
			props[k] = true
		}
	}
	if err != nil || len(props) == 0 {
		return nil, fmt.Errorf("%s has no user-creatable %s: %v\n%s", q.binary, testDevice, err, out)
	}
	return props, nil
}

// trixie is the trixie-backports QEMU, prepared once for both its tests.
var trixie struct {
	once sync.Once
	q    *trixieQEMU
	err  error
}

// trixieRun prepares the trixie-backports QEMU (once) and returns the run
// description for mode.
func trixieRun(t *testing.T, name, mode string) (*buildSet, qemuRun) {
	t.Helper()
	// This QEMU uses none of the system's files, but like every
	// real-guest test it runs only where QEMU is installed.
	systemQEMU(t)
	b := setup(t)
	trixie.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		trixie.q, trixie.err = prepareTrixieQEMU(ctx, t.Logf)
	})
	if trixie.err != nil {
		t.Fatal(trixie.err)
	}
	q := trixie.q
	var args []string
	for _, d := range q.dataDir {
		args = append(args, "-L", d)
	}
	return b, qemuRun{name: name, binary: q.binary, command: q.command(), env: q.env(), extraArgs: args, note: q.note, mode: mode}
}

// TestGuestQEMUTrixieDevice boots the guest with the daemon in device
// mode behind QEMU 11.1's generic vhost-user-test-device-pci: the guest
// sees the daemon's own config space, control queue and data queue.
func TestGuestQEMUTrixieDevice(t *testing.T) {
	if builtinBackend() {
		t.Skip("VCRYPTO_QEMU_BACKEND=builtin: device mode has no builtin counterpart")
	}
	b, r := trixieRun(t, "trixie-device", "device")
	r.queues = 1
	if s := os.Getenv("VCRYPTO_QEMU_QUEUES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("VCRYPTO_QEMU_QUEUES=%q: want a positive number", s)
		}
		r.queues = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	props, err := trixie.q.testDeviceProps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"chardev", "virtio-id", "num_vqs", "config_size"} {
		if !props[p] {
			t.Fatalf("%s of %s has no %q property (has %v)", testDevice, r.binary, p, slices.Sorted(maps.Keys(props)))
		}
	}
	if r.akcipher, err = deviceAkcipher(ctx, b); err != nil {
		t.Fatal(err)
	}
	if r.akcipher == "none" {
		// Not needed yet; say what would be required once the daemon
		// lists RSA.
		names, err := rsaDrivers(filepath.Join(b.assets.modsDir, "virtio_crypto.ko"))
		t.Logf("the daemon lists no AKCIPHER RSA, so the guest must register no akcipher (with RSA it would require %v %v)", names, err)
	}
	runGuest(t, b, r)
}

// TestGuestQEMUTrixieCryptodev boots the guest with the daemon in
// cryptodev mode behind QEMU 11.1's cryptodev-vhost-user, whose config
// space QEMU still fills in itself.
func TestGuestQEMUTrixieCryptodev(t *testing.T) {
	b, r := trixieRun(t, "trixie-cryptodev", "cryptodev")
	r.akcipher = noAkcipher()
	runGuest(t, b, r)
}

// akcipherRSARE finds RSA among the AKCIPHER lines of "vhost-user-crypto
// algorithms" ("AKCIPHER <name> (<VIRTIO_CRYPTO_AKCIPHER_* value>)").
var akcipherRSARE = regexp.MustCompile(`(?m)^AKCIPHER\s+(RSA\b.*|.*\(1\))$`)

// deviceAkcipher is the guest's -akcipher expectation in device mode:
// when the daemon lists RSA, its config space advertises AKCIPHER/RSA and
// the guest kernel must register its virtio RSA drivers and pass their
// self-tests; otherwise it must register none.
func deviceAkcipher(ctx context.Context, b *buildSet) (string, error) {
	out, err := run(ctx, nil, b.daemon, "algorithms")
	if err != nil {
		return "", fmt.Errorf("asking the daemon for its algorithms: %w", err)
	}
	if !akcipherRSARE.MatchString(out) {
		return "none", nil
	}
	drivers, err := rsaDrivers(filepath.Join(b.assets.modsDir, "virtio_crypto.ko"))
	if err != nil {
		return "", err
	}
	return strings.Join(drivers, ","), nil
}

// rsaDriverNames are the cra_driver_name values of the guest module's RSA
// algorithms (Linux drivers/crypto/virtio/virtio_crypto_akcipher_algs.c):
// raw RSA, and PKCS#1 v1.5 padding whose name lost its "-with-sha1" in
// later stable kernels (Debian's 6.1.192 has "virtio-pkcs1-rsa" for
// "pkcs1pad(rsa)").
var rsaDriverNames = [][]string{{"virtio-crypto-rsa"}, {"virtio-pkcs1-rsa-with-sha1", "virtio-pkcs1-rsa"}}

// rsaDrivers returns the RSA driver names the module at ko registers: for
// each entry of rsaDriverNames, the first alternative that appears in the
// module as a whole NUL-terminated string.
func rsaDrivers(ko string) ([]string, error) {
	data, err := os.ReadFile(ko)
	if err != nil {
		return nil, err
	}
	return findCStrings(data, rsaDriverNames, ko)
}

// findCStrings picks, for each list of alternatives, the first one that
// occurs in data as a whole NUL-delimited string.
func findCStrings(data []byte, alternatives [][]string, what string) ([]string, error) {
	var out []string
	for _, alts := range alternatives {
		found := ""
		for _, a := range alts {
			if bytes.Contains(data, []byte("\x00"+a+"\x00")) {
				found = a
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("%s contains none of the driver names %q", what, alts)
		}
		out = append(out, found)
	}
	return out, nil
}
