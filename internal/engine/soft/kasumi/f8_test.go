package kasumi

import (
	"bytes"
	"errors"
	"testing"
)

// f8Vectors are the f8 test sets 1–5 of 3GPP TS 35.203 ("Document 3:
// Implementors' test data", §4 "f8"). Key, IV, plaintext and ciphertext
// were transcribed from DPDK app/test/test_cryptodev_kasumi_test_vectors.h
// (kasumi_test_case_1 .. _5, git commit 27a1c47 of DPDK/dpdk), which
// carries the TS 35.203 sets with the IV as register A (COUNT ‖ BEARER ‖
// DIRECTION ‖ 0…) and the length as validCipherLenInBits. COUNT, BEARER,
// DIRECTION and LENGTH are the TS 35.203 values (as listed in Cavium's
// OpenSSL-licensed f8 test table "taken from 3GPP TS 35.203 V3.1.1"); the
// test checks that F8IV(COUNT, BEARER, DIRECTION) equals the DPDK IV.
//
// The ciphertexts are shown over whole bytes: bits after LENGTH in the last
// byte are the plaintext bits XORed with keystream, as TS 35.203 prints
// them (the output of its reference program). For test set 4 (253 bits)
// DPDK's file ends the ciphertext with 0x10 while TS 35.203, as transcribed
// by Cavium's table and by T. Itschner's kasumi_f8_tb.v, ends it with 0x12:
// the two differ only in bits 254–256, beyond LENGTH. The table below uses
// the TS 35.203 byte, which the reference program's whole-byte behaviour
// reproduces; the test also compares the first LENGTH bits with DPDK's
// variant.
var f8Vectors = []struct {
	name      string
	key       string
	count     uint32
	bearer    uint8
	direction uint8
	iv        string // DPDK's 8-byte IV
	nbits     int
	pt, ct    string
}{
	{
		name: "TS 35.203 f8 test set 1", key: "2BD6459F82C5B300952C49104881FF48",
		count: 0x72A4F20F, bearer: 0x0C, direction: 1, iv: "72A4F20F64000000", nbits: 798,
		pt: "7EC61272743BF1614726446A6C38CED166F6CA76EB543004" +
			"4286346CEF130F92922B03450D3A9975E5BD2EA0EB55AD8E" +
			"1B199E3EC4316020E9A1B285E762795359B7BDFD39BEF4B2" +
			"484583D5AFE082AEE638BF5FD5A606193901A08F4AB41AAB" +
			"9B134880",
		ct: "D1E2DE70EEF86C6964FB542BC2D460AABFAA10A4A093262B" +
			"7D199E706FC2D4891553296910F3A973012682E41C4E2B02" +
			"BE2017B7253BBF9309DE5819CB42E81956F4C99BC9765CAF" +
			"53B1D0BB8279826ADBBC5522E915C120A618A5A7F5E89708" +
			"9339650F",
	},
	{
		name: "TS 35.203 f8 test set 2", key: "EFA8B2229E720C2A7C36EA55E9605695",
		count: 0xE28BCF7B, bearer: 0x18, direction: 0, iv: "E28BCF7BC0000000", nbits: 510,
		pt: "10111231E060253A43FD3F57E37607AB2827B599B6B1BBDA" +
			"37A8ABCC5A8C550D1BFB2F494624FB50367FA36CE3BC68F1" +
			"1CF93B1510376B02130F812A9FA169D8",
		ct: "3DEACC7C15821CAA89EECADE9B5BD3614BD0C8419D710385" +
			"DDBE5849EF1BAC5AE8B14A5B0A6741521EB4E00BB9ECF3E9" +
			"F7CCB9CAE74152D7F4E2A034B6EA00EC",
	},
	{
		name: "TS 35.203 f8 test set 3", key: "5ACB1D644C0D51204EA5F1451010D852",
		count: 0xFA556B26, bearer: 0x03, direction: 1, iv: "FA556B261C000000", nbits: 120,
		pt: "AD9C441F890B38C457A49D421407E8",
		ct: "9BC92CA803C67B28A11A4BEE5A0C25",
	},
	{
		name: "TS 35.203 f8 test set 4", key: "D3C5D592327FB11C4035C6680AF8C6D1",
		count: 0x398A59B4, bearer: 0x05, direction: 1, iv: "398A59B42C000000", nbits: 253,
		pt: "981BA6824C1BFB1AB485472029B71D808CE33E2CC3C0B5FC" +
			"1F3DE8A6DC66B1F0",
		ct: "5BB9431BB1E98BD11B93DB7C3D45136559BB86A295AA204E" +
			"CBEBF6F7A5101512",
	},
	{
		name: "TS 35.203 f8 test set 5", key: "6090EAE04C83706EECBF652BE8E36566",
		count: 0x72A4F20F, bearer: 0x09, direction: 0, iv: "72A4F20F48000000", nbits: 837,
		pt: "40981BA6824C1BFB4286B299783DAF442C099F7AB0F58D5C" +
			"8E46B104F08F01B41AB485472029B71D36BD1A3D90DC3A41" +
			"B46D51672AC4C9663A2BE063DA4BC8D2808CE33E2CCCBFC6" +
			"34E1B259060876A0FBB5A437EBCC8D31C19E4454318745E3" +
			"987645987A986F2CB0",
		ct: "DDB364DD2AAEC24DFF291957B78BAD063AC579CD9041BABE" +
			"89FD195C0578CB9FDE4217566178D20240206D07CFA619EC" +
			"059F63514459FC10D42DC9934E56EBC0CBC60D4D2DF17477" +
			"4CBDCD5DA4A350317A7F12E1949471F8A295F272E68FC071" +
			"59B07D8E2D26E4599E",
	},
}

// dpdkF8Set4LastByte is the last ciphertext byte of test set 4 as DPDK's
// kasumi_test_case_4 prints it (see the comment on f8Vectors).
const dpdkF8Set4LastByte = 0x10

// equalBits reports whether a and b agree in their first nbits bits.
func equalBits(a, b []byte, nbits int) bool {
	n := nbits / 8
	if len(a) < (nbits+7)/8 || len(b) < (nbits+7)/8 || !bytes.Equal(a[:n], b[:n]) {
		return false
	}
	if r := nbits % 8; r != 0 {
		mask := byte(0xFF << (8 - r))
		return a[n]&mask == b[n]&mask
	}
	return true
}

func TestF8Vectors(t *testing.T) {
	for _, v := range f8Vectors {
		t.Run(v.name, func(t *testing.T) {
			f, err := NewF8(unhex(t, v.key))
			if err != nil {
				t.Fatal(err)
			}
			iv := unhex(t, v.iv)
			if got := F8IV(v.count, v.bearer, v.direction); !bytes.Equal(got[:], iv) {
				t.Fatalf("F8IV(%08X, %d, %d) = %X, DPDK IV %X", v.count, v.bearer, v.direction, got, iv)
			}
			pt, ct := unhex(t, v.pt), unhex(t, v.ct)
			if len(pt) != (v.nbits+7)/8 || len(ct) != len(pt) {
				t.Fatalf("vector lengths: pt %d, ct %d bytes for %d bits", len(pt), len(ct), v.nbits)
			}

			// Bit-length API, encryption and decryption, out of place.
			got := make([]byte, len(pt))
			if err := f.XORKeyStreamBits(got, pt, iv, v.nbits); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, ct) {
				t.Errorf("XORKeyStreamBits encrypt:\n got %X\nwant %X", got, ct)
			}
			if err := f.XORKeyStreamBits(got, ct, iv, v.nbits); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, pt) {
				t.Errorf("XORKeyStreamBits decrypt:\n got %X\nwant %X", got, pt)
			}

			// Byte API over the same whole bytes, in place.
			buf := bytes.Clone(pt)
			if err := f.XORKeyStream(buf, buf, iv); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf, ct) {
				t.Errorf("XORKeyStream in place:\n got %X\nwant %X", buf, ct)
			}

			// Only the first nbits bits are significant: DPDK's variant of
			// test set 4 must match there too.
			dpdk := bytes.Clone(ct)
			if v.nbits == 253 {
				dpdk[len(dpdk)-1] = dpdkF8Set4LastByte
			}
			if !equalBits(buf, dpdk, v.nbits) {
				t.Errorf("first %d bits differ from DPDK's ciphertext", v.nbits)
			}
		})
	}
}

// TestF8BitsTouchesOnlyItsBytes checks that XORKeyStreamBits writes only
// (nbits+7)/8 bytes and that a shorter call gives a prefix of the published
// ciphertext (the keystream restarts with every call).
func TestF8BitsTouchesOnlyItsBytes(t *testing.T) {
	v := f8Vectors[0]
	f, err := NewF8(unhex(t, v.key))
	if err != nil {
		t.Fatal(err)
	}
	iv := unhex(t, v.iv)
	pt, ct := unhex(t, v.pt), unhex(t, v.ct)
	for _, nbits := range []int{0, 1, 7, 8, 9, 63, 64, 65, 128, 797} {
		dst := bytes.Repeat([]byte{0xEE}, len(pt))
		if err := f.XORKeyStreamBits(dst, pt, iv, nbits); err != nil {
			t.Fatal(err)
		}
		n := (nbits + 7) / 8
		if !bytes.Equal(dst[:n], ct[:n]) {
			t.Errorf("nbits %d: prefix %X, want %X", nbits, dst[:n], ct[:n])
		}
		for _, b := range dst[n:] {
			if b != 0xEE {
				t.Fatalf("nbits %d: wrote past byte %d", nbits, n)
			}
		}
	}
}

func TestF8Errors(t *testing.T) {
	for _, n := range []int{0, 15, 17, 32} {
		if f, err := NewF8(make([]byte, n)); !errors.Is(err, ErrKeySize) || f != nil {
			t.Errorf("NewF8(%d bytes) = %v, %v", n, f, err)
		}
	}
	f, err := NewF8(make([]byte, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, IVSize)
	src := make([]byte, 10)
	for _, n := range []int{0, 7, 9, 16} {
		if err := f.XORKeyStream(make([]byte, 10), src, make([]byte, n)); !errors.Is(err, ErrIVSize) {
			t.Errorf("iv %d bytes: err = %v", n, err)
		}
		if err := f.XORKeyStreamBits(make([]byte, 10), src, make([]byte, n), 80); !errors.Is(err, ErrIVSize) {
			t.Errorf("bits, iv %d bytes: err = %v", n, err)
		}
	}
	dst := bytes.Repeat([]byte{0xEE}, 9)
	if err := f.XORKeyStream(dst, src, iv); !errors.Is(err, ErrShortBuffer) {
		t.Errorf("short dst: err = %v", err)
	}
	if !bytes.Equal(dst, bytes.Repeat([]byte{0xEE}, 9)) {
		t.Error("short dst was written")
	}
	if err := f.XORKeyStreamBits(dst, src, iv, 73); !errors.Is(err, ErrShortBuffer) {
		t.Errorf("bits, short dst: err = %v", err)
	}
	if err := f.XORKeyStreamBits(dst, src, iv, 72); err != nil {
		t.Errorf("bits, exact dst: err = %v", err)
	}
	for _, nbits := range []int{-1, -64, 81, 88, 1 << 40} {
		if err := f.XORKeyStreamBits(make([]byte, 10), src, iv, nbits); !errors.Is(err, ErrLength) {
			t.Errorf("nbits %d: err = %v", nbits, err)
		}
	}
	if err := f.XORKeyStreamBits(nil, nil, iv, 0); err != nil {
		t.Errorf("empty: err = %v", err)
	}
	if err := f.XORKeyStream(nil, nil, iv); err != nil {
		t.Errorf("empty: err = %v", err)
	}
}

func TestF8Zero(t *testing.T) {
	v := f8Vectors[2]
	f, err := NewF8(unhex(t, v.key))
	if err != nil {
		t.Fatal(err)
	}
	f.Zero()
	if f.ck.rk != [8]roundKey{} || f.ckm.rk != [8]roundKey{} {
		t.Fatal("Zero left key material")
	}
	pt := unhex(t, v.pt)
	got := make([]byte, len(pt))
	if err := f.XORKeyStream(got, pt, unhex(t, v.iv)); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, unhex(t, v.ct)) {
		t.Fatal("zeroed F8 still uses the old key")
	}
}

func TestF8IVMasksInputs(t *testing.T) {
	iv := F8IV(0x01020304, 0xFF, 0xFF)
	want := [IVSize]byte{1, 2, 3, 4, 0xFC, 0, 0, 0}
	if iv != want {
		t.Fatalf("F8IV = %X, want %X", iv, want)
	}
}
