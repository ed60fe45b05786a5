package gcm

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// Test Cases 1–18 of D. McGrew and J. Viega, "The Galois/Counter Mode of
// Operation (GCM)", revised submission to NIST (2005), Appendix B "AES Test
// Vectors". K, P, A, IV, C and T were transcribed from GNU Nettle's
// testsuite/gcm-test.c (which reproduces that appendix) and checked against a
// text copy of the appendix; H, Y0 (for the non-96-bit IVs of cases 5, 6,
// 11, 12, 17, 18) and GHASH(H, A, C) were transcribed from the appendix
// itself. The same cases are used in NIST's GCM validation documentation.
const (
	specK2  = "feffe9928665731c6d6a8f9467308308"
	specP64 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
	specP60 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
	specA     = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
	specIV96  = "cafebabefacedbaddecaf888"
	specIV64  = "cafebabefacedbad"
	specIV480 = "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728" +
		"c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b"
	specZero16 = "00000000000000000000000000000000"
	specIV0    = "000000000000000000000000"
)

type specCase struct {
	n                     int
	key, p, a, iv, c, tag string
	h, y0, ghash          string
}

var specCases = []specCase{
	{1, specZero16, "", "", specIV0, "", "58e2fccefa7e3061367f1d57a4e7455a",
		"66e94bd4ef8a2c3b884cfa59ca342b2e", "", specZero16},
	{2, specZero16, specZero16, "", specIV0, "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf",
		"66e94bd4ef8a2c3b884cfa59ca342b2e", "", "f38cbb1ad69223dcc3457ae5b6b0f885"},
	{3, specK2, specP64, "", specIV96,
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
		"4d5c2af327cd64a62cf35abd2ba6fab4",
		"b83b533708bf535d0aa6e52980d53b78", "", "7f1b32b81b820d02614f8895ac1d4eac"},
	{4, specK2, specP60, specA, specIV96,
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		"5bc94fbc3221a5db94fae95ae7121a47",
		"b83b533708bf535d0aa6e52980d53b78", "", "698e57f70e6ecc7fd9463b7260a9ae5f"},
	{5, specK2, specP60, specA, specIV64,
		"61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
		"3612d2e79e3b0785561be14aaca2fccb",
		"b83b533708bf535d0aa6e52980d53b78", "c43a83c4c4badec4354ca984db252f7d", "df586bb4c249b92cb6922877e444d37b"},
	{6, specK2, specP60, specA, specIV480,
		"8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
		"619cc5aefffe0bfa462af43c1699d050",
		"b83b533708bf535d0aa6e52980d53b78", "3bab75780a31c059f83d2a44752f9864", "1c5afe9760d3932f3c9a878aac3dc3de"},
	{7, "000000000000000000000000000000000000000000000000", "", "", specIV0, "", "cd33b28ac773f74ba00ed1f312572435",
		"aae06992acbf52a3e8f4a96ec9300bd7", "", specZero16},
	{8, "000000000000000000000000000000000000000000000000", specZero16, "", specIV0,
		"98e7247c07f0fe411c267e4384b0f600", "2ff58d80033927ab8ef4d4587514f0fb",
		"aae06992acbf52a3e8f4a96ec9300bd7", "", "e2c63f0ac44ad0e02efa05ab6743d4ce"},
	{9, specK2 + "feffe9928665731c", specP64, "", specIV96,
		"3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
		"9924a7c8587336bfb118024db8674a14",
		"466923ec9ae682214f2c082badb39249", "", "51110d40f6c8fff0eb1ae33445a889f0"},
	{10, specK2 + "feffe9928665731c", specP60, specA, specIV96,
		"3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
		"2519498e80f1478f37ba55bd6d27618c",
		"466923ec9ae682214f2c082badb39249", "", "ed2ce3062e4a8ec06db8b4c490e8a268"},
	{11, specK2 + "feffe9928665731c", specP60, specA, specIV64,
		"0f10f599ae14a154ed24b36e25324db8c566632ef2bbb34f8347280fc4507057fddc29df9a471f75c66541d4d4dad1c9e93a19a58e8b473fa0f062f7",
		"65dcc57fcf623a24094fcca40d3533f8",
		"466923ec9ae682214f2c082badb39249", "a14378078d27258a6292737e1802ada5", "1e6a133806607858ee80eaf237064089"},
	{12, specK2 + "feffe9928665731c", specP60, specA, specIV480,
		"d27e88681ce3243c4830165a8fdcf9ff1de9a1d8e6b447ef6ef7b79828666e4581e79012af34ddd9e2f037589b292db3e67c036745fa22e7e9b7373b",
		"dcf566ff291c25bbb8568fc3d376a6d9",
		"466923ec9ae682214f2c082badb39249", "4505cdc367a054c5002820e96aebef27", "82567fb0b4cc371801eadec005968e94"},
	{13, specZero16 + specZero16, "", "", specIV0, "", "530f8afbc74536b9a963b4f1c4cb738b",
		"dc95c078a2408989ad48a21492842087", "", specZero16},
	{14, specZero16 + specZero16, specZero16, "", specIV0,
		"cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919",
		"dc95c078a2408989ad48a21492842087", "", "83de425c5edc5d498f382c441041ca92"},
	{15, specK2 + specK2, specP64, "", specIV96,
		"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
		"b094dac5d93471bdec1a502270e3cc6c",
		"acbef20579b4b8ebce889bac8732dad7", "", "4db870d37cb75fcb46097c36230d1612"},
	{16, specK2 + specK2, specP60, specA, specIV96,
		"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		"76fc6ece0f4e1768cddf8853bb2d551b",
		"acbef20579b4b8ebce889bac8732dad7", "", "8bd0c4d8aacd391e67cca447e8c38f65"},
	{17, specK2 + specK2, specP60, specA, specIV64,
		"c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
		"3a337dbf46a792c45e454913fe2ea8f2",
		"acbef20579b4b8ebce889bac8732dad7", "0095df49dd90abe3e4d252475748f5d4", "75a34288b8c68f811c52b2e9a2f97f63"},
	{18, specK2 + specK2, specP60, specA, specIV480,
		"5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
		"a44a8266ee1c8eb0c8b5d4cf5ae9f19a",
		"acbef20579b4b8ebce889bac8732dad7", "0cd953e2140a5976079f8e2406bc8eb4", "d5ffcf6fc5ac4d69722187421a7f170b"},
}

// TestSpecCases runs GCM spec Test Cases 1–18 through every entry point:
// Seal/Open with the IV, SealJ0/OpenJ0 with J0 (IV ‖ 00000001 for 96-bit IVs,
// the published Y0 otherwise), DeriveJ0 against the published Y0, the
// subkey H and GHASH(H, A, C) against the published intermediate values, and
// every truncated tag length against the leading bytes of the published T
// (truncation is MSB_t, SP 800-38D §7.1 step 6).
func TestSpecCases(t *testing.T) {
	for _, tc := range specCases {
		key, p, a, iv := unhex(t, tc.key), unhex(t, tc.p), unhex(t, tc.a), unhex(t, tc.iv)
		c, tag := unhex(t, tc.c), unhex(t, tc.tag)
		g := mustNew(t, newAES(t, key))

		// Intermediate values: H, GHASH(H, A, C), Y0.
		if got := g.h; got.hi != binary.BigEndian.Uint64(unhex(t, tc.h)[:8]) || got.lo != binary.BigEndian.Uint64(unhex(t, tc.h)[8:]) {
			t.Errorf("case %d: H = %016x%016x, want %s", tc.n, got.hi, got.lo, tc.h)
		}
		yhi, ylo := g.h.update(0, 0, a)
		yhi, ylo = g.h.update(yhi, ylo, c)
		yhi, ylo = g.h.mul(yhi^uint64(len(a))*8, ylo^uint64(len(c))*8)
		var gh [16]byte
		binary.BigEndian.PutUint64(gh[:8], yhi)
		binary.BigEndian.PutUint64(gh[8:], ylo)
		if want := unhex(t, tc.ghash); !bytes.Equal(gh[:], want) {
			t.Errorf("case %d: GHASH(H,A,C) = %x, want %x", tc.n, gh, want)
		}
		var j0 [16]byte
		if err := g.DeriveJ0(&j0, iv); err != nil {
			t.Fatal(err)
		}
		wantJ0 := append(append([]byte{}, iv...), 0, 0, 0, 1)
		if tc.y0 != "" {
			wantJ0 = unhex(t, tc.y0)
		}
		if !bytes.Equal(j0[:], wantJ0) {
			t.Errorf("case %d: DeriveJ0 = %x, want %x", tc.n, j0, wantJ0)
		}

		for _, tl := range allTagSizes {
			want := append(append([]byte{}, c...), tag[:tl]...)
			checkSealOpen(t, g, tc.n, tl, iv, wantJ0, p, a, want)
		}
		if len(p) == 0 {
			out := make([]byte, 16)
			if err := g.GMAC(out, iv, a); err != nil || !bytes.Equal(out, tag) {
				t.Errorf("case %d: GMAC = %x, %v; want %x", tc.n, out, err, tag)
			}
		}
	}
}

// checkSealOpen checks Seal, SealJ0, Open and OpenJ0 (out of place and in
// place) against want = C ‖ T, and that a flipped tag bit is rejected.
func checkSealOpen(t *testing.T, g *GCM, id, tagLen int, iv, j0, p, a, want []byte) {
	t.Helper()
	dst := make([]byte, len(want)+3) // extra bytes must stay untouched
	for i := range dst {
		dst[i] = 0xA5
	}
	if err := g.Seal(dst, iv, p, a, tagLen); err != nil || !bytes.Equal(dst[:len(want)], want) {
		t.Errorf("%d/tag %d: Seal = %x, %v; want %x", id, tagLen, dst[:len(want)], err, want)
	}
	if !bytes.Equal(dst[len(want):], []byte{0xA5, 0xA5, 0xA5}) {
		t.Errorf("%d/tag %d: Seal wrote past its output", id, tagLen)
	}
	clear(dst)
	if err := g.SealJ0(dst, j0, p, a, tagLen); err != nil || !bytes.Equal(dst[:len(want)], want) {
		t.Errorf("%d/tag %d: SealJ0 = %x, %v; want %x", id, tagLen, dst[:len(want)], err, want)
	}
	// In place.
	buf := make([]byte, len(want))
	copy(buf, p)
	if err := g.SealJ0(buf, j0, buf[:len(p)], a, tagLen); err != nil || !bytes.Equal(buf, want) {
		t.Errorf("%d/tag %d: SealJ0 in place = %x, %v", id, tagLen, buf, err)
	}

	pt := make([]byte, len(p))
	if err := g.Open(pt, iv, want, a, tagLen); err != nil || !bytes.Equal(pt, p) {
		t.Errorf("%d/tag %d: Open = %x, %v; want %x", id, tagLen, pt, err, p)
	}
	clear(pt)
	if err := g.OpenJ0(pt, j0, want, a, tagLen); err != nil || !bytes.Equal(pt, p) {
		t.Errorf("%d/tag %d: OpenJ0 = %x, %v; want %x", id, tagLen, pt, err, p)
	}
	copy(buf, want)
	if err := g.OpenJ0(buf, j0, buf, a, tagLen); err != nil || !bytes.Equal(buf[:len(p)], p) {
		t.Errorf("%d/tag %d: OpenJ0 in place = %x, %v", id, tagLen, buf[:len(p)], err)
	}

	// One flipped bit anywhere in the tag is rejected, and dst is zeroed.
	bad := append([]byte{}, want...)
	bad[len(bad)-1-id%tagLen] ^= 1 << (id % 8)
	for i := range pt {
		pt[i] = 0xFF
	}
	if err := g.OpenJ0(pt, j0, bad, a, tagLen); err != ErrAuth || !allZero(pt) {
		t.Errorf("%d/tag %d: OpenJ0(bad tag) = %v, dst %x", id, tagLen, err, pt)
	}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// TestSpecGHASHSteps checks single multiplications against the X_i values
// that the GCM spec publishes (Appendix B): Test Case 2 X1 = C1·H, and the
// chain X1..X4 of Test Case 3 (A empty, so X_i = (X_{i-1} ⊕ C_i)·H), then
// X5 = (X4 ⊕ len(A)‖len(C))·H = GHASH.
func TestSpecGHASHSteps(t *testing.T) {
	check := func(name string, hHex, cHex string, xs []string) {
		var h [16]byte
		copy(h[:], unhex(t, hHex))
		k := newGHASHKey(&h)
		c := unhex(t, cHex)
		var yhi, ylo uint64
		for i, x := range xs {
			blk := c[16*i : 16*i+16]
			yhi, ylo = k.mul(yhi^binary.BigEndian.Uint64(blk[:8]), ylo^binary.BigEndian.Uint64(blk[8:]))
			want := unhex(t, x)
			if yhi != binary.BigEndian.Uint64(want[:8]) || ylo != binary.BigEndian.Uint64(want[8:]) {
				t.Errorf("%s: X%d = %016x%016x, want %x", name, i+1, yhi, ylo, want)
			}
		}
	}
	check("TC2", "66e94bd4ef8a2c3b884cfa59ca342b2e", "0388dace60b6a392f328c2b971b2fe78"+"00000000000000000000000000000080",
		[]string{"5e2ec746917062882c85b0685353deb7", "f38cbb1ad69223dcc3457ae5b6b0f885"})
	check("TC3", "b83b533708bf535d0aa6e52980d53b78",
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"+
			"00000000000000000000000000000200",
		[]string{"59ed3f2bb1a0aaa07c9f56c6a504647b", "b714c9048389afd9f9bc5c1d4378e052",
			"47400c6577b1ee8d8f40b2721e86ff10", "4796cf49464704b5dd91f159bb1b7f95", "7f1b32b81b820d02614f8895ac1d4eac"})
}
