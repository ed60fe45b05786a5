// Package aesblocks implements the AES block cipher (FIPS 197, 128-, 192-
// and 256-bit keys) with multi-block operations that allocate nothing:
// ECB over whole blocks (NIST SP 800-38A §6.1) and CTR (SP 800-38A §6.5)
// with a 128-bit big-endian counter, the counter-block increment of
// SP 800-38A Appendix B.1 over all 128 bits (the same as crypto/cipher's
// NewCTR).
//
// What the package owns:
//   - [New]: key expansion (FIPS 197 §5.2) and the decryption round keys of
//     the equivalent inverse cipher (FIPS 197 §5.3.5).
//   - [Cipher.EncryptBlocks], [Cipher.DecryptBlocks]: ECB over whole
//     16-byte blocks.
//   - [Cipher.XORKeyStreamCTR]: CTR over any length, one call per message;
//     no stream state is kept between calls.
//   - [Cipher.EncryptCBC], [Cipher.DecryptCBC]: CBC (SP 800-38A §6.2) over
//     whole blocks, one call per message with its IV. Decryption runs the
//     multi-block kernels (the inverse ciphers of CBC are independent) and
//     then XORs the shifted ciphertext; encryption is one assembly loop with
//     the chaining value in a register.
//   - [Cipher.Zero]: wiping the round keys.
//
// Why it exists: crypto/cipher.NewCTR allocates on every call and cannot be
// re-seeded, the standard library has no multi-block ECB, and its CBC
// makes one assembly call per block (so its decryption cannot overlap
// blocks). The data path of the device needs all three with zero
// allocations per request. It is the block layer for
// VIRTIO_CRYPTO_CIPHER_AES_ECB, _AES_CBC and _AES_CTR of the virtio crypto
// device ("Supported crypto services / CIPHER services"); the mapping of
// requests to calls (whole blocks for ECB and CBC, the 16-byte IV as the
// initial counter block for CTR or the CBC IV, one independent call per
// request) belongs to the engine.
//
// Implementations: on amd64 with AES-NI (plus SSSE3 and SSE4.1) the key
// schedule, ECB and CTR run in assembly: AESKEYGENASSIST for the key
// schedule (no table lookups on the key), eight blocks interleaved per loop
// iteration, then 4-, 2- and 1-block steps. If the CPU also has AVX-512F,
// AVX-512BW and VAES, ECB and CTR use VAESENC/VAESDEC on ZMM registers
// instead: 32 blocks (eight registers) per iteration, and a masked load and
// store for the last 1-63 bytes. Everywhere else (other architectures, the
// purego build tag, or an amd64 CPU without AES-NI) a generic path uses the
// crypto/aes Block one block at a time; it computes the same function and
// also allocates nothing in steady state (its CTR scratch comes from a
// sync.Pool). On that path the round keys live inside crypto/aes, which
// cannot be wiped, so [Cipher.Zero] can only drop the reference. The
// assembly paths are constant time with respect to the key and data
// (AES-NI/VAES have no data-dependent timing); the generic path is as
// constant time as crypto/aes on that platform.
//
// Concurrency: a *Cipher is immutable after [New]; any number of goroutines
// may call EncryptBlocks, DecryptBlocks and XORKeyStreamCTR on it at once.
// [Cipher.Zero] is the one mutating method and must not run concurrently
// with any other method on the same value.
//
// Errors: every exported function checks its arguments and returns an error
// wrapping one of the package's exported error variables (test with
// errors.Is); nothing panics on caller-chosen lengths or overlapping
// buffers.
//
// Tested against FIPS 197 Appendix C, SP 800-38A Appendix F.1, F.2 and F.5, the
// NIST CAVP AESAVS ECB known-answer and multi-block files (testdata/), and
// RFC 3686 §6, and against crypto/aes and crypto/cipher by fuzzing.
package aesblocks
