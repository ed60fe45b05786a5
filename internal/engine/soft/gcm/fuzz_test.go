package gcm

import (
	"bytes"
	"crypto/cipher"
	"testing"
)

func fuzzBlock(t *testing.T, sel uint8, key []byte) cipher.Block {
	k := make([]byte, []int{16, 24, 32}[int(sel>>1)%3])
	copy(k, key)
	if sel&1 == 1 {
		return newTwofish(t, k)
	}
	return newAES(t, k)
}

func addSpecSeeds(f *testing.F, withIV bool) {
	for i, tc := range specCases {
		iv := unhex(f, tc.iv)
		if !withIV {
			if tc.y0 != "" {
				iv = unhex(f, tc.y0)
			} else {
				iv = append(iv, 0, 0, 0, 1)
			}
		}
		f.Add(unhex(f, tc.key), iv, unhex(f, tc.p), unhex(f, tc.a), uint8(i))
	}
}

// FuzzSealOpen: Seal must equal crypto/cipher (an independent GCM: AES
// assembly, or the generic fallback for Twofish) truncated to the tag
// length; Open must invert it, in place too; one flipped bit must give
// ErrAuth with a zeroed dst; GMAC must equal the AAD-only tag.
func FuzzSealOpen(f *testing.F) {
	addSpecSeeds(f, true)
	f.Add([]byte{}, []byte{}, []byte{}, []byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, key, iv, pt, aad []byte, sel uint8) {
		if len(iv) > 512 || len(pt) > 4096 || len(aad) > 1024 {
			return
		}
		b := fuzzBlock(t, sel, key)
		g := mustNew(t, b)
		tl := allTagSizes[int(sel>>3)%len(allTagSizes)]
		dst := make([]byte, len(pt)+tl)
		err := g.Seal(dst, iv, pt, aad, tl)
		if len(iv) == 0 {
			if err != ErrIVSize {
				t.Fatalf("empty IV: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		std, err := cipher.NewGCMWithNonceSize(b, len(iv))
		if err != nil {
			t.Fatal(err)
		}
		if want := std.Seal(nil, iv, pt, aad)[:len(pt)+tl]; !bytes.Equal(dst, want) {
			t.Fatalf("Seal = %x, std %x", dst, want)
		}
		back := make([]byte, len(pt))
		if err := g.Open(back, iv, dst, aad, tl); err != nil || !bytes.Equal(back, pt) {
			t.Fatalf("Open: %v", err)
		}
		buf := append([]byte{}, dst...)
		if err := g.Open(buf, iv, buf, aad, tl); err != nil || !bytes.Equal(buf[:len(pt)], pt) {
			t.Fatalf("Open in place: %v", err)
		}
		copy(buf, pt)
		if err := g.Seal(buf, iv, buf[:len(pt)], aad, tl); err != nil || !bytes.Equal(buf, dst) {
			t.Fatalf("Seal in place: %v", err)
		}
		i := int(sel) * 13 % (len(dst) * 8)
		dst[i/8] ^= 1 << (i % 8)
		for j := range back {
			back[j] = 0xAA
		}
		if err := g.Open(back, iv, dst, aad, tl); err != ErrAuth || !allZero(back) {
			t.Fatalf("tampered Open: %v, dst %x", err, back)
		}
		if len(pt) == 0 {
			mac := make([]byte, tl)
			if err := g.GMAC(mac, iv, aad); err != nil || !bytes.Equal(mac, buf[:tl]) {
				t.Fatalf("GMAC = %x, %v; want %x", mac, err, buf[:tl])
			}
		}
	})
}

// FuzzSealJ0 compares SealJ0 for an arbitrary J0 (including low words near
// 2^32) with the naive reference of ref_test.go, checks OpenJ0 inverts it,
// and, when J0 = IV ‖ 00000001, that it equals crypto/cipher with that IV.
func FuzzSealJ0(f *testing.F) {
	addSpecSeeds(f, false)
	f.Add([]byte("k"), unhex(f, "a0a1a2a3a4a5a6a7a8a9aaabfffffffe"), make([]byte, 100), []byte("a"), uint8(9))
	f.Add([]byte("k"), unhex(f, "ffffffffffffffffffffffffffffffff"), make([]byte, 33), []byte{}, uint8(17))
	f.Fuzz(func(t *testing.T, key, j0, pt, aad []byte, sel uint8) {
		if len(pt) > 4096 || len(aad) > 1024 {
			return
		}
		b := fuzzBlock(t, sel, key)
		g := mustNew(t, b)
		tl := allTagSizes[int(sel>>3)%len(allTagSizes)]
		dst := make([]byte, len(pt)+tl)
		err := g.SealJ0(dst, j0, pt, aad, tl)
		if len(j0) != 16 {
			if err != ErrIVSize {
				t.Fatalf("J0 of %d bytes: %v", len(j0), err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var j [16]byte
		copy(j[:], j0)
		if want := refSealJ0(b, j, pt, aad, tl); !bytes.Equal(dst, want) {
			t.Fatalf("SealJ0 = %x, reference %x", dst, want)
		}
		back := make([]byte, len(pt))
		if err := g.OpenJ0(back, j0, dst, aad, tl); err != nil || !bytes.Equal(back, pt) {
			t.Fatalf("OpenJ0: %v", err)
		}
		if len(pt) == 0 {
			mac := make([]byte, tl)
			if err := g.GMACJ0(mac, j0, aad); err != nil || !bytes.Equal(mac, dst) {
				t.Fatalf("GMACJ0 = %x, %v", mac, err)
			}
		}
		if j[12] == 0 && j[13] == 0 && j[14] == 0 && j[15] == 1 {
			std, _ := cipher.NewGCM(b)
			if want := std.Seal(nil, j0[:12], pt, aad)[:len(pt)+tl]; !bytes.Equal(dst, want) {
				t.Fatalf("SealJ0(IV‖1) = %x, std %x", dst, want)
			}
		}
	})
}

// FuzzDeriveJ0 compares DeriveJ0 with the reference §7.1 step 2 for any IV.
func FuzzDeriveJ0(f *testing.F) {
	for _, tc := range specCases {
		f.Add(unhex(f, tc.key), unhex(f, tc.iv))
	}
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, key, iv []byte) {
		if len(iv) > 1024 {
			return
		}
		b := fuzzBlock(t, uint8(len(key)), key)
		g := mustNew(t, b)
		var j0 [16]byte
		err := g.DeriveJ0(&j0, iv)
		if len(iv) == 0 {
			if err != ErrIVSize {
				t.Fatalf("empty IV: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := refJ0(b, iv); j0 != want {
			t.Fatalf("DeriveJ0(%x) = %x, reference %x", iv, j0, want)
		}
	})
}

// FuzzOpen feeds arbitrary ciphertexts, IV/J0 lengths, tag lengths and
// destination sizes: no panic, only documented errors, a zeroed dst on
// ErrAuth, and on success the input must be exactly what Seal produces.
func FuzzOpen(f *testing.F) {
	for _, tc := range specCases {
		f.Add(unhex(f, tc.key), unhex(f, tc.iv), unhex(f, tc.c+tc.tag), unhex(f, tc.a), 16, 0, true)
	}
	f.Add([]byte{}, []byte{}, []byte{}, []byte{}, -1, -5, false)
	f.Fuzz(func(t *testing.T, key, iv, in, aad []byte, tagLen, dstDelta int, useIV bool) {
		if len(in) > 4096 || len(iv) > 512 || dstDelta < -64 || dstDelta > 64 {
			return
		}
		g := mustNew(t, fuzzBlock(t, uint8(len(key)), key))
		n := len(in) - tagLen
		dstLen := max(0, n+dstDelta)
		if tagLen < 0 || tagLen > len(in) {
			dstLen = max(0, len(in)+dstDelta)
		}
		dst := make([]byte, dstLen)
		for i := range dst {
			dst[i] = 0x5C
		}
		var err error
		if useIV {
			err = g.Open(dst, iv, in, aad, tagLen)
		} else {
			err = g.OpenJ0(dst, iv, in, aad, tagLen)
		}
		switch err {
		case ErrTagSize, ErrIVSize, ErrInputSize, ErrShortBuffer:
			return
		case ErrAuth:
			if !allZero(dst[:n]) {
				t.Fatalf("ErrAuth with dst %x", dst[:n])
			}
			return
		case nil:
		default:
			t.Fatalf("unexpected error %v", err)
		}
		resealed := make([]byte, len(in))
		if useIV {
			err = g.Seal(resealed, iv, dst[:n], aad, tagLen)
		} else {
			err = g.SealJ0(resealed, iv, dst[:n], aad, tagLen)
		}
		if err != nil || !bytes.Equal(resealed, in) {
			t.Fatalf("accepted input %x does not reseal (%x, %v)", in, resealed, err)
		}
	})
}

// FuzzOverlap places dst and the source at arbitrary offsets of one buffer:
// the call must fail with ErrOverlap exactly when they overlap other than
// by starting at the same address, and otherwise give the out-of-place
// result.
func FuzzOverlap(f *testing.F) {
	f.Add(0, 0, 20, uint8(0), false)
	f.Add(1, 0, 20, uint8(0), false)
	f.Add(0, 24, 20, uint8(0), true)
	f.Add(30, 10, 20, uint8(0), true)
	f.Fuzz(func(t *testing.T, dstOff, srcOff, n int, sel uint8, open bool) {
		if dstOff < 0 || srcOff < 0 || n < 0 || dstOff > 200 || srcOff > 200 || n > 200 {
			return
		}
		g := mustNew(t, newAES(t, make([]byte, 16)))
		tl := allTagSizes[int(sel)%len(allTagSizes)]
		iv := []byte("twelve bytes")
		buf := make([]byte, 500)
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i + 1)
		}
		var want []byte
		var srcLen, outLen int
		if open {
			sealed := make([]byte, n+tl)
			if err := g.Seal(sealed, iv, src, nil, tl); err != nil {
				t.Fatal(err)
			}
			copy(buf[srcOff:], sealed)
			want, srcLen, outLen = src, n+tl, n
		} else {
			want = make([]byte, n+tl)
			if err := g.Seal(want, iv, src, nil, tl); err != nil {
				t.Fatal(err)
			}
			copy(buf[srcOff:], src)
			srcLen, outLen = n, n+tl
		}
		dst, in := buf[dstOff:], buf[srcOff:srcOff+srcLen]
		var err error
		if open {
			err = g.Open(dst, iv, in, nil, tl)
		} else {
			err = g.Seal(dst, iv, in, nil, tl)
		}
		checkLen := outLen
		if open {
			checkLen = n // Open writes n bytes; the whole input is the source
		}
		overlap := srcLen > 0 && checkLen > 0 && dstOff != srcOff &&
			dstOff < srcOff+srcLen && srcOff < dstOff+checkLen
		if overlap {
			if err != ErrOverlap {
				t.Fatalf("dst %d src %d len %d/%d: %v, want ErrOverlap", dstOff, srcOff, checkLen, srcLen, err)
			}
			return
		}
		if err != nil || !bytes.Equal(buf[dstOff:dstOff+outLen], want) {
			t.Fatalf("dst %d src %d: %v, got %x want %x", dstOff, srcOff, err, buf[dstOff:dstOff+outLen], want)
		}
	})
}
