package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/xts"

	"vcrypto/internal/engine"
	"vcrypto/internal/vhostuser"
	"vcrypto/internal/virtiocrypto"
)

// algorithm is one row of the benchmark's algorithm table: how to create
// its session (engine, control queue, CREATE_CRYPTO_SESSION), how to frame
// a data request for it, and raw Go crypto doing the same work.
type algorithm struct {
	name  string // flag spelling, lower case
	title string // table spelling
	svc   engine.Service

	cipher virtiocrypto.CipherAlgo
	hash   virtiocrypto.HashAlgo
	mac    virtiocrypto.MACAlgo
	aead   virtiocrypto.AEADAlgo

	keyLen, ivLen, aadLen, digestLen int
	// block: sizes must be a multiple of it; minSize: at least it.
	block, minSize int
	// decrypt: the session and requests decrypt (ciphers only; the data
	// is the bench pattern taken as ciphertext).
	decrypt bool
}

// The algorithms the bench knows, in table order.
var algorithms = []*algorithm{
	{name: "aes-128-cbc", title: "AES-128-CBC", svc: engine.ServiceCipher, cipher: virtiocrypto.CipherAESCBC, keyLen: 16, ivLen: 16, block: 16, minSize: 16},
	{name: "aes-128-cbc-dec", title: "AES-128-CBC-dec", svc: engine.ServiceCipher, cipher: virtiocrypto.CipherAESCBC, keyLen: 16, ivLen: 16, block: 16, minSize: 16, decrypt: true},
	{name: "aes-128-ctr", title: "AES-128-CTR", svc: engine.ServiceCipher, cipher: virtiocrypto.CipherAESCTR, keyLen: 16, ivLen: 16, block: 1, minSize: 1},
	{name: "aes-256-xts", title: "AES-256-XTS", svc: engine.ServiceCipher, cipher: virtiocrypto.CipherAESXTS, keyLen: 64, ivLen: 16, block: 16, minSize: 16}, // x/crypto/xts (the raw Go baseline) has no ciphertext stealing
	{name: "aes-128-gcm", title: "AES-128-GCM", svc: engine.ServiceAEAD, aead: virtiocrypto.AEADGCM, keyLen: 16, ivLen: 12, aadLen: 16, digestLen: 16, block: 1, minSize: 1},
	{name: "chacha20-poly1305", title: "ChaCha20-Poly1305", svc: engine.ServiceAEAD, aead: virtiocrypto.AEADChaCha20Poly1305, keyLen: 32, ivLen: 12, aadLen: 16, digestLen: 16, block: 1, minSize: 1},
	{name: "sha-256", title: "SHA-256", svc: engine.ServiceHash, hash: virtiocrypto.HashSHA256, digestLen: 32, block: 1, minSize: 1},
	{name: "hmac-sha256", title: "HMAC-SHA256", svc: engine.ServiceMAC, mac: virtiocrypto.MACHMACSHA256, keyLen: 32, digestLen: 32, block: 1, minSize: 1},
}

// Algorithms returns the names --alg accepts, in table order.
func Algorithms() []string {
	names := make([]string, len(algorithms))
	for i, a := range algorithms {
		names[i] = a.name
	}
	return names
}

func findAlgorithm(name string) *algorithm {
	for _, a := range algorithms {
		if strings.EqualFold(a.name, name) || strings.EqualFold(a.title, name) {
			return a
		}
	}
	return nil
}

// fits reports why a data size does not suit the algorithm ("" if it does).
func (a *algorithm) fits(size int) string {
	if size < a.minSize {
		return fmt.Sprintf("%s needs at least %d bytes", a.title, a.minSize)
	}
	if size%a.block != 0 {
		return fmt.Sprintf("%s needs a multiple of %d bytes", a.title, a.block)
	}
	return ""
}

// Fixed bench material: keys with distinct halves (XTS refuses equal ones),
// an IV and AAD. These are not test vectors: every result is checked
// against raw Go crypto computed in the same run.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

func (a *algorithm) key() []byte { return pattern(a.keyLen, 0x11) }
func (a *algorithm) iv() []byte {
	if a.cipher == virtiocrypto.CipherAESXTS {
		// A data-unit number as IEEE 1619 encodes it (little-endian,
		// zero-padded), which x/crypto/xts takes as a uint64.
		iv := make([]byte, 16)
		binary.LittleEndian.PutUint64(iv, 0x0123456789)
		return iv
	}
	return pattern(a.ivLen, 0x40)
}
func (a *algorithm) aad() []byte { return pattern(a.aadLen, 0x70) }

// outLen is the length of the result a request writes before the status
// byte: ciphertext, ciphertext ‖ tag, or the digest.
func (a *algorithm) outLen(size int) int {
	switch a.svc {
	case engine.ServiceCipher:
		return size
	case engine.ServiceAEAD:
		return size + a.digestLen
	}
	return a.digestLen
}

// dir is the direction of the algorithm's sessions and requests.
func (a *algorithm) dir() engine.Direction {
	if a.decrypt {
		return engine.Decrypt
	}
	return engine.Encrypt
}

// op is the virtio direction of the algorithm's sessions.
func (a *algorithm) op() virtiocrypto.Direction {
	if a.decrypt {
		return virtiocrypto.OpDecrypt
	}
	return virtiocrypto.OpEncrypt
}

// engineParams returns the soft engine session of the algorithm.
func (a *algorithm) engineParams() *engine.SessionParams {
	p := &engine.SessionParams{Service: a.svc, Direction: a.dir()}
	switch a.svc {
	case engine.ServiceCipher:
		p.Cipher, p.CipherKey = engine.CipherAlg(a.cipher), a.key()
	case engine.ServiceAEAD:
		p.AEAD, p.CipherKey, p.DigestLen, p.AADLen = engine.AEADAlg(a.aead), a.key(), a.digestLen, a.aadLen
	case engine.ServiceHash:
		p.Hash, p.DigestLen = engine.HashAlg(a.hash), a.digestLen
	case engine.ServiceMAC:
		p.MAC, p.AuthKey, p.DigestLen = engine.MACAlg(a.mac), a.key(), a.digestLen
	}
	return p
}

// engineOp fills op for one request of size bytes from src into out.
func (a *algorithm) engineOp(op *engine.Op, src, out []byte) {
	*op = engine.Op{Dir: a.dir(), Src: src}
	switch a.svc {
	case engine.ServiceCipher:
		op.IV, op.Dst = a.iv(), out
	case engine.ServiceAEAD:
		op.IV, op.AAD, op.Dst = a.iv(), a.aad(), out
	default:
		op.Digest = out
	}
}

// ctrlCreate returns the device-readable part of a control-queue
// CREATE_SESSION request for the algorithm (legacy framing: the Linux
// driver's).
func (a *algorithm) ctrlCreate() [][]byte {
	r := virtiocrypto.CtrlRequest{}
	var keys [][]byte
	switch a.svc {
	case engine.ServiceCipher:
		r.Header = virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeCipherCreateSession, Algo: uint32(a.cipher)}
		r.Sym = virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherSessionParams{
			Algo: a.cipher, KeyLen: uint32(a.keyLen), Op: a.op()}}
		keys = append(keys, a.key())
	case engine.ServiceAEAD:
		r.Header = virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeAEADCreateSession, Algo: uint32(a.aead)}
		r.AEAD = virtiocrypto.AEADSessionParams{Algo: a.aead, KeyLen: uint32(a.keyLen), TagLen: uint32(a.digestLen),
			AADLen: uint32(a.aadLen), Op: virtiocrypto.OpEncrypt}
		keys = append(keys, a.key())
	case engine.ServiceHash:
		r.Header = virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeHashCreateSession, Algo: uint32(a.hash)}
		r.Hash = virtiocrypto.HashSessionParams{Algo: a.hash, HashResultLen: uint32(a.digestLen)}
	case engine.ServiceMAC:
		r.Header = virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeMACCreateSession, Algo: uint32(a.mac)}
		r.MAC = virtiocrypto.MACSessionParams{Algo: a.mac, HashResultLen: uint32(a.digestLen), AuthKeyLen: uint32(a.keyLen)}
		keys = append(keys, a.key())
	}
	return append([][]byte{r.Append(nil, 0)}, keys...)
}

// ctrlDestroy returns the device-readable part of the matching
// DESTROY_SESSION request.
func (a *algorithm) ctrlDestroy(id uint64) []byte {
	op := map[engine.Service]virtiocrypto.Opcode{
		engine.ServiceCipher: virtiocrypto.OpcodeCipherDestroySession,
		engine.ServiceAEAD:   virtiocrypto.OpcodeAEADDestroySession,
		engine.ServiceHash:   virtiocrypto.OpcodeHashDestroySession,
		engine.ServiceMAC:    virtiocrypto.OpcodeMACDestroySession,
	}[a.svc]
	r := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: op}, Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
	return r.Append(nil, 0)
}

// vhostSession returns the CREATE_CRYPTO_SESSION message (cryptodev mode),
// or nil when QEMU's cryptodev cannot carry the algorithm's service.
func (a *algorithm) vhostSession() *vhostuser.CreateSession {
	if a.svc != engine.ServiceCipher {
		return nil
	}
	s, err := vhostuser.CipherSession(vhostuser.LayoutQEMU81, a.cipher, a.op(), a.key())
	if err != nil {
		return nil
	}
	return s
}

// request returns the device-readable buffers and device-writable lengths
// of one data request of size bytes on session sid.
func (a *algorithm) request(sid uint64, src []byte) (readable [][]byte, writable []int) {
	size := len(src)
	r := virtiocrypto.DataRequest{}
	switch a.svc {
	case engine.ServiceCipher:
		opcode := virtiocrypto.OpcodeCipherEncrypt
		if a.decrypt {
			opcode = virtiocrypto.OpcodeCipherDecrypt
		}
		r.Header = virtiocrypto.DataHeader{Opcode: opcode, Algo: uint32(a.cipher), SessionID: sid}
		r.Sym = virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
			IVLen: uint32(a.ivLen), SrcDataLen: uint32(size), DstDataLen: uint32(size)}}
		readable = [][]byte{r.Append(nil, 0), a.iv(), src}
	case engine.ServiceAEAD:
		r.Header = virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, Algo: uint32(a.aead), SessionID: sid}
		r.AEAD = virtiocrypto.AEADDataParams{IVLen: uint32(a.ivLen), AADLen: uint32(a.aadLen), SrcDataLen: uint32(size),
			DstDataLen: uint32(size + a.digestLen), TagLen: uint32(a.digestLen)}
		readable = [][]byte{r.Append(nil, 0), a.iv(), src, a.aad()}
	case engine.ServiceHash:
		r.Header = virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, Algo: uint32(a.hash), SessionID: sid}
		r.Hash = virtiocrypto.HashDataParams{SrcDataLen: uint32(size), HashResultLen: uint32(a.digestLen)}
		readable = [][]byte{r.Append(nil, 0), src}
	case engine.ServiceMAC:
		r.Header = virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeMAC, Algo: uint32(a.mac), SessionID: sid}
		r.MAC = virtiocrypto.MACDataParams{SrcDataLen: uint32(size), HashResultLen: uint32(a.digestLen)}
		readable = [][]byte{r.Append(nil, 0), src}
	}
	return readable, []int{a.outLen(size), 1}
}

// chainBytes bounds the guest buffer memory one request of size bytes
// takes in the frontend's arena (16-byte aligned buffers and an indirect
// table).
func (a *algorithm) chainBytes(size int) int {
	up := func(n int) int { return (n + 15) &^ 15 }
	return up(virtiocrypto.DataRequestLegacySize) + up(a.ivLen) + up(size) + up(a.aadLen) + up(a.outLen(size)) + 16 + 16*6
}

// rawGo returns raw Go crypto doing one request's work: it writes the
// result (as the device would) into dst, which has outLen bytes, and
// returns it. Objects that Go lets a caller keep (block ciphers, AEADs,
// HMAC states) are made once; those that carry the IV are made per call
// unless they can be re-keyed with a new IV.
func (a *algorithm) rawGo() (func(dst, src []byte) []byte, error) {
	key, iv, aad := a.key(), a.iv(), a.aad()
	switch {
	case a.cipher == virtiocrypto.CipherAESCBC:
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		newMode := cipher.NewCBCEncrypter
		if a.decrypt {
			newMode = cipher.NewCBCDecrypter
		}
		bm := newMode(b, iv)
		setter, reusable := bm.(interface{ SetIV([]byte) })
		return func(dst, src []byte) []byte {
			if reusable {
				setter.SetIV(iv)
			} else {
				bm = newMode(b, iv)
			}
			bm.CryptBlocks(dst[:len(src)], src)
			return dst[:len(src)]
		}, nil
	case a.cipher == virtiocrypto.CipherAESCTR:
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return func(dst, src []byte) []byte {
			cipher.NewCTR(b, iv).XORKeyStream(dst[:len(src)], src)
			return dst[:len(src)]
		}, nil
	case a.cipher == virtiocrypto.CipherAESXTS:
		c, err := xts.NewCipher(aes.NewCipher, key)
		if err != nil {
			return nil, err
		}
		sector := binary.LittleEndian.Uint64(iv)
		return func(dst, src []byte) []byte {
			c.Encrypt(dst[:len(src)], src, sector)
			return dst[:len(src)]
		}, nil
	case a.aead == virtiocrypto.AEADGCM:
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		g, err := cipher.NewGCM(b)
		if err != nil {
			return nil, err
		}
		return func(dst, src []byte) []byte { return g.Seal(dst[:0], iv, src, aad) }, nil
	case a.aead == virtiocrypto.AEADChaCha20Poly1305:
		c, err := chacha20poly1305.New(key)
		if err != nil {
			return nil, err
		}
		return func(dst, src []byte) []byte { return c.Seal(dst[:0], iv, src, aad) }, nil
	case a.svc == engine.ServiceHash && a.hash == virtiocrypto.HashSHA256:
		return func(dst, src []byte) []byte {
			s := sha256.Sum256(src)
			return dst[:copy(dst, s[:])]
		}, nil
	case a.svc == engine.ServiceMAC && a.mac == virtiocrypto.MACHMACSHA256:
		h := hmac.New(sha256.New, key)
		return func(dst, src []byte) []byte {
			h.Reset()
			h.Write(src)
			return h.Sum(dst[:0])
		}, nil
	}
	return nil, fmt.Errorf("%w: no raw Go baseline for %s", ErrConfig, a.title)
}
