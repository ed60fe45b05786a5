package xts

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCAVP runs NIST CAVP XTS-AES known answers (XTSGenAES128.rsp and
// XTSGenAES256.rsp, "tweak-128hexstr" variant: the field i is the 16-byte
// tweak), trimmed as testdata/README.md says. Cases whose DataUnitLen is not a
// whole number of bytes are skipped and counted: virtio-crypto lengths are
// bytes. Every other case is checked in both directions, out of place and in
// place.
func TestCAVP(t *testing.T) {
	for _, tc := range []struct {
		file          string
		wantRun       int // cases checked
		wantCTS       int // of which DataUnitLen is not a multiple of 128
		wantSkipped   int // DataUnitLen not a whole number of bytes
		wantKeyLength int
	}{
		// DataUnitLen 128, 256 (25 each per section), 200 (all 100 per
		// section), 130 (5 per section, skipped).
		{"XTSGenAES128.rsp", 300, 200, 10, 32},
		// DataUnitLen 256, 384 (25 each per section), 140 and 250 (5
		// each per section, skipped). This file has no whole-byte length
		// that is not a multiple of 128.
		{"XTSGenAES256.rsp", 100, 0, 20, 64},
	} {
		t.Run(tc.file, func(t *testing.T) {
			recs := readRSP(t, filepath.Join("testdata", tc.file))
			run, cts, skipped := 0, 0, 0
			for _, r := range recs {
				bits, err := strconv.Atoi(r.f["DataUnitLen"])
				if err != nil {
					t.Fatalf("%s COUNT %s: bad DataUnitLen", r.section, r.f["COUNT"])
				}
				if bits%8 != 0 {
					skipped++
					continue
				}
				key, tweak := unhex(t, r.f["Key"]), unhex(t, r.f["i"])
				pt, ct := unhex(t, r.f["PT"]), unhex(t, r.f["CT"])
				if len(key) != tc.wantKeyLength || len(pt)*8 != bits || len(ct) != len(pt) || len(tweak) != 16 {
					t.Fatalf("%s COUNT %s: malformed record", r.section, r.f["COUNT"])
				}
				t.Run(r.section+"/"+r.f["COUNT"], func(t *testing.T) {
					checkKAT(t, cipherFor(t, key), tweak, pt, ct)
				})
				run++
				if bits%128 != 0 {
					cts++
				}
			}
			t.Logf("%s: %d cases checked (%d with ciphertext stealing), %d skipped (DataUnitLen not whole bytes)",
				tc.file, run, cts, skipped)
			if run != tc.wantRun || cts != tc.wantCTS || skipped != tc.wantSkipped {
				t.Errorf("counts: run %d cts %d skipped %d, want %d %d %d",
					run, cts, skipped, tc.wantRun, tc.wantCTS, tc.wantSkipped)
			}
		})
	}
}

type rspRecord struct {
	section string // "ENCRYPT" or "DECRYPT"
	f       map[string]string
}

// readRSP parses a CAVP response file: "[SECTION]" lines, then records of
// "Name = value" lines separated by blank lines; "#" lines are comments.
func readRSP(t *testing.T, path string) []rspRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []rspRecord
	section := ""
	cur := map[string]string{}
	flush := func() {
		if len(cur) > 0 {
			for _, k := range []string{"COUNT", "DataUnitLen", "Key", "i", "PT", "CT"} {
				if _, ok := cur[k]; !ok {
					t.Fatalf("%s: record %v lacks %s", path, cur, k)
				}
			}
			if section == "" {
				t.Fatalf("%s: record before any section", path)
			}
			recs = append(recs, rspRecord{section, cur})
			cur = map[string]string{}
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			flush()
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, " = ")
			if !ok {
				t.Fatalf("%s: bad line %q", path, line)
			}
			cur[k] = v
		}
	}
	flush()
	return recs
}
