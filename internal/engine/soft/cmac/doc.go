// Package cmac implements CMAC, the block-cipher-based message
// authentication code of NIST SP 800-38B (May 2005, updated 2016), for any
// crypto/cipher.Block whose block is 64 bits (Triple DES) or 128 bits (AES).
// For AES it is the AES-CMAC of RFC 4493.
//
// What the package owns:
//   - [New]: the subkey generation of SP 800-38B §6.1 (K1, K2 from
//     L = CIPH_K(0^b), with R_64 = 0x1B and R_128 = 0x87 per §5.3).
//   - [MAC.Sum]: MAC generation, SP 800-38B §6.2, one-shot over a whole
//     message, with the tag truncated to its leading Tlen bytes (§5.5:
//     the tag is MSB_Tlen of the last chaining block).
//   - [MAC.Zero]: wiping the subkeys.
//
// It does not own the block cipher: the caller builds it (crypto/aes,
// crypto/des) and keeps owning its key schedule, which Go's cipher objects
// do not let anyone wipe.
//
// Concurrency: a *MAC is immutable after [New]; any number of goroutines may
// call [MAC.Sum] on the same value at once. [MAC.Zero] is the one mutating
// method and must not run concurrently with any other method on the same
// value. Per-call scratch space comes from a package-level sync.Pool, so
// Sum allocates nothing in steady state.
//
// Errors: every exported function checks its arguments and returns an error
// wrapping one of the package's exported error variables; nothing panics
// on caller-chosen lengths.
//
// Tested against the SP 800-38B Appendix D examples and NIST's CMAC example
// files (AES_CMAC.pdf, TDES_CMAC.pdf), and RFC 4493 §4.
//
// Note: the CMAC of github.com/emmansun/gmsm uses R = 0x87 for every block
// size, which is wrong for 64-bit blocks (SP 800-38B §5.3); do not use it
// for Triple DES.
package cmac
