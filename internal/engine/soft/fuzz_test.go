package soft

import (
	"testing"

	"vcrypto/internal/engine"
)

// FuzzEngine drives random algorithms, key/IV/data lengths, digest lengths,
// chaining ranges and buffer overlaps through the engine: it must return
// an error or a result, never panic, and a successful cipher round trip
// must give the plaintext back.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 3, 16, 16, 64, 0, 0}, []byte("seed"))
	f.Add([]byte{0, 13, 32, 16, 17, 0, 1}, []byte("xts"))
	f.Add([]byte{3, 1, 16, 12, 40, 16, 2}, []byte("gcm"))
	f.Add([]byte{3, 2, 16, 13, 40, 8, 3}, []byte("ccm"))
	f.Add([]byte{2, 4, 32, 0, 100, 32, 0}, []byte("hmac"))
	f.Add([]byte{1, 11, 0, 0, 10, 200, 0}, []byte("shake"))
	f.Add([]byte{4, 41, 16, 12, 33, 16, 5}, []byte("chain gmac"))
	f.Add([]byte{5, 3, 16, 16, 64, 32, 9}, []byte("chain cbc hmac"))
	e, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ctl []byte, data []byte) {
		if len(ctl) < 7 {
			return
		}
		kind, alg, keyLen, ivLen, n, dlen, mode := ctl[0]%6, uint32(ctl[1]), int(ctl[2]), int(ctl[3]), int(ctl[4])*int(ctl[4]%17+1), int(ctl[5]), ctl[6]
		buf := make([]byte, 3*n+keyLen+ivLen+dlen+64)
		for i := range buf {
			if len(data) > 0 {
				buf[i] = data[i%len(data)] ^ byte(i)
			}
		}
		key := buf[len(buf)-keyLen:]
		iv := buf[len(buf)-keyLen-ivLen : len(buf)-keyLen]
		p := engine.SessionParams{Direction: engine.Direction(mode%3 + 1), DigestLen: dlen}
		switch kind {
		case 0:
			p.Service, p.Cipher, p.CipherKey = engine.ServiceCipher, engine.CipherAlg(alg%16), key
		case 1:
			p.Service, p.Hash = engine.ServiceHash, engine.HashAlg(alg%14)
		case 2:
			p.Service, p.MAC, p.AuthKey = engine.ServiceMAC, engine.MACAlg(alg%56), key
		case 3:
			p.Service, p.AEAD, p.CipherKey = engine.ServiceAEAD, engine.AEADAlg(alg%5), key
		default:
			p.Service, p.Chained, p.Order, p.HashMode = engine.ServiceCipher, true, engine.ChainOrder(mode%3), engine.HashMode(mode/3%4)
			p.MAC, p.Hash, p.AuthKey = engine.MACAlg(alg%56), engine.HashAlg(alg%14), key
			if kind == 5 {
				p.Cipher, p.CipherKey = engine.CipherAlg(mode%15), key
			}
		}
		s, err := e.NewSession(&p)
		if err != nil {
			return
		}
		defer s.Close()
		// Layout: src at 0, dst somewhere that may overlap it.
		shift := int(mode) % (n + 2)
		if mode&0x80 != 0 {
			shift = 0 // in place
		}
		src := buf[:n]
		dst := buf[shift : shift+n+32]
		op := engine.Op{Dir: engine.Direction(mode%3 + 1), IV: iv, Src: src, Dst: dst, Digest: buf[2*n+40 : 2*n+40+dlen],
			AAD: data, CipherOffset: int(ctl[1]) % (n + 1), CipherLen: int(ctl[2]) % (n + 1), HashOffset: int(ctl[3]) % (n + 1), HashLen: int(ctl[5]) % (n + 1)}
		if len(ctl) > 7 {
			op.AAD = nil
		}
		orig := append([]byte(nil), src...)
		if err := s.Do(&op); err != nil {
			return
		}
		if kind == 0 && shift != 0 && !engine.AnyOverlap(dst, src) && p.Cipher != engine.NoCipher {
			// Decrypt what was encrypted and compare (stream ciphers and
			// block modes alike), through a session in the other direction.
			ct := append([]byte(nil), dst[:n]...)
			out := make([]byte, n)
			back := engine.Op{Dir: engine.Encrypt, IV: iv, Src: ct, Dst: out}
			if op.Dir == engine.Encrypt {
				back.Dir = engine.Decrypt
			}
			if err := s.Do(&back); err != nil {
				t.Fatalf("%v: inverse failed: %v", p.Cipher, err)
			}
			if string(out) != string(orig) {
				t.Fatalf("%v: round trip differs", p.Cipher)
			}
		}
	})
}
