//go:build linux

package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// akcipherExpect is the -akcipher flag: what the guest must find of the
// asymmetric (RSA) algorithms the virtio_crypto module registers. Linux
// registers them only when the device's config space advertises the
// AKCIPHER service with RSA in akcipher_algo (§5.9.5 "Device
// configuration layout" and §5.9.4.5 "AKCIPHER services" of the crypto
// device chapter; AKCIPHER came with virtio 1.3), and the kernel
// then runs its own RSA self-tests against the device.
//
// The zero value (flag not given) does not check; "none" requires that
// the module lists no akcipher at all (a device that does not advertise
// AKCIPHER); otherwise drivers names the driver entries that must be
// listed with a passed self-test.
type akcipherExpect struct {
	set     bool
	drivers []string // empty with set: none expected
}

func (a *akcipherExpect) String() string {
	switch {
	case a == nil || !a.set:
		return ""
	case len(a.drivers) == 0:
		return "none"
	}
	return strings.Join(a.drivers, ",")
}

// Set parses "none" or a comma-separated list of driver names.
func (a *akcipherExpect) Set(s string) error {
	s = strings.TrimSpace(s)
	*a = akcipherExpect{set: true}
	if s == "none" {
		return nil
	}
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSpace(d)
		if d == "" || strings.ContainsAny(d, " \t:") || d == "none" {
			return fmt.Errorf("-akcipher: bad driver name %q in %q", d, s)
		}
		a.drivers = append(a.drivers, d)
	}
	if len(a.drivers) == 0 {
		return fmt.Errorf("-akcipher: empty list %q", s)
	}
	return nil
}

// moduleAkciphers returns the akcipher entries registered by module.
func moduleAkciphers(entries []cryptoEntry, module string) []cryptoEntry {
	var out []cryptoEntry
	for _, e := range entries {
		if e["type"] == "akcipher" && e["module"] == module {
			out = append(out, e)
		}
	}
	return out
}

// checkAkcipher checks the module's akcipher drivers against -akcipher.
// The kernel registers them in the same probe that registers the skcipher,
// before insmod returns, so "none" needs no waiting; the listed drivers
// get o.settle to show a passed self-test.
func (r *reporter) checkAkcipher() {
	a := r.o.akcipher
	if !a.set {
		return
	}
	r.beat("akcipher")
	if len(a.drivers) == 0 {
		text, err := os.ReadFile("/proc/crypto")
		if err != nil {
			r.failf("akcipher", "%v", err)
			return
		}
		if got := moduleAkciphers(parseProcCrypto(string(text)), r.o.module); len(got) != 0 {
			r.failf("akcipher", "the device should advertise no AKCIPHER, yet %s registered %v", r.o.module, got)
			return
		}
		r.passf("akcipher", "%s registered no akcipher (none advertised)", r.o.module)
		return
	}
	deadline := time.Now().Add(r.o.settle)
	for {
		text, err := os.ReadFile("/proc/crypto")
		if err != nil {
			r.failf("akcipher", "%v", err)
			return
		}
		entries := parseProcCrypto(string(text))
		problems, details := akcipherState(entries, a.drivers, r.o.module)
		if len(problems) == 0 {
			r.passf("akcipher", "%s", strings.Join(details, "; "))
			return
		}
		if time.Now().After(deadline) {
			r.failf("akcipher", "after %v: %s; the module's akcipher entries: %v", r.o.settle, strings.Join(problems, "; "), moduleAkciphers(entries, r.o.module))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// akcipherState compares /proc/crypto entries with the wanted akcipher
// drivers: each must be listed exactly once, by module, as an akcipher
// with "selftest : passed". It returns what is wrong (empty when all is
// well) and a description of each driver found.
func akcipherState(entries []cryptoEntry, drivers []string, module string) (problems, details []string) {
	for _, d := range drivers {
		found := findDriver(entries, d)
		if len(found) != 1 {
			problems = append(problems, fmt.Sprintf("%s listed %d times, want once", d, len(found)))
			continue
		}
		e := found[0]
		bad := false
		for k, v := range map[string]string{"type": "akcipher", "module": module, "selftest": "passed"} {
			if e[k] != v {
				problems = append(problems, fmt.Sprintf("%s: %s is %q, want %q", d, k, e[k], v))
				bad = true
			}
		}
		if !bad {
			details = append(details, fmt.Sprintf("name=%s driver=%s priority=%s selftest=%s", e["name"], d, e["priority"], e["selftest"]))
		}
	}
	return problems, details
}
