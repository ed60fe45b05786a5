// Package f8 implements AES in f8 mode, the SRTP confidentiality transform
// of RFC 3711 §4.1.2 (AES-f8), as a keystream XOR with a caller-supplied
// 16-byte IV per message.
//
// Definition (RFC 3711 §4.1.2.1), with E the AES block encryption:
//
//	m   = k_s ‖ 0x55 0x55 … (the salt padded with 0x55 to |k_e| bytes)
//	IV' = E(k_e ⊕ m, IV)
//	S(-1) = 0^128
//	S(j)  = E(k_e, IV' ⊕ j ⊕ S(j-1)), j = 0, 1, 2, … as a 128-bit
//	        big-endian integer
//	keystream = S(0) ‖ S(1) ‖ …, truncated to the data length
//
// Key layout (the project's INTERPRETATIONS.md, "Keys and IVs per
// algorithm"): the key passed to [New] is k_e ‖ k_s. |k_e| is 16 bytes for
// keys of 17–32 bytes, 24 for 33–48 and 32 for 49–64; the remaining bytes
// are the salt k_s (1 to |k_e| bytes). RFC 3711's SRTP default is a 16-byte
// k_e with a 14-byte salt (a 30-byte key). The IV is the 16-byte f8 IV;
// building it from the RTP/SRTCP header fields (§4.1.2.2, §4.1.2.3) is the
// caller's business.
//
// What the package owns: the key split and mask ([New]), the keystream and
// XOR ([Cipher.XORKeyStream]), wiping ([Cipher.Zero]). Encryption and
// decryption are the same operation.
//
// Concurrency: a *Cipher is immutable after [New]; any number of goroutines
// may call [Cipher.XORKeyStream] on the same value at once. [Cipher.Zero]
// is the one mutating method and must not run concurrently with any other
// method on the same value. Per-call scratch space comes from a
// package-level sync.Pool, so XORKeyStream allocates nothing in steady
// state.
//
// Key material: New keeps no copy of the key bytes; the two AES key
// schedules (under k_e and k_e ⊕ m) live in crypto/aes objects, which cannot
// be wiped from outside; Zero drops them.
//
// Errors: every exported function checks its arguments and returns an error
// wrapping one of the package's exported error variables; nothing panics.
//
// Tested against RFC 3711 Appendix B.1 (AES-f8 test vectors), the only
// published AES-f8 vector, including its intermediate values.
package f8
