package virtiocrypto

import "vcrypto/internal/virtio"

// Crypto device feature bits ("Feature bits"). The STATELESS_MODE bits
// require FeatureRevision1.
const (
	FeatureRevision1             virtio.FeatureBit = 0
	FeatureCipherStatelessMode   virtio.FeatureBit = 1
	FeatureHashStatelessMode     virtio.FeatureBit = 2
	FeatureMACStatelessMode      virtio.FeatureBit = 3
	FeatureAEADStatelessMode     virtio.FeatureBit = 4
	FeatureAkcipherStatelessMode virtio.FeatureBit = 5
)

// StatelessFeature returns the STATELESS_MODE feature bit of service s; ok
// is false for services that have none.
func StatelessFeature(s Service) (bit virtio.FeatureBit, ok bool) {
	switch s {
	case ServiceCipher:
		return FeatureCipherStatelessMode, true
	case ServiceHash:
		return FeatureHashStatelessMode, true
	case ServiceMAC:
		return FeatureMACStatelessMode, true
	case ServiceAEAD:
		return FeatureAEADStatelessMode, true
	case ServiceAkcipher:
		return FeatureAkcipherStatelessMode, true
	}
	return 0, false
}

// Service is a VIRTIO_CRYPTO_SERVICE_* number. It is also the bit number of
// the service in Config.Services.
type Service uint32

// Services ("Supported crypto services").
const (
	ServiceCipher   Service = 0
	ServiceHash     Service = 1
	ServiceMAC      Service = 2
	ServiceAEAD     Service = 3
	ServiceAkcipher Service = 4
	ServiceIPsec    Service = 5
)

// CipherAlgo is a VIRTIO_CRYPTO_CIPHER_* identifier ("CIPHER services"),
// also the bit number in Config.CipherAlgos.
type CipherAlgo uint32

// Cipher algorithms.
const (
	NoCipher         CipherAlgo = 0
	CipherARC4       CipherAlgo = 1
	CipherAESECB     CipherAlgo = 2
	CipherAESCBC     CipherAlgo = 3
	CipherAESCTR     CipherAlgo = 4
	CipherDESECB     CipherAlgo = 5
	CipherDESCBC     CipherAlgo = 6
	Cipher3DESECB    CipherAlgo = 7
	Cipher3DESCBC    CipherAlgo = 8
	Cipher3DESCTR    CipherAlgo = 9
	CipherKASUMIF8   CipherAlgo = 10
	CipherSNOW3GUEA2 CipherAlgo = 11
	CipherAESF8      CipherAlgo = 12
	CipherAESXTS     CipherAlgo = 13
	CipherZUCEEA3    CipherAlgo = 14
)

// HashAlgo is a VIRTIO_CRYPTO_HASH_* identifier ("HASH services"), also the
// bit number in Config.HashAlgos.
type HashAlgo uint32

// Hash algorithms.
const (
	NoHash           HashAlgo = 0
	HashMD5          HashAlgo = 1
	HashSHA1         HashAlgo = 2
	HashSHA224       HashAlgo = 3
	HashSHA256       HashAlgo = 4
	HashSHA384       HashAlgo = 5
	HashSHA512       HashAlgo = 6
	HashSHA3_224     HashAlgo = 7
	HashSHA3_256     HashAlgo = 8
	HashSHA3_384     HashAlgo = 9
	HashSHA3_512     HashAlgo = 10
	HashSHA3SHAKE128 HashAlgo = 11
	HashSHA3SHAKE256 HashAlgo = 12
)

// MACAlgo is a VIRTIO_CRYPTO_MAC_* identifier ("MAC services"), also the bit
// number in Config.MACAlgos.
type MACAlgo uint32

// MAC algorithms.
const (
	NoMAC             MACAlgo = 0
	MACHMACMD5        MACAlgo = 1
	MACHMACSHA1       MACAlgo = 2
	MACHMACSHA224     MACAlgo = 3
	MACHMACSHA256     MACAlgo = 4
	MACHMACSHA384     MACAlgo = 5
	MACHMACSHA512     MACAlgo = 6
	MACCMAC3DES       MACAlgo = 25
	MACCMACAES        MACAlgo = 26
	MACKASUMIF9       MACAlgo = 27
	MACSNOW3GUIA2     MACAlgo = 28
	MACGMACAES        MACAlgo = 41
	MACGMACTwofish    MACAlgo = 42
	MACCBCMACAES      MACAlgo = 49
	MACCBCMACKASUMIF9 MACAlgo = 50
	MACXCBCAES        MACAlgo = 53
	MACZUCEIA3        MACAlgo = 54
)

// AEADAlgo is a VIRTIO_CRYPTO_AEAD_* identifier ("AEAD services"), also the
// bit number in Config.AEADAlgos.
type AEADAlgo uint32

// AEAD algorithms.
const (
	NoAEAD               AEADAlgo = 0
	AEADGCM              AEADAlgo = 1
	AEADCCM              AEADAlgo = 2
	AEADChaCha20Poly1305 AEADAlgo = 3
)

// AkcipherAlgo is a VIRTIO_CRYPTO_AKCIPHER_* identifier ("AKCIPHER
// services"), also the bit number in Config.AkcipherAlgos.
type AkcipherAlgo uint32

// Asymmetric algorithms. AkcipherECDSA has the ratified value 2; Linux's
// header numbers ECDSA 3 (and DSA 2), but no Linux or QEMU code sends it.
const (
	NoAkcipher    AkcipherAlgo = 0
	AkcipherRSA   AkcipherAlgo = 1
	AkcipherECDSA AkcipherAlgo = 2
)

// KeyType is a VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* value.
type KeyType uint32

// AKCIPHER key types.
const (
	KeyTypePublic  KeyType = 1
	KeyTypePrivate KeyType = 2
)

// RSAPadding is a VIRTIO_CRYPTO_RSA_*_PADDING value.
type RSAPadding uint32

// RSA padding methods.
const (
	RSARawPadding   RSAPadding = 0
	RSAPKCS1Padding RSAPadding = 1
)

// RSAHash is a VIRTIO_CRYPTO_RSA_* hash value (the digest named in
// EMSA-PKCS1-v1_5 padding).
type RSAHash uint32

// RSA hash algorithms.
const (
	RSANoHash RSAHash = 0
	RSAMD2    RSAHash = 1
	RSAMD3    RSAHash = 2
	RSAMD4    RSAHash = 3
	RSAMD5    RSAHash = 4
	RSASHA1   RSAHash = 5
	RSASHA256 RSAHash = 6
	RSASHA384 RSAHash = 7
	RSASHA512 RSAHash = 8
	RSASHA224 RSAHash = 9
)

// Curve is a VIRTIO_CRYPTO_CURVE_* value (ECDSA sessions).
type Curve uint32

// ECDSA curves.
const (
	CurveUnknown  Curve = 0
	CurveNISTP192 Curve = 1
	CurveNISTP224 Curve = 2
	CurveNISTP256 Curve = 3
	CurveNISTP384 Curve = 4
	CurveNISTP521 Curve = 5
)

// Direction is a VIRTIO_CRYPTO_OP_* value: the direction of a cipher or AEAD
// session.
type Direction uint32

// Session directions.
const (
	OpEncrypt Direction = 1
	OpDecrypt Direction = 2
)

// OpType is a VIRTIO_CRYPTO_SYM_OP_* value: whether a symmetric session or
// request is a plain cipher or a cipher chained with a hash or MAC.
type OpType uint32

// Symmetric operation types.
const (
	SymOpNone              OpType = 0
	SymOpCipher            OpType = 1
	SymOpAlgorithmChaining OpType = 2
)

// ChainOrder is a VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* value.
type ChainOrder uint32

// Chaining orders.
const (
	ChainHashThenCipher ChainOrder = 1
	ChainCipherThenHash ChainOrder = 2
)

// HashMode is a VIRTIO_CRYPTO_SYM_HASH_MODE_* value: how the chained hash
// is computed, and which struct algo_flf holds.
type HashMode uint32

// Hash modes of a chained session.
const (
	HashModePlain  HashMode = 1
	HashModeAuth   HashMode = 2
	HashModeNested HashMode = 3
)

// Status is a VIRTIO_CRYPTO_STATUS value ("Operation Status"). It travels as
// one byte (struct virtio_crypto_inhdr, destroy-session input) or as le32
// (create-session input).
type Status uint8

// Operation statuses.
const (
	StatusOK                Status = 0
	StatusErr               Status = 1
	StatusBadMsg            Status = 2
	StatusNotSupp           Status = 3
	StatusInvSess           Status = 4
	StatusNoSpc             Status = 5
	StatusKeyRejected       Status = 6
	StatusIPsecSASoftExpiry Status = 7
)

// StatusHWReady is the only defined bit of Config.Status
// (VIRTIO_CRYPTO_S_HW_READY): the device accepts requests.
const StatusHWReady uint32 = 1 << 0

// FlagSessionMode is VIRTIO_CRYPTO_FLAG_SESSION_MODE, the DataHeader.Flag
// bit that selects session mode when a service's stateless mode is
// negotiated. Without VIRTIO_CRYPTO_F_REVISION_1 the flag is ignored.
const FlagSessionMode uint32 = 1

// Opcode is the opcode of a control or data request:
// VIRTIO_CRYPTO_OPCODE(service, op) = service<<8 | op. Control and data
// opcodes do not overlap.
type Opcode uint32

// MakeOpcode is VIRTIO_CRYPTO_OPCODE(service, op).
func MakeOpcode(s Service, op uint8) Opcode {
	return Opcode(uint32(s)<<8 | uint32(op))
}

// Service returns the service part of the opcode (opcode >> 8).
func (o Opcode) Service() Service {
	return Service(o >> 8)
}

// Control-queue opcodes (struct virtio_crypto_ctrl_header).
const (
	OpcodeCipherCreateSession    Opcode = Opcode(ServiceCipher)<<8 | 0x02
	OpcodeCipherDestroySession   Opcode = Opcode(ServiceCipher)<<8 | 0x03
	OpcodeHashCreateSession      Opcode = Opcode(ServiceHash)<<8 | 0x02
	OpcodeHashDestroySession     Opcode = Opcode(ServiceHash)<<8 | 0x03
	OpcodeMACCreateSession       Opcode = Opcode(ServiceMAC)<<8 | 0x02
	OpcodeMACDestroySession      Opcode = Opcode(ServiceMAC)<<8 | 0x03
	OpcodeAEADCreateSession      Opcode = Opcode(ServiceAEAD)<<8 | 0x02
	OpcodeAEADDestroySession     Opcode = Opcode(ServiceAEAD)<<8 | 0x03
	OpcodeAkcipherCreateSession  Opcode = Opcode(ServiceAkcipher)<<8 | 0x04
	OpcodeAkcipherDestroySession Opcode = Opcode(ServiceAkcipher)<<8 | 0x05
)

// Data-queue opcodes (struct virtio_crypto_op_header).
const (
	OpcodeCipherEncrypt   Opcode = Opcode(ServiceCipher)<<8 | 0x00
	OpcodeCipherDecrypt   Opcode = Opcode(ServiceCipher)<<8 | 0x01
	OpcodeHash            Opcode = Opcode(ServiceHash)<<8 | 0x00
	OpcodeMAC             Opcode = Opcode(ServiceMAC)<<8 | 0x00
	OpcodeAEADEncrypt     Opcode = Opcode(ServiceAEAD)<<8 | 0x00
	OpcodeAEADDecrypt     Opcode = Opcode(ServiceAEAD)<<8 | 0x01
	OpcodeAkcipherEncrypt Opcode = Opcode(ServiceAkcipher)<<8 | 0x00
	OpcodeAkcipherDecrypt Opcode = Opcode(ServiceAkcipher)<<8 | 0x01
	OpcodeAkcipherSign    Opcode = Opcode(ServiceAkcipher)<<8 | 0x02
	OpcodeAkcipherVerify  Opcode = Opcode(ServiceAkcipher)<<8 | 0x03
	OpcodeIPsecOutbound   Opcode = Opcode(ServiceIPsec)<<8 | 0x00
	OpcodeIPsecInbound    Opcode = Opcode(ServiceIPsec)<<8 | 0x01
)

// IsCreateSession reports whether o is one of the five create-session
// control opcodes.
func (o Opcode) IsCreateSession() bool {
	switch o {
	case OpcodeCipherCreateSession, OpcodeHashCreateSession, OpcodeMACCreateSession,
		OpcodeAEADCreateSession, OpcodeAkcipherCreateSession:
		return true
	}
	return false
}

// IsDestroySession reports whether o is one of the five destroy-session
// control opcodes.
func (o Opcode) IsDestroySession() bool {
	switch o {
	case OpcodeCipherDestroySession, OpcodeHashDestroySession, OpcodeMACDestroySession,
		OpcodeAEADDestroySession, OpcodeAkcipherDestroySession:
		return true
	}
	return false
}
