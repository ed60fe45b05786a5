package cryptodev

import (
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
)

// Stateless requests (VIRTIO_CRYPTO_F_REVISION_1 with the service's
// STATELESS_MODE bit negotiated and flag 0; see requestMode): sess_para in
// op_flf and the keys at the start of op_vlf describe a session that lives
// for one request. The worker builds engine.SessionParams from them, reads
// the keys into its arena (bounded by max_cipher_key_len /
// max_auth_key_len, an AKCIPHER key by MaxAkcipherKeyLen as in a create;
// wiped with the arena after the request), creates a
// temporary engine session, runs the same handler as a session request
// (dispatch) and closes the session, which wipes the engine's copy of the
// keys. Stateless sessions do not count against Options.MaxSessions and
// are never visible to other requests.

// statelessSession reads req's keys from r (they come first in every
// stateless op_vlf) and returns the worker's temporary session entry for
// req. The caller must call closeStateless when the request is done.
func (w *Worker) statelessSession(req *virtiocrypto.DataRequest, r *virtq.Reader) (*entry, error) {
	p, err := w.statelessParams(req, r)
	if err != nil {
		return nil, err
	}
	// Metrics label the request with the service and algorithm its
	// sess_para names, also when the engine refuses them (a bad key).
	w.obsSession(&p)
	s, err := w.d.eng.NewSession(&p)
	if err != nil {
		w.d.log.Debug("stateless session refused", "service", p.Service, "err", err)
		return nil, err
	}
	w.tmp.s, w.tmp.params = s, s.Params()
	return &w.tmp, nil
}

// closeStateless closes the temporary session (wiping its keys) and
// forgets it.
func (w *Worker) closeStateless() {
	if w.tmp.s != nil {
		w.tmp.s.Close()
	}
	w.tmp.s, w.tmp.params = nil, engine.SessionParams{}
}

// readKey copies an n-byte key from r into the arena, refusing keys longer
// than max (the config space's max_cipher_key_len or max_auth_key_len: the
// driver "MUST guarantee that the key_len ... is within" them, spec "Device
// configuration layout"; for AKCIPHER the device's own akKeyLimit).
func (w *Worker) readKey(r *virtq.Reader, what string, n uint32, max int) ([]byte, error) {
	if int64(n) > int64(max) {
		return nil, fmt.Errorf("%w: %s of %d bytes (device maximum %d)", ErrMalformed, what, n, max)
	}
	return w.copyIn(r, int(n))
}

// statelessParams translates a stateless request's sess_para into engine
// terms and reads its keys from r, in the spec's op_vlf order:
//
//	CIPHER     cipher_key                (virtio_crypto_cipher_data_vlf_stateless)
//	chain      cipher_key, auth_key      (virtio_crypto_alg_chain_data_vlf_stateless)
//	HASH       none
//	MAC        auth_key                  (virtio_crypto_mac_data_vlf_stateless)
//	AEAD       key                       (virtio_crypto_aead_data_vlf_stateless)
//	AKCIPHER   akcipher_key              (virtio_crypto_akcipher_data_vlf_stateless)
//
// The rest of op_vlf (iv, src, aad, ...) is read by the service handlers.
// A chain's sess_para.aad_len becomes the session's AADLen; the request's
// own aad_len says how many AAD bytes follow, as in session mode.
func (w *Worker) statelessParams(req *virtiocrypto.DataRequest, r *virtq.Reader) (engine.SessionParams, error) {
	var p engine.SessionParams
	var err error
	maxCipher, maxAuth := w.d.caps.MaxCipherKeyLen, w.d.caps.MaxAuthKeyLen
	switch op := req.Header.Opcode; op {
	case virtiocrypto.OpcodeCipherEncrypt, virtiocrypto.OpcodeCipherDecrypt:
		p.Service = engine.ServiceCipher
		switch s := &req.SymStateless; s.OpType {
		case virtiocrypto.SymOpCipher:
			c := &s.Cipher
			p.Cipher = engine.CipherAlg(c.Algo)
			if p.Direction, err = direction(c.Op); err != nil {
				return p, err
			}
			p.CipherKey, err = w.readKey(r, "cipher key", c.KeyLen, maxCipher)
		case virtiocrypto.SymOpAlgorithmChaining:
			err = w.chainStatelessParams(&p, &s.Chain, r, maxCipher, maxAuth)
		default:
			return p, fmt.Errorf("%w: symmetric op_type %d", ErrUnsupportedOp, s.OpType)
		}
	case virtiocrypto.OpcodeHash:
		h := &req.HashStateless
		p.Service, p.Hash, p.DigestLen = engine.ServiceHash, engine.HashAlg(h.Algo), int(h.HashResultLen)
	case virtiocrypto.OpcodeMAC:
		m := &req.MACStateless
		p.Service, p.MAC, p.DigestLen = engine.ServiceMAC, engine.MACAlg(m.Algo), int(m.HashResultLen)
		p.AuthKey, err = w.readKey(r, "auth key", m.AuthKeyLen, maxAuth)
	case virtiocrypto.OpcodeAEADEncrypt, virtiocrypto.OpcodeAEADDecrypt:
		a := &req.AEADStateless
		p.Service, p.AEAD, p.DigestLen, p.AADLen = engine.ServiceAEAD, engine.AEADAlg(a.Algo), int(a.TagLen), int(a.AADLen)
		if p.Direction, err = direction(a.Op); err != nil {
			return p, err
		}
		p.CipherKey, err = w.readKey(r, "AEAD key", a.KeyLen, maxCipher)
	case virtiocrypto.OpcodeAkcipherEncrypt, virtiocrypto.OpcodeAkcipherDecrypt,
		virtiocrypto.OpcodeAkcipherSign, virtiocrypto.OpcodeAkcipherVerify:
		a := &req.AkcipherStateless
		// The config space has no AKCIPHER key bound; the device's
		// (MaxAkcipherKeyLen, and max_size, which checkLens applied to
		// the whole op_vlf before this) is the session path's, so a key
		// a create would refuse is refused here too (ERR), unread.
		var key []byte
		if key, err = w.readKey(r, "akcipher key", a.KeyLen, w.d.akKeyLimit()); err != nil {
			return p, err
		}
		if p, err = akcipherStatelessParams(a, key); err == nil && !w.d.cfg.HasAkcipher(a.Algo) {
			// As CreateSession: an algorithm the config space does not
			// advertise (akcipher_algo) is NOTSUPP without asking the
			// engine.
			err = fmt.Errorf("%w: akcipher algorithm %d not offered", engine.ErrUnsupported, a.Algo)
		}
	default:
		return p, fmt.Errorf("%w: opcode %v", ErrUnsupportedOp, op)
	}
	return p, err
}

// chainStatelessParams is statelessParams for an algorithm chain.
func (w *Worker) chainStatelessParams(p *engine.SessionParams, ch *virtiocrypto.ChainDataStateless, r *virtq.Reader, maxCipher, maxAuth int) error {
	p.Chained = true
	order, err := u8("chain order", uint32(ch.Order))
	if err != nil {
		return err
	}
	mode, err := u8("hash mode", uint32(ch.HashMode))
	if err != nil {
		return err
	}
	p.Order, p.HashMode, p.AADLen = engine.ChainOrder(order), engine.HashMode(mode), int(ch.SessAADLen)
	if ch.CipherAlgo != virtiocrypto.CipherAlgo(engine.NoCipher) {
		p.Cipher = engine.CipherAlg(ch.CipherAlgo)
		if p.Direction, err = direction(ch.CipherOp); err != nil {
			return err
		}
	}
	if p.CipherKey, err = w.readKey(r, "cipher key", ch.CipherKeyLen, maxCipher); err != nil {
		return err
	}
	p.DigestLen = int(ch.HashResultLen)
	switch ch.HashMode {
	case virtiocrypto.HashModePlain:
		if ch.AuthKeyLen != 0 {
			return fmt.Errorf("%w: auth_key_len %d for a plain hash", ErrMalformed, ch.AuthKeyLen)
		}
		p.Hash = engine.HashAlg(ch.HashAlgo)
	case virtiocrypto.HashModeAuth:
		p.MAC = engine.MACAlg(ch.HashAlgo)
		p.AuthKey, err = w.readKey(r, "auth key", ch.AuthKeyLen, maxAuth)
	case virtiocrypto.HashModeNested:
		// The spec defines no parameters for NESTED.
		return fmt.Errorf("%w: nested hash mode", ErrUnsupportedOp)
	default:
		return fmt.Errorf("%w: hash mode %d", ErrMalformed, ch.HashMode)
	}
	return err
}

// akcipherStatelessParams translates the sess_para of a stateless AKCIPHER
// request (algo, key_type, the RSA or ECDSA union) and its akcipher_key into
// engine terms. The engine validates the key and parameters.
func akcipherStatelessParams(a *virtiocrypto.AkcipherDataStateless, key []byte) (engine.SessionParams, error) {
	p := engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{
		Alg: engine.AKCipherAlg(a.Algo), KeyType: engine.KeyType(a.KeyType), Key: key}}
	switch a.Algo {
	case virtiocrypto.AkcipherRSA:
		p.AK.Padding, p.AK.Hash = engine.RSAPadding(a.RSA.Padding), engine.RSAHash(a.RSA.Hash)
	case virtiocrypto.AkcipherECDSA:
		p.AK.Curve = engine.Curve(a.ECDSA.Curve)
	default:
		return p, fmt.Errorf("%w: akcipher algorithm %d", engine.ErrUnsupported, a.Algo)
	}
	switch a.KeyType {
	case virtiocrypto.KeyTypePublic, virtiocrypto.KeyTypePrivate:
	default:
		return p, fmt.Errorf("%w: key type %d", ErrMalformed, a.KeyType)
	}
	return p, nil
}

// direction converts a 32-bit VIRTIO_CRYPTO_OP_* field.
func direction(d virtiocrypto.Direction) (engine.Direction, error) {
	v, err := u8("direction", uint32(d))
	return engine.Direction(v), err
}
