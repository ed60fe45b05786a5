// Package cbcmac implements the plain CBC-MAC over a block cipher with a
// 64- or 128-bit block: the last block of CBC encryption of the message
// under a zero IV, with a partial last block zero-padded. It is what Linux
// registers as cbcmac(aes) (crypto/ccm.c) and what Botan calls
// CBC-MAC(<cipher>), and, over DES with an 8-byte block, the Data
// Authentication Algorithm of FIPS PUB 113 / ANSI X9.9 (ISO/IEC 9797-1 MAC
// algorithm 1 with padding method 1, no output transformation). It is also
// the MAC step inside CCM (NIST SP 800-38C §6.1 steps 2–4, RFC 3610 §2.2):
// CCM's T is the CBC-MAC of its formatted blocks B0‖B1‖…‖Br.
//
// Definition, for a b-byte block cipher E_K and message M:
//
//	C = 0^b
//	for each b-byte block M_i of M, the last one zero-padded to b bytes:
//	    C = E_K(C ⊕ M_i)
//	MAC = the leading len(out) bytes of C
//
// The empty message has no blocks, so its MAC is the all-zero block
// (no cipher call). That is what the Linux cbcmac template and Botan's
// CBC_MAC return for empty input (both encrypt the state at finalisation
// only when a partial block is pending), and this package keeps it for
// compatibility. The value does not depend on the key.
//
// CBC-MAC is only secure for messages of one fixed length (or a prefix-free
// set of messages), and zero-padding makes M and M‖0x00 collide when M is
// not block-aligned. Callers that need a general-purpose MAC should use
// CMAC; this package exists because virtio-crypto lists CBCMAC-AES.
//
// Concurrency: a *MAC is immutable after [New]; any number of goroutines may
// call [MAC.Sum] on the same value at once. [MAC.Zero] is the one mutating
// method and must not run concurrently with any other method on the same
// value. Per-call scratch space comes from a package-level sync.Pool, so
// Sum allocates nothing in steady state.
//
// Key material: the package holds no key bytes of its own; the block
// cipher's key schedule belongs to the caller (Go's cipher objects cannot be
// wiped). Zero drops the reference.
//
// Errors: every exported function checks its arguments and returns an error
// wrapping one of the package's exported error variables; nothing panics.
package cbcmac
