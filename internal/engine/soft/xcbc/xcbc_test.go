package xcbc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// seq returns the bytes 00 01 02 … (n-1), the messages of RFC 3566 §4.6
// test cases #2–#6.
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// rfc3566 holds the seven test cases of RFC 3566 §4.6, transcribed from
// the RFC text: key 000102…0f for all, the message, and the published
// "AES-XCBC-MAC" and "AES-XCBC-MAC-96" values.
var rfc3566 = []struct {
	name     string
	msg      []byte
	mac, m96 string
}{
	{"#1 0-byte", nil, "75f0251d528ac01c4573dfd584d79f29", "75f0251d528ac01c4573dfd5"},
	{"#2 3-byte", seq(3), "5b376580ae2f19afe7219ceef172756f", "5b376580ae2f19afe7219cee"},
	{"#3 16-byte", seq(16), "d2a246fa349b68a79998a4394ff7a263", "d2a246fa349b68a79998a439"},
	{"#4 20-byte", seq(20), "47f51b4564966215b8985c63055ed308", "47f51b4564966215b8985c63"},
	{"#5 32-byte", seq(32), "f54f0ec8d2b9f3d36807734bd5283fd4", "f54f0ec8d2b9f3d36807734b"},
	{"#6 34-byte", seq(34), "becbb3bccdb518a30677d5481fb6b4d8", "becbb3bccdb518a30677d548"},
	{"#7 1000 zero bytes", make([]byte, 1000), "f0dafee895db30253761103b5d84528f", "f0dafee895db30253761103b"},
}

var rfcKey = seq(16) // 000102030405060708090a0b0c0d0e0f

func TestRFC3566(t *testing.T) {
	m, err := New(rfcKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range rfc3566 {
		want := mustHex(t, tc.mac)
		got := make([]byte, Size)
		if err := m.Sum(got, tc.msg); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: AES-XCBC-MAC = %x, want %x", tc.name, got, want)
		}
		want96 := mustHex(t, tc.m96)
		got96 := make([]byte, Size96)
		if err := m.Sum(got96, tc.msg); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(got96, want96) {
			t.Errorf("%s: AES-XCBC-MAC-96 = %x, want %x", tc.name, got96, want96)
		}
		// Every other truncation is the matching prefix of the full MAC.
		for tlen := 1; tlen <= Size; tlen++ {
			out := make([]byte, tlen)
			if err := m.Sum(out, tc.msg); err != nil || !bytes.Equal(out, want[:tlen]) {
				t.Errorf("%s: Sum(%d) = %x, %v", tc.name, tlen, out, err)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	for _, n := range []int{0, 1, 10, 15, 17, 18, 24, 32} {
		if _, err := New(make([]byte, n)); !errors.Is(err, ErrKeySize) {
			t.Errorf("New(%d-byte key) = %v, want ErrKeySize", n, err)
		}
	}
	m, err := New(rfcKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 17, 32} {
		out := bytes.Repeat([]byte{0xa5}, n)
		if err := m.Sum(out, []byte("x")); !errors.Is(err, ErrTagSize) {
			t.Errorf("Sum(%d-byte out) = %v, want ErrTagSize", n, err)
		}
		if !bytes.Equal(out, bytes.Repeat([]byte{0xa5}, n)) {
			t.Error("Sum wrote to out on error")
		}
	}
	m.Zero()
	if m.k2 != [Size]byte{} || m.k3 != [Size]byte{} {
		t.Error("Zero left key bytes")
	}
	if err := m.Sum(make([]byte, Size), nil); !errors.Is(err, ErrZeroed) {
		t.Errorf("Sum after Zero = %v, want ErrZeroed", err)
	}
}

// TestOverlap: out may alias msg.
func TestOverlap(t *testing.T) {
	m, err := New(rfcKey)
	if err != nil {
		t.Fatal(err)
	}
	buf := seq(34) // test case #6
	if err := m.Sum(buf[2:2+Size], buf); err != nil {
		t.Fatal(err)
	}
	if want := mustHex(t, "becbb3bccdb518a30677d5481fb6b4d8"); !bytes.Equal(buf[2:2+Size], want) {
		t.Fatalf("aliased Sum = %x, want %x", buf[2:2+Size], want)
	}
}

func TestConcurrent(t *testing.T) {
	m, err := New(rfcKey)
	if err != nil {
		t.Fatal(err)
	}
	want := mustHex(t, "f54f0ec8d2b9f3d36807734bd5283fd4") // test case #5
	msg := seq(32)
	var wg sync.WaitGroup
	bad := make(chan []byte, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]byte, Size)
			for i := 0; i < 200; i++ {
				if err := m.Sum(out, msg); err != nil || !bytes.Equal(out, want) {
					bad <- out
					return
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Errorf("concurrent Sum = %x", b)
	}
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	m, err := New(rfcKey)
	if err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, 100)
	out := make([]byte, Size96)
	if n := testing.AllocsPerRun(100, func() { _ = m.Sum(out, msg) }); n != 0 {
		t.Errorf("Sum allocates %v times per call", n)
	}
}
