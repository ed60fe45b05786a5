package gcm

import (
	"encoding/binary"
	"math/bits"
)

// This file is GHASH (NIST SP 800-38D §6.3, §6.4) in a constant-time
// formulation.
//
// Representation. A field element X = X_0 X_1 … X_127 (X_0 is the leftmost
// bit, the coefficient of x^0) is held as two words loaded big-endian from
// its 16-byte string: hi = bytes 0..7, lo = bytes 8..15. As a 128-bit
// integer hi·2^64+lo, the coefficient of x^i sits at integer bit 127-i
// ("bit-reflected" order). The carry-less integer product of two reflected
// values therefore has the coefficient of x^m at bit 254-m; one left shift
// puts it at bit 255-m, so the top 128 bits of the 256-bit result are x^0 …
// x^127 in the same reflected order and the low 128 bits are x^128 … x^255,
// which are folded back with x^128 = 1 + x + x^2 + x^7.
//
// Multiplication. A 64×64 carry-less multiply is done with ordinary integer
// multiplications on operands in which only every fourth bit is kept (the
// "holes" technique that BearSSL's ghash_ctmul64 describes): x = x0|x1|x2|x3
// with x_i = x & (0x1111…·2^i). In the low 64 bits of an integer product
// x_i·y_j every column ≡ i+j (mod 4) receives at most 16 one-bits, and the
// carries never reach the next column of the same residue class except from
// column 60 into bit 64, which is discarded; masking each residue class out of
// the right sums therefore yields the low 64 bits of the carry-less product.
// The high 64 bits come from the same routine on bit-reversed operands:
// rev64(low64(clmul(rev64 a, rev64 b))) = clmul(a, b) >> 63. A 128×128
// product takes three 64×64 products (Karatsuba), i.e. six low-half
// multiplies of 16 integer multiplications each.
//
// Trade-off. There are no secret-dependent table lookups or branches: the
// running time depends only on the lengths of the inputs, provided the CPU's
// 64-bit integer multiplier is constant-time (true for amd64 and arm64, not
// for some small embedded cores). Go's own generic GHASH
// (crypto/internal/fips140/aes/gcm) uses a 16-entry table of multiples of H
// indexed by data nibbles, which is about four times faster in pure Go but
// leaks the data/H-dependent access pattern through the cache. Neither comes
// close to the PCLMULQDQ assembly that std uses for AES-GCM, which is why the
// engine keeps using std for the common case.

const (
	m0 = 0x1111111111111111
	m1 = 0x2222222222222222
	m2 = 0x4444444444444444
	m3 = 0x8888888888888888
)

// bmul64 returns the low 64 bits of the carry-less product of x and y.
func bmul64(x, y uint64) uint64 {
	x0, x1, x2, x3 := x&m0, x&m1, x&m2, x&m3
	y0, y1, y2, y3 := y&m0, y&m1, y&m2, y&m3
	z0 := (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1)
	z1 := (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2)
	z2 := (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3)
	z3 := (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0)
	return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3)
}

// ghashKey is the hash subkey H = E(K, 0^128) with the values that the
// multiplication needs precomputed. It is read-only after newGHASHKey.
type ghashKey struct {
	hi, lo, mid    uint64 // H words and hi^lo (Karatsuba middle operand)
	hiR, loR, midR uint64 // the same, bit-reversed
}

func newGHASHKey(h *[16]byte) ghashKey {
	hi := binary.BigEndian.Uint64(h[0:8])
	lo := binary.BigEndian.Uint64(h[8:16])
	return ghashKey{
		hi: hi, lo: lo, mid: hi ^ lo,
		hiR: bits.Reverse64(hi), loR: bits.Reverse64(lo), midR: bits.Reverse64(hi ^ lo),
	}
}

// mul returns (yhi, ylo)·H in GF(2^128) with the GCM polynomial.
func (k *ghashKey) mul(yhi, ylo uint64) (uint64, uint64) {
	ymid := yhi ^ ylo

	// Low and high halves of the three 64×64 products.
	llo := bmul64(ylo, k.lo)
	hlo := bmul64(yhi, k.hi)
	mlo := bmul64(ymid, k.mid)
	lhi := bits.Reverse64(bmul64(bits.Reverse64(ylo), k.loR)) >> 1
	hhi := bits.Reverse64(bmul64(bits.Reverse64(yhi), k.hiR)) >> 1
	mhi := bits.Reverse64(bmul64(bits.Reverse64(ymid), k.midR)) >> 1

	// Karatsuba: middle = mid·mid' ^ hi·hi' ^ lo·lo'.
	mlo ^= llo ^ hlo
	mhi ^= lhi ^ hhi

	// 255-bit product, most significant word first.
	w3 := hhi
	w2 := hlo ^ mhi
	w1 := mlo ^ lhi
	w0 := llo

	// Shift left by one so that x^m sits at bit 255-m.
	w3 = w3<<1 | w2>>63
	w2 = w2<<1 | w1>>63
	w1 = w1<<1 | w0>>63
	w0 <<= 1

	// Reduce. w0 holds x^192..x^255 and w1 holds x^128..x^191 (x^(128+j)
	// at bit 63-j of w1). x^(128+j) = x^j·(1 + x + x^2 + x^7); multiplying by
	// x^k is a right shift by k, and what is shifted out of a word lands at
	// the top of the next lower word (a left shift by 64-k).
	w2 ^= w0 ^ w0>>1 ^ w0>>2 ^ w0>>7
	w1 ^= w0<<63 ^ w0<<62 ^ w0<<57
	w3 ^= w1 ^ w1>>1 ^ w1>>2 ^ w1>>7
	w2 ^= w1<<63 ^ w1<<62 ^ w1<<57
	return w3, w2
}

// update absorbs p into the GHASH state (yhi, ylo), zero-padding a final
// partial block (SP 800-38D §7.1 step 5 / §7.2 step 5 padding).
func (k *ghashKey) update(yhi, ylo uint64, p []byte) (uint64, uint64) {
	for len(p) >= 16 {
		yhi, ylo = k.mul(yhi^binary.BigEndian.Uint64(p[0:8]), ylo^binary.BigEndian.Uint64(p[8:16]))
		p = p[16:]
	}
	if len(p) > 0 {
		var b [16]byte
		copy(b[:], p)
		yhi, ylo = k.mul(yhi^binary.BigEndian.Uint64(b[0:8]), ylo^binary.BigEndian.Uint64(b[8:16]))
	}
	return yhi, ylo
}
