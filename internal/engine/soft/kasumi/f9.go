package kasumi

import (
	"encoding/binary"
	"fmt"
)

// f9KeyModifier is the byte repeated 16 times to form KM for f9
// (TS 35.201 §4.3: KM = 0xAAAA...AA).
const f9KeyModifier = 0xAA

// F9 is the 3GPP integrity algorithm f9 (UIA1, TS 35.201 §4) for one
// 128-bit integrity key IK. It holds the KASUMI key schedules of IK and of
// IK ⊕ KM, computed once by NewF9. An F9 is read-only after NewF9 and safe
// for concurrent use, except for Zero.
type F9 struct {
	ik  Cipher // KASUMI[IK]: the CBC-MAC chain
	ikm Cipher // KASUMI[IK ⊕ KM]: the final encryption of B
}

// NewF9 returns an f9 instance for the 16-byte integrity key IK. Any other
// key length yields an error wrapping ErrKeySize.
func NewF9(key []byte) (*F9, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: got %d bytes, want %d", ErrKeySize, len(key), KeySize)
	}
	f := new(F9)
	var km [KeySize]byte
	for i := range km {
		km[i] = key[i] ^ f9KeyModifier
	}
	// The lengths were checked above; init cannot fail.
	_ = f.ik.init(key)
	_ = f.ikm.init(km[:])
	clear(km[:])
	return f, nil
}

// MACPadded computes MAC-I over iv ‖ padded, in the form the project uses
// for KASUMI-F9 (DPDK / libsso convention, see INTERPRETATIONS.md):
//
//   - iv is COUNT-I ‖ FRESH, 4 + 4 bytes, big-endian;
//   - padded is MESSAGE ‖ DIRECTION ‖ 1 ‖ zero bits up to a whole byte,
//     already built by the caller. It may also carry the rest of the f9
//     padding (zero bytes up to a multiple of 8), which changes nothing.
//
// The result is the f9 core (TS 35.201 §4.4, §4.5) over the string
// iv ‖ padded, zero-padded to a multiple of 64 bits: the first 32 bits of
// KASUMI[IK ⊕ KM](B). The padding inside padded is not checked; data that
// does not end in DIRECTION ‖ 1 ‖ 0* just gives the MAC of another message.
//
// It returns an error wrapping ErrIVSize if len(iv) != 8 and one wrapping
// ErrLength if padded is empty (a padded f9 input holds at least the
// DIRECTION and 1 bits).
func (f *F9) MACPadded(iv, padded []byte) ([MACSize]byte, error) {
	var mac [MACSize]byte
	if len(iv) != IVSize {
		return mac, fmt.Errorf("%w: got %d bytes, want %d", ErrIVSize, len(iv), IVSize)
	}
	if len(padded) == 0 {
		return mac, fmt.Errorf("%w: padded f9 input is empty", ErrLength)
	}
	var s f9State
	s.init(f, binary.BigEndian.Uint64(iv))
	for len(padded) >= BlockSize {
		s.block(f, binary.BigEndian.Uint64(padded))
		padded = padded[BlockSize:]
	}
	if len(padded) > 0 {
		var last [BlockSize]byte
		copy(last[:], padded)
		s.block(f, binary.BigEndian.Uint64(last[:]))
	}
	binary.BigEndian.PutUint32(mac[:], s.final(f))
	return mac, nil
}

// MAC computes f9 as TS 35.201 §4 specifies it: MAC-I for the 32-bit
// COUNT-I and FRESH, the DIRECTION bit and the first nbits bits of msg (bit
// i is bit 7-(i%8) of msg[i/8], most significant bit first). It builds the
// padded string COUNT ‖ FRESH ‖ MESSAGE ‖ DIRECTION ‖ 1 ‖ 0* itself.
//
// Bits of msg beyond nbits are ignored (treated as absent), as the
// specification defines the input; this differs from the annex's C
// reference program, which lets set bits there leak into the MAC. The
// published test data has those bits clear, so both agree on it.
//
// It returns an error wrapping ErrDirection if direction > 1 and one
// wrapping ErrLength if nbits < 0 or nbits > 8*len(msg).
func (f *F9) MAC(count, fresh uint32, direction uint8, msg []byte, nbits int) ([MACSize]byte, error) {
	var mac [MACSize]byte
	if direction > 1 {
		return mac, fmt.Errorf("%w: got %d", ErrDirection, direction)
	}
	if nbits < 0 || nbits/8 > len(msg) || (nbits/8 == len(msg) && nbits%8 != 0) {
		return mac, fmt.Errorf("%w: %d bits with %d bytes of data", ErrLength, nbits, len(msg))
	}
	var s f9State
	s.init(f, uint64(count)<<32|uint64(fresh))
	full := nbits / 64
	for i := range full {
		s.block(f, binary.BigEndian.Uint64(msg[8*i:]))
	}
	// The last 0..63 message bits, then DIRECTION, 1 and zeros up to a
	// multiple of 64 bits: at most 65 bits, so one or two blocks.
	r := nbits % 64
	var tail [2 * BlockSize]byte
	nb := (r + 7) / 8
	copy(tail[:nb], msg[8*full:])
	if r%8 != 0 {
		tail[nb-1] &= 0xFF << (8 - r%8)
	}
	tail[r/8] |= direction << (7 - r%8)
	tail[(r+1)/8] |= 1 << (7 - (r+1)%8)
	s.block(f, binary.BigEndian.Uint64(tail[:BlockSize]))
	if r+2 > 64 {
		s.block(f, binary.BigEndian.Uint64(tail[BlockSize:]))
	}
	binary.BigEndian.PutUint32(mac[:], s.final(f))
	return mac, nil
}

// Zero overwrites both key schedules with zeros. Afterwards the F9 must
// not be used (it no longer depends on the key and produces meaningless
// output, without panicking). Zero must not run concurrently with other
// methods on the same F9.
func (f *F9) Zero() {
	f.ik.Zero()
	f.ikm.Zero()
}

// f9State is the pair of 64-bit registers of TS 35.201 §4.4–4.5:
// A = 0, B = 0; for each block PSi: A = KASUMI[IK](A ⊕ PSi), B = B ⊕ A;
// MAC-I = the left 32 bits of KASUMI[IK ⊕ KM](B).
type f9State struct {
	a, b uint64
}

// init absorbs the first padded block, COUNT ‖ FRESH.
func (s *f9State) init(f *F9, first uint64) {
	s.a = f.ik.encrypt(first)
	s.b = s.a
}

func (s *f9State) block(f *F9, ps uint64) {
	s.a = f.ik.encrypt(s.a ^ ps)
	s.b ^= s.a
}

func (s *f9State) final(f *F9) uint32 {
	return uint32(f.ikm.encrypt(s.b) >> 32)
}
