// Package xcbc implements AES-XCBC-MAC as specified in RFC 3566 §4 (the
// MAC of AES-XCBC-MAC-96, RFC 3566 §4.1–§4.3), with a 128-bit AES key.
// AES-XCBC-MAC-96 (the IPsec integrity transform) is the same MAC truncated
// to its first 96 bits: call [MAC.Sum] with a 12-byte output.
//
// What the package owns:
//   - [New]: the key derivation of RFC 3566 §4.3 step (1):
//     K1 = E(K, 0x01…01), K2 = E(K, 0x02…02), K3 = E(K, 0x03…03).
//   - [MAC.Sum]: steps (2)–(3): CBC over the message under K1, with the last
//     block XORed with K2 when it is complete, or padded (10*) and XORed
//     with K3 when it is not (including the empty message); the output is
//     the leading len(out) bytes of the 128-bit result.
//   - [MAC.Zero]: wiping the derived keys the package holds.
//
// Only 128-bit keys are accepted, as in RFC 3566 §4.1 (RFC 4434's
// AES-XCBC-PRF-128 variable-length key rule is not implemented).
//
// Concurrency: a *MAC is immutable after [New]; any number of goroutines may
// call [MAC.Sum] on the same value at once. [MAC.Zero] is the one mutating
// method and must not run concurrently with any other method on the same
// value. Per-call scratch space comes from a package-level sync.Pool, so
// Sum allocates nothing in steady state.
//
// Key material: K2 and K3 are wiped by Zero. K1's AES key schedule lives
// inside a crypto/aes object, which cannot be wiped from outside; Zero drops
// the reference to it.
//
// Errors: every exported function checks its arguments and returns an error
// wrapping one of the package's exported error variables; nothing panics.
//
// Tested against all seven test cases of RFC 3566 §4.6 (both the 128-bit
// AES-XCBC-MAC and the 96-bit AES-XCBC-MAC-96 values).
package xcbc
