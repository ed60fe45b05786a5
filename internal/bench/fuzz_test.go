package bench

import (
	"errors"
	"testing"
)

// FuzzParseSize: no input panics; an accepted size is in 0..MaxSize and
// survives a FormatSize round trip.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"64", "1K", "4KiB", "64 KB", "1M", "512B", "", "-1", "1.5K", "2M", "99999999999999999999K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("ParseSize(%q): error %v is not ErrConfig", s, err)
			}
			return
		}
		if n < 0 || n > MaxSize {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
		if m, err := ParseSize(FormatSize(n)); err != nil || m != n {
			t.Fatalf("round trip of %d: %d, %v", n, m, err)
		}
	})
}

// FuzzParseLists: the list parsers never panic, fail only with ErrConfig,
// and accept only what their element parser accepts.
func FuzzParseLists(f *testing.F) {
	for _, s := range []string{"64,1K,4K,64K", "1,16,64", "all", "aes-128-gcm,SHA-256", "sleep,poll", ",,", "1,-2", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if l, err := ParseSizes(s); err == nil {
			for _, n := range l {
				if n < 0 || n > MaxSize {
					t.Fatalf("ParseSizes(%q) gave %d", s, n)
				}
			}
		} else if !errors.Is(err, ErrConfig) {
			t.Fatal(err)
		}
		if l, err := ParseInts(s); err == nil {
			for _, n := range l {
				if n < 0 {
					t.Fatalf("ParseInts(%q) gave %d", s, n)
				}
			}
		} else if !errors.Is(err, ErrConfig) {
			t.Fatal(err)
		}
		if l, err := ParseAlgorithms(s); err == nil {
			for _, n := range l {
				if findAlgorithm(n) == nil {
					t.Fatalf("ParseAlgorithms(%q) gave unknown %q", s, n)
				}
			}
		} else if !errors.Is(err, ErrConfig) {
			t.Fatal(err)
		}
		if l, err := ParseDrivers(s); err == nil {
			for _, d := range l {
				if d != DriverPoll && d != DriverSleep {
					t.Fatalf("ParseDrivers(%q) gave %q", s, d)
				}
			}
		} else if !errors.Is(err, ErrConfig) {
			t.Fatal(err)
		}
	})
}

// FuzzParseStat: /proc stat parsing never panics and never returns a
// negative time.
func FuzzParseStat(f *testing.F) {
	f.Add([]byte("4242 (vhost ) user) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 7 0 100 0 0\n"))
	f.Add([]byte("1 (x) S 1 1 1 0 -1 0 0 0 0 0 99999999999999999999 5 0"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseStat(b); err == nil && d < 0 {
			t.Fatalf("parseStat(%q) = %v", b, d)
		}
	})
}
