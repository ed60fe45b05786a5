package aesblocks

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// FIPS 197 (Nov. 2001, and the 2023 update), Appendix C "Example Vectors":
// C.1 AES-128, C.2 AES-192, C.3 AES-256 (PLAINTEXT, KEY, OUTPUT). The same
// values are in Go's crypto/aes/aes_test.go (encryptTests), against which
// this transcription was checked.
var fips197C = []struct {
	name, key, pt, ct string
}{
	{"C.1", "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a"},
	{"C.2", "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff", "dda97ca4864cdfe06eaf70a0ec0d7191"},
	{"C.3", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089"},
}

// SP 800-38A (Dec. 2001) Appendix F: the common plaintext of F.1-F.5 and
// the keys of F.1.1/F.1.3/F.1.5 (the same keys are used in F.5).
const (
	sp38aPlain = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51" +
		"30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"
	sp38aKey128 = "2b7e151628aed2a6abf7158809cf4f3c"
	sp38aKey192 = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"
	sp38aKey256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
	// F.5: Init. Counter of F.5.1-F.5.6.
	sp38aCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
)

// SP 800-38A Appendix F.1 (ECB): F.1.1/F.1.2 ECB-AES128, F.1.3/F.1.4
// ECB-AES192, F.1.5/F.1.6 ECB-AES256, four blocks each (Encrypt and Decrypt
// use the same data). Transcribed from the document and checked against two
// independent transcriptions (Perl Crypt::Rijndael t/ tests and the "maid"
// C test suite on GitHub).
var sp38aECB = []struct {
	name, key, ct string
}{
	{"F.1.1", sp38aKey128, "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf" +
		"43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4"},
	{"F.1.3", sp38aKey192, "bd334f1d6e45f25ff712a214571fa5cc 974104846d0ad3ad7734ecb3ecee4eef" +
		"ef7afd2270e2e60adce0ba2face6444e 9a4b41ba738d6c72fb16691603c18e0e"},
	{"F.1.5", sp38aKey256, "f3eed1bdb5d2a03c064b5a7e3db181f8 591ccb10d410ed26dc5ba74a31362870" +
		"b6ed21b99ca6f4f9f153e7b1beafed1d 23304b7a39f9f3ff067d8d8f9e24ecc7"},
}

// SP 800-38A Appendix F.5 (CTR): F.5.1/F.5.2 CTR-AES128, F.5.3/F.5.4
// CTR-AES192, F.5.5/F.5.6 CTR-AES256, Init. Counter f0f1...feff, four
// blocks. Checked against Go's crypto/cipher/ctr_aes_test.go (ctrAESTests).
var sp38aCTR = []struct {
	name, key, ct string
}{
	{"F.5.1", sp38aKey128, "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff" +
		"5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"},
	{"F.5.3", sp38aKey192, "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94" +
		"1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050"},
	{"F.5.5", sp38aKey256, "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5" +
		"2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6"},
}

// FIPS 197 Appendix A "Key Expansion Examples": A.1 (128-bit key), A.2
// (192-bit) and A.3 (256-bit), all words w[0..4*(Nr+1)-1] in order.
// Transcription taken from a public Go test file on GitHub (Example*KeyExpansion
// outputs of an AES exercise repository) and checked against the document's
// first and last round keys as quoted in several other public test suites.
var fips197A = []struct {
	name, key, schedule string
}{
	{"A.1", sp38aKey128, "" +
		"2b7e151628aed2a6abf7158809cf4f3c a0fafe1788542cb123a339392a6c7605 f2c295f27a96b9435935807a7359f67f" +
		"3d80477d4716fe3e1e237e446d7a883b ef44a541a8525b7fb671253bdb0bad00 d4d1c6f87c839d87caf2b8bc11f915bc" +
		"6d88a37a110b3efddbf98641ca0093fd 4e54f70e5f5fc9f384a64fb24ea6dc4f ead27321b58dbad2312bf5607f8d292f" +
		"ac7766f319fadc2128d12941575c006e d014f9a8c9ee2589e13f0cc8b6630ca6"},
	{"A.2", sp38aKey192, "" +
		"8e73b0f7da0e6452c810f32b809079e5 62f8ead2522c6b7bfe0c91f72402f5a5 ec12068e6c827f6b0e7a95b95c56fec2" +
		"4db7b4bd69b5411885a74796e92538fd e75fad44bb095386485af05721efb14f a448f6d94d6dce24aa326360113b30e6" +
		"a25e7ed583b1cf9a27f939436a94f767 c0a69407d19da4e1ec1786eb6fa64971 485f703222cb8755e26d135233f0b7b3" +
		"40beeb282f18a2596747d26b458c553e a7e1466c9411f1df821f750aad07d753 ca4005388fcc5006282d166abc3ce7b5" +
		"e98ba06f448c773c8ecc720401002202"},
	{"A.3", sp38aKey256, "" +
		"603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4 9ba354118e6925afa51a8b5f2067fcde" +
		"a8b09c1a93d194cdbe49846eb75d5b9a d59aecb85bf3c917fee94248de8ebe96 b5a9328a2678a647983122292f6c79b3" +
		"812c81addadf48ba24360af2fab8b464 98c5bfc9bebd198e268c3ba709e04214 68007bacb2df331696e939e46c518d80" +
		"c814e20476a9fb8a5025c02d59c58239 de1369676ccc5a71fa2563959674ee15 5886ca5d2e2f31d77e0af1fa27cf73c3" +
		"749c47ab18501ddae2757e4f7401905a cafaaae3e4d59b349adf6acebd10190d fe4890d1e6188d0b046df344706c631e"},
}

// checkECB encrypts pt and decrypts ct with c, both out of place and in
// place, and compares with the expected values.
func checkECB(t *testing.T, name string, c *Cipher, pt, ct []byte) {
	t.Helper()
	got := make([]byte, len(pt))
	if err := c.EncryptBlocks(got, pt); err != nil {
		t.Fatalf("%s: EncryptBlocks: %v", name, err)
	}
	if !bytes.Equal(got, ct) {
		t.Errorf("%s: encrypt\n got %x\nwant %x", name, got, ct)
	}
	if err := c.DecryptBlocks(got, ct); err != nil {
		t.Fatalf("%s: DecryptBlocks: %v", name, err)
	}
	if !bytes.Equal(got, pt) {
		t.Errorf("%s: decrypt\n got %x\nwant %x", name, got, pt)
	}
	copy(got, pt)
	if err := c.EncryptBlocks(got, got); err != nil || !bytes.Equal(got, ct) {
		t.Errorf("%s: in-place encrypt got %x (%v), want %x", name, got, err, ct)
	}
	if err := c.DecryptBlocks(got, got); err != nil || !bytes.Equal(got, pt) {
		t.Errorf("%s: in-place decrypt got %x (%v), want %x", name, got, err, pt)
	}
}

// checkCTR runs XORKeyStreamCTR over in, and over every prefix of in of the
// given lengths, and compares with the prefix of want.
func checkCTR(t *testing.T, name string, c *Cipher, iv, in, want []byte) {
	t.Helper()
	for n := len(in); n >= 0; n-- {
		got := make([]byte, n)
		if err := c.XORKeyStreamCTR(got, in[:n], iv); err != nil {
			t.Fatalf("%s/%d: %v", name, n, err)
		}
		if !bytes.Equal(got, want[:n]) {
			t.Errorf("%s/%d:\n got %x\nwant %x", name, n, got, want[:n])
		}
		copy(got, in)
		if err := c.XORKeyStreamCTR(got, got, iv); err != nil || !bytes.Equal(got, want[:n]) {
			t.Errorf("%s/%d in place: got %x (%v)\nwant %x", name, n, got, err, want[:n])
		}
	}
}

func TestFIPS197AppendixC(t *testing.T) {
	for _, p := range impls(t) {
		for _, v := range fips197C {
			c := p.new(t, unhex(t, v.key))
			checkECB(t, p.name+"/"+v.name, c, unhex(t, v.pt), unhex(t, v.ct))
		}
	}
}

func TestFIPS197AppendixAKeySchedule(t *testing.T) {
	if bestImpl == implGeneric {
		t.Skip("the generic path keeps its key schedule inside crypto/aes")
	}
	for _, v := range fips197A {
		c := impl{"aesni", implAESNI}.new(t, unhex(t, v.key))
		want := unhex(t, v.schedule)
		if len(want) != (c.nr+1)*BlockSize {
			t.Fatalf("%s: schedule has %d bytes, want %d", v.name, len(want), (c.nr+1)*BlockSize)
		}
		if got := c.enc[:len(want)]; !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", v.name, got, want)
		}
	}
}

func TestSP80038AECB(t *testing.T) {
	pt := unhex(t, sp38aPlain)
	for _, p := range impls(t) {
		for _, v := range sp38aECB {
			c := p.new(t, unhex(t, v.key))
			ct := unhex(t, v.ct)
			checkECB(t, p.name+"/"+v.name, c, pt, ct)
			// Every block count 1..4, so the 2- and 1-block paths run too.
			for n := 1; n <= 4; n++ {
				checkECB(t, fmt.Sprintf("%s/%s/%dblocks", p.name, v.name, n), c, pt[:16*n], ct[:16*n])
			}
		}
	}
}

func TestSP80038ACTR(t *testing.T) {
	pt := unhex(t, sp38aPlain)
	iv := unhex(t, sp38aCounter)
	for _, p := range impls(t) {
		for _, v := range sp38aCTR {
			c := p.new(t, unhex(t, v.key))
			ct := unhex(t, v.ct)
			checkCTR(t, p.name+"/"+v.name+" encrypt", c, iv, pt, ct)
			checkCTR(t, p.name+"/"+v.name+" decrypt", c, iv, ct, pt)
		}
	}
}

// TestRFC3686 runs RFC 3686 §6 test vectors #1-#9 (1-, 2- and 2.25-block
// messages), the counter block being nonce ‖ IV ‖ 00000001.
func TestRFC3686(t *testing.T) {
	n := 0
	for _, p := range impls(t) {
		for _, bits := range []int{128, 192, 256} {
			path := filepath.Join("testdata", fmt.Sprintf("rfc3686-aes-%d-ctr.txt", bits))
			for _, r := range readRSP(t, path) {
				key, iv := unhex(t, r.fields["KEY"]), unhex(t, r.fields["IV"])
				pt, ct := unhex(t, r.fields["PLAINTEXT"]), unhex(t, r.fields["CIPHERTEXT"])
				if len(key) != bits/8 {
					t.Fatalf("%s:%d: key size %d", path, r.line, len(key))
				}
				name := fmt.Sprintf("%s/%s:%d", p.name, path, r.line)
				c := p.new(t, key)
				checkCTR(t, name, c, iv, pt, ct)
				checkCTR(t, name, c, iv, ct, pt)
				n++
			}
		}
	}
	if n != 9*len(impls(t)) {
		t.Fatalf("ran %d vectors, want %d", n, 9*len(impls(t)))
	}
}

// TestCAVPECB runs the NIST CAVP AESVS ECB files in testdata/: the
// known-answer tests (GFSbox, KeySbox, VarKey, VarTxt) and the multi-block
// message tests (MMT, 1-10 blocks), ENCRYPT and DECRYPT sections.
func TestCAVPECB(t *testing.T) {
	// Record counts per file, from the COUNT lines of the NIST files.
	want := map[string]int{
		"GFSbox128": 14, "GFSbox192": 12, "GFSbox256": 10,
		"KeySbox128": 42, "KeySbox192": 48, "KeySbox256": 32,
		"VarKey128": 256, "VarKey192": 384, "VarKey256": 512,
		"VarTxt128": 256, "VarTxt192": 256, "VarTxt256": 256,
		"MMT128": 20, "MMT192": 20, "MMT256": 20,
	}
	for _, p := range impls(t) {
		for name, count := range want {
			path := filepath.Join("testdata", "ECB"+name+".rsp")
			recs := readRSP(t, path)
			if len(recs) != count {
				t.Fatalf("%s: %d records, want %d", path, len(recs), count)
			}
			for _, r := range recs {
				key := unhex(t, r.fields["KEY"])
				pt, ct := unhex(t, r.fields["PLAINTEXT"]), unhex(t, r.fields["CIPHERTEXT"])
				if len(pt) == 0 || len(pt) != len(ct) {
					t.Fatalf("%s:%d: bad record", path, r.line)
				}
				c := p.new(t, key)
				got := make([]byte, len(pt))
				var err error
				var want []byte
				switch r.section {
				case "ENCRYPT":
					err, want = c.EncryptBlocks(got, pt), ct
				case "DECRYPT":
					err, want = c.DecryptBlocks(got, ct), pt
				default:
					t.Fatalf("%s:%d: section %q", path, r.line, r.section)
				}
				if err != nil {
					t.Fatalf("%s:%d: %v", path, r.line, err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s %s:%d %s:\n got %x\nwant %x", p.name, path, r.line, r.section, got, want)
				}
			}
		}
	}
}
