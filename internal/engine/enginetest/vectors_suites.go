package enginetest

// Suite names, "source:ALGORITHM". The algorithm part is the engine's
// name of the algorithm (engine.CipherAlg.String() and friends), or the
// Wycheproof file name for Wycheproof suites.
const (
	suiteWPAESGCM     = "wycheproof:aes_gcm"
	suiteWPAESCCM     = "wycheproof:aes_ccm"
	suiteWPChaCha     = "wycheproof:chacha20_poly1305"
	suiteWPAESCMAC    = "wycheproof:aes_cmac"
	suiteWPHMACSHA1   = "wycheproof:hmac_sha1"
	suiteWPHMACSHA224 = "wycheproof:hmac_sha224"
	suiteWPHMACSHA256 = "wycheproof:hmac_sha256"
	suiteWPHMACSHA384 = "wycheproof:hmac_sha384"
	suiteWPHMACSHA512 = "wycheproof:hmac_sha512"
	suiteWPAESXTS     = "wycheproof:aes_xts"
	suiteWPAESGMAC    = "wycheproof:aes_gmac"

	suiteAESECB     = "cavp:AES-ECB"
	suiteAESCBC     = "cavp:AES-CBC"
	suiteAESCTR     = "sp800-38a:AES-CTR"
	suiteAESCTR3686 = "rfc3686:AES-CTR"
	suiteDESECB     = "cavp:DES-ECB"
	suiteDESCBC     = "cavp:DES-CBC"
	suiteTDESECB    = "cavp:3DES-ECB"
	suiteTDESCBC    = "cavp:3DES-CBC"
	suiteSHA1       = "cavp:SHA1"
	suiteSHA224     = "cavp:SHA-224"
	suiteSHA256     = "cavp:SHA-256"
	suiteSHA384     = "cavp:SHA-384"
	suiteSHA512     = "cavp:SHA-512"
	suiteSHA3224    = "cavp:SHA3-224"
	suiteSHA3256    = "cavp:SHA3-256"
	suiteSHA3384    = "cavp:SHA3-384"
	suiteSHA3512    = "cavp:SHA3-512"
	suiteSHAKE128   = "cavp:SHAKE128"
	suiteSHAKE256   = "cavp:SHAKE256"
	suiteCMACAES    = "sp800-38b:CMAC-AES"
	suiteCMAC3DES   = "sp800-38b:CMAC-3DES"
	suiteGCM        = "cavp:AES-GCM"
	suiteGMAC       = "cavp:GMAC-AES"

	suiteARC4       = "rfc6229:ARC4"
	suiteMD5        = "rfc1321:MD5"
	suiteHMACMD5    = "rfc2202:HMAC-MD5"
	suiteHMACSHA1   = "rfc2202:HMAC-SHA1"
	suiteHMACSHA224 = "rfc4231:HMAC-SHA-224"
	suiteHMACSHA256 = "rfc4231:HMAC-SHA-256"
	suiteHMACSHA384 = "rfc4231:HMAC-SHA-384"
	suiteHMACSHA512 = "rfc4231:HMAC-SHA-512"
	suiteXCBC       = "rfc3566:XCBC-AES"
	suiteAESF8      = "rfc3711:AES-F8"
	suiteCCM        = "rfc3610:AES-CCM"
	suiteChaCha     = "rfc8439:ChaCha20-Poly1305"

	suiteKASUMIF8   = "ts35.203:KASUMI-F8"
	suiteKASUMIF9   = "ts35.203:KASUMI-F9"
	suiteSNOW3GUEA2 = "uea2-doc3:SNOW3G-UEA2"
	suiteSNOW3GUIA2 = "uia2-doc3:SNOW3G-UIA2"
	suiteZUCEEA3    = "eea3-doc3:ZUC-EEA3"
	suiteZUCEIA3    = "eia3-doc3:ZUC-EIA3"

	suiteTDESCTR = "dpdk:3DES-CTR"
)

// suiteNames is every suite a loader produces.
var suiteNames = []string{
	suiteWPAESGCM, suiteWPAESCCM, suiteWPChaCha, suiteWPAESCMAC, suiteWPHMACSHA1, suiteWPHMACSHA224,
	suiteWPHMACSHA256, suiteWPHMACSHA384, suiteWPHMACSHA512, suiteWPAESXTS, suiteWPAESGMAC,
	suiteAESECB, suiteAESCBC, suiteAESCTR, suiteAESCTR3686, suiteDESECB, suiteDESCBC, suiteTDESECB,
	suiteTDESCBC, suiteSHA1, suiteSHA224, suiteSHA256, suiteSHA384, suiteSHA512, suiteSHA3224,
	suiteSHA3256, suiteSHA3384, suiteSHA3512, suiteSHAKE128, suiteSHAKE256, suiteCMACAES,
	suiteCMAC3DES, suiteGCM, suiteGMAC,
	suiteARC4, suiteMD5, suiteHMACMD5, suiteHMACSHA1, suiteHMACSHA224, suiteHMACSHA256,
	suiteHMACSHA384, suiteHMACSHA512, suiteXCBC, suiteAESF8, suiteCCM, suiteChaCha,
	suiteKASUMIF8, suiteKASUMIF9, suiteSNOW3GUEA2, suiteSNOW3GUIA2, suiteZUCEEA3, suiteZUCEIA3,
	suiteTDESCTR,
}
