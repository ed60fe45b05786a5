package daemon

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/vhostuser"
	"vcrypto/internal/virtiocrypto"
)

// Key material never reaches logs or metrics. TestKeysNeverLogged runs the
// daemon with debug logging into a buffer and metrics on, drives it with
// the project's Go frontend in device mode (control queue) and in
// cryptodev mode (vhost-user session messages, the 1072-byte AKCIPHER one
// included), creates sessions with distinctive keys for every service
// (AKCIPHER: RSA and ECDSA private keys generated for the run), including
// creates refused for their key length or a corrupted key and requests
// that fail (both log at debug); in device mode with REVISION_1 it also
// sends stateless requests that carry their keys (AKCIPHER and CIPHER,
// refused ones included). It scrapes /metrics, and looks for every key, in
// every encoding a careless log line could use, in the log and the scrape.
//
// To cover a new kind of key, add a keyCase: its session parameters carry
// the key; the search covers every key of every case (keysOf).

// keyCase is one session to create: p carries the keys; op (when set) is a
// request to run on it; wantCreate is the expected create status.
type keyCase struct {
	name       string
	p          engine.SessionParams
	wantCreate virtiocrypto.Status
	ops        []keyOp
}

type keyOp struct {
	op                engine.Op
	dstLen, digestLen int
	want              virtiocrypto.Status
}

// distinctKey returns n bytes that appear nowhere else: a hash of the
// case's name.
func distinctKey(name string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("vcrypto key-leak test %s %d", name, i)))
		out = append(out, h[:]...)
	}
	return out[:n]
}

// keysOf lists the key material of a case (the table of key sources:
// extend it when SessionParams gains a key field).
func keysOf(p *engine.SessionParams) [][]byte {
	var ks [][]byte
	for _, k := range [][]byte{p.CipherKey, p.AuthKey, p.AK.Key} {
		if len(k) > 0 {
			ks = append(ks, k)
		}
	}
	return ks
}

func deviceModeCases() []keyCase {
	iv16, iv12 := bytes.Repeat([]byte{7}, 16), bytes.Repeat([]byte{9}, 12)
	src := bytes.Repeat([]byte{0x33}, 64)
	return []keyCase{
		{name: "cipher", p: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: distinctKey("cipher", 16), Direction: engine.Encrypt},
			ops: []keyOp{
				{op: engine.Op{Dir: engine.Encrypt, IV: iv16, Src: src}, dstLen: 64, want: virtiocrypto.StatusOK},
				{op: engine.Op{Dir: engine.Encrypt, IV: iv16, Src: src[:15]}, dstLen: 15, want: virtiocrypto.StatusErr}, // not whole blocks
			}},
		{name: "chain", p: engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Cipher: engine.AESCTR, CipherKey: distinctKey("chain-cipher", 32),
			Direction: engine.Encrypt, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth, MAC: engine.HMACSHA256, AuthKey: distinctKey("chain-mac", 48), DigestLen: 32},
			ops: []keyOp{{op: engine.Op{Dir: engine.Encrypt, IV: iv16, Src: src, CipherLen: 64, HashLen: 64}, dstLen: 64, digestLen: 32, want: virtiocrypto.StatusOK}}},
		{name: "mac", p: engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.CMACAES, AuthKey: distinctKey("mac", 32), DigestLen: 16},
			ops: []keyOp{
				{op: engine.Op{Src: src}, digestLen: 16, want: virtiocrypto.StatusOK},
				{op: engine.Op{Src: src}, digestLen: 17, want: virtiocrypto.StatusErr}, // longer than the session's digest
			}},
		{name: "aead", p: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.AESGCM, CipherKey: distinctKey("aead", 32), DigestLen: 16, Direction: engine.Decrypt},
			ops: []keyOp{{op: engine.Op{Dir: engine.Decrypt, IV: iv12, Src: src}, dstLen: 48, want: virtiocrypto.StatusBadMsg}}}, // wrong tag
		{name: "hash", p: engine.SessionParams{Service: engine.ServiceHash, Hash: engine.SHA256, DigestLen: 32},
			ops: []keyOp{{op: engine.Op{Src: src}, digestLen: 32, want: virtiocrypto.StatusOK}}},
		// Refused creates: bad key lengths.
		{name: "bad-cipher", p: engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: distinctKey("bad-cipher", 17), Direction: engine.Encrypt},
			wantCreate: virtiocrypto.StatusErr},
		{name: "bad-chain", p: engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Cipher: engine.AESCBC, CipherKey: distinctKey("bad-chain-cipher", 16),
			Direction: engine.Encrypt, Order: engine.CipherThenHash, HashMode: engine.HashModeAuth, MAC: engine.CMACAES, AuthKey: distinctKey("bad-chain-mac", 20), DigestLen: 16},
			wantCreate: virtiocrypto.StatusErr},
		{name: "bad-mac", p: engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.XCBCAES, AuthKey: distinctKey("bad-mac", 24), DigestLen: 16},
			wantCreate: virtiocrypto.StatusErr},
		{name: "bad-aead", p: engine.SessionParams{Service: engine.ServiceAEAD, AEAD: engine.ChaCha20Poly1305, CipherKey: distinctKey("bad-aead", 31), DigestLen: 16, Direction: engine.Encrypt},
			wantCreate: virtiocrypto.StatusErr},
	}
}

// lockedBuffer is an io.Writer for the logger, safe for the daemon's
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startLoggedDaemon runs the daemon with debug logging into log and
// metrics on a loopback port; it returns the metrics URL.
func startLoggedDaemon(t *testing.T, mode string, log io.Writer) (sock, metricsURL string) {
	t.Helper()
	sock = filepath.Join(t.TempDir(), "d.sock")
	addr := make(chan net.Addr, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	c := Config{SocketPath: sock, Mode: mode, Queues: 1, Engine: "soft", MaxSessions: 64, MetricsAddr: "127.0.0.1:0",
		Logger:           slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		metricsListening: func(a net.Addr) { addr <- a }}
	go func() { done <- Run(ctx, c) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return")
		}
	})
	var a net.Addr
	select {
	case a = <-addr:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("metrics server did not start")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon did not start listening")
		}
	}
	return sock, "http://" + a.String() + "/metrics"
}

// scrapeUntil scrapes until every line of want is in the exposition (a
// queue worker publishes its counts when its batch ends, which can be a
// moment after the frontend sees the completions), or 5 s have passed; it
// reports what is missing then.
func scrapeUntil(t *testing.T, url string, want []string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		text := scrapeMetrics(t, url)
		var missing []string
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return text
		}
		if time.Now().After(deadline) {
			for _, m := range missing {
				t.Errorf("scrape lacks %s", m)
			}
			t.Logf("scrape:\n%s", text)
			return text
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: %d, %v", resp.StatusCode, err)
	}
	return string(b)
}

// runOp submits one data request on q and returns its status.
func runOp(t *testing.T, q *vhostuser.FrontendQueue, id uint64, p *engine.SessionParams, o *keyOp) virtiocrypto.Status {
	t.Helper()
	dr, readable, writable := cryptodevtest.DataRequest(id, p, &o.op, o.dstLen, o.digestLen)
	return submit(t, q, dr.Append(nil, 0), readable, writable)
}

// submit sends the framed header hdr, the non-empty readable parts and
// writable buffers of the given lengths plus the status byte on q, and
// returns the status.
func submit(t *testing.T, q *vhostuser.FrontendQueue, hdr []byte, readable [][]byte, writable []int) virtiocrypto.Status {
	t.Helper()
	rd := [][]byte{hdr}
	for _, b := range readable {
		if len(b) > 0 {
			rd = append(rd, b)
		}
	}
	var wl []int
	for _, n := range append(writable, 1) {
		if n > 0 {
			wl = append(wl, n)
		}
	}
	if _, err := q.Submit(rd, wl); err != nil {
		t.Fatal(err)
	}
	cs, err := q.WaitAll(1)
	if err != nil || len(cs) != 1 || len(cs[0].Writable) == 0 {
		t.Fatalf("completion %v, %v", cs, err)
	}
	w := cs[0].Writable
	return virtiocrypto.Status(w[len(w)-1])
}

func TestKeysNeverLogged(t *testing.T) {
	var keys [][]byte
	t.Run("device", func(t *testing.T) {
		var log lockedBuffer
		sock, url := startLoggedDaemon(t, "device", &log)
		f, err := vhostuser.Dial(sock, vhostuser.FrontendConfig{Queues: 2, AckAllFeatures: true, EventIdx: true, SendEnable: true})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		data, ctrl := f.Queue(0), f.Queue(1)
		for _, c := range append(deviceModeCases(), akKeyCases(t)...) {
			keys = append(keys, keysOf(&c.p)...)
			req, ks := cryptodevtest.SessionRequest(&c.p)
			if _, err := ctrl.Submit(append([][]byte{req.Append(nil, 0)}, ks...), []int{virtiocrypto.CreateSessionInputSize}); err != nil {
				t.Fatal(err)
			}
			cs, err := ctrl.WaitAll(1)
			if err != nil {
				t.Fatal(err)
			}
			in, err := virtiocrypto.ParseCreateSessionInput(cs[0].Writable)
			if err != nil || in.Status != c.wantCreate {
				t.Fatalf("%s: create %+v, %v; want %v", c.name, in, err, c.wantCreate)
			}
			for i := range c.ops {
				if st := runOp(t, data, in.SessionID, &c.p, &c.ops[i]); st != c.ops[i].want {
					t.Errorf("%s op %d: %v, want %v", c.name, i, st, c.ops[i].want)
				}
			}
			if c.wantCreate == virtiocrypto.StatusOK {
				// A request on a destroyed session: INVSESS (logged).
				d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: cryptodevtest.DestroyOpcode(&c.p)}, Destroy: virtiocrypto.DestroySessionParams{SessionID: in.SessionID}}
				if _, err := ctrl.Submit([][]byte{d.Append(nil, 0)}, []int{virtiocrypto.DestroySessionInputSize}); err != nil {
					t.Fatal(err)
				}
				if _, err := ctrl.WaitAll(1); err != nil {
					t.Fatal(err)
				}
				if len(c.ops) > 0 {
					if st := runOp(t, data, in.SessionID, &c.p, &c.ops[0]); st != virtiocrypto.StatusInvSess {
						t.Errorf("%s after destroy: %v", c.name, st)
					}
				}
			}
		}
		scrape := scrapeUntil(t, url, []string{
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="ERR"} 1`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CTR+HMAC_SHA_256",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AEAD",algorithm="GCM",status="BADMSG"} 1`,
			`vcrypto_requests_total{queue="0",service="MAC",algorithm="CMAC_AES",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="unknown",algorithm="unknown",status="INVSESS"} 7`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="ERR"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="KEY_REJECTED"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="KEY_REJECTED"} 1`,
			`vcrypto_request_bytes_total{queue="0",service="AKCIPHER",algorithm="RSA",status="OK"} 32`,
			`vcrypto_session_operations_total{operation="create",service="AKCIPHER",status="OK"} 2`,
			`vcrypto_session_operations_total{operation="create",service="AKCIPHER",status="ERR"} 2`,
			`vcrypto_session_operations_total{operation="destroy",service="AKCIPHER",status="OK"} 2`,
			`vcrypto_request_bytes_total{queue="0",service="HASH",algorithm="SHA_256",status="OK"} 64`,
			`vcrypto_session_operations_total{operation="create",service="CIPHER",status="ERR"} 2`,
			`vcrypto_session_operations_total{operation="create",service="AEAD",status="OK"} 1`,
			`vcrypto_session_operations_total{operation="destroy",service="MAC",status="OK"} 1`,
			"vcrypto_frontends_connected 1\n",
			"vcrypto_frontend_connections_total 2\n", // the start-up probe and the frontend
			"vcrypto_sessions 0\n",
			`vcrypto_request_duration_seconds_count{queue="0",service="CIPHER"} 3`,
		})
		f.Close()
		logs := log.String()
		for _, want := range []string{"control request failed", "data request failed", "level=DEBUG"} {
			if !strings.Contains(logs, want) {
				t.Errorf("debug log lacks %q: the test no longer exercises the failure paths", want)
			}
		}
		assertNoKeys(t, keys, "device-mode log", logs)
		assertNoKeys(t, keys, "device-mode metrics", scrape)
	})
	t.Run("cryptodev", func(t *testing.T) {
		var log lockedBuffer
		sock, url := startLoggedDaemon(t, "cryptodev", &log)
		f, err := vhostuser.Dial(sock, vhostuser.FrontendConfig{Queues: 1, EventIdx: true, Indirect: true})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		var ks [][]byte
		// QEMU forwards only symmetric sessions: cipher and chained
		// cipher+MAC; plus refused creates with bad key lengths.
		cipherKey, badKey := distinctKey("vu-cipher", 32), distinctKey("vu-bad", 20)
		chainCipher, chainMAC := distinctKey("vu-chain-cipher", 16), distinctKey("vu-chain-mac", 40)
		ks = append(ks, cipherKey, badKey, chainCipher, chainMAC)
		keys = append(keys, ks...)
		s, err := vhostuser.CipherSession(vhostuser.LayoutQEMU81, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, cipherKey)
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.CreateSession(s)
		if err != nil || id <= 0 {
			t.Fatalf("create: %d, %v", id, err)
		}
		bad, _ := vhostuser.CipherSession(vhostuser.LayoutQEMU71, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, badKey)
		if id, err := f.CreateSession(bad); err != nil || id != -int64(virtiocrypto.StatusErr) {
			t.Fatalf("bad create: %d, %v", id, err)
		}
		chain := &vhostuser.CreateSession{Layout: vhostuser.LayoutQEMU81, OpCode: uint64(virtiocrypto.OpcodeCipherCreateSession)}
		chain.Sym = vhostuser.SymSessionInfo{CipherAlg: uint32(virtiocrypto.CipherAESCBC), KeyLen: 16, HashAlg: uint32(virtiocrypto.MACHMACSHA1),
			HashResultLen: 20, AuthKeyLen: 40, OpType: uint8(virtiocrypto.SymOpAlgorithmChaining), Direction: uint8(virtiocrypto.OpEncrypt),
			HashMode: uint8(virtiocrypto.HashModeAuth), ChainOrder: uint8(virtiocrypto.ChainCipherThenHash)}
		copy(chain.Sym.Key[:], chainCipher)
		copy(chain.Sym.AuthKey[:], chainMAC)
		chainID, err := f.CreateSession(chain)
		if err != nil || chainID <= 0 {
			t.Fatalf("chain create: %d, %v", chainID, err)
		}
		p := engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, Direction: engine.Encrypt}
		src := bytes.Repeat([]byte{0x44}, 32)
		q := f.Queue(0)
		if st := runOp(t, q, uint64(id), &p, &keyOp{op: engine.Op{Dir: engine.Encrypt, IV: make([]byte, 16), Src: src}, dstLen: 32}); st != virtiocrypto.StatusOK {
			t.Errorf("cipher: %v", st)
		}
		if st := runOp(t, q, uint64(id), &p, &keyOp{op: engine.Op{Dir: engine.Encrypt, IV: make([]byte, 16), Src: src[:31]}, dstLen: 31}); st != virtiocrypto.StatusErr {
			t.Errorf("misaligned cipher: %v", st)
		}
		cp := engine.SessionParams{Service: engine.ServiceCipher, Chained: true, Cipher: engine.AESCBC, Direction: engine.Encrypt, MAC: engine.HMACSHA1, DigestLen: 20}
		if st := runOp(t, q, uint64(chainID), &cp, &keyOp{op: engine.Op{Dir: engine.Encrypt, IV: make([]byte, 16), Src: src, CipherLen: 32, HashLen: 32}, dstLen: 32, digestLen: 20}); st != virtiocrypto.StatusOK {
			t.Errorf("chain: %v", st)
		}
		// AKCIPHER through the 1072-byte message (QEMU >= 8.1): RSA and
		// ECDSA private keys, a sign on each, a sign into a dst too
		// small (ERR, logged), and creates with corrupted keys (refused,
		// logged).
		ak := akKeyMaterial(t)
		for _, c := range []struct {
			p    engine.SessionParams
			want virtiocrypto.Status
		}{{ak.rsa, virtiocrypto.StatusOK}, {ak.ecdsa, virtiocrypto.StatusOK}, {ak.badRSA, virtiocrypto.StatusErr}, {ak.badECDSA, virtiocrypto.StatusErr}} {
			keys = append(keys, keysOf(&c.p)...)
			cs, err := vhostuser.AkcipherSession(&c.p.AK)
			if err != nil {
				t.Fatal(err)
			}
			akID, err := f.CreateSession(cs)
			if err != nil || (c.want == virtiocrypto.StatusOK) != (akID > 0) || (akID < 0 && akID != -int64(c.want)) {
				t.Fatalf("AKCIPHER create (alg %v): %d, %v; want %v", c.p.AK.Alg, akID, err, c.want)
			}
			if akID <= 0 {
				continue
			}
			sign := keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 128}
			if st := runOp(t, q, uint64(akID), &c.p, &sign); st != virtiocrypto.StatusOK {
				t.Errorf("AKCIPHER sign (alg %v): %v", c.p.AK.Alg, st)
			}
			sign.dstLen = 8
			if st := runOp(t, q, uint64(akID), &c.p, &sign); st != virtiocrypto.StatusErr {
				t.Errorf("AKCIPHER sign into 8 bytes (alg %v): %v", c.p.AK.Alg, st)
			}
		}
		if err := f.CloseSession(uint64(id)); err != nil {
			t.Fatal(err)
		}
		scrape := scrapeUntil(t, url, []string{
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="ERR"} 1`,
			`vcrypto_request_bytes_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="OK"} 32`,
			`vcrypto_session_operations_total{operation="create",service="AKCIPHER",status="OK"} 2`,
			`vcrypto_session_operations_total{operation="create",service="AKCIPHER",status="ERR"} 2`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="ERR"} 1`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC+HMAC_SHA1",status="OK"} 1`,
			`vcrypto_session_operations_total{operation="create",service="CIPHER",status="OK"} 2`,
			`vcrypto_session_operations_total{operation="create",service="CIPHER",status="ERR"} 1`,
			`vcrypto_session_operations_total{operation="destroy",service="unknown",status="OK"} 1`,
			"vcrypto_sessions 3\n",
			"vcrypto_frontends_connected 1\n",
		})
		f.Close()
		logs := log.String()
		for _, want := range []string{"vhost-user session refused", "data request failed"} {
			if !strings.Contains(logs, want) {
				t.Errorf("debug log lacks %q: the test no longer exercises the failure paths", want)
			}
		}
		assertNoKeys(t, keys, "cryptodev-mode log", logs)
		assertNoKeys(t, keys, "cryptodev-mode metrics", scrape)
	})
	t.Run("device stateless", func(t *testing.T) {
		var log lockedBuffer
		sock, url := startLoggedDaemon(t, "device", &log)
		feats := virtiocrypto.FeatureRevision1.Mask() | virtiocrypto.FeatureCipherStatelessMode.Mask() | virtiocrypto.FeatureAkcipherStatelessMode.Mask()
		f, err := vhostuser.Dial(sock, vhostuser.FrontendConfig{Queues: 2, EventIdx: true, SendEnable: true, CryptoFeatures: feats})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Handshake(); err != nil {
			t.Fatal(err)
		}
		if got := f.CryptoFeatures(); got != feats {
			t.Fatalf("negotiated %#x, want %#x", got, feats)
		}
		// Stateless requests carry their keys: AKCIPHER with RSA and
		// ECDSA private keys (sign OK, a verify that fails, a dst too
		// small) and corrupted keys (the temporary session is refused,
		// logged at debug), and a cipher key of a bad length.
		ak := akKeyMaterial(t)
		src := bytes.Repeat([]byte{0x55}, 32)
		for _, c := range []struct {
			p    engine.SessionParams
			o    keyOp
			want virtiocrypto.Status
		}{
			{ak.rsa, keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 128}, virtiocrypto.StatusOK},
			{ak.rsa, keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 127}, virtiocrypto.StatusErr},
			{ak.rsa, keyOp{op: engine.Op{AK: engine.AKVerify, Src: make([]byte, 128), Signed: ak.digest}}, virtiocrypto.StatusKeyRejected},
			{ak.ecdsa, keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 80}, virtiocrypto.StatusOK},
			{ak.ecdsa, keyOp{op: engine.Op{AK: engine.AKVerify, Src: []byte{0x30, 0x00}, Signed: ak.digest}}, virtiocrypto.StatusKeyRejected},
			{ak.badRSA, keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 128}, virtiocrypto.StatusErr},
			{ak.badECDSA, keyOp{op: engine.Op{AK: engine.AKSign, Src: ak.digest}, dstLen: 80}, virtiocrypto.StatusErr},
			{engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: distinctKey("stateless-bad-cipher", 17), Direction: engine.Encrypt},
				keyOp{op: engine.Op{Dir: engine.Encrypt, IV: make([]byte, 16), Src: src}, dstLen: 32}, virtiocrypto.StatusErr},
		} {
			keys = append(keys, keysOf(&c.p)...)
			if st := runStateless(t, f.Queue(0), feats, &c.p, &c.o); st != c.want {
				t.Errorf("stateless %v %v: %v, want %v", c.p.Service, c.o.op.AK, st, c.want)
			}
		}
		scrape := scrapeUntil(t, url, []string{
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="ERR"} 2`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="RSA",status="KEY_REJECTED"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="OK"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="ERR"} 1`,
			`vcrypto_requests_total{queue="0",service="AKCIPHER",algorithm="ECDSA",status="KEY_REJECTED"} 1`,
			`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="ERR"} 1`,
			`vcrypto_request_bytes_total{queue="0",service="AKCIPHER",algorithm="RSA",status="OK"} 32`,
			"vcrypto_sessions 0\n",
		})
		f.Close()
		logs := log.String()
		for _, want := range []string{"stateless session refused", "data request failed", "level=DEBUG"} {
			if !strings.Contains(logs, want) {
				t.Errorf("debug log lacks %q: the test no longer exercises the failure paths", want)
			}
		}
		assertNoKeys(t, keys, "stateless log", logs)
		assertNoKeys(t, keys, "stateless metrics", scrape)
	})
	if len(keys) < 10 {
		t.Fatalf("only %d keys checked", len(keys))
	}
}

// akKeys is the AKCIPHER key material of the key-leak test: keys generated
// for the run (so that their bytes appear nowhere else; no result is
// checked against them, only statuses and the absence of the keys from
// logs and metrics), and copies with one byte altered, which the engine
// refuses (ERR).
type akKeys struct {
	rsa, ecdsa, badRSA, badECDSA engine.SessionParams
	digest                       []byte // a SHA-256-sized digest to sign
}

var akKeysOnce = sync.OnceValues(func() (akKeys, error) {
	// RSA-1024: its RSAPrivateKey DER (about 610 bytes) fits the
	// 1024-byte key array of the vhost-user session message.
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return akKeys{}, err
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return akKeys{}, err
	}
	eder, err := x509.MarshalECPrivateKey(ek)
	if err != nil {
		return akKeys{}, err
	}
	var k akKeys
	k.rsa = engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.RSA, KeyType: engine.KeyPrivate,
		Padding: engine.RSAPKCS1Padding, Hash: engine.RSASHA256, Key: x509.MarshalPKCS1PrivateKey(rk)}}
	k.ecdsa = engine.SessionParams{Service: engine.ServiceAKCipher, AK: engine.AKCipherParams{Alg: engine.ECDSA, KeyType: engine.KeyPrivate,
		Curve: engine.CurveP256, Key: eder}}
	k.badRSA, k.badECDSA = k.rsa, k.ecdsa
	// A byte inside the private integers (RSA: d or a prime; ECDSA: the
	// scalar, which then does not match the embedded public key).
	k.badRSA.AK.Key = bytes.Clone(k.rsa.AK.Key)
	k.badRSA.AK.Key[len(k.badRSA.AK.Key)/2] ^= 0x5A
	k.badECDSA.AK.Key = bytes.Clone(eder)
	k.badECDSA.AK.Key[12] ^= 0x5A
	d := sha256.Sum256([]byte("vcrypto key-leak test"))
	k.digest = d[:]
	return k, nil
})

func akKeyMaterial(t *testing.T) akKeys {
	t.Helper()
	k, err := akKeysOnce()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// akKeyCases are the AKCIPHER sessions of the device-mode run: RSA and
// ECDSA private keys with a sign (OK), a failing request (ERR or
// KEY_REJECTED, logged at debug) each, and creates with corrupted keys
// (refused with ERR, logged at debug).
func akKeyCases(t *testing.T) []keyCase {
	k := akKeyMaterial(t)
	return []keyCase{
		{name: "rsa", p: k.rsa, ops: []keyOp{
			{op: engine.Op{AK: engine.AKSign, Src: k.digest}, dstLen: 128, want: virtiocrypto.StatusOK},
			{op: engine.Op{AK: engine.AKSign, Src: k.digest}, dstLen: 127, want: virtiocrypto.StatusErr},
			{op: engine.Op{AK: engine.AKVerify, Src: make([]byte, 128), Signed: k.digest}, want: virtiocrypto.StatusKeyRejected},
		}},
		{name: "ecdsa", p: k.ecdsa, ops: []keyOp{
			{op: engine.Op{AK: engine.AKSign, Src: k.digest}, dstLen: 80, want: virtiocrypto.StatusOK},
			{op: engine.Op{AK: engine.AKVerify, Src: []byte{0x30, 0x00}, Signed: k.digest}, want: virtiocrypto.StatusKeyRejected},
		}},
		{name: "bad-rsa", p: k.badRSA, wantCreate: virtiocrypto.StatusErr},
		{name: "bad-ecdsa", p: k.badECDSA, wantCreate: virtiocrypto.StatusErr},
	}
}

// runStateless submits one stateless request (flag 0, the keys of p in
// op_vlf) framed for feats on q and returns its status.
func runStateless(t *testing.T, q *vhostuser.FrontendQueue, feats uint64, p *engine.SessionParams, o *keyOp) virtiocrypto.Status {
	t.Helper()
	dr, readable, writable := cryptodevtest.StatelessRequest(p, &o.op, o.dstLen, o.digestLen)
	return submit(t, q, dr.Append(nil, feats), readable, writable)
}

// keyForms lists the encodings of k a log line or label could carry: the
// raw bytes, hex in both cases, base64 (standard, URL, unpadded), Go's %v
// of a byte slice ("[1 2 3]") and %x with spaces; and the same for each
// 8-byte window, so that a truncated key is caught too.
func keyForms(k []byte) []string {
	forms := func(b []byte) []string {
		dec := strings.Trim(fmt.Sprint(b), "[]")
		return []string{string(b), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
			base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			dec, fmt.Sprintf("% x", b), fmt.Sprintf("% X", b), fmt.Sprintf("%q", b)}
	}
	out := forms(k)
	for i := 0; i+8 <= len(k); i += 4 {
		w := k[i : i+8]
		out = append(out, string(w), hex.EncodeToString(w), strings.ToUpper(hex.EncodeToString(w)), strings.Trim(fmt.Sprint(w), "[]"))
	}
	return out
}

func assertNoKeys(t *testing.T, keys [][]byte, what, text string) {
	t.Helper()
	if len(text) == 0 {
		t.Fatalf("%s is empty", what)
	}
	for _, k := range keys {
		for _, f := range keyForms(k) {
			if strings.Contains(text, f) {
				t.Errorf("%s contains key %x as %q", what, k, f)
			}
		}
	}
}

// TestKeyFormsDetect: the search finds a key written in each form (so the
// test above can fail).
func TestKeyFormsDetect(t *testing.T) {
	k := distinctKey("detect", 16)
	for _, line := range []string{
		fmt.Sprintf("level=DEBUG msg=x key=%x", k), fmt.Sprintf("key=%X", k), fmt.Sprintf("key=%v", k),
		"key=" + base64.StdEncoding.EncodeToString(k), fmt.Sprintf("k=%q", k), "k=" + string(k),
		fmt.Sprintf("k=%x", k[3:12]),
	} {
		found := false
		for _, f := range keyForms(k) {
			if strings.Contains(line, f) {
				found = true
			}
		}
		if !found {
			t.Errorf("key not found in %q", line)
		}
	}
}
