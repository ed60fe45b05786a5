package vhostuser

import (
	"fmt"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// SessionLayout names one of the three payload layouts QEMU has used for
// CREATE_CRYPTO_SESSION (research/qemu-vhost-user-crypto.md §3; QEMU
// hw/virtio/vhost-user.c VhostUserCryptoSession and include/sysemu/cryptodev.h
// CryptoDevBackendSymSessionInfo / CryptoDevBackendAsymSessionInfo, x86-64
// ABI).
type SessionLayout uint8

// Session layouts.
const (
	// LayoutQEMU70 is QEMU ≤ 7.0 (and DPDK ≤ 24.11): 632 bytes,
	// session_id@0, then a sym info that starts with a u32 op_code@8:
	// cipher_alg@12 key_len@16 hash_alg@20 hash_result_len@24
	// auth_key_len@28 add_len@32 op_type@36 direction@37 hash_mode@38
	// alg_chain_order@39, two host pointers @40/@48, key[64]@56,
	// auth_key[512]@120.
	LayoutQEMU70 SessionLayout = iota + 1
	// LayoutQEMU71 is QEMU 7.1–8.0: 632 bytes, session_id@0, cipher_alg@8
	// key_len@12 hash_alg@16 hash_result_len@20 auth_key_len@24 add_len@28
	// op_type@32 direction@33 hash_mode@34 alg_chain_order@35, zero
	// padding@36..39, host pointers @40/@48, key[64]@56, auth_key[512]@120.
	LayoutQEMU71
	// LayoutQEMU81 is QEMU ≥ 8.1: 1072 bytes, u64 op_code@0, a union @8 of
	// the LayoutQEMU71 sym fields (same offsets) and the asym info
	// (algo@8 keytype@12 keylen@16, host pointer @24, rsa.padding_algo@32
	// rsa.hash_algo@36, key[1024]@40), then int64 session_id@1064.
	LayoutQEMU81
)

// String returns a short name of the layout.
func (l SessionLayout) String() string {
	switch l {
	case LayoutQEMU70:
		return "qemu<=7.0"
	case LayoutQEMU71:
		return "qemu7.1-8.0"
	case LayoutQEMU81:
		return "qemu>=8.1"
	}
	return fmt.Sprintf("SessionLayout(%d)", uint8(l))
}

// Size returns the payload size of the layout (0 for an unknown one).
func (l SessionLayout) Size() int {
	switch l {
	case LayoutQEMU70, LayoutQEMU71:
		return SessionSizeLegacy
	case LayoutQEMU81:
		return SessionSize81
	}
	return 0
}

// Sizes and key limits of the session payloads.
const (
	SessionSizeLegacy = 632  // LayoutQEMU70 and LayoutQEMU71
	SessionSize81     = 1072 // LayoutQEMU81
	SymKeyMax         = 64   // VHOST_CRYPTO_SYM_CIPHER_MAX_KEY_LEN
	SymAuthKeyMax     = 512  // VHOST_CRYPTO_SYM_HMAC_MAX_KEY_LEN
	AsymKeyMax        = 1024 // VHOST_CRYPTO_ASYM_MAX_KEY_LEN

	symKeyOff      = 56
	symAuthKeyOff  = 120
	asymKeyOff     = 40
	sessionID81Off = 1064
	// legacyPadOff is the byte that tells LayoutQEMU70 (op_type, 1 or 2)
	// from LayoutQEMU71 (zero padding).
	legacyPadOff = 36
)

// SymSessionInfo is CryptoDevBackendSymSessionInfo plus the key arrays that
// follow it in the message. The host pointers QEMU copies along are not
// kept (they are meaningless here) and are encoded as zero.
type SymSessionInfo struct {
	CipherAlg     uint32 // VIRTIO_CRYPTO_CIPHER_*
	KeyLen        uint32
	HashAlg       uint32 // VIRTIO_CRYPTO_HASH_* or VIRTIO_CRYPTO_MAC_*, per HashMode
	HashResultLen uint32
	AuthKeyLen    uint32
	AADLen        uint32 // add_len
	OpType        uint8  // VIRTIO_CRYPTO_SYM_OP_*
	Direction     uint8  // VIRTIO_CRYPTO_OP_ENCRYPT / DECRYPT
	HashMode      uint8  // VIRTIO_CRYPTO_SYM_HASH_MODE_*
	ChainOrder    uint8  // VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_*
	Key           [SymKeyMax]byte
	AuthKey       [SymAuthKeyMax]byte
}

// AsymSessionInfo is CryptoDevBackendAsymSessionInfo plus the key array of
// the LayoutQEMU81 asym branch. Its parameter union u starts with
// u.rsa.padding_algo and u.rsa.hash_algo; for ECDSA the union's first word
// is u.ecdsa.curve_id (QEMU's CryptoDevBackendEcdsaPara, as in the virtio
// union of struct virtio_crypto_akcipher_create_session_flf), so Curve
// returns PaddingAlgo.
type AsymSessionInfo struct {
	Algo        uint32 // VIRTIO_CRYPTO_AKCIPHER_*
	KeyType     uint32 // VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_*
	KeyLen      uint32
	PaddingAlgo uint32 // u.rsa.padding_algo, or u.ecdsa.curve_id
	HashAlgo    uint32 // u.rsa.hash_algo
	Key         [AsymKeyMax]byte
}

// Curve returns u.ecdsa.curve_id of an ECDSA session.
func (a *AsymSessionInfo) Curve() uint32 { return a.PaddingAlgo }

// CreateSession is a decoded CREATE_CRYPTO_SESSION payload.
type CreateSession struct {
	Layout SessionLayout
	// OpCode is the control opcode (VIRTIO_CRYPTO_*_CREATE_SESSION).
	// LayoutQEMU71 carries none: ParseCreateSession sets
	// CIPHER_CREATE_SESSION and Append ignores it. LayoutQEMU70 carries it
	// as a u32.
	OpCode uint64
	// SessionID is the request's session id field (QEMU sends 0).
	SessionID int64
	// Sym is meaningful unless OpCode is AKCIPHER_CREATE_SESSION.
	Sym SymSessionInfo
	// Asym is meaningful for LayoutQEMU81 with OpCode
	// AKCIPHER_CREATE_SESSION.
	Asym AsymSessionInfo
}

// IsAsym reports whether s is an asymmetric (akcipher) session request.
func (s *CreateSession) IsAsym() bool {
	return s.Layout == LayoutQEMU81 && s.OpCode == uint64(virtiocrypto.OpcodeAkcipherCreateSession)
}

// sessionLayoutOf tells the layout of a payload by its size and, for 632
// bytes, by byte 36 (op_type in LayoutQEMU70, zero padding in LayoutQEMU71).
func sessionLayoutOf(b []byte) (SessionLayout, error) {
	switch len(b) {
	case SessionSizeLegacy:
		if b[legacyPadOff] != 0 {
			return LayoutQEMU70, nil
		}
		return LayoutQEMU71, nil
	case SessionSize81:
		return LayoutQEMU81, nil
	}
	return 0, malformed("crypto session payload of %d bytes (want %d or %d)", len(b), SessionSizeLegacy, SessionSize81)
}

// ParseCreateSession decodes a CREATE_CRYPTO_SESSION payload: 632 bytes
// (LayoutQEMU70 if byte 36 is non-zero, else LayoutQEMU71) or 1072 bytes
// (LayoutQEMU81). Field values are not validated here (see SessionParams);
// the host pointers are skipped.
func ParseCreateSession(b []byte) (CreateSession, error) {
	l, err := sessionLayoutOf(b)
	if err != nil {
		return CreateSession{}, err
	}
	s := CreateSession{Layout: l}
	switch l {
	case LayoutQEMU70:
		s.SessionID = int64(ne.Uint64(b))
		s.OpCode = uint64(ne.Uint32(b[8:]))
		parseSym(&s.Sym, b, 12)
	case LayoutQEMU71:
		s.SessionID = int64(ne.Uint64(b))
		s.OpCode = uint64(virtiocrypto.OpcodeCipherCreateSession)
		parseSym(&s.Sym, b, 8)
	case LayoutQEMU81:
		s.OpCode = ne.Uint64(b)
		s.SessionID = int64(ne.Uint64(b[sessionID81Off:]))
		if s.IsAsym() {
			a := &s.Asym
			a.Algo, a.KeyType, a.KeyLen = ne.Uint32(b[8:]), ne.Uint32(b[12:]), ne.Uint32(b[16:])
			a.PaddingAlgo, a.HashAlgo = ne.Uint32(b[32:]), ne.Uint32(b[36:])
			copy(a.Key[:], b[asymKeyOff:])
		} else {
			parseSym(&s.Sym, b, 8)
		}
	}
	return s, nil
}

// parseSym reads the sym info whose cipher_alg is at offset at (8, or 12
// for LayoutQEMU70); the key arrays are at fixed offsets in every layout.
func parseSym(y *SymSessionInfo, b []byte, at int) {
	y.CipherAlg = ne.Uint32(b[at:])
	y.KeyLen = ne.Uint32(b[at+4:])
	y.HashAlg = ne.Uint32(b[at+8:])
	y.HashResultLen = ne.Uint32(b[at+12:])
	y.AuthKeyLen = ne.Uint32(b[at+16:])
	y.AADLen = ne.Uint32(b[at+20:])
	y.OpType, y.Direction, y.HashMode, y.ChainOrder = b[at+24], b[at+25], b[at+26], b[at+27]
	copy(y.Key[:], b[symKeyOff:])
	copy(y.AuthKey[:], b[symAuthKeyOff:])
}

func putSym(y *SymSessionInfo, b []byte, at int) {
	ne.PutUint32(b[at:], y.CipherAlg)
	ne.PutUint32(b[at+4:], y.KeyLen)
	ne.PutUint32(b[at+8:], y.HashAlg)
	ne.PutUint32(b[at+12:], y.HashResultLen)
	ne.PutUint32(b[at+16:], y.AuthKeyLen)
	ne.PutUint32(b[at+20:], y.AADLen)
	b[at+24], b[at+25], b[at+26], b[at+27] = y.OpType, y.Direction, y.HashMode, y.ChainOrder
	copy(b[symKeyOff:], y.Key[:])
	copy(b[symAuthKeyOff:], y.AuthKey[:])
}

// Append appends the encoding of s in s.Layout (an unknown layout appends
// nothing). Host pointers and padding are zero. For LayoutQEMU70 the
// op_code is written as a u32; a LayoutQEMU70 request whose OpType is 0
// decodes as LayoutQEMU71, as it would from QEMU.
func (s *CreateSession) Append(b []byte) []byte {
	n := s.Layout.Size()
	if n == 0 {
		return b
	}
	start := len(b)
	b = append(b, make([]byte, n)...)
	p := b[start:]
	switch s.Layout {
	case LayoutQEMU70:
		ne.PutUint64(p, uint64(s.SessionID))
		ne.PutUint32(p[8:], uint32(s.OpCode))
		putSym(&s.Sym, p, 12)
	case LayoutQEMU71:
		ne.PutUint64(p, uint64(s.SessionID))
		putSym(&s.Sym, p, 8)
	case LayoutQEMU81:
		ne.PutUint64(p, s.OpCode)
		ne.PutUint64(p[sessionID81Off:], uint64(s.SessionID))
		if s.IsAsym() {
			a := &s.Asym
			ne.PutUint32(p[8:], a.Algo)
			ne.PutUint32(p[12:], a.KeyType)
			ne.PutUint32(p[16:], a.KeyLen)
			ne.PutUint32(p[32:], a.PaddingAlgo)
			ne.PutUint32(p[36:], a.HashAlgo)
			copy(p[asymKeyOff:], a.Key[:])
		} else {
			putSym(&s.Sym, p, 8)
		}
	}
	return b
}

// SessionIDOffset returns the offset of the session id in a payload of
// layout l (0, or 1064 for LayoutQEMU81), or -1 for an unknown layout.
func SessionIDOffset(l SessionLayout) int {
	switch l {
	case LayoutQEMU70, LayoutQEMU71:
		return 0
	case LayoutQEMU81:
		return sessionID81Off
	}
	return -1
}

// AppendSessionReply appends the reply payload to a CREATE_CRYPTO_SESSION
// request payload req: a copy of req, of the same size, with the key arrays
// zeroed and id stored at the layout's session id offset (QEMU reads only
// the id: ≥ 0 is a session, < 0 a failure). It returns ErrMalformed if req
// is not a session payload.
func AppendSessionReply(b, req []byte, id int64) ([]byte, error) {
	l, err := sessionLayoutOf(req)
	if err != nil {
		return b, err
	}
	start := len(b)
	b = append(b, req...)
	p := b[start:]
	if l == LayoutQEMU81 && ne.Uint64(req) == uint64(virtiocrypto.OpcodeAkcipherCreateSession) {
		clear(p[asymKeyOff:sessionID81Off])
	} else {
		clear(p[symKeyOff : symAuthKeyOff+SymAuthKeyMax])
	}
	ne.PutUint64(p[SessionIDOffset(l):], uint64(id))
	return b, nil
}

// ParseSessionReply returns the session id of a CREATE_CRYPTO_SESSION reply
// payload, which must have the size of layout l.
func ParseSessionReply(b []byte, l SessionLayout) (int64, error) {
	if n := l.Size(); n == 0 || len(b) != n {
		return 0, malformed("session reply of %d bytes for layout %v", len(b), l)
	}
	return int64(ne.Uint64(b[SessionIDOffset(l):])), nil
}

// SessionParams translates a session request into engine terms, the same
// way the control queue does (INTERPRETATIONS.md "Chaining";
// cryptodev.AkcipherParams for AKCIPHER sessions, which only LayoutQEMU81
// can carry). The key slices alias s, which must stay unchanged until the
// session is created. Errors wrap cryptodev.ErrUnsupportedOp (opcodes
// other than CIPHER_ and AKCIPHER_CREATE_SESSION, op_type NONE, NESTED hash
// mode) or cryptodev.ErrMalformed (keys longer than their arrays, undefined
// op_type, hash mode or key type); cryptodev.Status maps them to a status.
func (s *CreateSession) SessionParams() (engine.SessionParams, error) {
	var p engine.SessionParams
	if s.IsAsym() {
		return s.asymParams()
	}
	if s.OpCode != uint64(virtiocrypto.OpcodeCipherCreateSession) {
		return p, fmt.Errorf("%w: session opcode %#x", cryptodev.ErrUnsupportedOp, s.OpCode)
	}
	y := &s.Sym
	if y.KeyLen > SymKeyMax || y.AuthKeyLen > SymAuthKeyMax {
		return p, fmt.Errorf("%w: key lengths %d/%d", cryptodev.ErrMalformed, y.KeyLen, y.AuthKeyLen)
	}
	p.Service = engine.ServiceCipher
	if y.KeyLen > 0 {
		p.CipherKey = y.Key[:y.KeyLen]
	}
	switch virtiocrypto.OpType(y.OpType) {
	case virtiocrypto.SymOpCipher:
		p.Cipher, p.Direction = engine.CipherAlg(y.CipherAlg), engine.Direction(y.Direction)
	case virtiocrypto.SymOpAlgorithmChaining:
		p.Chained = true
		p.Order, p.HashMode = engine.ChainOrder(y.ChainOrder), engine.HashMode(y.HashMode)
		p.AADLen = int(y.AADLen)
		p.DigestLen = int(y.HashResultLen)
		if y.CipherAlg != uint32(engine.NoCipher) {
			p.Cipher, p.Direction = engine.CipherAlg(y.CipherAlg), engine.Direction(y.Direction)
		}
		switch engine.HashMode(y.HashMode) {
		case engine.HashModePlain:
			p.Hash = engine.HashAlg(y.HashAlg)
		case engine.HashModeAuth:
			p.MAC = engine.MACAlg(y.HashAlg)
			if y.AuthKeyLen > 0 {
				p.AuthKey = y.AuthKey[:y.AuthKeyLen]
			}
		case engine.HashModeNested:
			return p, fmt.Errorf("%w: nested hash mode", cryptodev.ErrUnsupportedOp)
		default:
			return p, fmt.Errorf("%w: hash mode %d", cryptodev.ErrMalformed, y.HashMode)
		}
	case virtiocrypto.SymOpNone:
		return p, fmt.Errorf("%w: symmetric op_type NONE", cryptodev.ErrUnsupportedOp)
	default:
		return p, fmt.Errorf("%w: symmetric op_type %d", cryptodev.ErrMalformed, y.OpType)
	}
	return p, nil
}

// asymParams translates the asym branch of a LayoutQEMU81 request
// (QEMU hw/virtio/vhost-user.c vhost_user_crypto_create_session copies
// CryptoDevBackendAsymSessionInfo and then keylen key bytes into
// u.asym.key, refusing keys longer than the array).
func (s *CreateSession) asymParams() (engine.SessionParams, error) {
	p := engine.SessionParams{Service: engine.ServiceAKCipher}
	a := &s.Asym
	if a.KeyLen > AsymKeyMax {
		return p, fmt.Errorf("%w: asymmetric key of %d bytes (array of %d)", cryptodev.ErrMalformed, a.KeyLen, AsymKeyMax)
	}
	flf := virtiocrypto.AkcipherSessionParams{Algo: virtiocrypto.AkcipherAlgo(a.Algo), KeyType: virtiocrypto.KeyType(a.KeyType), KeyLen: a.KeyLen}
	switch flf.Algo {
	case virtiocrypto.AkcipherRSA:
		flf.RSA = virtiocrypto.RSAParams{Padding: virtiocrypto.RSAPadding(a.PaddingAlgo), Hash: virtiocrypto.RSAHash(a.HashAlgo)}
	case virtiocrypto.AkcipherECDSA:
		flf.ECDSA = virtiocrypto.ECDSAParams{Curve: virtiocrypto.Curve(a.Curve())}
	}
	var err error
	if p.AK, err = cryptodev.AkcipherParams(&flf); err != nil {
		return p, err
	}
	p.AK.Key = a.Key[:a.KeyLen]
	return p, nil
}

// wipe zeroes the key material of s.
func (s *CreateSession) wipe() {
	clear(s.Sym.Key[:])
	clear(s.Sym.AuthKey[:])
	clear(s.Asym.Key[:])
}
