//go:build !amd64 || purego

package aesblocks

// bestImpl: this platform has no assembly path, and every Cipher uses the
// generic crypto/aes path. The functions below are never called; they
// exist so the shared code compiles, and they do the right thing anyway.
const bestImpl = implGeneric

func expandKey(c *Cipher, key []byte) {}

func encryptBlocksAsm(c *Cipher, dst, src []byte) { encryptBlocksGeneric(c.blk, dst, src) }

func decryptBlocksAsm(c *Cipher, dst, src []byte) { decryptBlocksGeneric(c.blk, dst, src) }

func ctrAsm(c *Cipher, dst, src []byte, hi, lo uint64) { ctrGeneric(c.blk, dst, src, hi, lo) }

func encryptCBCAsm(c *Cipher, dst, src []byte, iv *[BlockSize]byte) {
	encryptCBCGeneric(c, dst, src, iv)
}
