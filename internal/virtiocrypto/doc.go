// Package virtiocrypto is the wire format of the virtio crypto device
// (virtio device ID 20): its constants, the device configuration space, and
// the fixed-length parts of control-queue and data-queue requests and of the
// device-written results, with length-checked little-endian Parse and
// Append functions for each. It does no I/O, keeps no state and never casts
// bytes to structs; all functions are safe for concurrent use.
//
// Source: virtio v1.4 cs01, device-types/crypto/description.tex (chapter "Crypto
// Device"), in particular "Feature bits", "Supported crypto services",
// "Device configuration layout", "Device Operation / Operation status",
// "Control Virtqueue" with its "Session operation" subsections, "Data
// Virtqueue", and the HASH, MAC, Symmetric algorithms, AEAD and AKCIPHER
// "Service Operation" sections (session and stateless forms). The IPsec
// service (its admin-queue resource objects and data requests) is not
// implemented here beyond its constants.
//
// # Framing
//
// A request is a device-readable header, then the op-specific fixed-length
// fields (op_flf), then the variable-length fields (op_vlf: keys, IV,
// source, AAD), then the device-writable part (destination, digest, and the
// status or session-create result). The length of op_flf depends on the
// negotiated feature bits:
//
//   - Without VIRTIO_CRYPTO_F_REVISION_1 (the "legacy" framing that every
//     shipping driver uses; Linux negotiates no crypto feature bits) op_flf
//     is padded to 56 bytes in control requests and 48 bytes in data
//     requests, so every control request header is 72 bytes and every data
//     request header is 72 bytes. This matches Linux's struct
//     virtio_crypto_op_ctrl_req and struct virtio_crypto_op_data_req
//     (include/uapi/linux/virtio_crypto.h) and QEMU's hw/virtio/virtio-crypto.c.
//   - With VIRTIO_CRYPTO_F_REVISION_1 op_flf is exactly the op's own struct;
//     when a service's STATELESS_MODE bit is also negotiated, its data
//     requests use the stateless struct.
//
// CtrlFLFLen and DataFLFLen give the op_flf length for a feature word;
// ParseCtrlRequest and ParseDataRequest parse header and op_flf together and
// report how many bytes they used. The Parse function of each op_flf struct
// accepts any buffer at least as long as the struct and ignores the rest,
// so it serves both framings.
//
// # Differences from the Linux header
//
// The ratified text and Linux's uapi header agree on every offset used by
// Linux and QEMU. Where they differ, this package follows the ratified text:
//   - VIRTIO_CRYPTO_AKCIPHER_ECDSA is 2 in the spec; Linux defines DSA = 2
//     and ECDSA = 3. Neither Linux nor QEMU implements ECDSA over virtio.
//   - VIRTIO_CRYPTO_MAC_ZUC_EIA3 (54) and VIRTIO_CRYPTO_IPSEC_SA_SOFT_EXPIRY
//     (7) exist only in the spec.
//   - The fourth control-header word is "reserved" (Linux: queue_id).
//   - AEAD session creation's third word is tag_len (Linux: hash_result_len),
//     and the AEAD data request has tag_len at op_flf offset 16, which
//     Linux's 16-byte struct virtio_crypto_aead_para lacks (its padding is
//     zero there).
package virtiocrypto

import "errors"

// Errors returned by the parsers. They are wrapped with %w and a
// description; test with errors.Is.
var (
	// ErrShortBuffer: the buffer is shorter than the structure it should hold.
	ErrShortBuffer = errors.New("virtiocrypto: buffer too short")
	// ErrUnknownOpcode: the opcode is not one whose op_flf this package
	// knows for the given framing (the device answers NOTSUPP). The
	// request's header has still been parsed.
	ErrUnknownOpcode = errors.New("virtiocrypto: unknown opcode")
	// ErrBadStatus: a session-create result carries a status that does not
	// fit in a byte (no defined status does).
	ErrBadStatus = errors.New("virtiocrypto: status out of range")
)
