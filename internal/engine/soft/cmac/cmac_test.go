package cmac

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func aesBlock(t testing.TB, key []byte) cipher.Block {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tdesBlock(t testing.TB, key []byte) cipher.Block {
	t.Helper()
	b, err := des.NewTripleDESCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkTag computes the full tag and every truncation of it and compares
// them with want (a full tag).
func checkTag(t *testing.T, name string, b cipher.Block, msg, want []byte) {
	t.Helper()
	m, err := New(b)
	if err != nil {
		t.Fatalf("%s: New: %v", name, err)
	}
	if m.Size() != len(want) {
		t.Fatalf("%s: Size() = %d, want %d", name, m.Size(), len(want))
	}
	for tlen := 1; tlen <= len(want); tlen++ {
		got := make([]byte, tlen)
		if err := m.Sum(got, msg); err != nil {
			t.Fatalf("%s: Sum(%d): %v", name, tlen, err)
		}
		if !bytes.Equal(got, want[:tlen]) {
			t.Fatalf("%s: tag[:%d] = %x, want %x", name, tlen, got, want[:tlen])
		}
	}
}

// The common NIST example messages (SP 800-38B App. D, RFC 4493 §4,
// AES_CMAC.pdf, TDES_CMAC.pdf): prefixes of these 64 bytes.
const nistMsg = "6bc1bee22e409f96e93d7e117393172a" +
	"ae2d8a571e03ac9c9eb76fac45af8e51" +
	"30c81c46a35ce411e5fbc1191a0a52ef" +
	"f69f2445df4f9b17ad2b417be66c3710"

// TestRFC4493 checks the four AES-CMAC examples of RFC 4493 §4 (which are
// also SP 800-38B D.1), transcribed from the RFC text.
func TestRFC4493(t *testing.T) {
	key := mustHex(t, "2b7e151628aed2a6abf7158809cf4f3c")
	msg := mustHex(t, nistMsg)
	for _, tc := range []struct {
		n   int
		tag string
	}{
		{0, "bb1d6929e95937287fa37d129b756746"},  // Example 1: len = 0
		{16, "070a16b46b4d4144f79bdd9dd04a287c"}, // Example 2: len = 16
		{40, "dfa66747de9ae63030ca32611497c827"}, // Example 3: len = 40
		{64, "51f0bebf7e3b9d92fc49741779363cfe"}, // Example 4: len = 64
	} {
		checkTag(t, "RFC 4493", aesBlock(t, key), msg[:tc.n], mustHex(t, tc.tag))
	}
}

// TestSubkeys checks L = CIPH_K(0), K1 and K2 against the subkey values
// printed in SP 800-38B Appendix D.1–D.3 (and NIST AES_CMAC.pdf; the
// AES-128 values are also RFC 4493 §4 "Subkey Generation").
func TestSubkeys(t *testing.T) {
	for _, tc := range []struct{ key, k1, k2 string }{
		{"2b7e151628aed2a6abf7158809cf4f3c",
			"fbeed618357133667c85e08f7236a8de", "f7ddac306ae266ccf90bc11ee46d513b"},
		{"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
			"448a5b1c93514b273ee6439dd4daa296", "8914b63926a2964e7dcc873ba9b5452c"},
		{"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
			"cad1ed03299eedac2e9a99808621502f", "95a3da06533ddb585d3533010c42a0d9"},
	} {
		m, err := New(aesBlock(t, mustHex(t, tc.key)))
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(m.k1[:16]); got != tc.k1 {
			t.Errorf("key %s: K1 = %s, want %s", tc.key, got, tc.k1)
		}
		if got := hex.EncodeToString(m.k2[:16]); got != tc.k2 {
			t.Errorf("key %s: K2 = %s, want %s", tc.key, got, tc.k2)
		}
	}
}

// TestNISTExamples checks the examples NIST publishes with intermediate
// values on its "Block Cipher Modes: Current Modes — Examples with
// Intermediate Values" page: AES_CMAC.pdf (CMAC-AES128/192/256, Examples
// #1–#4: messages of 0, 16, 20 and 64 bytes) and TDES_CMAC.pdf (CMAC-TDES
// with three keys and with two keys, Samples #1–#4: 0, 16, 20 and 32
// bytes). The values are transcribed from those PDFs as reproduced in
// Nettle's testsuite/cmac-test.c ("CMAC-3DES vectors from NIST SP800-38B
// examples") and in CyberChef's tests/operations/tests/CMAC.mjs ("NIST's
// CSRC Example/Sample"); the two transcriptions agree.
func TestNISTExamples(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		tdes      bool
		n         int
		tag       string
	}{
		{"AES128 #1", "2b7e151628aed2a6abf7158809cf4f3c", false, 0, "bb1d6929e95937287fa37d129b756746"},
		{"AES128 #2", "2b7e151628aed2a6abf7158809cf4f3c", false, 16, "070a16b46b4d4144f79bdd9dd04a287c"},
		{"AES128 #3", "2b7e151628aed2a6abf7158809cf4f3c", false, 20, "7d85449ea6ea19c823a7bf78837dfade"},
		{"AES128 #4", "2b7e151628aed2a6abf7158809cf4f3c", false, 64, "51f0bebf7e3b9d92fc49741779363cfe"},
		{"AES192 #1", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", false, 0, "d17ddf46adaacde531cac483de7a9367"},
		{"AES192 #2", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", false, 16, "9e99a7bf31e710900662f65e617c5184"},
		{"AES192 #3", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", false, 20, "3d75c194ed96070444a9fa7ec740ecf8"},
		{"AES192 #4", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", false, 64, "a1d5df0eed790f794d77589659f39a11"},
		{"AES256 #1", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, 0, "028962f61b7bf89efc6b551f4667d983"},
		{"AES256 #2", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, 16, "28a7023f452e8f82bd4bf28d8c37c35c"},
		{"AES256 #3", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, 20, "156727dc0878944a023c1fe03bad6d93"},
		{"AES256 #4", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", false, 64, "e1992190549f6ed5696a2c056c315410"},
		{"TDES 3-key #1", "0123456789abcdef23456789abcdef01456789abcdef0123", true, 0, "7db0d37df936c550"},
		{"TDES 3-key #2", "0123456789abcdef23456789abcdef01456789abcdef0123", true, 16, "30239cf1f52e6609"},
		{"TDES 3-key #3", "0123456789abcdef23456789abcdef01456789abcdef0123", true, 20, "6c9f3ee4923f6be2"},
		{"TDES 3-key #4", "0123456789abcdef23456789abcdef01456789abcdef0123", true, 32, "99429bd0bf7904e5"},
		// Two-key TDEA: Key3 = Key1.
		{"TDES 2-key #1", "0123456789abcdef23456789abcdef010123456789abcdef", true, 0, "79ce52a7f786a960"},
		{"TDES 2-key #2", "0123456789abcdef23456789abcdef010123456789abcdef", true, 16, "cc18a0b79af2413b"},
		{"TDES 2-key #3", "0123456789abcdef23456789abcdef010123456789abcdef", true, 20, "c06d377ecd101969"},
		{"TDES 2-key #4", "0123456789abcdef23456789abcdef010123456789abcdef", true, 32, "9cd33580f9b64dfb"},
	} {
		msg := mustHex(t, nistMsg)[:tc.n]
		var b cipher.Block
		if tc.tdes {
			b = tdesBlock(t, mustHex(t, tc.key))
		} else {
			b = aesBlock(t, mustHex(t, tc.key))
		}
		checkTag(t, tc.name, b, msg, mustHex(t, tc.tag))
	}
}

type nistVector struct {
	count      string
	key, msg   []byte
	output     []byte
	line       int
	keyParts   int
	sawMessage bool
}

// readNISTFile parses a testdata/nist-800-38b-*.txt file (see
// testdata/README.md for its source).
func readNISTFile(t *testing.T, name string) []nistVector {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []nistVector
	var cur nistVector
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			t.Fatalf("%s:%d: unexpected line %q", name, line, s)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "COUNT":
			cur = nistVector{count: v, line: line}
		case "KEY", "KEY1", "KEY2", "KEY3":
			cur.key = append(cur.key, mustHex(t, v)...)
			cur.keyParts++
		case "MESSAGE":
			cur.msg = mustHex(t, v)
			cur.sawMessage = true
		case "OUTPUT":
			cur.output = mustHex(t, v)
			if !cur.sawMessage || cur.keyParts == 0 {
				t.Fatalf("%s:%d: incomplete vector", name, line)
			}
			out = append(out, cur)
		default:
			t.Fatalf("%s:%d: unknown field %q", name, line, k)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNISTFiles runs the SP 800-38B Appendix D examples from testdata (see
// testdata/README.md): 4 vectors each for AES-128/192/256 and 8 for TDEA.
func TestNISTFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		n    int
		tdes bool
	}{
		{"nist-800-38b-aes128.txt", 4, false},
		{"nist-800-38b-aes192.txt", 4, false},
		{"nist-800-38b-aes256.txt", 4, false},
		{"nist-800-38b-3des.txt", 8, true},
	} {
		vs := readNISTFile(t, tc.file)
		if len(vs) != tc.n {
			t.Fatalf("%s: parsed %d vectors, want %d", tc.file, len(vs), tc.n)
		}
		for _, v := range vs {
			var b cipher.Block
			if tc.tdes {
				if v.keyParts != 3 {
					t.Fatalf("%s:%d: want KEY1..KEY3", tc.file, v.line)
				}
				b = tdesBlock(t, v.key)
			} else {
				b = aesBlock(t, v.key)
			}
			checkTag(t, tc.file+" COUNT="+v.count, b, v.msg, v.output)
		}
	}
}

// TestTDEAExampleD4 is the three-key TDEA example of SP 800-38B D.4 with a
// 160-bit message. It is the case that a CMAC with the wrong R constant for
// 64-bit blocks (0x87 instead of 0x1B) gets wrong.
func TestTDEAExampleD4(t *testing.T) {
	b := tdesBlock(t, mustHex(t, "8aa83bf8cbda10620bc1bf19fbb6cd58bc313d4a371ca8b5"))
	checkTag(t, "D.4", b, mustHex(t, "6bc1bee22e409f96e93d7e117393172aae2d8a57"), mustHex(t, "743ddbe0ce2dc2ed"))
}

// badBlock is a cipher.Block with an unsupported block size.
type badBlock struct{ n int }

func (b badBlock) BlockSize() int          { return b.n }
func (b badBlock) Encrypt(dst, src []byte) { copy(dst, src) }
func (b badBlock) Decrypt(dst, src []byte) { copy(dst, src) }

func TestErrors(t *testing.T) {
	if _, err := New(nil); !errors.Is(err, ErrBlockCipher) {
		t.Errorf("New(nil) = %v, want ErrBlockCipher", err)
	}
	for _, n := range []int{0, 1, 4, 12, 32} {
		if _, err := New(badBlock{n}); !errors.Is(err, ErrBlockCipher) {
			t.Errorf("New(block size %d) = %v, want ErrBlockCipher", n, err)
		}
	}
	a, err := New(aesBlock(t, make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(tdesBlock(t, mustHex(t, "0123456789abcdef23456789abcdef01456789abcdef0123")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		m    *MAC
		tlen int
	}{{a, 0}, {a, 17}, {a, 32}, {d, 0}, {d, 9}, {d, 16}} {
		out := bytes.Repeat([]byte{0xa5}, tc.tlen)
		if err := tc.m.Sum(out, []byte("msg")); !errors.Is(err, ErrTagSize) {
			t.Errorf("Sum(tag %d, block %d) = %v, want ErrTagSize", tc.tlen, tc.m.Size(), err)
		}
		if !bytes.Equal(out, bytes.Repeat([]byte{0xa5}, tc.tlen)) {
			t.Errorf("Sum wrote to out on error")
		}
	}
	if err := a.Sum(nil, nil); !errors.Is(err, ErrTagSize) {
		t.Errorf("Sum(nil out) = %v, want ErrTagSize", err)
	}
	a.Zero()
	if a.k1 != [MaxSize]byte{} || a.k2 != [MaxSize]byte{} {
		t.Error("Zero left subkey bytes")
	}
	if err := a.Sum(make([]byte, 16), nil); !errors.Is(err, ErrZeroed) {
		t.Errorf("Sum after Zero = %v, want ErrZeroed", err)
	}
}

// TestOverlap: out may alias msg (Sum reads all of msg before writing out).
func TestOverlap(t *testing.T) {
	m, err := New(aesBlock(t, mustHex(t, "2b7e151628aed2a6abf7158809cf4f3c")))
	if err != nil {
		t.Fatal(err)
	}
	buf := mustHex(t, nistMsg)[:40]
	if err := m.Sum(buf[:16], buf); err != nil {
		t.Fatal(err)
	}
	if want := mustHex(t, "dfa66747de9ae63030ca32611497c827"); !bytes.Equal(buf[:16], want) { // RFC 4493 Example 3
		t.Fatalf("aliased Sum = %x, want %x", buf[:16], want)
	}
}

func TestConcurrent(t *testing.T) {
	m, err := New(aesBlock(t, mustHex(t, "2b7e151628aed2a6abf7158809cf4f3c")))
	if err != nil {
		t.Fatal(err)
	}
	msg := mustHex(t, nistMsg)
	want := mustHex(t, "51f0bebf7e3b9d92fc49741779363cfe") // RFC 4493 Example 4
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]byte, 16)
			for i := 0; i < 200; i++ {
				if err := m.Sum(out, msg); err != nil || !bytes.Equal(out, want) {
					errs <- hex.EncodeToString(out)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Sum = %s", e)
	}
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	m, err := New(aesBlock(t, make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, 100)
	out := make([]byte, 12)
	if n := testing.AllocsPerRun(100, func() { _ = m.Sum(out, msg) }); n != 0 {
		t.Errorf("Sum allocates %v times per call", n)
	}
}
