package qemu

import (
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// guestReport is what the guest said on its serial console.
type guestReport struct {
	started     bool
	exit        int // -1 when the exit line is missing
	summarySeen bool
	pass, fail  int               // from VCRYPTO-SUMMARY
	phases      map[string][2]int // phase -> {pass, fail} from VCRYPTO-PHASE
	checks      map[string]int    // "phase/check" -> number of PASS lines
	failures    []string          // FAIL lines, verbatim
}

var (
	phaseRE   = regexp.MustCompile(`^VCRYPTO-PHASE (\S+) pass=(\d+) fail=(\d+)$`)
	summaryRE = regexp.MustCompile(`^VCRYPTO-SUMMARY pass=(\d+) fail=(\d+)$`)
	exitRE    = regexp.MustCompile(`^VCRYPTO-GUEST-EXIT (\d+)$`)
	passRE    = regexp.MustCompile(`^PASS (\S+/\S+)`)
)

// parseSerial reads the guest program's lines out of the serial console
// text. Lines may carry carriage returns and be preceded by kernel
// messages; anything that is not one of the guest's line formats is
// ignored. It never fails.
func parseSerial(out string) guestReport {
	r := guestReport{exit: -1, phases: map[string][2]int{}, checks: map[string]int{}}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\r", ""))
		// The console may glue a guest line to a preceding escape
		// sequence or kernel message: look for our markers anywhere.
		for _, marker := range []string{"VCRYPTO-", "PASS ", "FAIL "} {
			if i := strings.Index(line, marker); i > 0 {
				line = line[i:]
				break
			}
		}
		switch {
		case strings.HasPrefix(line, "VCRYPTO-GUEST-START"):
			r.started = true
		case strings.HasPrefix(line, "FAIL "):
			r.failures = append(r.failures, line)
		}
		if m := passRE.FindStringSubmatch(line); m != nil {
			r.checks[m[1]]++
		}
		if m := phaseRE.FindStringSubmatch(line); m != nil {
			p, _ := strconv.Atoi(m[2])
			f, _ := strconv.Atoi(m[3])
			r.phases[m[1]] = [2]int{p, f}
		}
		if m := summaryRE.FindStringSubmatch(line); m != nil {
			r.summarySeen = true
			r.pass, _ = strconv.Atoi(m[1])
			r.fail, _ = strconv.Atoi(m[2])
		}
		if m := exitRE.FindStringSubmatch(line); m != nil {
			r.exit, _ = strconv.Atoi(m[1])
		}
	}
	return r
}

// expectedChecks are the PASS lines every complete guest run prints, with
// the least number of times each must appear: 3 SP 800-38A vector pairs x
// 2 directions x 2 ways of splitting = 12 "kat", at least the 10 edge sizes
// in "random".
var expectedChecks = map[string]int{
	"load/insmod-virtio_crypto":   1,
	"load/insmod-algif_skcipher":  1,
	"initial/device":              1,
	"initial/proc-crypto":         1,
	"initial/kat":                 12,
	"initial/random":              10,
	"initial/parallel":            1,
	"initial/klog":                1,
	"unload/rmmod":                1,
	"unload/proc-crypto-gone":     1,
	"unload/bind-gone":            1,
	"reload/insmod-virtio_crypto": 1,
	"reload/device":               1,
	"reload/proc-crypto":          1,
	"reload/kat":                  12,
	"reload/random":               10,
	"reload/parallel":             1,
	"reload/klog":                 1,
}

// problems lists everything wrong with a guest report; empty means the
// guest ran every check and all passed.
func (r guestReport) problems() []string { return r.problemsWith(nil) }

// problemsWith is problems with more required PASS lines on top of
// expectedChecks (the checks a run's guest flags switch on).
func (r guestReport) problemsWith(extra map[string]int) []string {
	var out []string
	if !r.started {
		out = append(out, "the guest never started its /init (no VCRYPTO-GUEST-START line)")
	}
	for _, f := range r.failures {
		out = append(out, "guest: "+f)
	}
	if !r.summarySeen {
		out = append(out, "no VCRYPTO-SUMMARY line: the guest program did not finish")
	} else if r.fail != 0 {
		out = append(out, fmt.Sprintf("guest summary: %d passed, %d failed", r.pass, r.fail))
	}
	if r.exit != 0 {
		out = append(out, fmt.Sprintf("guest program exit status %d (want 0; -1 = no VCRYPTO-GUEST-EXIT line)", r.exit))
	}
	for _, ph := range []string{"load", "initial", "unload", "reload"} {
		c, ok := r.phases[ph]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("phase %s never finished", ph))
		case c[1] != 0:
			out = append(out, fmt.Sprintf("phase %s: %d failed", ph, c[1]))
		}
	}
	want := maps.Clone(expectedChecks)
	for k, n := range extra {
		want[k] = max(want[k], n)
	}
	for _, k := range sortedKeys(want) {
		if got := r.checks[k]; got < want[k] {
			out = append(out, fmt.Sprintf("check %s passed %d times, want at least %d", k, got, want[k]))
		}
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
