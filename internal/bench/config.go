package bench

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"vcrypto/internal/daemon"
)

// ErrConfig: a Config field (or a list given on the command line) is
// invalid.
var ErrConfig = errors.New("bench: invalid configuration")

// Limits of a Config.
const (
	MaxSize     = 1 << 20 // largest data size of a request
	MaxInFlight = 256     // most requests in flight per queue
	MaxQueues   = 16      // most data queues driven at once
	MaxCellTime = time.Minute
	MinCellTime = time.Millisecond
)

// Defaults of the matrix.
var (
	DefaultSizes    = []int{64, 1024, 4096, 65536}
	DefaultInFlight = []int{1, 16, 64}
	DefaultQueues   = []int{1, 2}
	DefaultPollUS   = []int{0, daemon.DefaultPollUS}
)

// Frontend driver modes (Config.Drivers, Cell.Driver).
const (
	// DriverSleep: the frontend asks for used buffer notifications and
	// sleeps in poll(2) on the call eventfd, as the Linux driver waits for
	// its interrupt.
	DriverSleep = "sleep"
	// DriverPoll: the frontend turns notifications off and polls the used
	// ring, as DPDK's virtio drivers do; it replaces each completion at
	// once, so the device can serve without ever sleeping.
	DriverPoll = "poll"
)

// DefaultDrivers is the default of Config.Drivers.
var DefaultDrivers = []string{DriverSleep, DriverPoll}

// DefaultCellTime is the measured time of one cell.
const DefaultCellTime = 300 * time.Millisecond

// Config is one benchmark run. The zero value of a list field means its
// default; Validate fills them in.
type Config struct {
	// SocketPath names the socket of a daemon that is already running.
	// Empty: the bench starts a daemon in its own process on a temporary
	// socket (one per PollUS value).
	SocketPath string
	// PID is the external daemon's process, for its CPU time; 0: the
	// peer of the socket (SO_PEERCRED). Ignored without SocketPath.
	PID int
	// Mode is "device" (default: sessions through the control queue,
	// every service) or "cryptodev" (sessions through vhost-user
	// CREATE_CRYPTO_SESSION; cipher algorithms only).
	Mode string
	// Algorithms are names from Algorithms(); empty: all of them.
	Algorithms []string
	// Sizes are data sizes in bytes; InFlight the requests kept in flight
	// per queue; Queues the numbers of data queues driven at once.
	Sizes, InFlight, Queues []int
	// Drivers are the ways the frontend waits for completions, each a
	// dimension of the matrix: DriverSleep, DriverPoll. Empty:
	// DefaultDrivers.
	Drivers []string
	// PollUS are the daemon poll times (daemon.Config.PollUS) to run the
	// matrix with; in-process daemon only. Empty: DefaultPollUS (never,
	// and the command's default); with SocketPath, one pass.
	PollUS []int
	// CellTime is the measured time of each cell, after a warm-up of a
	// fifth of it (at least 5 ms, at most 100 ms). 0: DefaultCellTime.
	CellTime time.Duration
	// Direct makes the frontend use direct descriptor chains instead of
	// indirect tables (the Linux driver's choice).
	Direct bool
	// NoRaw skips the raw engine and Go baselines; NoControl the control
	// plane and the setup time (SET_MEM_TABLE of 1 GiB); NoFloor the
	// eventfd ping-pong floor.
	NoRaw, NoControl, NoFloor bool
	// Progress receives a progress line per cell (nil: none). A terminal
	// gets one line rewritten in place.
	Progress io.Writer
}

// Validate checks c and fills in defaults.
func (c *Config) Validate() error {
	switch c.Mode {
	case "":
		c.Mode = "device"
	case "device", "cryptodev":
	default:
		return fmt.Errorf("%w: mode %q (want device or cryptodev)", ErrConfig, c.Mode)
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = Algorithms()
	}
	for _, n := range c.Algorithms {
		if findAlgorithm(n) == nil {
			return fmt.Errorf("%w: unknown algorithm %q (have %s)", ErrConfig, n, strings.Join(Algorithms(), ", "))
		}
	}
	def := func(l *[]int, d []int) {
		if len(*l) == 0 {
			*l = slices.Clone(d)
		}
	}
	def(&c.Sizes, DefaultSizes)
	def(&c.InFlight, DefaultInFlight)
	def(&c.Queues, DefaultQueues)
	if c.SocketPath != "" && len(c.PollUS) == 0 {
		c.PollUS = []int{0} // one pass; the external daemon polls as it was told
	}
	def(&c.PollUS, DefaultPollUS)
	if len(c.Drivers) == 0 {
		c.Drivers = slices.Clone(DefaultDrivers)
	}
	for _, d := range c.Drivers {
		if d != DriverSleep && d != DriverPoll {
			return fmt.Errorf("%w: driver %q (want %s or %s)", ErrConfig, d, DriverSleep, DriverPoll)
		}
	}
	checks := []struct {
		what     string
		l        []int
		min, max int
	}{
		{"size", c.Sizes, 1, MaxSize},
		{"requests in flight", c.InFlight, 1, MaxInFlight},
		{"queues", c.Queues, 1, MaxQueues},
		{"poll time (µs)", c.PollUS, 0, daemon.MaxPollUS},
	}
	for _, k := range checks {
		for _, v := range k.l {
			if v < k.min || v > k.max {
				return fmt.Errorf("%w: %s %d outside %d..%d", ErrConfig, k.what, v, k.min, k.max)
			}
		}
	}
	if c.SocketPath != "" && len(c.PollUS) > 1 {
		return fmt.Errorf("%w: several poll times need the in-process daemon (the external one has its own --poll-us)", ErrConfig)
	}
	if c.CellTime == 0 {
		c.CellTime = DefaultCellTime
	}
	if c.CellTime < MinCellTime || c.CellTime > MaxCellTime {
		return fmt.Errorf("%w: cell time %v outside %v..%v", ErrConfig, c.CellTime, MinCellTime, MaxCellTime)
	}
	if c.PID < 0 {
		return fmt.Errorf("%w: pid %d", ErrConfig, c.PID)
	}
	return nil
}

func (c *Config) warmup() time.Duration {
	return min(max(c.CellTime/5, 5*time.Millisecond), 100*time.Millisecond)
}

// ParseSize parses a size: a decimal number of bytes with an optional
// suffix K, KB, KiB (1024), M, MB or MiB (1 << 20), or B; case does not
// matter.
func ParseSize(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	for _, suf := range []struct {
		s string
		m int
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if rest, ok := strings.CutSuffix(t, suf.s); ok {
			t, mult = strings.TrimSpace(rest), suf.m
			break
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > MaxSize/mult {
		return 0, fmt.Errorf("%w: size %q", ErrConfig, s)
	}
	return n * mult, nil
}

// FormatSize writes n the way the tables do: 64, 1K, 4K, 64K, 1M (a
// ParseSize round trip gives n back).
func FormatSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "M"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "K"
	}
	return strconv.Itoa(n)
}

// ParseSizes parses a comma-separated list of sizes (see ParseSize).
func ParseSizes(s string) ([]int, error) {
	return parseList(s, ParseSize)
}

// ParseInts parses a comma-separated list of non-negative integers.
func ParseInts(s string) ([]int, error) {
	return parseList(s, func(f string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%w: %q is not a non-negative integer", ErrConfig, f)
		}
		return n, nil
	})
}

// ParseDrivers parses a comma-separated list of driver modes.
func ParseDrivers(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case DriverSleep, DriverPoll:
			out = append(out, f)
		default:
			return nil, fmt.Errorf("%w: driver %q (want %s or %s)", ErrConfig, f, DriverSleep, DriverPoll)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty driver list", ErrConfig)
	}
	return out, nil
}

// ParseAlgorithms parses a comma-separated list of algorithm names
// ("all": every one).
func ParseAlgorithms(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.EqualFold(f, "all") {
			out = append(out, Algorithms()...)
			continue
		}
		a := findAlgorithm(f)
		if a == nil {
			return nil, fmt.Errorf("%w: unknown algorithm %q (have %s)", ErrConfig, f, strings.Join(Algorithms(), ", "))
		}
		out = append(out, a.name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty algorithm list", ErrConfig)
	}
	return out, nil
}

func parseList(s string, parse func(string) (int, error)) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty list %q", ErrConfig, s)
	}
	return out, nil
}
