//go:build linux

package main

import (
	"bufio"
	"strings"
)

// cryptoEntry is one algorithm block of /proc/crypto: "key : value" lines,
// keys as the kernel prints them ("name", "driver", "module", "priority",
// "selftest", "type", ...).
type cryptoEntry map[string]string

// parseProcCrypto splits the text of /proc/crypto into its blank-line
// separated blocks. Lines without a colon are ignored; a key's value has
// its surrounding spaces removed. It never fails: malformed text yields
// fewer or partial entries.
func parseProcCrypto(text string) []cryptoEntry {
	var out []cryptoEntry
	cur := cryptoEntry{}
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = cryptoEntry{}
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), len(text)+1)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		cur[k] = strings.TrimSpace(v)
	}
	flush()
	return out
}

// findDriver returns the entries whose driver field equals driver.
func findDriver(entries []cryptoEntry, driver string) []cryptoEntry {
	var out []cryptoEntry
	for _, e := range entries {
		if e["driver"] == driver {
			out = append(out, e)
		}
	}
	return out
}
