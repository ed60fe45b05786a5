package cryptodev

import (
	"encoding/binary"
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// handleControl serves one control-queue request (spec "Control
// Virtqueue", "Session operation") and returns the used length.
//
// Readable: the 72-byte request (16-byte header + 56-byte op_flf, legacy
// framing; with VIRTIO_CRYPTO_F_REVISION_1 negotiated the header and the
// opcode's own op_flf, exactly), then the keys (cipher key, then the MAC key
// of an AUTH chain; or the asymmetric key of an AKCIPHER session, at most
// MaxAkcipherKeyLen bytes).
// Writable: struct virtio_crypto_session_input (session_id le64, status
// le32, padding) for a create; struct virtio_crypto_inhdr (status u8) for a
// destroy. A request whose writable part cannot hold that answer is not
// performed and is returned with used length 0.
func (w *Worker) handleControl(c *virtq.Chain) uint32 {
	var hdr [virtiocrypto.CtrlRequestLegacySize]byte
	r, wr := c.Reader(), c.Writer()
	features := w.d.NegotiatedFeatures()
	// Without REVISION_1 every op_flf is padded to 56 bytes; with it,
	// op_flf is exactly the opcode's struct (spec "Control Virtqueue":
	// flf_len), so the header is read first and then exactly that many
	// bytes (at most 56: the largest struct is 56 bytes).
	n := len(hdr)
	if virtio.Has(features, virtiocrypto.FeatureRevision1) {
		n = virtiocrypto.CtrlHeaderSize
	}
	if err := r.ReadFull(hdr[:n]); err != nil {
		return w.ctrlAnswer(wr, 0, 0, fmt.Errorf("%w: control request shorter than %d bytes", ErrMalformed, n))
	}
	if n == virtiocrypto.CtrlHeaderSize {
		op := virtiocrypto.Opcode(binary.LittleEndian.Uint32(hdr[:]))
		flf, err := virtiocrypto.CtrlFLFLen(op, features)
		if err != nil {
			return w.ctrlAnswer(wr, op, 0, err)
		}
		if err := r.ReadFull(hdr[n : n+flf]); err != nil {
			return w.ctrlAnswer(wr, op, 0, fmt.Errorf("%w: %v request shorter than %d bytes", ErrMalformed, op, n+flf))
		}
		n += flf
	}
	req, _, err := virtiocrypto.ParseCtrlRequest(hdr[:n], features)
	op := req.Header.Opcode
	if err != nil {
		return w.ctrlAnswer(wr, op, 0, err)
	}
	// A request whose writable part cannot hold its answer is not
	// performed: a session created there could never be named by the
	// driver (and would hold a slot until reset).
	if wr.Remaining() < virtiocrypto.CtrlOutcomeLen(op) {
		w.d.log.Debug("control request without room for its answer", "opcode", op, "writable", wr.Remaining())
		return 0
	}
	if op.IsDestroySession() {
		return w.ctrlAnswer(wr, op, 0, statusErr(w.d.DestroySession(req.Destroy.SessionID)))
	}
	keyLen := req.VLFLen()
	if keyLen > uint64(r.Remaining()) || keyLen > uint64(w.d.opts.MaxSize) {
		return w.ctrlAnswer(wr, op, 0, fmt.Errorf("%w: keys of %d bytes, %d readable", ErrMalformed, keyLen, r.Remaining()))
	}
	if op == virtiocrypto.OpcodeAkcipherCreateSession && keyLen > uint64(w.d.akKeyLimit()) {
		// Refused before the arena grows for it.
		return w.ctrlAnswer(wr, op, 0, fmt.Errorf("%w: akcipher key of %d bytes (device maximum %d)", ErrMalformed, keyLen, w.d.akKeyLimit()))
	}
	w.reset(keyLen)
	p, err := w.sessionParams(&req, r)
	if err != nil {
		w.wipeArena()
		return w.ctrlAnswer(wr, op, 0, err)
	}
	id, st := w.d.CreateSession(&p)
	w.wipeArena()
	return w.ctrlAnswer(wr, op, id, statusErr(st))
}

// statusErr turns a status back into an error for ctrlAnswer.
func statusErr(st virtiocrypto.Status) error {
	if st == virtiocrypto.StatusOK {
		return nil
	}
	return statusError(st)
}

type statusError virtiocrypto.Status

func (s statusError) Error() string { return "status " + virtiocrypto.Status(s).String() }

// ctrlAnswer writes the outcome of a control request.
func (w *Worker) ctrlAnswer(wr *virtq.Writer, op virtiocrypto.Opcode, id uint64, err error) uint32 {
	st := Status(err)
	if se, ok := err.(statusError); ok {
		st = virtiocrypto.Status(se)
	}
	if err != nil {
		w.d.log.Debug("control request failed", "opcode", op, "status", st, "err", err)
	}
	w.d.observeControl(op, st)
	if op.IsDestroySession() {
		b := wr.Next(1)
		if len(b) != 1 {
			return 0
		}
		b[0] = byte(st)
		return 1
	}
	// Create (or unknown): session_input. Drivers that send an unknown
	// opcode still wait on the 16-byte input Linux uses for creates.
	var in [virtiocrypto.CreateSessionInputSize]byte
	binary.LittleEndian.PutUint64(in[0:], id)
	binary.LittleEndian.PutUint32(in[8:], uint32(st))
	if wr.Remaining() < len(in) {
		if wr.Remaining() >= 1 && !op.IsCreateSession() {
			// Unknown opcode with a one-byte answer area: a status.
			b := wr.Next(1)
			b[0] = byte(st)
			return 1
		}
		return 0
	}
	n, _ := wr.Write(in[:])
	return uint32(n)
}

// sessionParams translates a create-session request into engine terms and
// reads the keys it declares.
func (w *Worker) sessionParams(req *virtiocrypto.CtrlRequest, r *virtq.Reader) (engine.SessionParams, error) {
	var p engine.SessionParams
	var err error
	key := func(n uint32, max int) ([]byte, error) { return w.readKey(r, "key", n, max) }
	switch op := req.Header.Opcode; op {
	case virtiocrypto.OpcodeCipherCreateSession:
		p.Service = engine.ServiceCipher
		s := &req.Sym
		switch s.OpType {
		case virtiocrypto.SymOpCipher:
			if err := cipherPart(&p, &s.Cipher); err != nil {
				return p, err
			}
			p.CipherKey, err = key(s.Cipher.KeyLen, w.d.caps.MaxCipherKeyLen)
		case virtiocrypto.SymOpAlgorithmChaining:
			ch := &s.Chain
			p.Chained = true
			var order uint8
			if order, err = u8("chain order", uint32(ch.Order)); err != nil {
				return p, err
			}
			p.Order, p.HashMode = engine.ChainOrder(order), engine.HashMode(ch.HashMode)
			p.AADLen = int(ch.AADLen)
			if ch.Cipher.Algo != virtiocrypto.CipherAlgo(engine.NoCipher) {
				if err := cipherPart(&p, &ch.Cipher); err != nil {
					return p, err
				}
			}
			if p.CipherKey, err = key(ch.Cipher.KeyLen, w.d.caps.MaxCipherKeyLen); err != nil {
				return p, err
			}
			switch ch.HashMode {
			case virtiocrypto.HashModePlain:
				p.Hash, p.DigestLen = engine.HashAlg(ch.Hash.Algo), int(ch.Hash.HashResultLen)
			case virtiocrypto.HashModeAuth:
				p.MAC, p.DigestLen = engine.MACAlg(ch.MAC.Algo), int(ch.MAC.HashResultLen)
				p.AuthKey, err = key(ch.MAC.AuthKeyLen, w.d.caps.MaxAuthKeyLen)
			case virtiocrypto.HashModeNested:
				// The spec defines no parameters for NESTED.
				return p, fmt.Errorf("%w: nested hash mode", ErrUnsupportedOp)
			default:
				return p, fmt.Errorf("%w: hash mode %d", ErrMalformed, ch.HashMode)
			}
		default:
			return p, fmt.Errorf("%w: symmetric op_type %d", ErrUnsupportedOp, s.OpType)
		}
	case virtiocrypto.OpcodeHashCreateSession:
		p.Service, p.Hash, p.DigestLen = engine.ServiceHash, engine.HashAlg(req.Hash.Algo), int(req.Hash.HashResultLen)
	case virtiocrypto.OpcodeMACCreateSession:
		p.Service, p.MAC, p.DigestLen = engine.ServiceMAC, engine.MACAlg(req.MAC.Algo), int(req.MAC.HashResultLen)
		p.AuthKey, err = key(req.MAC.AuthKeyLen, w.d.caps.MaxAuthKeyLen)
	case virtiocrypto.OpcodeAEADCreateSession:
		a := &req.AEAD
		p.Service, p.AEAD, p.DigestLen, p.AADLen = engine.ServiceAEAD, engine.AEADAlg(a.Algo), int(a.TagLen), int(a.AADLen)
		var dir uint8
		if dir, err = u8("direction", uint32(a.Op)); err != nil {
			return p, err
		}
		p.Direction = engine.Direction(dir)
		p.CipherKey, err = key(a.KeyLen, w.d.caps.MaxCipherKeyLen)
	case virtiocrypto.OpcodeAkcipherCreateSession:
		// Spec "Session operation: AKCIPHER session": the DER (RSA,
		// ECDSA private) or SEC 1 point (ECDSA public) key follows
		// op_flf; its length is bounded by akKeyLimit.
		p.Service = engine.ServiceAKCipher
		if p.AK, err = AkcipherParams(&req.Akcipher); err != nil {
			return p, err
		}
		p.AK.Key, err = key(req.Akcipher.KeyLen, w.d.akKeyLimit())
	default:
		return p, fmt.Errorf("%w: control opcode %v", ErrUnsupportedOp, op)
	}
	return p, err
}

// cipherPart copies a cipher session's algorithm and direction.
func cipherPart(p *engine.SessionParams, c *virtiocrypto.CipherSessionParams) error {
	p.Cipher = engine.CipherAlg(c.Algo)
	dir, err := u8("direction", uint32(c.Op))
	if err != nil {
		return err
	}
	p.Direction = engine.Direction(dir)
	return nil
}

// u8 converts a 32-bit wire field to an 8-bit engine enum, refusing values
// that do not fit: 0x101 must not pass for 1 (ENCRYPT).
func u8(field string, v uint32) (uint8, error) {
	if v > 0xFF {
		return 0, fmt.Errorf("%w: %s %#x", ErrMalformed, field, v)
	}
	return uint8(v), nil
}
