package virtiocrypto

import "vcrypto/internal/virtio"

// Sizes of the control-queue structures, in bytes ("Control Virtqueue" and
// its "Session operation" subsections). The *ParamsSize constants are the
// op_flf sizes under VIRTIO_CRYPTO_F_REVISION_1; without it every op_flf is
// padded to CtrlFLFLegacySize.
const (
	CtrlHeaderSize            = 16 // struct virtio_crypto_ctrl_header
	CtrlFLFLegacySize         = 56 // VIRTIO_CRYPTO_CTRLQ_OP_SPEC_HDR_LEGACY
	CtrlRequestLegacySize     = CtrlHeaderSize + CtrlFLFLegacySize
	CipherSessionParamsSize   = 16 // struct virtio_crypto_cipher_session_flf
	HashSessionParamsSize     = 8  // struct virtio_crypto_hash_create_session_flf
	MACSessionParamsSize      = 16 // struct virtio_crypto_mac_create_session_flf
	ChainSessionParamsSize    = 48 // struct virtio_crypto_alg_chain_session_flf
	SymSessionParamsSize      = 56 // struct virtio_crypto_sym_create_session_flf
	AEADSessionParamsSize     = 24 // struct virtio_crypto_aead_create_session_flf
	AkcipherSessionParamsSize = 56 // struct virtio_crypto_akcipher_create_session_flf
	DestroySessionParamsSize  = 8  // struct virtio_crypto_destroy_session_flf
	CreateSessionInputSize    = 16 // struct virtio_crypto_create_session_input
	DestroySessionInputSize   = 1  // struct virtio_crypto_destroy_session_input
)

// Offsets inside op_flf structures that hold a nested fixed-size area.
const (
	chainAlgoFLFOff     = 24 // alg_chain_session_flf.algo_flf[16]
	chainAlgoFLFSize    = 16 // VIRTIO_CRYPTO_ALG_CHAIN_SESS_OP_SPEC_HDR_SIZE
	symOpFLFSize        = 48 // VIRTIO_CRYPTO_SYM_SESS_OP_SPEC_HDR_SIZE
	akAlgoFLFOff        = 12 // akcipher_create_session_flf.algo_flf[44]
	akAlgoFLFSize       = 44 // VIRTIO_CRYPTO_AKCIPHER_SESS_ALGO_SPEC_HDR_SIZE
	rsaSessionParaSize  = 8  // struct virtio_crypto_rsa_session_para
	ecdsaSessionParaLen = 4  // struct virtio_crypto_ecdsa_session_para (spec)
)

// zeros appends n zero bytes to b (none if n <= 0).
func zeros(b []byte, n int) []byte {
	if n <= 0 {
		return b
	}
	return append(b, make([]byte, n)...)
}

// CtrlHeader is struct virtio_crypto_ctrl_header: opcode@0, algo@4, flag@8,
// reserved@12 (Linux names the last word queue_id; drivers set it to 0).
type CtrlHeader struct {
	Opcode   Opcode
	Algo     uint32 // service-specific algorithm
	Flag     uint32
	Reserved uint32
}

// ParseCtrlHeader decodes a control request header from the first
// CtrlHeaderSize bytes of b.
func ParseCtrlHeader(b []byte) (CtrlHeader, error) {
	if len(b) < CtrlHeaderSize {
		return CtrlHeader{}, short("virtio_crypto_ctrl_header", CtrlHeaderSize, len(b))
	}
	return CtrlHeader{
		Opcode:   Opcode(le.Uint32(b[0:])),
		Algo:     le.Uint32(b[4:]),
		Flag:     le.Uint32(b[8:]),
		Reserved: le.Uint32(b[12:]),
	}, nil
}

// Append appends the CtrlHeaderSize-byte encoding of h to b.
func (h CtrlHeader) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(h.Opcode))
	b = le.AppendUint32(b, h.Algo)
	b = le.AppendUint32(b, h.Flag)
	return le.AppendUint32(b, h.Reserved)
}

// CipherSessionParams is struct virtio_crypto_cipher_session_flf (Linux
// virtio_crypto_cipher_session_para): algo@0, key_len@4, op@8, padding@12.
// op_vlf holds the cipher key (KeyLen bytes).
type CipherSessionParams struct {
	Algo   CipherAlgo
	KeyLen uint32
	Op     Direction
}

// ParseCipherSessionParams decodes the first CipherSessionParamsSize bytes
// of b.
func ParseCipherSessionParams(b []byte) (CipherSessionParams, error) {
	if len(b) < CipherSessionParamsSize {
		return CipherSessionParams{}, short("virtio_crypto_cipher_session_flf", CipherSessionParamsSize, len(b))
	}
	return getCipherSession(b), nil
}

func getCipherSession(b []byte) CipherSessionParams {
	return CipherSessionParams{
		Algo:   CipherAlgo(le.Uint32(b[0:])),
		KeyLen: le.Uint32(b[4:]),
		Op:     Direction(le.Uint32(b[8:])),
	}
}

// Append appends the CipherSessionParamsSize-byte encoding of p to b.
func (p CipherSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.KeyLen)
	b = le.AppendUint32(b, uint32(p.Op))
	return le.AppendUint32(b, 0)
}

// HashSessionParams is struct virtio_crypto_hash_create_session_flf (Linux
// virtio_crypto_hash_session_para, which adds 8 bytes of padding):
// algo@0, hash_result_len@4. A hash session has no op_vlf.
type HashSessionParams struct {
	Algo          HashAlgo
	HashResultLen uint32
}

// ParseHashSessionParams decodes the first HashSessionParamsSize bytes of b.
func ParseHashSessionParams(b []byte) (HashSessionParams, error) {
	if len(b) < HashSessionParamsSize {
		return HashSessionParams{}, short("virtio_crypto_hash_create_session_flf", HashSessionParamsSize, len(b))
	}
	return getHashSession(b), nil
}

func getHashSession(b []byte) HashSessionParams {
	return HashSessionParams{Algo: HashAlgo(le.Uint32(b[0:])), HashResultLen: le.Uint32(b[4:])}
}

// Append appends the HashSessionParamsSize-byte encoding of p to b.
func (p HashSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	return le.AppendUint32(b, p.HashResultLen)
}

// MACSessionParams is struct virtio_crypto_mac_create_session_flf (Linux
// virtio_crypto_mac_session_para): algo@0, hash_result_len@4,
// auth_key_len@8, padding@12. op_vlf holds the key (AuthKeyLen bytes).
type MACSessionParams struct {
	Algo          MACAlgo
	HashResultLen uint32
	AuthKeyLen    uint32
}

// ParseMACSessionParams decodes the first MACSessionParamsSize bytes of b.
func ParseMACSessionParams(b []byte) (MACSessionParams, error) {
	if len(b) < MACSessionParamsSize {
		return MACSessionParams{}, short("virtio_crypto_mac_create_session_flf", MACSessionParamsSize, len(b))
	}
	return getMACSession(b), nil
}

func getMACSession(b []byte) MACSessionParams {
	return MACSessionParams{
		Algo:          MACAlgo(le.Uint32(b[0:])),
		HashResultLen: le.Uint32(b[4:]),
		AuthKeyLen:    le.Uint32(b[8:]),
	}
}

// Append appends the MACSessionParamsSize-byte encoding of p to b.
func (p MACSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.HashResultLen)
	b = le.AppendUint32(b, p.AuthKeyLen)
	return le.AppendUint32(b, 0)
}

// ChainSessionParams is struct virtio_crypto_alg_chain_session_flf (Linux
// virtio_crypto_alg_chain_session_para): alg_chain_order@0, hash_mode@4,
// cipher_hdr@8 (16 bytes), algo_flf@24 (16 bytes), aad_len@40, padding@44.
//
// algo_flf holds a HashSessionParams when HashMode is HashModePlain and a
// MACSessionParams when it is HashModeAuth; Parse fills only the matching
// field and ignores algo_flf for any other mode (HashModeNested has no
// parameters in the spec), and Append writes only the matching field.
// op_vlf holds the cipher key, then for HashModeAuth the MAC key.
type ChainSessionParams struct {
	Order    ChainOrder
	HashMode HashMode
	Cipher   CipherSessionParams
	Hash     HashSessionParams // when HashMode == HashModePlain
	MAC      MACSessionParams  // when HashMode == HashModeAuth
	AADLen   uint32
}

// ParseChainSessionParams decodes the first ChainSessionParamsSize bytes of
// b.
func ParseChainSessionParams(b []byte) (ChainSessionParams, error) {
	if len(b) < ChainSessionParamsSize {
		return ChainSessionParams{}, short("virtio_crypto_alg_chain_session_flf", ChainSessionParamsSize, len(b))
	}
	return getChainSession(b), nil
}

func getChainSession(b []byte) ChainSessionParams {
	p := ChainSessionParams{
		Order:    ChainOrder(le.Uint32(b[0:])),
		HashMode: HashMode(le.Uint32(b[4:])),
		Cipher:   getCipherSession(b[8:]),
		AADLen:   le.Uint32(b[40:]),
	}
	switch p.HashMode {
	case HashModePlain:
		p.Hash = getHashSession(b[chainAlgoFLFOff:])
	case HashModeAuth:
		p.MAC = getMACSession(b[chainAlgoFLFOff:])
	}
	return p
}

// Append appends the ChainSessionParamsSize-byte encoding of p to b.
func (p ChainSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Order))
	b = le.AppendUint32(b, uint32(p.HashMode))
	b = p.Cipher.Append(b)
	switch p.HashMode {
	case HashModePlain:
		b = p.Hash.Append(b)
		b = zeros(b, chainAlgoFLFSize-HashSessionParamsSize)
	case HashModeAuth:
		b = p.MAC.Append(b)
	default:
		b = zeros(b, chainAlgoFLFSize)
	}
	b = le.AppendUint32(b, p.AADLen)
	return le.AppendUint32(b, 0)
}

// SymSessionParams is struct virtio_crypto_sym_create_session_flf (Linux
// virtio_crypto_sym_create_session_req), the op_flf of
// VIRTIO_CRYPTO_CIPHER_CREATE_SESSION: op_flf@0 (48 bytes), op_type@48,
// padding@52. Its size is 56 in both framings.
//
// The 48-byte area holds a CipherSessionParams when OpType is SymOpCipher
// and a ChainSessionParams when it is SymOpAlgorithmChaining; Parse fills
// only the matching field (none for other op types) and Append writes only
// the matching field.
type SymSessionParams struct {
	OpType OpType
	Cipher CipherSessionParams // when OpType == SymOpCipher
	Chain  ChainSessionParams  // when OpType == SymOpAlgorithmChaining
}

// ParseSymSessionParams decodes the first SymSessionParamsSize bytes of b.
func ParseSymSessionParams(b []byte) (SymSessionParams, error) {
	if len(b) < SymSessionParamsSize {
		return SymSessionParams{}, short("virtio_crypto_sym_create_session_flf", SymSessionParamsSize, len(b))
	}
	p := SymSessionParams{OpType: OpType(le.Uint32(b[symOpFLFSize:]))}
	switch p.OpType {
	case SymOpCipher:
		p.Cipher = getCipherSession(b)
	case SymOpAlgorithmChaining:
		p.Chain = getChainSession(b)
	}
	return p, nil
}

// Append appends the SymSessionParamsSize-byte encoding of p to b.
func (p SymSessionParams) Append(b []byte) []byte {
	switch p.OpType {
	case SymOpCipher:
		b = p.Cipher.Append(b)
		b = zeros(b, symOpFLFSize-CipherSessionParamsSize)
	case SymOpAlgorithmChaining:
		b = p.Chain.Append(b)
	default:
		b = zeros(b, symOpFLFSize)
	}
	b = le.AppendUint32(b, uint32(p.OpType))
	return le.AppendUint32(b, 0)
}

// keyLen returns the op_vlf length of a symmetric session request: the
// cipher key, plus the MAC key of an AUTH chain.
func (p SymSessionParams) keyLen() uint64 {
	switch p.OpType {
	case SymOpCipher:
		return uint64(p.Cipher.KeyLen)
	case SymOpAlgorithmChaining:
		n := uint64(p.Chain.Cipher.KeyLen)
		if p.Chain.HashMode == HashModeAuth {
			n += uint64(p.Chain.MAC.AuthKeyLen)
		}
		return n
	}
	return 0
}

// AEADSessionParams is struct virtio_crypto_aead_create_session_flf (Linux
// virtio_crypto_aead_session_para, which calls tag_len hash_result_len):
// algo@0, key_len@4, tag_len@8, aad_len@12, op@16, padding@20. op_vlf holds
// the key.
type AEADSessionParams struct {
	Algo   AEADAlgo
	KeyLen uint32
	TagLen uint32
	AADLen uint32
	Op     Direction
}

// ParseAEADSessionParams decodes the first AEADSessionParamsSize bytes of b.
func ParseAEADSessionParams(b []byte) (AEADSessionParams, error) {
	if len(b) < AEADSessionParamsSize {
		return AEADSessionParams{}, short("virtio_crypto_aead_create_session_flf", AEADSessionParamsSize, len(b))
	}
	return AEADSessionParams{
		Algo:   AEADAlgo(le.Uint32(b[0:])),
		KeyLen: le.Uint32(b[4:]),
		TagLen: le.Uint32(b[8:]),
		AADLen: le.Uint32(b[12:]),
		Op:     Direction(le.Uint32(b[16:])),
	}, nil
}

// Append appends the AEADSessionParamsSize-byte encoding of p to b.
func (p AEADSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, p.KeyLen)
	b = le.AppendUint32(b, p.TagLen)
	b = le.AppendUint32(b, p.AADLen)
	b = le.AppendUint32(b, uint32(p.Op))
	return le.AppendUint32(b, 0)
}

// RSAParams is struct virtio_crypto_rsa_session_para: padding_algo@0,
// hash_algo@4.
type RSAParams struct {
	Padding RSAPadding
	Hash    RSAHash
}

// ECDSAParams is struct virtio_crypto_ecdsa_session_para: curve_id@0 (Linux
// adds 4 bytes of padding).
type ECDSAParams struct {
	Curve Curve
}

// getAkPara fills the RSA or ECDSA parameters of algo from the 8-byte union
// at b.
func getAkPara(algo AkcipherAlgo, b []byte) (rsa RSAParams, ecdsa ECDSAParams) {
	switch algo {
	case AkcipherRSA:
		rsa = RSAParams{Padding: RSAPadding(le.Uint32(b[0:])), Hash: RSAHash(le.Uint32(b[4:]))}
	case AkcipherECDSA:
		ecdsa = ECDSAParams{Curve: Curve(le.Uint32(b[0:]))}
	}
	return rsa, ecdsa
}

// appendAkPara appends the 8-byte RSA/ECDSA union for algo.
func appendAkPara(b []byte, algo AkcipherAlgo, rsa RSAParams, ecdsa ECDSAParams) []byte {
	switch algo {
	case AkcipherRSA:
		b = le.AppendUint32(b, uint32(rsa.Padding))
		return le.AppendUint32(b, uint32(rsa.Hash))
	case AkcipherECDSA:
		b = le.AppendUint32(b, uint32(ecdsa.Curve))
		return le.AppendUint32(b, 0)
	}
	return zeros(b, rsaSessionParaSize)
}

// AkcipherSessionParams is struct virtio_crypto_akcipher_create_session_flf
// (Linux virtio_crypto_akcipher_create_session_req): algo@0, key_type@4,
// key_len@8, algo_flf@12 (44 bytes). Its size is 56 in both framings.
//
// algo_flf holds RSAParams for AkcipherRSA and ECDSAParams for
// AkcipherECDSA; Parse fills only the matching field (none for other
// algorithms) and Append writes only the matching field. op_vlf holds the
// DER key.
type AkcipherSessionParams struct {
	Algo    AkcipherAlgo
	KeyType KeyType
	KeyLen  uint32
	RSA     RSAParams   // when Algo == AkcipherRSA
	ECDSA   ECDSAParams // when Algo == AkcipherECDSA
}

// ParseAkcipherSessionParams decodes the first AkcipherSessionParamsSize
// bytes of b.
func ParseAkcipherSessionParams(b []byte) (AkcipherSessionParams, error) {
	if len(b) < AkcipherSessionParamsSize {
		return AkcipherSessionParams{}, short("virtio_crypto_akcipher_create_session_flf", AkcipherSessionParamsSize, len(b))
	}
	p := AkcipherSessionParams{
		Algo:    AkcipherAlgo(le.Uint32(b[0:])),
		KeyType: KeyType(le.Uint32(b[4:])),
		KeyLen:  le.Uint32(b[8:]),
	}
	p.RSA, p.ECDSA = getAkPara(p.Algo, b[akAlgoFLFOff:])
	return p, nil
}

// Append appends the AkcipherSessionParamsSize-byte encoding of p to b.
func (p AkcipherSessionParams) Append(b []byte) []byte {
	b = le.AppendUint32(b, uint32(p.Algo))
	b = le.AppendUint32(b, uint32(p.KeyType))
	b = le.AppendUint32(b, p.KeyLen)
	b = appendAkPara(b, p.Algo, p.RSA, p.ECDSA)
	return zeros(b, akAlgoFLFSize-rsaSessionParaSize)
}

// DestroySessionParams is struct virtio_crypto_destroy_session_flf (Linux
// virtio_crypto_destroy_session_req): session_id@0 (le64).
type DestroySessionParams struct {
	SessionID uint64
}

// ParseDestroySessionParams decodes the first DestroySessionParamsSize bytes
// of b.
func ParseDestroySessionParams(b []byte) (DestroySessionParams, error) {
	if len(b) < DestroySessionParamsSize {
		return DestroySessionParams{}, short("virtio_crypto_destroy_session_flf", DestroySessionParamsSize, len(b))
	}
	return DestroySessionParams{SessionID: le.Uint64(b)}, nil
}

// Append appends the DestroySessionParamsSize-byte encoding of p to b.
func (p DestroySessionParams) Append(b []byte) []byte {
	return le.AppendUint64(b, p.SessionID)
}

// CreateSessionInput is struct virtio_crypto_create_session_input (Linux
// virtio_crypto_session_input), the device-writable outcome of a
// create-session request: session_id@0 (le64), status@8 (le32),
// padding@12. SessionID is meaningful only when Status is StatusOK.
type CreateSessionInput struct {
	SessionID uint64
	Status    Status
}

// ParseCreateSessionInput decodes the first CreateSessionInputSize bytes of
// b. A status word above 255 gives ErrBadStatus.
func ParseCreateSessionInput(b []byte) (CreateSessionInput, error) {
	if len(b) < CreateSessionInputSize {
		return CreateSessionInput{}, short("virtio_crypto_create_session_input", CreateSessionInputSize, len(b))
	}
	st := le.Uint32(b[8:])
	if st > 0xff {
		return CreateSessionInput{}, ErrBadStatus
	}
	return CreateSessionInput{SessionID: le.Uint64(b), Status: Status(st)}, nil
}

// Append appends the CreateSessionInputSize-byte encoding of in to b.
func (in CreateSessionInput) Append(b []byte) []byte {
	b = le.AppendUint64(b, in.SessionID)
	b = le.AppendUint32(b, uint32(in.Status))
	return le.AppendUint32(b, 0)
}

// DestroySessionInput is struct virtio_crypto_destroy_session_input, the
// device-writable outcome of a destroy-session request: status@0 (u8).
type DestroySessionInput struct {
	Status Status
}

// ParseDestroySessionInput decodes the first byte of b.
func ParseDestroySessionInput(b []byte) (DestroySessionInput, error) {
	if len(b) < DestroySessionInputSize {
		return DestroySessionInput{}, short("virtio_crypto_destroy_session_input", DestroySessionInputSize, len(b))
	}
	return DestroySessionInput{Status: Status(b[0])}, nil
}

// Append appends the one-byte encoding of in to b.
func (in DestroySessionInput) Append(b []byte) []byte {
	return append(b, byte(in.Status))
}

// CtrlFLFLen returns the length of op_flf in a control request with opcode
// op under the negotiated crypto feature word features. Without
// FeatureRevision1 it is CtrlFLFLegacySize for every opcode; with it, the
// size of the op's own struct, and ErrUnknownOpcode for an opcode that has
// none.
func CtrlFLFLen(op Opcode, features uint64) (int, error) {
	if !virtio.Has(features, FeatureRevision1) {
		return CtrlFLFLegacySize, nil
	}
	switch op {
	case OpcodeCipherCreateSession:
		return SymSessionParamsSize, nil
	case OpcodeHashCreateSession:
		return HashSessionParamsSize, nil
	case OpcodeMACCreateSession:
		return MACSessionParamsSize, nil
	case OpcodeAEADCreateSession:
		return AEADSessionParamsSize, nil
	case OpcodeAkcipherCreateSession:
		return AkcipherSessionParamsSize, nil
	}
	if op.IsDestroySession() {
		return DestroySessionParamsSize, nil
	}
	return 0, ErrUnknownOpcode
}

// CtrlOutcomeLen returns the size of the device-writable outcome of a
// control request with opcode op: CreateSessionInputSize for a create,
// DestroySessionInputSize for a destroy, 0 for an unknown opcode.
func CtrlOutcomeLen(op Opcode) int {
	switch {
	case op.IsCreateSession():
		return CreateSessionInputSize
	case op.IsDestroySession():
		return DestroySessionInputSize
	}
	return 0
}

// CtrlRequest is the device-readable fixed part of a control request: the
// header and the op_flf selected by Header.Opcode. Only the field that
// matches the opcode is meaningful; the others are zero.
type CtrlRequest struct {
	Header   CtrlHeader
	Sym      SymSessionParams      // OpcodeCipherCreateSession
	Hash     HashSessionParams     // OpcodeHashCreateSession
	MAC      MACSessionParams      // OpcodeMACCreateSession
	AEAD     AEADSessionParams     // OpcodeAEADCreateSession
	Akcipher AkcipherSessionParams // OpcodeAkcipherCreateSession
	Destroy  DestroySessionParams  // any *_DESTROY_SESSION opcode
}

// ParseCtrlRequest decodes the header and op_flf at the start of b, framed
// as features dictates (see CtrlFLFLen), and returns the number of bytes
// they occupy: op_vlf starts at b[n:].
//
// For an opcode it does not know it returns ErrUnknownOpcode with
// r.Header filled in, so that the caller can answer NOTSUPP.
func ParseCtrlRequest(b []byte, features uint64) (r CtrlRequest, n int, err error) {
	if r.Header, err = ParseCtrlHeader(b); err != nil {
		return CtrlRequest{}, 0, err
	}
	flf, err := CtrlFLFLen(r.Header.Opcode, features)
	if err != nil {
		return r, CtrlHeaderSize, err
	}
	n = CtrlHeaderSize + flf
	if len(b) < n {
		return r, CtrlHeaderSize, short(r.Header.Opcode.String()+" request", n, len(b))
	}
	p := b[CtrlHeaderSize:n]
	switch op := r.Header.Opcode; {
	case op == OpcodeCipherCreateSession:
		r.Sym, err = ParseSymSessionParams(p)
	case op == OpcodeHashCreateSession:
		r.Hash, err = ParseHashSessionParams(p)
	case op == OpcodeMACCreateSession:
		r.MAC, err = ParseMACSessionParams(p)
	case op == OpcodeAEADCreateSession:
		r.AEAD, err = ParseAEADSessionParams(p)
	case op == OpcodeAkcipherCreateSession:
		r.Akcipher, err = ParseAkcipherSessionParams(p)
	case op.IsDestroySession():
		r.Destroy, err = ParseDestroySessionParams(p)
	default:
		err = ErrUnknownOpcode
	}
	return r, n, err
}

// Append appends the header and op_flf of r to b, framed as features
// dictates: op_flf is padded with zeros to CtrlFLFLegacySize without
// FeatureRevision1. For an unknown opcode the op_flf is all zeros (legacy)
// or empty (REVISION_1).
func (r *CtrlRequest) Append(b []byte, features uint64) []byte {
	b = r.Header.Append(b)
	start := len(b)
	switch op := r.Header.Opcode; {
	case op == OpcodeCipherCreateSession:
		b = r.Sym.Append(b)
	case op == OpcodeHashCreateSession:
		b = r.Hash.Append(b)
	case op == OpcodeMACCreateSession:
		b = r.MAC.Append(b)
	case op == OpcodeAEADCreateSession:
		b = r.AEAD.Append(b)
	case op == OpcodeAkcipherCreateSession:
		b = r.Akcipher.Append(b)
	case op.IsDestroySession():
		b = r.Destroy.Append(b)
	}
	if !virtio.Has(features, FeatureRevision1) {
		b = zeros(b, CtrlFLFLegacySize-(len(b)-start))
	}
	return b
}

// VLFLen returns the length of the request's op_vlf (the keys that follow
// op_flf in the device-readable part): the cipher key and, for an AUTH
// chain, the MAC key of a symmetric session; the MAC key; the AEAD key; the
// asymmetric key; 0 for hash sessions, destroys and unknown opcodes.
func (r *CtrlRequest) VLFLen() uint64 {
	switch r.Header.Opcode {
	case OpcodeCipherCreateSession:
		return r.Sym.keyLen()
	case OpcodeMACCreateSession:
		return uint64(r.MAC.AuthKeyLen)
	case OpcodeAEADCreateSession:
		return uint64(r.AEAD.KeyLen)
	case OpcodeAkcipherCreateSession:
		return uint64(r.Akcipher.KeyLen)
	}
	return 0
}
