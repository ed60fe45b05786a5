package qemu

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// This file prepares everything the guest needs, once per package
// version, in a cache directory:
//
//	<cache>/debs/<pkg>_<version>.deb            apt-get download results
//	<cache>/guest-<kernel pkg>_<ver>_busybox_<ver>/
//	    vmlinux (or vmlinuz)                     kernel to boot
//	    mods/*.ko, mods/order                    virtio_crypto and its dependencies
//	    busybox                                  static busybox
//	    complete                                 marker, written last
//	<cache>/apt-<codename>-backports/            private apt state for the backports suite
//	<cache>/qemu-<ver>_seabios_<ver>/root/       backports QEMU unpacked with dpkg-deb -x
//
// Nothing is installed into the host; apt-get only downloads.

// guestModules are the modules the guest loads; their dependencies are
// found in the .ko files' modinfo and loaded first.
var guestModules = []string{"virtio_pci", "virtio_crypto", "algif_skcipher"}

// errPrepare marks failures while preparing the guest or the backports QEMU.
var errPrepare = errors.New("qemu test: preparing assets")

// guestAssets is the prepared, cached guest material.
type guestAssets struct {
	dir        string
	kernel     string // path of the kernel image to pass to -kernel
	kernelNote string // which package, and whether it is the uncompressed vmlinux
	modsDir    string
	modOrder   []string // file names in modsDir, in load order
	busybox    string
}

// backportsQEMU is an unpacked QEMU from the backports suite.
type backportsQEMU struct {
	root    string // dpkg-deb -x destination
	binary  string
	dataDir []string // -L directories
	env     []string // extra environment
	note    string
}

// cacheRoot returns the cache directory, creating it.
func cacheRoot() (string, error) {
	dir := os.Getenv("VCRYPTO_QEMU_CACHE")
	if dir == "" {
		if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
			dir = filepath.Join(x, "vcrypto-qemu")
		} else {
			dir = filepath.Join(os.TempDir(), "vcrypto-qemu-cache")
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%w: cache dir: %w", errPrepare, err)
	}
	return dir, nil
}

// withLock runs fn while holding an exclusive flock on <root>/lock, so
// that two test processes do not fill the cache at the same time.
func withLock(root string, fn func() error) error {
	f, err := os.OpenFile(filepath.Join(root, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("%w: flock: %w", errPrepare, err)
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return fn()
}

// run runs a command and returns its stdout; errors carry stderr.
func run(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// safeName makes a package version usable in a file name.
func safeName(s string) string {
	return strings.NewReplacer(":", "%3a", "/", "_", " ", "_").Replace(s)
}

// aptOptions returns apt options every call uses: as root, download
// without the _apt sandbox (the cache is not readable by _apt).
func aptOptions() []string {
	if os.Geteuid() == 0 {
		return []string{"-o", "APT::Sandbox::User=root"}
	}
	return nil
}

var candidateRE = regexp.MustCompile(`(?m)^\s*Candidate:\s*(\S+)`)

// aptCandidate is the version apt would install for pkg.
func aptCandidate(ctx context.Context, opts []string, pkg string) (string, error) {
	out, err := run(ctx, nil, "apt-cache", append(slices.Clone(opts), "policy", pkg)...)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errPrepare, err)
	}
	m := candidateRE.FindStringSubmatch(out)
	if m == nil || m[1] == "(none)" {
		return "", fmt.Errorf("%w: apt knows no candidate for %s (run apt-get update?):\n%s", errPrepare, pkg, out)
	}
	return m[1], nil
}

// kernelPackage resolves the linux-image-amd64 metapackage to the versioned
// image package it depends on.
func kernelPackage(ctx context.Context) (string, error) {
	out, err := run(ctx, nil, "apt-cache", "depends", "linux-image-amd64")
	if err != nil {
		return "", fmt.Errorf("%w: %w", errPrepare, err)
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Depends: "); ok && strings.HasPrefix(v, "linux-image-") {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("%w: linux-image-amd64 depends on no linux-image-* package:\n%s", errPrepare, out)
}

// aptFetch downloads pkg=version (unless cached) and returns the .deb path.
func aptFetch(ctx context.Context, root string, opts []string, pkg, version string) (string, error) {
	debs := filepath.Join(root, "debs")
	want := filepath.Join(debs, safeName(pkg+"_"+version)+".deb")
	if _, err := os.Stat(want); err == nil {
		return want, nil
	}
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return "", fmt.Errorf("%w: %w", errPrepare, err)
	}
	tmp, err := os.MkdirTemp(debs, "download-")
	if err != nil {
		return "", fmt.Errorf("%w: %w", errPrepare, err)
	}
	defer os.RemoveAll(tmp)
	args := append(append(aptOptions(), opts...), "download", pkg+"="+version)
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w: apt-get %s: %w\n%s", errPrepare, strings.Join(args, " "), err, out)
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(files) != 1 {
		return "", fmt.Errorf("%w: apt-get download %s=%s left %v", errPrepare, pkg, version, files)
	}
	if err := os.Rename(files[0], want); err != nil {
		return "", fmt.Errorf("%w: %w", errPrepare, err)
	}
	return want, nil
}

// dpkgExtract is dpkg-deb -x.
func dpkgExtract(ctx context.Context, deb, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	if _, err := run(ctx, nil, "dpkg-deb", "-x", deb, dst); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	return nil
}

// prepareGuest returns the cached guest material, building it on first use.
func prepareGuest(ctx context.Context, logf func(string, ...any)) (*guestAssets, error) {
	root, err := cacheRoot()
	if err != nil {
		return nil, err
	}
	kpkg, err := kernelPackage(ctx)
	if err != nil {
		return nil, err
	}
	kver, err := aptCandidate(ctx, nil, kpkg)
	if err != nil {
		return nil, err
	}
	bbver, err := aptCandidate(ctx, nil, "busybox-static")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "guest-"+safeName(kpkg+"_"+kver+"_busybox_"+bbver))
	var g *guestAssets
	err = withLock(root, func() error {
		if g, err = loadGuest(dir); err == nil {
			return nil
		}
		start := time.Now()
		if err := buildGuest(ctx, root, dir, kpkg, kver, bbver, logf); err != nil {
			return err
		}
		logf("prepared guest %s in %v", filepath.Base(dir), time.Since(start).Round(time.Millisecond))
		pruneCache(root, "guest-", dir, logf)
		g, err = loadGuest(dir)
		return err
	})
	return g, err
}

// loadGuest reads a complete cache directory.
func loadGuest(dir string) (*guestAssets, error) {
	note, err := os.ReadFile(filepath.Join(dir, "complete"))
	if err != nil {
		return nil, err
	}
	order, err := os.ReadFile(filepath.Join(dir, "mods", "order"))
	if err != nil {
		return nil, err
	}
	g := &guestAssets{
		dir:        dir,
		kernelNote: strings.TrimSpace(string(note)),
		modsDir:    filepath.Join(dir, "mods"),
		modOrder:   strings.Fields(string(order)),
		busybox:    filepath.Join(dir, "busybox"),
	}
	for _, k := range []string{"vmlinux", "vmlinuz"} {
		if _, err := os.Stat(filepath.Join(dir, k)); err == nil {
			g.kernel = filepath.Join(dir, k)
			break
		}
	}
	if g.kernel == "" {
		return nil, fmt.Errorf("%w: %s has no kernel", errPrepare, dir)
	}
	return g, nil
}

// buildGuest downloads and unpacks the kernel and busybox packages into dir.
func buildGuest(ctx context.Context, root, dir, kpkg, kver, bbver string, logf func(string, ...any)) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "mods"), 0o755); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	kdeb, err := aptFetch(ctx, root, nil, kpkg, kver)
	if err != nil {
		return err
	}
	bbdeb, err := aptFetch(ctx, root, nil, "busybox-static", bbver)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, "unpack-")
	if err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	defer os.RemoveAll(tmp)

	// busybox
	if err := dpkgExtract(ctx, bbdeb, filepath.Join(tmp, "busybox")); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(tmp, "busybox", "bin", "busybox"), filepath.Join(dir, "busybox"), 0o755); err != nil {
		return err
	}

	// kernel and modules
	kroot := filepath.Join(tmp, "kernel")
	if err := dpkgExtract(ctx, kdeb, kroot); err != nil {
		return err
	}
	vmlinuzs, _ := filepath.Glob(filepath.Join(kroot, "boot", "vmlinuz-*"))
	moddirs, _ := filepath.Glob(filepath.Join(kroot, "lib", "modules", "*"))
	if len(vmlinuzs) != 1 || len(moddirs) != 1 {
		return fmt.Errorf("%w: %s: want one vmlinuz and one module tree, found %v and %v", errPrepare, kdeb, vmlinuzs, moddirs)
	}
	note := fmt.Sprintf("%s %s (%s)", kpkg, kver, filepath.Base(vmlinuzs[0]))
	if err := extractVmlinux(ctx, vmlinuzs[0], filepath.Join(dir, "vmlinux")); err != nil {
		logf("booting the compressed kernel (slower): %v", err)
		if err := copyFile(vmlinuzs[0], filepath.Join(dir, "vmlinuz"), 0o644); err != nil {
			return err
		}
	} else {
		note += ", uncompressed vmlinux"
	}
	order, err := resolveModules(moddirs[0], guestModules)
	if err != nil {
		return err
	}
	var names []string
	for _, m := range order {
		name := filepath.Base(m)
		if err := copyFile(m, filepath.Join(dir, "mods", name), 0o644); err != nil {
			return err
		}
		names = append(names, name)
	}
	if err := os.WriteFile(filepath.Join(dir, "mods", "order"), []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	return os.WriteFile(filepath.Join(dir, "complete"), []byte(note+"\n"), 0o644)
}

// pruneCache removes what an earlier package version left behind: the
// downloaded .deb files (everything needed is unpacked by now) and other
// directories named prefix* that were not used for a day.
func pruneCache(root, prefix, keep string, logf func(string, ...any)) {
	debs, _ := filepath.Glob(filepath.Join(root, "debs", "*.deb"))
	for _, d := range debs {
		os.Remove(d)
	}
	dirs, _ := filepath.Glob(filepath.Join(root, prefix+"*"))
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() || d == keep || time.Since(st.ModTime()) < 24*time.Hour {
			continue
		}
		if err := os.RemoveAll(d); err == nil {
			logf("removed stale cache directory %s", d)
		}
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	return nil
}

// xzMagic starts an xz stream (the compressed payload of a bzImage built
// with CONFIG_KERNEL_XZ, as Debian's amd64 kernels are).
var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

// extractVmlinux decompresses the ELF kernel out of a bzImage, the way the
// kernel tree's scripts/extract-vmlinux does: try each xz stream start
// until one decompresses to an ELF file. Booting it saves QEMU's TCG
// several seconds of in-guest decompression per run.
func extractVmlinux(ctx context.Context, vmlinuz, dst string) error {
	img, err := os.ReadFile(vmlinuz)
	if err != nil {
		return err
	}
	xz, err := exec.LookPath("xz")
	if err != nil {
		return err
	}
	for off := 0; ; {
		i := bytes.Index(img[off:], xzMagic)
		if i < 0 {
			return fmt.Errorf("no xz payload in %s decompresses to an ELF kernel", vmlinuz)
		}
		off += i
		cmd := exec.CommandContext(ctx, xz, "-dc", "--single-stream")
		cmd.Stdin = bytes.NewReader(img[off:])
		out, err := cmd.Output()
		if err == nil && bytes.HasPrefix(out, []byte("\x7fELF")) {
			return os.WriteFile(dst, out, 0o644)
		}
		off++
	}
}

// modinfo returns the values of key in a .ko file's .modinfo section.
func modinfo(path, key string) ([]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("%s: no .modinfo section", path)
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	return parseModinfo(data, key), nil
}

// parseModinfo extracts the values of key from .modinfo data: NUL
// separated "key=value" strings.
func parseModinfo(data []byte, key string) []string {
	var out []string
	for _, kv := range bytes.Split(data, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(key+"=")); ok {
			out = append(out, string(v))
		}
	}
	return out
}

// modName normalises a module name the way the kernel does ('-' == '_').
func modName(s string) string {
	return strings.ReplaceAll(strings.TrimSuffix(s, ".ko"), "-", "_")
}

// resolveModules returns the .ko paths needed to load roots, dependencies
// first (from each module's modinfo "depends="). Modules built into the
// kernel (modules.builtin) are left out.
func resolveModules(modTree string, roots []string) ([]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(modTree, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ko") {
			files[modName(filepath.Base(p))] = p
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errPrepare, err)
	}
	builtin := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(modTree, "modules.builtin")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			builtin[modName(filepath.Base(l))] = true
		}
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("%w: module dependency cycle at %s", errPrepare, name)
		case 2:
			return nil
		}
		path, ok := files[name]
		if !ok {
			if builtin[name] {
				state[name] = 2
				return nil
			}
			return fmt.Errorf("%w: module %s (needed by %q) is neither in %s nor built in", errPrepare, name, from, modTree)
		}
		state[name] = 1
		deps, err := modinfo(path, "depends")
		if err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		for _, d := range deps {
			for _, dep := range strings.Split(d, ",") {
				if dep = strings.TrimSpace(dep); dep != "" {
					if err := visit(modName(dep), name); err != nil {
						return err
					}
				}
			}
		}
		state[name] = 2
		order = append(order, path)
		return nil
	}
	for _, r := range roots {
		if err := visit(r, ""); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// osCodename is VERSION_CODENAME from /etc/os-release (bookworm if unknown).
func osCodename() string {
	b, _ := os.ReadFile("/etc/os-release")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VERSION_CODENAME="); ok && strings.Trim(v, `"`) != "" {
			return strings.Trim(v, `"`)
		}
	}
	return "bookworm"
}

// backportsPackages are unpacked side by side; the shared libraries come
// from the system's own qemu-system-x86 (same distribution).
var backportsPackages = []string{"qemu-system-x86", "qemu-system-common", "qemu-system-data", "seabios"}

// prepareBackportsQEMU downloads and unpacks QEMU from <codename>-backports
// using a private apt state (own source list, lists and cache; the system's
// apt configuration is not touched and root is not needed).
func prepareBackportsQEMU(ctx context.Context, logf func(string, ...any)) (*backportsQEMU, error) {
	root, err := cacheRoot()
	if err != nil {
		return nil, err
	}
	suite := osCodename() + "-backports"
	mirror := os.Getenv("VCRYPTO_QEMU_MIRROR")
	if mirror == "" {
		mirror = "http://deb.debian.org/debian"
	}
	aptDir := filepath.Join(root, "apt-"+suite)
	opts := []string{
		"-o", "Dir::Etc::SourceList=" + filepath.Join(aptDir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=/dev/null",
		"-o", "Dir::State::Lists=" + filepath.Join(aptDir, "lists"),
		"-o", "Dir::State::status=/dev/null",
		"-o", "Dir::Cache=" + filepath.Join(aptDir, "cache"),
		"-o", "Debug::NoLocking=1",
	}
	var q *backportsQEMU
	err = withLock(root, func() error {
		if err := aptUpdatePrivate(ctx, aptDir, mirror, suite, opts, logf); err != nil {
			return err
		}
		versions := map[string]string{}
		for _, p := range backportsPackages {
			v, err := aptCandidate(ctx, opts, p)
			if err != nil {
				return err
			}
			versions[p] = v
		}
		dir := filepath.Join(root, safeName("qemu-"+versions["qemu-system-x86"]+"_seabios_"+versions["seabios"]))
		rootfs := filepath.Join(dir, "root")
		q = &backportsQEMU{
			root:    rootfs,
			binary:  filepath.Join(rootfs, "usr", "bin", "qemu-system-x86_64"),
			dataDir: []string{filepath.Join(rootfs, "usr", "share", "qemu"), filepath.Join(rootfs, "usr", "share", "seabios")},
			env: []string{
				"QEMU_MODULE_DIR=" + filepath.Join(rootfs, "usr", "lib", "x86_64-linux-gnu", "qemu"),
				"LD_LIBRARY_PATH=" + filepath.Join(rootfs, "usr", "lib", "x86_64-linux-gnu"),
			},
			note: fmt.Sprintf("%s qemu-system-x86 %s, seabios %s", suite, versions["qemu-system-x86"], versions["seabios"]),
		}
		if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
			return nil
		}
		start := time.Now()
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		for _, p := range backportsPackages {
			deb, err := aptFetch(ctx, root, opts, p, versions[p])
			if err != nil {
				return err
			}
			if err := dpkgExtract(ctx, deb, rootfs); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "complete"), []byte(q.note+"\n"), 0o644); err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		logf("prepared %s in %v", q.note, time.Since(start).Round(time.Millisecond))
		pruneCache(root, "qemu-", dir, logf)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// aptUpdatePrivate refreshes the private package lists when they are
// missing or older than a day. A failed refresh with usable old lists is
// only logged.
func aptUpdatePrivate(ctx context.Context, aptDir, mirror, suite string, opts []string, logf func(string, ...any)) error {
	return aptUpdateSources(ctx, aptDir, suite, debLine(mirror, suite), opts, logf)
}

// debLine is a sources.list line for suite's main component, checked
// with the Debian archive keyring.
func debLine(mirror, suite string) string {
	return fmt.Sprintf("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n", mirror, suite)
}

// aptUpdateSources is aptUpdatePrivate for a sources.list of one or more
// lines; what names the suites in log lines.
func aptUpdateSources(ctx context.Context, aptDir, what, line string, opts []string, logf func(string, ...any)) error {
	for _, d := range []string{"lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(aptDir, d), 0o755); err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
	}
	srcPath := filepath.Join(aptDir, "sources.list")
	old, _ := os.ReadFile(srcPath)
	stamp := filepath.Join(aptDir, "updated")
	fresh := false
	if st, err := os.Stat(stamp); err == nil && time.Since(st.ModTime()) < 24*time.Hour && string(old) == line {
		fresh = true
	}
	if fresh {
		return nil
	}
	if err := os.WriteFile(srcPath, []byte(line), 0o644); err != nil {
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	_, err := run(ctx, nil, "apt-get", append(append(aptOptions(), opts...), "update")...)
	if err != nil {
		lists, _ := filepath.Glob(filepath.Join(aptDir, "lists", "*Packages*"))
		if len(lists) > 0 && string(old) == line {
			logf("apt-get update for %s failed, using the old lists: %v", what, err)
			return nil
		}
		return fmt.Errorf("%w: %w", errPrepare, err)
	}
	return os.WriteFile(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}
