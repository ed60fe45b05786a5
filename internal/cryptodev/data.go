package cryptodev

import (
	"errors"
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// handleData serves one data-queue request (spec "Data Virtqueue" and the
// service operation sections) and returns the used length.
//
// Framing, as real drivers use it (INTERPRETATIONS.md "Framing",
// research/qemu-vhost-user-crypto.md §5): the status is the last byte of
// the last writable descriptor; the device reads exactly the lengths the
// header declares and ignores surplus readable bytes (Linux repeats
// descriptors); results are written from the start of the writable part;
// the used length is the whole writable size. A chain without a writable
// byte cannot carry a status and is returned with used length 0.
func (w *Worker) handleData(c *virtq.Chain) uint32 {
	wr := c.Writer()
	usedLen := uint32(wr.Remaining())
	status, err := wr.CarveStatus()
	if err != nil {
		w.d.log.Debug("data request without a status byte", "head", c.Head())
		return 0
	}
	err = w.data(c)
	if err != nil {
		w.d.log.Debug("data request failed", "err", err)
	}
	w.wipeArena()
	status[0] = byte(Status(err))
	return usedLen
}

// The device MUST reject a request whose declared lengths exceed max_size
// (spec "Device configuration layout": max_size is the maximum size of a
// request's variable-length data the device accepts).
func (w *Worker) checkLens(readable, writable uint64, c *virtq.Chain) error {
	if readable+writable > uint64(w.d.opts.MaxSize) {
		return fmt.Errorf("%w: request of %d+%d bytes exceeds max_size %d", ErrMalformed, readable, writable, w.d.opts.MaxSize)
	}
	if readable > uint64(c.Reader().Remaining()) || writable > uint64(c.Writer().Remaining()) {
		return fmt.Errorf("%w: declared lengths %d/%d exceed the buffers %d/%d", ErrMalformed, readable, writable,
			c.Reader().Remaining(), c.Writer().Remaining())
	}
	return nil
}

func (w *Worker) data(c *virtq.Chain) error {
	r := c.Reader()
	// The header is parsed once, straight from guest memory when it is
	// contiguous (Parse reads every field once into w.req, so a
	// guest changing the bytes meanwhile changes nothing we use), or from
	// a copy when it is split across descriptors.
	hdr := r.Next(len(w.hdr))
	if len(hdr) < len(w.hdr) {
		n := copy(w.hdr[:], hdr)
		if err := r.ReadFull(w.hdr[n:]); err != nil {
			return fmt.Errorf("%w: header shorter than %d bytes", ErrMalformed, len(w.hdr))
		}
		hdr = w.hdr[:]
	}
	req := &w.req
	if _, err := req.Parse(hdr, w.d.Features()); err != nil {
		return err
	}
	readable, writable := req.VLFLen()
	if err := w.checkLens(readable, writable, c); err != nil {
		return err
	}
	w.reset(readable + writable)
	e, err := w.session(req.Header.SessionID)
	if err != nil {
		return err
	}
	// w.op is zero here: it is reset after every request.
	switch op := req.Header.Opcode; op {
	case virtiocrypto.OpcodeCipherEncrypt, virtiocrypto.OpcodeCipherDecrypt:
		err = w.sym(c, e, &req.Sym, dirOf(op == virtiocrypto.OpcodeCipherEncrypt))
	case virtiocrypto.OpcodeHash:
		err = w.digest(c, e, engine.ServiceHash, req.Hash.SrcDataLen, req.Hash.HashResultLen)
	case virtiocrypto.OpcodeMAC:
		err = w.digest(c, e, engine.ServiceMAC, req.MAC.SrcDataLen, req.MAC.HashResultLen)
	case virtiocrypto.OpcodeAEADEncrypt, virtiocrypto.OpcodeAEADDecrypt:
		err = w.aead(c, e, &req.AEAD, dirOf(op == virtiocrypto.OpcodeAEADEncrypt))
	default:
		err = fmt.Errorf("%w: opcode %v", ErrUnsupportedOp, op)
	}
	w.op.Reset() // drop references to guest memory
	return err
}

func dirOf(enc bool) engine.Direction {
	if enc {
		return engine.Encrypt
	}
	return engine.Decrypt
}

var errWrongSession = fmt.Errorf("%w: request does not match the session's service", engine.ErrWrongOp)

// run performs the engine operation and copies staged outputs out.
func (w *Worker) run(e *entry) error {
	err := e.s.Do(&w.op)
	if err == nil || errors.Is(err, engine.ErrAuthFailed) {
		w.flush() // on a bad tag this writes the zeroed plaintext
	}
	return err
}

// sym serves CIPHER_ENCRYPT / CIPHER_DECRYPT: plain cipher or chained.
func (w *Worker) sym(c *virtq.Chain, e *entry, p *virtiocrypto.SymDataParams, dir engine.Direction) error {
	sp := &e.params
	if sp.Service != engine.ServiceCipher {
		return errWrongSession
	}
	// The opcode's direction must be the session's (a cipher session is
	// created for one direction; NO_CIPHER chains have none).
	if (sp.Cipher != engine.NoCipher || !sp.Chained) && sp.Direction != dir {
		return fmt.Errorf("%w: %v request on a session created for the other direction", engine.ErrWrongOp, dir)
	}
	r, wr := c.Reader(), c.Writer()
	var err error
	w.op.Dir = dir
	switch p.OpType {
	case virtiocrypto.SymOpCipher:
		if sp.Chained {
			return errWrongSession
		}
		cp := &p.Cipher
		if cp.DstDataLen < cp.SrcDataLen {
			return fmt.Errorf("%w: dst_data_len %d < src_data_len %d", ErrMalformed, cp.DstDataLen, cp.SrcDataLen)
		}
		if w.op.IV, err = w.copyIn(r, int(cp.IVLen)); err != nil {
			return err
		}
		if w.op.Src, err = w.in(r, int(cp.SrcDataLen)); err != nil {
			return err
		}
		if w.op.Dst, err = w.out(wr, int(cp.SrcDataLen)); err != nil {
			return err
		}
	case virtiocrypto.SymOpAlgorithmChaining:
		if !sp.Chained {
			return errWrongSession
		}
		cp := &p.Chain
		if cp.DstDataLen < cp.SrcDataLen {
			return fmt.Errorf("%w: dst_data_len %d < src_data_len %d", ErrMalformed, cp.DstDataLen, cp.SrcDataLen)
		}
		// Readable: iv, src, aad (the spec's vlf order); writable: dst,
		// hash_result.
		if w.op.IV, err = w.copyIn(r, int(cp.IVLen)); err != nil {
			return err
		}
		if w.op.Src, err = w.in(r, int(cp.SrcDataLen)); err != nil {
			return err
		}
		if w.op.AAD, err = w.in(r, int(cp.AADLen)); err != nil {
			return err
		}
		if w.op.Dst, err = w.out(wr, int(cp.DstDataLen)); err != nil {
			return err
		}
		w.op.Dst = w.op.Dst[:cp.SrcDataLen]
		if w.op.Digest, err = w.out(wr, int(cp.HashResultLen)); err != nil {
			return err
		}
		w.op.CipherOffset, w.op.CipherLen = int(cp.CipherStartSrcOffset), int(cp.LenToCipher)
		w.op.HashOffset, w.op.HashLen = int(cp.HashStartSrcOffset), int(cp.LenToHash)
	default:
		return fmt.Errorf("%w: symmetric op_type %d", ErrUnsupportedOp, p.OpType)
	}
	return w.run(e)
}

// digest serves HASH and MAC: src in, hash_result out.
func (w *Worker) digest(c *virtq.Chain, e *entry, svc engine.Service, srcLen, resultLen uint32) error {
	if e.params.Service != svc || e.params.Chained {
		return errWrongSession
	}
	var err error
	if w.op.Src, err = w.in(c.Reader(), int(srcLen)); err != nil {
		return err
	}
	if w.op.Digest, err = w.out(c.Writer(), int(resultLen)); err != nil {
		return err
	}
	return w.run(e)
}

// aead serves AEAD_ENCRYPT / AEAD_DECRYPT (INTERPRETATIONS.md "AEAD"):
// readable iv, src, aad; writable dst. Encrypt writes ciphertext ‖ tag,
// decrypt reads ciphertext ‖ tag; tag_len must be the session's.
func (w *Worker) aead(c *virtq.Chain, e *entry, p *virtiocrypto.AEADDataParams, dir engine.Direction) error {
	sp := &e.params
	if sp.Service != engine.ServiceAEAD {
		return errWrongSession
	}
	if sp.Direction != dir {
		return fmt.Errorf("%w: %v request on a session created for the other direction", engine.ErrWrongOp, dir)
	}
	if int(p.TagLen) != sp.DigestLen {
		return fmt.Errorf("%w: tag_len %d differs from the session's %d", ErrMalformed, p.TagLen, sp.DigestLen)
	}
	var need uint64
	if dir == engine.Encrypt {
		need = uint64(p.SrcDataLen) + uint64(p.TagLen)
	} else if p.SrcDataLen >= p.TagLen {
		need = uint64(p.SrcDataLen - p.TagLen)
	}
	if uint64(p.DstDataLen) < need {
		return fmt.Errorf("%w: dst_data_len %d, need %d", ErrMalformed, p.DstDataLen, need)
	}
	r := c.Reader()
	var err error
	w.op.Dir = dir
	if w.op.IV, err = w.copyIn(r, int(p.IVLen)); err != nil {
		return err
	}
	if w.op.Src, err = w.in(r, int(p.SrcDataLen)); err != nil {
		return err
	}
	if w.op.AAD, err = w.in(r, int(p.AADLen)); err != nil {
		return err
	}
	if w.op.Dst, err = w.out(c.Writer(), int(need)); err != nil {
		return err
	}
	return w.run(e)
}
