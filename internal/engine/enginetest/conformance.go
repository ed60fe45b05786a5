// Package enginetest is the suite every vcrypto engine must pass: a
// conformance suite over the engine API (RunConformance) and the published
// test vectors (Vectors, RunVectors), reusable by the device model's tests.
//
// The conformance suite checks behaviour that published vectors do not:
// round trips, inputs left untouched, in-place equals out-of-place, wrong
// keys/IVs/tags fail, zero and odd lengths, bad parameters give the right
// sentinel error, overlapping buffers are refused, closed sessions refuse
// work, and sessions are safe for concurrent use.
package enginetest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"vcrypto/internal/engine"
)

// CipherShape is what the virtio-crypto conventions (INTERPRETATIONS.md)
// say about a cipher's parameters.
type CipherShape struct {
	KeyLens  []int // valid key lengths
	BadKeys  []int // key lengths that must be refused
	IVLen    int   // 0: the IV is ignored
	Block    int   // data must be a multiple of Block (1 for stream modes)
	MinLen   int   // shortest data length
	Stream   bool  // encryption equals decryption
	NoRandIV bool
}

// CipherShapes describes every cipher of the virtio-crypto tables.
var CipherShapes = map[engine.CipherAlg]CipherShape{
	engine.ARC4:       {KeyLens: []int{1, 5, 16, 256}, BadKeys: []int{0, 257}, Block: 1, Stream: true},
	engine.AESECB:     {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 17, 33}, Block: 16},
	engine.AESCBC:     {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 17, 33}, IVLen: 16, Block: 16},
	engine.AESCTR:     {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 17, 33}, IVLen: 16, Block: 1, Stream: true},
	engine.DESECB:     {KeyLens: []int{8}, BadKeys: []int{0, 7, 16}, Block: 8},
	engine.DESCBC:     {KeyLens: []int{8}, BadKeys: []int{0, 7, 16}, IVLen: 8, Block: 8},
	engine.TDESECB:    {KeyLens: []int{16, 24}, BadKeys: []int{0, 8, 23, 32}, Block: 8},
	engine.TDESCBC:    {KeyLens: []int{16, 24}, BadKeys: []int{0, 8, 23, 32}, IVLen: 8, Block: 8},
	engine.TDESCTR:    {KeyLens: []int{16, 24}, BadKeys: []int{0, 8, 23, 32}, IVLen: 8, Block: 1, Stream: true},
	engine.KASUMIF8:   {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, IVLen: 8, Block: 1, Stream: true},
	engine.SNOW3GUEA2: {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, IVLen: 16, Block: 1, Stream: true},
	engine.AESF8:      {KeyLens: []int{17, 20, 30, 32, 48, 64}, BadKeys: []int{0, 16, 65}, IVLen: 16, Block: 1, Stream: true},
	engine.AESXTS:     {KeyLens: []int{32, 64}, BadKeys: []int{0, 16, 48, 128}, IVLen: 16, Block: 1, MinLen: 16},
	engine.ZUCEEA3:    {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, IVLen: 16, Block: 1, Stream: true},
}

// MACShape describes a MAC.
type MACShape struct {
	KeyLens []int
	BadKeys []int
	Size    int
	IVLen   int // > 0: needs a per-request IV (chained NO_CIPHER session)
	MinLen  int // shortest message (KASUMI-F9's padded form holds at least the direction and stop bits)
	// EmptyKeyless: the MAC of the empty message does not depend on the
	// key (CBC-MAC: zero blocks in, the zero IV out, as Linux's cbcmac and
	// Botan define it).
	EmptyKeyless bool
}

// MACShapes describes every MAC of the virtio-crypto tables that has a
// definition (CBCMAC-KASUMI-F9 has none; engines return ErrUnsupported).
var MACShapes = map[engine.MACAlg]MACShape{
	engine.HMACMD5:     {KeyLens: []int{0, 16, 64, 100}, Size: 16},
	engine.HMACSHA1:    {KeyLens: []int{0, 20, 64, 100}, Size: 20},
	engine.HMACSHA224:  {KeyLens: []int{1, 28, 64, 100}, Size: 28},
	engine.HMACSHA256:  {KeyLens: []int{1, 32, 64, 131}, Size: 32},
	engine.HMACSHA384:  {KeyLens: []int{1, 48, 128, 131}, Size: 48},
	engine.HMACSHA512:  {KeyLens: []int{1, 64, 128, 131}, Size: 64},
	engine.CMAC3DES:    {KeyLens: []int{16, 24}, BadKeys: []int{0, 8, 32}, Size: 8},
	engine.CMACAES:     {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 33}, Size: 16},
	engine.CBCMACAES:   {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 33}, Size: 16, EmptyKeyless: true},
	engine.XCBCAES:     {KeyLens: []int{16}, BadKeys: []int{0, 15, 24, 32}, Size: 16},
	engine.KASUMIF9:    {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, Size: 4, IVLen: 8, MinLen: 1},
	engine.SNOW3GUIA2:  {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, Size: 4, IVLen: 16},
	engine.ZUCEIA3:     {KeyLens: []int{16}, BadKeys: []int{0, 15, 32}, Size: 4, IVLen: 16},
	engine.GMACAES:     {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 33}, Size: 16, IVLen: 12},
	engine.GMACTwofish: {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 15, 33}, Size: 16, IVLen: 12},
}

// HashSizes gives each fixed-output hash's size; SHAKE has none.
var HashSizes = map[engine.HashAlg]int{
	engine.MD5: 16, engine.SHA1: 20, engine.SHA224: 28, engine.SHA256: 32, engine.SHA384: 48,
	engine.SHA512: 64, engine.SHA3_224: 28, engine.SHA3_256: 32, engine.SHA3_384: 48, engine.SHA3_512: 64,
}

// AEADShape describes an AEAD.
type AEADShape struct {
	KeyLens []int
	BadKeys []int
	IVLens  []int
	Tags    []int
	BadTags []int
}

// AEADShapes describes every AEAD of the virtio-crypto tables.
var AEADShapes = map[engine.AEADAlg]AEADShape{
	engine.AESGCM:           {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 20}, IVLens: []int{12, 16}, Tags: []int{4, 8, 12, 16}, BadTags: []int{0, 3, 17}},
	engine.AESCCM:           {KeyLens: []int{16, 24, 32}, BadKeys: []int{0, 20}, IVLens: []int{7, 11, 13}, Tags: []int{4, 8, 16}, BadTags: []int{0, 3, 5, 18}},
	engine.ChaCha20Poly1305: {KeyLens: []int{32}, BadKeys: []int{0, 16}, IVLens: []int{12}, Tags: []int{16}, BadTags: []int{0, 8}},
}

type suite struct {
	t   *testing.T
	e   engine.Engine
	rnd *rand.Rand
}

func (s *suite) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(s.rnd.Uint32())
	}
	return b
}

func (s *suite) session(p engine.SessionParams) engine.Session {
	s.t.Helper()
	sess, err := s.e.NewSession(&p)
	if err != nil {
		s.t.Fatalf("NewSession(%+v): %v", engine.SessionParams{Service: p.Service, Cipher: p.Cipher, Hash: p.Hash, MAC: p.MAC, AEAD: p.AEAD, DigestLen: p.DigestLen}, err)
	}
	s.t.Cleanup(sess.Close)
	return sess
}

func mustErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %v", what, want)
	} else if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

// RunConformance runs the conformance suite against e.
func RunConformance(t *testing.T, e engine.Engine) {
	s := &suite{t: t, e: e, rnd: rand.New(rand.NewPCG(1, 2))}
	caps := e.Capabilities()
	t.Run("Parameters", func(t *testing.T) { s2 := *s; s2.t = t; s2.parameters() })
	for _, alg := range caps.Cipher {
		t.Run("Cipher/"+alg.String(), func(t *testing.T) { s2 := *s; s2.t = t; s2.cipher(alg) })
	}
	for _, alg := range caps.Hash {
		t.Run("Hash/"+alg.String(), func(t *testing.T) { s2 := *s; s2.t = t; s2.hash(alg) })
	}
	for _, alg := range caps.MAC {
		t.Run("MAC/"+alg.String(), func(t *testing.T) { s2 := *s; s2.t = t; s2.mac(alg) })
	}
	for _, alg := range caps.AEAD {
		t.Run("AEAD/"+alg.String(), func(t *testing.T) { s2 := *s; s2.t = t; s2.aead(alg) })
	}
	t.Run("Chain", func(t *testing.T) { s2 := *s; s2.t = t; s2.chain() })
	t.Run("Concurrent", func(t *testing.T) { s2 := *s; s2.t = t; s2.concurrent() })
}

func (s *suite) parameters() {
	t := s.t
	if _, err := s.e.NewSession(nil); err == nil {
		t.Error("NewSession(nil) succeeded")
	}
	for _, p := range []engine.SessionParams{
		{Service: 99},
		{Service: engine.ServiceCipher, Cipher: 200, CipherKey: make([]byte, 16), Direction: engine.Encrypt},
		{Service: engine.ServiceHash, Hash: 200, DigestLen: 16},
		{Service: engine.ServiceMAC, MAC: 200, AuthKey: make([]byte, 16), DigestLen: 16},
		{Service: engine.ServiceAEAD, AEAD: 200, CipherKey: make([]byte, 16), DigestLen: 16, Direction: engine.Encrypt},
		{Service: engine.ServiceMAC, MAC: engine.CBCMACKASUMIF9, AuthKey: make([]byte, 16), DigestLen: 4},
		{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeNested,
			Cipher: engine.AESCBC, CipherKey: make([]byte, 16), Direction: engine.Encrypt, Hash: engine.SHA256, DigestLen: 32},
	} {
		_, err := s.e.NewSession(&p)
		mustErr(t, err, engine.ErrUnsupported, fmt.Sprintf("NewSession(service %v, cipher %v, hash %v, mac %v, aead %v)", p.Service, p.Cipher, p.Hash, p.MAC, p.AEAD))
	}
	// A MAC that needs an IV is not offered through the plain MAC service.
	for alg, sh := range MACShapes {
		if sh.IVLen == 0 {
			continue
		}
		_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceMAC, MAC: alg, AuthKey: make([]byte, sh.KeyLens[0]), DigestLen: sh.Size})
		mustErr(t, err, engine.ErrUnsupported, "plain MAC session for "+alg.String())
	}
	// Bad directions.
	_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: make([]byte, 16), Direction: 7})
	mustErr(t, err, engine.ErrInvalidInput, "cipher session with direction 7")
}

// cipherParams returns params for alg with the first valid key length.
func (s *suite) cipherParams(alg engine.CipherAlg, keyLen int) engine.SessionParams {
	return engine.SessionParams{Service: engine.ServiceCipher, Cipher: alg, CipherKey: s.keyFor(alg, keyLen), Direction: engine.Encrypt}
}

// keyFor returns a random key; XTS keys get distinct halves.
func (s *suite) keyFor(alg engine.CipherAlg, n int) []byte {
	k := s.bytes(n)
	if alg == engine.AESXTS && n >= 2 {
		k[n/2] ^= 0xff
	}
	return k
}

func (s *suite) do(sess engine.Session, op engine.Op) ([]byte, error) {
	out := make([]byte, len(op.Src))
	op.Dst = out
	err := sess.Do(&op)
	return out, err
}

func (s *suite) cipher(alg engine.CipherAlg) {
	t := s.t
	sh, ok := CipherShapes[alg]
	if !ok {
		t.Fatalf("no shape for %v", alg)
	}
	for _, n := range sh.BadKeys {
		_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceCipher, Cipher: alg, CipherKey: make([]byte, n), Direction: engine.Encrypt})
		mustErr(t, err, engine.ErrInvalidKey, fmt.Sprintf("%d-byte key", n))
	}
	lengths := []int{0, 1, 3, 15, 16, 17, 31, 32, 33, 64, 100, 1000, 4096, 4097}
	for _, kl := range sh.KeyLens {
		p := s.cipherParams(alg, kl)
		sess := s.session(p)
		iv := s.bytes(sh.IVLen)
		for _, n := range lengths {
			src := s.bytes(n)
			orig := slices.Clone(src)
			op := engine.Op{Dir: engine.Encrypt, IV: iv, Src: src}
			ct, err := s.do(sess, op)
			valid := n%sh.Block == 0 && n >= sh.MinLen
			if !valid {
				mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("key %d, %d bytes", kl, n))
				continue
			}
			if err != nil {
				t.Fatalf("key %d, encrypt %d bytes: %v", kl, n, err)
			}
			if !bytes.Equal(src, orig) {
				t.Fatalf("key %d, %d bytes: source modified", kl, n)
			}
			if n >= 16 && bytes.Equal(ct, src) {
				t.Fatalf("key %d, %d bytes: ciphertext equals plaintext", kl, n)
			}
			pt, err := s.do(sess, engine.Op{Dir: engine.Decrypt, IV: iv, Src: ct})
			if err != nil || !bytes.Equal(pt, src) {
				t.Fatalf("key %d, %d bytes: round trip failed (%v)", kl, n, err)
			}
			if sh.Stream {
				again, _ := s.do(sess, engine.Op{Dir: engine.Encrypt, IV: iv, Src: ct})
				if !bytes.Equal(again, src) {
					t.Fatalf("key %d, %d bytes: stream cipher is not its own inverse", kl, n)
				}
			}
			// In place gives the same result.
			buf := slices.Clone(src)
			if err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, Src: buf, Dst: buf}); err != nil || !bytes.Equal(buf, ct) {
				t.Fatalf("key %d, %d bytes: in place differs (%v)", kl, n, err)
			}
			if n < 16 {
				continue
			}
			// Another IV changes the output.
			if sh.IVLen > 0 {
				iv2 := slices.Clone(iv)
				iv2[len(iv2)-1] ^= 1
				iv2[0] ^= 0x80
				ct2, err := s.do(sess, engine.Op{Dir: engine.Encrypt, IV: iv2, Src: src})
				if err != nil || bytes.Equal(ct2, ct) {
					t.Fatalf("key %d, %d bytes: IV has no effect (%v)", kl, n, err)
				}
			}
			// Another key changes the output.
			other := s.session(s.cipherParams(alg, kl))
			ct3, err := s.do(other, engine.Op{Dir: engine.Encrypt, IV: iv, Src: src})
			if err != nil || bytes.Equal(ct3, ct) {
				t.Fatalf("key %d, %d bytes: key has no effect (%v)", kl, n, err)
			}
		}
		if sh.IVLen > 0 {
			for _, bad := range []int{0, sh.IVLen - 1, sh.IVLen + 1} {
				_, err := s.do(sess, engine.Op{Dir: engine.Encrypt, IV: make([]byte, bad), Src: make([]byte, 32)})
				mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("%d-byte IV", bad))
			}
		}
		s.overlap(sess, iv)
		_, err := s.do(sess, engine.Op{Dir: 0, IV: iv, Src: make([]byte, 32)})
		mustErr(t, err, engine.ErrInvalidInput, "direction 0")
	}
	sess, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceCipher, Cipher: alg, CipherKey: s.keyFor(alg, sh.KeyLens[0]), Direction: engine.Encrypt})
	if err != nil {
		t.Fatal(err)
	}
	sess.Close()
	_, err = s.do(sess, engine.Op{Dir: engine.Encrypt, IV: make([]byte, sh.IVLen), Src: make([]byte, 32)})
	if err == nil {
		t.Error("closed session still works")
	}
}

// overlap checks that partial overlap and short destinations are refused
// for a 32-byte cipher request.
func (s *suite) overlap(sess engine.Session, iv []byte) {
	t := s.t
	buf := make([]byte, 64)
	for _, shift := range []int{1, 8, 16, 31} {
		err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, Src: buf[:32], Dst: buf[shift : shift+32]})
		mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("destination shifted by %d", shift))
		err = sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, Src: buf[shift : shift+32], Dst: buf[:32]})
		mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("source shifted by %d", shift))
	}
	err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, Src: make([]byte, 32), Dst: make([]byte, 31)})
	mustErr(t, err, engine.ErrInvalidInput, "short destination")
	if len(iv) > 0 {
		b := make([]byte, 32+len(iv))
		err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: b[31 : 31+len(iv)], Src: make([]byte, 32), Dst: b[:32]})
		mustErr(t, err, engine.ErrInvalidInput, "destination overlapping the IV")
	}
}

func (s *suite) hash(alg engine.HashAlg) {
	t := s.t
	size, fixed := HashSizes[alg]
	maxLen := size
	if !fixed {
		maxLen = engine.MaxXOFLen
		size = 64
	}
	for _, bad := range []int{0, -1, maxLen + 1} {
		_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceHash, Hash: alg, DigestLen: bad})
		mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("digest length %d", bad))
	}
	sess := s.session(engine.SessionParams{Service: engine.ServiceHash, Hash: alg, DigestLen: size})
	prev := map[string]bool{}
	for _, n := range []int{0, 1, 55, 56, 64, 127, 128, 1000, 4096} {
		src := s.bytes(n)
		orig := slices.Clone(src)
		d := make([]byte, size)
		if err := sess.Do(&engine.Op{Src: src, Digest: d}); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(src, orig) {
			t.Fatalf("%d bytes: source modified", n)
		}
		if prev[string(d)] {
			t.Fatalf("%d bytes: digest repeats", n)
		}
		prev[string(d)] = true
		short := make([]byte, size/2)
		if err := sess.Do(&engine.Op{Src: src, Digest: short}); err != nil || !bytes.Equal(short, d[:size/2]) {
			t.Fatalf("%d bytes: truncated digest is not a prefix (%v)", n, err)
		}
		d2 := make([]byte, size)
		s.session(engine.SessionParams{Service: engine.ServiceHash, Hash: alg, DigestLen: size}).Do(&engine.Op{Src: src, Digest: d2})
		if !bytes.Equal(d, d2) {
			t.Fatalf("%d bytes: two sessions disagree", n)
		}
	}
	err := sess.Do(&engine.Op{Src: make([]byte, 8), Digest: make([]byte, maxLen+1)})
	mustErr(t, err, engine.ErrInvalidInput, "digest longer than the hash")
	err = sess.Do(&engine.Op{Src: make([]byte, 8)})
	mustErr(t, err, engine.ErrInvalidInput, "no digest buffer")
	b := make([]byte, 128)
	err = sess.Do(&engine.Op{Src: b[:100], Digest: b[90 : 90+size/2]})
	mustErr(t, err, engine.ErrInvalidInput, "digest overlapping the source")
}

// macSession creates a MAC session, chained with NO_CIPHER when the MAC
// needs an IV.
func (s *suite) macSession(alg engine.MACAlg, key []byte, digestLen int) (engine.Session, error) {
	sh := MACShapes[alg]
	p := engine.SessionParams{Service: engine.ServiceMAC, MAC: alg, AuthKey: key, DigestLen: digestLen}
	if sh.IVLen > 0 {
		p = engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash,
			HashMode: engine.HashModeAuth, MAC: alg, AuthKey: key, DigestLen: digestLen}
	}
	return s.e.NewSession(&p)
}

func (s *suite) macDo(sess engine.Session, alg engine.MACAlg, iv, src []byte, n int) ([]byte, error) {
	d := make([]byte, n)
	op := engine.Op{Src: src, Digest: d}
	if MACShapes[alg].IVLen > 0 {
		op.IV = iv
		op.Dst = make([]byte, len(src))
		op.HashLen = len(src)
	}
	err := sess.Do(&op)
	if err == nil && op.Dst != nil && !bytes.Equal(op.Dst, src) {
		return nil, fmt.Errorf("chained NO_CIPHER destination is not a copy of the source")
	}
	return d, err
}

func (s *suite) mac(alg engine.MACAlg) {
	t := s.t
	sh, ok := MACShapes[alg]
	if !ok {
		t.Fatalf("no shape for %v", alg)
	}
	for _, n := range sh.BadKeys {
		_, err := s.macSession(alg, make([]byte, n), sh.Size)
		mustErr(t, err, engine.ErrInvalidKey, fmt.Sprintf("%d-byte key", n))
	}
	for _, bad := range []int{0, sh.Size + 1} {
		_, err := s.macSession(alg, make([]byte, sh.KeyLens[0]), bad)
		mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("digest length %d", bad))
	}
	iv := s.bytes(sh.IVLen)
	for _, kl := range sh.KeyLens {
		key := s.bytes(kl)
		sess, err := s.macSession(alg, key, sh.Size)
		if err != nil {
			t.Fatalf("key %d: %v", kl, err)
		}
		t.Cleanup(sess.Close)
		otherKey := s.bytes(max(kl, 1))
		otherKey[0] |= 0x80 // never equal to key, even after HMAC's zero padding
		if kl > 0 {
			otherKey[0] = key[0] ^ 0x80
		}
		other, err := s.macSession(alg, otherKey, sh.Size)
		if err != nil {
			t.Fatalf("key %d: %v", kl, err)
		}
		t.Cleanup(other.Close)
		for _, n := range []int{0, 1, 15, 16, 17, 64, 100, 4096} {
			src := s.bytes(n)
			orig := slices.Clone(src)
			d, err := s.macDo(sess, alg, iv, src, sh.Size)
			if n < sh.MinLen {
				mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("%d-byte message", n))
				continue
			}
			if err != nil {
				t.Fatalf("key %d, %d bytes: %v", kl, n, err)
			}
			if !bytes.Equal(src, orig) {
				t.Fatalf("key %d, %d bytes: source modified", kl, n)
			}
			d2, _ := s.macDo(sess, alg, iv, src, sh.Size)
			if !bytes.Equal(d, d2) {
				t.Fatalf("key %d, %d bytes: MAC not deterministic", kl, n)
			}
			half, err := s.macDo(sess, alg, iv, src, sh.Size/2)
			if err != nil || !bytes.Equal(half, d[:sh.Size/2]) {
				t.Fatalf("key %d, %d bytes: truncated MAC is not a prefix (%v)", kl, n, err)
			}
			d3, _ := s.macDo(other, alg, iv, src, sh.Size)
			if bytes.Equal(d, d3) && !(n == 0 && sh.EmptyKeyless) {
				t.Fatalf("key %d, %d bytes: key has no effect", kl, n)
			}
			if n > 0 {
				mod := slices.Clone(src)
				mod[n/2] ^= 1
				d4, _ := s.macDo(sess, alg, iv, mod, sh.Size)
				if bytes.Equal(d, d4) {
					t.Fatalf("key %d, %d bytes: message change not detected", kl, n)
				}
			}
			if sh.IVLen > 0 {
				iv2 := slices.Clone(iv)
				iv2[0] ^= 0x80
				d5, _ := s.macDo(sess, alg, iv2, src, sh.Size)
				if bytes.Equal(d, d5) {
					t.Fatalf("key %d, %d bytes: IV has no effect", kl, n)
				}
			}
		}
		if sh.IVLen > 0 {
			_, err := s.macDo(sess, alg, nil, make([]byte, 16), sh.Size)
			mustErr(t, err, engine.ErrInvalidInput, "missing IV")
		}
	}
}

func (s *suite) aead(alg engine.AEADAlg) {
	t := s.t
	sh := AEADShapes[alg]
	for _, n := range sh.BadKeys {
		_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceAEAD, AEAD: alg, CipherKey: make([]byte, n), DigestLen: sh.Tags[0], Direction: engine.Encrypt})
		mustErr(t, err, engine.ErrInvalidKey, fmt.Sprintf("%d-byte key", n))
	}
	for _, tag := range sh.BadTags {
		_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceAEAD, AEAD: alg, CipherKey: make([]byte, sh.KeyLens[0]), DigestLen: tag, Direction: engine.Encrypt})
		mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("%d-byte tag", tag))
	}
	for _, kl := range sh.KeyLens {
		for _, tag := range sh.Tags {
			key := s.bytes(kl)
			sess := s.session(engine.SessionParams{Service: engine.ServiceAEAD, AEAD: alg, CipherKey: key, DigestLen: tag, Direction: engine.Encrypt})
			for _, ivLen := range sh.IVLens {
				iv := s.bytes(ivLen)
				for _, n := range []int{0, 1, 15, 16, 17, 100, 4096} {
					s.aeadCase(sess, fmt.Sprintf("key %d tag %d iv %d len %d", kl, tag, ivLen, n), iv, s.bytes(n%23), s.bytes(n), tag)
				}
			}
			for _, bad := range []int{0, 5, 17} {
				if slices.Contains(sh.IVLens, bad) {
					continue
				}
				err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: make([]byte, bad), Src: make([]byte, 16), Dst: make([]byte, 16+tag)})
				mustErr(t, err, engine.ErrInvalidInput, fmt.Sprintf("%d-byte IV", bad))
			}
		}
	}
}

func (s *suite) aeadCase(sess engine.Session, what string, iv, aad, pt []byte, tag int) {
	t := s.t
	orig := slices.Clone(pt)
	ct := make([]byte, len(pt)+tag)
	if err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, AAD: aad, Src: pt, Dst: ct}); err != nil {
		t.Fatalf("%s: seal: %v", what, err)
	}
	if !bytes.Equal(pt, orig) {
		t.Fatalf("%s: plaintext modified", what)
	}
	out := make([]byte, len(pt))
	if err := sess.Do(&engine.Op{Dir: engine.Decrypt, IV: iv, AAD: aad, Src: ct, Dst: out}); err != nil || !bytes.Equal(out, pt) {
		t.Fatalf("%s: open: %v", what, err)
	}
	// In place: seal into a buffer holding the plaintext, open back.
	buf := make([]byte, len(pt)+tag)
	copy(buf, pt)
	if err := sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, AAD: aad, Src: buf[:len(pt)], Dst: buf}); err != nil || !bytes.Equal(buf, ct) {
		t.Fatalf("%s: in-place seal differs (%v)", what, err)
	}
	if err := sess.Do(&engine.Op{Dir: engine.Decrypt, IV: iv, AAD: aad, Src: buf, Dst: buf[:len(pt)]}); err != nil || !bytes.Equal(buf[:len(pt)], pt) {
		t.Fatalf("%s: in-place open failed (%v)", what, err)
	}
	// Any change is detected, and the plaintext is not released.
	fail := func(name string, iv, aad, ct []byte) {
		out := bytes.Repeat([]byte{0xAA}, len(pt))
		err := sess.Do(&engine.Op{Dir: engine.Decrypt, IV: iv, AAD: aad, Src: ct, Dst: out})
		mustErr(t, err, engine.ErrAuthFailed, what+": "+name)
		if !bytes.Equal(out, make([]byte, len(pt))) {
			t.Fatalf("%s: %s: destination not zeroed", what, name)
		}
	}
	for _, i := range []int{0, len(ct) / 2, len(ct) - 1} {
		bad := slices.Clone(ct)
		bad[i] ^= 0x01
		fail(fmt.Sprintf("ciphertext bit %d flipped", i*8), iv, aad, bad)
	}
	badIV := slices.Clone(iv)
	badIV[len(badIV)-1] ^= 1
	fail("wrong IV", badIV, aad, ct)
	fail("wrong AAD", iv, append(slices.Clone(aad), 0), ct)
	err := sess.Do(&engine.Op{Dir: engine.Decrypt, IV: iv, AAD: aad, Src: ct[:tag-1], Dst: make([]byte, len(pt))})
	mustErr(t, err, engine.ErrInvalidInput, what+": input shorter than the tag")
	err = sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, AAD: aad, Src: pt, Dst: make([]byte, len(pt)+tag-1)})
	mustErr(t, err, engine.ErrInvalidInput, what+": short destination")
	if len(pt) > 0 {
		b := make([]byte, 2*len(pt)+2*tag+1)
		copy(b[1:], pt)
		err = sess.Do(&engine.Op{Dir: engine.Encrypt, IV: iv, AAD: aad, Src: b[1 : 1+len(pt)], Dst: b[:len(pt)+tag]})
		mustErr(t, err, engine.ErrInvalidInput, what+": partially overlapping destination")
	}
}

// chain checks chained sessions against the plain services they combine.
func (s *suite) chain() {
	t := s.t
	ckey, mkey := s.bytes(16), s.bytes(32)
	iv := s.bytes(16)
	cipherSess := s.session(engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: ckey, Direction: engine.Encrypt})
	macSess := s.session(engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: mkey, DigestLen: 32})
	hashSess := s.session(engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32})
	for _, order := range []engine.ChainOrder{engine.CipherThenHash, engine.HashThenCipher} {
		for _, mode := range []engine.HashMode{engine.HashModeAuth, engine.HashModePlain} {
			p := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: order, HashMode: mode,
				Cipher: engine.AESCBC, CipherKey: ckey, Direction: engine.Encrypt, DigestLen: 32}
			ref := macSess
			if mode == engine.HashModeAuth {
				p.MAC, p.AuthKey = engine.HMACSHA256, mkey
			} else {
				p.Hash = engine.SHA256
				ref = hashSess
			}
			sess := s.session(p)
			src := s.bytes(200)
			aad := s.bytes(13)
			op := engine.Op{Dir: engine.Encrypt, IV: iv, AAD: aad, Src: src, Dst: make([]byte, 200), Digest: make([]byte, 32),
				CipherOffset: 24, CipherLen: 160, HashOffset: 8, HashLen: 180}
			if err := sess.Do(&op); err != nil {
				t.Fatalf("order %d mode %d: %v", order, mode, err)
			}
			ct, err := s.do(cipherSess, engine.Op{Dir: engine.Encrypt, IV: iv, Src: src[24:184]})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Concat(src[:24], ct, src[184:])
			if !bytes.Equal(op.Dst, want) {
				t.Fatalf("order %d mode %d: output is not the plain cipher result with the rest copied", order, mode)
			}
			hashed := src
			if order == engine.CipherThenHash {
				hashed = want
			}
			d := make([]byte, 32)
			if err := ref.Do(&engine.Op{Src: slices.Concat(aad, hashed[8:188]), Digest: d}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(op.Digest, d) {
				t.Fatalf("order %d mode %d: digest is not over AAD ‖ hashed range", order, mode)
			}
			// In place gives the same.
			buf := slices.Clone(src)
			op2 := op
			op2.Src, op2.Dst, op2.Digest = buf, buf, make([]byte, 32)
			if err := sess.Do(&op2); err != nil || !bytes.Equal(buf, want) || !bytes.Equal(op2.Digest, d) {
				t.Fatalf("order %d mode %d: in place differs (%v)", order, mode, err)
			}
			for _, bad := range []engine.Op{
				{CipherOffset: 100, CipherLen: 112, HashLen: 10},
				{CipherOffset: -16, CipherLen: 16},
				{HashOffset: 190, HashLen: 20},
				{HashOffset: 1, HashLen: -1},
				{CipherOffset: 1 << 62, CipherLen: 1 << 62},
			} {
				bad.Dir, bad.IV, bad.Src, bad.Dst, bad.Digest = engine.Encrypt, iv, src, make([]byte, 200), make([]byte, 32)
				mustErr(t, sess.Do(&bad), engine.ErrInvalidInput, fmt.Sprintf("ranges %d+%d / %d+%d", bad.CipherOffset, bad.CipherLen, bad.HashOffset, bad.HashLen))
			}
		}
	}
	// A MAC that needs an IV cannot be chained with a real cipher.
	_, err := s.e.NewSession(&engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash,
		HashMode: engine.HashModeAuth, Cipher: engine.AESCBC, CipherKey: ckey, Direction: engine.Encrypt,
		MAC: engine.GMACAES, AuthKey: ckey, DigestLen: 16})
	mustErr(t, err, engine.ErrUnsupported, "GMAC chained with AES-CBC")
}

// concurrent runs one session of several kinds from many goroutines and
// checks every result equals the sequential one.
func (s *suite) concurrent() {
	t := s.t
	type job struct {
		sess engine.Session
		op   func() engine.Op
	}
	key := s.bytes(32)
	iv := s.bytes(12)
	src := s.bytes(3000)
	jobs := []job{
		{s.session(engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: key[:16], Direction: engine.Encrypt}),
			func() engine.Op {
				return engine.Op{Dir: engine.Encrypt, IV: key[:16], Src: src[:2992], Dst: make([]byte, 2992)}
			}},
		{s.session(engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32}),
			func() engine.Op { return engine.Op{Src: src, Digest: make([]byte, 32)} }},
		{s.session(engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: key, DigestLen: 32}),
			func() engine.Op { return engine.Op{Src: src, Digest: make([]byte, 32)} }},
		{s.session(engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: key[:16], DigestLen: 16, Direction: engine.Encrypt}),
			func() engine.Op {
				return engine.Op{Dir: engine.Encrypt, IV: iv, Src: src, Dst: make([]byte, len(src)+16)}
			}},
	}
	for i, j := range jobs {
		ref := j.op()
		if err := j.sess.Do(&ref); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Go(func() {
				for k := 0; k < 50; k++ {
					op := j.op()
					if err := j.sess.Do(&op); err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(op.Dst, ref.Dst) || !bytes.Equal(op.Digest, ref.Digest) {
						errs <- fmt.Errorf("job %d: concurrent result differs", i)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}
