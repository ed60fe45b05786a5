package virtiocrypto

import "vcrypto/internal/virtio"

// Sizes of the data-queue structures, in bytes ("Data Virtqueue" and the
// service operation sections). The *ParamsSize constants are the session
// mode op_flf sizes under VIRTIO_CRYPTO_F_REVISION_1 and the
// *StatelessSize constants the stateless ones; without REVISION_1 every
// op_flf is padded to DataFLFLegacySize.
const (
	DataHeaderSize            = 24 // struct virtio_crypto_op_header
	DataFLFLegacySize         = 48 // VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY
	DataRequestLegacySize     = DataHeaderSize + DataFLFLegacySize
	CipherDataParamsSize      = 16 // struct virtio_crypto_cipher_data_flf
	ChainDataParamsSize       = 40 // struct virtio_crypto_alg_chain_data_flf
	SymDataParamsSize         = 48 // struct virtio_crypto_sym_data_flf
	HashDataParamsSize        = 8  // struct virtio_crypto_hash_data_flf
	MACDataParamsSize         = 8  // struct virtio_crypto_mac_data_flf
	AEADDataParamsSize        = 24 // struct virtio_crypto_aead_data_flf
	AkcipherDataParamsSize    = 8  // struct virtio_crypto_akcipher_data_flf
	CipherDataStatelessSize   = 24 // struct virtio_crypto_cipher_data_flf_stateless
	ChainDataStatelessSize    = 72 // struct virtio_crypto_alg_chain_data_flf_stateless
	SymDataStatelessSize      = 76 // struct virtio_crypto_sym_data_flf_stateless
	HashDataStatelessSize     = 16 // struct virtio_crypto_hash_data_flf_stateless
	MACDataStatelessSize      = 16 // struct virtio_crypto_mac_data_flf_stateless
	AEADDataStatelessSize     = 32 // struct virtio_crypto_aead_data_flf_stateless
	AkcipherDataStatelessSize = 28 // struct virtio_crypto_akcipher_data_flf_stateless
	InhdrSize                 = 1  // struct virtio_crypto_inhdr (the status byte)
)

const (
	symDataOpFLFSize          = 40 // VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_SIZE
	symDataStatelessOpFLFSize = 72 // VIRTIO_CRYPTO_SYM_DATE_REQ_HDR_STATELESS_SIZE
)

// DataHeader is struct virtio_crypto_op_header: opcode@0, algo@4,
// session_id@8 (le64), flag@16, padding@20.
type DataHeader struct {
	Opcode    Opcode
	Algo      uint32 // service-specific algorithm
	SessionID uint64
	Flag      uint32 // FlagSessionMode; ignored without REVISION_1
}

// ParseDataHeader decodes a data request header from the first
// DataHeaderSize bytes of b.
func ParseDataHeader(b []byte) (DataHeader, error) {
	if len(b) < DataHeaderSize {
		return DataHeader{}, short("virtio_crypto_op_header", DataHeaderSize, len(b))
	}
	return DataHeader{
		Opcode:    Opcode(le.Uint32(b[0:])),
		Algo:      le.Uint32(b[4:]),
		SessionID: le.Uint64(b[8:]),
		Flag:      le.Uint32(b[16:]),
	}, nil
}

// Append appends the DataHeaderSize-byte encoding of h to b.
func (h DataHeader) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(h.Opcode))
	b = le.AppendUint32(b, h.Algo)
	b = le.AppendUint64(b, h.SessionID)
	b = le.AppendUint32(b, h.Flag)
	return le.AppendUint32(b, 0)
}

// CipherDataParams is struct virtio_crypto_cipher_data_flf (Linux
// virtio_crypto_cipher_para): iv_len@0, src_data_len@4, dst_data_len@8,
// padding@12. op_vlf: iv, src_data (readable); dst_data (writable).
type CipherDataParams struct {
	IVLen      uint32
	SrcDataLen uint32
	DstDataLen uint32
}

// ParseCipherDataParams decodes the first CipherDataParamsSize bytes of b.
func ParseCipherDataParams(b []byte) (CipherDataParams, error) {
	if len(b) < CipherDataParamsSize {
		return CipherDataParams{}, short("virtio_crypto_cipher_data_flf", CipherDataParamsSize, len(b))
	}
	return getCipherData(b), nil
}

func getCipherData(b []byte) CipherDataParams {
	return CipherDataParams{IVLen: le.Uint32(b[0:]), SrcDataLen: le.Uint32(b[4:]), DstDataLen: le.Uint32(b[8:])}
}

// Append appends the CipherDataParamsSize-byte encoding of p to b.
func (p CipherDataParams) Append(b []byte) []byte {
	b = p.append3(b)
	return le.AppendUint32(b, 0)
}

// append3 appends iv_len, src_data_len, dst_data_len.
func (p CipherDataParams) append3(b []byte) []byte {
	b = le.AppendUint32(b, p.IVLen)
	b = le.AppendUint32(b, p.SrcDataLen)
	return le.AppendUint32(b, p.DstDataLen)
}

// ChainDataParams is struct virtio_crypto_alg_chain_data_flf (Linux
// virtio_crypto_alg_chain_data_para): iv_len@0, src_data_len@4,
// dst_data_len@8, cipher_start_src_offset@12, len_to_cipher@16,
// hash_start_src_offset@20, len_to_hash@24, aad_len@28,
// hash_result_len@32, reserved@36. op_vlf: iv, src_data, aad (readable);
// dst_data, hash_result (writable).
type ChainDataParams struct {
	IVLen                uint32
	SrcDataLen           uint32
	DstDataLen           uint32
	CipherStartSrcOffset uint32
	LenToCipher          uint32
	HashStartSrcOffset   uint32
	LenToHash            uint32
	AADLen               uint32
	HashResultLen        uint32
}

// ParseChainDataParams decodes the first ChainDataParamsSize bytes of b.
func ParseChainDataParams(b []byte) (ChainDataParams, error) {
	if len(b) < ChainDataParamsSize {
		return ChainDataParams{}, short("virtio_crypto_alg_chain_data_flf", ChainDataParamsSize, len(b))
	}
	return getChainData(b), nil
}

func getChainData(b []byte) ChainDataParams {
	return ChainDataParams{
		IVLen:                le.Uint32(b[0:]),
		SrcDataLen:           le.Uint32(b[4:]),
		DstDataLen:           le.Uint32(b[8:]),
		CipherStartSrcOffset: le.Uint32(b[12:]),
		LenToCipher:          le.Uint32(b[16:]),
		HashStartSrcOffset:   le.Uint32(b[20:]),
		LenToHash:            le.Uint32(b[24:]),
		AADLen:               le.Uint32(b[28:]),
		HashResultLen:        le.Uint32(b[32:]),
	}
}

// Append appends the ChainDataParamsSize-byte encoding of p to b.
func (p ChainDataParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, p.IVLen)
	b = le.AppendUint32(b, p.SrcDataLen)
	b = le.AppendUint32(b, p.DstDataLen)
	b = le.AppendUint32(b, p.CipherStartSrcOffset)
	b = le.AppendUint32(b, p.LenToCipher)
	b = le.AppendUint32(b, p.HashStartSrcOffset)
	b = le.AppendUint32(b, p.LenToHash)
	b = le.AppendUint32(b, p.AADLen)
	b = le.AppendUint32(b, p.HashResultLen)
	return le.AppendUint32(b, 0)
}

// SymDataParams is struct virtio_crypto_sym_data_flf (Linux
// virtio_crypto_sym_data_req), the session-mode op_flf of
// VIRTIO_CRYPTO_CIPHER_ENCRYPT/DECRYPT: op_type_flf@0 (40 bytes),
// op_type@40, padding@44. Within a legacy data request op_type is at byte
// 64.
//
// The 40-byte area holds a CipherDataParams when OpType is SymOpCipher and
// a ChainDataParams when it is SymOpAlgorithmChaining; Parse fills only the
// matching field (none for other op types) and Append writes only the
// matching field.
type SymDataParams struct {
	OpType OpType
	Cipher CipherDataParams // when OpType == SymOpCipher
	Chain  ChainDataParams  // when OpType == SymOpAlgorithmChaining
}

// ParseSymDataParams decodes the first SymDataParamsSize bytes of b.
func ParseSymDataParams(b []byte) (SymDataParams, error) {
	if len(b) < SymDataParamsSize {
		return SymDataParams{}, short("virtio_crypto_sym_data_flf", SymDataParamsSize, len(b))
	}
	p := SymDataParams{OpType: OpType(le.Uint32(b[symDataOpFLFSize:]))}
	switch p.OpType {
	case SymOpCipher:
		p.Cipher = getCipherData(b)
	case SymOpAlgorithmChaining:
		p.Chain = getChainData(b)
	}
	return p, nil
}

// Append appends the SymDataParamsSize-byte encoding of p to b.
func (p SymDataParams) Append(b []byte) []byte {
	switch p.OpType {
	case SymOpCipher:
		b = p.Cipher.Append(b)
		b = zeros(b, symDataOpFLFSize-CipherDataParamsSize)
	case SymOpAlgorithmChaining:
		b = p.Chain.Append(b)
	default:
		b = zeros(b, symDataOpFLFSize)
	}
	b = le.AppendUint32(b, uint32(p.OpType))
	return le.AppendUint32(b, 0)
}

// HashDataParams is struct virtio_crypto_hash_data_flf (Linux
// virtio_crypto_hash_para): src_data_len@0, hash_result_len@4. op_vlf:
// src_data (readable); hash_result (writable).
type HashDataParams struct {
	SrcDataLen    uint32
	HashResultLen uint32
}

// ParseHashDataParams decodes the first HashDataParamsSize bytes of b.
func ParseHashDataParams(b []byte) (HashDataParams, error) {
	if len(b) < HashDataParamsSize {
		return HashDataParams{}, short("virtio_crypto_hash_data_flf", HashDataParamsSize, len(b))
	}
	return HashDataParams{SrcDataLen: le.Uint32(b[0:]), HashResultLen: le.Uint32(b[4:])}, nil
}

// Append appends the HashDataParamsSize-byte encoding of p to b.
func (p HashDataParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, p.SrcDataLen)
	return le.AppendUint32(b, p.HashResultLen)
}

// MACDataParams is struct virtio_crypto_mac_data_flf, which is a
// virtio_crypto_hash_data_flf (Linux virtio_crypto_mac_para):
// src_data_len@0, hash_result_len@4. op_vlf: src_data (readable);
// hash_result (writable).
type MACDataParams struct {
	SrcDataLen    uint32
	HashResultLen uint32
}

// ParseMACDataParams decodes the first MACDataParamsSize bytes of b.
func ParseMACDataParams(b []byte) (MACDataParams, error) {
	if len(b) < MACDataParamsSize {
		return MACDataParams{}, short("virtio_crypto_mac_data_flf", MACDataParamsSize, len(b))
	}
	return MACDataParams{SrcDataLen: le.Uint32(b[0:]), HashResultLen: le.Uint32(b[4:])}, nil
}

// Append appends the MACDataParamsSize-byte encoding of p to b.
func (p MACDataParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, p.SrcDataLen)
	return le.AppendUint32(b, p.HashResultLen)
}

// AEADDataParams is struct virtio_crypto_aead_data_flf: iv_len@0, aad_len@4,
// src_data_len@8, dst_data_len@12, tag_len@16, reserved@20. Linux's
// virtio_crypto_aead_para stops after dst_data_len; its padding leaves
// tag_len 0. op_vlf: iv, src_data, aad (readable); dst_data (writable).
type AEADDataParams struct {
	IVLen      uint32
	AADLen     uint32
	SrcDataLen uint32
	DstDataLen uint32
	TagLen     uint32
}

// ParseAEADDataParams decodes the first AEADDataParamsSize bytes of b.
func ParseAEADDataParams(b []byte) (AEADDataParams, error) {
	if len(b) < AEADDataParamsSize {
		return AEADDataParams{}, short("virtio_crypto_aead_data_flf", AEADDataParamsSize, len(b))
	}
	return AEADDataParams{
		IVLen:      le.Uint32(b[0:]),
		AADLen:     le.Uint32(b[4:]),
		SrcDataLen: le.Uint32(b[8:]),
		DstDataLen: le.Uint32(b[12:]),
		TagLen:     le.Uint32(b[16:]),
	}, nil
}

// Append appends the AEADDataParamsSize-byte encoding of p to b.
func (p AEADDataParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, p.IVLen)
	b = le.AppendUint32(b, p.AADLen)
	b = le.AppendUint32(b, p.SrcDataLen)
	b = le.AppendUint32(b, p.DstDataLen)
	b = le.AppendUint32(b, p.TagLen)
	return le.AppendUint32(b, 0)
}

// AkcipherDataParams is struct virtio_crypto_akcipher_data_flf (Linux
// virtio_crypto_akcipher_para): src_data_len@0, dst_data_len@4. op_vlf:
// src_data (readable), dst_data (writable); for VERIFY both are readable
// (signature, then the signed digest) and nothing but the status is
// written.
type AkcipherDataParams struct {
	SrcDataLen uint32
	DstDataLen uint32
}

// ParseAkcipherDataParams decodes the first AkcipherDataParamsSize bytes of
// b.
func ParseAkcipherDataParams(b []byte) (AkcipherDataParams, error) {
	if len(b) < AkcipherDataParamsSize {
		return AkcipherDataParams{}, short("virtio_crypto_akcipher_data_flf", AkcipherDataParamsSize, len(b))
	}
	return AkcipherDataParams{SrcDataLen: le.Uint32(b[0:]), DstDataLen: le.Uint32(b[4:])}, nil
}

// Append appends the AkcipherDataParamsSize-byte encoding of p to b.
func (p AkcipherDataParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, p.SrcDataLen)
	return le.AppendUint32(b, p.DstDataLen)
}

// CipherDataStateless is struct virtio_crypto_cipher_data_flf_stateless:
// sess_para {algo@0, key_len@4, op@8}, iv_len@12, src_data_len@16,
// dst_data_len@20. op_vlf: cipher_key, iv, src_data (readable); dst_data
// (writable).
type CipherDataStateless struct {
	Algo   CipherAlgo
	KeyLen uint32
	Op     Direction
	CipherDataParams
}

// ParseCipherDataStateless decodes the first CipherDataStatelessSize bytes
// of b.
func ParseCipherDataStateless(b []byte) (CipherDataStateless, error) {
	if len(b) < CipherDataStatelessSize {
		return CipherDataStateless{}, short("virtio_crypto_cipher_data_flf_stateless", CipherDataStatelessSize, len(b))
	}
	return getCipherDataStateless(b), nil
}

func getCipherDataStateless(b []byte) CipherDataStateless {
	return CipherDataStateless{
		Algo:             CipherAlgo(le.Uint32(b[0:])),
		KeyLen:           le.Uint32(b[4:]),
		Op:               Direction(le.Uint32(b[8:])),
		CipherDataParams: getCipherData(b[12:]),
	}
}

// Append appends the CipherDataStatelessSize-byte encoding of p to b.
func (p CipherDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.KeyLen)
	b = le.AppendUint32(b, uint32(p.Op))
	return p.CipherDataParams.append3(b)
}

// ChainDataStateless is struct virtio_crypto_alg_chain_data_flf_stateless:
// sess_para {alg_chain_order@0, aad_len@4, cipher {algo@8, key_len@12,
// op@16}, hash {algo@20, auth_key_len@24, hash_mode@28}}, then the
// ChainDataParams fields at 32..71 (reserved@68). sess_para.aad_len and
// the later aad_len are separate fields of the spec. op_vlf: cipher_key,
// auth_key, iv, aad, src_data (readable, in that order); dst_data,
// hash_result (writable).
type ChainDataStateless struct {
	Order        ChainOrder
	SessAADLen   uint32 // sess_para.aad_len
	CipherAlgo   CipherAlgo
	CipherKeyLen uint32
	CipherOp     Direction
	HashAlgo     uint32 // a HashAlgo or MACAlgo, per HashMode
	AuthKeyLen   uint32
	HashMode     HashMode
	ChainDataParams
}

// ParseChainDataStateless decodes the first ChainDataStatelessSize bytes of
// b.
func ParseChainDataStateless(b []byte) (ChainDataStateless, error) {
	if len(b) < ChainDataStatelessSize {
		return ChainDataStateless{}, short("virtio_crypto_alg_chain_data_flf_stateless", ChainDataStatelessSize, len(b))
	}
	return getChainDataStateless(b), nil
}

func getChainDataStateless(b []byte) ChainDataStateless {
	return ChainDataStateless{
		Order:           ChainOrder(le.Uint32(b[0:])),
		SessAADLen:      le.Uint32(b[4:]),
		CipherAlgo:      CipherAlgo(le.Uint32(b[8:])),
		CipherKeyLen:    le.Uint32(b[12:]),
		CipherOp:        Direction(le.Uint32(b[16:])),
		HashAlgo:        le.Uint32(b[20:]),
		AuthKeyLen:      le.Uint32(b[24:]),
		HashMode:        HashMode(le.Uint32(b[28:])),
		ChainDataParams: getChainData(b[32:]),
	}
}

// Append appends the ChainDataStatelessSize-byte encoding of p to b.
func (p ChainDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Order))
	b = le.AppendUint32(b, p.SessAADLen)
	b = le.AppendUint32(b, uint32(p.CipherAlgo))
	b = le.AppendUint32(b, p.CipherKeyLen)
	b = le.AppendUint32(b, uint32(p.CipherOp))
	b = le.AppendUint32(b, p.HashAlgo)
	b = le.AppendUint32(b, p.AuthKeyLen)
	b = le.AppendUint32(b, uint32(p.HashMode))
	return p.ChainDataParams.Append(b)
}

// SymDataStateless is struct virtio_crypto_sym_data_flf_stateless:
// op_type_flf@0 (72 bytes), op_type@72; no padding. The 72-byte area holds
// a CipherDataStateless for SymOpCipher or a ChainDataStateless for
// SymOpAlgorithmChaining; Parse and Append handle only the matching field.
type SymDataStateless struct {
	OpType OpType
	Cipher CipherDataStateless // when OpType == SymOpCipher
	Chain  ChainDataStateless  // when OpType == SymOpAlgorithmChaining
}

// ParseSymDataStateless decodes the first SymDataStatelessSize bytes of b.
func ParseSymDataStateless(b []byte) (SymDataStateless, error) {
	if len(b) < SymDataStatelessSize {
		return SymDataStateless{}, short("virtio_crypto_sym_data_flf_stateless", SymDataStatelessSize, len(b))
	}
	p := SymDataStateless{OpType: OpType(le.Uint32(b[symDataStatelessOpFLFSize:]))}
	switch p.OpType {
	case SymOpCipher:
		p.Cipher = getCipherDataStateless(b)
	case SymOpAlgorithmChaining:
		p.Chain = getChainDataStateless(b)
	}
	return p, nil
}

// Append appends the SymDataStatelessSize-byte encoding of p to b.
func (p SymDataStateless) Append(b []byte) []byte {
	switch p.OpType {
	case SymOpCipher:
		b = p.Cipher.Append(b)
		b = zeros(b, symDataStatelessOpFLFSize-CipherDataStatelessSize)
	case SymOpAlgorithmChaining:
		b = p.Chain.Append(b)
	default:
		b = zeros(b, symDataStatelessOpFLFSize)
	}
	return le.AppendUint32(b, uint32(p.OpType))
}

// HashDataStateless is struct virtio_crypto_hash_data_flf_stateless:
// sess_para {algo@0}, src_data_len@4, hash_result_len@8, reserved@12.
type HashDataStateless struct {
	Algo HashAlgo
	HashDataParams
}

// ParseHashDataStateless decodes the first HashDataStatelessSize bytes of b.
func ParseHashDataStateless(b []byte) (HashDataStateless, error) {
	if len(b) < HashDataStatelessSize {
		return HashDataStateless{}, short("virtio_crypto_hash_data_flf_stateless", HashDataStatelessSize, len(b))
	}
	return HashDataStateless{
		Algo:           HashAlgo(le.Uint32(b[0:])),
		HashDataParams: HashDataParams{SrcDataLen: le.Uint32(b[4:]), HashResultLen: le.Uint32(b[8:])},
	}, nil
}

// Append appends the HashDataStatelessSize-byte encoding of p to b.
func (p HashDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = p.HashDataParams.Append(b)
	return le.AppendUint32(b, 0)
}

// MACDataStateless is struct virtio_crypto_mac_data_flf_stateless:
// sess_para {algo@0, auth_key_len@4}, src_data_len@8, hash_result_len@12.
// op_vlf: auth_key, src_data (readable); hash_result (writable).
type MACDataStateless struct {
	Algo       MACAlgo
	AuthKeyLen uint32
	MACDataParams
}

// ParseMACDataStateless decodes the first MACDataStatelessSize bytes of b.
func ParseMACDataStateless(b []byte) (MACDataStateless, error) {
	if len(b) < MACDataStatelessSize {
		return MACDataStateless{}, short("virtio_crypto_mac_data_flf_stateless", MACDataStatelessSize, len(b))
	}
	return MACDataStateless{
		Algo:          MACAlgo(le.Uint32(b[0:])),
		AuthKeyLen:    le.Uint32(b[4:]),
		MACDataParams: MACDataParams{SrcDataLen: le.Uint32(b[8:]), HashResultLen: le.Uint32(b[12:])},
	}, nil
}

// Append appends the MACDataStatelessSize-byte encoding of p to b.
func (p MACDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.AuthKeyLen)
	return p.MACDataParams.Append(b)
}

// AEADDataStateless is struct virtio_crypto_aead_data_flf_stateless:
// sess_para {algo@0, key_len@4, op@8}, iv_len@12, tag_len@16, aad_len@20,
// src_data_len@24, dst_data_len@28. op_vlf: key, iv, src_data, aad
// (readable); dst_data (writable).
type AEADDataStateless struct {
	Algo   AEADAlgo
	KeyLen uint32
	Op     Direction
	AEADDataParams
}

// ParseAEADDataStateless decodes the first AEADDataStatelessSize bytes of b.
func ParseAEADDataStateless(b []byte) (AEADDataStateless, error) {
	if len(b) < AEADDataStatelessSize {
		return AEADDataStateless{}, short("virtio_crypto_aead_data_flf_stateless", AEADDataStatelessSize, len(b))
	}
	return AEADDataStateless{
		Algo:   AEADAlgo(le.Uint32(b[0:])),
		KeyLen: le.Uint32(b[4:]),
		Op:     Direction(le.Uint32(b[8:])),
		AEADDataParams: AEADDataParams{
			IVLen:      le.Uint32(b[12:]),
			TagLen:     le.Uint32(b[16:]),
			AADLen:     le.Uint32(b[20:]),
			SrcDataLen: le.Uint32(b[24:]),
			DstDataLen: le.Uint32(b[28:]),
		},
	}, nil
}

// Append appends the AEADDataStatelessSize-byte encoding of p to b.
func (p AEADDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.KeyLen)
	b = le.AppendUint32(b, uint32(p.Op))
	b = le.AppendUint32(b, p.IVLen)
	b = le.AppendUint32(b, p.TagLen)
	b = le.AppendUint32(b, p.AADLen)
	b = le.AppendUint32(b, p.SrcDataLen)
	return le.AppendUint32(b, p.DstDataLen)
}

// AkcipherDataStateless is struct virtio_crypto_akcipher_data_flf_stateless:
// sess_para {algo@0, key_type@4, key_len@8, u@12 (8 bytes: RSAParams or
// ECDSAParams)}, src_data_len@20, dst_data_len@24. Parse fills RSA or ECDSA
// according to Algo only. op_vlf: akcipher_key, src_data (readable);
// dst_data (writable).
type AkcipherDataStateless struct {
	Algo    AkcipherAlgo
	KeyType KeyType
	KeyLen  uint32
	RSA     RSAParams   // when Algo == AkcipherRSA
	ECDSA   ECDSAParams // when Algo == AkcipherECDSA
	AkcipherDataParams
}

// ParseAkcipherDataStateless decodes the first AkcipherDataStatelessSize
// bytes of b.
func ParseAkcipherDataStateless(b []byte) (AkcipherDataStateless, error) {
	if len(b) < AkcipherDataStatelessSize {
		return AkcipherDataStateless{}, short("virtio_crypto_akcipher_data_flf_stateless", AkcipherDataStatelessSize, len(b))
	}
	p := AkcipherDataStateless{
		Algo:               AkcipherAlgo(le.Uint32(b[0:])),
		KeyType:            KeyType(le.Uint32(b[4:])),
		KeyLen:             le.Uint32(b[8:]),
		AkcipherDataParams: AkcipherDataParams{SrcDataLen: le.Uint32(b[20:]), DstDataLen: le.Uint32(b[24:])},
	}
	p.RSA, p.ECDSA = getAkPara(p.Algo, b[12:])
	return p, nil
}

// Append appends the AkcipherDataStatelessSize-byte encoding of p to b.
func (p AkcipherDataStateless) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, uint32(p.KeyType))
	b = le.AppendUint32(b, p.KeyLen)
	b = appendAkPara(b, p.Algo, p.RSA, p.ECDSA)
	return p.AkcipherDataParams.Append(b)
}

// isStateless reports whether data requests with opcode op use the
// stateless op_flf layout under features: REVISION_1 and the service's
// STATELESS_MODE bit are both negotiated.
func isStateless(op Opcode, features uint64) bool {
	if !virtio.Has(features, FeatureRevision1) {
		return false
	}
	bit, ok := StatelessFeature(op.Service())
	return ok && virtio.Has(features, bit)
}

// DataFLFLen returns the length of op_flf in a data request with opcode op
// under the negotiated crypto feature word features. Without
// FeatureRevision1 it is DataFLFLegacySize for every opcode. With it, it is
// the size of the op's session-mode struct, or of its stateless struct when
// the service's STATELESS_MODE bit is negotiated too (the spec ties the
// layout to the negotiation, not to the request's flag); ErrUnknownOpcode
// for an opcode this package does not parse (including the IPsec ones).
func DataFLFLen(op Opcode, features uint64) (int, error) {
	if !virtio.Has(features, FeatureRevision1) {
		return DataFLFLegacySize, nil
	}
	st := isStateless(op, features)
	pick := func(session, stateless int) (int, error) {
		if st {
			return stateless, nil
		}
		return session, nil
	}
	switch op {
	case OpcodeCipherEncrypt, OpcodeCipherDecrypt:
		return pick(SymDataParamsSize, SymDataStatelessSize)
	case OpcodeHash:
		return pick(HashDataParamsSize, HashDataStatelessSize)
	case OpcodeMAC:
		return pick(MACDataParamsSize, MACDataStatelessSize)
	case OpcodeAEADEncrypt, OpcodeAEADDecrypt:
		return pick(AEADDataParamsSize, AEADDataStatelessSize)
	case OpcodeAkcipherEncrypt, OpcodeAkcipherDecrypt, OpcodeAkcipherSign, OpcodeAkcipherVerify:
		return pick(AkcipherDataParamsSize, AkcipherDataStatelessSize)
	}
	return 0, ErrUnknownOpcode
}

// DataRequest is the device-readable fixed part of a data request: the
// header and the op_flf selected by Header.Opcode. Only the field that
// matches the opcode and layout is meaningful; the others are zero.
type DataRequest struct {
	Header DataHeader
	// Stateless is set by ParseDataRequest when op_flf has the stateless
	// layout, and then the *Stateless field is the one filled in. Append
	// ignores it and follows its features argument.
	Stateless bool

	Sym      SymDataParams      // OpcodeCipherEncrypt, OpcodeCipherDecrypt
	Hash     HashDataParams     // OpcodeHash
	MAC      MACDataParams      // OpcodeMAC
	AEAD     AEADDataParams     // OpcodeAEADEncrypt, OpcodeAEADDecrypt
	Akcipher AkcipherDataParams // OpcodeAkcipher*

	SymStateless      SymDataStateless
	HashStateless     HashDataStateless
	MACStateless      MACDataStateless
	AEADStateless     AEADDataStateless
	AkcipherStateless AkcipherDataStateless
}

// ParseDataRequest decodes the header and op_flf at the start of b, framed
// as features dictates (see DataFLFLen), and returns the number of bytes
// they occupy: op_vlf starts at b[n:]. Without REVISION_1 this is always
// DataRequestLegacySize.
//
// For an opcode it does not parse it returns ErrUnknownOpcode with
// r.Header filled in, so that the caller can answer NOTSUPP.
func ParseDataRequest(b []byte, features uint64) (r DataRequest, n int, err error) {
	n, err = r.Parse(b, features)
	return r, n, err
}

// Parse is ParseDataRequest into r, which it overwrites entirely: a caller
// that keeps one DataRequest per worker parses without copying the struct.
func (r *DataRequest) Parse(b []byte, features uint64) (n int, err error) {
	*r = DataRequest{}
	if r.Header, err = ParseDataHeader(b); err != nil {
		r.Header = DataHeader{}
		return 0, err
	}
	flf, err := DataFLFLen(r.Header.Opcode, features)
	if err != nil {
		return DataHeaderSize, err
	}
	n = DataHeaderSize + flf
	if len(b) < n {
		return DataHeaderSize, short(r.Header.Opcode.String()+" request", n, len(b))
	}
	p := b[DataHeaderSize:n]
	r.Stateless = isStateless(r.Header.Opcode, features)
	switch r.Header.Opcode {
	case OpcodeCipherEncrypt, OpcodeCipherDecrypt:
		if r.Stateless {
			r.SymStateless, err = ParseSymDataStateless(p)
		} else {
			r.Sym, err = ParseSymDataParams(p)
		}
	case OpcodeHash:
		if r.Stateless {
			r.HashStateless, err = ParseHashDataStateless(p)
		} else {
			r.Hash, err = ParseHashDataParams(p)
		}
	case OpcodeMAC:
		if r.Stateless {
			r.MACStateless, err = ParseMACDataStateless(p)
		} else {
			r.MAC, err = ParseMACDataParams(p)
		}
	case OpcodeAEADEncrypt, OpcodeAEADDecrypt:
		if r.Stateless {
			r.AEADStateless, err = ParseAEADDataStateless(p)
		} else {
			r.AEAD, err = ParseAEADDataParams(p)
		}
	case OpcodeAkcipherEncrypt, OpcodeAkcipherDecrypt, OpcodeAkcipherSign, OpcodeAkcipherVerify:
		if r.Stateless {
			r.AkcipherStateless, err = ParseAkcipherDataStateless(p)
		} else {
			r.Akcipher, err = ParseAkcipherDataParams(p)
		}
	default:
		r.Stateless = false
		err = ErrUnknownOpcode
	}
	return n, err
}

// Append appends the header and op_flf of r to b, framed as features
// dictates: the stateless struct when the service's STATELESS_MODE and
// REVISION_1 are negotiated, and op_flf padded with zeros to
// DataFLFLegacySize without REVISION_1. For an unknown opcode the op_flf is
// all zeros (legacy) or empty (REVISION_1).
func (r *DataRequest) Append(b []byte, features uint64) []byte {
	b = r.Header.Append(b)
	start := len(b)
	st := isStateless(r.Header.Opcode, features)
	switch r.Header.Opcode {
	case OpcodeCipherEncrypt, OpcodeCipherDecrypt:
		if st {
			b = r.SymStateless.Append(b)
		} else {
			b = r.Sym.Append(b)
		}
	case OpcodeHash:
		if st {
			b = r.HashStateless.Append(b)
		} else {
			b = r.Hash.Append(b)
		}
	case OpcodeMAC:
		if st {
			b = r.MACStateless.Append(b)
		} else {
			b = r.MAC.Append(b)
		}
	case OpcodeAEADEncrypt, OpcodeAEADDecrypt:
		if st {
			b = r.AEADStateless.Append(b)
		} else {
			b = r.AEAD.Append(b)
		}
	case OpcodeAkcipherEncrypt, OpcodeAkcipherDecrypt, OpcodeAkcipherSign, OpcodeAkcipherVerify:
		if st {
			b = r.AkcipherStateless.Append(b)
		} else {
			b = r.Akcipher.Append(b)
		}
	}
	if !virtio.Has(features, FeatureRevision1) {
		b = zeros(b, DataFLFLegacySize-(len(b)-start))
	}
	return b
}

// SessionMode reports whether the request refers to the session named by
// Header.SessionID: always for the session-mode layout, and for the
// stateless layout when Header.Flag has FlagSessionMode. (Under
// REVISION_1 without the service's stateless mode the spec says the device
// SHOULD reject requests that lack FlagSessionMode; that check is the
// caller's, on Header.Flag.)
func (r *DataRequest) SessionMode() bool {
	return !r.Stateless || r.Header.Flag&FlagSessionMode != 0
}

// VLFLen returns the lengths of the request's op_vlf: readable is the
// device-readable bytes after op_flf (keys, IV, source, AAD), writable the
// device-writable bytes before the status byte (destination, digest). The
// sums are computed in 64 bits and cannot overflow.
//
// For the stateless layout the keys count only when the request is not in
// session mode (see SessionMode): a session-mode request ignores sess_para
// and is taken to carry no keys. For AKCIPHER VERIFY both source (the
// signature) and dst_data_len bytes (the signed digest) are readable and
// nothing but the status is written. Unknown opcodes and SymOpNone give 0, 0.
func (r *DataRequest) VLFLen() (readable, writable uint64) {
	u := func(v uint32) uint64 { return uint64(v) }
	verify := r.Header.Opcode == OpcodeAkcipherVerify
	if r.Stateless {
		keys := !r.SessionMode()
		key := func(v uint32) uint64 {
			if keys {
				return uint64(v)
			}
			return 0
		}
		switch r.Header.Opcode {
		case OpcodeCipherEncrypt, OpcodeCipherDecrypt:
			switch s := &r.SymStateless; s.OpType {
			case SymOpCipher:
				c := &s.Cipher
				return key(c.KeyLen) + u(c.IVLen) + u(c.SrcDataLen), u(c.DstDataLen)
			case SymOpAlgorithmChaining:
				c := &s.Chain
				return key(c.CipherKeyLen) + key(c.AuthKeyLen) + u(c.IVLen) + u(c.AADLen) + u(c.SrcDataLen),
					u(c.DstDataLen) + u(c.HashResultLen)
			}
		case OpcodeHash:
			return u(r.HashStateless.SrcDataLen), u(r.HashStateless.HashResultLen)
		case OpcodeMAC:
			m := &r.MACStateless
			return key(m.AuthKeyLen) + u(m.SrcDataLen), u(m.HashResultLen)
		case OpcodeAEADEncrypt, OpcodeAEADDecrypt:
			a := &r.AEADStateless
			return key(a.KeyLen) + u(a.IVLen) + u(a.SrcDataLen) + u(a.AADLen), u(a.DstDataLen)
		case OpcodeAkcipherEncrypt, OpcodeAkcipherDecrypt, OpcodeAkcipherSign, OpcodeAkcipherVerify:
			a := &r.AkcipherStateless
			if verify {
				return key(a.KeyLen) + u(a.SrcDataLen) + u(a.DstDataLen), 0
			}
			return key(a.KeyLen) + u(a.SrcDataLen), u(a.DstDataLen)
		}
		return 0, 0
	}
	switch r.Header.Opcode {
	case OpcodeCipherEncrypt, OpcodeCipherDecrypt:
		switch r.Sym.OpType {
		case SymOpCipher:
			c := &r.Sym.Cipher
			return u(c.IVLen) + u(c.SrcDataLen), u(c.DstDataLen)
		case SymOpAlgorithmChaining:
			c := &r.Sym.Chain
			return u(c.IVLen) + u(c.SrcDataLen) + u(c.AADLen), u(c.DstDataLen) + u(c.HashResultLen)
		}
	case OpcodeHash:
		return u(r.Hash.SrcDataLen), u(r.Hash.HashResultLen)
	case OpcodeMAC:
		return u(r.MAC.SrcDataLen), u(r.MAC.HashResultLen)
	case OpcodeAEADEncrypt, OpcodeAEADDecrypt:
		a := &r.AEAD
		return u(a.IVLen) + u(a.SrcDataLen) + u(a.AADLen), u(a.DstDataLen)
	case OpcodeAkcipherEncrypt, OpcodeAkcipherDecrypt, OpcodeAkcipherSign, OpcodeAkcipherVerify:
		if verify {
			return u(r.Akcipher.SrcDataLen) + u(r.Akcipher.DstDataLen), 0
		}
		return u(r.Akcipher.SrcDataLen), u(r.Akcipher.DstDataLen)
	}
	return 0, 0
}

// Inhdr is struct virtio_crypto_inhdr: the status byte that ends the
// device-writable part of every data request.
type Inhdr struct {
	Status Status
}

// ParseInhdr decodes the first byte of b.
func ParseInhdr(b []byte) (Inhdr, error) {
	if len(b) < InhdrSize {
		return Inhdr{}, short("virtio_crypto_inhdr", InhdrSize, len(b))
	}
	return Inhdr{Status: Status(b[0])}, nil
}

// Append appends the one-byte encoding of h to b.
func (h Inhdr) Append(b []byte) []byte {
	return append(b, byte(h.Status))
}
