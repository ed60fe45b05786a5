package vhostuser

import (
	"bytes"
	"errors"
	"testing"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// qemu72Request is the CREATE_CRYPTO_SESSION payload QEMU 7.2.22 sent for
// the Linux 6.1 cbc(aes) self-test (AES-128, encrypt session), as captured on
// the wire and written down in research/qemu-vhost-user-crypto.md §3.1
// (offsets checked there against VhostUserCryptoSession and
// CryptoDevBackendSymSessionInfo of QEMU 7.2). The key is the one of
// RFC 3602 §4 case #1, which the kernel self-test uses. Bytes 64..631 are
// zero.
func qemu72Request() []byte {
	b := make([]byte, 632)
	copy(b, unhex(""+
		"0000000000000000"+ // +000 session_id = 0
		"03000000"+"10000000"+ // +008 cipher_alg = 3 (AES_CBC), key_len = 16
		"00000000000000000000000000000000"+ // +016..+031 hash_alg, hash_result_len, auth_key_len, add_len
		"01010000"+"00000000"+ // +032 op_type = 1, direction = 1, hash_mode, chain order; padding
		"3005f688d27f0000"+ // +040 QEMU heap pointer (cipher_key)
		"0000000000000000"+ // +048 auth_key pointer
		"06a9214036b8a15b512e03d534120006")) // +056 key
	return b
}

func TestSessionQEMU72Wire(t *testing.T) {
	req := qemu72Request()
	s, err := ParseCreateSession(req)
	if err != nil {
		t.Fatal(err)
	}
	key := unhex("06a9214036b8a15b512e03d534120006")
	if s.Layout != LayoutQEMU71 || s.SessionID != 0 || s.OpCode != uint64(virtiocrypto.OpcodeCipherCreateSession) ||
		s.Sym.CipherAlg != 3 || s.Sym.KeyLen != 16 || s.Sym.OpType != 1 || s.Sym.Direction != 1 ||
		s.Sym.HashMode != 0 || s.Sym.ChainOrder != 0 || !bytes.Equal(s.Sym.Key[:16], key) {
		t.Fatalf("parsed %+v", s.Sym)
	}
	p, err := s.SessionParams()
	if err != nil {
		t.Fatal(err)
	}
	if p.Service != engine.ServiceCipher || p.Cipher != engine.AESCBC || p.Direction != engine.Encrypt ||
		!bytes.Equal(p.CipherKey, key) || p.Chained || p.AuthKey != nil {
		t.Fatalf("params %+v", p)
	}
	// The reply: same size, id at offset 0, keys cleared, the rest echoed.
	reply, err := AppendSessionReply(nil, req, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(req)
	copy(want, (&enc{}).u64(7).b)
	clear(want[56:])
	if !bytes.Equal(reply, want) {
		t.Fatalf("reply %x", reply[:64])
	}
	if id, err := ParseSessionReply(reply, LayoutQEMU71); err != nil || id != 7 {
		t.Fatal(id, err)
	}
	// A refusal: a negative id.
	reply, _ = AppendSessionReply(nil, req, -1)
	if id, _ := ParseSessionReply(reply, LayoutQEMU71); id != -1 {
		t.Fatal(id)
	}
}

// TestSessionLayoutOffsets builds each layout field by field at the offsets
// of the QEMU structures (VhostUserCryptoSession in hw/virtio/vhost-user.c
// of QEMU ≤ 7.0, 7.1–8.0 and ≥ 8.1, with CryptoDevBackendSymSessionInfo /
// CryptoDevBackendAsymSessionInfo of include/sysemu/cryptodev.h; x86-64
// ABI, see research/qemu-vhost-user-crypto.md §3.1–3.3).
func TestSessionLayoutOffsets(t *testing.T) {
	put32 := func(b []byte, off int, v uint32) { ne.PutUint32(b[off:], v) }
	put64 := func(b []byte, off int, v uint64) { ne.PutUint64(b[off:], v) }
	authKey := bytes.Repeat([]byte{0xa5}, 20)
	key := bytes.Repeat([]byte{0x3c}, 32)

	t.Run("qemu<=7.0", func(t *testing.T) {
		b := make([]byte, 632)
		put64(b, 0, 0)
		put32(b, 8, uint32(virtiocrypto.OpcodeCipherCreateSession)) // op_code
		put32(b, 12, 3)                                             // cipher_alg AES_CBC
		put32(b, 16, 32)                                            // key_len
		put32(b, 20, 2)                                             // hash_alg HMAC_SHA1
		put32(b, 24, 20)                                            // hash_result_len
		put32(b, 28, 20)                                            // auth_key_len
		put32(b, 32, 0)                                             // add_len
		b[36], b[37], b[38], b[39] = 2, 2, 2, 1                     // op_type CHAIN, decrypt, AUTH, HASH_THEN_CIPHER
		put64(b, 40, 0x7f0011223344)                                // pointers, ignored
		copy(b[56:], key)
		copy(b[120:], authKey)
		s, err := ParseCreateSession(b)
		if err != nil || s.Layout != LayoutQEMU70 {
			t.Fatal(s.Layout, err)
		}
		y := s.Sym
		if s.OpCode != 2 || y.CipherAlg != 3 || y.KeyLen != 32 || y.HashAlg != 2 || y.HashResultLen != 20 ||
			y.AuthKeyLen != 20 || y.OpType != 2 || y.Direction != 2 || y.HashMode != 2 || y.ChainOrder != 1 ||
			!bytes.Equal(y.Key[:32], key) || !bytes.Equal(y.AuthKey[:20], authKey) {
			t.Fatalf("%+v", y)
		}
		p, err := s.SessionParams()
		if err != nil || !p.Chained || p.MAC != engine.HMACSHA1 || p.HashMode != engine.HashModeAuth ||
			p.Order != engine.HashThenCipher || p.DigestLen != 20 || !bytes.Equal(p.AuthKey, authKey) ||
			p.Cipher != engine.AESCBC || p.Direction != engine.Decrypt || !bytes.Equal(p.CipherKey, key) {
			t.Fatalf("%+v %v", p, err)
		}
		checkReencode(t, &s, b, 40, 56)
	})
	t.Run("qemu7.1-8.0", func(t *testing.T) {
		b := make([]byte, 632)
		put64(b, 0, 0)
		put32(b, 8, 3)                          // cipher_alg
		put32(b, 12, 32)                        // key_len
		put32(b, 16, 1)                         // hash_alg MD5 (plain)
		put32(b, 20, 12)                        // hash_result_len
		put32(b, 28, 16)                        // add_len
		b[32], b[33], b[34], b[35] = 2, 1, 1, 2 // CHAIN, encrypt, PLAIN, CIPHER_THEN_HASH
		copy(b[56:], key)
		s, err := ParseCreateSession(b)
		if err != nil || s.Layout != LayoutQEMU71 {
			t.Fatal(s.Layout, err)
		}
		p, err := s.SessionParams()
		if err != nil || !p.Chained || p.Hash != engine.MD5 || p.HashMode != engine.HashModePlain ||
			p.Order != engine.CipherThenHash || p.DigestLen != 12 || p.AADLen != 16 || p.AuthKey != nil {
			t.Fatalf("%+v %v", p, err)
		}
		checkReencode(t, &s, b, 40, 56)
	})
	t.Run("qemu>=8.1 sym", func(t *testing.T) {
		b := make([]byte, 1072)
		put64(b, 0, uint64(virtiocrypto.OpcodeCipherCreateSession)) // op_code (u64)
		put32(b, 8, 4)                                              // cipher_alg AES_CTR
		put32(b, 12, 32)                                            // key_len
		b[32], b[33] = 1, 1                                         // CIPHER, encrypt
		copy(b[56:], key)
		put64(b, 1064, 0) // session_id
		s, err := ParseCreateSession(b)
		if err != nil || s.Layout != LayoutQEMU81 || s.IsAsym() {
			t.Fatal(s.Layout, err)
		}
		p, err := s.SessionParams()
		if err != nil || p.Cipher != engine.AESCTR || p.Direction != engine.Encrypt || !bytes.Equal(p.CipherKey, key) {
			t.Fatalf("%+v %v", p, err)
		}
		checkReencode(t, &s, b, 40, 56)
		reply, err := AppendSessionReply(nil, b, 42)
		if err != nil || len(reply) != 1072 || ne.Uint64(reply[1064:]) != 42 || ne.Uint64(reply) != 2 || !bytes.Equal(reply[56:120], make([]byte, 64)) {
			t.Fatalf("reply %v", err)
		}
	})
	t.Run("qemu>=8.1 asym", func(t *testing.T) {
		b := make([]byte, 1072)
		put64(b, 0, uint64(virtiocrypto.OpcodeAkcipherCreateSession))
		put32(b, 8, 1)    // algo RSA
		put32(b, 12, 2)   // keytype private
		put32(b, 16, 600) // keylen
		put64(b, 24, 0x7f00aabbccdd)
		put32(b, 32, 1) // rsa.padding_algo
		put32(b, 36, 1) // rsa.hash_algo
		for i := range 600 {
			b[40+i] = byte(i)
		}
		put64(b, 1064, 0)
		s, err := ParseCreateSession(b)
		if err != nil || !s.IsAsym() {
			t.Fatal(err)
		}
		a := s.Asym
		if a.Algo != 1 || a.KeyType != 2 || a.KeyLen != 600 || a.PaddingAlgo != 1 || a.HashAlgo != 1 || a.Key[599] != byte(599%256) || a.Key[600] != 0 {
			t.Fatalf("%+v", a)
		}
		p, err := s.SessionParams()
		if err != nil || p.Service != engine.ServiceAKCipher || p.AK.Alg != engine.RSA || p.AK.KeyType != engine.KeyPrivate ||
			p.AK.Padding != engine.RSAPKCS1Padding || p.AK.Hash != engine.RSAMD2 || p.AK.Curve != 0 || !bytes.Equal(p.AK.Key, b[40:640]) {
			t.Fatalf("asym params %+v, %v", p.AK, err)
		}
		// ECDSA: curve_id is the union's first word.
		e := s
		e.Asym.Algo, e.Asym.PaddingAlgo, e.Asym.HashAlgo = uint32(virtiocrypto.AkcipherECDSA), uint32(virtiocrypto.CurveNISTP384), 0
		if p, err := e.SessionParams(); err != nil || p.AK.Alg != engine.ECDSA || p.AK.Curve != engine.CurveP384 || p.AK.Padding != 0 {
			t.Fatalf("ECDSA params %+v, %v", p.AK, err)
		}
		// Refusals: key_len past the array (ERR), an undefined key type
		// (ERR), an unknown algorithm (passed on: the engine says NOTSUPP),
		// and the AKCIPHER opcode in the 632-byte layouts, which have no
		// room for an asymmetric session (NOTSUPP).
		bad := s
		bad.Asym.KeyLen = AsymKeyMax + 1
		if _, err := bad.SessionParams(); !errors.Is(err, cryptodev.ErrMalformed) || cryptodev.Status(err) != virtiocrypto.StatusErr {
			t.Errorf("key_len %d: %v", bad.Asym.KeyLen, err)
		}
		bad = s
		bad.Asym.KeyType = 3
		if _, err := bad.SessionParams(); cryptodev.Status(err) != virtiocrypto.StatusErr {
			t.Errorf("key type 3: %v", err)
		}
		bad = s
		bad.Asym.Algo = 9
		if p, err := bad.SessionParams(); err != nil || p.AK.Alg != 9 {
			t.Errorf("algo 9: %+v %v", p.AK, err)
		}
		old := CreateSession{Layout: LayoutQEMU70, OpCode: uint64(virtiocrypto.OpcodeAkcipherCreateSession)}
		if _, err := old.SessionParams(); cryptodev.Status(err) != virtiocrypto.StatusNotSupp {
			t.Errorf("AKCIPHER in the ≤ 7.0 layout: %v", err)
		}
		checkReencode(t, &s, b, 24, 32)
		reply, _ := AppendSessionReply(nil, b, -3)
		if ne.Uint64(reply[1064:]) != uint64(1<<64-3) || !bytes.Equal(reply[40:1064], make([]byte, 1024)) || ne.Uint32(reply[8:]) != 1 {
			t.Fatal("asym reply")
		}
	})
	t.Run("sizes", func(t *testing.T) {
		for _, n := range []int{0, 8, 631, 633, 1071, 1073} {
			if _, err := ParseCreateSession(make([]byte, n)); !errors.Is(err, ErrMalformed) {
				t.Errorf("%d bytes: %v", n, err)
			}
			if _, err := AppendSessionReply(nil, make([]byte, n), 1); !errors.Is(err, ErrMalformed) {
				t.Errorf("reply to %d bytes: %v", n, err)
			}
		}
		if _, err := ParseSessionReply(make([]byte, 632), LayoutQEMU81); !errors.Is(err, ErrMalformed) {
			t.Error("reply size not checked")
		}
	})
}

// checkReencode checks that Append reproduces b except for the host
// pointer bytes [ptrFrom, ptrTo), which it writes as zero.
func checkReencode(t *testing.T, s *CreateSession, b []byte, ptrFrom, ptrTo int) {
	t.Helper()
	want := bytes.Clone(b)
	clear(want[ptrFrom:ptrTo])
	if got := s.Append(nil); !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("re-encoding differs at byte %d: %x vs %x", i, got[i], want[i])
			}
		}
	}
}

func TestSessionParamsErrors(t *testing.T) {
	base := func() CreateSession {
		s := CreateSession{Layout: LayoutQEMU71, OpCode: uint64(virtiocrypto.OpcodeCipherCreateSession)}
		s.Sym.OpType, s.Sym.CipherAlg, s.Sym.KeyLen, s.Sym.Direction = 1, 3, 16, 1
		return s
	}
	for _, tc := range []struct {
		name string
		mod  func(*CreateSession)
		want virtiocrypto.Status
	}{
		{"op_type none", func(s *CreateSession) { s.Sym.OpType = 0 }, virtiocrypto.StatusNotSupp},
		{"op_type 7", func(s *CreateSession) { s.Sym.OpType = 7 }, virtiocrypto.StatusErr},
		{"key 65", func(s *CreateSession) { s.Sym.KeyLen = 65 }, virtiocrypto.StatusErr},
		{"auth key 513", func(s *CreateSession) { s.Sym.AuthKeyLen = 513 }, virtiocrypto.StatusErr},
		{"nested", func(s *CreateSession) { s.Sym.OpType, s.Sym.HashMode = 2, 3 }, virtiocrypto.StatusNotSupp},
		{"hash mode 9", func(s *CreateSession) { s.Sym.OpType, s.Sym.HashMode = 2, 9 }, virtiocrypto.StatusErr},
		{"aead opcode", func(s *CreateSession) {
			s.Layout, s.OpCode = LayoutQEMU81, uint64(virtiocrypto.OpcodeAEADCreateSession)
		}, virtiocrypto.StatusNotSupp},
	} {
		s := base()
		tc.mod(&s)
		_, err := s.SessionParams()
		if got := cryptodev.Status(err); err == nil || got != tc.want {
			t.Errorf("%s: %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	s := base()
	if _, err := s.SessionParams(); err != nil {
		t.Fatal(err)
	}
}
