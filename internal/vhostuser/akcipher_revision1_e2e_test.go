package vhostuser

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/virtiocrypto"
)

// AKCIPHER under VIRTIO_CRYPTO_F_REVISION_1 over a real vhost-user socket
// (device mode, the Go frontend negotiating the features): published cases
// of cryptodevtest.AKCases (Wycheproof RSA PKCS#1 v1.5 sign, verify,
// decrypt, encrypt, raw RSA; ECDSA P-256 verify; RFC 6979 signatures, the
// device's checked with crypto/ecdsa) as session-mode requests with the
// 8-byte op_flf (REVISION_1 alone), as FLAG_SESSION_MODE requests with the
// 28-byte stateless op_flf, and as stateless requests (flag 0: sess_para
// in op_flf, the key first in op_vlf; spec "AKCIPHER Service Operation"),
// with used length = result length + 1; then hostile stateless requests.

// akRev1Framing says how TestAkcipherRevision1OverSocket sends a case.
type akRev1Framing struct {
	name      string
	features  uint64
	stateless bool
}

// akRev1Sample returns up to n published cases of each (kind, status)
// pair, so that every kind's valid and invalid cases run in every
// framing without the whole file in each.
func akRev1Sample(t *testing.T, n int) []cryptodevtest.AKCase {
	t.Helper()
	seen := map[string]int{}
	var out []cryptodevtest.AKCase
	for _, c := range cryptodevtest.AKCases(t) {
		k := fmt.Sprintf("%s/%v", c.Kind, c.Status)
		if seen[k] < n {
			seen[k]++
			out = append(out, c)
		}
	}
	return out
}

// akCall submits one AKCIPHER request framed for feats and returns the
// status and the result the used length delimits (checking the rule).
func akCall(q *FrontendQueue, feats uint64, dr virtiocrypto.DataRequest, readable [][]byte, writable []int) (virtiocrypto.Status, []byte, error) {
	var rd [][]byte
	for _, b := range append([][]byte{dr.Append(nil, feats)}, readable...) {
		if len(b) > 0 {
			rd = append(rd, b)
		}
	}
	cp, err := q.Call(rd, append(writable, 1))
	if err != nil {
		return 0, nil, err
	}
	res, st, err := cryptodevtest.AkcipherResult(cp.Writable, cp.Len)
	if err != nil {
		return st, nil, err
	}
	if st != virtiocrypto.StatusOK && cp.Len != 1 {
		return st, nil, fmt.Errorf("status %v with used length %d, want 1", st, cp.Len)
	}
	return st, res, nil
}

func TestAkcipherRevision1OverSocket(t *testing.T) {
	rev1 := virtiocrypto.FeatureRevision1.Mask()
	cases := akRev1Sample(t, 8)
	for _, fr := range []akRev1Framing{
		{name: "REVISION_1 session mode", features: rev1},
		{name: "stateless layout, FLAG_SESSION_MODE", features: statelessFeatures},
		{name: "stateless", features: statelessFeatures, stateless: true},
	} {
		t.Run(fr.name, func(t *testing.T) {
			leakCheck(t)
			s := startServerWith(t, ModeDevice, cryptodev.Options{DataQueues: 2, Revision1: true})
			f := s.dial(t, FrontendConfig{Queues: 3, EventIdx: true, Indirect: true, QueueSize: 256, CryptoFeatures: fr.features})
			if err := f.Handshake(); err != nil {
				t.Fatal(err)
			}
			feats := f.CryptoFeatures()
			if feats != fr.features {
				t.Fatalf("negotiated %#x, want %#x", feats, fr.features)
			}
			ctrl := f.Queue(2)
			ids := map[string]uint64{}
			passed := map[string]int{}
			for i := range cases {
				c := &cases[i]
				p, op := c.Params, c.EngineOp()
				var dr virtiocrypto.DataRequest
				var readable [][]byte
				var writable []int
				if fr.stateless {
					dr, readable, writable = cryptodevtest.StatelessRequest(&p, &op, c.DstLen, 0)
				} else {
					k := akSessionKey(&c.Params)
					id, ok := ids[k]
					if !ok {
						req, keys := cryptodevtest.SessionRequest(&p)
						in, err := virtiocrypto.ParseCreateSessionInput(ctrlCall(t, ctrl, append([][]byte{req.Append(nil, feats)}, keys...), virtiocrypto.CreateSessionInputSize))
						if err != nil || in.Status != virtiocrypto.StatusOK {
							t.Fatalf("%s: create session: %+v %v", c.Name, in, err)
						}
						id, ids[k] = in.SessionID, in.SessionID
					}
					dr, readable, writable = cryptodevtest.SessionDataRequest(id, &p, &op, c.DstLen, 0, feats)
				}
				st, res, err := akCall(f.Queue(i%2), feats, dr, readable, writable)
				if err == nil {
					err = c.JudgeResult(st, res)
				}
				if err != nil {
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
			if n := s.device(t).Sessions().Len(); n != len(ids) {
				t.Errorf("%d sessions, want %d", n, len(ids))
			}
			for _, id := range ids {
				d := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: virtiocrypto.OpcodeAkcipherDestroySession},
					Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
				if st := ctrlCall(t, ctrl, [][]byte{d.Append(nil, feats)}, 1)[0]; st != byte(virtiocrypto.StatusOK) {
					t.Errorf("destroy %d: status %d", id, st)
				}
			}
			t.Logf("%s: published AKCIPHER cases passed: %v", fr.name, passed)
		})
	}
}

// TestAkcipherStatelessHostileOverSocket: stateless AKCIPHER requests a
// hostile driver sends, each answered with a status and used length 1,
// nothing written to dst_data, and followed by a good request on the same
// queue: key_len beyond the readable part, a key over the device's
// AKCIPHER key bound (cryptodev.MaxAkcipherKeyLen, below max_size here),
// a garbage key, a truncated key, dst_data one byte short of the result;
// and an altered published signature (KEY_REJECTED). No session is left
// behind.
func TestAkcipherStatelessHostileOverSocket(t *testing.T) {
	leakCheck(t)
	var sign, verify *cryptodevtest.AKCase
	for _, c := range cryptodevtest.AKCases(t) {
		switch {
		case sign == nil && c.Kind == "rsa-sign" && c.DstLen == 256:
			sign = &c
		case verify == nil && c.Kind == "rsa-verify" && c.Status == virtiocrypto.StatusOK:
			verify = &c
		}
	}
	if sign == nil || verify == nil {
		t.Fatal("published cases missing")
	}
	s := startServerWith(t, ModeDevice, cryptodev.Options{DataQueues: 1, Revision1: true})
	f := s.dial(t, FrontendConfig{Queues: 2, EventIdx: true, Indirect: true, CryptoFeatures: statelessFeatures})
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	q := f.Queue(0)
	good := func(what string) {
		t.Helper()
		p, op := sign.Params, sign.EngineOp()
		dr, rd, wl := cryptodevtest.StatelessRequest(&p, &op, sign.DstLen, 0)
		st, res, err := akCall(q, statelessFeatures, dr, rd, wl)
		if err == nil {
			err = sign.JudgeResult(st, res)
		}
		if err != nil {
			t.Fatalf("good stateless sign after %s: %v", what, err)
		}
	}
	good("nothing")
	key := sign.Params.AK.Key
	bad := *verify
	bad.Src = slices.Clone(bad.Src)
	bad.Src[10] ^= 0x80
	for _, tc := range []struct {
		name string
		c    cryptodevtest.AKCase
		// edit changes the request after it is built.
		edit func(dr *virtiocrypto.DataRequest, rd [][]byte) [][]byte
		want virtiocrypto.Status
	}{
		{name: "key_len beyond the readable part", c: *sign, want: virtiocrypto.StatusErr,
			edit: func(dr *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				dr.AkcipherStateless.KeyLen += 4096
				return rd
			}},
		{name: "key over the AKCIPHER key bound", c: *sign, want: virtiocrypto.StatusErr,
			edit: func(dr *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				big := append(slices.Clone(key), make([]byte, cryptodev.MaxAkcipherKeyLen+1-len(key))...)
				dr.AkcipherStateless.KeyLen = uint32(len(big))
				return append([][]byte{big}, rd[1:]...)
			}},
		{name: "garbage key", c: *sign, want: virtiocrypto.StatusErr,
			edit: func(dr *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				return append([][]byte{bytes.Repeat([]byte{0x30, 0x82}, len(key)/2)}, rd[1:]...)
			}},
		{name: "truncated key", c: *sign, want: virtiocrypto.StatusErr,
			edit: func(dr *virtiocrypto.DataRequest, rd [][]byte) [][]byte {
				dr.AkcipherStateless.KeyLen = uint32(len(key) - 10)
				return append([][]byte{key[:len(key)-10]}, rd[1:]...)
			}},
		{name: "dst_data one byte short of the signature", c: func() cryptodevtest.AKCase { c := *sign; c.DstLen--; return c }(),
			want: virtiocrypto.StatusErr},
		{name: "altered published signature", c: bad, want: virtiocrypto.StatusKeyRejected},
	} {
		p, op := tc.c.Params, tc.c.EngineOp()
		dr, rd, wl := cryptodevtest.StatelessRequest(&p, &op, tc.c.DstLen, 0)
		if tc.edit != nil {
			rd = tc.edit(&dr, rd)
		}
		st, res, err := akCall(q, statelessFeatures, dr, rd, wl)
		if err != nil || st != tc.want || len(res) != 0 {
			t.Errorf("%s: %v, %d result bytes, %v; want %v", tc.name, st, len(res), err, tc.want)
		}
		good(tc.name)
	}
	if n := s.device(t).Sessions().Len(); n != 0 {
		t.Errorf("%d sessions after stateless requests", n)
	}
}
