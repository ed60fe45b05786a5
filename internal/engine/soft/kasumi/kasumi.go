package kasumi

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// BlockSize is the KASUMI block size in bytes (64 bits).
	BlockSize = 8
	// KeySize is the size in bytes of a KASUMI, f8 (CK) or f9 (IK) key
	// (128 bits).
	KeySize = 16
	// IVSize is the size in bytes of the f8 IV (register A) and of the f9
	// IV (COUNT-I ‖ FRESH).
	IVSize = 8
	// MACSize is the size in bytes of the f9 output MAC-I (32 bits).
	MACSize = 4
)

// Errors returned by this package. They are wrapped with details (%w), so
// compare with errors.Is.
var (
	// ErrKeySize: the key is not KeySize bytes.
	ErrKeySize = errors.New("kasumi: invalid key size")
	// ErrIVSize: the IV is not IVSize bytes.
	ErrIVSize = errors.New("kasumi: invalid IV size")
	// ErrShortBuffer: an output buffer is shorter than the input, or a
	// block argument is shorter than BlockSize.
	ErrShortBuffer = errors.New("kasumi: buffer too short")
	// ErrLength: a bit length is negative or exceeds the data given, or the
	// data is empty where at least one byte is required.
	ErrLength = errors.New("kasumi: invalid data length")
	// ErrDirection: the direction bit is neither 0 nor 1.
	ErrDirection = errors.New("kasumi: direction must be 0 or 1")
)

// roundKey holds the subkeys of one KASUMI round (TS 35.202 §4, key schedule):
// KLi,1 KLi,2 for FL, KOi,1..3 and KIi,1..3 for FO.
type roundKey struct {
	kl1, kl2      uint16
	ko1, ko2, ko3 uint16
	ki1, ki2, ki3 uint16
}

// Cipher is a KASUMI instance with an expanded 128-bit key. It implements
// crypto/cipher.Block. A Cipher is read-only after NewCipher and safe for
// concurrent use, except for Zero.
type Cipher struct {
	rk [8]roundKey
}

// keyConst are the constants C1..C8 of the key schedule (TS 35.202 §4, key
// schedule): K'j = Kj ⊕ Cj.
var keyConst = [8]uint16{0x0123, 0x4567, 0x89AB, 0xCDEF, 0xFEDC, 0xBA98, 0x7654, 0x3210}

// NewCipher returns a KASUMI cipher for the 16-byte key. Any other key
// length yields an error wrapping ErrKeySize.
func NewCipher(key []byte) (*Cipher, error) {
	c := new(Cipher)
	if err := c.init(key); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cipher) init(key []byte) error {
	if len(key) != KeySize {
		return fmt.Errorf("%w: got %d bytes, want %d", ErrKeySize, len(key), KeySize)
	}
	var k, kp [8]uint16
	for j := range k {
		k[j] = binary.BigEndian.Uint16(key[2*j:])
		kp[j] = k[j] ^ keyConst[j]
	}
	// TS 35.202 §4, key schedule (indices are 1-based there and wrap mod 8):
	// KLi,1 = Ki<<<1, KLi,2 = K'i+2, KOi,1 = Ki+1<<<5, KOi,2 = Ki+5<<<8,
	// KOi,3 = Ki+6<<<13, KIi,1 = K'i+4, KIi,2 = K'i+3, KIi,3 = K'i+7.
	for i := range c.rk {
		c.rk[i] = roundKey{
			kl1: rol16(k[i], 1),
			kl2: kp[(i+2)&7],
			ko1: rol16(k[(i+1)&7], 5),
			ko2: rol16(k[(i+5)&7], 8),
			ko3: rol16(k[(i+6)&7], 13),
			ki1: kp[(i+4)&7],
			ki2: kp[(i+3)&7],
			ki3: kp[(i+7)&7],
		}
	}
	return nil
}

// BlockSize returns 8, the KASUMI block size in bytes.
func (c *Cipher) BlockSize() int { return BlockSize }

// Encrypt encrypts the first block of src into dst; dst and src may
// overlap entirely or partially. As required by the crypto/cipher.Block
// contract (and like crypto/aes), it panics if len(src) or len(dst) is less
// than BlockSize; use EncryptBlock when the lengths are not under the
// caller's control.
func (c *Cipher) Encrypt(dst, src []byte) {
	if len(src) < BlockSize || len(dst) < BlockSize {
		panic("kasumi: input or output not a full block")
	}
	binary.BigEndian.PutUint64(dst, c.encrypt(binary.BigEndian.Uint64(src)))
}

// Decrypt decrypts the first block of src into dst; dst and src may
// overlap. Like Encrypt it panics if len(src) or len(dst) is less than
// BlockSize; use DecryptBlock when the lengths are not under the caller's
// control.
func (c *Cipher) Decrypt(dst, src []byte) {
	if len(src) < BlockSize || len(dst) < BlockSize {
		panic("kasumi: input or output not a full block")
	}
	binary.BigEndian.PutUint64(dst, c.decrypt(binary.BigEndian.Uint64(src)))
}

// EncryptBlock is Encrypt with an error instead of a panic: it returns an
// error wrapping ErrShortBuffer if len(src) or len(dst) is less than
// BlockSize, and otherwise encrypts the first block of src into dst.
func (c *Cipher) EncryptBlock(dst, src []byte) error {
	if len(src) < BlockSize || len(dst) < BlockSize {
		return fmt.Errorf("%w: src %d, dst %d bytes, want >= %d", ErrShortBuffer, len(src), len(dst), BlockSize)
	}
	binary.BigEndian.PutUint64(dst, c.encrypt(binary.BigEndian.Uint64(src)))
	return nil
}

// DecryptBlock is Decrypt with an error instead of a panic: it returns an
// error wrapping ErrShortBuffer if len(src) or len(dst) is less than
// BlockSize, and otherwise decrypts the first block of src into dst.
func (c *Cipher) DecryptBlock(dst, src []byte) error {
	if len(src) < BlockSize || len(dst) < BlockSize {
		return fmt.Errorf("%w: src %d, dst %d bytes, want >= %d", ErrShortBuffer, len(src), len(dst), BlockSize)
	}
	binary.BigEndian.PutUint64(dst, c.decrypt(binary.BigEndian.Uint64(src)))
	return nil
}

// Zero overwrites the key schedule with zeros. Afterwards the Cipher no
// longer depends on the key; it still does not panic, but its output is
// meaningless, so it must not be used. Zero must not run concurrently with
// other methods on the same Cipher.
func (c *Cipher) Zero() {
	clear(c.rk[:])
}

// encrypt is KASUMI (TS 35.202 §4): an eight-round Feistel network. Round
// i uses f_i = FO∘FL in odd rounds (1, 3, 5, 7) and FL∘FO in even rounds.
func (c *Cipher) encrypt(x uint64) uint64 {
	left, right := uint32(x>>32), uint32(x)
	for i := 0; i < 8; i += 2 {
		right ^= c.fo(c.fl(left, i), i)
		left ^= c.fl(c.fo(right, i+1), i+1)
	}
	return uint64(left)<<32 | uint64(right)
}

// decrypt inverts encrypt by running the Feistel rounds backwards; FL, FO
// and FI are used in the forward direction only.
func (c *Cipher) decrypt(x uint64) uint64 {
	left, right := uint32(x>>32), uint32(x)
	for i := 6; i >= 0; i -= 2 {
		left ^= c.fl(c.fo(right, i+1), i+1)
		right ^= c.fo(c.fl(left, i), i)
	}
	return uint64(left)<<32 | uint64(right)
}

// fl is the function FL (TS 35.202 §4):
// R' = R ⊕ ROL(L ∧ KLi,1), L' = L ⊕ ROL(R' ∨ KLi,2).
func (c *Cipher) fl(in uint32, i int) uint32 {
	k := &c.rk[i&7]
	l, r := uint16(in>>16), uint16(in)
	r ^= rol16(l&k.kl1, 1)
	l ^= rol16(r|k.kl2, 1)
	return uint32(l)<<16 | uint32(r)
}

// fo is the function FO (TS 35.202 §4): three rounds of
// Rj = FI(Lj-1 ⊕ KOi,j, KIi,j) ⊕ Rj-1, Lj = Rj-1; output L3 ‖ R3.
func (c *Cipher) fo(in uint32, i int) uint32 {
	k := &c.rk[i&7]
	l0, r0 := uint16(in>>16), uint16(in)
	r1 := fi(l0^k.ko1, k.ki1) ^ r0
	r2 := fi(r0^k.ko2, k.ki2) ^ r1
	r3 := fi(r1^k.ko3, k.ki3) ^ r2
	return uint32(r2)<<16 | uint32(r3)
}

// fi is the function FI (TS 35.202 §4). The 16-bit input is split into
// a 9-bit left half and a 7-bit right half; KI is split into KIi,j,1 (7 most
// significant bits) and KIi,j,2 (9 least significant bits):
//
//	L1 = R0                  R1 = S9[L0] ⊕ ZE(R0)
//	L2 = R1 ⊕ KIi,j,2        R2 = S7[L1] ⊕ TR(R1) ⊕ KIi,j,1
//	L3 = R2                  R3 = S9[L2] ⊕ ZE(R2)
//	L4 = S7[L3] ⊕ TR(R3)     R4 = R3
//
// and the output is L4 ‖ R4 (7 ‖ 9 bits).
func fi(in, ki uint16) uint16 {
	// nine and seven hold the current 9-bit and 7-bit halves; the masks
	// only keep the table indices provably in range.
	nine, seven := in>>7, in&0x7F
	nine = s9[nine] ^ seven                               // R1
	seven = uint16(s7[seven]) ^ (nine & 0x7F) ^ (ki >> 9) // R2 (L1 = R0)
	nine = s9[(nine^ki)&0x1FF] ^ seven                    // R3 = S9[L2] ⊕ ZE(R2)
	seven = uint16(s7[seven&0x7F]) ^ (nine & 0x7F)        // L4 (L3 = R2)
	return seven<<9 | nine
}

func rol16(x uint16, n uint) uint16 { return x<<n | x>>(16-n) }

// s7 is the S-box S7 of TS 35.202 §4 (function FI), in its decimal table
// form. Transcribed from the spec's table; checked to be a permutation and
// by the published test data.
var s7 = [128]uint8{
	54, 50, 62, 56, 22, 34, 94, 96, 38, 6, 63, 93, 2, 18, 123, 33,
	55, 113, 39, 114, 21, 67, 65, 12, 47, 73, 46, 27, 25, 111, 124, 81,
	53, 9, 121, 79, 52, 60, 58, 48, 101, 127, 40, 120, 104, 70, 71, 43,
	20, 122, 72, 61, 23, 109, 13, 100, 77, 1, 16, 7, 82, 10, 105, 98,
	117, 116, 76, 11, 89, 106, 0, 125, 118, 99, 86, 69, 30, 57, 126, 87,
	112, 51, 17, 5, 95, 14, 90, 84, 91, 8, 35, 103, 32, 97, 28, 66,
	102, 31, 26, 45, 75, 4, 85, 92, 37, 74, 80, 49, 68, 29, 115, 44,
	64, 107, 108, 24, 110, 83, 36, 78, 42, 19, 15, 41, 88, 119, 59, 3,
}

// s9 is the S-box S9 of TS 35.202 §4 (function FI), in its decimal table
// form. Transcribed from the spec's table; checked to be a permutation and
// by the published test data.
var s9 = [512]uint16{
	167, 239, 161, 379, 391, 334, 9, 338, 38, 226, 48, 358, 452, 385, 90, 397,
	183, 253, 147, 331, 415, 340, 51, 362, 306, 500, 262, 82, 216, 159, 356, 177,
	175, 241, 489, 37, 206, 17, 0, 333, 44, 254, 378, 58, 143, 220, 81, 400,
	95, 3, 315, 245, 54, 235, 218, 405, 472, 264, 172, 494, 371, 290, 399, 76,
	165, 197, 395, 121, 257, 480, 423, 212, 240, 28, 462, 176, 406, 507, 288, 223,
	501, 407, 249, 265, 89, 186, 221, 428, 164, 74, 440, 196, 458, 421, 350, 163,
	232, 158, 134, 354, 13, 250, 491, 142, 191, 69, 193, 425, 152, 227, 366, 135,
	344, 300, 276, 242, 437, 320, 113, 278, 11, 243, 87, 317, 36, 93, 496, 27,
	487, 446, 482, 41, 68, 156, 457, 131, 326, 403, 339, 20, 39, 115, 442, 124,
	475, 384, 508, 53, 112, 170, 479, 151, 126, 169, 73, 268, 279, 321, 168, 364,
	363, 292, 46, 499, 393, 327, 324, 24, 456, 267, 157, 460, 488, 426, 309, 229,
	439, 506, 208, 271, 349, 401, 434, 236, 16, 209, 359, 52, 56, 120, 199, 277,
	465, 416, 252, 287, 246, 6, 83, 305, 420, 345, 153, 502, 65, 61, 244, 282,
	173, 222, 418, 67, 386, 368, 261, 101, 476, 291, 195, 430, 49, 79, 166, 330,
	280, 383, 373, 128, 382, 408, 155, 495, 367, 388, 274, 107, 459, 417, 62, 454,
	132, 225, 203, 316, 234, 14, 301, 91, 503, 286, 424, 211, 347, 307, 140, 374,
	35, 103, 125, 427, 19, 214, 453, 146, 498, 314, 444, 230, 256, 329, 198, 285,
	50, 116, 78, 410, 10, 205, 510, 171, 231, 45, 139, 467, 29, 86, 505, 32,
	72, 26, 342, 150, 313, 490, 431, 238, 411, 325, 149, 473, 40, 119, 174, 355,
	185, 233, 389, 71, 448, 273, 372, 55, 110, 178, 322, 12, 469, 392, 369, 190,
	1, 109, 375, 137, 181, 88, 75, 308, 260, 484, 98, 272, 370, 275, 412, 111,
	336, 318, 4, 504, 492, 259, 304, 77, 337, 435, 21, 357, 303, 332, 483, 18,
	47, 85, 25, 497, 474, 289, 100, 269, 296, 478, 270, 106, 31, 104, 433, 84,
	414, 486, 394, 96, 99, 154, 511, 148, 413, 361, 409, 255, 162, 215, 302, 201,
	266, 351, 343, 144, 441, 365, 108, 298, 251, 34, 182, 509, 138, 210, 335, 133,
	311, 352, 328, 141, 396, 346, 123, 319, 450, 281, 429, 228, 443, 481, 92, 404,
	485, 422, 248, 297, 23, 213, 130, 466, 22, 217, 283, 70, 294, 360, 419, 127,
	312, 377, 7, 468, 194, 2, 117, 295, 463, 258, 224, 447, 247, 187, 80, 398,
	284, 353, 105, 390, 299, 471, 470, 184, 57, 200, 348, 63, 204, 188, 33, 451,
	97, 30, 310, 219, 94, 160, 129, 493, 64, 179, 263, 102, 189, 207, 114, 402,
	438, 477, 387, 122, 192, 42, 381, 5, 145, 118, 180, 449, 293, 323, 136, 380,
	43, 66, 60, 455, 341, 445, 202, 432, 8, 237, 15, 376, 436, 464, 59, 461,
}
