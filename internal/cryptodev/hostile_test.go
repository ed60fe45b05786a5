package cryptodev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// Hostile-guest tests: every case is one hand-built queue content (a
// scenario) fed to a fresh queue of a fresh device; the case states the
// used elements and the status the device must give, and the same queue
// must then serve a known-good request (SP 800-38A F.2.1 AES-CBC on the
// data queue, a create and a destroy on the control queue). The scenarios
// also seed FuzzDataQueue and FuzzControlQueue.

const (
	hostileQueueSize = 16
	hostileMem       = 256 << 10
	hostileMaxSize   = 4096 // Options.MaxSize of the hostile devices
	outside          = 1 << 40
)

// kit is a fixed set of sessions created, in this order, on a fresh device,
// so that their ids (1..kitSize) are the same in every test and fuzz
// iteration. rsa and ecdsa are AKCIPHER sessions with published private
// keys (see akMaterial).
type kit struct {
	cbcEnc, cbcDec, sha256, hmac, gcmEnc, gcmDec, chain, gmac uint64
	rsa, ecdsa                                                uint64
}

// kitSize is the number of sessions in a kit.
const kitSize = 10

func newKit(tb testing.TB, dev *Device) kit {
	tb.Helper()
	mk := func(p engine.SessionParams) uint64 {
		id, st := dev.CreateSession(&p)
		if st != virtiocrypto.StatusOK {
			tb.Fatalf("creating %+v: %v", p, st)
		}
		return id
	}
	k16, k32 := bytes.Repeat([]byte{0x11}, 16), bytes.Repeat([]byte{0x22}, 32)
	gcm := func(d engine.Direction) engine.SessionParams {
		return engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: k16, DigestLen: 16, Direction: d}
	}
	return kit{
		cbcEnc: mk(cbcParams(engine.Encrypt)),
		cbcDec: mk(cbcParams(engine.Decrypt)),
		sha256: mk(engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32}),
		hmac:   mk(engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: k32, DigestLen: 32}),
		gcmEnc: mk(gcm(engine.Encrypt)),
		gcmDec: mk(gcm(engine.Decrypt)),
		chain: mk(engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
			Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: k32, DigestLen: 32}),
		gmac: mk(engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
			Cipher: engine.NoCipher, MAC: engine.GMACAES, AuthKey: k16, DigestLen: 16}),
		rsa:   mk(akMaterial().rsaPriv),
		ecdsa: mk(akMaterial().ecdsaPriv),
	}
}

// hostileDevice is a fresh device with the kit's sessions.
func hostileDevice(tb testing.TB) (*Device, kit) {
	tb.Helper()
	dev, err := New(testEngine, Options{MaxSize: hostileMaxSize, MaxSessions: 64})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(dev.Close)
	return dev, newKit(tb, dev)
}

// hostileCase is one hostile queue content and what the device must answer.
type hostileCase struct {
	name string
	// build adds the case to s and returns the guest address of the
	// answer (the status byte; for a create, struct
	// virtio_crypto_session_input), 0 when the chain can hold none.
	build func(s *scenario, k kit) uint64
	// used is the number of used elements (-1: none); len their length.
	used int
	len  uint32
	// st is the status at the answer address (when it is not 0).
	st virtiocrypto.Status
	// check, when set, runs after the case (before the good request).
	check func(t *testing.T, e *qenv, k kit)
}

// last is the address of the last byte of d (where the status goes).
func last(d virtqtest.Desc) uint64 { return d.Addr + uint64(d.Len) - 1 }

// Builders for data requests on the kit's AES-CBC encryption session.
func cbcHdr(k kit) []byte { return cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 64, 64) }

// cbcChain adds a request with header hdr, the F.2.1 IV and plaintext, a
// 64-byte dst and a status byte; it returns the status address.
// The buffers lie in this order in the blob: header at 0, IV at 72,
// plaintext at 88, dst at 152, status at 216.
func cbcChain(s *scenario, hdr []byte) uint64 {
	h, iv, pt, dst, st := s.r(hdr), s.r(cbcIV), s.r(cbcPT), s.w(64), s.w(1)
	s.chain(h, iv, pt, dst, st)
	return st.Addr
}

// checkBlob returns a check that guest memory at blob offset off holds want.
func checkBlob(off int, want []byte) func(t *testing.T, e *qenv, k kit) {
	return func(t *testing.T, e *qenv, _ kit) {
		if got := e.bytes(blobGPA+uint64(off), len(want)); !bytes.Equal(got, want) {
			t.Errorf("guest memory at blob+%d = %x, want %x", off, got, want)
		}
	}
}

func hostileDataCases() []hostileCase {
	ok, errSt := virtiocrypto.StatusOK, virtiocrypto.StatusErr
	return append(akHostileDataCases(), []hostileCase{
		{name: "valid AES-CBC request", used: 1, len: 65, st: ok,
			build: func(s *scenario, k kit) uint64 { return cbcChain(s, cbcHdr(k)) },
			check: checkBlob(152, cbcCT)},
		{name: "valid request through an indirect table", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.indirect(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT), s.w(64), st))
			return st.Addr
		}},
		{name: "Linux repeated descriptors (src split 3/5/8)", used: 1, len: 3 + 5 + 8 + 5 + 8 + 8 + 1, st: ok, build: func(s *scenario, k kit) uint64 {
			// research/qemu-vhost-user-crypto.md §5.4: R72 R16 R3 R5 R8 R5 R8 R8 W3 W5 W8 W5 W8 W8 W1.
			h := s.r(cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 16, 16))
			iv := s.r(cbcIV)
			a, b, c := s.r(cbcPT[:3]), s.r(cbcPT[3:8]), s.r(cbcPT[8:16])
			x, y, z := s.w(3), s.w(5), s.w(8)
			st := s.w(1)
			s.chain(h, iv, a, b, c, b, c, c, x, y, z, y, z, z, st)
			return st.Addr
		}, check: func(t *testing.T, e *qenv, k kit) {
			// dst is written from the start of the writable part: W3 W5 W8,
			// which lie back to back at blob offset 72+16+16.
			if got := e.bytes(blobGPA+72+16+16, 16); !bytes.Equal(got, cbcCT[:16]) {
				t.Errorf("dst %x, want %x", got, cbcCT[:16])
			}
		}},
		{name: "header split into nine descriptors", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			h := cbcHdr(k)
			var ds []virtqtest.Desc
			for i := 0; i < 72; i += 8 {
				ds = append(ds, s.r(h[i:i+8]))
			}
			st := s.w(1)
			ds = append(ds, s.r(cbcIV), s.r(cbcPT), s.w(64), st)
			s.chain(ds...)
			return st.Addr
		}},
		{name: "descriptor loop of two", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			h, iv := s.r(cbcHdr(k)), s.r(cbcIV)
			h.Flags, h.Next = virtio.DescFNext, 1
			iv.Flags, iv.Next = virtio.DescFNext, 0
			s.heads = append(s.heads, s.raw(h, iv))
			return 0
		}},
		{name: "descriptor pointing to itself", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			h := s.r(cbcHdr(k))
			h.Flags, h.Next = virtio.DescFNext, 0
			s.heads = append(s.heads, s.raw(h))
			return 0
		}},
		{name: "loop inside an indirect table", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			h, w := s.r(cbcHdr(k)), s.w(65)
			h.Flags, h.Next = virtio.DescFNext, 1
			w.Flags, w.Next = virtio.DescFWrite|virtio.DescFNext, 0
			s.chain(s.table(h, w))
			return 0
		}},
		{name: "next index outside the table", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			h := s.r(cbcHdr(k))
			h.Flags, h.Next = virtio.DescFNext, 200
			s.heads = append(s.heads, s.raw(h))
			return 0
		}},
		// Malformed chains whose last descriptor is writable still get
		// ERR there (DESIGN.md habit 3), with the writable length as the
		// used length.
		{name: "buffer outside guest memory", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			w := s.w(65)
			s.chain(virtqtest.Desc{Addr: outside, Len: 72}, w)
			return last(w)
		}},
		{name: "buffer straddling the end of guest memory", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			w := s.w(65)
			s.chain(virtqtest.Desc{Addr: hostileMem - 8, Len: 72}, w)
			return last(w)
		}},
		{name: "address plus length wraps around 2^64", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(cbcHdr(k)), virtqtest.Desc{Addr: ^uint64(0) - 7, Len: 16, Flags: virtio.DescFWrite})
			return 0
		}},
		{name: "length 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			h := s.r(cbcHdr(k))
			h.Len = 0xFFFFFFFF
			w := s.w(65)
			s.chain(h, w)
			return last(w)
		}},
		{name: "lengths adding up past 2^32", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			w := s.w(65)
			s.chain(virtqtest.Desc{Addr: blobGPA, Len: 0x80000000}, virtqtest.Desc{Addr: blobGPA, Len: 0x80000000}, w)
			return last(w)
		}},
		{name: "indirect table inside an indirect table", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			inner := s.indirect(s.r(cbcHdr(k)), s.w(65))
			s.chain(s.table(inner))
			return 0
		}},
		{name: "indirect descriptor with NEXT", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			t := s.indirect(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT))
			s.chain(t, s.w(65))
			return 0
		}},
		{name: "indirect table length not a multiple of 16", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			t := s.indirect(s.r(cbcHdr(k)), s.w(65))
			t.Len = 24
			s.chain(t)
			return 0
		}},
		{name: "empty indirect table", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(virtqtest.Desc{Addr: blobGPA, Len: 0, Flags: virtio.DescFIndirect})
			return 0
		}},
		{name: "indirect table longer than the queue", used: 1, len: virtq.MinChainLimit, st: errSt, build: func(s *scenario, k kit) uint64 {
			// Longer than max(queue size, virtq.MinChainLimit): refused,
			// with ERR in its last writable byte.
			ds := []virtqtest.Desc{s.r(cbcHdr(k))}
			for range max(hostileQueueSize, virtq.MinChainLimit) {
				ds = append(ds, s.w(1))
			}
			s.chain(s.indirect(ds...))
			return 0
		}},
		{name: "indirect table outside guest memory", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(virtqtest.Desc{Addr: outside, Len: 64, Flags: virtio.DescFIndirect})
			return 0
		}},
		{name: "writable descriptor before a readable one", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.w(64), s.r(cbcHdr(k)), st)
			return st.Addr
		}},
		// Zero-length descriptors carry nothing and are skipped (Linux
		// sends them after a split AF_ALG read; split-ring Message
		// Framing: no assumptions about the arrangement).
		{name: "zero-length readable descriptor (skipped)", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			w := s.w(65)
			s.chain(s.r(cbcHdr(k)), virtqtest.Desc{Addr: blobGPA}, s.r(cbcIV), s.r(cbcPT), w)
			return last(w)
		}},
		{name: "zero-length descriptor after the status (skipped)", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			w := s.w(65)
			s.chain(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT), w, virtqtest.Desc{Addr: blobGPA, Flags: virtio.DescFWrite})
			return last(w)
		}},
		{name: "zero-length readable descriptor after a writable one", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT), s.w(65), virtqtest.Desc{Addr: blobGPA})
			return 0
		}},
		{name: "no writable descriptor (no status byte)", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT))
			return 0
		}},
		{name: "head outside the table", used: -1, build: func(s *scenario, k kit) uint64 {
			cbcChain(s, cbcHdr(k))
			s.heads[0] = 300
			return 0
		}},
		{name: "the same head made available twice", used: 2, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			st := cbcChain(s, cbcHdr(k))
			s.heads = append(s.heads, s.heads[0])
			return st
		}},
		{name: "header shorter than 72 bytes", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(cbcHdr(k)[:40]), s.w(64), st)
			return st.Addr
		}},
		{name: "status byte only", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(st)
			return st.Addr
		}},
		{name: "src beyond the readable part", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT[:32]), s.w(64), st)
			return st.Addr
		}},
		{name: "dst beyond the writable part", used: 1, len: 33, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT), s.w(32), st)
			return st.Addr
		}},
		{name: "declared lengths beyond max_size", used: 1, len: hostileMaxSize + 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, hostileMaxSize, hostileMaxSize)),
				s.r(cbcIV), s.r(make([]byte, hostileMaxSize)), s.w(hostileMaxSize), st)
			return st.Addr
		}},
		{name: "declared lengths exactly at max_size", used: 1, len: 2032 + 1, st: ok, build: func(s *scenario, k kit) uint64 {
			// 16 + 2032 + 2032 = 4080 <= 4096 (2032 is 127 AES blocks).
			st := s.w(1)
			s.chain(s.r(cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 2032, 2032)), s.r(cbcIV), s.r(make([]byte, 2032)), s.w(2032), st)
			return st.Addr
		}},
		{name: "iv_len 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 0xFFFFFFFF, 64, 64))
		}},
		{name: "src_data_len 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 0xFFFFFFFF, 64))
		}},
		{name: "dst_data_len 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 64, 0xFFFFFFFF))
		}},
		{name: "every length 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF))
		}},
		{name: "chained lengths 0xFFFFFFFF", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: k.chain},
				Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
					IVLen: 16, SrcDataLen: 64, DstDataLen: 64, AADLen: 0xFFFFFFFF, HashResultLen: 0xFFFFFFFF,
					LenToCipher: 0xFFFFFFFF, LenToHash: 0xFFFFFFFF, CipherStartSrcOffset: 0xFFFFFFFF, HashStartSrcOffset: 0xFFFFFFFF}}}
			return cbcChain(s, r.Append(nil, 0))
		}},
		{name: "chained ranges outside src", used: 1, len: 64 + 32 + 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: k.chain},
				Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
					IVLen: 16, SrcDataLen: 64, DstDataLen: 64, HashResultLen: 32,
					CipherStartSrcOffset: 0xFFFFFFF0, LenToCipher: 32, HashStartSrcOffset: 48, LenToHash: 0xFFFFFFF0}}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcIV), s.r(cbcPT), s.w(64), s.w(32), st)
			return st.Addr
		}},
		{name: "dst_data_len smaller than src_data_len", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 64, 48))
		}},
		{name: "src and dst partially overlap in guest memory", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			h, iv, src := s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT)
			s.space(64)
			st := s.w(1)
			s.chain(h, iv, src, virtqtest.Desc{Addr: src.Addr + 16, Len: 64, Flags: virtio.DescFWrite}, st)
			return st.Addr
		}},
		{name: "src and dst are the same buffer (in place)", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			h, iv, src := s.r(cbcHdr(k)), s.r(cbcIV), s.r(cbcPT)
			st := s.w(1)
			s.chain(h, iv, src, virtqtest.Desc{Addr: src.Addr, Len: 64, Flags: virtio.DescFWrite}, st)
			return st.Addr
		}, check: checkBlob(72+16, cbcCT)},
		{name: "dst overlaps the IV buffer", used: 1, len: 65, st: ok, build: func(s *scenario, k kit) uint64 {
			// The device copies the IV before the cipher writes dst.
			// Blob: header, plaintext, IV, 48 spare bytes; dst starts at the IV.
			h, src, iv := s.r(cbcHdr(k)), s.r(cbcPT), s.r(cbcIV)
			s.space(48)
			st := s.w(1)
			s.chain(h, iv, src, virtqtest.Desc{Addr: iv.Addr, Len: 64, Flags: virtio.DescFWrite}, st)
			return st.Addr
		}, check: checkBlob(72+64, cbcCT)},
		{name: "digest overlaps the hash source", used: 1, len: 33, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: k.sha256},
				Hash: virtiocrypto.HashDataParams{SrcDataLen: 64, HashResultLen: 32}}
			h, src := s.r(r.Append(nil, 0)), s.r(cbcPT)
			st := s.w(1)
			s.chain(h, src, virtqtest.Desc{Addr: src.Addr + 8, Len: 32, Flags: virtio.DescFWrite}, st)
			return st.Addr
		}},
		{name: "session id 0", used: 1, len: 65, st: virtiocrypto.StatusInvSess, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, 0, 16, 64, 64))
		}},
		{name: "random session id", used: 1, len: 65, st: virtiocrypto.StatusInvSess, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, 0x9e3779b97f4a7c15, 16, 64, 64))
		}},
		{name: "unknown opcode", used: 1, len: 65, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.MakeOpcode(virtiocrypto.ServiceCipher, 0x77), k.cbcEnc, 16, 64, 64))
		}},
		{name: "IPsec opcode", used: 1, len: 65, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeIPsecOutbound, k.cbcEnc, 16, 64, 64))
		}},
		{name: "control opcode on the data queue", used: 1, len: 65, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherCreateSession, k.cbcEnc, 16, 64, 64))
		}},
		{name: "AKCIPHER opcode on a cipher session", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAkcipherEncrypt, SessionID: k.cbcEnc},
				Akcipher: virtiocrypto.AkcipherDataParams{SrcDataLen: 64, DstDataLen: 64}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcPT), s.w(64), st)
			return st.Addr
		}, check: checkBlob(1+72+64, bytes.Repeat([]byte{0xEE}, 64))},
		{name: "unknown op_type", used: 1, len: 65, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			h := cbcHdr(k)
			binary.LittleEndian.PutUint32(h[24+40:], 7)
			return cbcChain(s, h)
		}},
		{name: "op_type NONE", used: 1, len: 65, st: virtiocrypto.StatusNotSupp, build: func(s *scenario, k kit) uint64 {
			h := cbcHdr(k)
			binary.LittleEndian.PutUint32(h[24+40:], uint32(virtiocrypto.SymOpNone))
			return cbcChain(s, h)
		}},
		{name: "HASH request on a cipher session", used: 1, len: 33, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: k.cbcEnc},
				Hash: virtiocrypto.HashDataParams{SrcDataLen: 64, HashResultLen: 32}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcPT), s.w(32), st)
			return st.Addr
		}},
		{name: "decrypt request on an encryption session", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherDecrypt, k.cbcEnc, 16, 64, 64))
		}},
		{name: "chained request on a plain cipher session", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			h := cbcHdr(k)
			binary.LittleEndian.PutUint32(h[24+40:], uint32(virtiocrypto.SymOpAlgorithmChaining))
			return cbcChain(s, h)
		}},
		{name: "AES-CBC source not a whole number of blocks", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 16, 63, 64))
		}},
		{name: "8-byte IV for AES-CBC", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			return cbcChain(s, cipherReq(virtiocrypto.OpcodeCipherEncrypt, k.cbcEnc, 8, 64, 64))
		}},
		{name: "hash_result_len beyond the digest size", used: 1, len: 34, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeHash, SessionID: k.sha256},
				Hash: virtiocrypto.HashDataParams{SrcDataLen: 64, HashResultLen: 33}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcPT), s.w(33), st)
			return st.Addr
		}},
		{name: "AEAD tag_len differing from the session's", used: 1, len: 64 + 8 + 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, SessionID: k.gcmEnc},
				AEAD: virtiocrypto.AEADDataParams{IVLen: 12, SrcDataLen: 64, DstDataLen: 72, TagLen: 8}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcIV[:12]), s.r(cbcPT), s.w(72), st)
			return st.Addr
		}},
		{name: "AEAD decrypt source shorter than the tag", used: 1, len: 9, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADDecrypt, SessionID: k.gcmDec},
				AEAD: virtiocrypto.AEADDataParams{IVLen: 12, SrcDataLen: 8, DstDataLen: 8, TagLen: 16}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcIV[:12]), s.r(cbcPT[:8]), s.w(8), st)
			return st.Addr
		}},
		{name: "AEAD dst shorter than ciphertext and tag", used: 1, len: 65, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeAEADEncrypt, SessionID: k.gcmEnc},
				AEAD: virtiocrypto.AEADDataParams{IVLen: 12, SrcDataLen: 64, DstDataLen: 64, TagLen: 16}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcIV[:12]), s.r(cbcPT), s.w(64), st)
			return st.Addr
		}},
		{name: "GMAC through a chained request without an IV", used: 1, len: 64 + 16 + 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: k.gmac},
				Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
					SrcDataLen: 64, DstDataLen: 64, LenToHash: 64, HashResultLen: 16}}}
			st := s.w(1)
			s.chain(s.r(r.Append(nil, 0)), s.r(cbcPT), s.w(64), s.w(16), st)
			return st.Addr
		}},
	}...)
}

// Builders for control requests.
func ctrlCreate(s *scenario, req, keys []byte) uint64 {
	in := s.w(16)
	if len(keys) > 0 {
		s.chain(s.r(req), s.r(keys), in)
	} else {
		s.chain(s.r(req), in)
	}
	return in.Addr
}

func cbcCreate() []byte {
	p := cbcParams(engine.Encrypt)
	req, _ := createReq(&p)
	return req
}

// ctrlWith returns a create request for p with its key lengths as given.
func ctrlWith(p engine.SessionParams, edit func(r *virtiocrypto.CtrlRequest)) []byte {
	r, _ := cryptodevtest.SessionRequest(&p)
	edit(&r)
	return r.Append(nil, 0)
}

func hostileControlCases() []hostileCase {
	ok, errSt, notSupp := virtiocrypto.StatusOK, virtiocrypto.StatusErr, virtiocrypto.StatusNotSupp
	input := uint32(virtiocrypto.CreateSessionInputSize)
	cbc := cbcParams(engine.Encrypt)
	hmacP := engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: make([]byte, 32), DigestLen: 32}
	gcmP := engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: make([]byte, 16), DigestLen: 16, Direction: engine.Encrypt}
	chainP := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth,
		Cipher: engine.AESCBC, CipherKey: make([]byte, 16), Direction: engine.Encrypt, MAC: engine.HMACSHA256, AuthKey: make([]byte, 32), DigestLen: 32}
	sessions := func(want int) func(t *testing.T, e *qenv, k kit) {
		return func(t *testing.T, e *qenv, _ kit) {
			if n := e.dev.Sessions().Len(); n != want {
				t.Errorf("%d live sessions, want %d", n, want)
			}
		}
	}
	const kitSessions = kitSize
	return append(akHostileControlCases(), []hostileCase{
		{name: "valid create", used: 1, len: input, st: ok, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, cbcCreate(), cbcKey)
		}, check: sessions(kitSessions + 1)},
		{name: "cipher key beyond max_cipher_key_len", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(cbc, func(r *virtiocrypto.CtrlRequest) { r.Sym.Cipher.KeyLen = 65 }), make([]byte, 65))
		}},
		{name: "AEAD key beyond max_cipher_key_len", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(gcmP, func(r *virtiocrypto.CtrlRequest) { r.AEAD.KeyLen = 65 }), make([]byte, 65))
		}},
		{name: "MAC key beyond max_auth_key_len", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(hmacP, func(r *virtiocrypto.CtrlRequest) { r.MAC.AuthKeyLen = 513 }), make([]byte, 513))
		}},
		{name: "chain MAC key beyond max_auth_key_len", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(chainP, func(r *virtiocrypto.CtrlRequest) { r.Sym.Chain.MAC.AuthKeyLen = 513 }), make([]byte, 16+513))
		}},
		{name: "key_len 0xFFFFFFFF", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(cbc, func(r *virtiocrypto.CtrlRequest) { r.Sym.Cipher.KeyLen = 0xFFFFFFFF }), cbcKey)
		}},
		{name: "both chain keys 0xFFFFFFFF", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(chainP, func(r *virtiocrypto.CtrlRequest) {
				r.Sym.Chain.Cipher.KeyLen, r.Sym.Chain.MAC.AuthKeyLen = 0xFFFFFFFF, 0xFFFFFFFF
			}), make([]byte, 48))
		}},
		{name: "key beyond the readable part", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, cbcCreate(), nil)
		}, check: sessions(kitSessions)},
		{name: "request shorter than 72 bytes", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, cbcCreate()[:71], nil)
		}},
		{name: "unknown control opcode", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			r := cbcCreate()
			binary.LittleEndian.PutUint32(r, uint32(virtiocrypto.MakeOpcode(virtiocrypto.ServiceCipher, 0x09)))
			return ctrlCreate(s, r, cbcKey)
		}},
		{name: "data opcode on the control queue", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			r := cbcCreate()
			binary.LittleEndian.PutUint32(r, uint32(virtiocrypto.OpcodeAEADEncrypt))
			return ctrlCreate(s, r, cbcKey)
		}},
		{name: "AKCIPHER create with a 16-byte zero key", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			r := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeAkcipherCreateSession},
				Akcipher: virtiocrypto.AkcipherSessionParams{Algo: virtiocrypto.AkcipherRSA, KeyType: virtiocrypto.KeyTypePrivate, KeyLen: 16}}
			return ctrlCreate(s, r.Append(nil, 0), make([]byte, 16))
		}, check: sessions(kitSessions)},
		{name: "NESTED hash mode", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(chainP, func(r *virtiocrypto.CtrlRequest) {
				r.Sym.Chain.HashMode, r.Sym.Chain.MAC = virtiocrypto.HashModeNested, virtiocrypto.MACSessionParams{}
			}), make([]byte, 16))
		}},
		{name: "undefined hash mode", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(chainP, func(r *virtiocrypto.CtrlRequest) {
				r.Sym.Chain.HashMode, r.Sym.Chain.MAC = 0x102, virtiocrypto.MACSessionParams{}
			}), make([]byte, 16))
		}},
		{name: "undefined cipher direction 0x101", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(cbc, func(r *virtiocrypto.CtrlRequest) { r.Sym.Cipher.Op = 0x101 }), cbcKey)
		}, check: sessions(kitSessions)},
		{name: "undefined AEAD direction 0x102", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(gcmP, func(r *virtiocrypto.CtrlRequest) { r.AEAD.Op = 0x102 }), make([]byte, 16))
		}, check: sessions(kitSessions)},
		{name: "undefined chain order 0x102", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(chainP, func(r *virtiocrypto.CtrlRequest) { r.Sym.Chain.Order = 0x102 }), make([]byte, 48))
		}, check: sessions(kitSessions)},
		{name: "undefined op_type in a cipher create", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			r := cbcCreate()
			binary.LittleEndian.PutUint32(r[16+48:], 9)
			return ctrlCreate(s, r, nil)
		}},
		{name: "unknown cipher algorithm", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(cbc, func(r *virtiocrypto.CtrlRequest) { r.Sym.Cipher.Algo = 63 }), cbcKey)
		}},
		{name: "bad AES key length", used: 1, len: input, st: errSt, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, ctrlWith(cbc, func(r *virtiocrypto.CtrlRequest) { r.Sym.Cipher.KeyLen = 17 }), make([]byte, 17))
		}},
		{name: "create with a 1-byte answer area", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(cbcCreate()), s.r(cbcKey), s.w(1))
			return 0
		}, check: sessions(kitSessions)},
		{name: "create without a writable part", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(cbcCreate()), s.r(cbcKey))
			return 0
		}, check: sessions(kitSessions)},
		{name: "destroy without a writable part", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeCipherDestroySession, k.cbcEnc)))
			return 0
		}, check: sessions(kitSessions)},
		{name: "destroy of session 0", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeCipherDestroySession, 0)), st)
			return st.Addr
		}},
		{name: "destroy of an unknown id", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeHashDestroySession, 0x9e3779b97f4a7c15)), st)
			return st.Addr
		}},
		{name: "valid destroy", used: 1, len: 1, st: ok, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeHashDestroySession, k.sha256)), st)
			return st.Addr
		}, check: sessions(kitSessions - 1)},
		{name: "destroy request shorter than 72 bytes", used: 1, len: 1, st: errSt, build: func(s *scenario, k kit) uint64 {
			st := s.w(1)
			s.chain(s.r(destroyReq(virtiocrypto.OpcodeCipherDestroySession, k.cbcEnc)[:24]), st)
			return st.Addr
		}, check: sessions(kitSessions)},
		{name: "garbage request (0xA5 bytes)", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, bytes.Repeat([]byte{0xA5}, 72), bytes.Repeat([]byte{0xA5}, 200))
		}},
		{name: "garbage request (0xFF bytes)", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, bytes.Repeat([]byte{0xFF}, 72), nil)
		}},
		{name: "all-zero request", used: 1, len: input, st: notSupp, build: func(s *scenario, k kit) uint64 {
			return ctrlCreate(s, make([]byte, 72), nil)
		}},
		{name: "descriptor loop", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			h, key := s.r(cbcCreate()), s.r(cbcKey)
			h.Flags, h.Next = virtio.DescFNext, 1
			key.Flags, key.Next = virtio.DescFNext, 0
			s.heads = append(s.heads, s.raw(h, key))
			return 0
		}, check: sessions(kitSessions)},
		{name: "writable descriptor before a readable one", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(s.w(16), s.r(cbcCreate()), s.r(cbcKey))
			return 0
		}, check: sessions(kitSessions)},
		{name: "buffer outside guest memory", used: 1, len: 0, build: func(s *scenario, k kit) uint64 {
			s.chain(virtqtest.Desc{Addr: outside, Len: 72}, s.w(16))
			return 0
		}},
	}...)
}

// runHostile runs one case on a fresh device and queue, checks the
// answer, and then serves a good request on the same queue.
func runHostile(t *testing.T, c hostileCase, ctrl bool) {
	dev, k := hostileDevice(t)
	e := newQEnv(t, dev, ctrl, hostileQueueSize, hostileMem)
	var s scenario
	at := c.build(&s, k)
	u := e.run(&s)
	want := max(c.used, 0)
	if len(u) != want {
		t.Fatalf("%d used elements %v, want %d", len(u), u, want)
	}
	for i, x := range u {
		if x.id != uint32(s.heads[i]) || x.len != c.len {
			t.Errorf("used element %d = {id %d, len %d}, want {id %d, len %d}", i, x.id, x.len, s.heads[i], c.len)
		}
	}
	if at != 0 {
		var st virtiocrypto.Status
		if ctrl && c.len == virtiocrypto.CreateSessionInputSize {
			in := e.bytes(at, 16)
			st = virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
			if id := binary.LittleEndian.Uint64(in); (id != 0) != (st == virtiocrypto.StatusOK) {
				t.Errorf("session_id %d with status %v", id, st)
			}
		} else {
			st = virtiocrypto.Status(e.bytes(at, 1)[0])
		}
		if st != c.st {
			t.Errorf("status %v, want %v", st, c.st)
		}
	}
	if c.check != nil {
		c.check(t, e, k)
	}
	if e.q.InFlight() != 0 {
		t.Errorf("%d chains still in flight", e.q.InFlight())
	}
	assertArenaWiped(t, e.w)
	if ctrl {
		e.goodControl()
		// And a data request on a session the kit created through the
		// same device still works.
		newQEnv(t, dev, false, hostileQueueSize, hostileMem).goodCBC(k.cbcEnc)
	} else {
		e.goodCBC(k.cbcEnc)
	}
}

// assertArenaWiped checks that a worker keeps no request bytes (keys,
// plaintext) once a batch is done.
func assertArenaWiped(t testing.TB, w *Worker) {
	t.Helper()
	for i, b := range w.arena {
		if b != 0 {
			t.Fatalf("worker arena byte %d is %#x after the batch: request data left behind", i, b)
		}
	}
}

func TestHostileDataQueue(t *testing.T) {
	for _, c := range hostileDataCases() {
		t.Run(c.name, func(t *testing.T) { runHostile(t, c, false) })
	}
}

func TestHostileControlQueue(t *testing.T) {
	for _, c := range hostileControlCases() {
		t.Run(c.name, func(t *testing.T) { runHostile(t, c, true) })
	}
}

// TestHostileAvailIndex: an available index that jumps more than the queue
// size ahead, or goes backwards, makes the ring unusable (ServeData
// reports ErrRing and consumes nothing); once the driver puts the index
// back, the queue serves the next good request.
func TestHostileAvailIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		idx  func(cur uint16) uint16
	}{
		{"jump past the queue size", func(cur uint16) uint16 { return cur + hostileQueueSize + 1 }},
		{"jump by half the index space", func(cur uint16) uint16 { return cur + 0x8000 }},
		{"backwards", func(cur uint16) uint16 { return cur - 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dev, k := hostileDevice(t)
			e := newQEnv(t, dev, false, hostileQueueSize, hostileMem)
			e.goodCBC(k.cbcEnc) // so that "backwards" has somewhere to go
			cur := e.d.AvailIdx()
			e.d.SetAvailIdx(tc.idx(cur))
			err := e.serve()
			if !errors.Is(err, virtq.ErrRing) {
				t.Fatalf("serve: %v, want an error matching virtq.ErrRing", err)
			}
			if u := e.reap(); len(u) != 0 {
				t.Fatalf("used elements %v after a ring error", u)
			}
			e.d.SetAvailIdx(cur)
			e.goodCBC(k.cbcEnc)
		})
	}
}

// TestHostileManyChainsOneBatch: a full ring of mixed good and hostile
// chains is served in one batch, each completed once, in order.
func TestHostileManyChainsOneBatch(t *testing.T) {
	dev, k := hostileDevice(t)
	e := newQEnv(t, dev, false, 64, hostileMem)
	var s scenario
	var wantLen []uint32
	var names []string
	cases := hostileDataCases()
	for i := 0; i < 4*len(cases); i++ {
		c := cases[i%len(cases)]
		if c.used != 1 || c.name == "indirect table longer than the queue" { // 17 entries are fine in a 64-entry queue
			continue
		}
		one := scenario{blob: s.blob}
		c.build(&one, k)
		if len(s.descs)+len(one.descs) > 64 {
			break
		}
		// Move the case's main-table descriptors after those already
		// placed; NEXT fields inside the case and its head move with them.
		base := uint16(len(s.descs))
		for _, d := range one.descs {
			if d.Flags&virtio.DescFNext != 0 && d.Next < uint16(len(one.descs)) {
				d.Next += base
			}
			s.descs = append(s.descs, d)
		}
		s.heads = append(s.heads, one.heads[0]+base)
		s.blob = one.blob
		wantLen = append(wantLen, c.len)
		names = append(names, c.name)
	}
	if len(s.heads) < 8 {
		t.Fatalf("only %d chains built", len(s.heads))
	}
	u := e.run(&s)
	if len(u) != len(s.heads) {
		t.Fatalf("%d used elements for %d chains", len(u), len(s.heads))
	}
	for i := range u {
		if u[i].id != uint32(s.heads[i]) || u[i].len != wantLen[i] {
			t.Errorf("used element %d (%s) = %+v, want id %d len %d", i, names[i], u[i], s.heads[i], wantLen[i])
		}
	}
	e.goodCBC(k.cbcEnc)
}
