package snow3g

import (
	"encoding/binary"
	"math/bits"
)

// UIA2 is the 3GPP integrity algorithm UIA2 (f9) keyed with an integrity key
// IK (Document 1, §4). It is immutable after NewUIA2 and safe for concurrent
// use by any number of goroutines, except that Zero must not run
// concurrently with anything else.
type UIA2 struct {
	k [4]uint32 // k0..k3 in Document 2 notation
}

// NewUIA2 returns UIA2 keyed with the 16-byte IK (Document 1 byte order:
// IK[0..31], the first four bytes, is the SNOW 3G key word k3). It fails
// with ErrInvalidKeySize. The key bytes are copied.
func NewUIA2(key []byte) (*UIA2, error) {
	if len(key) != KeySize {
		return nil, ErrInvalidKeySize
	}
	return &UIA2{k: wordsFromBytes(key)}, nil
}

// MAC returns the 32-bit MAC-I of msg, a whole number of bytes (LENGTH =
// 8·len(msg) bits). iv is the 16-byte SNOW 3G IV as DPDK passes it for
// SNOW3G-UIA2, IV3 ‖ IV2 ‖ IV1 ‖ IV0 of Document 1 §4 (COUNT-I, FRESH and
// DIRECTION folded in; see UIA2IV); it is used as is. The MAC is returned
// most significant byte first (MAC-I[0..7] in the first byte). Errors:
// ErrInvalidIVSize. It never allocates.
func (u *UIA2) MAC(iv, msg []byte) ([MACSize]byte, error) {
	if len(iv) != IVSize {
		return [MACSize]byte{}, ErrInvalidIVSize
	}
	return u.mac(iv, msg, uint64(len(msg))*8), nil
}

// MACBits is MAC for a message of nbits bits, the form in which Document 1
// and the test data define UIA2: the message is the first nbits bits of msg
// (most significant bit of msg[0] first); bits of msg past nbits are
// ignored. Errors: ErrInvalidIVSize, ErrInvalidLength (nbits < 0),
// ErrShortBuffer (msg shorter than (nbits+7)/8 bytes).
func (u *UIA2) MACBits(iv, msg []byte, nbits int) ([MACSize]byte, error) {
	if len(iv) != IVSize {
		return [MACSize]byte{}, ErrInvalidIVSize
	}
	if nbits < 0 {
		return [MACSize]byte{}, ErrInvalidLength
	}
	n := nbits / 8
	if nbits%8 != 0 {
		n++
	}
	if len(msg) < n {
		return [MACSize]byte{}, ErrShortBuffer
	}
	return u.mac(iv, msg, uint64(nbits)), nil
}

// mac computes MAC-I (Document 1 §4, calculation of MAC-I) over the first nbits bits of msg;
// the caller guarantees len(msg) >= ceil(nbits/8).
func (u *UIA2) mac(iv, msg []byte, nbits uint64) [MACSize]byte {
	v := wordsFromBytes(iv)
	var c core
	c.initialize(&u.k, &v)
	var z [16]uint32
	c.block(&z)
	p := uint64(z[0])<<32 | uint64(z[1])
	q := uint64(z[2])<<32 | uint64(z[3])
	otp := z[4]
	clear(z[:])
	clear(c.s[:])

	pr := bits.Reverse64(p)
	var eval uint64
	// Message blocks M_0 .. M_{D-2}: ceil(nbits/64) blocks of 64 bits, the
	// last one padded with zero bits.
	full := nbits / 64
	if full >= aggregateMin {
		// Horner's rule four blocks at a time:
		// ((((e^m0)P^m1)P^m2)P^m3)P = (e^m0)P^4 ^ m1 P^3 ^ m2 P^2 ^ m3 P.
		// The four products are independent (they overlap in the CPU) and
		// share one reduction.
		p2 := mul64(p, p, pr)
		p2r := bits.Reverse64(p2)
		p3 := mul64(p2, p, pr)
		p3r := bits.Reverse64(p3)
		p4 := mul64(p2, p2, p2r)
		p4r := bits.Reverse64(p4)
		for ; full >= 4; full -= 4 {
			h0, l0 := clmul(eval^binary.BigEndian.Uint64(msg[0:]), p4, p4r)
			h1, l1 := clmul(binary.BigEndian.Uint64(msg[8:]), p3, p3r)
			h2, l2 := clmul(binary.BigEndian.Uint64(msg[16:]), p2, p2r)
			h3, l3 := clmul(binary.BigEndian.Uint64(msg[24:]), p, pr)
			eval = reduce(h0^h1^h2^h3, l0^l1^l2^l3)
			msg = msg[32:]
		}
	}
	for ; full > 0; full-- {
		eval = mul64(eval^binary.BigEndian.Uint64(msg), p, pr)
		msg = msg[8:]
	}
	if rem := nbits % 64; rem != 0 {
		var last [8]byte
		copy(last[:], msg[:(rem+7)/8])
		m := binary.BigEndian.Uint64(last[:]) & (^uint64(0) << (64 - rem))
		eval = mul64(eval^m, p, pr)
	}
	// M_{D-1} = LENGTH, then the multiplication by Q.
	eval ^= nbits
	eval = mul64(eval, q, bits.Reverse64(q))
	var out [MACSize]byte
	binary.BigEndian.PutUint32(out[:], uint32(eval>>32)^otp)
	return out
}

// Zero wipes the key. The UIA2 value must not be used afterwards, and Zero
// must not run concurrently with any other method.
func (u *UIA2) Zero() {
	clear(u.k[:])
}

// bmul64 returns the low 64 bits of the carry-less product of x and y. It
// uses integer multiplications on operands whose set bits are at least four
// positions apart, so that carries fall into unused positions; it runs in
// time independent of its operands.
func bmul64(x, y uint64) uint64 {
	const (
		m0 = 0x1111111111111111
		m1 = m0 << 1
		m2 = m0 << 2
		m3 = m0 << 3
	)
	x0, x1, x2, x3 := x&m0, x&m1, x&m2, x&m3
	y0, y1, y2, y3 := y&m0, y&m1, y&m2, y&m3
	z0 := x0*y0 ^ x1*y3 ^ x2*y2 ^ x3*y1
	z1 := x0*y1 ^ x1*y0 ^ x2*y3 ^ x3*y2
	z2 := x0*y2 ^ x1*y1 ^ x2*y0 ^ x3*y3
	z3 := x0*y3 ^ x1*y2 ^ x2*y1 ^ x3*y0
	return z0&m0 | z1&m1 | z2&m2 | z3&m3
}

// aggregateMin is the number of whole message blocks from which mac
// precomputes P^2..P^4 (three extra multiplications) to process four blocks
// per reduction.
const aggregateMin = 16

// clmul returns the 127-bit carry-less product of x and p as hi:lo (bit i of
// lo is the coefficient of x^i, bit i of hi that of x^(64+i)). pr must be
// bits.Reverse64(p). Constant time.
func clmul(x, p, pr uint64) (hi, lo uint64) {
	lo = bmul64(x, p)
	// The high half from the low half of the product of the bit-reversed
	// operands: bit m of that, reversed, is the coefficient of x^(63+m).
	hi = bits.Reverse64(bmul64(bits.Reverse64(x), pr)) >> 1
	return hi, lo
}

// reduce returns hi·x^64 + lo modulo x^64 + x^4 + x^3 + x + 1, for hi of at
// most 63 bits: hi·x^64 = hi·(x^4 + x^3 + x + 1), and the (at most four)
// bits that pushes past x^63 are reduced once more.
func reduce(hi, lo uint64) uint64 {
	lo ^= hi ^ hi<<1 ^ hi<<3 ^ hi<<4
	o := hi>>63 ^ hi>>61 ^ hi>>60
	return lo ^ o ^ o<<1 ^ o<<3 ^ o<<4
}

// mul64 is MUL64(x, p, 0x1B) of Document 1 §4: the product of x and p in
// GF(2^64) defined by x^64 + x^4 + x^3 + x + 1 (bit 63 is the coefficient of
// x^63). pr must be bits.Reverse64(p). Constant time.
func mul64(x, p, pr uint64) uint64 {
	return reduce(clmul(x, p, pr))
}
