package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vcrypto/internal/daemon"
)

// checkGoroutines fails the test if goroutines started during it are
// still running shortly after it ends.
func checkGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for range 200 {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines %d -> %d:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	})
}

// tinyConfig is a matrix small enough to run end to end in a second or
// two (also under the race detector): every service, both drivers, one
// and two queues, with and without daemon polling.
func tinyConfig() Config {
	return Config{
		Algorithms: []string{"aes-128-cbc", "aes-128-gcm", "sha-256", "hmac-sha256"},
		Sizes:      []int{64, 4096},
		InFlight:   []int{1, 8},
		Queues:     []int{1, 2},
		Drivers:    []string{DriverSleep, DriverPoll},
		PollUS:     []int{0, 50},
		CellTime:   3 * time.Millisecond,
	}
}

func TestRunTinyMatrix(t *testing.T) {
	checkGoroutines(t)
	var progress bytes.Buffer
	cfg := tinyConfig()
	cfg.Progress = &progress
	start := time.Now()
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tiny matrix: %v", time.Since(start))
	// algorithms × sizes × in flight × poll times × (driver, queues)
	// pairs that fit this machine's CPUs.
	pairs := 0
	for _, dm := range cfg.Drivers {
		for _, nq := range cfg.Queues {
			if driverFits(dm, nq, false) {
				pairs++
			}
		}
	}
	want := 4 * 2 * 2 * 2 * pairs
	if len(rep.Cells) != want {
		t.Fatalf("%d cells, want %d", len(rep.Cells), want)
	}
	for _, c := range rep.Cells {
		name := c.Algorithm + " " + FormatSize(c.Size) + " " + c.Driver
		if !c.Verified || c.Requests <= 0 || c.MBps <= 0 || c.ReqPerSec <= 0 || c.P50us <= 0 || c.P99us < c.P50us {
			t.Errorf("%s: %+v", name, c)
		}
		if c.RatioEngine <= 0 || c.RatioGo <= 0 || c.CPUPerReqNs < 0 || c.AllocsPerReq < 0 {
			t.Errorf("%s: baselines or CPU missing: %+v", name, c)
		}
		// The data path allocates nothing in steady state; a cell may
		// catch a few runtime allocations, not one per request.
		if allocs := c.AllocsPerReq * float64(c.Requests); allocs > 16 && !raceEnabled {
			t.Errorf("%s: %.0f allocations for %d requests", name, allocs, c.Requests)
		}
		// The sleeping driver asks for every completion it waits for;
		// the polling one asks for none.
		if c.Driver == DriverSleep && c.PollUS == 0 && c.InFlight == 1 && c.CallsPerReq < 0.5 {
			t.Errorf("%s: %.3f calls per request for a sleeping driver, one in flight", name, c.CallsPerReq)
		}
		if c.Driver == DriverPoll && c.CallsPerReq > 0.01 {
			t.Errorf("%s: %.3f calls per request for a polling driver", name, c.CallsPerReq)
		}
	}
	if len(rep.Raw) != 8 {
		t.Errorf("%d baselines, want 8", len(rep.Raw))
	}
	if rep.Floor == nil || rep.Floor.Samples == 0 || rep.Floor.P50us <= 0 {
		t.Errorf("floor %+v", rep.Floor)
	}
	if s := rep.Setup; s == nil || s.MemMiB != 1024 || s.Samples != setupRounds || s.BestMS <= 0 || s.P50MS < s.BestMS || s.MaxMS < s.P50MS {
		t.Errorf("setup %+v", rep.Setup)
	}
	if len(rep.Control) != 4 { // two daemons × {1, 16} in flight
		t.Errorf("control results %+v", rep.Control)
	}
	for _, c := range rep.Control {
		if c.Pairs <= 0 || c.PairsPerSec <= 0 {
			t.Errorf("control %+v", c)
		}
	}
	if !strings.Contains(progress.String(), fmt.Sprintf("[%d/%d]", want, want)) {
		t.Errorf("progress lacks the last cell:\n%s", progress.String())
	}
	checkOutputs(t, rep)
}

// checkOutputs checks the table, the JSON (it parses back into the same
// report) and the SVG (well-formed XML with an svg root and a line per
// series).
func checkOutputs(t *testing.T, rep *Report) {
	t.Helper()
	var tbl bytes.Buffer
	if err := rep.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"AES-128-GCM", "cpu ns/req", "control plane", "baselines", "queue scaling", "setup: SET_MEM_TABLE 1 GiB"} {
		if !strings.Contains(tbl.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tbl.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}
	if len(back.Cells) != len(rep.Cells) || len(back.Raw) != len(rep.Raw) || back.Cells[0] != rep.Cells[0] || back.Mode != rep.Mode {
		t.Errorf("JSON round trip lost data")
	}
	var svg bytes.Buffer
	if err := rep.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&svg)
	var root string
	polylines := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "polyline" {
				polylines++
			}
		}
	}
	algs := map[string]bool{}
	for _, c := range rep.Cells {
		algs[c.Algorithm] = true
	}
	if root != "svg" || polylines < 3*len(algs) {
		t.Errorf("SVG root %q with %d polylines for %d algorithms", root, polylines, len(algs))
	}
}

// TestRunCryptodevExternal drives a daemon started separately (as
// --socket-path does) in cryptodev mode: cipher algorithms run, AEAD is
// skipped with a note, the control plane uses vhost-user messages.
func TestRunCryptodevExternal(t *testing.T) {
	checkGoroutines(t)
	path := filepath.Join(t.TempDir(), "d.sock")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{SocketPath: path, Mode: "cryptodev", Queues: 2, Engine: "soft",
			MaxSessions: 64, Logger: slog.New(slog.DiscardHandler)})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	}()
	for i := 0; ; i++ {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			break
		}
		if i > 1000 {
			t.Fatal("daemon did not listen")
		}
		time.Sleep(5 * time.Millisecond)
	}
	rep, err := Run(context.Background(), Config{
		SocketPath: path, Mode: "cryptodev", Algorithms: []string{"aes-256-xts", "chacha20-poly1305", "aes-128-ctr"},
		Sizes: []int{1024}, InFlight: []int{4}, Queues: []int{1, 2}, Drivers: []string{DriverSleep, DriverPoll}, CellTime: 3 * time.Millisecond, NoFloor: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, dm := range []string{DriverSleep, DriverPoll} {
		for _, nq := range []int{1, 2} {
			if driverFits(dm, nq, true) {
				want += 2 // XTS and CTR
			}
		}
	}
	if len(rep.Cells) != want || !rep.External {
		t.Fatalf("cells %+v", rep.Cells)
	}
	for _, c := range rep.Cells {
		if !c.Verified || c.Requests == 0 || c.PollUS != -1 || c.AllocsPerReq != -1 {
			t.Errorf("%+v", c)
		}
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "ChaCha20-Poly1305 skipped") {
		t.Errorf("notes %q", rep.Notes)
	}
	if len(rep.Control) != 1 || rep.Control[0].Mode != "cryptodev" || rep.Control[0].Pairs == 0 {
		t.Errorf("control %+v", rep.Control)
	}
	// A daemon with fewer data queues than asked for is an error.
	_, err = Run(context.Background(), Config{SocketPath: path, Mode: "cryptodev", Algorithms: []string{"aes-128-ctr"},
		Sizes: []int{64}, InFlight: []int{1}, Queues: []int{3}, CellTime: time.Millisecond, NoFloor: true, NoRaw: true, NoControl: true})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("three queues on a two-queue daemon: %v", err)
	}
}

// TestRunCancel: a cancelled context ends the run early with the cells
// measured so far and every goroutine ended.
func TestRunCancel(t *testing.T) {
	checkGoroutines(t)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := tinyConfig()
	cfg.Progress = writerFunc(func(p []byte) (int, error) {
		if bytes.Contains(p, []byte("[2/")) {
			cancel()
		}
		return len(p), nil
	})
	rep, err := Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if rep == nil || len(rep.Cells) < 2 || len(rep.Cells) >= 48 {
		t.Fatalf("report after cancel: %v cells", len(rep.Cells))
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestDriverChecksResults: the driver counts a completion with a bad
// status, a wrong result, or a wrong tail as bad, and records latency
// only for good completions in the measured window.
func TestDriverChecksResults(t *testing.T) {
	exp := bytes.Repeat([]byte{0xab}, 64)
	newDriver := func() *driver {
		return &driver{outLen: 64, exp: exp, submit: make([]int64, 4), lat: make([]uint32, 0, 4), stride: 1, measuring: true}
	}
	good := func() [][]byte { return [][]byte{bytes.Clone(exp), {0}} }
	d := newDriver()
	d.onUsed(0, 65, good())
	d.onUsed(1, 65, good())
	if d.bad != 0 || d.completed != 2 || len(d.lat) != 2 {
		t.Fatalf("good completions: bad %d, completed %d, %d samples", d.bad, d.completed, len(d.lat))
	}
	for name, w := range map[string][][]byte{
		"status":      {bytes.Clone(exp), {byte(2)}},
		"first bit":   func() [][]byte { w := good(); w[0][0] ^= 1; return w }(),
		"length":      {exp[:63], {0}},
		"one buffer":  {append(bytes.Clone(exp), 0)},
		"status size": {bytes.Clone(exp), {0, 0}},
	} {
		d := newDriver()
		d.onUsed(0, 65, w)
		if d.bad != 1 || d.completed != 0 {
			t.Errorf("%s: bad %d, completed %d", name, d.bad, d.completed)
		}
	}
	// After the first completion only the tail is compared: a flipped
	// last bit is caught.
	d = newDriver()
	d.onUsed(0, 65, good())
	w := good()
	w[0][63] ^= 0x80
	d.onUsed(1, 65, w)
	if d.bad != 1 {
		t.Errorf("flipped last bit: bad %d", d.bad)
	}
	// The sample buffer halves its rate when full.
	d = newDriver()
	for i := range 10 {
		d.now = int64(i + 1)
		d.onUsed(0, 65, good())
	}
	if d.completed != 10 || len(d.lat) > 4 || d.stride < 2 {
		t.Errorf("decimation: completed %d, %d samples, stride %d", d.completed, len(d.lat), d.stride)
	}
}

func TestPercentiles(t *testing.T) {
	lat := make([]uint32, 1000)
	for i := range lat {
		lat[i] = uint32(1000 * (1000 - i)) // 1..1000 µs, reversed
	}
	p50, p99 := percentiles(lat)
	if p50 != 501 || p99 != 991 {
		t.Errorf("p50 %v p99 %v, want 501 and 991", p50, p99)
	}
	if a, b := percentiles(nil); a != 0 || b != 0 {
		t.Error("percentiles of nothing")
	}
}
