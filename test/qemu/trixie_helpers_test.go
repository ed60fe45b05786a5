package qemu

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
)

// instSample is apt-get -s output as apt 3.0 prints it (observed with
// the private trixie state: "Inst NAME (VERSION ORIGIN:SUITE [ARCH]) [...]"
// and the matching "Conf" lines, which parseInst ignores), plus an
// upgrade line "Inst NAME [OLD] (NEW ...)" as apt prints it when a
// status file lists the package.
const instSample = `NOTE: This is only a simulation!
Inst libc6 (2.41-12+deb13u5 Debian:13.8/stable [amd64]) []
Inst adduser (3.152 Debian:13.8/stable [all])
Inst seabios (1.17.0-1~bpo13+1 Debian Backports:stable-backports [all])
Inst qemu-system-x86 (1:11.1.3+ds-1~bpo13+1 Debian Backports:stable-backports [amd64])
Inst zlib1g [1:1.2.13.dfsg-1] (1:1.3.dfsg+really1.3.1-1+deb13u1 Debian:13.8/stable [amd64])
Conf libc6 (2.41-12+deb13u5 Debian:13.8/stable [amd64])
Conf qemu-system-x86 (1:11.1.3+ds-1~bpo13+1 Debian Backports:stable-backports [amd64])
`

func TestParseInst(t *testing.T) {
	got := parseInst(instSample)
	want := map[string]string{
		"libc6":           "2.41-12+deb13u5",
		"adduser":         "3.152",
		"seabios":         "1.17.0-1~bpo13+1",
		"qemu-system-x86": "1:11.1.3+ds-1~bpo13+1",
		"zlib1g":          "1:1.3.dfsg+really1.3.1-1+deb13u1",
	}
	if !maps.Equal(got, want) {
		t.Errorf("parseInst = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "Conf libc6 (2.41 x)\n", "Inst\n", "Inst libc6\n", " Inst libc6 (1 x)\n"} {
		if got := parseInst(bad); len(got) != 0 {
			t.Errorf("parseInst(%q) = %v, want nothing", bad, got)
		}
	}
}

// FuzzParseInst: no panic; every result comes from an "Inst " line and
// names and versions carry no spaces or parentheses at their ends.
func FuzzParseInst(f *testing.F) {
	f.Add(instSample)
	f.Add("Inst a (1 b)\nInst a (2 c)\n")
	f.Add("Inst  (x y)")
	f.Fuzz(func(t *testing.T, out string) {
		for p, v := range parseInst(out) {
			if p == "" || v == "" || strings.ContainsAny(p+v, " \t\n") || strings.HasPrefix(v, "(") {
				t.Fatalf("bad entry %q=%q", p, v)
			}
			if !strings.Contains(out, "Inst "+p+" ") {
				t.Fatalf("%q does not come from an Inst line", p)
			}
		}
	})
}

func TestTrixieWanted(t *testing.T) {
	for _, p := range []string{"qemu-system-x86", "qemu-system-common", "qemu-system-data", "seabios", "libc6", "libglib2.0-0t64", "zlib1g"} {
		if !trixieWanted(p) {
			t.Errorf("%s not wanted", p)
		}
	}
	for _, p := range []string{"adduser", "passwd", "debconf", "base-passwd", "ipxe-qemu", "login.defs", "openssl-provider-legacy"} {
		if trixieWanted(p) {
			t.Errorf("%s wanted", p)
		}
	}
}

func TestFindCStrings(t *testing.T) {
	// Laid out like a module's .rodata: NUL-separated strings, one name a
	// prefix of another.
	data := []byte("\x00cbc(aes)\x00virtio_crypto_aes_cbc\x00virtio-crypto-rsa\x00pkcs1pad(rsa)\x00virtio-pkcs1-rsa\x00\x00")
	got, err := findCStrings(data, rsaDriverNames, "sample")
	if err != nil || !slices.Equal(got, []string{"virtio-crypto-rsa", "virtio-pkcs1-rsa"}) {
		t.Errorf("findCStrings = %v, %v", got, err)
	}
	older := []byte("\x00virtio-crypto-rsa\x00virtio-pkcs1-rsa-with-sha1\x00")
	if got, err := findCStrings(older, rsaDriverNames, "older"); err != nil || !slices.Equal(got, []string{"virtio-crypto-rsa", "virtio-pkcs1-rsa-with-sha1"}) {
		t.Errorf("findCStrings(older) = %v, %v", got, err)
	}
	// A name that only occurs inside a longer string does not count.
	for _, bad := range [][]byte{nil, []byte("virtio-crypto-rsa\x00virtio-pkcs1-rsa\x00"), []byte("\x00xvirtio-crypto-rsa\x00virtio-pkcs1-rsa\x00"), []byte("\x00virtio-crypto-rsa\x00virtio-pkcs1-rsa-with-sha256\x00")} {
		if got, err := findCStrings(bad, rsaDriverNames, "bad"); err == nil {
			t.Errorf("findCStrings(%q) = %v, want an error", bad, got)
		}
	}
}

// FuzzFindCStrings: no panic; every name returned occurs NUL-delimited.
func FuzzFindCStrings(f *testing.F) {
	f.Add([]byte("\x00virtio-crypto-rsa\x00virtio-pkcs1-rsa\x00"))
	f.Add([]byte("\x00virtio-crypto-rsa\x00virtio-pkcs1-rsa-with-sha1\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := findCStrings(data, rsaDriverNames, "fuzz")
		if err != nil {
			return
		}
		if len(got) != len(rsaDriverNames) {
			t.Fatalf("%d names for %d lists", len(got), len(rsaDriverNames))
		}
		for _, g := range got {
			if !bytes.Contains(data, []byte("\x00"+g+"\x00")) {
				t.Fatalf("%q is not NUL-delimited in the data", g)
			}
		}
	})
}

func TestAkcipherRSARE(t *testing.T) {
	for _, s := range []string{"engine soft\nAKCIPHER RSA (1)\n", "AKCIPHER RSA\n", "x\nAKCIPHER RSA-PKCS1 (1)", "AKCIPHER rsa (1)"} {
		if !akcipherRSARE.MatchString(s) {
			t.Errorf("%q: RSA not found", s)
		}
	}
	for _, s := range []string{"", "CIPHER AES-CBC (3)\nHASH SHA1 (2)\n", "AKCIPHER ECDSA (2)", "CIPHER RSA (1)", " AKCIPHER RSA (1)", "AKCIPHER RSAX (11)"} {
		if akcipherRSARE.MatchString(s) {
			t.Errorf("%q: RSA found", s)
		}
	}
}

func TestExtraChecks(t *testing.T) {
	if m := (qemuRun{}).extraChecks(); len(m) != 0 {
		t.Errorf("no -akcipher: %v", m)
	}
	if m := (qemuRun{akcipher: "none"}).extraChecks(); !maps.Equal(m, map[string]int{"initial/akcipher": 1, "reload/akcipher": 1}) {
		t.Errorf("none: %v", m)
	}
	m := (qemuRun{akcipher: "virtio-crypto-rsa,virtio-pkcs1-rsa"}).extraChecks()
	if !maps.Equal(m, map[string]int{"initial/akcipher": 1, "reload/akcipher": 1, "unload/akcipher-gone": 1}) {
		t.Errorf("drivers: %v", m)
	}
	// A transcript without the akcipher lines fails only when they are
	// required.
	r := parseSerial(goodTranscript())
	if p := r.problemsWith(nil); len(p) != 0 {
		t.Fatalf("good transcript: %v", p)
	}
	p := r.problemsWith(m)
	if len(p) != 3 || !strings.Contains(strings.Join(p, "\n"), "check unload/akcipher-gone passed 0 times") {
		t.Errorf("missing akcipher checks: %v", p)
	}
	if p := parseSerial(goodTranscript() + "PASS initial/akcipher x\nPASS reload/akcipher x\nPASS unload/akcipher-gone x\n").problemsWith(m); len(p) != 0 {
		t.Errorf("complete transcript: %v", p)
	}
}
