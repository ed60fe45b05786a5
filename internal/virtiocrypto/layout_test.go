package virtiocrypto

// Layout tests: every encoder's output is checked field by field against
// the offsets that clayout_test.go computes from the two published texts,
// the ratified spec (virtio v1.4 cs01 device-types/crypto/description.tex)
// and Linux's include/uapi/linux/virtio_crypto.h (Debian linux-libc-dev
// 6.1.187). Every field gets a distinct value, and every byte that no
// checked field covers must be zero, so a field written at the wrong
// offset, with the wrong width or byte order, or a missing padding byte,
// fails.

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// chk names one field in the spec and/or in Linux and its expected value.
//
// spec is a " > "-separated chain of "struct.field" references; each
// step adds the field's offset, so an op_flf struct placed inside an opaque
// byte area of another (algo_flf, op_type_flf) is written as
// "outer.area > inner.field". A chain that does not start with the
// request's header struct is placed after the header. linux is a field path
// in Linux's whole-request struct (or the standalone struct). Either may be
// empty when that text has no such field.
type chk struct {
	spec, linux string
	want        uint64
}

type resolved struct {
	desc      string
	off, size int
	want      uint64
}

type layoutEnv struct {
	t           *testing.T
	spec, linux *cLayouts
}

func newLayoutEnv(t *testing.T) *layoutEnv {
	return &layoutEnv{t: t, spec: loadLayout(t, "spec"), linux: loadLayout(t, "linux")}
}

func (e *layoutEnv) specRef(ref, header string) (off, size int) {
	e.t.Helper()
	parts := strings.Split(ref, " > ")
	for i, p := range parts {
		strct, path, ok := strings.Cut(p, ".")
		if !ok {
			e.t.Fatalf("bad spec reference %q", ref)
		}
		if i == 0 && header != "" && strct != header {
			off += e.spec.sizeof(e.t, header)
		}
		f := e.spec.field(e.t, strct, path)
		off += f.off
		size = f.size
	}
	return off, size
}

// resolve turns checks into offsets. specHeader is the spec header struct
// ("" for standalone structs); linuxStruct is the Linux struct that linux
// paths are relative to ("" to skip Linux checks, e.g. for REVISION_1).
func (e *layoutEnv) resolve(checks []chk, specHeader, linuxStruct string) []resolved {
	e.t.Helper()
	var out []resolved
	for _, c := range checks {
		var fromSpec, fromLinux *resolved
		if c.spec != "" {
			off, size := e.specRef(c.spec, specHeader)
			fromSpec = &resolved{"spec " + c.spec, off, size, c.want}
			out = append(out, *fromSpec)
		}
		if c.linux != "" && linuxStruct != "" {
			f := e.linux.field(e.t, linuxStruct, c.linux)
			fromLinux = &resolved{"linux " + linuxStruct + "." + c.linux, f.off, f.size, c.want}
			out = append(out, *fromLinux)
		}
		if fromSpec != nil && fromLinux != nil && (fromSpec.off != fromLinux.off || fromSpec.size != fromLinux.size) {
			e.t.Errorf("spec and Linux disagree: %s @%d/%d vs %s @%d/%d",
				fromSpec.desc, fromSpec.off, fromSpec.size, fromLinux.desc, fromLinux.off, fromLinux.size)
		}
	}
	return out
}

// verify checks enc against the resolved fields and that every other byte
// is zero.
func verify(t *testing.T, name string, enc []byte, rs []resolved) {
	t.Helper()
	covered := make([]bool, len(enc))
	for _, r := range rs {
		if r.off+r.size > len(enc) {
			t.Errorf("%s: %s at %d+%d beyond the %d-byte encoding", name, r.desc, r.off, r.size, len(enc))
			continue
		}
		var got uint64
		switch r.size {
		case 1:
			got = uint64(enc[r.off])
		case 4:
			got = uint64(binary.LittleEndian.Uint32(enc[r.off:]))
		case 8:
			got = binary.LittleEndian.Uint64(enc[r.off:])
		default:
			t.Fatalf("%s: %s has size %d", name, r.desc, r.size)
		}
		if got != r.want {
			t.Errorf("%s: %s @%d = %#x, want %#x", name, r.desc, r.off, got, r.want)
		}
		for i := r.off; i < r.off+r.size; i++ {
			covered[i] = true
		}
	}
	for i, c := range covered {
		if !c && enc[i] != 0 {
			t.Errorf("%s: byte %d = %#x is not part of any field and must be zero", name, i, enc[i])
		}
	}
}

const (
	specCtrlHeader   = "virtio_crypto_ctrl_header"
	specDataHeader   = "virtio_crypto_op_header"
	linuxCtrlReq     = "virtio_crypto_op_ctrl_req"
	linuxDataReq     = "virtio_crypto_op_data_req"
	featRev1         = uint64(1) << FeatureRevision1
	featAllStateless = featRev1 | 1<<FeatureCipherStatelessMode | 1<<FeatureHashStatelessMode |
		1<<FeatureMACStatelessMode | 1<<FeatureAEADStatelessMode | 1<<FeatureAkcipherStatelessMode
)

func ctrlHeaderChecks(op Opcode) []chk {
	return []chk{
		{"virtio_crypto_ctrl_header.opcode", "header.opcode", uint64(op)},
		{"virtio_crypto_ctrl_header.algo", "header.algo", 0x11000001},
		{"virtio_crypto_ctrl_header.flag", "header.flag", 0x11000002},
		{"virtio_crypto_ctrl_header.reserved", "header.queue_id", 0x11000003},
	}
}

func ctrlHeader(op Opcode) CtrlHeader {
	return CtrlHeader{Opcode: op, Algo: 0x11000001, Flag: 0x11000002, Reserved: 0x11000003}
}

func dataHeaderChecks(op Opcode, flag uint32) []chk {
	return []chk{
		{"virtio_crypto_op_header.opcode", "header.opcode", uint64(op)},
		{"virtio_crypto_op_header.algo", "header.algo", 0x22000001},
		{"virtio_crypto_op_header.session_id", "header.session_id", 0x0102030405060708},
		{"virtio_crypto_op_header.flag", "header.flag", uint64(flag)},
	}
}

func dataHeader(op Opcode, flag uint32) DataHeader {
	return DataHeader{Opcode: op, Algo: 0x22000001, SessionID: 0x0102030405060708, Flag: flag}
}

type ctrlCase struct {
	name    string
	req     CtrlRequest
	specFLF string // spec op_flf struct: REVISION_1 size = header + this
	checks  []chk
}

const (
	symFLF   = "virtio_crypto_sym_create_session_flf"
	chainFLF = "virtio_crypto_alg_chain_session_flf"
)

func ctrlCases() []ctrlCase {
	return []ctrlCase{
		{
			name: "cipher session",
			req: CtrlRequest{Header: ctrlHeader(OpcodeCipherCreateSession), Sym: SymSessionParams{
				OpType: SymOpCipher,
				Cipher: CipherSessionParams{Algo: 0x33000001, KeyLen: 0x33000002, Op: 0x33000003},
			}},
			specFLF: symFLF,
			checks: []chk{
				{symFLF + ".op_flf > virtio_crypto_cipher_session_flf.algo", "u.sym_create_session.u.cipher.para.algo", 0x33000001},
				{symFLF + ".op_flf > virtio_crypto_cipher_session_flf.key_len", "u.sym_create_session.u.cipher.para.keylen", 0x33000002},
				{symFLF + ".op_flf > virtio_crypto_cipher_session_flf.op", "u.sym_create_session.u.cipher.para.op", 0x33000003},
				{symFLF + ".op_type", "u.sym_create_session.op_type", uint64(SymOpCipher)},
			},
		},
		{
			name: "chain session, MAC",
			req: CtrlRequest{Header: ctrlHeader(OpcodeCipherCreateSession), Sym: SymSessionParams{
				OpType: SymOpAlgorithmChaining,
				Chain: ChainSessionParams{
					Order:    ChainHashThenCipher,
					HashMode: HashModeAuth,
					Cipher:   CipherSessionParams{Algo: 0x34000001, KeyLen: 0x34000002, Op: 0x34000003},
					MAC:      MACSessionParams{Algo: 0x34000004, HashResultLen: 0x34000005, AuthKeyLen: 0x34000006},
					AADLen:   0x34000007,
				},
			}},
			specFLF: symFLF,
			checks: []chk{
				{symFLF + ".op_flf > " + chainFLF + ".alg_chain_order", "u.sym_create_session.u.chain.para.alg_chain_order", uint64(ChainHashThenCipher)},
				{symFLF + ".op_flf > " + chainFLF + ".hash_mode", "u.sym_create_session.u.chain.para.hash_mode", uint64(HashModeAuth)},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.algo", "u.sym_create_session.u.chain.para.cipher_param.algo", 0x34000001},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.key_len", "u.sym_create_session.u.chain.para.cipher_param.keylen", 0x34000002},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.op", "u.sym_create_session.u.chain.para.cipher_param.op", 0x34000003},
				{symFLF + ".op_flf > " + chainFLF + ".algo_flf > virtio_crypto_mac_create_session_flf.algo", "u.sym_create_session.u.chain.para.u.mac_param.algo", 0x34000004},
				{symFLF + ".op_flf > " + chainFLF + ".algo_flf > virtio_crypto_mac_create_session_flf.hash_result_len", "u.sym_create_session.u.chain.para.u.mac_param.hash_result_len", 0x34000005},
				{symFLF + ".op_flf > " + chainFLF + ".algo_flf > virtio_crypto_mac_create_session_flf.auth_key_len", "u.sym_create_session.u.chain.para.u.mac_param.auth_key_len", 0x34000006},
				{symFLF + ".op_flf > " + chainFLF + ".aad_len", "u.sym_create_session.u.chain.para.aad_len", 0x34000007},
				{symFLF + ".op_type", "u.sym_create_session.op_type", uint64(SymOpAlgorithmChaining)},
			},
		},
		{
			name: "chain session, plain hash",
			req: CtrlRequest{Header: ctrlHeader(OpcodeCipherCreateSession), Sym: SymSessionParams{
				OpType: SymOpAlgorithmChaining,
				Chain: ChainSessionParams{
					Order:    ChainCipherThenHash,
					HashMode: HashModePlain,
					Cipher:   CipherSessionParams{Algo: 0x35000001, KeyLen: 0x35000002, Op: 0x35000003},
					Hash:     HashSessionParams{Algo: 0x35000004, HashResultLen: 0x35000005},
					AADLen:   0x35000007,
				},
			}},
			specFLF: symFLF,
			checks: []chk{
				{symFLF + ".op_flf > " + chainFLF + ".alg_chain_order", "u.sym_create_session.u.chain.para.alg_chain_order", uint64(ChainCipherThenHash)},
				{symFLF + ".op_flf > " + chainFLF + ".hash_mode", "u.sym_create_session.u.chain.para.hash_mode", uint64(HashModePlain)},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.algo", "u.sym_create_session.u.chain.para.cipher_param.algo", 0x35000001},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.key_len", "u.sym_create_session.u.chain.para.cipher_param.keylen", 0x35000002},
				{symFLF + ".op_flf > " + chainFLF + ".cipher_hdr.op", "u.sym_create_session.u.chain.para.cipher_param.op", 0x35000003},
				{symFLF + ".op_flf > " + chainFLF + ".algo_flf > virtio_crypto_hash_create_session_flf.algo", "u.sym_create_session.u.chain.para.u.hash_param.algo", 0x35000004},
				{symFLF + ".op_flf > " + chainFLF + ".algo_flf > virtio_crypto_hash_create_session_flf.hash_result_len", "u.sym_create_session.u.chain.para.u.hash_param.hash_result_len", 0x35000005},
				{symFLF + ".op_flf > " + chainFLF + ".aad_len", "u.sym_create_session.u.chain.para.aad_len", 0x35000007},
				{symFLF + ".op_type", "u.sym_create_session.op_type", uint64(SymOpAlgorithmChaining)},
			},
		},
		{
			name:    "hash session",
			req:     CtrlRequest{Header: ctrlHeader(OpcodeHashCreateSession), Hash: HashSessionParams{Algo: 0x36000001, HashResultLen: 0x36000002}},
			specFLF: "virtio_crypto_hash_create_session_flf",
			checks: []chk{
				{"virtio_crypto_hash_create_session_flf.algo", "u.hash_create_session.para.algo", 0x36000001},
				{"virtio_crypto_hash_create_session_flf.hash_result_len", "u.hash_create_session.para.hash_result_len", 0x36000002},
			},
		},
		{
			name:    "MAC session",
			req:     CtrlRequest{Header: ctrlHeader(OpcodeMACCreateSession), MAC: MACSessionParams{Algo: 0x37000001, HashResultLen: 0x37000002, AuthKeyLen: 0x37000003}},
			specFLF: "virtio_crypto_mac_create_session_flf",
			checks: []chk{
				{"virtio_crypto_mac_create_session_flf.algo", "u.mac_create_session.para.algo", 0x37000001},
				{"virtio_crypto_mac_create_session_flf.hash_result_len", "u.mac_create_session.para.hash_result_len", 0x37000002},
				{"virtio_crypto_mac_create_session_flf.auth_key_len", "u.mac_create_session.para.auth_key_len", 0x37000003},
			},
		},
		{
			name: "AEAD session",
			req: CtrlRequest{Header: ctrlHeader(OpcodeAEADCreateSession), AEAD: AEADSessionParams{
				Algo: 0x38000001, KeyLen: 0x38000002, TagLen: 0x38000003, AADLen: 0x38000004, Op: 0x38000005}},
			specFLF: "virtio_crypto_aead_create_session_flf",
			checks: []chk{
				{"virtio_crypto_aead_create_session_flf.algo", "u.aead_create_session.para.algo", 0x38000001},
				{"virtio_crypto_aead_create_session_flf.key_len", "u.aead_create_session.para.key_len", 0x38000002},
				{"virtio_crypto_aead_create_session_flf.tag_len", "u.aead_create_session.para.hash_result_len", 0x38000003},
				{"virtio_crypto_aead_create_session_flf.aad_len", "u.aead_create_session.para.aad_len", 0x38000004},
				{"virtio_crypto_aead_create_session_flf.op", "u.aead_create_session.para.op", 0x38000005},
			},
		},
		{
			name: "RSA session",
			req: CtrlRequest{Header: ctrlHeader(OpcodeAkcipherCreateSession), Akcipher: AkcipherSessionParams{
				Algo: AkcipherRSA, KeyType: 0x39000002, KeyLen: 0x39000003,
				RSA: RSAParams{Padding: 0x39000004, Hash: 0x39000005}}},
			specFLF: "virtio_crypto_akcipher_create_session_flf",
			checks: []chk{
				{"virtio_crypto_akcipher_create_session_flf.algo", "u.akcipher_create_session.para.algo", uint64(AkcipherRSA)},
				{"virtio_crypto_akcipher_create_session_flf.key_type", "u.akcipher_create_session.para.keytype", 0x39000002},
				{"virtio_crypto_akcipher_create_session_flf.key_len", "u.akcipher_create_session.para.keylen", 0x39000003},
				{"virtio_crypto_akcipher_create_session_flf.algo_flf > virtio_crypto_rsa_session_para.padding_algo", "u.akcipher_create_session.para.u.rsa.padding_algo", 0x39000004},
				{"virtio_crypto_akcipher_create_session_flf.algo_flf > virtio_crypto_rsa_session_para.hash_algo", "u.akcipher_create_session.para.u.rsa.hash_algo", 0x39000005},
			},
		},
		{
			name: "ECDSA session",
			req: CtrlRequest{Header: ctrlHeader(OpcodeAkcipherCreateSession), Akcipher: AkcipherSessionParams{
				Algo: AkcipherECDSA, KeyType: 0x3a000002, KeyLen: 0x3a000003, ECDSA: ECDSAParams{Curve: 0x3a000004}}},
			specFLF: "virtio_crypto_akcipher_create_session_flf",
			checks: []chk{
				// Linux numbers ECDSA 3; the algo word's position is what is checked against Linux.
				{"virtio_crypto_akcipher_create_session_flf.algo", "u.akcipher_create_session.para.algo", uint64(AkcipherECDSA)},
				{"virtio_crypto_akcipher_create_session_flf.key_type", "u.akcipher_create_session.para.keytype", 0x3a000002},
				{"virtio_crypto_akcipher_create_session_flf.key_len", "u.akcipher_create_session.para.keylen", 0x3a000003},
				{"virtio_crypto_akcipher_create_session_flf.algo_flf > virtio_crypto_ecdsa_session_para.curve_id", "u.akcipher_create_session.para.u.ecdsa.curve_id", 0x3a000004},
			},
		},
		{
			name:    "destroy session",
			req:     CtrlRequest{Header: ctrlHeader(OpcodeAEADDestroySession), Destroy: DestroySessionParams{SessionID: 0x0807060504030201}},
			specFLF: "virtio_crypto_destroy_session_flf",
			checks: []chk{
				{"virtio_crypto_destroy_session_flf.session_id", "u.destroy_session.session_id", 0x0807060504030201},
			},
		},
	}
}

func TestCtrlRequestLayout(t *testing.T) {
	e := newLayoutEnv(t)
	for _, c := range ctrlCases() {
		checks := append(ctrlHeaderChecks(c.req.Header.Opcode), c.checks...)
		for _, fr := range []struct {
			name     string
			features uint64
			linux    string
			size     int
		}{
			{"legacy", 0, linuxCtrlReq, e.linux.sizeof(t, linuxCtrlReq)},
			{"REVISION_1", featRev1, "", e.spec.sizeof(t, specCtrlHeader) + e.spec.sizeof(t, c.specFLF)},
		} {
			name := c.name + "/" + fr.name
			enc := c.req.Append(nil, fr.features)
			if len(enc) != fr.size {
				t.Errorf("%s: encoding is %d bytes, want %d", name, len(enc), fr.size)
				continue
			}
			verify(t, name, enc, e.resolve(checks, specCtrlHeader, fr.linux))
			got, n, err := ParseCtrlRequest(enc, fr.features)
			if err != nil || n != len(enc) || !reflect.DeepEqual(got, c.req) {
				t.Errorf("%s: ParseCtrlRequest = %+v, %d, %v; want %+v, %d", name, got, n, err, c.req, len(enc))
			}
		}
	}
}

type dataCase struct {
	name     string
	req      DataRequest
	features uint64 // REVISION_1 framing to test besides legacy
	legacy   bool   // also test the legacy framing against Linux
	specFLF  string
	checks   []chk
}

const (
	symDataFLF   = "virtio_crypto_sym_data_flf"
	symDataFLFSt = "virtio_crypto_sym_data_flf_stateless"
)

func dataCases() []dataCase {
	chainSt := "virtio_crypto_alg_chain_data_flf_stateless"
	return []dataCase{
		{
			name: "cipher", legacy: true, features: featRev1, specFLF: symDataFLF,
			req: DataRequest{Header: dataHeader(OpcodeCipherEncrypt, FlagSessionMode), Sym: SymDataParams{
				OpType: SymOpCipher, Cipher: CipherDataParams{IVLen: 0x41000001, SrcDataLen: 0x41000002, DstDataLen: 0x41000003}}},
			checks: []chk{
				{symDataFLF + ".op_type_flf > virtio_crypto_cipher_data_flf.iv_len", "u.sym_req.u.cipher.para.iv_len", 0x41000001},
				{symDataFLF + ".op_type_flf > virtio_crypto_cipher_data_flf.src_data_len", "u.sym_req.u.cipher.para.src_data_len", 0x41000002},
				{symDataFLF + ".op_type_flf > virtio_crypto_cipher_data_flf.dst_data_len", "u.sym_req.u.cipher.para.dst_data_len", 0x41000003},
				{symDataFLF + ".op_type", "u.sym_req.op_type", uint64(SymOpCipher)},
			},
		},
		{
			name: "chain", legacy: true, features: featRev1, specFLF: symDataFLF,
			req: DataRequest{Header: dataHeader(OpcodeCipherDecrypt, FlagSessionMode), Sym: SymDataParams{
				OpType: SymOpAlgorithmChaining, Chain: ChainDataParams{
					IVLen: 0x42000001, SrcDataLen: 0x42000002, DstDataLen: 0x42000003, CipherStartSrcOffset: 0x42000004,
					LenToCipher: 0x42000005, HashStartSrcOffset: 0x42000006, LenToHash: 0x42000007, AADLen: 0x42000008,
					HashResultLen: 0x42000009}}},
			checks: []chk{
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.iv_len", "u.sym_req.u.chain.para.iv_len", 0x42000001},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.src_data_len", "u.sym_req.u.chain.para.src_data_len", 0x42000002},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.dst_data_len", "u.sym_req.u.chain.para.dst_data_len", 0x42000003},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.cipher_start_src_offset", "u.sym_req.u.chain.para.cipher_start_src_offset", 0x42000004},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.len_to_cipher", "u.sym_req.u.chain.para.len_to_cipher", 0x42000005},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.hash_start_src_offset", "u.sym_req.u.chain.para.hash_start_src_offset", 0x42000006},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.len_to_hash", "u.sym_req.u.chain.para.len_to_hash", 0x42000007},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.aad_len", "u.sym_req.u.chain.para.aad_len", 0x42000008},
				{symDataFLF + ".op_type_flf > virtio_crypto_alg_chain_data_flf.hash_result_len", "u.sym_req.u.chain.para.hash_result_len", 0x42000009},
				{symDataFLF + ".op_type", "u.sym_req.op_type", uint64(SymOpAlgorithmChaining)},
			},
		},
		{
			name: "hash", legacy: true, features: featRev1, specFLF: "virtio_crypto_hash_data_flf",
			req: DataRequest{Header: dataHeader(OpcodeHash, 0), Hash: HashDataParams{SrcDataLen: 0x43000001, HashResultLen: 0x43000002}},
			checks: []chk{
				{"virtio_crypto_hash_data_flf.src_data_len", "u.hash_req.para.src_data_len", 0x43000001},
				{"virtio_crypto_hash_data_flf.hash_result_len", "u.hash_req.para.hash_result_len", 0x43000002},
			},
		},
		{
			name: "MAC", legacy: true, features: featRev1, specFLF: "virtio_crypto_mac_data_flf",
			req: DataRequest{Header: dataHeader(OpcodeMAC, 0), MAC: MACDataParams{SrcDataLen: 0x44000001, HashResultLen: 0x44000002}},
			checks: []chk{
				{"virtio_crypto_mac_data_flf.hdr.src_data_len", "u.mac_req.para.hash.src_data_len", 0x44000001},
				{"virtio_crypto_mac_data_flf.hdr.hash_result_len", "u.mac_req.para.hash.hash_result_len", 0x44000002},
			},
		},
		{
			name: "AEAD", legacy: true, features: featRev1, specFLF: "virtio_crypto_aead_data_flf",
			req: DataRequest{Header: dataHeader(OpcodeAEADDecrypt, 0), AEAD: AEADDataParams{
				IVLen: 0x45000001, AADLen: 0x45000002, SrcDataLen: 0x45000003, DstDataLen: 0x45000004, TagLen: 0x45000005}},
			checks: []chk{
				{"virtio_crypto_aead_data_flf.iv_len", "u.aead_req.para.iv_len", 0x45000001},
				{"virtio_crypto_aead_data_flf.aad_len", "u.aead_req.para.aad_len", 0x45000002},
				{"virtio_crypto_aead_data_flf.src_data_len", "u.aead_req.para.src_data_len", 0x45000003},
				{"virtio_crypto_aead_data_flf.dst_data_len", "u.aead_req.para.dst_data_len", 0x45000004},
				{"virtio_crypto_aead_data_flf.tag_len", "", 0x45000005}, // Linux: padding
			},
		},
		{
			name: "AKCIPHER", legacy: true, features: featRev1, specFLF: "virtio_crypto_akcipher_data_flf",
			req: DataRequest{Header: dataHeader(OpcodeAkcipherSign, 0), Akcipher: AkcipherDataParams{SrcDataLen: 0x46000001, DstDataLen: 0x46000002}},
			checks: []chk{
				{"virtio_crypto_akcipher_data_flf.src_data_len", "u.akcipher_req.para.src_data_len", 0x46000001},
				{"virtio_crypto_akcipher_data_flf.dst_data_len", "u.akcipher_req.para.dst_data_len", 0x46000002},
			},
		},
		{
			name: "stateless cipher", features: featAllStateless, specFLF: symDataFLFSt,
			req: DataRequest{Header: dataHeader(OpcodeCipherEncrypt, 0), Stateless: true, SymStateless: SymDataStateless{
				OpType: SymOpCipher, Cipher: CipherDataStateless{Algo: 0x51000001, KeyLen: 0x51000002, Op: 0x51000003,
					CipherDataParams: CipherDataParams{IVLen: 0x51000004, SrcDataLen: 0x51000005, DstDataLen: 0x51000006}}}},
			checks: []chk{
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.sess_para.algo", "", 0x51000001},
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.sess_para.key_len", "", 0x51000002},
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.sess_para.op", "", 0x51000003},
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.iv_len", "", 0x51000004},
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.src_data_len", "", 0x51000005},
				{symDataFLFSt + ".op_type_flf > virtio_crypto_cipher_data_flf_stateless.dst_data_len", "", 0x51000006},
				{symDataFLFSt + ".op_type", "", uint64(SymOpCipher)},
			},
		},
		{
			name: "stateless chain", features: featAllStateless, specFLF: symDataFLFSt,
			req: DataRequest{Header: dataHeader(OpcodeCipherDecrypt, 0), Stateless: true, SymStateless: SymDataStateless{
				OpType: SymOpAlgorithmChaining, Chain: ChainDataStateless{
					Order: ChainCipherThenHash, SessAADLen: 0x52000002, CipherAlgo: 0x52000003, CipherKeyLen: 0x52000004,
					CipherOp: 0x52000005, HashAlgo: 0x52000006, AuthKeyLen: 0x52000007, HashMode: 0x52000008,
					ChainDataParams: ChainDataParams{IVLen: 0x52000009, SrcDataLen: 0x5200000a, DstDataLen: 0x5200000b,
						CipherStartSrcOffset: 0x5200000c, LenToCipher: 0x5200000d, HashStartSrcOffset: 0x5200000e,
						LenToHash: 0x5200000f, AADLen: 0x52000010, HashResultLen: 0x52000011}}}},
			checks: []chk{
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.alg_chain_order", "", uint64(ChainCipherThenHash)},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.aad_len", "", 0x52000002},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.cipher.algo", "", 0x52000003},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.cipher.key_len", "", 0x52000004},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.cipher.op", "", 0x52000005},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.hash.algo", "", 0x52000006},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.hash.auth_key_len", "", 0x52000007},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".sess_para.hash.hash_mode", "", 0x52000008},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".iv_len", "", 0x52000009},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".src_data_len", "", 0x5200000a},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".dst_data_len", "", 0x5200000b},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".cipher_start_src_offset", "", 0x5200000c},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".len_to_cipher", "", 0x5200000d},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".hash_start_src_offset", "", 0x5200000e},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".len_to_hash", "", 0x5200000f},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".aad_len", "", 0x52000010},
				{symDataFLFSt + ".op_type_flf > " + chainSt + ".hash_result_len", "", 0x52000011},
				{symDataFLFSt + ".op_type", "", uint64(SymOpAlgorithmChaining)},
			},
		},
		{
			name: "stateless hash", features: featAllStateless, specFLF: "virtio_crypto_hash_data_flf_stateless",
			req: DataRequest{Header: dataHeader(OpcodeHash, 0), Stateless: true, HashStateless: HashDataStateless{
				Algo: 0x53000001, HashDataParams: HashDataParams{SrcDataLen: 0x53000002, HashResultLen: 0x53000003}}},
			checks: []chk{
				{"virtio_crypto_hash_data_flf_stateless.sess_para.algo", "", 0x53000001},
				{"virtio_crypto_hash_data_flf_stateless.src_data_len", "", 0x53000002},
				{"virtio_crypto_hash_data_flf_stateless.hash_result_len", "", 0x53000003},
			},
		},
		{
			name: "stateless MAC", features: featAllStateless, specFLF: "virtio_crypto_mac_data_flf_stateless",
			req: DataRequest{Header: dataHeader(OpcodeMAC, 0), Stateless: true, MACStateless: MACDataStateless{
				Algo: 0x54000001, AuthKeyLen: 0x54000002, MACDataParams: MACDataParams{SrcDataLen: 0x54000003, HashResultLen: 0x54000004}}},
			checks: []chk{
				{"virtio_crypto_mac_data_flf_stateless.sess_para.algo", "", 0x54000001},
				{"virtio_crypto_mac_data_flf_stateless.sess_para.auth_key_len", "", 0x54000002},
				{"virtio_crypto_mac_data_flf_stateless.src_data_len", "", 0x54000003},
				{"virtio_crypto_mac_data_flf_stateless.hash_result_len", "", 0x54000004},
			},
		},
		{
			name: "stateless AEAD", features: featAllStateless, specFLF: "virtio_crypto_aead_data_flf_stateless",
			req: DataRequest{Header: dataHeader(OpcodeAEADEncrypt, 0), Stateless: true, AEADStateless: AEADDataStateless{
				Algo: 0x55000001, KeyLen: 0x55000002, Op: 0x55000003, AEADDataParams: AEADDataParams{
					IVLen: 0x55000004, TagLen: 0x55000005, AADLen: 0x55000006, SrcDataLen: 0x55000007, DstDataLen: 0x55000008}}},
			checks: []chk{
				{"virtio_crypto_aead_data_flf_stateless.sess_para.algo", "", 0x55000001},
				{"virtio_crypto_aead_data_flf_stateless.sess_para.key_len", "", 0x55000002},
				{"virtio_crypto_aead_data_flf_stateless.sess_para.op", "", 0x55000003},
				{"virtio_crypto_aead_data_flf_stateless.iv_len", "", 0x55000004},
				{"virtio_crypto_aead_data_flf_stateless.tag_len", "", 0x55000005},
				{"virtio_crypto_aead_data_flf_stateless.aad_len", "", 0x55000006},
				{"virtio_crypto_aead_data_flf_stateless.src_data_len", "", 0x55000007},
				{"virtio_crypto_aead_data_flf_stateless.dst_data_len", "", 0x55000008},
			},
		},
		{
			name: "stateless RSA", features: featAllStateless, specFLF: "virtio_crypto_akcipher_data_flf_stateless",
			req: DataRequest{Header: dataHeader(OpcodeAkcipherVerify, 0), Stateless: true, AkcipherStateless: AkcipherDataStateless{
				Algo: AkcipherRSA, KeyType: 0x56000002, KeyLen: 0x56000003, RSA: RSAParams{Padding: 0x56000004, Hash: 0x56000005},
				AkcipherDataParams: AkcipherDataParams{SrcDataLen: 0x56000006, DstDataLen: 0x56000007}}},
			checks: []chk{
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.algo", "", uint64(AkcipherRSA)},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.key_type", "", 0x56000002},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.key_len", "", 0x56000003},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.u.rsa.padding_algo", "", 0x56000004},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.u.rsa.hash_algo", "", 0x56000005},
				{"virtio_crypto_akcipher_data_flf_stateless.src_data_len", "", 0x56000006},
				{"virtio_crypto_akcipher_data_flf_stateless.dst_data_len", "", 0x56000007},
			},
		},
		{
			name: "stateless ECDSA", features: featAllStateless, specFLF: "virtio_crypto_akcipher_data_flf_stateless",
			req: DataRequest{Header: dataHeader(OpcodeAkcipherSign, 0), Stateless: true, AkcipherStateless: AkcipherDataStateless{
				Algo: AkcipherECDSA, KeyType: 0x57000002, KeyLen: 0x57000003, ECDSA: ECDSAParams{Curve: 0x57000004},
				AkcipherDataParams: AkcipherDataParams{SrcDataLen: 0x57000006, DstDataLen: 0x57000007}}},
			checks: []chk{
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.algo", "", uint64(AkcipherECDSA)},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.key_type", "", 0x57000002},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.key_len", "", 0x57000003},
				{"virtio_crypto_akcipher_data_flf_stateless.sess_para.u.ecdsa.curve_id", "", 0x57000004},
				{"virtio_crypto_akcipher_data_flf_stateless.src_data_len", "", 0x57000006},
				{"virtio_crypto_akcipher_data_flf_stateless.dst_data_len", "", 0x57000007},
			},
		},
	}
}

func TestDataRequestLayout(t *testing.T) {
	e := newLayoutEnv(t)
	for _, c := range dataCases() {
		checks := append(dataHeaderChecks(c.req.Header.Opcode, c.req.Header.Flag), c.checks...)
		type framing struct {
			name     string
			features uint64
			linux    string
			size     int
		}
		var frs []framing
		if c.legacy {
			frs = append(frs, framing{"legacy", 0, linuxDataReq, e.linux.sizeof(t, linuxDataReq)})
		}
		frs = append(frs, framing{fmt.Sprintf("features %#x", c.features), c.features, "",
			e.spec.sizeof(t, specDataHeader) + e.spec.sizeof(t, c.specFLF)})
		for _, fr := range frs {
			name := c.name + "/" + fr.name
			enc := c.req.Append(nil, fr.features)
			if len(enc) != fr.size {
				t.Errorf("%s: encoding is %d bytes, want %d", name, len(enc), fr.size)
				continue
			}
			verify(t, name, enc, e.resolve(checks, specDataHeader, fr.linux))
			got, n, err := ParseDataRequest(enc, fr.features)
			if err != nil || n != len(enc) || !reflect.DeepEqual(got, c.req) {
				t.Errorf("%s: ParseDataRequest = %+v, %d, %v; want %+v, %d", name, got, n, err, c.req, len(enc))
			}
		}
	}
}

// TestStandaloneLayouts covers the structures that are not part of a
// request header: the config space and the device-written results.
func TestStandaloneLayouts(t *testing.T) {
	e := newLayoutEnv(t)
	cfg := Config{
		Status: 0x61000001, MaxDataQueues: 0x61000002, Services: 0x61000003,
		CipherAlgos: 0x6100000561000004, HashAlgos: 0x61000006, MACAlgos: 0x6100000861000007,
		AEADAlgos: 0x61000009, MaxCipherKeyLen: 0x6100000a, MaxAuthKeyLen: 0x6100000b,
		AkcipherAlgos: 0x6100000c, MaxSize: 0x0d0e0f1011121314,
	}
	for _, c := range []struct {
		name          string
		enc           []byte
		spec, linux   string // struct names
		checks        []chk
		parseAndCheck func([]byte) (any, error)
		want          any
	}{
		{
			name: "config", enc: cfg.Append(nil), spec: "virtio_crypto_config", linux: "virtio_crypto_config",
			checks: []chk{
				{"virtio_crypto_config.status", "status", 0x61000001},
				{"virtio_crypto_config.max_dataqueues", "max_dataqueues", 0x61000002},
				{"virtio_crypto_config.crypto_services", "crypto_services", 0x61000003},
				{"virtio_crypto_config.cipher_algo_l", "cipher_algo_l", 0x61000004},
				{"virtio_crypto_config.cipher_algo_h", "cipher_algo_h", 0x61000005},
				{"virtio_crypto_config.hash_algo", "hash_algo", 0x61000006},
				{"virtio_crypto_config.mac_algo_l", "mac_algo_l", 0x61000007},
				{"virtio_crypto_config.mac_algo_h", "mac_algo_h", 0x61000008},
				{"virtio_crypto_config.aead_algo", "aead_algo", 0x61000009},
				{"virtio_crypto_config.max_cipher_key_len", "max_cipher_key_len", 0x6100000a},
				{"virtio_crypto_config.max_auth_key_len", "max_auth_key_len", 0x6100000b},
				{"virtio_crypto_config.akcipher_algo", "akcipher_algo", 0x6100000c},
				{"virtio_crypto_config.max_size", "max_size", 0x0d0e0f1011121314},
			},
			parseAndCheck: func(b []byte) (any, error) { return ParseConfig(b) },
			want:          cfg,
		},
		{
			name: "create session input", enc: CreateSessionInput{SessionID: 0x1718191a1b1c1d1e, Status: StatusNoSpc}.Append(nil),
			spec: "virtio_crypto_create_session_input", linux: "virtio_crypto_session_input",
			checks: []chk{
				{"virtio_crypto_create_session_input.session_id", "session_id", 0x1718191a1b1c1d1e},
				{"virtio_crypto_create_session_input.status", "status", uint64(StatusNoSpc)},
			},
			parseAndCheck: func(b []byte) (any, error) { return ParseCreateSessionInput(b) },
			want:          CreateSessionInput{SessionID: 0x1718191a1b1c1d1e, Status: StatusNoSpc},
		},
		{
			name: "destroy session input", enc: DestroySessionInput{Status: StatusErr}.Append(nil),
			spec: "virtio_crypto_destroy_session_input",
			checks: []chk{
				{"virtio_crypto_destroy_session_input.status", "", uint64(StatusErr)},
			},
			parseAndCheck: func(b []byte) (any, error) { return ParseDestroySessionInput(b) },
			want:          DestroySessionInput{Status: StatusErr},
		},
		{
			name: "inhdr", enc: Inhdr{Status: StatusKeyRejected}.Append(nil),
			spec: "virtio_crypto_inhdr", linux: "virtio_crypto_inhdr",
			checks: []chk{
				{"virtio_crypto_inhdr.status", "status", uint64(StatusKeyRejected)},
			},
			parseAndCheck: func(b []byte) (any, error) { return ParseInhdr(b) },
			want:          Inhdr{Status: StatusKeyRejected},
		},
	} {
		if want := e.spec.sizeof(t, c.spec); len(c.enc) != want {
			t.Errorf("%s: %d bytes, spec sizeof = %d", c.name, len(c.enc), want)
		}
		if c.linux != "" {
			if want := e.linux.sizeof(t, c.linux); len(c.enc) != want {
				t.Errorf("%s: %d bytes, Linux sizeof = %d", c.name, len(c.enc), want)
			}
		}
		verify(t, c.name, c.enc, e.resolve(c.checks, "", c.linux))
		got, err := c.parseAndCheck(c.enc)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: parse = %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
}

// TestSizeConstants checks every exported size against the spec's struct
// sizes, and the legacy sizes against Linux.
func TestSizeConstants(t *testing.T) {
	e := newLayoutEnv(t)
	for _, c := range []struct {
		got  int
		spec string
	}{
		{ConfigSize, "virtio_crypto_config"},
		{CtrlHeaderSize, "virtio_crypto_ctrl_header"},
		{CipherSessionParamsSize, "virtio_crypto_cipher_session_flf"},
		{HashSessionParamsSize, "virtio_crypto_hash_create_session_flf"},
		{MACSessionParamsSize, "virtio_crypto_mac_create_session_flf"},
		{ChainSessionParamsSize, "virtio_crypto_alg_chain_session_flf"},
		{SymSessionParamsSize, "virtio_crypto_sym_create_session_flf"},
		{AEADSessionParamsSize, "virtio_crypto_aead_create_session_flf"},
		{AkcipherSessionParamsSize, "virtio_crypto_akcipher_create_session_flf"},
		{DestroySessionParamsSize, "virtio_crypto_destroy_session_flf"},
		{CreateSessionInputSize, "virtio_crypto_create_session_input"},
		{DestroySessionInputSize, "virtio_crypto_destroy_session_input"},
		{DataHeaderSize, "virtio_crypto_op_header"},
		{CipherDataParamsSize, "virtio_crypto_cipher_data_flf"},
		{ChainDataParamsSize, "virtio_crypto_alg_chain_data_flf"},
		{SymDataParamsSize, "virtio_crypto_sym_data_flf"},
		{HashDataParamsSize, "virtio_crypto_hash_data_flf"},
		{MACDataParamsSize, "virtio_crypto_mac_data_flf"},
		{AEADDataParamsSize, "virtio_crypto_aead_data_flf"},
		{AkcipherDataParamsSize, "virtio_crypto_akcipher_data_flf"},
		{CipherDataStatelessSize, "virtio_crypto_cipher_data_flf_stateless"},
		{ChainDataStatelessSize, "virtio_crypto_alg_chain_data_flf_stateless"},
		{SymDataStatelessSize, "virtio_crypto_sym_data_flf_stateless"},
		{HashDataStatelessSize, "virtio_crypto_hash_data_flf_stateless"},
		{MACDataStatelessSize, "virtio_crypto_mac_data_flf_stateless"},
		{AEADDataStatelessSize, "virtio_crypto_aead_data_flf_stateless"},
		{AkcipherDataStatelessSize, "virtio_crypto_akcipher_data_flf_stateless"},
		{InhdrSize, "virtio_crypto_inhdr"},
	} {
		if want := e.spec.sizeof(t, c.spec); c.got != want {
			t.Errorf("size of %s: have %d, spec %d", c.spec, c.got, want)
		}
	}
	for _, c := range []struct {
		got   int
		linux string
	}{
		{CtrlRequestLegacySize, "virtio_crypto_op_ctrl_req"},
		{DataRequestLegacySize, "virtio_crypto_op_data_req"},
		{ConfigSize, "virtio_crypto_config"},
		{CreateSessionInputSize, "virtio_crypto_session_input"},
	} {
		if want := e.linux.sizeof(t, c.linux); c.got != want {
			t.Errorf("size of %s: have %d, Linux %d", c.linux, c.got, want)
		}
	}
	for _, c := range []struct {
		got  int
		name string
	}{
		{CtrlFLFLegacySize, "VIRTIO_CRYPTO_CTRLQ_OP_SPEC_HDR_LEGACY"},
		{DataFLFLegacySize, "VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY"},
		{symOpFLFSize, "VIRTIO_CRYPTO_SYM_SESS_OP_SPEC_HDR_SIZE"},
		{chainAlgoFLFSize, "VIRTIO_CRYPTO_ALG_CHAIN_SESS_OP_SPEC_HDR_SIZE"},
		{akAlgoFLFSize, "VIRTIO_CRYPTO_AKCIPHER_SESS_ALGO_SPEC_HDR_SIZE"},
		{symDataOpFLFSize, "VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_SIZE"},
		{symDataStatelessOpFLFSize, "VIRTIO_CRYPTO_SYM_DATE_REQ_HDR_STATELESS_SIZE"},
	} {
		if want, ok := e.spec.defines[c.name]; !ok || uint64(c.got) != want {
			t.Errorf("%s: have %d, spec %d (found %v)", c.name, c.got, want, ok)
		}
	}
	if e.linux.field(t, "virtio_crypto_op_ctrl_req", "u").size != CtrlFLFLegacySize ||
		e.linux.field(t, "virtio_crypto_op_data_req", "u").size != DataFLFLegacySize {
		t.Error("Linux request unions are not the legacy op_flf sizes")
	}
}
