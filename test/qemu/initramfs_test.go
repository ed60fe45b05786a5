package qemu

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// cpioEntry is one file of a newc ("070701") cpio archive.
type cpioEntry struct {
	name         string // without leading "/"
	mode         uint32 // type and permission bits (S_IFDIR|0755, ...)
	data         []byte
	rdevMajor    uint32
	rdevMinor    uint32
	linkContents string // for symlinks
}

const (
	sIFDIR = 0o040000
	sIFREG = 0o100000
	sIFCHR = 0o020000
	sIFLNK = 0o120000
)

// writeCPIO encodes entries as a newc cpio archive (the format the kernel
// unpacks as initramfs), followed by the TRAILER!!! entry. Device nodes
// are written as archive entries, so no privileges are needed.
func writeCPIO(entries []cpioEntry) []byte {
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	write := func(ino int, e cpioEntry) {
		data := e.data
		if e.mode&0o170000 == sIFLNK {
			data = []byte(e.linkContents)
		}
		nlink := 1
		if e.mode&0o170000 == sIFDIR {
			nlink = 2
		}
		fmt.Fprintf(&b, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			ino, e.mode, 0, 0, nlink, 0, len(data), 0, 0, e.rdevMajor, e.rdevMinor, len(e.name)+1, 0)
		b.WriteString(e.name)
		b.WriteByte(0)
		pad()
		b.Write(data)
		pad()
	}
	for i, e := range entries {
		write(i+1, e)
	}
	write(0, cpioEntry{name: "TRAILER!!!"})
	return b.Bytes()
}

// initScript is the guest's /init, run by busybox sh. The test program
// does the module loading and all checks; the script sets up the basic
// file systems, reports the program's exit status and powers off.
func initScript(guestArgs []string) string {
	quoted := make([]string, len(guestArgs))
	for i, a := range guestArgs {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox --install -s /bin
echo "VCRYPTO-GUEST-START uptime $(cat /proc/uptime) kernel $(uname -r)"
/bin/vcguest ` + strings.Join(quoted, " ") + `
rc=$?
echo "VCRYPTO-GUEST-EXIT $rc"
/bin/busybox poweroff -f
`
}

// buildInitramfs packs busybox, the guest program, the modules and /init
// into an uncompressed newc archive at dst.
func buildInitramfs(g *guestAssets, guestBin string, guestArgs []string, dst string) error {
	entries := []cpioEntry{
		{name: "bin", mode: sIFDIR | 0o755},
		{name: "dev", mode: sIFDIR | 0o755},
		{name: "dev/console", mode: sIFCHR | 0o600, rdevMajor: 5, rdevMinor: 1},
		{name: "mods", mode: sIFDIR | 0o755},
		{name: "proc", mode: sIFDIR | 0o755},
		{name: "sbin", mode: sIFDIR | 0o755},
		{name: "sys", mode: sIFDIR | 0o755},
		{name: "tmp", mode: sIFDIR | 0o1777},
		{name: "init", mode: sIFREG | 0o755, data: []byte(initScript(guestArgs))},
	}
	add := func(src, name string, mode uint32) error {
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("%w: %w", errPrepare, err)
		}
		entries = append(entries, cpioEntry{name: name, mode: sIFREG | mode, data: b})
		return nil
	}
	if err := add(g.busybox, "bin/busybox", 0o755); err != nil {
		return err
	}
	if err := add(guestBin, "bin/vcguest", 0o755); err != nil {
		return err
	}
	mods := append([]string(nil), g.modOrder...)
	sort.Strings(mods)
	for _, m := range mods {
		if err := add(filepath.Join(g.modsDir, m), "mods/"+m, 0o644); err != nil {
			return err
		}
	}
	entries = append(entries, cpioEntry{name: "mods/order", mode: sIFREG | 0o644, data: []byte(strings.Join(g.modOrder, "\n") + "\n")})
	return os.WriteFile(dst, writeCPIO(entries), 0o644)
}
