//go:build linux

package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// procCryptoSample is the layout of /proc/crypto as Linux 6.1 prints it
// (crypto/proc.c: c_show, crypto_skcipher_show); the virtio entry is the
// one observed in the guest.
const procCryptoSample = `name         : cbc(aes)
driver       : virtio_crypto_aes_cbc
module       : virtio_crypto
priority     : 150
refcnt       : 1
selftest     : passed
internal     : no
type         : skcipher
async        : yes
blocksize    : 16
min keysize  : 16
max keysize  : 32
ivsize       : 16
chunksize    : 16
walksize     : 16

name         : aes
driver       : aes-generic
module       : kernel
priority     : 100
refcnt       : 1
selftest     : passed
internal     : no
type         : cipher
blocksize    : 16
min keysize  : 16
max keysize  : 32
`

func TestParseProcCrypto(t *testing.T) {
	got := parseProcCrypto(procCryptoSample)
	if len(got) != 2 {
		t.Fatalf("got %d entries, want 2: %v", len(got), got)
	}
	v := findDriver(got, "virtio_crypto_aes_cbc")
	if len(v) != 1 {
		t.Fatalf("findDriver: %v", v)
	}
	want := map[string]string{"name": "cbc(aes)", "module": "virtio_crypto", "priority": "150", "selftest": "passed", "type": "skcipher", "min keysize": "16", "walksize": "16"}
	for k, w := range want {
		if v[0][k] != w {
			t.Errorf("%s = %q, want %q", k, v[0][k], w)
		}
	}
	if g := got[1]["driver"]; g != "aes-generic" {
		t.Errorf("second entry driver %q", g)
	}
	if len(findDriver(got, "virtio_crypto")) != 0 {
		t.Error("findDriver matched a prefix")
	}
	for _, bad := range []string{"", "\n\n\n", "no colon here\n", ": value without key\n"} {
		if e := parseProcCrypto(bad); len(e) != 0 {
			t.Errorf("parseProcCrypto(%q) = %v, want no entries", bad, e)
		}
	}
}

// FuzzParseProcCrypto: no panic; keys and values carry no surrounding
// spaces; extra blank lines between blocks change nothing.
func FuzzParseProcCrypto(f *testing.F) {
	f.Add(procCryptoSample)
	f.Add("a:b\n\nc : d\n")
	f.Add("x")
	f.Fuzz(func(t *testing.T, text string) {
		got := parseProcCrypto(text)
		for _, e := range got {
			if len(e) == 0 {
				t.Fatal("empty entry")
			}
			for k, v := range e {
				if k == "" || k != strings.TrimSpace(k) || v != strings.TrimSpace(v) {
					t.Fatalf("untrimmed key/value %q: %q", k, v)
				}
			}
		}
		spaced := strings.ReplaceAll(text, "\n\n", "\n\n\n")
		if again := parseProcCrypto(spaced); !reflect.DeepEqual(normalize(again), normalize(got)) {
			t.Fatalf("extra blank lines changed the result:\n%v\n%v", got, again)
		}
	})
}

func normalize(e []cryptoEntry) []cryptoEntry {
	if len(e) == 0 {
		return nil
	}
	return e
}

// TestVectors checks the SP 800-38A transcription against crypto/aes in
// both directions (the guest repeats this before using the vectors).
func TestVectors(t *testing.T) {
	if len(sp80038aCBC) != 3 {
		t.Fatalf("%d vectors", len(sp80038aCBC))
	}
	for _, v := range sp80038aCBC {
		key, iv, pt, ct, err := v.decoded()
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if len(iv) != 16 || len(pt) != 64 || len(ct) != 64 || (len(key) != 16 && len(key) != 24 && len(key) != 32) {
			t.Fatalf("%s: lengths key %d iv %d pt %d ct %d", v.name, len(key), len(iv), len(pt), len(ct))
		}
		b, err := aes.NewCipher(key)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(pt))
		cipher.NewCBCEncrypter(b, iv).CryptBlocks(got, pt)
		if !bytes.Equal(got, ct) {
			t.Errorf("%s encrypt: %x", v.name, got)
		}
		cipher.NewCBCDecrypter(b, iv).CryptBlocks(got, ct)
		if !bytes.Equal(got, pt) {
			t.Errorf("%s decrypt: %x", v.name, got)
		}
	}
	bad := katVector{key: "zz"}
	if _, _, _, _, err := bad.decoded(); err == nil {
		t.Error("decoded accepted bad hex")
	}
}

func TestSplitAt(t *testing.T) {
	for _, c := range []struct {
		total int
		sizes []int
		want  []int
	}{
		{64, nil, []int{64}},
		{64, []int{5, 27}, []int{5, 27, 32}},
		{64, []int{64}, []int{64}},
		{64, []int{70, 10}, []int{10, 54}},
		{64, []int{0, -3, 16}, []int{16, 48}},
		{16, []int{15}, []int{15, 1}},
	} {
		if got := splitAt(c.total, c.sizes); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitAt(%d, %v) = %v, want %v", c.total, c.sizes, got, c.want)
		}
	}
}

// FuzzSplitAt: the pieces are positive and add up to the total.
func FuzzSplitAt(f *testing.F) {
	f.Add(64, 5, 27, 0)
	f.Add(16, 16, 1, 100)
	f.Fuzz(func(t *testing.T, total, a, b, c int) {
		if total <= 0 || total > 1<<20 {
			return
		}
		sum := 0
		for _, p := range splitAt(total, []int{a, b, c}) {
			if p <= 0 {
				t.Fatalf("piece %d", p)
			}
			sum += p
		}
		if sum != total {
			t.Fatalf("pieces add up to %d, want %d", sum, total)
		}
	})
}

func TestParseCases(t *testing.T) {
	got, err := parseCases("192:16384:10586,2076:12256; 128:16::")
	if err != nil {
		t.Fatal(err)
	}
	want := []cryptCase{
		{keyLen: 24, size: 16384, sendSplit: []int{10586, 2076}, readSplit: []int{12256}},
		{keyLen: 16, size: 16},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{"1:2", "100:16::", "128:17::", "128:0::", "128:16:x:", "128:16::-1", "abc:16::"} {
		if _, err := parseCases(bad); err == nil {
			t.Errorf("parseCases(%q) accepted", bad)
		}
	}
}

// FuzzParseCases: no panic, and every accepted case is runnable.
func FuzzParseCases(f *testing.F) {
	f.Add("192:16384:10586,2076:12256;128:16::")
	f.Add(";;")
	f.Fuzz(func(t *testing.T, spec string) {
		cases, err := parseCases(spec)
		if err != nil {
			return
		}
		for _, c := range cases {
			if c.size <= 0 || c.size%16 != 0 || (c.keyLen != 16 && c.keyLen != 24 && c.keyLen != 32) {
				t.Fatalf("accepted %+v", c)
			}
		}
	})
}

func TestMakeCases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := makeCases(rng, edgeSizes, 200, true)
	if len(cases) != len(edgeSizes)+200 {
		t.Fatalf("%d cases", len(cases))
	}
	var sendSplits, readSplits int
	keyLens := map[int]int{}
	for i, c := range cases {
		if i < len(edgeSizes) && c.size != edgeSizes[i] {
			t.Errorf("case %d size %d, want edge size %d", i, c.size, edgeSizes[i])
		}
		if c.size < 16 || c.size > 65536 || c.size%16 != 0 {
			t.Errorf("case %d: size %d", i, c.size)
		}
		for _, r := range c.readSplit {
			if r <= 0 || r >= c.size || r%16 != 0 {
				t.Errorf("case %d: read piece %d of %d", i, r, c.size)
			}
		}
		for _, s := range c.sendSplit {
			if s <= 0 || s >= c.size {
				t.Errorf("case %d: send piece %d of %d", i, s, c.size)
			}
		}
		if len(c.sendSplit) > 0 {
			sendSplits++
		}
		if len(c.readSplit) > 0 {
			readSplits++
		}
		keyLens[c.keyLen]++
	}
	if sendSplits < 50 || readSplits < 50 || len(keyLens) != 3 {
		t.Errorf("poor mix: %d split sends, %d split reads, key lengths %v", sendSplits, readSplits, keyLens)
	}
	for _, c := range makeCases(rng, nil, 50, false) {
		if len(c.readSplit) != 0 {
			t.Fatalf("split read with splitRead=false: %+v", c)
		}
	}
}

func TestAlgOOB(t *testing.T) {
	iv := []byte("0123456789abcdef")
	b := algOOB(unix.ALG_OP_DECRYPT, iv)
	msgs, err := unix.ParseSocketControlMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("%d control messages", len(msgs))
	}
	if h := msgs[0].Header; h.Level != unix.SOL_ALG || h.Type != unix.ALG_SET_OP || !bytes.Equal(msgs[0].Data[:4], []byte{unix.ALG_OP_DECRYPT, 0, 0, 0}) {
		t.Errorf("op cmsg %+v %x", h, msgs[0].Data)
	}
	if h := msgs[1].Header; h.Level != unix.SOL_ALG || h.Type != unix.ALG_SET_IV || !bytes.Equal(msgs[1].Data[:20], append([]byte{16, 0, 0, 0}, iv...)) {
		t.Errorf("iv cmsg %+v %x", h, msgs[1].Data)
	}
}

// TestAFALGOnHost runs the KAT and a few random cases through the host
// kernel's own cbc(aes) with the same AF_ALG code the guest uses. Hosts
// without AF_ALG (some sandboxes) skip.
func TestAFALGOnHost(t *testing.T) {
	probe, err := openTFM("cbc(aes)")
	if errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		t.Skipf("AF_ALG not available on this host: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	probe.close()
	for _, v := range sp80038aCBC {
		key, iv, pt, ct, _ := v.decoded()
		tf, err := openTFM("cbc(aes)")
		if err != nil {
			t.Fatal(err)
		}
		if err := tf.setKey(key); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(pt))
		if err := tf.crypt(unix.ALG_OP_ENCRYPT, iv, pt, got, []int{5, 27}, []int{16, 32}); err != nil || !bytes.Equal(got, ct) {
			t.Errorf("%s encrypt: %v %x", v.name, err, got)
		}
		if err := tf.crypt(unix.ALG_OP_DECRYPT, iv, ct, got, nil, nil); err != nil || !bytes.Equal(got, pt) {
			t.Errorf("%s decrypt: %v %x", v.name, err, got)
		}
		tf.close()
	}
	tf, err := openTFM("cbc(aes)")
	if err != nil {
		t.Fatal(err)
	}
	defer tf.close()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range makeCases(rng, []int{16, 4096, 65536}, 8, true) {
		if err := runCase(tf, rng, c); err != nil {
			t.Errorf("%v: %v", c, err)
		}
	}
}

func TestPieceNote(t *testing.T) {
	c := cryptCase{size: 8192, readSplit: []int{4096}}
	if got := pieceNote(4096, c); got != "; at the start of read piece 2 of 2, i.e. driver request 2" {
		t.Errorf("got %q", got)
	}
	if got := pieceNote(100, c); got != "; inside read piece 1 of 2, i.e. driver request 1" {
		t.Errorf("got %q", got)
	}
	if got := pieceNote(100, cryptCase{size: 8192}); got != "" {
		t.Errorf("got %q", got)
	}
}
