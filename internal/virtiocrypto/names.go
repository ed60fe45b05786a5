package virtiocrypto

import "strconv"

// Names. Every String method returns the specification's macro name of the
// value (for example "VIRTIO_CRYPTO_CIPHER_AES_CBC"), or "Type(n)" for a
// value the specification does not define. The tests check each name and
// value against the #define lines of the ratified text.

type entry[T ~uint32 | ~uint8] struct {
	v    T
	name string
}

func lookup[T ~uint32 | ~uint8](tbl []entry[T], v T, typ string) string {
	for _, e := range tbl {
		if e.v == v {
			return e.name
		}
	}
	return typ + "(" + strconv.FormatUint(uint64(v), 10) + ")"
}

func values[T ~uint32 | ~uint8](tbl []entry[T], skipZero bool) []T {
	out := make([]T, 0, len(tbl))
	for _, e := range tbl {
		if skipZero && e.v == 0 {
			continue
		}
		out = append(out, e.v)
	}
	return out
}

var serviceNames = []entry[Service]{
	{ServiceCipher, "VIRTIO_CRYPTO_SERVICE_CIPHER"},
	{ServiceHash, "VIRTIO_CRYPTO_SERVICE_HASH"},
	{ServiceMAC, "VIRTIO_CRYPTO_SERVICE_MAC"},
	{ServiceAEAD, "VIRTIO_CRYPTO_SERVICE_AEAD"},
	{ServiceAkcipher, "VIRTIO_CRYPTO_SERVICE_AKCIPHER"},
	{ServiceIPsec, "VIRTIO_CRYPTO_SERVICE_IPSEC"},
}

var cipherNames = []entry[CipherAlgo]{
	{NoCipher, "VIRTIO_CRYPTO_NO_CIPHER"},
	{CipherARC4, "VIRTIO_CRYPTO_CIPHER_ARC4"},
	{CipherAESECB, "VIRTIO_CRYPTO_CIPHER_AES_ECB"},
	{CipherAESCBC, "VIRTIO_CRYPTO_CIPHER_AES_CBC"},
	{CipherAESCTR, "VIRTIO_CRYPTO_CIPHER_AES_CTR"},
	{CipherDESECB, "VIRTIO_CRYPTO_CIPHER_DES_ECB"},
	{CipherDESCBC, "VIRTIO_CRYPTO_CIPHER_DES_CBC"},
	{Cipher3DESECB, "VIRTIO_CRYPTO_CIPHER_3DES_ECB"},
	{Cipher3DESCBC, "VIRTIO_CRYPTO_CIPHER_3DES_CBC"},
	{Cipher3DESCTR, "VIRTIO_CRYPTO_CIPHER_3DES_CTR"},
	{CipherKASUMIF8, "VIRTIO_CRYPTO_CIPHER_KASUMI_F8"},
	{CipherSNOW3GUEA2, "VIRTIO_CRYPTO_CIPHER_SNOW3G_UEA2"},
	{CipherAESF8, "VIRTIO_CRYPTO_CIPHER_AES_F8"},
	{CipherAESXTS, "VIRTIO_CRYPTO_CIPHER_AES_XTS"},
	{CipherZUCEEA3, "VIRTIO_CRYPTO_CIPHER_ZUC_EEA3"},
}

var hashNames = []entry[HashAlgo]{
	{NoHash, "VIRTIO_CRYPTO_NO_HASH"},
	{HashMD5, "VIRTIO_CRYPTO_HASH_MD5"},
	{HashSHA1, "VIRTIO_CRYPTO_HASH_SHA1"},
	{HashSHA224, "VIRTIO_CRYPTO_HASH_SHA_224"},
	{HashSHA256, "VIRTIO_CRYPTO_HASH_SHA_256"},
	{HashSHA384, "VIRTIO_CRYPTO_HASH_SHA_384"},
	{HashSHA512, "VIRTIO_CRYPTO_HASH_SHA_512"},
	{HashSHA3_224, "VIRTIO_CRYPTO_HASH_SHA3_224"},
	{HashSHA3_256, "VIRTIO_CRYPTO_HASH_SHA3_256"},
	{HashSHA3_384, "VIRTIO_CRYPTO_HASH_SHA3_384"},
	{HashSHA3_512, "VIRTIO_CRYPTO_HASH_SHA3_512"},
	{HashSHA3SHAKE128, "VIRTIO_CRYPTO_HASH_SHA3_SHAKE128"},
	{HashSHA3SHAKE256, "VIRTIO_CRYPTO_HASH_SHA3_SHAKE256"},
}

var macNames = []entry[MACAlgo]{
	{NoMAC, "VIRTIO_CRYPTO_NO_MAC"},
	{MACHMACMD5, "VIRTIO_CRYPTO_MAC_HMAC_MD5"},
	{MACHMACSHA1, "VIRTIO_CRYPTO_MAC_HMAC_SHA1"},
	{MACHMACSHA224, "VIRTIO_CRYPTO_MAC_HMAC_SHA_224"},
	{MACHMACSHA256, "VIRTIO_CRYPTO_MAC_HMAC_SHA_256"},
	{MACHMACSHA384, "VIRTIO_CRYPTO_MAC_HMAC_SHA_384"},
	{MACHMACSHA512, "VIRTIO_CRYPTO_MAC_HMAC_SHA_512"},
	{MACCMAC3DES, "VIRTIO_CRYPTO_MAC_CMAC_3DES"},
	{MACCMACAES, "VIRTIO_CRYPTO_MAC_CMAC_AES"},
	{MACKASUMIF9, "VIRTIO_CRYPTO_MAC_KASUMI_F9"},
	{MACSNOW3GUIA2, "VIRTIO_CRYPTO_MAC_SNOW3G_UIA2"},
	{MACGMACAES, "VIRTIO_CRYPTO_MAC_GMAC_AES"},
	{MACGMACTwofish, "VIRTIO_CRYPTO_MAC_GMAC_TWOFISH"},
	{MACCBCMACAES, "VIRTIO_CRYPTO_MAC_CBCMAC_AES"},
	{MACCBCMACKASUMIF9, "VIRTIO_CRYPTO_MAC_CBCMAC_KASUMI_F9"},
	{MACXCBCAES, "VIRTIO_CRYPTO_MAC_XCBC_AES"},
	{MACZUCEIA3, "VIRTIO_CRYPTO_MAC_ZUC_EIA3"},
}

var aeadNames = []entry[AEADAlgo]{
	{NoAEAD, "VIRTIO_CRYPTO_NO_AEAD"},
	{AEADGCM, "VIRTIO_CRYPTO_AEAD_GCM"},
	{AEADCCM, "VIRTIO_CRYPTO_AEAD_CCM"},
	{AEADChaCha20Poly1305, "VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305"},
}

var akcipherNames = []entry[AkcipherAlgo]{
	{NoAkcipher, "VIRTIO_CRYPTO_NO_AKCIPHER"},
	{AkcipherRSA, "VIRTIO_CRYPTO_AKCIPHER_RSA"},
	{AkcipherECDSA, "VIRTIO_CRYPTO_AKCIPHER_ECDSA"},
}

var keyTypeNames = []entry[KeyType]{
	{KeyTypePublic, "VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC"},
	{KeyTypePrivate, "VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE"},
}

var rsaPaddingNames = []entry[RSAPadding]{
	{RSARawPadding, "VIRTIO_CRYPTO_RSA_RAW_PADDING"},
	{RSAPKCS1Padding, "VIRTIO_CRYPTO_RSA_PKCS1_PADDING"},
}

var rsaHashNames = []entry[RSAHash]{
	{RSANoHash, "VIRTIO_CRYPTO_RSA_NO_HASH"},
	{RSAMD2, "VIRTIO_CRYPTO_RSA_MD2"},
	{RSAMD3, "VIRTIO_CRYPTO_RSA_MD3"},
	{RSAMD4, "VIRTIO_CRYPTO_RSA_MD4"},
	{RSAMD5, "VIRTIO_CRYPTO_RSA_MD5"},
	{RSASHA1, "VIRTIO_CRYPTO_RSA_SHA1"},
	{RSASHA256, "VIRTIO_CRYPTO_RSA_SHA256"},
	{RSASHA384, "VIRTIO_CRYPTO_RSA_SHA384"},
	{RSASHA512, "VIRTIO_CRYPTO_RSA_SHA512"},
	{RSASHA224, "VIRTIO_CRYPTO_RSA_SHA224"},
}

var curveNames = []entry[Curve]{
	{CurveUnknown, "VIRTIO_CRYPTO_CURVE_UNKNOWN"},
	{CurveNISTP192, "VIRTIO_CRYPTO_CURVE_NIST_P192"},
	{CurveNISTP224, "VIRTIO_CRYPTO_CURVE_NIST_P224"},
	{CurveNISTP256, "VIRTIO_CRYPTO_CURVE_NIST_P256"},
	{CurveNISTP384, "VIRTIO_CRYPTO_CURVE_NIST_P384"},
	{CurveNISTP521, "VIRTIO_CRYPTO_CURVE_NIST_P521"},
}

var directionNames = []entry[Direction]{
	{OpEncrypt, "VIRTIO_CRYPTO_OP_ENCRYPT"},
	{OpDecrypt, "VIRTIO_CRYPTO_OP_DECRYPT"},
}

var opTypeNames = []entry[OpType]{
	{SymOpNone, "VIRTIO_CRYPTO_SYM_OP_NONE"},
	{SymOpCipher, "VIRTIO_CRYPTO_SYM_OP_CIPHER"},
	{SymOpAlgorithmChaining, "VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING"},
}

var chainOrderNames = []entry[ChainOrder]{
	{ChainHashThenCipher, "VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER"},
	{ChainCipherThenHash, "VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH"},
}

var hashModeNames = []entry[HashMode]{
	{HashModePlain, "VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN"},
	{HashModeAuth, "VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH"},
	{HashModeNested, "VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED"},
}

var statusNames = []entry[Status]{
	{StatusOK, "VIRTIO_CRYPTO_OK"},
	{StatusErr, "VIRTIO_CRYPTO_ERR"},
	{StatusBadMsg, "VIRTIO_CRYPTO_BADMSG"},
	{StatusNotSupp, "VIRTIO_CRYPTO_NOTSUPP"},
	{StatusInvSess, "VIRTIO_CRYPTO_INVSESS"},
	{StatusNoSpc, "VIRTIO_CRYPTO_NOSPC"},
	{StatusKeyRejected, "VIRTIO_CRYPTO_KEY_REJECTED"},
	{StatusIPsecSASoftExpiry, "VIRTIO_CRYPTO_IPSEC_SA_SOFT_EXPIRY"},
}

var opcodeNames = []entry[Opcode]{
	{OpcodeCipherCreateSession, "VIRTIO_CRYPTO_CIPHER_CREATE_SESSION"},
	{OpcodeCipherDestroySession, "VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION"},
	{OpcodeHashCreateSession, "VIRTIO_CRYPTO_HASH_CREATE_SESSION"},
	{OpcodeHashDestroySession, "VIRTIO_CRYPTO_HASH_DESTROY_SESSION"},
	{OpcodeMACCreateSession, "VIRTIO_CRYPTO_MAC_CREATE_SESSION"},
	{OpcodeMACDestroySession, "VIRTIO_CRYPTO_MAC_DESTROY_SESSION"},
	{OpcodeAEADCreateSession, "VIRTIO_CRYPTO_AEAD_CREATE_SESSION"},
	{OpcodeAEADDestroySession, "VIRTIO_CRYPTO_AEAD_DESTROY_SESSION"},
	{OpcodeAkcipherCreateSession, "VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION"},
	{OpcodeAkcipherDestroySession, "VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION"},
	{OpcodeCipherEncrypt, "VIRTIO_CRYPTO_CIPHER_ENCRYPT"},
	{OpcodeCipherDecrypt, "VIRTIO_CRYPTO_CIPHER_DECRYPT"},
	{OpcodeHash, "VIRTIO_CRYPTO_HASH"},
	{OpcodeMAC, "VIRTIO_CRYPTO_MAC"},
	{OpcodeAEADEncrypt, "VIRTIO_CRYPTO_AEAD_ENCRYPT"},
	{OpcodeAEADDecrypt, "VIRTIO_CRYPTO_AEAD_DECRYPT"},
	{OpcodeAkcipherEncrypt, "VIRTIO_CRYPTO_AKCIPHER_ENCRYPT"},
	{OpcodeAkcipherDecrypt, "VIRTIO_CRYPTO_AKCIPHER_DECRYPT"},
	{OpcodeAkcipherSign, "VIRTIO_CRYPTO_AKCIPHER_SIGN"},
	{OpcodeAkcipherVerify, "VIRTIO_CRYPTO_AKCIPHER_VERIFY"},
	{OpcodeIPsecOutbound, "VIRTIO_CRYPTO_IPSEC_OUTBOUND"},
	{OpcodeIPsecInbound, "VIRTIO_CRYPTO_IPSEC_INBOUND"},
}

// String returns the VIRTIO_CRYPTO_SERVICE_* name of s.
func (s Service) String() string { return lookup(serviceNames, s, "Service") }

// String returns the VIRTIO_CRYPTO_CIPHER_* name of a.
func (a CipherAlgo) String() string { return lookup(cipherNames, a, "CipherAlgo") }

// String returns the VIRTIO_CRYPTO_HASH_* name of a.
func (a HashAlgo) String() string { return lookup(hashNames, a, "HashAlgo") }

// String returns the VIRTIO_CRYPTO_MAC_* name of a.
func (a MACAlgo) String() string { return lookup(macNames, a, "MACAlgo") }

// String returns the VIRTIO_CRYPTO_AEAD_* name of a.
func (a AEADAlgo) String() string { return lookup(aeadNames, a, "AEADAlgo") }

// String returns the VIRTIO_CRYPTO_AKCIPHER_* name of a.
func (a AkcipherAlgo) String() string { return lookup(akcipherNames, a, "AkcipherAlgo") }

// String returns the VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* name of k.
func (k KeyType) String() string { return lookup(keyTypeNames, k, "KeyType") }

// String returns the VIRTIO_CRYPTO_RSA_*_PADDING name of p.
func (p RSAPadding) String() string { return lookup(rsaPaddingNames, p, "RSAPadding") }

// String returns the VIRTIO_CRYPTO_RSA_* hash name of h.
func (h RSAHash) String() string { return lookup(rsaHashNames, h, "RSAHash") }

// String returns the VIRTIO_CRYPTO_CURVE_* name of c.
func (c Curve) String() string { return lookup(curveNames, c, "Curve") }

// String returns the VIRTIO_CRYPTO_OP_* name of d.
func (d Direction) String() string { return lookup(directionNames, d, "Direction") }

// String returns the VIRTIO_CRYPTO_SYM_OP_* name of t.
func (t OpType) String() string { return lookup(opTypeNames, t, "OpType") }

// String returns the VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* name of o.
func (o ChainOrder) String() string { return lookup(chainOrderNames, o, "ChainOrder") }

// String returns the VIRTIO_CRYPTO_SYM_HASH_MODE_* name of m.
func (m HashMode) String() string { return lookup(hashModeNames, m, "HashMode") }

// String returns the VIRTIO_CRYPTO_STATUS name of s (StatusName).
func (s Status) String() string { return lookup(statusNames, s, "Status") }

// String returns the opcode's macro name (OpcodeName).
func (o Opcode) String() string { return lookup(opcodeNames, o, "Opcode") }

// StatusName returns the specification's name of a status, such as
// "VIRTIO_CRYPTO_NOTSUPP", or "Status(n)" for an undefined value.
func StatusName(s Status) string { return s.String() }

// OpcodeName returns the specification's name of a control or data opcode,
// such as "VIRTIO_CRYPTO_CIPHER_CREATE_SESSION", or "Opcode(n)" for an
// undefined value.
func OpcodeName(o Opcode) string { return o.String() }

// KnownCiphers returns the defined cipher algorithms, NoCipher excluded, in
// ascending order. The caller owns the slice.
func KnownCiphers() []CipherAlgo { return values(cipherNames, true) }

// KnownHashes returns the defined hash algorithms, NoHash excluded, in
// ascending order. The caller owns the slice.
func KnownHashes() []HashAlgo { return values(hashNames, true) }

// KnownMACs returns the defined MAC algorithms, NoMAC excluded, in ascending
// order. The caller owns the slice.
func KnownMACs() []MACAlgo { return values(macNames, true) }

// KnownAEADs returns the defined AEAD algorithms, NoAEAD excluded, in
// ascending order. The caller owns the slice.
func KnownAEADs() []AEADAlgo { return values(aeadNames, true) }

// KnownAkciphers returns the defined asymmetric algorithms, NoAkcipher
// excluded, in ascending order. The caller owns the slice.
func KnownAkciphers() []AkcipherAlgo { return values(akcipherNames, true) }

// KnownStatuses returns every defined status in ascending order. The caller
// owns the slice.
func KnownStatuses() []Status { return values(statusNames, false) }

// KnownOpcodes returns every defined control and data opcode (control
// opcodes first). The caller owns the slice.
func KnownOpcodes() []Opcode { return values(opcodeNames, false) }
