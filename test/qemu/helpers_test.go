package qemu

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// goodTranscript is a serial log of a complete, passing guest run in the
// format guest/main.go prints, with console noise around it.
func goodTranscript() string {
	var b strings.Builder
	b.WriteString("\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)\r\n")
	b.WriteString("Booting from ROM..VCRYPTO-GUEST-START uptime 1.9 0.00 kernel 6.1.0-48-amd64\r\n")
	total := 0
	phase := ""
	counts := map[string]int{}
	for _, k := range sortedKeys(expectedChecks) {
		p, _, _ := strings.Cut(k, "/")
		if phase != p && phase != "" {
			fmt.Fprintf(&b, "VCRYPTO-PHASE %s pass=%d fail=0\r\n", phase, counts[phase])
		}
		phase = p
		for i := 0; i < expectedChecks[k]; i++ {
			fmt.Fprintf(&b, "PASS %s detail %d\r\n", k, i)
			counts[p]++
			total++
		}
	}
	fmt.Fprintf(&b, "VCRYPTO-PHASE %s pass=%d fail=0\r\n", phase, counts[phase])
	b.WriteString("[    5.1] random: crng init done\r\n")
	fmt.Fprintf(&b, "VCRYPTO-SUMMARY pass=%d fail=0\r\nVCRYPTO-GUEST-EXIT 0\r\n[    6.0] reboot: Power down\r\n", total)
	return b.String()
}

func TestParseSerialGood(t *testing.T) {
	r := parseSerial(goodTranscript())
	if p := r.problems(); len(p) != 0 {
		t.Fatalf("problems in a good transcript: %v", p)
	}
	if !r.started || r.exit != 0 || r.fail != 0 || r.pass == 0 || r.checks["initial/kat"] != 12 {
		t.Fatalf("report %+v", r)
	}
}

func TestParseSerialBad(t *testing.T) {
	good := goodTranscript()
	for _, c := range []struct {
		name, text, want string
	}{
		{"empty", "", "never started"},
		{"fail line", strings.Replace(good, "PASS initial/kat detail 3\r\n", "FAIL initial/kat: encrypt differs\r\n", 1), "guest: FAIL initial/kat: encrypt differs"},
		{"glued fail line", strings.Replace(good, "PASS initial/klog detail 0\r\n", "[ 3.0] foo FAIL initial/klog: oops\r\n", 1), "guest: FAIL initial/klog: oops"},
		{"missing summary", strings.Replace(good, "VCRYPTO-SUMMARY", "XX", 1), "no VCRYPTO-SUMMARY"},
		{"summary fail", strings.Replace(good, " fail=0\r\nVCRYPTO-GUEST-EXIT", " fail=2\r\nVCRYPTO-GUEST-EXIT", 1), "2 failed"},
		{"exit status", strings.Replace(good, "VCRYPTO-GUEST-EXIT 0", "VCRYPTO-GUEST-EXIT 1", 1), "exit status 1"},
		{"no exit line", strings.Replace(good, "VCRYPTO-GUEST-EXIT 0", "", 1), "exit status -1"},
		{"missing phase", strings.Replace(good, "VCRYPTO-PHASE reload", "VCRYPTO-PHASE other", 1), "phase reload never finished"},
		{"phase failure", strings.Replace(good, "VCRYPTO-PHASE unload pass=3 fail=0", "VCRYPTO-PHASE unload pass=3 fail=1", 1), "phase unload: 1 failed"},
		{"missing check", strings.Replace(good, "PASS reload/parallel detail 0\r\n", "", 1), "check reload/parallel passed 0 times"},
		{"too few kat", strings.Replace(good, "PASS reload/kat detail 11\r\n", "", 1), "check reload/kat passed 11 times"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := parseSerial(c.text).problems()
			if !strings.Contains(strings.Join(p, "\n"), c.want) {
				t.Errorf("problems %q do not mention %q", p, c.want)
			}
		})
	}
}

// FuzzParseSerial: no panic; line endings do not matter; a text with a
// FAIL line always has problems.
func FuzzParseSerial(f *testing.F) {
	f.Add(goodTranscript())
	f.Add("PASS a/b\nVCRYPTO-PHASE a pass=1 fail=0\nVCRYPTO-SUMMARY pass=1 fail=0\nVCRYPTO-GUEST-EXIT 0\n")
	f.Add("FAIL x/y: z\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		r := parseSerial(text)
		crlf := parseSerial(strings.ReplaceAll(text, "\n", "\r\n"))
		if !reflect.DeepEqual(r, crlf) {
			t.Fatalf("CRLF changed the report:\n%+v\n%+v", r, crlf)
		}
		if len(r.failures) > 0 && len(r.problems()) == 0 {
			t.Fatal("FAIL lines but no problems")
		}
	})
}

// readCPIO decodes a newc archive (the test's own reader, to check
// writeCPIO).
func readCPIO(b []byte) ([]cpioEntry, error) {
	var out []cpioEntry
	off := 0
	align := func(n int) int { return (n + 3) &^ 3 }
	for {
		if off+110 > len(b) {
			return nil, errors.New("truncated header")
		}
		h := b[off : off+110]
		if string(h[:6]) != "070701" {
			return nil, fmt.Errorf("bad magic at %d", off)
		}
		field := func(i int) (uint32, error) {
			v, err := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
			return uint32(v), err
		}
		var f [13]uint32
		for i := range f {
			v, err := field(i)
			if err != nil {
				return nil, err
			}
			f[i] = v
		}
		nameEnd := off + 110 + int(f[11])
		if f[11] == 0 || nameEnd > len(b) || b[nameEnd-1] != 0 {
			return nil, errors.New("bad name")
		}
		name := string(b[off+110 : nameEnd-1])
		dataStart := align(nameEnd)
		dataEnd := dataStart + int(f[6])
		if dataEnd > len(b) {
			return nil, errors.New("truncated data")
		}
		if name == "TRAILER!!!" {
			if align(dataEnd) != len(b) {
				return nil, errors.New("bytes after the trailer")
			}
			return out, nil
		}
		e := cpioEntry{name: name, mode: f[1], rdevMajor: f[9], rdevMinor: f[10]}
		if f[6] > 0 {
			e.data = append([]byte(nil), b[dataStart:dataEnd]...)
		}
		if e.mode&0o170000 == sIFLNK {
			e.linkContents, e.data = string(e.data), nil
		}
		out = append(out, e)
		off = align(dataEnd)
	}
}

func TestWriteCPIO(t *testing.T) {
	in := []cpioEntry{
		{name: "bin", mode: sIFDIR | 0o755},
		{name: "dev/console", mode: sIFCHR | 0o600, rdevMajor: 5, rdevMinor: 1},
		{name: "init", mode: sIFREG | 0o755, data: []byte("#!/bin/sh\n")},
		{name: "a", mode: sIFREG | 0o644, data: []byte("xyz")},
		{name: "bin/sh", mode: sIFLNK | 0o777, linkContents: "busybox"},
	}
	b := writeCPIO(in)
	if len(b)%4 != 0 {
		t.Errorf("archive length %d not a multiple of 4", len(b))
	}
	out, err := readCPIO(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, out)
	}
	// The first header, field by field (newc: magic then 13 hex fields).
	want := "070701" + "00000001" + "000041ED" + "00000000" + "00000000" + "00000002" + "00000000" +
		"00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000004" + "00000000" + "bin\x00"
	if got := string(b[:len(want)]); got != want {
		t.Errorf("first header\n got %q\nwant %q", got, want)
	}
}

// FuzzWriteCPIO: what writeCPIO writes, readCPIO reads back unchanged.
func FuzzWriteCPIO(f *testing.F) {
	f.Add("init", []byte("#!/bin/sh\n"), "bin/busybox", []byte{0x7f, 'E', 'L', 'F'})
	f.Add("a", []byte{}, "b", []byte{1})
	f.Fuzz(func(t *testing.T, n1 string, d1 []byte, n2 string, d2 []byte) {
		if n1 == "" || n2 == "" || strings.ContainsRune(n1+n2, 0) || n1 == "TRAILER!!!" || n2 == "TRAILER!!!" {
			return
		}
		in := []cpioEntry{{name: n1, mode: sIFREG | 0o644, data: d1}, {name: n2, mode: sIFREG | 0o755, data: d2}}
		for i := range in {
			if len(in[i].data) == 0 {
				in[i].data = nil
			}
		}
		out, err := readCPIO(writeCPIO(in))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("round trip:\n%+v\n%+v", in, out)
		}
	})
}

func TestParseModinfo(t *testing.T) {
	// .modinfo layout: NUL-separated key=value strings (include/linux/moduleparam.h __MODULE_INFO).
	data := []byte("license=GPL\x00depends=virtio,virtio_ring,crypto_engine\x00retpoline=Y\x00intree=Y\x00name=virtio_crypto\x00vermagic=6.1.0 SMP\x00depends=\x00")
	if got := parseModinfo(data, "depends"); !reflect.DeepEqual(got, []string{"virtio,virtio_ring,crypto_engine", ""}) {
		t.Errorf("depends = %q", got)
	}
	if got := parseModinfo(data, "name"); !reflect.DeepEqual(got, []string{"virtio_crypto"}) {
		t.Errorf("name = %q", got)
	}
	if got := parseModinfo(data, "nope"); got != nil {
		t.Errorf("nope = %q", got)
	}
	if got := parseModinfo([]byte("xdepends=a\x00"), "depends"); got != nil {
		t.Errorf("matched inside a key: %q", got)
	}
	if modName("virtio-pci.ko") != "virtio_pci" {
		t.Error("modName")
	}
}

// FuzzParseModinfo: every key=value joined with NULs comes back.
func FuzzParseModinfo(f *testing.F) {
	f.Add("depends", "a,b", "x")
	f.Fuzz(func(t *testing.T, key, v1, v2 string) {
		if key == "" || strings.ContainsAny(key, "=\x00") || strings.Contains(v1+v2, "\x00") {
			return
		}
		data := []byte(key + "=" + v1 + "\x00other=1\x00" + key + "=" + v2 + "\x00")
		if got := parseModinfo(data, key); !reflect.DeepEqual(got, []string{v1, v2}) {
			t.Fatalf("got %q", got)
		}
		_ = parseModinfo([]byte(v1+"\x00"+v2), key) // arbitrary bytes: no panic
	})
}

// TestInitScriptQuoting runs the script's command line through a POSIX sh
// to check that every argument arrives unchanged.
func TestInitScriptQuoting(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this host")
	}
	args := []string{"-cases", "192:16384:1,2:3;128:16::", "it's", "a b", `$HOME "x"`, ""}
	var line string
	for _, l := range strings.Split(initScript(args), "\n") {
		if strings.HasPrefix(l, "/bin/vcguest ") {
			line = strings.TrimPrefix(l, "/bin/vcguest ")
		}
	}
	if line == "" {
		t.Fatal("no /bin/vcguest line in the init script")
	}
	out, err := exec.Command(sh, "-c", `for a in `+line+`; do printf '<%s>' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for _, a := range args {
		fmt.Fprintf(&want, "<%s>", a)
	}
	if string(out) != want.String() {
		t.Errorf("got %s\nwant %s", out, want.String())
	}
}
