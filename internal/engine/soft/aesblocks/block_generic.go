package aesblocks

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"sync"
)

// The generic path: crypto/aes one block at a time. It is compiled on every
// platform; amd64 uses it when the CPU lacks AES-NI, and tests force it.

func encryptBlocksGeneric(b cipher.Block, dst, src []byte) {
	for i := 0; i < len(src); i += BlockSize {
		b.Encrypt(dst[i:i+BlockSize], src[i:i+BlockSize])
	}
}

func decryptBlocksGeneric(b cipher.Block, dst, src []byte) {
	for i := 0; i < len(src); i += BlockSize {
		b.Decrypt(dst[i:i+BlockSize], src[i:i+BlockSize])
	}
}

// ctrChunk is how many keystream bytes the generic CTR computes at a time.
const ctrChunk = 32 * BlockSize

// ctrScratch holds keystream buffers. Passing a buffer to an interface
// method makes it escape, so a stack array would allocate on every call.
var ctrScratch = sync.Pool{New: func() any { return new([ctrChunk]byte) }}

// ctrGeneric XORs src with the keystream that starts at counter (hi, lo).
func ctrGeneric(b cipher.Block, dst, src []byte, hi, lo uint64) {
	ks := ctrScratch.Get().(*[ctrChunk]byte)
	for len(src) > 0 {
		n := min(len(src), ctrChunk)
		for i := 0; i < n; i += BlockSize {
			blk := ks[i : i+BlockSize]
			binary.BigEndian.PutUint64(blk[:8], hi)
			binary.BigEndian.PutUint64(blk[8:], lo)
			b.Encrypt(blk, blk)
			hi, lo = add128(hi, lo, 1)
		}
		subtle.XORBytes(dst[:n], src[:n], ks[:n])
		dst, src = dst[n:], src[n:]
	}
	clear(ks[:]) // keystream is key-derived; do not leave it in the pool
	ctrScratch.Put(ks)
}
