package engine

import "strconv"

var cipherNames = map[CipherAlg]string{
	NoCipher: "NO_CIPHER", ARC4: "ARC4", AESECB: "AES-ECB", AESCBC: "AES-CBC", AESCTR: "AES-CTR",
	DESECB: "DES-ECB", DESCBC: "DES-CBC", TDESECB: "3DES-ECB", TDESCBC: "3DES-CBC", TDESCTR: "3DES-CTR",
	KASUMIF8: "KASUMI-F8", SNOW3GUEA2: "SNOW3G-UEA2", AESF8: "AES-F8", AESXTS: "AES-XTS", ZUCEEA3: "ZUC-EEA3",
}

var hashNames = map[HashAlg]string{
	NoHash: "NO_HASH", MD5: "MD5", SHA1: "SHA1", SHA224: "SHA-224", SHA256: "SHA-256", SHA384: "SHA-384",
	SHA512: "SHA-512", SHA3_224: "SHA3-224", SHA3_256: "SHA3-256", SHA3_384: "SHA3-384", SHA3_512: "SHA3-512",
	SHAKE128: "SHAKE128", SHAKE256: "SHAKE256",
}

var macNames = map[MACAlg]string{
	NoMAC: "NO_MAC", HMACMD5: "HMAC-MD5", HMACSHA1: "HMAC-SHA1", HMACSHA224: "HMAC-SHA-224",
	HMACSHA256: "HMAC-SHA-256", HMACSHA384: "HMAC-SHA-384", HMACSHA512: "HMAC-SHA-512",
	CMAC3DES: "CMAC-3DES", CMACAES: "CMAC-AES", KASUMIF9: "KASUMI-F9", SNOW3GUIA2: "SNOW3G-UIA2",
	GMACAES: "GMAC-AES", GMACTwofish: "GMAC-Twofish", CBCMACAES: "CBCMAC-AES",
	CBCMACKASUMIF9: "CBCMAC-KASUMI-F9", XCBCAES: "XCBC-AES", ZUCEIA3: "ZUC-EIA3",
}

var aeadNames = map[AEADAlg]string{
	NoAEAD: "NO_AEAD", AESGCM: "AES-GCM", AESCCM: "AES-CCM", ChaCha20Poly1305: "ChaCha20-Poly1305",
}

var serviceNames = map[Service]string{
	ServiceCipher: "CIPHER", ServiceHash: "HASH", ServiceMAC: "MAC", ServiceAEAD: "AEAD", ServiceAKCipher: "AKCIPHER",
}

func name[K ~uint32](m map[K]string, k K) string {
	if s, ok := m[k]; ok {
		return s
	}
	return "unknown(" + strconv.FormatUint(uint64(k), 10) + ")"
}

func (a CipherAlg) String() string { return name(cipherNames, a) }
func (a HashAlg) String() string   { return name(hashNames, a) }
func (a MACAlg) String() string    { return name(macNames, a) }
func (a AEADAlg) String() string   { return name(aeadNames, a) }
func (s Service) String() string   { return name(serviceNames, s) }

// AllCiphers, AllHashes, AllMACs and AllAEADs list every algorithm ID of
// the virtio-crypto tables (without the NO_* values), in ID order.
var (
	AllCiphers = []CipherAlg{ARC4, AESECB, AESCBC, AESCTR, DESECB, DESCBC, TDESECB, TDESCBC, TDESCTR,
		KASUMIF8, SNOW3GUEA2, AESF8, AESXTS, ZUCEEA3}
	AllHashes = []HashAlg{MD5, SHA1, SHA224, SHA256, SHA384, SHA512, SHA3_224, SHA3_256, SHA3_384,
		SHA3_512, SHAKE128, SHAKE256}
	AllMACs = []MACAlg{HMACMD5, HMACSHA1, HMACSHA224, HMACSHA256, HMACSHA384, HMACSHA512, CMAC3DES,
		CMACAES, KASUMIF9, SNOW3GUIA2, GMACAES, GMACTwofish, CBCMACAES, CBCMACKASUMIF9, XCBCAES, ZUCEIA3}
	AllAEADs = []AEADAlg{AESGCM, AESCCM, ChaCha20Poly1305}
)
