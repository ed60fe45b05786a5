package enginetest

import (
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vcrypto/internal/engine"
)

func TestParseRSP(t *testing.T) {
	const in = `# header comment
[Keylen = 128]
[ENCRYPT]

COUNT = 0
KEY = 00ff
# inside comment
MSG =
FAIL

COUNT = 1
KEY = 01
COUNT = 2
KEY = 02

[DECRYPT]
COUNT = 3
`
	recs, err := parseRSP([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []rspRecord{
		{Section: map[string]string{"Keylen": "128", "ENCRYPT": ""}, Fields: map[string]string{"COUNT": "0", "KEY": "00ff", "MSG": ""}, Flags: []string{"FAIL"}, Line: 5},
		{Section: map[string]string{"Keylen": "128", "ENCRYPT": ""}, Fields: map[string]string{"COUNT": "1", "KEY": "01"}, Line: 11},
		{Section: map[string]string{"Keylen": "128", "ENCRYPT": ""}, Fields: map[string]string{"COUNT": "2", "KEY": "02"}, Line: 13},
		{Section: map[string]string{"DECRYPT": ""}, Fields: map[string]string{"COUNT": "3"}, Line: 17},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("parseRSP =\n%+v\nwant\n%+v", recs, want)
	}
	for _, bad := range []string{"[ENCRYPT\n", "= 12\n", "X = " + strings.Repeat("0", 2<<20) + "\n"} {
		if _, err := parseRSP([]byte(bad)); err == nil {
			t.Errorf("parseRSP(%.20q) accepted a malformed file", bad)
		}
	}
}

func TestRecordReader(t *testing.T) {
	recs, err := parseRSP([]byte("Len = 0\nMsg = 00\nMD = 0a\n\nLen = 12\nMsg = 0011\n\nLen = 16\nMsg = 00\n\nMsg = zz\n"))
	if err != nil {
		t.Fatal(err)
	}
	rr := &recordReader{file: "f", r: &recs[0]}
	if m := rr.msg("Msg", "Len"); rr.err != nil || m == nil || len(m) != 0 {
		t.Errorf("empty message: %x, %v", m, rr.err)
	}
	for i, what := range []string{"not whole bytes", "too short", "bad hex"} {
		rr := &recordReader{file: "f", r: &recs[i+1]}
		if i == 2 {
			rr.hex("Msg")
		} else {
			rr.msg("Msg", "Len")
		}
		if rr.err == nil {
			t.Errorf("%s: no error", what)
		}
	}
	rr = &recordReader{file: "f", r: &recs[0]}
	rr.str("KEY")
	rr.int("Len", map[string]string{"Len": "-1"})
	if rr.err == nil || !strings.Contains(rr.err.Error(), "KEY") {
		t.Errorf("missing field: the first error is %v", rr.err)
	}
}

func TestLoadAllRejects(t *testing.T) {
	ok := func() ([]Vector, error) { return []Vector{{Suite: suiteMD5, ID: "a"}}, nil }
	if vs, err := loadAll([]loaderFunc{ok}); err != nil || len(vs) != 1 {
		t.Fatalf("loadAll(ok) = %d vectors, %v", len(vs), err)
	}
	for name, l := range map[string]loaderFunc{
		"error":     func() ([]Vector, error) { return nil, errors.New("boom") },
		"unknown":   func() ([]Vector, error) { return []Vector{{Suite: "nope", ID: "a"}}, nil },
		"duplicate": func() ([]Vector, error) { return []Vector{{Suite: suiteMD5, ID: "a"}, {Suite: suiteMD5, ID: "a"}}, nil },
	} {
		if _, err := loadAll([]loaderFunc{ok, l}); err == nil {
			t.Errorf("loadAll accepted a %s loader", name)
		}
	}
}

func TestModuleVectorDirFails(t *testing.T) {
	_, err := moduleVectorDir("example.invalid/not-a-requirement")
	if !errors.Is(err, errWycheproof) {
		t.Fatalf("moduleVectorDir(unknown module) = %v, want an error wrapping errWycheproof", err)
	}
	t.Logf("the error a missing module gives: %v", err)
}

// TestEmbeddedFilesUsed checks that every embedded vector file is read by
// a loader (a file nobody loads would be dead weight, a loader that reads
// a missing file fails loading).
func TestEmbeddedFilesUsed(t *testing.T) {
	var files []string
	err := fs.WalkDir(testdata, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := loadAll([]loaderFunc{loadNIST, loadRFC})
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	for i := range vs {
		sources.WriteString(vs[i].Source)
		sources.WriteString(vs[i].ID)
		sources.WriteByte('\n')
	}
	akvs, err := loadCAVPAK()
	if err != nil {
		t.Fatal(err)
	}
	for i := range akvs {
		sources.WriteString(akvs[i].Source)
		sources.WriteByte('\n')
	}
	all := sources.String()
	for _, f := range files {
		base := f[strings.LastIndexByte(f, '/')+1:]
		base = strings.TrimSuffix(strings.TrimSuffix(base, ".rsp"), ".txt")
		if !strings.Contains(all, base) {
			t.Errorf("embedded %s is not cited by any vector", f)
		}
	}
}

// TestEmbeddedSuites checks the suites of the embedded (non-Wycheproof)
// loaders against Suites, and the Go tables' counts.
func TestEmbeddedSuites(t *testing.T) {
	vs, err := loadAll([]loaderFunc{loadNIST, loadRFC, loadGPP, loadDPDK})
	if err != nil {
		t.Fatal(err)
	}
	got := Tally(vs)
	for _, s := range Suites() {
		if strings.HasPrefix(s, "wycheproof:") {
			continue
		}
		if got[s] == nil || got[s].Loaded == 0 {
			t.Errorf("suite %s: no vectors", s)
		}
	}
	want := map[string]int{
		suiteCCM: 48, suiteChaCha: 4, suiteXCBC: 14, suiteAESF8: 2, suiteAESCTR: 6, suiteTDESCTR: 4,
		suiteKASUMIF8: 10, suiteKASUMIF9: 5, suiteSNOW3GUEA2: 10, suiteSNOW3GUIA2: 6, suiteZUCEEA3: 10, suiteZUCEIA3: 5,
		suiteHMACSHA224: 7, suiteHMACMD5: 8, suiteMD5: 7,
	}
	for s, n := range want {
		if got[s].Loaded != n {
			t.Errorf("suite %s: %d vectors, want %d", s, got[s].Loaded, n)
		}
	}
	if r := got[suiteZUCEIA3]; r.Skipped != r.Loaded || NoRunnable[suiteZUCEIA3] == "" {
		t.Errorf("ZUC-EIA3: %d of %d skipped; NoRunnable must list it only while all are skipped", r.Skipped, r.Loaded)
	}
}

func TestVectorAccessors(t *testing.T) {
	aead := func(dir engine.Direction, n, tag int) *Vector {
		return &Vector{Params: engine.SessionParams{Service: engine.ServiceAEAD, DigestLen: tag}, Dir: dir, Src: make([]byte, n)}
	}
	for _, c := range []struct {
		v           *Vector
		dst, digest int
	}{
		{aead(engine.Encrypt, 5, 16), 21, 0},
		{aead(engine.Decrypt, 20, 16), 4, 0},
		{aead(engine.Decrypt, 3, 16), 0, 0},
		{&Vector{Params: engine.SessionParams{Service: engine.ServiceCipher}, Src: make([]byte, 7)}, 7, 0},
		{&Vector{Params: engine.SessionParams{Service: engine.ServiceCipher, Chained: true, DigestLen: 4}, Src: make([]byte, 7)}, 7, 4},
		{&Vector{Params: engine.SessionParams{Service: engine.ServiceHash, DigestLen: 300}, Src: make([]byte, 7)}, 0, 300},
		{&Vector{Params: engine.SessionParams{Service: engine.ServiceMAC, DigestLen: -1}}, 0, 0},
	} {
		if d, g := c.v.DstLen(), c.v.DigestLen(); d != c.dst || g != c.digest {
			t.Errorf("%+v: DstLen %d DigestLen %d, want %d %d", c.v.Params, d, g, c.dst, c.digest)
		}
	}
	// Check's verdicts on hand-made outcomes.
	v := &Vector{WantDst: []byte{1, 2, 3}, DstCheckOffset: 1}
	if err := v.Check(nil, nil, []byte{9, 1, 2, 3}, nil); err != nil {
		t.Errorf("bytes before DstCheckOffset are checked: %v", err)
	}
	if err := v.Check(nil, nil, []byte{}, nil); err == nil {
		t.Error("a Dst shorter than DstCheckOffset passes")
	}
	inv := &Vector{Invalid: true, SessionFails: true, WantErr: engine.ErrInvalidKey}
	if err := inv.Check(nil, engine.ErrInvalidKey, nil, nil); err == nil {
		t.Error("SessionFails accepts a failure in Do")
	}
	if err := inv.Check(engine.ErrInvalidInput, nil, nil, nil); err == nil {
		t.Error("WantErr accepts another sentinel")
	}
	if err := inv.Check(engine.Errorf(engine.ErrInvalidKey, "x"), nil, nil, nil); err != nil {
		t.Errorf("wrapped sentinel: %v", err)
	}
	auth := &Vector{Invalid: true, WantErr: engine.ErrAuthFailed}
	if err := auth.Check(nil, engine.ErrAuthFailed, []byte{0, 1}, nil); err == nil {
		t.Error("a released plaintext passes")
	}
	if err := (&Vector{Skip: "x"}).Check(nil, nil, nil, nil); !errors.Is(err, ErrVectorSkipped) {
		t.Errorf("skipped vector: %v", err)
	}
	c := Tally([]Vector{{Suite: "s"}, {Suite: "s", Skip: "r"}, {Suite: "s", Skip: "r"}})["s"]
	c.Passed, c.Failed = 1, 0
	if line := c.Line("s"); line != "suite s: 1 passed, 2 skipped (r: 2)" {
		t.Errorf("Line = %q", line)
	}
	if !slices.IsSorted(Suites()) || len(Suites()) != len(suiteNames) {
		t.Error("Suites is not the sorted suite list")
	}
	if len(slices.Compact(Suites())) != len(suiteNames) {
		t.Error("duplicate suite names")
	}
}

func TestRunNilEngine(t *testing.T) {
	v := &Vector{Params: engine.SessionParams{Service: engine.ServiceHash, DigestLen: 1}}
	if err := v.Run(nil); err == nil {
		t.Error("Run(nil engine) succeeded")
	}
	var c *SuiteCount
	if got := c.Line("x"); got != "suite x: no vectors" {
		t.Errorf("nil SuiteCount Line = %q", got)
	}
	neg := &Vector{Params: engine.SessionParams{Service: engine.ServiceAEAD, DigestLen: -100}, Dir: engine.Encrypt, Src: make([]byte, 3)}
	if n := neg.DstLen(); n != 0 {
		t.Errorf("DstLen with a negative tag = %d", n)
	}
}
