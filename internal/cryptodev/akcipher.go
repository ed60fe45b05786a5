package cryptodev

import (
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// MaxAkcipherKeyLen caps the key of an AKCIPHER session (the op_vlf of
// AKCIPHER_CREATE_SESSION) below max_size: 16 KiB holds a DER RSAPrivateKey
// of a 16384-bit modulus (about 9.3 KiB) and every ECDSA key, while a guest
// cannot make the device copy megabytes of "key" per create. A longer
// key_len is refused with ERR, like any other bad key length.
const MaxAkcipherKeyLen = 16 << 10

// akKeyLimit is the longest AKCIPHER key the device reads: the smaller of
// MaxAkcipherKeyLen and max_size.
func (d *Device) akKeyLimit() int { return min(MaxAkcipherKeyLen, int(d.opts.MaxSize)) }

// AkcipherParams translates the fixed part of an AKCIPHER create-session
// request (struct virtio_crypto_akcipher_create_session_flf, spec "Session
// operation: AKCIPHER session") into engine terms, without the key. The
// algorithm, padding, hash and curve values go to the engine unchanged, so
// an unknown one is the engine's ErrUnsupported (NOTSUPP). For RSA and
// ECDSA a key_type other than PUBLIC or PRIVATE is malformed (ERR).
func AkcipherParams(a *virtiocrypto.AkcipherSessionParams) (engine.AKCipherParams, error) {
	p := engine.AKCipherParams{Alg: engine.AKCipherAlg(a.Algo), KeyType: engine.KeyType(a.KeyType)}
	switch a.Algo {
	case virtiocrypto.AkcipherRSA:
		p.Padding, p.Hash = engine.RSAPadding(a.RSA.Padding), engine.RSAHash(a.RSA.Hash)
	case virtiocrypto.AkcipherECDSA:
		p.Curve = engine.Curve(a.ECDSA.Curve)
	default:
		return p, nil
	}
	switch a.KeyType {
	case virtiocrypto.KeyTypePublic, virtiocrypto.KeyTypePrivate:
		return p, nil
	}
	return p, fmt.Errorf("%w: akcipher key_type %d", ErrMalformed, a.KeyType)
}

// akOp maps the four AKCIPHER data opcodes to engine operations.
func akOp(op virtiocrypto.Opcode) engine.AKOp {
	switch op {
	case virtiocrypto.OpcodeAkcipherEncrypt:
		return engine.AKEncrypt
	case virtiocrypto.OpcodeAkcipherDecrypt:
		return engine.AKDecrypt
	case virtiocrypto.OpcodeAkcipherSign:
		return engine.AKSign
	case virtiocrypto.OpcodeAkcipherVerify:
		return engine.AKVerify
	}
	return engine.AKNone
}

// akcipher serves AKCIPHER_ENCRYPT / DECRYPT / SIGN / VERIFY (spec
// "AKCIPHER Service Operation") and returns the number of result bytes
// written to dst_data.
//
// Readable after the header: src_data[src_data_len]; for VERIFY the
// signature[src_data_len] followed by the signed data[dst_data_len], and
// nothing is written but the status. Writable otherwise: dst_data
// [dst_data_len], then the status byte. The result is written from the
// start of dst_data and only on success; a result shorter than dst_data
// leaves the rest untouched, and the used length tells the driver its
// size. A dst_data too short for the result is ERR with nothing written.
//
// The header's algo field is not checked: the session decides the
// algorithm, as for the symmetric services (Linux sets algo RSA here and 0
// for skcipher requests; QEMU's own device ignores the field too).
//
// Inputs are copied out of guest memory and the result is staged in the
// worker's arena (AKCIPHER data is small next to the cost of an RSA or
// ECDSA operation): the guest cannot change an input mid-operation, no
// input can overlap the output, a failed operation writes nothing to the
// guest, and the arena (a decrypted plaintext included) is wiped after the
// request.
func (w *Worker) akcipher(c *virtq.Chain, e *entry, p *virtiocrypto.AkcipherDataParams, op virtiocrypto.Opcode) (int, error) {
	if e.params.Service != engine.ServiceAKCipher {
		if !w.d.cfg.HasService(virtiocrypto.ServiceAkcipher) {
			// A device without the service does not know the
			// operation (spec: NOTSUPP "if the requested algorithm or
			// operation is unsupported").
			return 0, fmt.Errorf("%w: AKCIPHER service not offered", ErrUnsupportedOp)
		}
		return 0, errWrongSession
	}
	r := c.Reader()
	var err error
	w.op.AK = akOp(op)
	if w.op.Src, err = w.copyIn(r, int(p.SrcDataLen)); err != nil {
		return 0, err
	}
	if w.op.AK == engine.AKVerify {
		if w.op.Signed, err = w.copyIn(r, int(p.DstDataLen)); err != nil {
			return 0, err
		}
	} else {
		w.op.Dst = w.alloc(int(p.DstDataLen))
	}
	err = e.s.Do(&w.op)
	w.obs.ev.Bytes = len(w.op.Src) // as run does for the other services
	if err != nil {
		return 0, err
	}
	n := w.op.OutLen
	if n < 0 || n > len(w.op.Dst) {
		// The engine contract forbids this; never report or copy more
		// than dst_data holds.
		return 0, fmt.Errorf("%w: engine reported %d result bytes for a %d-byte dst", engine.ErrInvalidInput, n, len(w.op.Dst))
	}
	// checkLens made sure the writable part holds dst_data_len bytes.
	if _, err := c.Writer().Write(w.op.Dst[:n]); err != nil {
		return 0, fmt.Errorf("%w: writable part ends early", ErrMalformed)
	}
	return n, nil
}
