// Package cryptodevtest builds virtio-crypto requests (legacy framing, or
// REVISION_1 and stateless framing: SessionDataRequest, StatelessRequest) for
// engine-level session parameters and operations, so that tests can drive
// a device through any transport with the published vectors of
// enginetest: SessionRequest for the control queue, DataRequest (and
// AkcipherRequest, AkcipherResult for the AKCIPHER service's used-length
// rule) for a data queue. AKCases are published AKCIPHER cases shaped for
// the wire (akvectors.go). It is test support; nothing in the daemon
// imports it.
package cryptodevtest

import (
	"fmt"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// SessionRequest builds the control request (and key list) that creates a
// session with the engine parameters p.
func SessionRequest(p *engine.SessionParams) (virtiocrypto.CtrlRequest, [][]byte) {
	var r virtiocrypto.CtrlRequest
	cipher := virtiocrypto.CipherSessionParams{Algo: virtiocrypto.CipherAlgo(p.Cipher), KeyLen: uint32(len(p.CipherKey)), Op: virtiocrypto.Direction(p.Direction)}
	switch p.Service {
	case engine.ServiceCipher:
		r.Header.Opcode = virtiocrypto.OpcodeCipherCreateSession
		if !p.Chained {
			r.Sym = virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpCipher, Cipher: cipher}
			return r, [][]byte{p.CipherKey}
		}
		ch := virtiocrypto.ChainSessionParams{Order: virtiocrypto.ChainOrder(p.Order), HashMode: virtiocrypto.HashMode(p.HashMode),
			Cipher: cipher, AADLen: uint32(p.AADLen)}
		keys := [][]byte{p.CipherKey}
		switch p.HashMode {
		case engine.HashModePlain:
			ch.Hash = virtiocrypto.HashSessionParams{Algo: virtiocrypto.HashAlgo(p.Hash), HashResultLen: uint32(p.DigestLen)}
		case engine.HashModeAuth:
			ch.MAC = virtiocrypto.MACSessionParams{Algo: virtiocrypto.MACAlgo(p.MAC), HashResultLen: uint32(p.DigestLen), AuthKeyLen: uint32(len(p.AuthKey))}
			keys = append(keys, p.AuthKey)
		}
		r.Sym = virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: ch}
		return r, keys
	case engine.ServiceHash:
		r.Header.Opcode = virtiocrypto.OpcodeHashCreateSession
		r.Hash = virtiocrypto.HashSessionParams{Algo: virtiocrypto.HashAlgo(p.Hash), HashResultLen: uint32(p.DigestLen)}
		return r, nil
	case engine.ServiceMAC:
		r.Header.Opcode = virtiocrypto.OpcodeMACCreateSession
		r.MAC = virtiocrypto.MACSessionParams{Algo: virtiocrypto.MACAlgo(p.MAC), HashResultLen: uint32(p.DigestLen), AuthKeyLen: uint32(len(p.AuthKey))}
		return r, [][]byte{p.AuthKey}
	case engine.ServiceAEAD:
		r.Header.Opcode = virtiocrypto.OpcodeAEADCreateSession
		r.AEAD = virtiocrypto.AEADSessionParams{Algo: virtiocrypto.AEADAlgo(p.AEAD), KeyLen: uint32(len(p.CipherKey)),
			TagLen: uint32(p.DigestLen), AADLen: uint32(p.AADLen), Op: virtiocrypto.Direction(p.Direction)}
		return r, [][]byte{p.CipherKey}
	case engine.ServiceAKCipher:
		// As Linux's virtio_crypto_rsa_set_key builds it: header algo =
		// para algo, the key in its own descriptor after op_flf.
		a := &p.AK
		r.Header.Opcode, r.Header.Algo = virtiocrypto.OpcodeAkcipherCreateSession, uint32(a.Alg)
		r.Akcipher = virtiocrypto.AkcipherSessionParams{Algo: virtiocrypto.AkcipherAlgo(a.Alg), KeyType: virtiocrypto.KeyType(a.KeyType),
			KeyLen: uint32(len(a.Key))}
		switch virtiocrypto.AkcipherAlgo(a.Alg) {
		case virtiocrypto.AkcipherRSA:
			r.Akcipher.RSA = virtiocrypto.RSAParams{Padding: virtiocrypto.RSAPadding(a.Padding), Hash: virtiocrypto.RSAHash(a.Hash)}
		case virtiocrypto.AkcipherECDSA:
			r.Akcipher.ECDSA = virtiocrypto.ECDSAParams{Curve: virtiocrypto.Curve(a.Curve)}
		}
		return r, [][]byte{a.Key}
	}
	r.Header.Opcode = virtiocrypto.MakeOpcode(virtiocrypto.Service(p.Service), 2)
	return r, nil
}

// DestroyOpcode returns the destroy opcode for a session's service.
func DestroyOpcode(p *engine.SessionParams) virtiocrypto.Opcode {
	switch p.Service {
	case engine.ServiceHash:
		return virtiocrypto.OpcodeHashDestroySession
	case engine.ServiceMAC:
		return virtiocrypto.OpcodeMACDestroySession
	case engine.ServiceAEAD:
		return virtiocrypto.OpcodeAEADDestroySession
	case engine.ServiceAKCipher:
		return virtiocrypto.OpcodeAkcipherDestroySession
	}
	return virtiocrypto.OpcodeCipherDestroySession
}

// DataRequest builds the data request for an engine operation on a
// session with parameters p, with the readable parts in vlf order and the
// writable lengths (before the status byte).
func DataRequest(id uint64, p *engine.SessionParams, op *engine.Op, dstLen, digestLen int) (virtiocrypto.DataRequest, [][]byte, []int) {
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{SessionID: id}}
	enc := op.Dir == engine.Encrypt || (op.Dir == 0 && p.Direction != engine.Decrypt)
	switch p.Service {
	case engine.ServiceCipher:
		r.Header.Opcode = virtiocrypto.OpcodeCipherDecrypt
		if enc {
			r.Header.Opcode = virtiocrypto.OpcodeCipherEncrypt
		}
		if !p.Chained {
			r.Sym = virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
				IVLen: uint32(len(op.IV)), SrcDataLen: uint32(len(op.Src)), DstDataLen: uint32(dstLen)}}
			return r, [][]byte{op.IV, op.Src}, []int{dstLen}
		}
		r.Sym = virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
			IVLen: uint32(len(op.IV)), SrcDataLen: uint32(len(op.Src)), DstDataLen: uint32(dstLen),
			CipherStartSrcOffset: uint32(op.CipherOffset), LenToCipher: uint32(op.CipherLen),
			HashStartSrcOffset: uint32(op.HashOffset), LenToHash: uint32(op.HashLen),
			AADLen: uint32(len(op.AAD)), HashResultLen: uint32(digestLen)}}
		return r, [][]byte{op.IV, op.Src, op.AAD}, []int{dstLen, digestLen}
	case engine.ServiceHash:
		r.Header.Opcode = virtiocrypto.OpcodeHash
		r.Hash = virtiocrypto.HashDataParams{SrcDataLen: uint32(len(op.Src)), HashResultLen: uint32(digestLen)}
		return r, [][]byte{op.Src}, []int{digestLen}
	case engine.ServiceMAC:
		r.Header.Opcode = virtiocrypto.OpcodeMAC
		r.MAC = virtiocrypto.MACDataParams{SrcDataLen: uint32(len(op.Src)), HashResultLen: uint32(digestLen)}
		return r, [][]byte{op.Src}, []int{digestLen}
	case engine.ServiceAEAD:
		r.Header.Opcode = virtiocrypto.OpcodeAEADDecrypt
		if enc {
			r.Header.Opcode = virtiocrypto.OpcodeAEADEncrypt
		}
		r.AEAD = virtiocrypto.AEADDataParams{IVLen: uint32(len(op.IV)), AADLen: uint32(len(op.AAD)), SrcDataLen: uint32(len(op.Src)),
			DstDataLen: uint32(dstLen), TagLen: uint32(p.DigestLen)}
		return r, [][]byte{op.IV, op.Src, op.AAD}, []int{dstLen}
	case engine.ServiceAKCipher:
		return AkcipherRequest(id, p.AK.Alg, op.AK, op.Src, op.Signed, dstLen)
	}
	return r, nil, nil
}

// AkcipherOpcode returns the data opcode of an AKCIPHER operation
// (VIRTIO_CRYPTO_AKCIPHER_ENCRYPT ... VERIFY), or 0 for AKNone.
func AkcipherOpcode(op engine.AKOp) virtiocrypto.Opcode {
	switch op {
	case engine.AKEncrypt:
		return virtiocrypto.OpcodeAkcipherEncrypt
	case engine.AKDecrypt:
		return virtiocrypto.OpcodeAkcipherDecrypt
	case engine.AKSign:
		return virtiocrypto.OpcodeAkcipherSign
	case engine.AKVerify:
		return virtiocrypto.OpcodeAkcipherVerify
	}
	return 0
}

// AkcipherRequest builds an AKCIPHER data request the way Linux's
// virtio_crypto_rsa_do_req does (header algo = the session's algorithm,
// src_data_len, dst_data_len): for ENCRYPT, DECRYPT and SIGN the readable
// part is src and the writable part dstLen bytes (before the status); for
// VERIFY the readable part is the signature (src) followed by the signed
// data, dst_data_len is len(signed) and nothing but the status is
// writable (dstLen is ignored).
func AkcipherRequest(id uint64, alg engine.AKCipherAlg, op engine.AKOp, src, signed []byte, dstLen int) (virtiocrypto.DataRequest, [][]byte, []int) {
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: AkcipherOpcode(op), Algo: uint32(alg), SessionID: id}}
	r.Akcipher.SrcDataLen = uint32(len(src))
	if op == engine.AKVerify {
		r.Akcipher.DstDataLen = uint32(len(signed))
		return r, [][]byte{src, signed}, nil
	}
	r.Akcipher.DstDataLen = uint32(dstLen)
	return r, [][]byte{src}, []int{dstLen}
}

// AkcipherResult splits the writable bytes of a completed AKCIPHER request
// (dst_data then the status byte, as AkcipherRequest lays them out) by the
// used length, as Linux's virtio_crypto_dataq_akcipher_callback does: the
// result is the first usedLen−1 bytes. It reports an error when usedLen
// is 0 or claims more bytes than the writable part held.
func AkcipherResult(writable []byte, usedLen uint32) (result []byte, st virtiocrypto.Status, err error) {
	if len(writable) == 0 {
		return nil, 0, fmt.Errorf("no writable byte")
	}
	st = virtiocrypto.Status(writable[len(writable)-1])
	if usedLen == 0 || int64(usedLen)-1 > int64(len(writable)-1) {
		return nil, st, fmt.Errorf("used length %d for %d writable bytes", usedLen, len(writable))
	}
	return writable[:usedLen-1], st, nil
}

// StatusAsError maps a device status back to the engine sentinels, so that
// enginetest's published-vector checks can judge a device's answer: BADMSG
// is engine.ErrAuthFailed, KEY_REJECTED engine.ErrKeyRejected, NOTSUPP
// engine.ErrUnsupported, and ERR (or any other status) stands for every
// "bad parameter" error the engine tells apart (ErrInvalidInput and
// ErrInvalidKey).
func StatusAsError(st virtiocrypto.Status) error {
	switch st {
	case virtiocrypto.StatusOK:
		return nil
	case virtiocrypto.StatusBadMsg:
		return fmt.Errorf("status BADMSG: %w", engine.ErrAuthFailed)
	case virtiocrypto.StatusKeyRejected:
		return fmt.Errorf("status KEY_REJECTED: %w", engine.ErrKeyRejected)
	case virtiocrypto.StatusNotSupp:
		return fmt.Errorf("status NOTSUPP: %w", engine.ErrUnsupported)
	}
	return fmt.Errorf("status %v: %w %w", st, engine.ErrInvalidInput, engine.ErrInvalidKey)
}

// AllFeatures is VIRTIO_CRYPTO_F_REVISION_1 with the STATELESS_MODE bit of
// every service: what a device serving CIPHER, HASH, MAC, AEAD and
// AKCIPHER offers, and a driver that wants all of it acknowledges.
var AllFeatures = virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureCipherStatelessMode.Mask() |
	virtiocrypto.FeatureHashStatelessMode.Mask() | virtiocrypto.FeatureMACStatelessMode.Mask() |
	virtiocrypto.FeatureAEADStatelessMode.Mask() | virtiocrypto.FeatureAkcipherStatelessMode.Mask()

// statelessLayout reports whether data requests with opcode op use the
// stateless op_flf under features (REVISION_1 and the service's bit).
func statelessLayout(op virtiocrypto.Opcode, features uint64) bool {
	bit, ok := virtiocrypto.StatelessFeature(op.Service())
	return ok && features&virtiocrypto.FeatureRevision1.Mask() != 0 && features&bit.Mask() != 0
}

// SessionDataRequest is DataRequest for a driver that negotiated features:
// with REVISION_1 the header's flag is VIRTIO_CRYPTO_FLAG_SESSION_MODE,
// and when the service's STATELESS_MODE bit is negotiated op_flf is the
// stateless struct with a zero sess_para and the per-request fields of the
// session-mode struct, and a chain's readable parts follow the stateless
// op_vlf order (iv, aad, src). Frame it with r.Append(nil, features).
func SessionDataRequest(id uint64, p *engine.SessionParams, op *engine.Op, dstLen, digestLen int, features uint64) (virtiocrypto.DataRequest, [][]byte, []int) {
	r, readable, writable := DataRequest(id, p, op, dstLen, digestLen)
	if features&virtiocrypto.FeatureRevision1.Mask() == 0 {
		return r, readable, writable
	}
	r.Header.Flag = virtiocrypto.FlagSessionMode
	if !statelessLayout(r.Header.Opcode, features) {
		return r, readable, writable
	}
	r.SymStateless = virtiocrypto.SymDataStateless{OpType: r.Sym.OpType,
		Cipher: virtiocrypto.CipherDataStateless{CipherDataParams: r.Sym.Cipher},
		Chain:  virtiocrypto.ChainDataStateless{ChainDataParams: r.Sym.Chain}}
	r.HashStateless = virtiocrypto.HashDataStateless{HashDataParams: r.Hash}
	r.MACStateless = virtiocrypto.MACDataStateless{MACDataParams: r.MAC}
	r.AEADStateless = virtiocrypto.AEADDataStateless{AEADDataParams: r.AEAD}
	r.AkcipherStateless = virtiocrypto.AkcipherDataStateless{AkcipherDataParams: r.Akcipher}
	if p.Service == engine.ServiceCipher && p.Chained {
		readable = [][]byte{op.IV, op.AAD, op.Src}
	}
	return r, readable, writable
}

// StatelessRequest builds a stateless data request (flag 0) that performs
// op with the session parameters p carried in the request: sess_para from
// p, and the readable parts in the stateless op_vlf order of the service,
// keys first (cipher_key, iv, src; cipher_key, auth_key, iv, aad, src;
// src; auth_key, src; key, iv, src, aad; akcipher_key, src and for a
// verify the signed data). Frame it with r.Append(nil, features) where
// features has REVISION_1 and the service's STATELESS_MODE bit. For
// AKCIPHER, op.AK selects the opcode and dstLen is dst_data_len, as in
// AkcipherRequest.
func StatelessRequest(p *engine.SessionParams, op *engine.Op, dstLen, digestLen int) (virtiocrypto.DataRequest, [][]byte, []int) {
	r, readable, writable := DataRequest(0, p, op, dstLen, digestLen)
	switch p.Service {
	case engine.ServiceCipher:
		if !p.Chained {
			r.SymStateless = virtiocrypto.SymDataStateless{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataStateless{
				Algo: virtiocrypto.CipherAlgo(p.Cipher), KeyLen: uint32(len(p.CipherKey)), Op: virtiocrypto.Direction(p.Direction),
				CipherDataParams: r.Sym.Cipher}}
			return r, [][]byte{p.CipherKey, op.IV, op.Src}, writable
		}
		ch := virtiocrypto.ChainDataStateless{Order: virtiocrypto.ChainOrder(p.Order), SessAADLen: uint32(p.AADLen),
			CipherAlgo: virtiocrypto.CipherAlgo(p.Cipher), CipherKeyLen: uint32(len(p.CipherKey)), CipherOp: virtiocrypto.Direction(p.Direction),
			AuthKeyLen: uint32(len(p.AuthKey)), HashMode: virtiocrypto.HashMode(p.HashMode), ChainDataParams: r.Sym.Chain}
		if p.HashMode == engine.HashModeAuth {
			ch.HashAlgo = uint32(p.MAC)
		} else {
			ch.HashAlgo = uint32(p.Hash)
		}
		r.SymStateless = virtiocrypto.SymDataStateless{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: ch}
		return r, [][]byte{p.CipherKey, p.AuthKey, op.IV, op.AAD, op.Src}, writable
	case engine.ServiceHash:
		r.HashStateless = virtiocrypto.HashDataStateless{Algo: virtiocrypto.HashAlgo(p.Hash), HashDataParams: r.Hash}
		return r, readable, writable
	case engine.ServiceMAC:
		r.MACStateless = virtiocrypto.MACDataStateless{Algo: virtiocrypto.MACAlgo(p.MAC), AuthKeyLen: uint32(len(p.AuthKey)), MACDataParams: r.MAC}
		return r, [][]byte{p.AuthKey, op.Src}, writable
	case engine.ServiceAEAD:
		r.AEADStateless = virtiocrypto.AEADDataStateless{Algo: virtiocrypto.AEADAlgo(p.AEAD), KeyLen: uint32(len(p.CipherKey)),
			Op: virtiocrypto.Direction(p.Direction), AEADDataParams: r.AEAD}
		return r, [][]byte{p.CipherKey, op.IV, op.Src, op.AAD}, writable
	case engine.ServiceAKCipher:
		a := &p.AK
		r.AkcipherStateless = virtiocrypto.AkcipherDataStateless{Algo: virtiocrypto.AkcipherAlgo(a.Alg), KeyType: virtiocrypto.KeyType(a.KeyType),
			KeyLen: uint32(len(a.Key)), AkcipherDataParams: r.Akcipher}
		switch virtiocrypto.AkcipherAlgo(a.Alg) {
		case virtiocrypto.AkcipherRSA:
			r.AkcipherStateless.RSA = virtiocrypto.RSAParams{Padding: virtiocrypto.RSAPadding(a.Padding), Hash: virtiocrypto.RSAHash(a.Hash)}
		case virtiocrypto.AkcipherECDSA:
			r.AkcipherStateless.ECDSA = virtiocrypto.ECDSAParams{Curve: virtiocrypto.Curve(a.Curve)}
		}
		return r, append([][]byte{a.Key}, readable...), writable
	}
	return r, readable, writable
}
