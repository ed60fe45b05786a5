package snow3g

// The tables below are computed once, at package initialisation, from the
// mathematical definitions in Document 2 and are never written afterwards.
// Computing them (rather than transcribing 2,560 constants) keeps a single
// source of truth; tables_test.go pins them against the published SR/SQ
// tables and the keystream test sets exercise every entry class.

// tables holds every lookup table SNOW 3G needs.
type tables struct {
	// s1 and s2 are the T-tables of the 32-bit S-boxes S1 and S2
	// (Document 2, "S-box S1" and "S-box S2"): S(w) = t[0][w>>24] ^ t[1][w>>16&0xff] ^
	// t[2][w>>8&0xff] ^ t[3][w&0xff].
	s1, s2 [4][256]uint32
	// mulAlpha and divAlpha are MULα and DIVα (Document 2, "LFSR").
	mulAlpha, divAlpha [256]uint32
}

// tab is read-only after package initialisation.
var tab = buildTables()

// mulx is MULx (Document 2, "MULx"): multiplication by x of a byte seen as
// an element of GF(2)[x] reduced by the polynomial whose low byte is c.
func mulx(v, c byte) byte {
	if v&0x80 != 0 {
		return v<<1 ^ c
	}
	return v << 1
}

// mulxPow is MULxPOW (Document 2, "MULxPOW"): MULx applied i times.
func mulxPow(v byte, i int, c byte) byte {
	for ; i > 0; i-- {
		v = mulx(v, c)
	}
	return v
}

// gfMul multiplies a and b in GF(2^8) defined by x^8 + (low bits poly).
func gfMul(a, b, poly byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		a = mulx(a, poly)
		b >>= 1
	}
	return p
}

// gfPow raises a to the power e in GF(2^8) defined by poly.
func gfPow(a byte, e int, poly byte) byte {
	r := byte(1)
	for ; e > 0; e >>= 1 {
		if e&1 != 0 {
			r = gfMul(r, a, poly)
		}
		a = gfMul(a, a, poly)
	}
	return r
}

// sboxSR returns the Rijndael S-box SR (Document 2, "S-box S1"; FIPS-197 §5.1.1):
// multiplicative inverse in GF(2^8) mod x^8+x^4+x^3+x+1 followed by the
// affine transformation.
func sboxSR() [256]byte {
	var s [256]byte
	for i := range 256 {
		b := byte(0)
		if i != 0 {
			b = gfPow(byte(i), 254, 0x1b)
		}
		r := b ^ (b<<1 | b>>7) ^ (b<<2 | b>>6) ^ (b<<3 | b>>5) ^ (b<<4 | b>>4) ^ 0x63
		s[i] = r
	}
	return s
}

// sboxSQ returns the S-box SQ (Document 2, "S-box S2"): SQ(x) = g49(x) ^ 0x25
// where g49 is the Dickson polynomial
// x + x^9 + x^13 + x^15 + x^33 + x^41 + x^45 + x^47 + x^49 over
// GF(2^8) defined by x^8+x^6+x^5+x^3+1.
func sboxSQ() [256]byte {
	var s [256]byte
	exps := [...]int{1, 9, 13, 15, 33, 41, 45, 47, 49}
	for i := range 256 {
		var g byte
		for _, e := range exps {
			g ^= gfPow(byte(i), e, 0x69)
		}
		s[i] = g ^ 0x25
	}
	return s
}

// tTables builds the four T-tables of a 32-bit S-box built, as S1 and S2
// are, from a byte S-box sb and the MixColumn-like matrix over the
// reduction byte c (0x1B for S1, 0x69 for S2).
func tTables(sb *[256]byte, c byte) [4][256]uint32 {
	var t [4][256]uint32
	for i := range 256 {
		s := uint32(sb[i])
		x := uint32(mulx(sb[i], c)) // MULx(S(w_i), c)
		xs := x ^ s
		// Output bytes r0..r3 (r0 most significant), Document 2, "S-box S1":
		// r0 = x(w0) ^ s(w1) ^ s(w2) ^ xs(w3)
		// r1 = xs(w0) ^ x(w1) ^ s(w2) ^ s(w3)
		// r2 = s(w0) ^ xs(w1) ^ x(w2) ^ s(w3)
		// r3 = s(w0) ^ s(w1) ^ xs(w2) ^ x(w3)
		t[0][i] = x<<24 | xs<<16 | s<<8 | s
		t[1][i] = s<<24 | x<<16 | xs<<8 | s
		t[2][i] = s<<24 | s<<16 | x<<8 | xs
		t[3][i] = xs<<24 | s<<16 | s<<8 | x
	}
	return t
}

func buildTables() *tables {
	t := new(tables)
	sr := sboxSR()
	sq := sboxSQ()
	t.s1 = tTables(&sr, 0x1b)
	t.s2 = tTables(&sq, 0x69)
	for i := range 256 {
		c := byte(i)
		t.mulAlpha[i] = uint32(mulxPow(c, 23, 0xa9))<<24 |
			uint32(mulxPow(c, 245, 0xa9))<<16 |
			uint32(mulxPow(c, 48, 0xa9))<<8 |
			uint32(mulxPow(c, 239, 0xa9))
		t.divAlpha[i] = uint32(mulxPow(c, 16, 0xa9))<<24 |
			uint32(mulxPow(c, 39, 0xa9))<<16 |
			uint32(mulxPow(c, 6, 0xa9))<<8 |
			uint32(mulxPow(c, 64, 0xa9))
	}
	return t
}
