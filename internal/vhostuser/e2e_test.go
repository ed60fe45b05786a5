package vhostuser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"vcrypto/internal/cryptodev"

	"vcrypto/internal/virtiocrypto"
)

// createCBCPair creates an encrypt and a decrypt AES-128-CBC session with
// the SP 800-38A key through CREATE_CRYPTO_SESSION in layout l, as Linux
// does on setkey.
func createCBCPair(t testing.TB, f *Frontend, l SessionLayout, key []byte) (enc, dec uint64) {
	t.Helper()
	var ids [2]uint64
	for i, dir := range []virtiocrypto.Direction{virtiocrypto.OpEncrypt, virtiocrypto.OpDecrypt} {
		s, err := CipherSession(l, virtiocrypto.CipherAESCBC, dir, key)
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.CreateSession(s)
		if err != nil {
			t.Fatalf("CreateSession(%v): %v", l, err)
		}
		if id < 0 {
			t.Fatalf("CreateSession(%v): refused with status %d", l, -id)
		}
		ids[i] = uint64(id)
	}
	return ids[0], ids[1]
}

func TestCryptodevModeEndToEnd(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 2)
	f := s.dial(t, qemuConfig(2))
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	offered, acked := f.Features()
	if want := featureVersion1 | featureIndirectDesc | featureEventIdx | FeatureProtocolFeatures; offered != want {
		t.Errorf("offered features %#x, want %#x", offered, want)
	}
	if acked != FeatureProtocolFeatures {
		t.Errorf("acked features %#x", acked)
	}
	po, pa := f.ProtocolFeatures()
	if want := ProtocolMQ | ProtocolReplyAck | ProtocolCryptoSession; po != want || pa != want {
		t.Errorf("protocol features offered %#x acked %#x, want %#x", po, pa, want)
	}
	if n, err := f.GetMaxMemSlots(); err != nil || n != MaxMemRegions {
		t.Errorf("GET_MAX_MEM_SLOTS = %d, %v", n, err)
	}

	for _, l := range []SessionLayout{LayoutQEMU70, LayoutQEMU71, LayoutQEMU81} {
		t.Run(l.String(), func(t *testing.T) {
			enc, dec := createCBCPair(t, f, l, sp80038aKey)
			for qi := range 2 {
				checkCBC(t, f.Queue(qi), enc, dec)
			}
			// Random sizes against crypto/aes on both queues.
			rng := rand.New(rand.NewPCG(1, uint64(l)))
			for i := range 20 {
				q := f.Queue(i % 2)
				src := make([]byte, 16*(1+rng.IntN(300)))
				iv := make([]byte, 16)
				for j := range src {
					src[j] = byte(rng.Uint32())
				}
				for j := range iv {
					iv[j] = byte(rng.Uint32())
				}
				got, st := doCipher(t, q, virtiocrypto.OpcodeCipherEncrypt, enc, iv, src)
				if want := cbcReference(t, virtiocrypto.OpEncrypt, sp80038aKey, iv, src); st != virtiocrypto.StatusOK || !bytes.Equal(got, want) {
					t.Fatalf("%d bytes: status %v, mismatch", len(src), st)
				}
			}
			for _, id := range []uint64{enc, dec} {
				if err := f.CloseSession(id); err != nil {
					t.Fatal(err)
				}
			}
			// CLOSE has no reply; a round trip makes sure it was handled
			// before the data request (which another goroutine serves).
			if _, err := f.GetFeatures(); err != nil {
				t.Fatal(err)
			}
			// The closed session is gone: INVSESS.
			_, st := doCipher(t, f.Queue(0), virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
			if st != virtiocrypto.StatusInvSess {
				t.Errorf("request on a closed session: status %v, want INVSESS", st)
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		// Bad key length for AES: the engine refuses, QEMU gets a
		// negative id (−ERR).
		s, _ := CipherSession(LayoutQEMU71, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, make([]byte, 17))
		if id, err := f.CreateSession(s); err != nil || id != -int64(virtiocrypto.StatusErr) {
			t.Errorf("17-byte AES key: id %d, err %v; want -%d", id, err, virtiocrypto.StatusErr)
		}
		// Key length beyond the 64-byte array.
		s.Sym.KeyLen = 65
		if id, err := f.CreateSession(s); err != nil || id != -int64(virtiocrypto.StatusErr) {
			t.Errorf("key_len 65: id %d, err %v", id, err)
		}
		// Asymmetric session (QEMU ≥ 8.1 layout) of an undefined
		// algorithm: NOTSUPP; of an undefined key type: ERR. (The
		// AKCIPHER tests in akcipher_e2e_test.go create real ones.)
		a := &CreateSession{Layout: LayoutQEMU81, OpCode: uint64(virtiocrypto.OpcodeAkcipherCreateSession)}
		a.Asym.Algo, a.Asym.KeyType, a.Asym.KeyLen = 3, uint32(virtiocrypto.KeyTypePrivate), 3
		if id, err := f.CreateSession(a); err != nil || id != -int64(virtiocrypto.StatusNotSupp) {
			t.Errorf("akcipher algo 3: id %d, err %v; want -%d", id, err, virtiocrypto.StatusNotSupp)
		}
		a.Asym.Algo, a.Asym.KeyType = uint32(virtiocrypto.AkcipherRSA), 0
		if id, err := f.CreateSession(a); err != nil || id != -int64(virtiocrypto.StatusErr) {
			t.Errorf("akcipher key type 0: id %d, err %v; want -%d", id, err, virtiocrypto.StatusErr)
		}
		// Hash session opcode in the ≥ 8.1 layout: NOTSUPP.
		h := &CreateSession{Layout: LayoutQEMU81, OpCode: uint64(virtiocrypto.OpcodeHashCreateSession)}
		if id, err := f.CreateSession(h); err != nil || id != -int64(virtiocrypto.StatusNotSupp) {
			t.Errorf("hash opcode: id %d, err %v", id, err)
		}
		// Closing an unknown session gets no reply and keeps the
		// connection: the next request still works.
		if err := f.CloseSession(1 << 40); err != nil {
			t.Fatal(err)
		}
		if _, err := f.GetFeatures(); err != nil {
			t.Fatalf("connection lost after closing an unknown session: %v", err)
		}
	})

	// The guest used EVENT_IDX without QEMU telling the backend: every
	// sequential request must still have been kicked, which only happens
	// if the backend keeps avail_event up to date (a Linux guest hangs
	// otherwise; research §8.1).
	for qi := range 2 {
		q := f.Queue(qi)
		if q.Kicks < 20 {
			t.Errorf("queue %d: %d kicks; the backend does not publish avail_event", qi, q.Kicks)
		}
	}
	f.Close()
	s.stop(t)
}

// TestCryptodevChainedSession creates an AES-CBC + HMAC-SHA1 chained
// session (what QEMU forwards for op_type ALGORITHM_CHAINING) and checks
// the session translation reaches the engine: create succeeds, NESTED
// hash mode is NOTSUPP.
func TestCryptodevChainedSession(t *testing.T) {
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, qemuConfig(1))
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	for _, l := range []SessionLayout{LayoutQEMU70, LayoutQEMU71, LayoutQEMU81} {
		c := &CreateSession{Layout: l, OpCode: uint64(virtiocrypto.OpcodeCipherCreateSession)}
		y := &c.Sym
		y.CipherAlg, y.KeyLen, y.Direction = uint32(virtiocrypto.CipherAESCBC), 16, uint8(virtiocrypto.OpEncrypt)
		y.OpType = uint8(virtiocrypto.SymOpAlgorithmChaining)
		y.HashMode = uint8(virtiocrypto.HashModeAuth)
		y.HashAlg = uint32(virtiocrypto.MACHMACSHA1)
		y.HashResultLen, y.AuthKeyLen = 20, 20
		y.ChainOrder = uint8(virtiocrypto.ChainCipherThenHash)
		copy(y.Key[:], sp80038aKey)
		id, err := f.CreateSession(c)
		if err != nil || id < 0 {
			t.Errorf("%v chained session: id %d, err %v", l, id, err)
		}
		y.HashMode = uint8(virtiocrypto.HashModeNested)
		if id, err := f.CreateSession(c); err != nil || id != -int64(virtiocrypto.StatusNotSupp) {
			t.Errorf("%v nested: id %d, err %v", l, id, err)
		}
	}
}

// ctrlCreateCBC creates an AES-CBC session through the control queue.
func ctrlCreateCBC(t testing.TB, q *FrontendQueue, dir virtiocrypto.Direction, key []byte) uint64 {
	t.Helper()
	r := virtiocrypto.CtrlRequest{
		Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeCipherCreateSession, Algo: uint32(virtiocrypto.CipherAESCBC)},
		Sym: virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherSessionParams{
			Algo: virtiocrypto.CipherAESCBC, KeyLen: uint32(len(key)), Op: dir,
		}},
	}
	if _, err := q.Submit([][]byte{r.Append(nil, 0), key}, []int{virtiocrypto.CreateSessionInputSize}); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		t.Fatal(err)
	}
	in, err := virtiocrypto.ParseCreateSessionInput(cs[0].Writable)
	if err != nil || in.Status != virtiocrypto.StatusOK {
		t.Fatalf("control create session: %+v, %v", in, err)
	}
	return in.SessionID
}

func ctrlDestroy(t testing.TB, q *FrontendQueue, id uint64) virtiocrypto.Status {
	t.Helper()
	r := virtiocrypto.CtrlRequest{
		Header:  virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeCipherDestroySession},
		Destroy: virtiocrypto.DestroySessionParams{SessionID: id},
	}
	if _, err := q.Submit([][]byte{r.Append(nil, 0)}, []int{virtiocrypto.DestroySessionInputSize}); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		t.Fatal(err)
	}
	return virtiocrypto.Status(cs[0].Writable[0])
}

func TestDeviceModeEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  FrontendConfig
	}{
		{"eventidx+indirect+ack-all", FrontendConfig{Queues: 4, AckAllFeatures: true, EventIdx: true, Indirect: true, SendEnable: true, NeedReplyAll: true}},
		{"plain rings, one region", FrontendConfig{Queues: 4, AckAllFeatures: true, SendEnable: true, Regions: 1, QueueSize: 32}},
		{"qemu-style features", FrontendConfig{Queues: 4, EventIdx: true, Indirect: true, Regions: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakCheck(t)
			s := startServer(t, ModeDevice, 3)
			f := s.dial(t, tc.cfg)
			if err := f.Handshake(); err != nil {
				t.Fatal(err)
			}
			if n, err := f.GetQueueNum(); err != nil || n != 4 {
				t.Errorf("GET_QUEUE_NUM = %d, %v; want 4", n, err)
			}
			raw, err := f.GetConfig(0, virtiocrypto.ConfigSize)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := virtiocrypto.ParseConfig(raw)
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			want := s.devs[len(s.devs)-1].ConfigSpace()
			s.mu.Unlock()
			if !bytes.Equal(raw, want) || cfg.MaxDataQueues != 3 || !cfg.HasCipher(virtiocrypto.CipherAESCBC) || cfg.Status != virtiocrypto.StatusHWReady {
				t.Errorf("GET_CONFIG = %x (%+v), want %x", raw, cfg, want)
			}
			// A part of it, and bytes past the struct read as zero.
			if part, err := f.GetConfig(4, 4); err != nil || !bytes.Equal(part, want[4:8]) {
				t.Errorf("GET_CONFIG(4,4) = %x, %v", part, err)
			}
			if part, err := f.GetConfig(56, 8); err != nil || !bytes.Equal(part, make([]byte, 8)) {
				t.Errorf("GET_CONFIG(56,8) = %x, %v", part, err)
			}
			if _, err := f.GetConfig(250, 10); err == nil {
				t.Error("GET_CONFIG beyond 256 bytes succeeded")
			}

			ctrl := f.Queue(3)
			enc := ctrlCreateCBC(t, ctrl, virtiocrypto.OpEncrypt, sp80038aKey)
			dec := ctrlCreateCBC(t, ctrl, virtiocrypto.OpDecrypt, sp80038aKey)
			for qi := range 3 {
				checkCBC(t, f.Queue(qi), enc, dec)
			}
			// A batch of requests on one queue, submitted before one kick.
			q := f.Queue(1)
			const batch = 6
			for i := range batch {
				if _, err := q.Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT[:16*(1+i%4)]), []int{16 * (1 + i%4), 1}); err != nil {
					t.Fatal(err)
				}
			}
			q.Kick()
			cs, err := q.WaitAll(batch)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				n := len(c.Writable) - 1
				if c.Writable[n] != byte(virtiocrypto.StatusOK) || !bytes.Equal(c.Writable[:n], sp80038aCT[:n]) {
					t.Errorf("batch completion %d: %x", c.Head, c.Writable)
				}
			}
			if st := ctrlDestroy(t, ctrl, enc); st != virtiocrypto.StatusOK {
				t.Errorf("destroy: %v", st)
			}
			if st := ctrlDestroy(t, ctrl, enc); st != virtiocrypto.StatusErr {
				t.Errorf("destroy twice: %v, want ERR", st)
			}
			f.Close()
			s.stop(t)
		})
	}
}

func TestReconnect(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 1)
	var prev uint64
	for round := range 4 {
		f := s.dial(t, qemuConfig(1))
		if err := f.Handshake(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if round > 0 {
			// Sessions of the previous connection are gone with it.
			_, st := doCipher(t, f.Queue(0), virtiocrypto.OpcodeCipherEncrypt, prev, sp80038aIV, sp80038aPT)
			if st != virtiocrypto.StatusInvSess {
				t.Errorf("round %d: old session still usable (status %v)", round, st)
			}
		}
		enc, dec := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
		checkCBC(t, f.Queue(0), enc, dec)
		prev = enc
		if round%2 == 0 {
			// Leave work in the ring and vanish.
			f.Queue(0).Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT), []int{64, 1})
		}
		f.Close()
	}
	s.stop(t)
}

// TestRingStopRestart stops a ring with GET_VRING_BASE (which must report
// how far the backend got) and restarts it, as QEMU does on guest reset.
func TestRingStopRestart(t *testing.T) {
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, qemuConfig(1))
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU81, sp80038aKey)
	q := f.Queue(0)
	for range 5 {
		checkCBC(t, q, enc, dec)
	}
	base, err := f.StopQueue(0)
	if err != nil || base != 10 {
		t.Fatalf("GET_VRING_BASE = %d, %v; want 10", base, err)
	}
	// A stopped ring serves nothing: the kick goes nowhere.
	q.Submit(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT), []int{64, 1})
	if _, err := f.StopQueue(0); err != nil {
		t.Fatal(err)
	}
	if n, _ := q.Reap(nil); n != 0 {
		t.Fatalf("stopped ring completed %d chains", n)
	}
	// Restart (fresh rings, base 0) as after a guest reset.
	if err := f.SetMemTable(); err != nil {
		t.Fatal(err)
	}
	if err := f.StartQueue(0); err != nil {
		t.Fatal(err)
	}
	checkCBC(t, q, enc, dec)
	// Ring reconfiguration while it runs is a protocol violation.
	if err := f.Send(Header{Request: ReqSetVringNum, Flags: FlagVersion}, VringState{Index: 0, Num: 64}.Append(nil), nil); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, f)
}

// TestVringEnable checks that a disabled ring is not served and that
// enabling it serves what is pending.
func TestVringEnable(t *testing.T) {
	s := startServer(t, ModeDevice, 1)
	f := s.dial(t, FrontendConfig{Queues: 2, AckAllFeatures: true, EventIdx: true, SendEnable: true, NeedReplyAll: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc := ctrlCreateCBC(t, f.Queue(1), virtiocrypto.OpEncrypt, sp80038aKey)
	if err := f.SetVringEnable(0, false); err != nil {
		t.Fatal(err)
	}
	q := f.Queue(0)
	if _, err := q.Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT), []int{64, 1}); err != nil {
		t.Fatal(err)
	}
	q.Kick()
	// The backend acknowledges a synchronous request after the kick; by
	// then a disabled ring would have had time to (wrongly) serve.
	for range 20 {
		if _, err := f.GetFeatures(); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := q.Reap(nil); n != 0 {
		t.Fatal("disabled ring was served")
	}
	if err := f.SetVringEnable(0, true); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cs[0].Writable[:64], sp80038aCT) || cs[0].Writable[64] != 0 {
		t.Fatalf("after enable: %x", cs[0].Writable)
	}
}

// TestManyRequestsAllQueues drives all data queues concurrently with
// batches of requests.
func TestManyRequestsAllQueues(t *testing.T) {
	s := startServer(t, ModeCryptodev, 4)
	f := s.dial(t, FrontendConfig{Queues: 4, EventIdx: true, Indirect: false, QueueSize: 128, AckAllFeatures: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, _ := createCBCPair(t, f, LayoutQEMU71, sp80038aKey)
	done := make(chan error, 4)
	for qi := range 4 {
		go func(q *FrontendQueue) {
			for round := range 20 {
				for i := range 16 {
					if _, err := q.Add(cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT), []int{64, 1}); err != nil {
						done <- fmt.Errorf("round %d add %d: %w", round, i, err)
						return
					}
				}
				q.Kick()
				cs, err := q.WaitAll(16)
				if err != nil {
					done <- err
					return
				}
				for _, c := range cs {
					if !bytes.Equal(c.Writable[:64], sp80038aCT) || c.Writable[64] != 0 {
						done <- fmt.Errorf("queue %d: bad result", q.Index())
						return
					}
				}
			}
			done <- nil
		}(f.Queue(qi))
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	kicks := 0
	for qi := range 4 {
		kicks += f.Queue(qi).Kicks
	}
	t.Logf("%d kicks for %d requests", kicks, 4*20*16)
}

// TestReplyAck checks REPLY_ACK answers: zero for success, non-zero for a
// refused request, which does not end the connection.
func TestReplyAck(t *testing.T) {
	leakCheck(t)
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, FrontendConfig{Queues: 1, NeedReplyAll: true, EventIdx: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	enc, dec := createCBCPair(t, f, LayoutQEMU81, sp80038aKey)
	if err := f.CloseSession(dec); err != nil {
		t.Fatalf("close with REPLY_ACK: %v", err)
	}
	if err := f.CloseSession(dec); !errors.Is(err, ErrBadReply) {
		t.Fatalf("second close: %v, want a failed REPLY_ACK", err)
	}
	ct, st := doCipher(t, f.Queue(0), virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, sp80038aPT)
	if st != virtiocrypto.StatusOK || !bytes.Equal(ct, sp80038aCT) {
		t.Fatal("connection broken after a refused request")
	}

	// Device mode: SET_CONFIG is refused (read-only config space).
	d := startServer(t, ModeDevice, 1)
	g := d.dial(t, FrontendConfig{Queues: 2, NeedReplyAll: true, AckAllFeatures: true, SendEnable: true})
	if err := g.Handshake(); err != nil {
		t.Fatal(err)
	}
	p := ConfigPayload{Offset: 0, Size: 4, Data: []byte{0, 0, 0, 0}}.Append(nil)
	if err := g.Send(Header{Request: ReqSetConfig, Flags: FlagVersion | FlagNeedReply}, p, nil); err != nil {
		t.Fatal(err)
	}
	h, b, err := g.ReadReply()
	if err != nil || h.Request != ReqSetConfig || h.Flags != ReplyFlags || len(b) != 8 || ne.Uint64(b) == 0 {
		t.Fatalf("SET_CONFIG ack: %+v %x %v", h, b, err)
	}
	if _, err := g.GetConfig(0, 8); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	if err := (&Server{Mode: 7, NewDevice: nil}).Serve(context.Background(), nil); !errors.Is(err, ErrBadMode) {
		t.Errorf("bad mode: %v", err)
	}
	for _, cfg := range []FrontendConfig{
		{Queues: -1}, {QueueSize: 3}, {ArenaSize: 100}, {Regions: 9},
	} {
		sp, _ := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		unix.Close(sp[1])
		file := os.NewFile(uintptr(sp[0]), "x")
		c, _ := net.FileConn(file)
		file.Close()
		if _, err := NewFrontend(c.(*net.UnixConn), cfg); !errors.Is(err, ErrInvalidArg) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	// A listener that fails ends Serve with an error.
	dir := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	err = Serve(context.Background(), l, func() (*cryptodev.Device, error) { return nil, nil }, ModeDevice, slog.New(slog.DiscardHandler))
	if err == nil {
		t.Error("Serve on a closed listener returned nil")
	}
	if ModeCryptodev.String() != "cryptodev" || LayoutQEMU81.String() != "qemu>=8.1" || SessionLayout(9).Size() != 0 {
		t.Error("String/Size")
	}
}
