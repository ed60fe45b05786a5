//go:build linux

package main

import (
	"slices"
	"strings"
	"testing"
)

func TestAkcipherFlag(t *testing.T) {
	var a akcipherExpect
	if a.set || a.String() != "" {
		t.Fatalf("zero value: %+v %q", a, a.String())
	}
	if err := a.Set("none"); err != nil || !a.set || len(a.drivers) != 0 || a.String() != "none" {
		t.Errorf("none: %+v %v", a, err)
	}
	if err := a.Set(" virtio-crypto-rsa, virtio-pkcs1-rsa "); err != nil || !slices.Equal(a.drivers, []string{"virtio-crypto-rsa", "virtio-pkcs1-rsa"}) || a.String() != "virtio-crypto-rsa,virtio-pkcs1-rsa" {
		t.Errorf("list: %+v %v", a, err)
	}
	for _, bad := range []string{"", ",", "a,,b", "a b", "none,virtio-crypto-rsa", "x:y"} {
		if err := a.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted: %+v", bad, a)
		}
	}
}

// FuzzAkcipherFlag: no panic; an accepted value prints back to a value
// that parses to the same expectation.
func FuzzAkcipherFlag(f *testing.F) {
	for _, s := range []string{"none", "virtio-crypto-rsa,virtio-pkcs1-rsa", "", "a,,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var a, b akcipherExpect
		if a.Set(s) != nil {
			return
		}
		if err := b.Set(a.String()); err != nil || !slices.Equal(a.drivers, b.drivers) || a.set != b.set {
			t.Fatalf("%q -> %q -> %+v, %v", s, a.String(), b, err)
		}
	})
}

// procCryptoRSA is the akcipher part of /proc/crypto as Linux 6.1 prints
// it (crypto/proc.c c_show, crypto_akcipher_show prints only the type).
const procCryptoRSA = `name         : pkcs1pad(rsa)
driver       : virtio-pkcs1-rsa
module       : virtio_crypto
priority     : 150
refcnt       : 1
selftest     : passed
internal     : no
type         : akcipher

name         : rsa
driver       : virtio-crypto-rsa
module       : virtio_crypto
priority     : 150
refcnt       : 1
selftest     : passed
internal     : no
type         : akcipher

name         : rsa
driver       : rsa-generic
module       : kernel
priority     : 100
refcnt       : 1
selftest     : passed
internal     : no
type         : akcipher
`

func TestAkcipherState(t *testing.T) {
	entries := parseProcCrypto(procCryptoRSA)
	drivers := []string{"virtio-crypto-rsa", "virtio-pkcs1-rsa"}
	if p, d := akcipherState(entries, drivers, "virtio_crypto"); len(p) != 0 || len(d) != 2 {
		t.Errorf("good: problems %v details %v", p, d)
	}
	if got := moduleAkciphers(entries, "virtio_crypto"); len(got) != 2 {
		t.Errorf("moduleAkciphers: %v", got)
	}
	if got := moduleAkciphers(parseProcCrypto(procCryptoSample), "virtio_crypto"); len(got) != 0 {
		t.Errorf("moduleAkciphers of a skcipher-only listing: %v", got)
	}
	for name, text := range map[string]string{
		"missing":        strings.SplitN(procCryptoRSA, "\n\n", 2)[1],
		"not tested yet": strings.Replace(procCryptoRSA, "selftest     : passed", "selftest     : unknown", 1),
		"wrong module":   strings.Replace(procCryptoRSA, "module       : virtio_crypto", "module       : other", 1),
		"listed twice":   procCryptoRSA + "\n" + strings.SplitN(procCryptoRSA, "\n\n", 2)[0] + "\n",
	} {
		if p, _ := akcipherState(parseProcCrypto(text), drivers, "virtio_crypto"); len(p) == 0 {
			t.Errorf("%s: no problem found", name)
		}
	}
}
