// Package kasumi implements the KASUMI block cipher (3GPP TS 35.202) and the
// 3GPP confidentiality and integrity algorithms built on it, f8 (UEA1) and
// f9 (UIA1) (3GPP TS 35.201 §3 and §4). It was written from those
// specifications; it is tested against the published test data of
// 3GPP TS 35.203 (KASUMI, f8 and f9 test sets) as transcribed by DPDK.
//
// What the package owns:
//   - [Cipher]: the 64-bit KASUMI block cipher with a 128-bit key, as a
//     crypto/cipher.Block (encryption and decryption).
//   - [F8]: the f8 keystream generator. The 8-byte IV is the spec's
//     register A = COUNT ‖ BEARER ‖ DIRECTION ‖ 26 zero bits (big-endian),
//     the DPDK convention for KASUMI-F8 (see [F8IV]). Lengths are bytes
//     ([F8.XORKeyStream]) or bits ([F8.XORKeyStreamBits]).
//   - [F9]: the f9 MAC, both in the project's padded form
//     ([F9.MACPadded]: IV = COUNT-I ‖ FRESH, data already ends with
//     DIRECTION ‖ 1 ‖ 0*) and in the spec's form ([F9.MAC]: count, fresh,
//     direction, message and bit length).
//
// Concurrency: every type is immutable after construction and safe for
// concurrent use by many goroutines; there is no package-level mutable
// state. The one exception is Zero, which wipes the key schedule and must
// not run concurrently with any other method on the same value.
//
// Allocation: data operations allocate nothing; callers pass the output
// buffers. Errors on invalid lengths are returned, never panics, except for
// the crypto/cipher.Block methods [Cipher.Encrypt] and [Cipher.Decrypt],
// whose interface has no error result (use [Cipher.EncryptBlock] and
// [Cipher.DecryptBlock] for untrusted lengths).
//
// Side channels: the S-boxes S7 and S9 are table look-ups (as in the spec's
// reference code and in DPDK's software PMD), so the implementation is not
// constant-time with respect to cache-timing attacks.
package kasumi
