package cryptodev

import (
	"encoding/binary"
	"errors"
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtio"
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
// descriptors); results are written from the start of the writable part.
// The used length is the whole writable size, except for AKCIPHER requests:
// there it is the number of result bytes written to dst_data plus one (the
// status), so 1 for a verify and for any failure (Linux computes the result
// length as used length − 1; research/qemu-vhost-user-crypto.md §5, §6). A
// chain without a writable byte cannot carry a status and is returned with
// used length 0.
func (w *Worker) handleData(c *virtq.Chain) uint32 {
	wr := c.Writer()
	usedLen := uint32(wr.Remaining())
	status, err := wr.CarveStatus()
	if err != nil {
		w.d.log.Debug("data request without a status byte", "head", c.Head())
		w.obsDone(false, 0)
		return 0
	}
	akOut, err := w.data(c)
	if err != nil {
		w.d.log.Debug("data request failed", "err", err)
	}
	w.wipeArena()
	st := Status(err)
	status[0] = byte(st)
	if akOut >= 0 {
		usedLen = uint32(akOut) + 1
	}
	w.obsDone(true, st)
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

// data serves one data request. akOut is -1 for requests that are not
// AKCIPHER (or whose header could not be read), else the number of result
// bytes written to dst_data (0 on failure).
func (w *Worker) data(c *virtq.Chain) (akOut int, err error) {
	akOut = -1
	r := c.Reader()
	features := w.d.NegotiatedFeatures()
	hdr, err := w.readHeader(r, features)
	if err != nil {
		return akOut, err
	}
	req := &w.req
	_, err = req.Parse(hdr, features)
	if req.Header.Opcode.Service() == virtiocrypto.ServiceAkcipher {
		akOut = 0
	}
	if err != nil {
		return akOut, err
	}
	stateless, err := requestMode(req, features)
	if err != nil {
		return akOut, err
	}
	readable, writable := req.VLFLen()
	if err := w.checkLens(readable, writable, c); err != nil {
		return akOut, err
	}
	w.reset(readable + writable)
	if req.Stateless {
		sessionView(req)
	}
	if stateless {
		e, err := w.statelessSession(req, r)
		if err != nil {
			return akOut, err
		}
		akOut, err = w.dispatch(c, e, req)
		w.closeStateless()
		return akOut, err
	}
	e, err := w.session(req.Header.SessionID)
	if err != nil {
		return akOut, err
	}
	return w.dispatch(c, e, req)
}

// readHeader returns the request's header and op_flf. Without
// VIRTIO_CRYPTO_F_REVISION_1 that is always 72 bytes, parsed straight from
// guest memory when it is contiguous (Parse reads every field once into
// w.req, so a guest changing the bytes meanwhile changes nothing we use),
// or from a copy when it is split across descriptors. With REVISION_1
// op_flf is exactly the opcode's struct (spec "Data Virtqueue": flf_len;
// the stateless struct when the service's STATELESS_MODE bit is
// negotiated), so the 24-byte header is copied first and then exactly that
// many bytes. For an opcode without a known op_flf it returns the header
// alone, and Parse reports the opcode (NOTSUPP).
func (w *Worker) readHeader(r *virtq.Reader, features uint64) ([]byte, error) {
	if !virtio.Has(features, virtiocrypto.FeatureRevision1) {
		const n = virtiocrypto.DataRequestLegacySize
		hdr := r.Next(n)
		if len(hdr) < n {
			k := copy(w.hdr[:], hdr)
			if err := r.ReadFull(w.hdr[k:n]); err != nil {
				return nil, fmt.Errorf("%w: header shorter than %d bytes", ErrMalformed, n)
			}
			hdr = w.hdr[:n]
		}
		return hdr, nil
	}
	const h = virtiocrypto.DataHeaderSize
	if err := r.ReadFull(w.hdr[:h]); err != nil {
		return nil, fmt.Errorf("%w: header shorter than %d bytes", ErrMalformed, h)
	}
	flf, err := virtiocrypto.DataFLFLen(virtiocrypto.Opcode(binary.LittleEndian.Uint32(w.hdr[:])), features)
	if err != nil {
		return w.hdr[:h], nil
	}
	if err := r.ReadFull(w.hdr[h : h+flf]); err != nil {
		return nil, fmt.Errorf("%w: request shorter than its %d-byte header and op_flf", ErrMalformed, h+flf)
	}
	return w.hdr[:h+flf], nil
}

// requestMode decides whether a parsed request is served in stateless
// mode (spec "Data Virtqueue", the note on flag, and each service's
// "If the VIRTIO_CRYPTO_F_<SERVICE>_STATELESS_MODE feature bit is
// negotiated, the device MUST parse flag ... to decide which mode the
// driver uses"):
//
//   - without VIRTIO_CRYPTO_F_REVISION_1 the flag is ignored: session mode;
//   - with it, flag bits other than VIRTIO_CRYPTO_FLAG_SESSION_MODE ask
//     for something this device does not implement: NOTSUPP (the flag
//     "controls the request"; acting on a request whose control we do not
//     understand could produce a wrong result the driver takes for right);
//   - FLAG_SESSION_MODE set: session mode (with the service's stateless
//     bit negotiated, op_flf is still the stateless struct; its sess_para
//     is ignored and op_vlf carries no keys);
//   - flag 0 with the service's STATELESS_MODE bit negotiated: stateless;
//   - flag 0 without it: the driver asks for a stateless request the
//     service does not accept. "The device SHOULD reject <SERVICE>
//     requests if VIRTIO_CRYPTO_FLAG_SESSION_MODE is not set", and
//     "otherwise stateless mode requests are rejected (via operation
//     status)": NOTSUPP, the status of an unsupported operation. Serving
//     it as a session request instead would run a request on session_id
//     the driver did not mean to name.
func requestMode(req *virtiocrypto.DataRequest, features uint64) (stateless bool, err error) {
	if !virtio.Has(features, virtiocrypto.FeatureRevision1) {
		return false, nil
	}
	flag := req.Header.Flag
	switch {
	case flag&^virtiocrypto.FlagSessionMode != 0:
		return false, fmt.Errorf("%w: header flag %#x", ErrUnsupportedOp, flag)
	case flag&virtiocrypto.FlagSessionMode != 0:
		return false, nil
	case req.Stateless:
		return true, nil
	}
	return false, fmt.Errorf("%w: stateless %v request, stateless mode not negotiated for its service", ErrUnsupportedOp, req.Header.Opcode)
}

// sessionView copies the per-request fields of a stateless-layout op_flf
// into the session-mode fields of req (Sym, Hash, MAC, AEAD, Akcipher), so
// that both modes are served by the same handlers.
func sessionView(req *virtiocrypto.DataRequest) {
	s := &req.SymStateless
	req.Sym = virtiocrypto.SymDataParams{OpType: s.OpType, Cipher: s.Cipher.CipherDataParams, Chain: s.Chain.ChainDataParams}
	req.Hash = req.HashStateless.HashDataParams
	req.MAC = req.MACStateless.MACDataParams
	req.AEAD = req.AEADStateless.AEADDataParams
	req.Akcipher = req.AkcipherStateless.AkcipherDataParams
}

// dispatch runs the per-service handler of req (in session-mode terms,
// see sessionView) on session e. akOut is as for data.
func (w *Worker) dispatch(c *virtq.Chain, e *entry, req *virtiocrypto.DataRequest) (akOut int, err error) {
	akOut = -1
	if req.Header.Opcode.Service() == virtiocrypto.ServiceAkcipher {
		akOut = 0
	}
	w.obsSession(&e.params)
	// w.op is zero here: it is reset after every request.
	switch op := req.Header.Opcode; op {
	case virtiocrypto.OpcodeCipherEncrypt, virtiocrypto.OpcodeCipherDecrypt:
		// The stateless layout's chain op_vlf has the AAD before the
		// source (spec "virtio_crypto_alg_chain_data_vlf_stateless").
		err = w.sym(c, e, &req.Sym, dirOf(op == virtiocrypto.OpcodeCipherEncrypt), req.Stateless)
	case virtiocrypto.OpcodeHash:
		err = w.digest(c, e, engine.ServiceHash, req.Hash.SrcDataLen, req.Hash.HashResultLen)
	case virtiocrypto.OpcodeMAC:
		err = w.digest(c, e, engine.ServiceMAC, req.MAC.SrcDataLen, req.MAC.HashResultLen)
	case virtiocrypto.OpcodeAEADEncrypt, virtiocrypto.OpcodeAEADDecrypt:
		err = w.aead(c, e, &req.AEAD, dirOf(op == virtiocrypto.OpcodeAEADEncrypt))
	case virtiocrypto.OpcodeAkcipherEncrypt, virtiocrypto.OpcodeAkcipherDecrypt,
		virtiocrypto.OpcodeAkcipherSign, virtiocrypto.OpcodeAkcipherVerify:
		akOut, err = w.akcipher(c, e, &req.Akcipher, op)
	default:
		err = fmt.Errorf("%w: opcode %v", ErrUnsupportedOp, op)
	}
	w.op.Reset() // drop references to guest memory
	return akOut, err
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
	w.obs.ev.Bytes = len(w.op.Src)
	if err == nil || errors.Is(err, engine.ErrAuthFailed) {
		w.flush() // on a bad tag this writes the zeroed plaintext
	}
	return err
}

// sym serves CIPHER_ENCRYPT / CIPHER_DECRYPT: plain cipher or chained.
// aadFirst selects the stateless chain op_vlf order (iv, aad, src) over
// the session-mode one (iv, src, aad).
func (w *Worker) sym(c *virtq.Chain, e *entry, p *virtiocrypto.SymDataParams, dir engine.Direction, aadFirst bool) error {
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
		// Readable: iv, src, aad (the spec's vlf order; iv, aad, src in
		// the stateless layout); writable: dst, hash_result.
		if w.op.IV, err = w.copyIn(r, int(cp.IVLen)); err != nil {
			return err
		}
		if aadFirst {
			if w.op.AAD, err = w.in(r, int(cp.AADLen)); err != nil {
				return err
			}
		}
		if w.op.Src, err = w.in(r, int(cp.SrcDataLen)); err != nil {
			return err
		}
		if !aadFirst {
			if w.op.AAD, err = w.in(r, int(cp.AADLen)); err != nil {
				return err
			}
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
