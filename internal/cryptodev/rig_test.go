package cryptodev

import (
	"encoding/binary"
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/soft"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// rig is an in-process driver for a Device: a control queue and a data
// queue built with virtqtest, each served by its own Worker, exactly as a
// transport would after a kick.
type rig struct {
	t      testing.TB
	dev    *Device
	ctrl   *virtqtest.Driver
	ctrlQ  *virtq.Queue
	ctrlW  *Worker
	data   *virtqtest.Driver
	dataQ  *virtq.Queue
	dataW  *Worker
	notify bool // the last data batch asked for a notification
}

var testEngine = func() engine.Engine {
	e, err := soft.New()
	if err != nil {
		panic(err)
	}
	return e
}()

func newRig(t testing.TB, opts Options, cfg virtqtest.Config) *rig {
	t.Helper()
	dev, err := New(testEngine, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	g := &rig{t: t, dev: dev, ctrlW: dev.NewWorker(), dataW: dev.NewWorker()}
	if cfg.MemSize == 0 {
		cfg.MemSize = 4 << 20
	}
	g.ctrl, g.ctrlQ = g.queue(virtqtest.Config{Size: 64, MemSize: 1 << 20})
	g.data, g.dataQ = g.queue(cfg)
	return g
}

func (g *rig) queue(cfg virtqtest.Config) (*virtqtest.Driver, *virtq.Queue) {
	d, err := virtqtest.New(cfg)
	if err != nil {
		g.t.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		g.t.Fatal(err)
	}
	return d, q
}

// roundTrip posts one chain on a queue, serves the queue and returns the
// completion.
func (g *rig) roundTrip(d *virtqtest.Driver, q *virtq.Queue, w *Worker, ctrl bool, readable [][]byte, writable []int) virtqtest.Completion {
	g.t.Helper()
	var nonEmpty [][]byte
	for _, b := range readable {
		if len(b) > 0 {
			nonEmpty = append(nonEmpty, b)
		}
	}
	var wl []int
	for _, n := range writable {
		if n > 0 {
			wl = append(wl, n)
		}
	}
	if _, err := d.Add(nonEmpty, wl); err != nil {
		g.t.Fatal(err)
	}
	d.Kick()
	var err error
	if ctrl {
		_, err = w.ServeControl(q, d.Memory())
	} else {
		g.notify, err = w.ServeData(q, d.Memory())
	}
	if err != nil {
		g.t.Fatal(err)
	}
	done, err := d.Used()
	if err != nil || len(done) != 1 {
		g.t.Fatalf("completions %v, %v", done, err)
	}
	return done[0]
}

// create sends a create-session request and returns the session id and
// status from struct virtio_crypto_session_input.
func (g *rig) create(req virtiocrypto.CtrlRequest, keys ...[]byte) (uint64, virtiocrypto.Status) {
	g.t.Helper()
	c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, append([][]byte{req.Append(nil, 0)}, keys...), []int{16})
	if c.Len != 16 || len(c.Writable) != 16 {
		g.t.Fatalf("create: used length %d, %d writable bytes", c.Len, len(c.Writable))
	}
	return binary.LittleEndian.Uint64(c.Writable), virtiocrypto.Status(binary.LittleEndian.Uint32(c.Writable[8:]))
}

func (g *rig) destroy(op virtiocrypto.Opcode, id uint64) virtiocrypto.Status {
	g.t.Helper()
	req := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: op}, Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
	c := g.roundTrip(g.ctrl, g.ctrlQ, g.ctrlW, true, [][]byte{req.Append(nil, 0)}, []int{1})
	if c.Len != 1 {
		g.t.Fatalf("destroy: used length %d", c.Len)
	}
	return virtiocrypto.Status(c.Writable[0])
}

// do sends a data request: header, then the readable parts, with writable
// buffers of the given lengths plus the status byte. It returns the
// writable bytes before the status, the status and the used length.
func (g *rig) do(req virtiocrypto.DataRequest, readable [][]byte, writable ...int) ([]byte, virtiocrypto.Status, uint32) {
	g.t.Helper()
	c := g.roundTrip(g.data, g.dataQ, g.dataW, false, append([][]byte{req.Append(nil, 0)}, readable...), append(writable, 1))
	n := len(c.Writable)
	return c.Writable[:n-1], virtiocrypto.Status(c.Writable[n-1]), c.Len
}

// sessionRequest builds the control request (and key list) that creates a
// session with the engine parameters p.
func sessionRequest(p *engine.SessionParams) (virtiocrypto.CtrlRequest, [][]byte) {
	var r virtiocrypto.CtrlRequest
	cipher := virtiocrypto.CipherSessionParams{Algo: virtiocrypto.CipherAlgo(p.Cipher), KeyLen: uint32(len(p.CipherKey)), Op: virtiocrypto.Direction(p.Direction)}
	switch p.Service {
	case engine.ServiceCipher:
		r.Header.Opcode = virtiocrypto.OpcodeCipherCreateSession
		if !p.Chained {
			r.Sym = virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpCipher, Cipher: cipher}
			return r, [][]byte{p.CipherKey}
		}
		ch := virtiocrypto.ChainSessionParams{Order: virtiocrypto.ChainOrder(p.Order), HashMode: virtiocrypto.HashMode(p.HashMode),
			Cipher: cipher, AADLen: uint32(p.AADLen)}
		keys := [][]byte{p.CipherKey}
		switch p.HashMode {
		case engine.HashModePlain:
			ch.Hash = virtiocrypto.HashSessionParams{Algo: virtiocrypto.HashAlgo(p.Hash), HashResultLen: uint32(p.DigestLen)}
		case engine.HashModeAuth:
			ch.MAC = virtiocrypto.MACSessionParams{Algo: virtiocrypto.MACAlgo(p.MAC), HashResultLen: uint32(p.DigestLen), AuthKeyLen: uint32(len(p.AuthKey))}
			keys = append(keys, p.AuthKey)
		}
		r.Sym = virtiocrypto.SymSessionParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: ch}
		return r, keys
	case engine.ServiceHash:
		r.Header.Opcode = virtiocrypto.OpcodeHashCreateSession
		r.Hash = virtiocrypto.HashSessionParams{Algo: virtiocrypto.HashAlgo(p.Hash), HashResultLen: uint32(p.DigestLen)}
		return r, nil
	case engine.ServiceMAC:
		r.Header.Opcode = virtiocrypto.OpcodeMACCreateSession
		r.MAC = virtiocrypto.MACSessionParams{Algo: virtiocrypto.MACAlgo(p.MAC), HashResultLen: uint32(p.DigestLen), AuthKeyLen: uint32(len(p.AuthKey))}
		return r, [][]byte{p.AuthKey}
	case engine.ServiceAEAD:
		r.Header.Opcode = virtiocrypto.OpcodeAEADCreateSession
		r.AEAD = virtiocrypto.AEADSessionParams{Algo: virtiocrypto.AEADAlgo(p.AEAD), KeyLen: uint32(len(p.CipherKey)),
			TagLen: uint32(p.DigestLen), AADLen: uint32(p.AADLen), Op: virtiocrypto.Direction(p.Direction)}
		return r, [][]byte{p.CipherKey}
	}
	r.Header.Opcode = virtiocrypto.MakeOpcode(virtiocrypto.Service(p.Service), 2)
	return r, nil
}

// destroyOpcode returns the destroy opcode for a session's service.
func destroyOpcode(p *engine.SessionParams) virtiocrypto.Opcode {
	switch p.Service {
	case engine.ServiceHash:
		return virtiocrypto.OpcodeHashDestroySession
	case engine.ServiceMAC:
		return virtiocrypto.OpcodeMACDestroySession
	case engine.ServiceAEAD:
		return virtiocrypto.OpcodeAEADDestroySession
	}
	return virtiocrypto.OpcodeCipherDestroySession
}

// dataRequest builds the data request for an engine operation on a
// session with parameters p, with the readable parts in vlf order and the
// writable lengths (before the status byte).
func dataRequest(id uint64, p *engine.SessionParams, op *engine.Op, dstLen, digestLen int) (virtiocrypto.DataRequest, [][]byte, []int) {
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{SessionID: id}}
	enc := op.Dir == engine.Encrypt || (op.Dir == 0 && p.Direction != engine.Decrypt)
	switch p.Service {
	case engine.ServiceCipher:
		r.Header.Opcode = virtiocrypto.OpcodeCipherDecrypt
		if enc {
			r.Header.Opcode = virtiocrypto.OpcodeCipherEncrypt
		}
		if !p.Chained {
			r.Sym = virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
				IVLen: uint32(len(op.IV)), SrcDataLen: uint32(len(op.Src)), DstDataLen: uint32(dstLen)}}
			return r, [][]byte{op.IV, op.Src}, []int{dstLen}
		}
		r.Sym = virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpAlgorithmChaining, Chain: virtiocrypto.ChainDataParams{
			IVLen: uint32(len(op.IV)), SrcDataLen: uint32(len(op.Src)), DstDataLen: uint32(dstLen),
			CipherStartSrcOffset: uint32(op.CipherOffset), LenToCipher: uint32(op.CipherLen),
			HashStartSrcOffset: uint32(op.HashOffset), LenToHash: uint32(op.HashLen),
			AADLen: uint32(len(op.AAD)), HashResultLen: uint32(digestLen)}}
		return r, [][]byte{op.IV, op.Src, op.AAD}, []int{dstLen, digestLen}
	case engine.ServiceHash:
		r.Header.Opcode = virtiocrypto.OpcodeHash
		r.Hash = virtiocrypto.HashDataParams{SrcDataLen: uint32(len(op.Src)), HashResultLen: uint32(digestLen)}
		return r, [][]byte{op.Src}, []int{digestLen}
	case engine.ServiceMAC:
		r.Header.Opcode = virtiocrypto.OpcodeMAC
		r.MAC = virtiocrypto.MACDataParams{SrcDataLen: uint32(len(op.Src)), HashResultLen: uint32(digestLen)}
		return r, [][]byte{op.Src}, []int{digestLen}
	case engine.ServiceAEAD:
		r.Header.Opcode = virtiocrypto.OpcodeAEADDecrypt
		if enc {
			r.Header.Opcode = virtiocrypto.OpcodeAEADEncrypt
		}
		r.AEAD = virtiocrypto.AEADDataParams{IVLen: uint32(len(op.IV)), AADLen: uint32(len(op.AAD)), SrcDataLen: uint32(len(op.Src)),
			DstDataLen: uint32(dstLen), TagLen: uint32(p.DigestLen)}
		return r, [][]byte{op.IV, op.Src, op.AAD}, []int{dstLen}
	}
	return r, nil, nil
}
