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
	return newRigDev(t, dev, cfg)
}

// newRigDev is newRig over a device built by the caller.
func newRigDev(t testing.TB, dev *Device, cfg virtqtest.Config) *rig {
	t.Helper()
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
