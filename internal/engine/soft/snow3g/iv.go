package snow3g

import "encoding/binary"

// UEA2IV builds the 16-byte UEA2 IV from COUNT-C (32 bits), BEARER (5 bits)
// and DIRECTION (1 bit) as Document 1 §3 defines it and DPDK passes it:
// IV3 ‖ IV2 ‖ IV1 ‖ IV0 with IV3 = IV1 = COUNT-C and
// IV2 = IV0 = BEARER ‖ DIRECTION ‖ 0^26, each word most significant byte
// first. It fails with ErrInvalidParameter when bearer > 31 or
// direction > 1.
func UEA2IV(count uint32, bearer, direction uint8) ([IVSize]byte, error) {
	var iv [IVSize]byte
	if bearer > 31 || direction > 1 {
		return iv, ErrInvalidParameter
	}
	w := uint32(bearer)<<27 | uint32(direction)<<26
	binary.BigEndian.PutUint32(iv[0:], count)
	binary.BigEndian.PutUint32(iv[4:], w)
	binary.BigEndian.PutUint32(iv[8:], count)
	binary.BigEndian.PutUint32(iv[12:], w)
	return iv, nil
}

// UIA2IV builds the 16-byte UIA2 IV from COUNT-I, FRESH and DIRECTION as
// Document 1 §4 defines it and DPDK passes it: IV3 ‖ IV2 ‖ IV1 ‖ IV0 with
// IV3 = COUNT-I, IV2 = FRESH, IV1 = COUNT-I with its most significant bit
// XORed with DIRECTION, IV0 = FRESH with bit 15 (counting from the least
// significant bit, FRESH[16] in the spec's numbering) XORed with DIRECTION.
// It fails with ErrInvalidParameter when direction > 1.
func UIA2IV(count, fresh uint32, direction uint8) ([IVSize]byte, error) {
	var iv [IVSize]byte
	if direction > 1 {
		return iv, ErrInvalidParameter
	}
	d := uint32(direction)
	binary.BigEndian.PutUint32(iv[0:], count)
	binary.BigEndian.PutUint32(iv[4:], fresh)
	binary.BigEndian.PutUint32(iv[8:], count^d<<31)
	binary.BigEndian.PutUint32(iv[12:], fresh^d<<15)
	return iv, nil
}
