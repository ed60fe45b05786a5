package vhostuser

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
)

// FuzzDecoders feeds arbitrary bytes to every payload decoder. Property:
// no panic, and whatever decodes re-encodes to the same bytes (padding
// fields excepted).
func FuzzDecoders(f *testing.F) {
	f.Add((&enc{}).u32(1).u32(1).u32(0).b)
	f.Add(VringAddr{Index: 1, Desc: 2, Used: 3, Avail: 4, Log: 5}.Append(nil))
	f.Add(MemoryTable{Regions: []MemoryRegion{{1, 2, 3, 4}, {5, 6, 7, 8}}}.Append(nil))
	f.Add(ConfigPayload{Offset: 1, Size: 4, Data: []byte{1, 2, 3, 4}}.Append(nil))
	f.Add(VringFile{Index: 3, NoFD: true}.Append(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, err := ParseHeader(b); err == nil && !bytes.Equal(h.Append(nil), b[:HeaderSize]) {
			t.Error("header round trip")
		}
		if v, err := ParseU64(b); err == nil && !bytes.Equal(AppendU64(nil, v), b) {
			t.Error("u64 round trip")
		}
		if s, err := ParseVringState(b); err == nil && !bytes.Equal(s.Append(nil), b) {
			t.Error("vring state round trip")
		}
		if a, err := ParseVringAddr(b); err == nil && !bytes.Equal(a.Append(nil), b) {
			t.Error("vring addr round trip")
		}
		if v, err := ParseVringFile(b); err == nil && !bytes.Equal(v.Append(nil), b) {
			t.Error("vring file round trip")
		}
		if m, err := ParseMemoryTable(b); err == nil {
			want := bytes.Clone(b)
			clear(want[4:8])
			if !bytes.Equal(m.Append(nil), want) {
				t.Error("memory table round trip")
			}
		}
		if c, err := ParseConfigPayload(b); err == nil && !bytes.Equal(c.Append(nil), b) {
			t.Error("config round trip")
		}
	})
}

// FuzzCreateSession decodes arbitrary session payloads of both sizes.
// Properties: decoding never fails for the right sizes; decode(encode(x))
// == x; the translation to engine parameters never panics and keeps keys
// within their arrays; the reply has the request's size and the id at the
// layout's offset.
func FuzzCreateSession(f *testing.F) {
	f.Add(false, qemu72Request())
	s, _ := CipherSession(LayoutQEMU81, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, sp80038aKey)
	f.Add(true, s.Append(nil))
	s, _ = CipherSession(LayoutQEMU70, virtiocrypto.CipherAESCBC, virtiocrypto.OpDecrypt, sp80038aKey)
	f.Add(false, s.Append(nil))
	// AKCIPHER sessions as QEMU ≥ 8.1 forwards them: RSA PKCS#1 with
	// SHA-256 and a public key, ECDSA P-256 with a private key, a raw RSA
	// session, and one with key_len past the 1024-byte array.
	for _, p := range []engine.AKCipherParams{
		{Alg: engine.RSA, KeyType: engine.KeyPublic, Padding: engine.RSAPKCS1Padding, Hash: engine.RSASHA256, Key: bytes.Repeat([]byte{0x30}, 270)},
		{Alg: engine.ECDSA, KeyType: engine.KeyPrivate, Curve: engine.CurveP256, Key: bytes.Repeat([]byte{0x04}, 121)},
		{Alg: engine.RSA, KeyType: engine.KeyPrivate, Key: bytes.Repeat([]byte{0x02}, 1024)},
	} {
		a, err := AkcipherSession(&p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(true, a.Append(nil))
		a.Asym.KeyLen = AsymKeyMax + 1
		f.Add(true, a.Append(nil))
	}
	f.Fuzz(func(t *testing.T, big bool, data []byte) {
		n := SessionSizeLegacy
		if big {
			n = SessionSize81
		}
		b := make([]byte, n)
		copy(b, data)
		x, err := ParseCreateSession(b)
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseCreateSession(x.Append(nil))
		if err != nil || y != x {
			t.Fatalf("decode(encode(x)) != x: %v", err)
		}
		if p, err := x.SessionParams(); err == nil {
			switch {
			case x.IsAsym():
				a := &x.Asym
				if p.Service != engine.ServiceAKCipher || len(p.AK.Key) != int(a.KeyLen) || len(p.AK.Key) > AsymKeyMax ||
					(len(p.AK.Key) > 0 && &p.AK.Key[0] != &x.Asym.Key[0]) ||
					uint32(p.AK.Alg) != a.Algo || uint32(p.AK.KeyType) != a.KeyType || p.CipherKey != nil || p.AuthKey != nil {
					t.Fatalf("asym params %+v", p)
				}
				switch p.AK.Alg {
				case engine.RSA:
					if uint32(p.AK.Padding) != a.PaddingAlgo || uint32(p.AK.Hash) != a.HashAlgo || p.AK.Curve != 0 {
						t.Fatalf("RSA params %+v", p.AK)
					}
				case engine.ECDSA:
					if uint32(p.AK.Curve) != a.PaddingAlgo || p.AK.Padding != 0 || p.AK.Hash != 0 {
						t.Fatalf("ECDSA params %+v", p.AK)
					}
				}
			case len(p.CipherKey) > SymKeyMax || len(p.AuthKey) > SymAuthKeyMax || p.Service != 0 || p.AK.Key != nil:
				t.Fatalf("params %+v", p)
			}
		} else if st := cryptodev.Status(err); st == virtiocrypto.StatusOK {
			t.Fatal("error mapped to OK")
		}
		r, err := AppendSessionReply(nil, b, -5)
		if err != nil || len(r) != n {
			t.Fatal(err)
		}
		if id, err := ParseSessionReply(r, x.Layout); err != nil || id != -5 {
			t.Fatal(id, err)
		}
	})
}

// fuzzMemSize is the size of each memory file the backend fuzzer attaches
// to SET_MEM_TABLE.
const fuzzMemSize = 1 << 16

// backendSeed is a valid QEMU-like session on one data queue, for the
// backend fuzzer: handshake, memory table (one region, guest address 0,
// user address 0x10000), ring 0 of size 16 (descriptors at 0, available
// ring at 0x100, used ring at 0x200), a session, a ring stop.
func backendSeed(mode Mode) []byte {
	var b []byte
	m := func(r Request, p []byte) { b = append(b, msg(r, p)...) }
	m(ReqGetFeatures, nil)
	m(ReqGetProtocolFeatures, nil)
	m(ReqSetProtocolFeatures, u64(OfferedProtocolFeatures(mode)))
	m(ReqGetQueueNum, nil)
	m(ReqSetOwner, nil)
	m(ReqSetFeatures, u64(FeatureProtocolFeatures))
	m(ReqSetMemTable, MemoryTable{Regions: []MemoryRegion{{GPA: 0, Size: fuzzMemSize, UserAddr: 0x10000}}}.Append(nil))
	m(ReqSetVringNum, VringState{Num: 16}.Append(nil))
	m(ReqSetVringBase, VringState{}.Append(nil))
	m(ReqSetVringAddr, VringAddr{Desc: 0x10000, Avail: 0x10100, Used: 0x10200}.Append(nil))
	if mode == ModeCryptodev {
		s, _ := CipherSession(LayoutQEMU71, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, sp80038aKey)
		m(ReqCreateCryptoSession, s.Append(nil))
		// An AKCIPHER session as QEMU ≥ 8.1 forwards it: ECDSA P-256 with
		// the RFC 6979 A.2.5 key (SEC 1 public point).
		point := unhex("0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6" +
			"7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")
		a, _ := AkcipherSession(&engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPublic, Curve: engine.CurveP256, Key: point})
		m(ReqCreateCryptoSession, a.Append(nil))
	} else {
		m(ReqGetConfig, ConfigPayload{Size: virtiocrypto.ConfigSize}.Append(nil))
	}
	m(ReqSetVringKick, u64(0))
	m(ReqSetVringCall, u64(0))
	m(ReqGetVringBase, VringState{}.Append(nil))
	if mode == ModeCryptodev {
		m(ReqCloseCryptoSession, u64(0))
	}
	return b
}

// memSeed is guest memory holding one available AES-CBC request on the
// seed's ring: header, IV and one block readable, one block and the status
// writable.
func memSeed() []byte {
	mem := make([]byte, 0x2000)
	desc := func(i int, addr uint64, n uint32, flags, next uint16) {
		d := mem[16*i:]
		binary.LittleEndian.PutUint64(d, addr)
		binary.LittleEndian.PutUint32(d[8:], n)
		binary.LittleEndian.PutUint16(d[12:], flags)
		binary.LittleEndian.PutUint16(d[14:], next)
	}
	req := cipherRequest(virtiocrypto.OpcodeCipherEncrypt, 0, sp80038aIV, sp80038aPT[:16])
	copy(mem[0x1000:], req[0])
	copy(mem[0x1100:], req[1])
	copy(mem[0x1200:], req[2])
	desc(0, 0x1000, 72, virtio.DescFNext, 1)
	desc(1, 0x1100, 16, virtio.DescFNext, 2)
	desc(2, 0x1200, 16, virtio.DescFNext, 3)
	desc(3, 0x1300, 16, virtio.DescFWrite|virtio.DescFNext, 4)
	desc(4, 0x1400, 1, virtio.DescFWrite, 0)
	binary.LittleEndian.PutUint16(mem[0x102:], 1) // avail idx
	return mem
}

// FuzzBackend runs the backend state machine over a real socket on an
// arbitrary message stream. Descriptors are attached where the stream's
// headers ask for them (memory files holding mem for SET_MEM_TABLE,
// eventfds for SET_VRING_KICK/CALL/ERR), so rings can start and serve
// fuzzer-made descriptor chains. Property: no panic, and ServeConn returns
// once the stream ends (which means every ring goroutine has stopped and
// every descriptor and mapping was released).
func FuzzBackend(f *testing.F) {
	f.Add(false, backendSeed(ModeCryptodev), memSeed())
	f.Add(true, backendSeed(ModeDevice), memSeed())
	f.Add(false, msg(ReqGetFeatures, nil), []byte{})
	f.Fuzz(func(t *testing.T, device bool, stream, mem []byte) {
		mode := ModeCryptodev
		if device {
			mode = ModeDevice
		}
		runBackendStream(t, mode, stream, mem)
	})
}

// runBackendStream plays stream against a backend and returns what the
// backend sent back.
func runBackendStream(t *testing.T, mode Mode, stream, mem []byte) []byte {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]*net.UnixConn
	for i, fd := range sp {
		file := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(file)
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
	}
	srv := &Server{
		Mode:           mode,
		NewDevice:      func() (*cryptodev.Device, error) { return cryptodev.New(testEngine, cryptodev.Options{DataQueues: 2}) },
		Logger:         slog.New(slog.DiscardHandler),
		MessageTimeout: time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeConn(context.Background(), conns[0]) }()
	drained := make(chan struct{})
	var replies bytes.Buffer
	go func() { io.Copy(&replies, conns[1]); close(drained) }()
	mc, err := newMsgConn(conns[1], 0)
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; p < len(stream); {
		chunk := stream[p:]
		var fds []int
		if len(chunk) >= HeaderSize {
			h, _ := ParseHeader(chunk)
			n := min(uint64(h.Size), uint64(len(chunk)-HeaderSize))
			chunk = chunk[:HeaderSize+int(n)]
			fds = fuzzFDs(t, h, chunk[HeaderSize:], mem)
		}
		err := mc.writeRaw(chunk, fds)
		closeAll(fds)
		if err != nil {
			break
		}
		p += len(chunk)
	}
	conns[1].CloseWrite()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("backend did not end the connection")
	}
	<-drained
	conns[1].Close()
	return replies.Bytes()
}

func fuzzFDs(t *testing.T, h Header, payload, mem []byte) []int {
	n := 0
	switch h.Request {
	case ReqSetMemTable:
		if len(payload) >= 4 {
			n = int(min(ne.Uint32(payload), MaxMemRegions))
		}
		var fds []int
		for range n {
			fd, err := unix.MemfdCreate("fuzz", unix.MFD_CLOEXEC)
			if err != nil {
				t.Fatal(err)
			}
			unix.Ftruncate(fd, fuzzMemSize)
			unix.Pwrite(fd, mem[:min(len(mem), fuzzMemSize)], 0)
			fds = append(fds, fd)
		}
		return fds
	case ReqSetVringKick, ReqSetVringCall, ReqSetVringErr:
		if len(payload) >= 8 && ne.Uint64(payload)&vringNoFDMask == 0 {
			fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
			if err != nil {
				t.Fatal(err)
			}
			return []int{fd}
		}
	}
	return nil
}

// TestBackendSeeds runs the backend fuzzer's seeds as a test, and checks
// that they reach the data path: the ring served the request in guest
// memory (GET_VRING_BASE reports next_avail 1).
func TestBackendSeeds(t *testing.T) {
	leakCheck(t)
	for _, mode := range []Mode{ModeCryptodev, ModeDevice} {
		out := runBackendStream(t, mode, backendSeed(mode), memSeed())
		found := false
		for len(out) >= HeaderSize {
			h, _ := ParseHeader(out)
			p := out[HeaderSize : HeaderSize+int(h.Size)]
			if h.Flags != ReplyFlags {
				t.Fatalf("%v: reply flags %#x", mode, h.Flags)
			}
			if h.Request == ReqGetVringBase {
				s, err := ParseVringState(p)
				found = err == nil && s == VringState{Index: 0, Num: 1}
			}
			out = out[HeaderSize+int(h.Size):]
		}
		if !found {
			t.Errorf("%v: GET_VRING_BASE did not report one served chain", mode)
		}
	}
}
