package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// qemuTimeout bounds one QEMU run; the guest's own watchdog
	// (guestWatchdog) normally ends a stuck run long before.
	qemuTimeout   = 100 * time.Second
	guestWatchdog = "45s"
	guestMemory   = "512M"
)

// buildSet is what every guest run shares: the daemon and guest binaries
// and the cached guest assets, made once per test process.
type buildSet struct {
	once      sync.Once
	err       error
	dir       string
	daemon    string
	guest     string
	assets    *guestAssets
	buildTime time.Duration
}

var builds buildSet

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// systemQEMU returns the path of qemu-system-x86_64 or skips the test.
func systemQEMU(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86): skipping the real-guest tests")
	}
	return p
}

// noAkcipher is the guest's -akcipher expectation for QEMU's
// cryptodev-vhost-user (7.2, 10.0 and 11.1 alike): its hardcoded config
// space advertises no AKCIPHER, so Linux registers no RSA driver (seen
// with 11.1.3 too; a QEMU that starts advertising RSA there fails this
// check, which is when to revisit it). QEMU's own builtin backend
// advertises RSA, so that comparison run does not check.
func noAkcipher() string {
	if builtinBackend() {
		return ""
	}
	return "none"
}

func TestGuestQEMUSystem(t *testing.T) {
	bin := systemQEMU(t)
	b := setup(t)
	runGuest(t, b, qemuRun{name: "system", binary: bin, mode: "cryptodev", akcipher: noAkcipher()})
}

func TestGuestQEMUBackports(t *testing.T) {
	systemQEMU(t) // the backports QEMU borrows the system QEMU's libraries
	b := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	q, err := prepareBackportsQEMU(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, d := range q.dataDir {
		args = append(args, "-L", d)
	}
	runGuest(t, b, qemuRun{name: "backports", binary: q.binary, env: q.env, extraArgs: args, note: q.note, mode: "cryptodev", akcipher: noAkcipher()})
}

// setup builds the binaries and prepares the guest once.
func setup(t *testing.T) *buildSet {
	t.Helper()
	builds.once.Do(func() {
		start := time.Now()
		builds.err = doSetup(t.Logf)
		builds.buildTime = time.Since(start)
		if builds.err == nil {
			t.Logf("setup (builds, guest assets) took %v; guest kernel: %s", builds.buildTime.Round(time.Millisecond), builds.assets.kernelNote)
		}
	})
	if builds.err != nil {
		t.Fatal(builds.err)
	}
	return &builds
}

func doSetup(logf func(string, ...any)) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	modRoot, err := moduleRoot()
	if err != nil {
		return err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if builds.dir, err = os.MkdirTemp("", "vcrypto-qemu-bin-"); err != nil {
		return err
	}
	builds.guest = filepath.Join(builds.dir, "vcguest")
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-o", builds.guest, "./test/qemu/guest")
	cmd.Dir = modRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the guest program: %w\n%s", err, out)
	}
	if bin := os.Getenv("VCRYPTO_QEMU_DAEMON"); bin != "" {
		builds.daemon = bin
		logf("using the prebuilt daemon %s (VCRYPTO_QEMU_DAEMON)", bin)
	} else if !builtinBackend() {
		builds.daemon = filepath.Join(builds.dir, "vhost-user-crypto")
		args := []string{"build", "-o", builds.daemon}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.CommandContext(ctx, goBin, append(args, "./cmd/vhost-user-crypto")...)
		cmd.Dir = modRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building the daemon (go %s ./cmd/vhost-user-crypto): %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	builds.assets, err = prepareGuest(ctx, logf)
	return err
}

// moduleRoot finds the directory holding go.mod above the test's directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("qemu test: no go.mod above the working directory")
		}
		dir = parent
	}
}

// builtinBackend reports whether QEMU's own cryptodev-backend-builtin
// replaces the daemon (VCRYPTO_QEMU_BACKEND=builtin), to check the harness.
func builtinBackend() bool { return os.Getenv("VCRYPTO_QEMU_BACKEND") == "builtin" }

// qemuRun describes one QEMU binary to boot the guest with.
type qemuRun struct {
	name      string
	binary    string   // QEMU itself
	command   []string // argv prefix that starts it, when not just binary (a loader)
	env       []string
	extraArgs []string
	note      string
	// mode is the daemon's --mode: "cryptodev" (-object
	// cryptodev-vhost-user + virtio-crypto-pci) or "device" (QEMU's
	// generic vhost-user-test-device-pci, virtio-id 20).
	mode string
	// queues is the daemon's --queues (device mode; 0 means 1).
	queues int
	// akcipher is the guest program's -akcipher expectation ("" does not
	// check, "none", or the RSA drivers that must pass their self-tests).
	akcipher string
}

// argv returns the command line that starts QEMU with args.
func (q qemuRun) argv(args ...string) []string {
	if len(q.command) > 0 {
		return append(slices.Clone(q.command), args...)
	}
	return append([]string{q.binary}, args...)
}

// extraChecks are the guest PASS lines that q's guest flags require on
// top of expectedChecks.
func (q qemuRun) extraChecks() map[string]int {
	m := map[string]int{}
	if q.akcipher != "" {
		m["initial/akcipher"], m["reload/akcipher"] = 1, 1
		if q.akcipher != "none" {
			m["unload/akcipher-gone"] = 1
		}
	}
	return m
}

// guestSeed is VCRYPTO_QEMU_SEED or a fresh value.
func guestSeed() uint64 {
	if s := os.Getenv("VCRYPTO_QEMU_SEED"); s != "" {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil && n != 0 {
			return n
		}
	}
	return uint64(time.Now().UnixNano())
}

// daemonProc is a running vhost-user-crypto.
type daemonProc struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

func startDaemon(t *testing.T, bin, sock, logPath, mode string, queues int) (*daemonProc, error) {
	level := os.Getenv("VCRYPTO_QEMU_LOG_LEVEL")
	if level == "" {
		level = "debug"
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	d := &daemonProc{log: f, done: make(chan struct{})}
	if queues < 1 {
		queues = 1
	}
	d.cmd = exec.Command(bin, "--socket-path", sock, "--log-level", level, "--mode", mode, "--queues", strconv.Itoa(queues))
	d.cmd.Stdout, d.cmd.Stderr = f, f
	d.cmd.Env = append(os.Environ(), "GORACE=halt_on_error=0 exitcode=66")
	if err := d.cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the daemon: %w", err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	// Whatever happens to the test, the daemon does not outlive it.
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		if st, err := os.Stat(sock); err == nil && st.Mode()&os.ModeSocket != 0 {
			return d, nil
		}
		select {
		case <-d.done:
			return d, fmt.Errorf("the daemon exited before listening on %s: %v", sock, d.err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return d, fmt.Errorf("the daemon did not create its socket %s within 15s", sock)
		}
	}
}

// stop ends the daemon with SIGTERM and reports a bad exit.
func (d *daemonProc) stop() error {
	defer d.log.Close()
	select {
	case <-d.done:
		return fmt.Errorf("the daemon had already exited during the guest run: %v", d.err)
	default:
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
		return errors.New("the daemon did not exit within 10s of SIGTERM")
	}
	if d.err != nil {
		return fmt.Errorf("the daemon's exit after SIGTERM: %v", d.err)
	}
	return nil
}

// daemonBad finds log lines that are failures whatever the guest saw.
var daemonBad = regexp.MustCompile(`DATA RACE|^panic:|^fatal error:|level=ERROR|goroutine \d+ \[running\]`)

// runGuest boots the guest with one QEMU against a fresh daemon and checks
// everything the guest, QEMU and the daemon report.
func runGuest(t *testing.T, b *buildSet, q qemuRun) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vu.sock")
	seed := guestSeed()
	initrd := filepath.Join(dir, "initrd.cpio")
	guestArgs := []string{"-watchdog", guestWatchdog}
	if q.akcipher != "" {
		guestArgs = append(guestArgs, "-akcipher", q.akcipher)
	}
	if extra := os.Getenv("VCRYPTO_QEMU_GUEST_ARGS"); extra != "" {
		guestArgs = append(guestArgs, strings.Fields(extra)...)
	}
	if err := buildInitramfs(b.assets, b.guest, guestArgs, initrd); err != nil {
		t.Fatal(err)
	}

	queues := max(q.queues, 1)
	var backend []string
	switch {
	case q.mode == "device":
		// The generic device hands the backend the config space
		// (GET_CONFIG, 56 bytes of struct virtio_crypto_config, virtio
		// 1.2 §5.9.5), feature negotiation and every virtqueue: Linux
		// takes the data queues first and the control queue last
		// (§5.9.2), so num_vqs is the data queues + 1. It has no vectors
		// property; it is not the cryptodev path's MSI-X + TCG crash.
		//
		// The ring size stays the device's default (64): Linux 6.1's
		// virtio_crypto sends AF_ALG requests of about 30 KiB and more
		// as indirect tables longer than such a ring, which the daemon
		// serves (virtq.MinChainLimit) as QEMU's own devices do. Before
		// that, the daemon refused them without a status and the guest
		// took its unchanged buffer for a result; this run guards it.
		// VCRYPTO_QEMU_DEVICE_OPTS appends device properties.
		backend = []string{
			"-chardev", "socket,id=char0,path=" + sock,
			"-device", fmt.Sprintf("%s,id=crypto0,chardev=char0,virtio-id=20,num_vqs=%d,config_size=56%s",
				testDevice, queues+1, os.Getenv("VCRYPTO_QEMU_DEVICE_OPTS")),
		}
	case builtinBackend():
		backend = []string{
			"-object", "cryptodev-backend-builtin,id=cryptodev0",
			"-device", "virtio-crypto-pci,id=crypto0,cryptodev=cryptodev0,vectors=0",
		}
	default:
		backend = []string{
			"-chardev", "socket,id=char0,path=" + sock,
			"-object", "cryptodev-vhost-user,id=cryptodev0,chardev=char0",
			"-device", "virtio-crypto-pci,id=crypto0,cryptodev=cryptodev0,vectors=0",
		}
	}
	var d *daemonProc
	if q.mode == "device" || !builtinBackend() {
		var err error
		d, err = startDaemon(t, b.daemon, sock, filepath.Join(dir, "daemon.log"), q.mode, queues)
		if err != nil {
			if d != nil {
				t.Logf("daemon log:\n%s", tail(readFile(filepath.Join(dir, "daemon.log")), 100))
			}
			t.Fatal(err)
		}
	}

	args := append(slices.Clone(q.extraArgs),
		"-M", "q35,memory-backend=mem",
		"-accel", "tcg",
		"-cpu", "qemu64,+rdrand",
		"-smp", "1",
		"-m", guestMemory,
		"-object", "memory-backend-memfd,id=mem,size="+guestMemory+",share=on",
		"-nodefaults", "-no-user-config",
		"-nographic", "-serial", "stdio",
		"-no-reboot",
	)
	args = append(args, backend...)
	args = append(args,
		"-kernel", b.assets.kernel,
		"-initrd", initrd,
		"-append", fmt.Sprintf("console=ttyS0 panic=-1 quiet vcrypto.seed=%d", seed),
	)
	ctx, cancel := context.WithTimeout(context.Background(), qemuTimeout)
	defer cancel()
	argv := q.argv(args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), q.env...)
	cmd.WaitDelay = 5 * time.Second
	var serial, qerr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &serial, &qerr
	vargv := q.argv("--version")
	vcmd := exec.Command(vargv[0], vargv[1:]...)
	vcmd.Env = cmd.Env
	version, _ := vcmd.Output()
	first, _, _ := strings.Cut(string(version), "\n")
	t.Logf("%s: %s %s; daemon --mode %s --queues %d; guest -akcipher %q; seed %d (replay with VCRYPTO_QEMU_SEED=%d)",
		q.name, q.binary, strings.TrimSpace(first), q.mode, queues, q.akcipher, seed, seed)
	if q.note != "" {
		t.Logf("%s", q.note)
	}
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)

	var problems []string
	if ctx.Err() != nil {
		problems = append(problems, fmt.Sprintf("QEMU did not finish within %v and was killed", qemuTimeout))
	} else if runErr != nil {
		problems = append(problems, fmt.Sprintf("QEMU: %v", runErr))
	}
	report := parseSerial(serial.String())
	problems = append(problems, report.problemsWith(q.extraChecks())...)
	var daemonLog string
	if d != nil {
		if err := d.stop(); err != nil {
			problems = append(problems, err.Error())
		}
		daemonLog = readFile(filepath.Join(dir, "daemon.log"))
		for _, l := range strings.Split(daemonLog, "\n") {
			if daemonBad.MatchString(l) {
				problems = append(problems, "daemon log: "+l)
			}
		}
	}
	t.Logf("%s: QEMU ran %v; guest %d checks passed, %d failed", q.name, elapsed.Round(time.Millisecond), report.pass, report.fail)
	keepArtifacts(t, serial.String(), qerr.String(), daemonLog)
	if s := strings.TrimSpace(qerr.String()); s != "" {
		t.Logf("QEMU stderr:\n%s", s)
	}
	if len(problems) == 0 {
		return
	}
	t.Logf("serial console:\n%s", tail(serial.String(), 400))
	if d != nil {
		t.Logf("daemon log (last 150 lines):\n%s", tail(daemonLog, 150))
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines omitted ...]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// keepArtifacts copies the run's logs to $VCRYPTO_QEMU_ARTIFACTS/<test>/.
func keepArtifacts(t *testing.T, serial, qemuErr, daemonLog string) {
	base := os.Getenv("VCRYPTO_QEMU_ARTIFACTS")
	if base == "" {
		return
	}
	dir := filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("artifacts: %v", err)
		return
	}
	for f, s := range map[string]string{"serial.log": serial, "qemu-stderr.log": qemuErr, "daemon.log": daemonLog} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Logf("artifacts: %v", err)
		}
	}
	t.Logf("logs kept in %s", dir)
}
