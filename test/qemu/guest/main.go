//go:build linux

// Command guest is the test program that runs inside the QEMU guest of the
// vcrypto integration test (package vcrypto/test/qemu). It is built as a
// static binary (CGO_ENABLED=0) and started by the initramfs's /init.
//
// In the guest it loads the kernel modules listed in <mods>/order
// (virtio transport, crypto engine, virtio_crypto, AF_ALG), then runs the
// checks of one phase: the virtio-crypto device is present, /proc/crypto
// lists the driver with "selftest : passed", AF_ALG bound to the driver by
// name reproduces NIST SP 800-38A F.2 CBC-AES vectors, and random sizes
// from 16 B to 64 KiB encrypt and decrypt exactly like Go's crypto/aes +
// crypto/cipher, sequentially and from parallel sockets. It then unloads
// the driver module (rmmod), checks that the driver is gone, loads it
// again (insmod) and repeats every check.
//
// Output, one line each on stdout (the serial console):
//
//	PASS <phase>/<check> <detail>
//	FAIL <phase>/<check>: <what went wrong>
//	INFO <anything>
//	VCRYPTO-PHASE <phase> pass=<n> fail=<n>
//	VCRYPTO-SUMMARY pass=<n> fail=<n>
//
// The exit status is 0 only if nothing failed. A watchdog prints a FAIL
// line, the kernel log and the summary, then powers the guest off, when no
// check makes progress for -watchdog (a backend that never answers leaves
// the guest's read(2) or insmod blocked forever).
//
// With -host the program checks the host kernel instead (no modules, no
// device, no reload, no power-off); the package test uses that to check
// this program against the host's own cbc(aes).
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

type options struct {
	driver    string
	module    string
	modsDir   string
	seed      uint64
	random    int
	parallel  int
	perWorker int
	host      bool
	watchdog  time.Duration
	settle    time.Duration
	cases     string
	splitRead bool
	akcipher  akcipherExpect
}

func main() {
	var o options
	flag.StringVar(&o.driver, "driver", "virtio_crypto_aes_cbc", "kernel driver name that AF_ALG binds to")
	flag.StringVar(&o.module, "module", "virtio_crypto", "module that registers the driver; unloaded and loaded again")
	flag.StringVar(&o.modsDir, "mods", "/mods", "directory with the .ko files and an 'order' file naming them in load order")
	flag.Uint64Var(&o.seed, "seed", 0, "random seed; 0 takes vcrypto.seed= from /proc/cmdline, else the clock")
	flag.BoolVar(&o.splitRead, "split-reads", true, "also read results in two parts (two driver requests with a chained IV)")
	flag.IntVar(&o.random, "random", 40, "random-size cases per phase (on top of the fixed edge sizes)")
	flag.IntVar(&o.parallel, "parallel", 4, "parallel AF_ALG workers per phase")
	flag.IntVar(&o.perWorker, "per-worker", 10, "cases per parallel worker")
	flag.BoolVar(&o.host, "host", false, "check the host kernel: no modules, device, reload or power-off")
	flag.DurationVar(&o.watchdog, "watchdog", 45*time.Second, "longest time without progress before giving up")
	flag.DurationVar(&o.settle, "settle", 20*time.Second, "how long to wait for /proc/crypto to show the driver as tested")
	flag.Var(&o.akcipher, "akcipher", `virtio_crypto's akcipher (RSA) drivers: "" does not look, "none" wants none listed, else a comma-separated list of drivers that must be listed with a passed self-test (e.g. virtio-crypto-rsa,virtio-pkcs1-rsa)`)
	flag.StringVar(&o.cases, "cases", "", "extra cases run first, to replay a failure: KEYBITS:SIZE:SENDPIECES:READPIECES;... (pieces comma-separated, may be empty)")
	flag.Parse()
	if o.seed == 0 {
		o.seed = seedFromCmdline()
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	r := newReporter(o)
	go r.watch()
	os.Exit(r.run())
}

// seedFromCmdline returns the value of vcrypto.seed= on the kernel command
// line, or 0.
func seedFromCmdline() uint64 {
	b, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return 0
	}
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "vcrypto.seed="); ok {
			n, err := strconv.ParseUint(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return 0
}

// reporter prints results and tracks progress for the watchdog.
type reporter struct {
	o          options
	mu         sync.Mutex
	phase      string
	pass, fail int
	phasePass  int
	phaseFail  int
	step       atomic.Value // string
	lastBeat   atomic.Int64 // unix nanoseconds
	klogSeen   map[string]bool
}

func newReporter(o options) *reporter {
	r := &reporter{o: o, klogSeen: map[string]bool{}}
	r.beat("start")
	return r
}

// beat records progress in the named step.
func (r *reporter) beat(step string) {
	r.step.Store(step)
	r.lastBeat.Store(time.Now().UnixNano())
}

func (r *reporter) passf(check, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pass++
	r.phasePass++
	fmt.Printf("PASS %s/%s %s\n", r.phase, check, fmt.Sprintf(format, args...))
	r.lastBeat.Store(time.Now().UnixNano())
}

func (r *reporter) failf(check, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail++
	r.phaseFail++
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " | ")
	fmt.Printf("FAIL %s/%s: %s\n", r.phase, check, msg)
	r.lastBeat.Store(time.Now().UnixNano())
}

func (r *reporter) infof(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Printf("INFO %s\n", fmt.Sprintf(format, args...))
}

func (r *reporter) startPhase(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.phase = name
	r.phasePass, r.phaseFail = 0, 0
}

func (r *reporter) endPhase() {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Printf("VCRYPTO-PHASE %s pass=%d fail=%d\n", r.phase, r.phasePass, r.phaseFail)
}

func (r *reporter) summary() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Printf("VCRYPTO-SUMMARY pass=%d fail=%d\n", r.pass, r.fail)
	if r.fail > 0 {
		return 1
	}
	return 0
}

// watch gives up when no progress was recorded for o.watchdog.
func (r *reporter) watch() {
	for {
		time.Sleep(time.Second)
		last := time.Unix(0, r.lastBeat.Load())
		if time.Since(last) < r.o.watchdog {
			continue
		}
		r.failf("watchdog", "no progress for %v in step %q (the backend probably stopped answering)", r.o.watchdog, r.step.Load())
		// Ask the kernel for the stacks of blocked tasks (sysrq w), so the
		// log says where the guest waits.
		if !r.o.host {
			os.WriteFile("/proc/sysrq-trigger", []byte("w"), 0)
			time.Sleep(500 * time.Millisecond)
		}
		r.dumpKlog(true)
		r.summary()
		if !r.o.host {
			unix.Sync()
			if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
				fmt.Printf("INFO reboot(POWER_OFF): %v\n", err)
			}
		}
		os.Exit(2)
	}
}

// run is the whole scenario; it returns the exit status.
func (r *reporter) run() int {
	r.infof("seed=%d driver=%s module=%s akcipher=%s", r.o.seed, r.o.driver, r.o.module, r.o.akcipher.String())
	if r.o.host {
		r.startPhase("host")
		r.checks(0)
		r.endPhase()
		return r.summary()
	}

	r.startPhase("load")
	if !r.loadAll() {
		r.endPhase()
		r.dumpKlog(true)
		return r.summary()
	}
	r.endPhase()

	r.startPhase("initial")
	r.checks(1)
	r.endPhase()

	r.startPhase("unload")
	unloaded := r.unload()
	r.endPhase()
	if !unloaded {
		r.dumpKlog(true)
		return r.summary()
	}

	r.startPhase("reload")
	if r.loadModule(filepath.Join(r.o.modsDir, r.o.module+".ko")) {
		r.checks(2)
	}
	r.endPhase()
	r.dumpKlog(false)
	return r.summary()
}

// loadAll loads every module named in <mods>/order, in order.
func (r *reporter) loadAll() bool {
	b, err := os.ReadFile(filepath.Join(r.o.modsDir, "order"))
	if err != nil {
		r.failf("modules", "%v", err)
		return false
	}
	for _, name := range strings.Fields(string(b)) {
		if !r.loadModule(filepath.Join(r.o.modsDir, name)) {
			return false
		}
	}
	return true
}

// loadModule is insmod: finit_module(2) on the file.
func (r *reporter) loadModule(path string) bool {
	name := strings.TrimSuffix(filepath.Base(path), ".ko")
	r.beat("insmod " + name)
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		r.failf("insmod-"+name, "%v", err)
		return false
	}
	defer f.Close()
	err = unix.FinitModule(int(f.Fd()), "", 0)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		r.failf("insmod-"+name, "finit_module: %v", err)
		return false
	}
	r.passf("insmod-"+name, "%v", time.Since(start).Round(time.Millisecond))
	return true
}

// unload is rmmod of the driver module; then the driver must be gone.
func (r *reporter) unload() bool {
	r.beat("rmmod " + r.o.module)
	start := time.Now()
	var err error
	for i := 0; i < 50; i++ {
		err = unix.DeleteModule(r.o.module, unix.O_NONBLOCK)
		if err == nil || !(errors.Is(err, unix.EBUSY) || errors.Is(err, unix.EAGAIN)) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.failf("rmmod", "delete_module(%s): %v", r.o.module, err)
		return false
	}
	r.passf("rmmod", "%v", time.Since(start).Round(time.Millisecond))

	text, err := os.ReadFile("/proc/crypto")
	if err != nil {
		r.failf("proc-crypto-gone", "%v", err)
	} else if e := findDriver(parseProcCrypto(string(text)), r.o.driver); len(e) != 0 {
		r.failf("proc-crypto-gone", "/proc/crypto still lists %s after rmmod: %v", r.o.driver, e)
	} else {
		r.passf("proc-crypto-gone", "%s not listed", r.o.driver)
	}
	if len(r.o.akcipher.drivers) > 0 && err == nil {
		var left []string
		for _, d := range r.o.akcipher.drivers {
			if len(findDriver(parseProcCrypto(string(text)), d)) != 0 {
				left = append(left, d)
			}
		}
		if len(left) != 0 {
			r.failf("akcipher-gone", "/proc/crypto still lists %v after rmmod", left)
		} else {
			r.passf("akcipher-gone", "%v not listed", r.o.akcipher.drivers)
		}
	}
	if t, err := openTFM(r.o.driver); err == nil {
		t.close()
		r.failf("bind-gone", "AF_ALG bind to %s still works after rmmod", r.o.driver)
	} else {
		r.passf("bind-gone", "%v", err)
	}
	return true
}

// checks runs every check of one phase. salt varies the random data
// between phases.
func (r *reporter) checks(salt uint64) {
	if !r.o.host {
		r.checkDevice()
		if !r.checkProcCrypto() {
			return
		}
		r.checkAkcipher()
	}
	r.checkKAT()
	r.checkRandom(salt)
	r.checkParallel(salt)
	r.checkKlog()
}

// checkDevice looks for the virtio-crypto device (ID 20) on the virtio bus.
func (r *reporter) checkDevice() {
	r.beat("device")
	devs, _ := filepath.Glob("/sys/bus/virtio/devices/*")
	for _, d := range devs {
		id, _ := os.ReadFile(filepath.Join(d, "device"))
		if strings.TrimSpace(string(id)) != "0x0014" {
			continue
		}
		feat, _ := os.ReadFile(filepath.Join(d, "features"))
		drv, _ := filepath.EvalSymlinks(filepath.Join(d, "driver"))
		r.passf("device", "%s device=0x0014 driver=%s features=%s", filepath.Base(d), filepath.Base(drv), strings.TrimSpace(string(feat)))
		return
	}
	r.failf("device", "no virtio device with ID 0x0014 among %v", devs)
}

// checkProcCrypto waits until /proc/crypto lists the driver with a passed
// self-test.
func (r *reporter) checkProcCrypto() bool {
	r.beat("proc-crypto")
	deadline := time.Now().Add(r.o.settle)
	var last []cryptoEntry
	for {
		text, err := os.ReadFile("/proc/crypto")
		if err != nil {
			r.failf("proc-crypto", "%v", err)
			return false
		}
		last = findDriver(parseProcCrypto(string(text)), r.o.driver)
		if len(last) == 1 && last[0]["selftest"] == "passed" {
			break
		}
		if time.Now().After(deadline) {
			r.failf("proc-crypto", "after %v /proc/crypto shows for driver %s: %v (want one entry with selftest passed)", r.o.settle, r.o.driver, last)
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	e := last[0]
	want := map[string]string{"name": "cbc(aes)", "type": "skcipher", "selftest": "passed", "module": r.o.module}
	ok := true
	for k, v := range want {
		if e[k] != v {
			r.failf("proc-crypto", "%s: %s is %q, want %q", r.o.driver, k, e[k], v)
			ok = false
		}
	}
	if ok {
		r.passf("proc-crypto", "name=%s driver=%s module=%s priority=%s selftest=%s", e["name"], e["driver"], e["module"], e["priority"], e["selftest"])
	}
	return ok
}

// checkKAT runs the NIST SP 800-38A F.2 vectors through AF_ALG, both
// directions, once whole and once in odd pieces.
func (r *reporter) checkKAT() {
	for _, v := range sp80038aCBC {
		r.beat("kat " + v.name)
		key, iv, pt, ct, err := v.decoded()
		if err != nil {
			r.failf("kat", "%s: %v", v.name, err)
			continue
		}
		// The Go reference must agree with the publication too.
		block, err := aes.NewCipher(key)
		if err != nil {
			r.failf("kat", "%s: %v", v.name, err)
			continue
		}
		ref := make([]byte, len(pt))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ref, pt)
		if !bytes.Equal(ref, ct) {
			r.failf("kat", "%s: crypto/aes gives %x, publication %x", v.name, ref, ct)
			continue
		}
		t, err := openTFM(r.o.driver)
		if err != nil {
			r.failf("kat", "%s: %v", v.name, err)
			continue
		}
		for _, split := range []struct {
			name       string
			send, read []int
		}{{"whole", nil, nil}, {"pieces", []int{5, 27}, []int{16, 32}}} {
			if err := t.setKey(key); err != nil {
				r.failf("kat", "%s: %v", v.name, err)
				break
			}
			got := make([]byte, len(pt))
			if err := t.crypt(unix.ALG_OP_ENCRYPT, iv, pt, got, split.send, split.read); err != nil {
				r.failf("kat", "%s encrypt (%s): %v", v.name, split.name, err)
			} else if !bytes.Equal(got, ct) {
				r.failf("kat", "%s encrypt (%s): got %x want %x", v.name, split.name, got, ct)
			} else {
				r.passf("kat", "%s encrypt (%s)", v.name, split.name)
			}
			if err := t.crypt(unix.ALG_OP_DECRYPT, iv, ct, got, split.send, split.read); err != nil {
				r.failf("kat", "%s decrypt (%s): %v", v.name, split.name, err)
			} else if !bytes.Equal(got, pt) {
				r.failf("kat", "%s decrypt (%s): got %x want %x", v.name, split.name, got, pt)
			} else {
				r.passf("kat", "%s decrypt (%s)", v.name, split.name)
			}
		}
		t.close()
	}
}

// cryptCase is one random-data case.
type cryptCase struct {
	keyLen, size         int
	sendSplit, readSplit []int
}

func (c cryptCase) String() string {
	return fmt.Sprintf("aes%d size=%d send=%v read=%v", c.keyLen*8, c.size, c.sendSplit, c.readSplit)
}

// edgeSizes are always tested: one block, small multiples, around a page
// and up to 64 KiB.
var edgeSizes = []int{16, 32, 48, 64, 4080, 4096, 4112, 16384, 65520, 65536}

// makeCases returns the edge sizes followed by n random sizes (multiples
// of 16 from 16 B to 64 KiB). Cases cycle through key lengths and through
// whole / split send / split read / both.
func makeCases(rng *rand.Rand, edges []int, n int, splitRead bool) []cryptCase {
	sizes := append([]int(nil), edges...)
	for i := 0; i < n; i++ {
		sizes = append(sizes, 16*(1+rng.IntN(4096)))
	}
	out := make([]cryptCase, 0, len(sizes))
	for i, size := range sizes {
		c := cryptCase{keyLen: []int{16, 24, 32}[i%3], size: size}
		if i%4 == 1 || i%4 == 3 {
			for k := 1 + rng.IntN(3); k > 0 && size > 1; k-- {
				c.sendSplit = append(c.sendSplit, 1+rng.IntN(size-1))
			}
		}
		if splitRead && (i%4 == 2 || i%4 == 3) && size > 16 {
			c.readSplit = []int{16 * (1 + rng.IntN(size/16-1))}
		}
		out = append(out, c)
	}
	return out
}

// runCase encrypts and decrypts random data of the case's shape through t
// and compares both with crypto/aes + crypto/cipher.
func runCase(t *tfm, rng *rand.Rand, c cryptCase) error {
	key := randBytes(rng, c.keyLen)
	iv := randBytes(rng, aes.BlockSize)
	pt := randBytes(rng, c.size)
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	want := make([]byte, c.size)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(want, pt)

	if err := t.setKey(key); err != nil {
		return err
	}
	got := make([]byte, c.size)
	if err := t.crypt(unix.ALG_OP_ENCRYPT, iv, pt, got, c.sendSplit, c.readSplit); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if i := firstDiff(got, want); i >= 0 {
		return fmt.Errorf("encrypt differs from crypto/aes at byte %d (block %d of %d%s)", i, i/16, c.size/16, pieceNote(i, c))
	}
	clear(got)
	if err := t.crypt(unix.ALG_OP_DECRYPT, iv, want, got, c.sendSplit, c.readSplit); err != nil {
		return fmt.Errorf("decrypt: %w", err)
	}
	if i := firstDiff(got, pt); i >= 0 {
		return fmt.Errorf("decrypt differs from the plaintext at byte %d (block %d of %d%s)", i, i/16, c.size/16, pieceNote(i, c))
	}
	return nil
}

// parseCases parses the -cases flag: "KEYBITS:SIZE:SEND:READ" entries
// separated by ";", SEND and READ being comma-separated piece sizes.
func parseCases(spec string) ([]cryptCase, error) {
	var out []cryptCase
	for _, one := range strings.Split(spec, ";") {
		one = strings.TrimSpace(one)
		if one == "" {
			continue
		}
		f := strings.Split(one, ":")
		if len(f) != 4 {
			return nil, fmt.Errorf("%q: want KEYBITS:SIZE:SEND:READ", one)
		}
		bits, err1 := strconv.Atoi(f[0])
		size, err2 := strconv.Atoi(f[1])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%q: %w", one, err)
		}
		if (bits != 128 && bits != 192 && bits != 256) || size <= 0 || size%16 != 0 {
			return nil, fmt.Errorf("%q: key bits 128/192/256 and a positive multiple of 16 bytes", one)
		}
		c := cryptCase{keyLen: bits / 8, size: size}
		for i, list := range []*[]int{&c.sendSplit, &c.readSplit} {
			for _, n := range strings.Split(f[2+i], ",") {
				if n == "" {
					continue
				}
				v, err := strconv.Atoi(n)
				if err != nil || v <= 0 {
					return nil, fmt.Errorf("%q: bad piece %q", one, n)
				}
				*list = append(*list, v)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// pieceNote says which read piece (driver request) byte i belongs to when
// the result was read in several pieces.
func pieceNote(i int, c cryptCase) string {
	pieces := splitAt(c.size, c.readSplit)
	if len(pieces) < 2 {
		return ""
	}
	start := 0
	for n, p := range pieces {
		if i < start+p {
			where := "inside"
			if i == start {
				where = "at the start of"
			}
			return fmt.Sprintf("; %s read piece %d of %d, i.e. driver request %d", where, n+1, len(pieces), n+1)
		}
		start += p
	}
	return ""
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	if len(b) > len(a) {
		return len(a)
	}
	return -1
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// checkRandom runs the edge sizes plus o.random random cases on one socket.
func (r *reporter) checkRandom(salt uint64) {
	rng := rand.New(rand.NewPCG(r.o.seed, salt*1000+1))
	t, err := openTFM(r.o.driver)
	if err != nil {
		r.failf("random", "%v", err)
		return
	}
	defer t.close()
	start := time.Now()
	total := 0
	extra, err := parseCases(r.o.cases)
	if err != nil {
		r.failf("random", "-cases: %v", err)
		return
	}
	for _, c := range append(extra, makeCases(rng, edgeSizes, r.o.random, r.o.splitRead)...) {
		r.beat("random " + c.String())
		if err := runCase(t, rng, c); err != nil {
			r.failf("random", "%v: %v", c, err)
			continue
		}
		total += c.size
		r.passf("random", "%v", c)
	}
	r.infof("%s random: %d bytes each way in %v", r.phase, total, time.Since(start).Round(time.Millisecond))
}

// checkParallel runs o.parallel workers, each with its own socket and key
// sequence, at the same time.
func (r *reporter) checkParallel(salt uint64) {
	if r.o.parallel <= 0 {
		return
	}
	r.beat("parallel")
	var wg sync.WaitGroup
	var failed atomic.Int32
	start := time.Now()
	for w := 0; w < r.o.parallel; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(r.o.seed, salt*1000+100+uint64(w)))
			t, err := openTFM(r.o.driver)
			if err != nil {
				failed.Add(1)
				r.failf("parallel", "worker %d: %v", w, err)
				return
			}
			defer t.close()
			for _, c := range makeCases(rng, nil, r.o.perWorker, r.o.splitRead) {
				if err := runCase(t, rng, c); err != nil {
					failed.Add(1)
					r.failf("parallel", "worker %d %v: %v", w, c, err)
					return
				}
				r.beat(fmt.Sprintf("parallel worker %d", w))
			}
		}(w)
	}
	wg.Wait()
	if failed.Load() == 0 {
		r.passf("parallel", "%d workers x %d cases in %v", r.o.parallel, r.o.perWorker, time.Since(start).Round(time.Millisecond))
	}
}

// klogInteresting selects kernel log lines worth printing; klogBad the
// ones that mean the driver or its self-test failed.
var (
	klogInteresting = regexp.MustCompile(`(?i)virtio|crypto|alg:`)
	klogBad         = regexp.MustCompile(`(?i:(virtio_crypto|virtio-crypto).*(fail|error|not ready|timeout|timed out)|alg:.*(virtio|cbc\(aes\)).*fail)|\bBUG:|\bOops\b|Call Trace:|WARNING:|blocked for more than`)
)

func readKlog() ([]string, error) {
	buf := make([]byte, 1<<20)
	n, err := unix.Klogctl(unix.SYSLOG_ACTION_READ_ALL, buf)
	if err != nil {
		return nil, fmt.Errorf("klogctl: %w", err)
	}
	return strings.Split(strings.TrimRight(string(buf[:n]), "\n"), "\n"), nil
}

// checkKlog fails on kernel log lines (new since the last look) that say
// the driver, its self-test or the kernel failed.
func (r *reporter) checkKlog() {
	if r.o.host {
		return
	}
	r.beat("klog")
	lines, err := readKlog()
	if err != nil {
		r.failf("klog", "%v", err)
		return
	}
	bad := 0
	for _, l := range lines {
		if r.klogSeen[l] {
			continue
		}
		r.klogSeen[l] = true
		if klogBad.MatchString(l) {
			bad++
			r.failf("klog", "%s", l)
		}
	}
	if bad == 0 {
		r.passf("klog", "no driver, self-test or kernel failures logged")
	}
}

// dumpKlog prints the interesting kernel log lines (all lines if all).
func (r *reporter) dumpKlog(all bool) {
	if r.o.host {
		return
	}
	lines, err := readKlog()
	if err != nil {
		r.infof("%v", err)
		return
	}
	for _, l := range lines {
		if all || klogInteresting.MatchString(l) {
			r.infof("klog: %s", l)
		}
	}
}
