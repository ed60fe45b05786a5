package vhostuser

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// AKCIPHER over a real vhost-user socket, in both ways a VMM uses the
// backend: every published case of cryptodevtest.AKCases (Wycheproof RSA
// and ECDSA files, RFC 6979) with sessions created through the control
// queue (device mode) or with the 1072-byte CREATE_CRYPTO_SESSION that
// QEMU ≥ 8.1 sends (cryptodev mode), data requests on the data queues,
// and used length = result length + 1 as Linux reads it.

// akRun sends the data request of case c on session id through q and
// judges the answer; it returns an error describing a mismatch.
func akRun(q *FrontendQueue, c *cryptodevtest.AKCase, id uint64) error {
	dr, readable, writable := cryptodevtest.AkcipherRequest(id, c.Params.AK.Alg, c.Op, c.Src, c.Signed, c.DstLen)
	cp, err := q.Call(append([][]byte{dr.Append(nil, 0)}, readable...), append(writable, 1))
	if err != nil {
		return err
	}
	res, st, err := cryptodevtest.AkcipherResult(cp.Writable, cp.Len)
	if err != nil {
		return err
	}
	if st != virtiocrypto.StatusOK && cp.Len != 1 {
		return fmt.Errorf("status %v with used length %d, want 1", st, cp.Len)
	}
	return c.JudgeResult(st, res)
}

// akStatus sends case c on session id and returns the status and used
// length.
func akStatus(t testing.TB, q *FrontendQueue, c *cryptodevtest.AKCase, id uint64) (virtiocrypto.Status, uint32) {
	t.Helper()
	dr, readable, writable := cryptodevtest.AkcipherRequest(id, c.Params.AK.Alg, c.Op, c.Src, c.Signed, c.DstLen)
	cp, err := q.Call(append([][]byte{dr.Append(nil, 0)}, readable...), append(writable, 1))
	if err != nil {
		t.Fatal(err)
	}
	return virtiocrypto.Status(cp.Writable[len(cp.Writable)-1]), cp.Len
}

// akKinds are the case kinds each mode must pass at least once.
var akKinds = []string{"rsa-verify", "rsa-sign", "rsa-raw-decrypt", "rsa-raw-encrypt", "rsa-encrypt", "ecdsa-verify", "ecdsa-sign"}

func akSessionKey(p *engine.SessionParams) string {
	a := &p.AK
	return fmt.Sprintf("%d/%d/%d/%d/%d/", a.Alg, a.KeyType, a.Padding, a.Hash, a.Curve) + string(a.Key)
}

// ctrlCall sends one control request and returns the writable answer.
func ctrlCall(t testing.TB, q *FrontendQueue, readable [][]byte, answer int) []byte {
	t.Helper()
	cp, err := q.Call(readable, []int{answer})
	if err != nil {
		t.Fatal(err)
	}
	if int(cp.Len) != answer {
		t.Fatalf("control answer of %d bytes, want %d", cp.Len, answer)
	}
	return cp.Writable
}

func TestAkcipherDeviceModeOverSocket(t *testing.T) {
	leakCheck(t)
	cases := cryptodevtest.AKCases(t)
	s := startServer(t, ModeDevice, 2)
	f := s.dial(t, FrontendConfig{Queues: 3, EventIdx: true, Indirect: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	// Config space: the AKCIPHER service bit and akcipher_algo from the
	// engine's capabilities (spec "Device configuration layout").
	raw, err := f.GetConfig(0, virtiocrypto.ConfigSize)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := virtiocrypto.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.HasService(virtiocrypto.ServiceAkcipher) || !cfg.HasAkcipher(virtiocrypto.AkcipherRSA) || !cfg.HasAkcipher(virtiocrypto.AkcipherECDSA) ||
		binary.LittleEndian.Uint32(raw[44:]) != 1<<virtiocrypto.AkcipherRSA|1<<virtiocrypto.AkcipherECDSA {
		t.Fatalf("config: services %#x akcipher_algo %#x", cfg.Services, cfg.AkcipherAlgos)
	}
	ctrl := f.Queue(2)
	ids := map[string]uint64{}
	passed := map[string]int{}
	for i := range cases {
		c := &cases[i]
		k := akSessionKey(&c.Params)
		id, ok := ids[k]
		if !ok {
			req, keys := cryptodevtest.SessionRequest(&c.Params)
			in, err := virtiocrypto.ParseCreateSessionInput(ctrlCall(t, ctrl, append([][]byte{req.Append(nil, 0)}, keys...), virtiocrypto.CreateSessionInputSize))
			if err != nil || in.Status != virtiocrypto.StatusOK {
				t.Fatalf("%s: create session: %+v %v", c.Name, in, err)
			}
			id, ids[k] = in.SessionID, in.SessionID
		}
		if err := akRun(f.Queue(i%2), c, id); err != nil {
			t.Errorf("%s (%v): %v", c.Name, c.Op, err)
			continue
		}
		passed[c.Kind]++
	}
	for _, k := range append(akKinds, "rsa-decrypt") {
		if passed[k] == 0 {
			t.Errorf("no %s case passed", k)
		}
	}
	for _, id := range ids {
		d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeAkcipherDestroySession},
			Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
		if st := ctrlCall(t, ctrl, [][]byte{d.Append(nil, 0)}, 1)[0]; st != byte(virtiocrypto.StatusOK) {
			t.Errorf("destroy %d: status %d", id, st)
		}
	}
	// Destroyed sessions: INVSESS, used length 1.
	for i := range cases {
		c := &cases[i]
		if st, used := akStatus(t, f.Queue(0), c, ids[akSessionKey(&c.Params)]); st != virtiocrypto.StatusInvSess || used != 1 {
			t.Errorf("%s on a destroyed session: %v, used length %d", c.Name, st, used)
		}
		if i > 50 {
			break
		}
	}
	t.Logf("device mode, published AKCIPHER cases passed: %v", passed)
}

func TestAkcipherCryptodevModeOverSocket(t *testing.T) {
	leakCheck(t)
	cases := cryptodevtest.AKCases(t)
	s := startServer(t, ModeCryptodev, 1)
	f := s.dial(t, qemuConfig(1))
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	ids := map[string]uint64{}
	first := map[string]int{} // the first case of each session
	passed := map[string]int{}
	tooLong := 0
	for i := range cases {
		c := &cases[i]
		if c.KeyLen() > AsymKeyMax {
			// QEMU refuses such a key before sending anything
			// ("Unsupported asymmetric key size").
			if _, err := AkcipherSession(&c.Params.AK); err == nil {
				t.Fatalf("%s: a %d-byte key fits the 1024-byte array", c.Name, c.KeyLen())
			}
			tooLong++
			continue
		}
		k := akSessionKey(&c.Params)
		id, ok := ids[k]
		if !ok {
			cs, err := AkcipherSession(&c.Params.AK)
			if err != nil {
				t.Fatal(err)
			}
			sid, err := f.CreateSession(cs)
			if err != nil || sid < 0 {
				t.Fatalf("%s: CREATE_CRYPTO_SESSION: id %d, %v", c.Name, sid, err)
			}
			id, ids[k], first[k] = uint64(sid), uint64(sid), i
		}
		if err := akRun(f.Queue(0), c, id); err != nil {
			t.Errorf("%s (%v): %v", c.Name, c.Op, err)
			continue
		}
		passed[c.Kind]++
	}
	for _, k := range akKinds {
		if passed[k] == 0 {
			t.Errorf("no %s case passed", k)
		}
	}
	if tooLong == 0 {
		t.Error("no case had a key beyond QEMU's 1024-byte array")
	}
	// Refusals carried as negative ids: a garbage key (ERR), an unknown
	// curve (NOTSUPP); and the AKCIPHER opcode in a 632-byte layout, which
	// cannot carry an asymmetric session (NOTSUPP).
	var m engine.AKCipherParams // the RFC 6979 private key
	for _, c := range cases {
		if c.Kind == "ecdsa-sign" {
			m = c.Params.AK
		}
	}
	bad := m
	bad.Key = bytes.Repeat([]byte{0x30}, 40)
	unknownCurve := m
	unknownCurve.Curve = 9
	for _, tc := range []struct {
		name string
		p    engine.AKCipherParams
		want virtiocrypto.Status
	}{{"garbage key", bad, virtiocrypto.StatusErr}, {"unknown curve", unknownCurve, virtiocrypto.StatusNotSupp}} {
		cs, _ := AkcipherSession(&tc.p)
		if id, err := f.CreateSession(cs); err != nil || id != -int64(tc.want) {
			t.Errorf("%s: id %d, %v; want -%d", tc.name, id, err, tc.want)
		}
	}
	legacy, _ := CipherSession(LayoutQEMU70, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, make([]byte, 16))
	legacy.OpCode = uint64(virtiocrypto.OpcodeAkcipherCreateSession)
	if id, err := f.CreateSession(legacy); err != nil || id != -int64(virtiocrypto.StatusNotSupp) {
		t.Errorf("AKCIPHER opcode in the ≤ 7.0 layout: id %d, %v", id, err)
	}
	// CLOSE_CRYPTO_SESSION, then a round trip so that the closes were
	// handled before the data request: INVSESS with used length 1.
	for _, id := range ids {
		if err := f.CloseSession(id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.GetFeatures(); err != nil {
		t.Fatal(err)
	}
	for k, id := range ids {
		c := &cases[first[k]]
		if st, used := akStatus(t, f.Queue(0), c, id); st != virtiocrypto.StatusInvSess || used != 1 {
			t.Errorf("%s on closed session %d: %v, used length %d", c.Name, id, st, used)
		}
	}
	s.mu.Lock()
	if n := len(s.devs); n != 1 || s.devs[0].Sessions().Len() != 0 {
		t.Errorf("sessions left after CLOSE: %d devices", n)
	}
	s.mu.Unlock()
	t.Logf("cryptodev mode, published AKCIPHER cases passed: %v (%d left out: keys beyond 1024 bytes)", passed, tooLong)
}

// TestAkcipherLinuxShaped plays Linux's virtio_crypto_akcipher_algs.c
// (drivers/crypto/virtio, 6.1): "rsa" (raw padding, no hash) and
// "pkcs1pad(rsa,sha1)" (PKCS#1, SHA-1) sessions created with header.algo =
// para.algo = RSA, the key in its own descriptor after the 72-byte request
// and a 16-byte session input; data requests with header.algo = RSA,
// src in one buffer, dst of the key size (max_size), the status in its own
// byte; a verify as one readable buffer signature ‖ digest and the status;
// the result length read as used length − 1; destroy with a one-byte
// status. Vectors: Wycheproof rsa_pkcs1_2048_sig_gen_test.json (SHA-1
// group), signed and opened through both sessions.
func TestAkcipherLinuxShaped(t *testing.T) {
	leakCheck(t)
	var sign *cryptodevtest.AKCase
	for _, c := range cryptodevtest.AKCases(t) {
		if c.Kind == "rsa-sign" && c.Params.AK.Hash == engine.RSASHA1 && c.DstLen == 256 {
			sign = &c
			break
		}
	}
	if sign == nil {
		t.Fatal("no SHA-1 signature case of a 2048-bit key")
	}
	s := startServer(t, ModeDevice, 1)
	f := s.dial(t, FrontendConfig{Queues: 2, EventIdx: true, Indirect: true, AckAllFeatures: true})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	data, ctrl := f.Queue(0), f.Queue(1)
	key := sign.Params.AK.Key
	create := func(padding, hash uint32) uint64 {
		t.Helper()
		// struct virtio_crypto_op_ctrl_req: header {opcode, algo, flag,
		// queue_id}, then virtio_crypto_akcipher_session_para {algo,
		// keytype, keylen, u.rsa {padding_algo, hash_algo}} and 36 bytes
		// of padding.
		req := make([]byte, 72)
		binary.LittleEndian.PutUint32(req[0:], uint32(virtiocrypto.OpcodeAkcipherCreateSession))
		binary.LittleEndian.PutUint32(req[4:], uint32(virtiocrypto.AkcipherRSA))
		binary.LittleEndian.PutUint32(req[16:], uint32(virtiocrypto.AkcipherRSA))
		binary.LittleEndian.PutUint32(req[20:], uint32(virtiocrypto.KeyTypePrivate))
		binary.LittleEndian.PutUint32(req[24:], uint32(len(key)))
		binary.LittleEndian.PutUint32(req[28:], padding)
		binary.LittleEndian.PutUint32(req[32:], hash)
		in := ctrlCall(t, ctrl, [][]byte{req, key}, 16)
		if st := binary.LittleEndian.Uint32(in[8:]); st != uint32(virtiocrypto.StatusOK) {
			t.Fatalf("create session (padding %d, hash %d): status %d", padding, hash, st)
		}
		return binary.LittleEndian.Uint64(in)
	}
	// do sends header {opcode, algo RSA, session_id} + {src_data_len,
	// dst_data_len} (the 48-byte union zero-padded), the source, and
	// dstLen writable bytes (none for a verify) plus the status byte.
	do := func(op virtiocrypto.Opcode, id uint64, src []byte, srcLen, dstLen int) (virtiocrypto.Status, []byte) {
		t.Helper()
		req := make([]byte, 72)
		binary.LittleEndian.PutUint32(req[0:], uint32(op))
		binary.LittleEndian.PutUint32(req[4:], uint32(virtiocrypto.AkcipherRSA))
		binary.LittleEndian.PutUint64(req[8:], id)
		binary.LittleEndian.PutUint32(req[24:], uint32(srcLen))
		binary.LittleEndian.PutUint32(req[28:], uint32(dstLen))
		w := []int{1}
		if op != virtiocrypto.OpcodeAkcipherVerify {
			w = []int{dstLen, 1}
		}
		cp, err := data.Call([][]byte{req, src}, w)
		if err != nil {
			t.Fatal(err)
		}
		st := virtiocrypto.Status(cp.Writable[len(cp.Writable)-1])
		if cp.Len < 1 || int(cp.Len)-1 > len(cp.Writable)-1 {
			t.Fatalf("%v: used length %d for %d writable bytes", op, cp.Len, len(cp.Writable))
		}
		return st, cp.Writable[:cp.Len-1] // akcipher_req->dst_len = len - 1
	}
	raw := create(uint32(virtiocrypto.RSARawPadding), uint32(virtiocrypto.RSANoHash))
	p1 := create(uint32(virtiocrypto.RSAPKCS1Padding), uint32(virtiocrypto.RSASHA1))

	// pkcs1pad(rsa,sha1) sign: the published signature, 256 bytes.
	if st, out := do(virtiocrypto.OpcodeAkcipherSign, p1, sign.Src, len(sign.Src), 256); st != virtiocrypto.StatusOK || !bytes.Equal(out, sign.Want) {
		t.Errorf("sign: %v %x, want %x", st, out, sign.Want)
	}
	// verify: signature ‖ digest in one buffer; src_data_len is the
	// signature's length, dst_data_len the digest's.
	both := append(slices.Clone(sign.Want), sign.Src...)
	if st, out := do(virtiocrypto.OpcodeAkcipherVerify, p1, both, 256, len(sign.Src)); st != virtiocrypto.StatusOK || len(out) != 0 {
		t.Errorf("verify: %v, %d result bytes", st, len(out))
	}
	both[0] ^= 1
	if st, _ := do(virtiocrypto.OpcodeAkcipherVerify, p1, both, 256, len(sign.Src)); st != virtiocrypto.StatusKeyRejected {
		t.Errorf("verify of an altered signature: %v, want KEY_REJECTED (-EKEYREJECTED in Linux)", st)
	}
	// "rsa" (raw): the guest's pkcs1pad template pads itself; the raw
	// private operation on the EMSA-PKCS1-v1_5 block is the published
	// signature, and the raw public operation opens it again.
	var em []byte
	for _, c := range cryptodevtest.AKCases(t) {
		if c.Kind == "rsa-raw-encrypt" && bytes.Equal(c.Src, sign.Want) {
			em = c.Want
		}
	}
	if em == nil {
		t.Fatal("no raw case for the signature")
	}
	if st, out := do(virtiocrypto.OpcodeAkcipherDecrypt, raw, em, 256, 256); st != virtiocrypto.StatusOK || !bytes.Equal(out, sign.Want) {
		t.Errorf("raw decrypt: %v %x", st, out)
	}
	if st, out := do(virtiocrypto.OpcodeAkcipherEncrypt, raw, sign.Want, 256, 256); st != virtiocrypto.StatusOK || !bytes.Equal(out, em) {
		t.Errorf("raw encrypt: %v %x", st, out)
	}
	// Raw sessions refuse sign and verify (spec: RAW_PADDING "MUST not be
	// used for verification and signing operations").
	if st, out := do(virtiocrypto.OpcodeAkcipherSign, raw, sign.Src, len(sign.Src), 256); st != virtiocrypto.StatusErr || len(out) != 0 {
		t.Errorf("sign on a raw session: %v, %d bytes", st, len(out))
	}
	// Destroy: struct virtio_crypto_destroy_session_req and a one-byte
	// status, as virtio_crypto_alg_akcipher_close_session sends it.
	for _, id := range []uint64{raw, p1} {
		req := make([]byte, 72)
		binary.LittleEndian.PutUint32(req[0:], uint32(virtiocrypto.OpcodeAkcipherDestroySession))
		binary.LittleEndian.PutUint64(req[16:], id)
		if st := ctrlCall(t, ctrl, [][]byte{req}, 1)[0]; st != byte(virtiocrypto.StatusOK) {
			t.Errorf("destroy %d: status %d", id, st)
		}
	}
}
