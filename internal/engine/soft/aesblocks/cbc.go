package aesblocks

import (
	"crypto/subtle"
	"fmt"

	"vcrypto/internal/alias"
)

// CBC decryption (NIST SP 800-38A §6.2: P_1 = CIPH⁻¹_K(C_1) ⊕ IV,
// P_j = CIPH⁻¹_K(C_j) ⊕ C_{j-1}). Unlike encryption, every block's inverse
// cipher is independent of the others, so the assembly paths decrypt a
// whole chunk with the multi-block ECB kernels (8 or 32 blocks in flight)
// and then XOR in the shifted ciphertext, instead of one block per call as
// crypto/cipher's CBC decrypter does.

const (
	// cbcChunk is how much the direct (non-overlapping) path decrypts
	// before it XORs, so that the XOR pass finds dst still in L1.
	cbcChunk = 4096
	// cbcInPlaceChunk is the stack copy of the ciphertext the in-place
	// path keeps (the ECB pass overwrites the ciphertext the XOR needs).
	cbcInPlaceChunk = 1024
)

// EncryptCBC encrypts src into dst in CBC mode (SP 800-38A §6.2) with
// initialization vector iv, with the same rules for lengths, overlap, the
// IV and errors as [Cipher.DecryptCBC]. The result is that of
// crypto/cipher.NewCBCEncrypter(block, iv).CryptBlocks(dst, src).
func (c *Cipher) EncryptCBC(dst, src, iv []byte) error {
	if err := c.checkECB(dst, src); err != nil {
		return err
	}
	if len(iv) != BlockSize {
		return fmt.Errorf("%w: CBC IV of %d bytes", ErrIVSize, len(iv))
	}
	if len(src) == 0 {
		return nil
	}
	var prev [BlockSize]byte
	copy(prev[:], iv)
	dst = dst[:len(src)]
	if c.impl == implGeneric {
		encryptCBCGeneric(c, dst, src, &prev)
		return nil
	}
	encryptCBCAsm(c, dst, src, &prev)
	return nil
}

// encryptCBCGeneric is the crypto/aes path: each block is XORed with the
// previous ciphertext block (already in dst) and encrypted in place in dst.
// In place, block j of src is read before block j of dst is written.
func encryptCBCGeneric(c *Cipher, dst, src []byte, iv *[BlockSize]byte) {
	prev := iv[:]
	for i := 0; i < len(src); i += BlockSize {
		d := dst[i : i+BlockSize]
		subtle.XORBytes(d, src[i:i+BlockSize], prev)
		c.blk.Encrypt(d, d)
		prev = d
	}
}

// DecryptCBC decrypts src into dst in CBC mode (SP 800-38A §6.2) with
// initialization vector iv (16 bytes, else [ErrIVSize]). src must be a
// whole number of blocks ([ErrInputSize]) and dst at least as long
// ([ErrShortDst]); only dst[:len(src)] is written. dst and src may be the
// same buffer but must not overlap otherwise ([ErrOverlap]); iv may be
// anywhere, dst included (it is read before anything is written). An empty
// src is a no-op. On error nothing is written. The result is that of
// crypto/cipher.NewCBCDecrypter(block, iv).CryptBlocks(dst, src); like
// every call of this package, it keeps no chaining state between calls.
func (c *Cipher) DecryptCBC(dst, src, iv []byte) error {
	if err := c.checkECB(dst, src); err != nil {
		return err
	}
	if len(iv) != BlockSize {
		return fmt.Errorf("%w: CBC IV of %d bytes", ErrIVSize, len(iv))
	}
	if len(src) == 0 {
		return nil
	}
	var prev [BlockSize]byte
	copy(prev[:], iv)
	dst = dst[:len(src)]
	switch {
	case c.impl == implGeneric:
		decryptCBCGeneric(c, dst, src, &prev)
	case alias.AnyOverlap(dst, src):
		c.decryptCBCInPlace(dst, src, &prev)
	default:
		c.decryptCBCDirect(dst, src, &prev)
	}
	return nil
}

// decryptCBCDirect is the assembly path for dst and src that do not
// overlap: the ciphertext stays readable in src while dst is written.
func (c *Cipher) decryptCBCDirect(dst, src []byte, iv *[BlockSize]byte) {
	for off := 0; off < len(src); off += cbcChunk {
		end := min(off+cbcChunk, len(src))
		decryptBlocksAsm(c, dst[off:end], src[off:end])
		if off == 0 {
			subtle.XORBytes(dst[:BlockSize], dst[:BlockSize], iv[:])
		} else {
			subtle.XORBytes(dst[off:off+BlockSize], dst[off:off+BlockSize], src[off-BlockSize:off])
		}
		subtle.XORBytes(dst[off+BlockSize:end], dst[off+BlockSize:end], src[off:end-BlockSize])
	}
}

// decryptCBCInPlace is the assembly path for dst == src: each chunk's
// ciphertext is copied to the stack before the chunk is decrypted over it,
// and the chunk's last ciphertext block carries to the next.
func (c *Cipher) decryptCBCInPlace(dst, src []byte, prev *[BlockSize]byte) {
	var ct [cbcInPlaceChunk]byte
	for off := 0; off < len(src); off += cbcInPlaceChunk {
		n := min(cbcInPlaceChunk, len(src)-off)
		copy(ct[:n], src[off:off+n])
		d := dst[off : off+n]
		decryptBlocksAsm(c, d, ct[:n])
		subtle.XORBytes(d[:BlockSize], d[:BlockSize], prev[:])
		subtle.XORBytes(d[BlockSize:], d[BlockSize:], ct[:n-BlockSize])
		copy(prev[:], ct[n-BlockSize:n])
	}
}

// decryptCBCGeneric is the crypto/aes path: one block at a time from the
// last to the first, so that in place each block's predecessor is still
// ciphertext when it is needed.
func decryptCBCGeneric(c *Cipher, dst, src []byte, iv *[BlockSize]byte) {
	for i := len(src) - BlockSize; i >= 0; i -= BlockSize {
		c.blk.Decrypt(dst[i:i+BlockSize], src[i:i+BlockSize])
		if i > 0 {
			subtle.XORBytes(dst[i:i+BlockSize], dst[i:i+BlockSize], src[i-BlockSize:i])
		} else {
			subtle.XORBytes(dst[:BlockSize], dst[:BlockSize], iv[:])
		}
	}
}
