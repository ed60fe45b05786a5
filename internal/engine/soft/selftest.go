package soft

import (
	"encoding/hex"
	"fmt"

	"vcrypto/internal/engine"
)

// kat is one known-answer test run through a session at engine start.
type kat struct {
	name   string
	params engine.SessionParams
	key    string // hex; CipherKey, or AuthKey for HASH/MAC services
	dir    engine.Direction
	iv     string
	aad    string
	in     string
	out    string // expected Dst (cipher/AEAD) or Digest (hash/MAC)
}

// selfTests are published vectors, one or more per implementation the
// engine uses. The sources are cited per entry.
var selfTests = []kat{
	{ // NIST SP 800-38A F.1.1 ECB-AES128.Encrypt, block #1
		name:   "AES-128-ECB",
		params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESECB, Direction: engine.Encrypt},
		key:    "2b7e151628aed2a6abf7158809cf4f3c", dir: engine.Encrypt,
		in: "6bc1bee22e409f96e93d7e117393172a", out: "3ad77bb40d7a3660a89ecaf32466ef97",
	},
	{ // NIST SP 800-38A F.2.2 CBC-AES128.Decrypt, block #1
		name:   "AES-128-CBC",
		params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, Direction: engine.Decrypt},
		key:    "2b7e151628aed2a6abf7158809cf4f3c", dir: engine.Decrypt, iv: "000102030405060708090a0b0c0d0e0f",
		in: "7649abac8119b246cee98e9b12e9197d", out: "6bc1bee22e409f96e93d7e117393172a",
	},
	{ // NIST SP 800-38A F.5.1 CTR-AES128.Encrypt, block #1
		name:   "AES-128-CTR",
		params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCTR, Direction: engine.Encrypt},
		key:    "2b7e151628aed2a6abf7158809cf4f3c", dir: engine.Encrypt, iv: "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
		in: "6bc1bee22e409f96e93d7e117393172a", out: "874d6191b620e3261bef6864990db6ce",
	},
	{ // IEEE 1619-2007 Annex B, XTS-AES-128 vector 2 (data unit 0x3333333333)
		name:   "AES-XTS",
		params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESXTS, Direction: engine.Encrypt},
		key:    "11111111111111111111111111111111" + "22222222222222222222222222222222", dir: engine.Encrypt,
		iv:  "33333333330000000000000000000000",
		in:  "4444444444444444444444444444444444444444444444444444444444444444",
		out: "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0",
	},
	{ // RFC 3711 Appendix B.1 (AES-f8); key = k_e ‖ k_s
		name:   "AES-F8",
		params: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESF8, Direction: engine.Encrypt},
		key:    "234829008467be186c3de14aae72d62c32f2870d", dir: engine.Encrypt,
		iv:  "006e5cba50681de55c621599d462564a",
		in:  hex.EncodeToString([]byte("pseudorandomness is the next best thing")),
		out: "019ce7a26e7854014a6366aa95d4eefd1ad4172a14f9faf455b7f1d4b62bd08f562c0eef7c4802",
	},
	{ // FIPS 180-4 example "abc" (NIST CSRC example values)
		name:   "SHA-256",
		params: engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32},
		in:     hex.EncodeToString([]byte("abc")), out: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	},
	{ // RFC 4231 §4.2 test case 1
		name:   "HMAC-SHA-256",
		params: engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, DigestLen: 32},
		key:    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", in: hex.EncodeToString([]byte("Hi There")),
		out: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	},
	{ // RFC 4493 §4 example 2
		name:   "CMAC-AES",
		params: engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.CMACAES, DigestLen: 16},
		key:    "2b7e151628aed2a6abf7158809cf4f3c", in: "6bc1bee22e409f96e93d7e117393172a",
		out: "070a16b46b4d4144f79bdd9dd04a287c",
	},
	{ // RFC 3566 §4.6 test case #2 (3-byte message)
		name:   "XCBC-AES",
		params: engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.XCBCAES, DigestLen: 16},
		key:    "000102030405060708090a0b0c0d0e0f", in: "000102",
		out: "5b376580ae2f19afe7219ceef172756f",
	},
	{ // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 2
		name:   "AES-GCM",
		params: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, Direction: engine.Encrypt, DigestLen: 16},
		key:    "00000000000000000000000000000000", dir: engine.Encrypt, iv: "000000000000000000000000",
		in:  "00000000000000000000000000000000",
		out: "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf",
	},
	{ // same vector through the J0 path: J0 = IV ‖ 00000001 (SP 800-38D §7.1)
		name:   "AES-GCM-J0",
		params: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, Direction: engine.Encrypt, DigestLen: 16},
		key:    "00000000000000000000000000000000", dir: engine.Encrypt, iv: "00000000000000000000000000000001",
		in:  "00000000000000000000000000000000",
		out: "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf",
	},
	{ // RFC 3610 §8 packet vector #1
		name:   "AES-CCM",
		params: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESCCM, Direction: engine.Encrypt, DigestLen: 8},
		key:    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", dir: engine.Encrypt, iv: "00000003020100a0a1a2a3a4a5",
		aad: "0001020304050607", in: "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
		out: "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384" + "17e8d12cfdf926e0",
	},
	{ // RFC 8439 §2.8.2
		name:   "ChaCha20-Poly1305",
		params: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.ChaCha20Poly1305, Direction: engine.Encrypt, DigestLen: 16},
		key:    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", dir: engine.Encrypt,
		iv:  "070000004041424344454647",
		aad: "50515253c0c1c2c3c4c5c6c7",
		in:  hex.EncodeToString([]byte("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")),
		out: "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" +
			"1ae10b594f09e26a7e902ecbd0600691",
	},
}

// selfTestHook lets tests corrupt the self-test to prove a failing engine
// refuses to start.
var selfTestHook func(k *kat)

func selfTest(e *Engine) error {
	for _, k := range selfTests {
		if selfTestHook != nil {
			selfTestHook(&k)
		}
		if err := runKAT(e, k); err != nil {
			return fmt.Errorf("%w: %s: %v", engine.ErrSelfTest, k.name, err)
		}
	}
	return akSelfTest(e)
}

func runKAT(e *Engine, k kat) error {
	key, iv, aad, in, want := unhex(k.key), unhex(k.iv), unhex(k.aad), unhex(k.in), unhex(k.out)
	p := k.params
	switch p.Service {
	case engine.ServiceHash, engine.ServiceMAC:
		p.AuthKey = key
	default:
		p.CipherKey = key
	}
	s, err := e.NewSession(&p)
	if err != nil {
		return err
	}
	defer s.Close()
	op := engine.Op{Dir: k.dir, IV: iv, AAD: aad, Src: in}
	var got []byte
	switch p.Service {
	case engine.ServiceHash, engine.ServiceMAC:
		op.Digest = make([]byte, len(want))
		got = op.Digest
	default:
		op.Dst = make([]byte, len(want))
		got = op.Dst
	}
	if err := s.Do(&op); err != nil {
		return err
	}
	if !constantTimeEqual(got, want) {
		return fmt.Errorf("wrong answer")
	}
	return nil
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("soft: bad hex in self-test table: " + s)
	}
	return b
}
