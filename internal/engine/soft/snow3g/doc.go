// Package snow3g implements the SNOW 3G stream cipher and the 3GPP
// confidentiality and integrity algorithms built on it, UEA2 (f8) and
// UIA2 (f9), for the software engine.
//
// It follows the ETSI/SAGE "Specification of the 3GPP Confidentiality and
// Integrity Algorithms UEA2 & UIA2": Document 1 (UEA2 and UIA2: §3 UEA2
// with its IV construction and keystream use, §4 UIA2 with its IV
// construction, MUL64 and the MAC evaluation) and Document 2 (SNOW 3G:
// MULx/MULxPOW, the S-boxes S1 and S2, MULα/DIVα, the LFSR, the FSM,
// initialisation and keystream generation). It is tested against the
// published test data of Documents 3 and 4 as transcribed by DPDK and
// others (see vectors_test.go).
//
// # What it owns
//
//   - Generator: the raw SNOW 3G keystream generator (16-byte key and IV).
//   - UEA2: encryption/decryption with a 16-byte CK, taking the 16-byte
//     IV the way DPDK's SNOW3G-UEA2 does (IV3 ‖ IV2 ‖ IV1 ‖ IV0 of
//     Document 1, i.e. COUNT-C ‖ BEARER ‖ DIRECTION ‖ 0…0, twice), on whole
//     bytes (XORKeyStream) or on a bit length (XORKeyStreamBits).
//   - UIA2: the 32-bit MAC-I with a 16-byte IK and the 16-byte IV DPDK uses
//     for SNOW3G-UIA2 (COUNT-I, FRESH and DIRECTION folded in), on whole
//     bytes (MAC) or a bit length (MACBits).
//   - UEA2IV and UIA2IV, which build those IVs from the 3GPP parameters.
//
// Byte order: a key or IV byte string maps to the Document 2 words as
// Document 1 specifies, the first four bytes (most significant first)
// being k3 / IV3 and the last four k0 / IV0. Keystream words are used most
// significant byte first.
//
// # Concurrency and memory
//
// UEA2 and UIA2 values are immutable after construction and safe for
// concurrent use; each call builds its SNOW 3G state on the stack and
// allocates nothing. Zero wipes the key and must not race with other calls.
// A Generator is stateful and must not be shared without synchronisation.
// The lookup tables are computed at package initialisation from the
// specification's definitions and are read-only afterwards.
//
// The S-box and MULα/DIVα lookups index tables with secret-dependent
// values, as every table-driven SNOW 3G implementation does, so the
// keystream generator is not constant time with respect to cache timing.
// The UIA2 polynomial evaluation (MUL64) is constant time.
package snow3g
