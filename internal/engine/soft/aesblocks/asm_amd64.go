//go:build amd64 && !purego

package aesblocks

import "golang.org/x/sys/cpu"

// bestImpl is the fastest path this CPU supports. AES-NI needs AESENC,
// AESDEC, AESIMC, AESKEYGENASSIST, SSSE3 (PSHUFB) and SSE4.1 (PINSRQ,
// PEXTRD). VAES on ZMM registers also needs AVX-512F and AVX-512BW (byte
// masks, VPSHUFB on ZMM); x/sys/cpu reports AVX-512 only when the OS saves
// its state.
var bestImpl = func() implKind {
	switch {
	case !cpu.X86.HasAES || !cpu.X86.HasSSSE3 || !cpu.X86.HasSSE41:
		return implGeneric
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VAES:
		return implVAES
	default:
		return implAESNI
	}
}()

// expandKeyAsm writes the FIPS 197 §5.2 key schedule of the nk-word key
// (nk = 4, 6 or 8) to enc and the equivalent-inverse-cipher schedule
// (FIPS 197 §5.3.5) to dec.
//
//go:noescape
func expandKeyAsm(nk int, key *byte, enc, dec *[maxRoundKeyBytes]byte)

// encBlocksAsm encrypts n >= 1 blocks from src to dst with nr rounds under
// the round keys at xk (AES-NI). dst and src are the same or disjoint.
//
//go:noescape
func encBlocksAsm(nr int, xk *byte, dst, src *byte, n int)

// decBlocksAsm decrypts n >= 1 blocks, xk being the decryption schedule.
//
//go:noescape
func decBlocksAsm(nr int, xk *byte, dst, src *byte, n int)

// ctrBlocksAsm XORs n >= 1 whole blocks of src with the CTR keystream that
// starts at the counter block hi||lo (big-endian) into dst (AES-NI). The
// counter may wrap anywhere.
//
//go:noescape
func ctrBlocksAsm(nr int, xk *byte, dst, src *byte, n int, hi, lo uint64)

// encBlocksVAES is encBlocksAsm on AVX-512 VAES.
//
//go:noescape
func encBlocksVAES(nr int, xk *byte, dst, src *byte, n int)

// decBlocksVAES is decBlocksAsm on AVX-512 VAES.
//
//go:noescape
func decBlocksVAES(nr int, xk *byte, dst, src *byte, n int)

// ctrVAES XORs nbytes >= 1 bytes (any length) of src with the CTR keystream
// that starts at hi||lo into dst (AVX-512 VAES). The low half lo must not
// wrap within the ceil(nbytes/16) counters.
//
//go:noescape
func ctrVAES(nr int, xk *byte, dst, src *byte, nbytes int, hi, lo uint64)

// cbcEncAsm encrypts n >= 1 blocks in CBC mode with the encryption
// schedule xk, starting from the 16-byte IV at iv (AES-NI; also used on the
// VAES path, as the chaining makes CBC encryption one block at a time).
//
//go:noescape
func cbcEncAsm(nr int, xk *byte, dst, src *byte, n int, iv *byte)

func encryptCBCAsm(c *Cipher, dst, src []byte, iv *[BlockSize]byte) {
	cbcEncAsm(c.nr, &c.enc[0], &dst[0], &src[0], len(src)/BlockSize, &iv[0])
}

func expandKey(c *Cipher, key []byte) {
	expandKeyAsm(len(key)/4, &key[0], &c.enc, &c.dec)
}

func encryptBlocksAsm(c *Cipher, dst, src []byte) {
	if c.impl == implVAES {
		encBlocksVAES(c.nr, &c.enc[0], &dst[0], &src[0], len(src)/BlockSize)
		return
	}
	encBlocksAsm(c.nr, &c.enc[0], &dst[0], &src[0], len(src)/BlockSize)
}

func decryptBlocksAsm(c *Cipher, dst, src []byte) {
	if c.impl == implVAES {
		decBlocksVAES(c.nr, &c.dec[0], &dst[0], &src[0], len(src)/BlockSize)
		return
	}
	decBlocksAsm(c.nr, &c.dec[0], &dst[0], &src[0], len(src)/BlockSize)
}

// ctrAsm runs CTR over len(src) >= 1 bytes.
func ctrAsm(c *Cipher, dst, src []byte, hi, lo uint64) {
	if c.impl == implVAES {
		// Split where the low 64 bits of the counter wrap, so that the
		// assembly can add without carries.
		first := len(src)
		if nblocks := uint64(len(src)+BlockSize-1) / BlockSize; lo != 0 && nblocks > -lo {
			first = int(-lo) * BlockSize // -lo = 2^64 - lo blocks before the wrap
		}
		ctrVAES(c.nr, &c.enc[0], &dst[0], &src[0], first, hi, lo)
		if first < len(src) {
			ctrVAES(c.nr, &c.enc[0], &dst[first], &src[first], len(src)-first, hi+1, 0)
		}
		return
	}
	// AES-NI: whole blocks in one call, a partial last block through a
	// stack buffer.
	n := len(src) / BlockSize
	if n > 0 {
		ctrBlocksAsm(c.nr, &c.enc[0], &dst[0], &src[0], n, hi, lo)
	}
	if r := len(src) % BlockSize; r > 0 {
		hi, lo = add128(hi, lo, uint64(n))
		var buf [BlockSize]byte
		off := n * BlockSize
		copy(buf[:], src[off:])
		ctrBlocksAsm(c.nr, &c.enc[0], &buf[0], &buf[0], 1, hi, lo)
		copy(dst[off:off+r], buf[:r])
		clear(buf[:]) // buf[r:] holds raw keystream
	}
}
