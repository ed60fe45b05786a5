package kasumi

import (
	"encoding/binary"
	"fmt"
)

// f8KeyModifier is the byte repeated 16 times to form KM for f8
// (TS 35.201 §3.3: KM = 0x5555...55).
const f8KeyModifier = 0x55

// F8 is the 3GPP confidentiality algorithm f8 (UEA1, TS 35.201 §3) for one
// 128-bit confidentiality key CK. It holds the KASUMI key schedules of CK
// and of CK ⊕ KM, computed once by NewF8. An F8 is read-only after NewF8
// and safe for concurrent use, except for Zero.
type F8 struct {
	ck  Cipher // KASUMI[CK]: generates the keystream blocks
	ckm Cipher // KASUMI[CK ⊕ KM]: encrypts register A once per call
}

// NewF8 returns an f8 instance for the 16-byte confidentiality key CK.
// Any other key length yields an error wrapping ErrKeySize.
func NewF8(key []byte) (*F8, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: got %d bytes, want %d", ErrKeySize, len(key), KeySize)
	}
	f := new(F8)
	var km [KeySize]byte
	for i := range km {
		km[i] = key[i] ^ f8KeyModifier
	}
	// The lengths were checked above; init cannot fail.
	_ = f.ck.init(key)
	_ = f.ckm.init(km[:])
	clear(km[:])
	return f, nil
}

// F8IV returns the 8-byte f8 IV for the given inputs: the initial value of
// register A, COUNT (32 bits) ‖ BEARER (5 bits) ‖ DIRECTION (1 bit) ‖ 26
// zero bits, big-endian (TS 35.201 §3.4; the byte layout DPDK uses for
// KASUMI-F8). Only the 5 low bits of bearer and the low bit of direction
// are used.
func F8IV(count uint32, bearer, direction uint8) [IVSize]byte {
	var iv [IVSize]byte
	binary.BigEndian.PutUint32(iv[:4], count)
	iv[4] = (bearer&0x1F)<<3 | (direction&1)<<2
	return iv
}

// XORKeyStream XORs the f8 keystream for iv into src and writes the result
// to dst[:len(src)]; it both encrypts and decrypts. iv is the 8-byte
// register A (see F8IV); its bytes are used as given, as DPDK does, so a
// caller that wants the spec's layout must keep the 26 low bits zero. Each
// call starts a new keystream: calls are independent, there is no state.
//
// dst and src may be the same slice (in-place operation) or must not
// overlap; any other overlap produces unspecified output (but no panic).
// It returns an error wrapping ErrIVSize if len(iv) != 8 and one wrapping
// ErrShortBuffer if len(dst) < len(src); then dst is not written.
func (f *F8) XORKeyStream(dst, src, iv []byte) error {
	if len(iv) != IVSize {
		return fmt.Errorf("%w: got %d bytes, want %d", ErrIVSize, len(iv), IVSize)
	}
	if len(dst) < len(src) {
		return fmt.Errorf("%w: dst %d bytes, src %d bytes", ErrShortBuffer, len(dst), len(src))
	}
	f.xor(dst[:len(src)], src, binary.BigEndian.Uint64(iv))
	return nil
}

// XORKeyStreamBits is XORKeyStream for a bit-length input, as f8 is
// specified: it processes the first nbits bits of src, i.e. the bytes
// src[:(nbits+7)/8], into dst[:(nbits+7)/8]. Bit i of the data is bit
// 7-(i%8) of byte i/8 (most significant bit first).
//
// Bits beyond nbits in the last byte are XORed with the keystream like the
// others, exactly as the C reference program in the annex of TS 35.201
// does (it works on whole bytes). Those bits carry no information; a caller
// that needs them preserved or zeroed must restore or mask them itself.
//
// It returns an error wrapping ErrLength if nbits < 0 or nbits > 8*len(src),
// one wrapping ErrIVSize if len(iv) != 8, and one wrapping ErrShortBuffer if
// dst is shorter than (nbits+7)/8 bytes; then dst is not written.
func (f *F8) XORKeyStreamBits(dst, src, iv []byte, nbits int) error {
	if nbits < 0 || nbits/8 > len(src) || (nbits/8 == len(src) && nbits%8 != 0) {
		return fmt.Errorf("%w: %d bits with %d bytes of data", ErrLength, nbits, len(src))
	}
	n := (nbits + 7) / 8
	return f.XORKeyStream(dst, src[:n], iv)
}

// Zero overwrites both key schedules with zeros. Afterwards the F8 must
// not be used (it no longer depends on the key and produces meaningless
// output, without panicking). Zero must not run concurrently with other
// methods on the same F8.
func (f *F8) Zero() {
	f.ck.Zero()
	f.ckm.Zero()
}

// xor implements TS 35.201 §3.5: A = KASUMI[CK ⊕ KM](A); KSB0 = 0;
// KSBn = KASUMI[CK](A ⊕ BLKCNT ⊕ KSBn-1) with BLKCNT = n-1, a 64-bit
// counter; the keystream is KSB1 ‖ KSB2 ‖ ..., most significant byte first.
// len(dst) == len(src).
func (f *F8) xor(dst, src []byte, a uint64) {
	a = f.ckm.encrypt(a)
	var ksb, blkcnt uint64
	for len(src) >= BlockSize {
		ksb = f.ck.encrypt(a ^ blkcnt ^ ksb)
		blkcnt++
		v := binary.BigEndian.Uint64(src) ^ ksb
		binary.BigEndian.PutUint64(dst[:BlockSize], v)
		src, dst = src[BlockSize:], dst[BlockSize:]
	}
	if len(src) > 0 {
		ksb = f.ck.encrypt(a ^ blkcnt ^ ksb)
		for i := range src {
			dst[i] = src[i] ^ byte(ksb>>(56-8*i))
		}
	}
}
