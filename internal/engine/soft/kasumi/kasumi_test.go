package kasumi

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
)

var _ cipher.Block = (*Cipher)(nil)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// kasumiVectors are the KASUMI block-cipher test sets of 3GPP TS 35.203
// ("Document 3: Implementors' test data"), §3 "KASUMI", test sets 1–4
// (§3.3–§3.6 in V17.0.0). Test set 4 encrypts its input 50 times in a row
// (for S-box coverage). The values were transcribed from the public test
// files of kneedeepbts (doctest, "pulled from 3GPP TS 35.203 V17.0.0"),
// and agree with two further independent transcriptions; test set 1 is also
// the anchor value recorded in /work/shared/research (checked with Botan).
var kasumiVectors = []struct {
	name       string
	key, pt    string
	ct         string
	iterations int
}{
	{"TS 35.203 KASUMI test set 1", "2BD6459F82C5B300952C49104881FF48", "EA024714AD5C4D84", "DF1F9B251C0BF45F", 1},
	{"TS 35.203 KASUMI test set 2", "8CE33E2CC3C0B5FC1F3DE8A6DC66B1F3", "D3C5D592327FB11C", "DE551988CEB2F9B7", 1},
	{"TS 35.203 KASUMI test set 3", "4035C6680AF8C6D1A8FF8667B1714013", "62A540981BA6F9B7", "4592B0E78690F71B", 1},
	{"TS 35.203 KASUMI test set 4 (50 iterations)", "3A3B39B5C3F2376D69F7D546E5F85D43", "CA49C1C75771AB0B", "738BAD4C4A690802", 50},
}

func TestKASUMIVectors(t *testing.T) {
	for _, v := range kasumiVectors {
		t.Run(v.name, func(t *testing.T) {
			c, err := NewCipher(unhex(t, v.key))
			if err != nil {
				t.Fatal(err)
			}
			pt, want := unhex(t, v.pt), unhex(t, v.ct)

			got := bytes.Clone(pt)
			for range v.iterations {
				c.Encrypt(got, got)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Encrypt: got %X, want %X", got, want)
			}

			back := bytes.Clone(want)
			for range v.iterations {
				if err := c.DecryptBlock(back, back); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(back, pt) {
				t.Errorf("Decrypt: got %X, want %X", back, pt)
			}

			// EncryptBlock and Decrypt, out of place, one iteration.
			out := make([]byte, BlockSize)
			if err := c.EncryptBlock(out, pt); err != nil {
				t.Fatal(err)
			}
			in := make([]byte, BlockSize)
			c.Decrypt(in, out)
			if !bytes.Equal(in, pt) {
				t.Errorf("EncryptBlock/Decrypt round trip: got %X, want %X", in, pt)
			}
		})
	}
}

// TestSBoxesArePermutations checks the transcribed S-boxes: S7 and S9 are
// bijections on 7 and 9 bits (TS 35.202 defines them so).
func TestSBoxesArePermutations(t *testing.T) {
	var seen7 [128]bool
	for _, v := range s7 {
		if v >= 128 || seen7[v] {
			t.Fatalf("S7 is not a permutation (value %d)", v)
		}
		seen7[v] = true
	}
	var seen9 [512]bool
	for _, v := range s9 {
		if v >= 512 || seen9[v] {
			t.Fatalf("S9 is not a permutation (value %d)", v)
		}
		seen9[v] = true
	}
}

func TestNewCipherKeySize(t *testing.T) {
	for _, n := range []int{0, 1, 8, 15, 17, 24, 32} {
		c, err := NewCipher(make([]byte, n))
		if !errors.Is(err, ErrKeySize) || c != nil {
			t.Errorf("NewCipher(%d bytes) = %v, %v; want nil, ErrKeySize", n, c, err)
		}
	}
}

func TestBlockShortBuffers(t *testing.T) {
	c, err := NewCipher(make([]byte, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if c.BlockSize() != 8 {
		t.Fatalf("BlockSize() = %d", c.BlockSize())
	}
	full := make([]byte, BlockSize)
	short := make([]byte, BlockSize-1)
	for _, tc := range []struct{ dst, src []byte }{{full, short}, {short, full}, {nil, nil}} {
		if err := c.EncryptBlock(tc.dst, tc.src); !errors.Is(err, ErrShortBuffer) {
			t.Errorf("EncryptBlock(%d, %d) err = %v", len(tc.dst), len(tc.src), err)
		}
		if err := c.DecryptBlock(tc.dst, tc.src); !errors.Is(err, ErrShortBuffer) {
			t.Errorf("DecryptBlock(%d, %d) err = %v", len(tc.dst), len(tc.src), err)
		}
		for name, fn := range map[string]func(dst, src []byte){"Encrypt": c.Encrypt, "Decrypt": c.Decrypt} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s(%d, %d) did not panic (cipher.Block contract)", name, len(tc.dst), len(tc.src))
					}
				}()
				fn(tc.dst, tc.src)
			}()
		}
	}
}

func TestCipherZero(t *testing.T) {
	v := kasumiVectors[0]
	c, err := NewCipher(unhex(t, v.key))
	if err != nil {
		t.Fatal(err)
	}
	c.Zero()
	if c.rk != [8]roundKey{} {
		t.Fatal("Zero left key material in the schedule")
	}
	out := make([]byte, BlockSize)
	c.Encrypt(out, unhex(t, v.pt))
	if bytes.Equal(out, unhex(t, v.ct)) {
		t.Fatal("zeroed cipher still encrypts with the old key")
	}
}

// TestConcurrentUse shares one Cipher, F8 and F9 between goroutines (run
// with -race): results must stay those of the published vectors.
func TestConcurrentUse(t *testing.T) {
	kv, v8, v9 := kasumiVectors[0], f8Vectors[1], f9Vectors[2]
	c, err := NewCipher(unhex(t, kv.key))
	if err != nil {
		t.Fatal(err)
	}
	f8, err := NewF8(unhex(t, v8.key))
	if err != nil {
		t.Fatal(err)
	}
	f9, err := NewF9(unhex(t, v9.key))
	if err != nil {
		t.Fatal(err)
	}
	kpt, kct := unhex(t, kv.pt), unhex(t, kv.ct)
	pt8, ct8, iv8 := unhex(t, v8.pt), unhex(t, v8.ct), unhex(t, v8.iv)
	aad9, pad9, mac9 := unhex(t, v9.aad), unhex(t, v9.padded), unhex(t, v9.mac)

	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			blk := make([]byte, BlockSize)
			buf := make([]byte, len(pt8))
			for range 200 {
				c.Encrypt(blk, kpt)
				if !bytes.Equal(blk, kct) {
					errs <- "KASUMI"
					return
				}
				if err := f8.XORKeyStream(buf, pt8, iv8); err != nil || !bytes.Equal(buf, ct8) {
					errs <- "f8"
					return
				}
				if mac, err := f9.MACPadded(aad9, pad9); err != nil || !bytes.Equal(mac[:], mac9) {
					errs <- "f9"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent %s result differs from the vector", e)
	}
}
