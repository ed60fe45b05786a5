package bench

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"64", 64}, {"1K", 1024}, {"4k", 4096}, {"4KiB", 4096}, {"64 KB", 65536}, {"1M", 1 << 20},
		{"1MiB", 1 << 20}, {"512B", 512}, {" 16 ", 16}, {"0", 0},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "K", "-1", "1.5K", "2M", "1048577", "1G", "0x10", "99999999999999999999K"} {
		if n, err := ParseSize(in); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseSize(%q) = %d, %v; want ErrConfig", in, n, err)
		}
	}
	for _, n := range []int{0, 1, 64, 1000, 1024, 1536, 65536, 1 << 20} {
		if got, err := ParseSize(FormatSize(n)); err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d) = %q) = %d, %v", n, FormatSize(n), got, err)
		}
	}
	if s := FormatSize(65536); s != "64K" {
		t.Errorf("FormatSize(65536) = %q", s)
	}
}

func TestParseLists(t *testing.T) {
	if got, err := ParseSizes("64,1K, 4K,,64K"); err != nil || !slices.Equal(got, []int{64, 1024, 4096, 65536}) {
		t.Errorf("ParseSizes = %v, %v", got, err)
	}
	if got, err := ParseInts("1,16,64"); err != nil || !slices.Equal(got, []int{1, 16, 64}) {
		t.Errorf("ParseInts = %v, %v", got, err)
	}
	if got, err := ParseAlgorithms("AES-128-GCM,sha-256"); err != nil || !slices.Equal(got, []string{"aes-128-gcm", "sha-256"}) {
		t.Errorf("ParseAlgorithms = %v, %v", got, err)
	}
	if got, err := ParseAlgorithms("all"); err != nil || len(got) != len(Algorithms()) || len(got) < 7 {
		t.Errorf("ParseAlgorithms(all) = %v, %v", got, err)
	}
	if got, err := ParseDrivers("poll, Sleep"); err != nil || !slices.Equal(got, []string{DriverPoll, DriverSleep}) {
		t.Errorf("ParseDrivers = %v, %v", got, err)
	}
	for _, bad := range []func() error{
		func() error { _, err := ParseSizes(""); return err },
		func() error { _, err := ParseSizes("64,x"); return err },
		func() error { _, err := ParseInts("1,-2"); return err },
		func() error { _, err := ParseInts(" , "); return err },
		func() error { _, err := ParseAlgorithms("aes-512-cbc"); return err },
		func() error { _, err := ParseAlgorithms(""); return err },
		func() error { _, err := ParseDrivers("spin"); return err },
	} {
		if err := bad(); !errors.Is(err, ErrConfig) {
			t.Errorf("bad list accepted: %v", err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	var c Config
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Mode != "device" || len(c.Algorithms) != len(Algorithms()) || !slices.Equal(c.Sizes, DefaultSizes) ||
		!slices.Equal(c.InFlight, DefaultInFlight) || !slices.Equal(c.Queues, DefaultQueues) || c.CellTime != DefaultCellTime ||
		!slices.Equal(c.Drivers, DefaultDrivers) || !slices.Equal(c.PollUS, DefaultPollUS) {
		t.Errorf("defaults: %+v", c)
	}
	for _, bad := range []Config{
		{Mode: "vhost"},
		{Algorithms: []string{"md4"}},
		{Sizes: []int{0}},
		{Sizes: []int{MaxSize + 1}},
		{InFlight: []int{MaxInFlight + 1}},
		{Queues: []int{0}},
		{PollUS: []int{-1}},
		{Drivers: []string{"busy"}},
		{SocketPath: "/x", PollUS: []int{0, 50}},
		{CellTime: time.Microsecond},
		{CellTime: 2 * MaxCellTime},
		{PID: -1},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("Validate(%+v) = %v, want ErrConfig", bad, err)
		}
	}
}

func TestAlgorithmsFit(t *testing.T) {
	for _, tc := range []struct {
		alg  string
		size int
		ok   bool
	}{
		{"aes-128-cbc", 64, true}, {"aes-128-cbc", 65, false}, {"aes-256-xts", 15, false}, {"aes-256-xts", 17, false}, {"aes-256-xts", 32, true},
		{"aes-128-ctr", 1, true}, {"sha-256", 1, true},
	} {
		if ok := findAlgorithm(tc.alg).fits(tc.size) == ""; ok != tc.ok {
			t.Errorf("%s %d: fits %v, want %v", tc.alg, tc.size, ok, tc.ok)
		}
	}
}

func TestParseStat(t *testing.T) {
	// A /proc/<pid>/stat line whose command name holds a space and a
	// parenthesis; utime 1234 and stime 56 ticks (fields 14 and 15).
	line := "4242 (vhost ) user) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 7 0 100 0 0\n"
	got, err := parseStat([]byte(line))
	if err != nil || got != (1234+56)*clockTick {
		t.Errorf("parseStat = %v, %v; want %v", got, err, (1234+56)*clockTick)
	}
	for _, bad := range []string{"", "4242 vhost S 1", "1 (x) S 1 2 3", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 x 5 0"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
	if _, err := pidCPU(1 << 30); err == nil {
		t.Error("pidCPU of a process that does not exist succeeded")
	}
}

func TestCPUModel(t *testing.T) {
	if got := cpuModel("processor\t: 0\nvendor_id\t: X\nmodel name\t: Some CPU @ 3GHz\n"); got != "Some CPU @ 3GHz" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel("nothing"); got != "" {
		t.Errorf("cpuModel = %q", got)
	}
}

func TestRawBaselinesAgree(t *testing.T) {
	// Raw Go and the soft engine compute the same result for every
	// algorithm (the bench refuses to run otherwise); measured here for
	// a size that is not a multiple of the block where allowed.
	r := &runner{cfg: Config{CellTime: time.Millisecond}, raw: map[rawKey]*Raw{}, rep: &Report{}}
	eng, err := newEngine()
	if err != nil {
		t.Fatal(err)
	}
	r.eng = eng
	for _, name := range Algorithms() {
		a := findAlgorithm(name)
		size := 1000
		if a.fits(size) != "" {
			size = 1024
		}
		goFn, err := a.rawGo()
		if err != nil {
			t.Fatal(err)
		}
		src := pattern(size, 3)
		exp := goFn(make([]byte, a.outLen(size)), src)
		if b, err := r.baseline(a, size, src, exp, goFn); err != nil || b.EngineMBps <= 0 || b.GoMBps <= 0 {
			t.Errorf("%s: %+v, %v", name, b, err)
		}
		// A wrong expectation is caught.
		bad := append([]byte(nil), exp...)
		bad[len(bad)-1] ^= 1
		delete(r.raw, rawKey{a.title, size})
		if _, err := r.baseline(a, size, src, bad, goFn); err == nil || !strings.Contains(err.Error(), "differs") {
			t.Errorf("%s: wrong expectation accepted: %v", name, err)
		}
	}
}
