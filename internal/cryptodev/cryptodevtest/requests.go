// Package cryptodevtest builds virtio-crypto requests (legacy framing) for
// engine-level session parameters and operations, so that tests can drive
// a device through any transport with the published vectors of
// enginetest: SessionRequest for the control queue, DataRequest for a data
// queue. It is test support; nothing in the daemon imports it.
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
	}
	return r, nil, nil
}

// StatusAsError maps a device status back to the engine sentinels, so that
// enginetest's published-vector checks can judge a device's answer: BADMSG
// is engine.ErrAuthFailed, NOTSUPP engine.ErrUnsupported, and ERR (or any
// other status) stands for every "bad parameter" error the engine tells
// apart (ErrInvalidInput and ErrInvalidKey).
func StatusAsError(st virtiocrypto.Status) error {
	switch st {
	case virtiocrypto.StatusOK:
		return nil
	case virtiocrypto.StatusBadMsg:
		return fmt.Errorf("status BADMSG: %w", engine.ErrAuthFailed)
	case virtiocrypto.StatusNotSupp:
		return fmt.Errorf("status NOTSUPP: %w", engine.ErrUnsupported)
	}
	return fmt.Errorf("status %v: %w %w", st, engine.ErrInvalidInput, engine.ErrInvalidKey)
}
