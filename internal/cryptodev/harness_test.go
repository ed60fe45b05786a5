package cryptodev

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"

	"vcrypto/internal/cryptodev/cryptodevtest"
	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// Shared helpers for requirements_test.go, hostile_test.go, fuzz_test.go,
// churn_test.go and bench_test.go: a published AES-CBC vector, a hand-built
// queue content (scenario) and a queue driven only through virtqtest's raw
// hooks (qenv), so that tests can place descriptors and buffers anywhere.

// NIST SP 800-38A (2001), Appendix F.2.1 CBC-AES128.Encrypt: key, IV, the
// four plaintext blocks and the four ciphertext blocks, transcribed from
// Go's src/crypto/cipher/cbc_aes_test.go ("NIST SP 800-38A pp 27-29",
// commonKey128/commonIV/commonInput in common_test.go).
var (
	cbcKey = unhex("2b7e151628aed2a6abf7158809cf4f3c")
	cbcIV  = unhex("000102030405060708090a0b0c0d0e0f")
	cbcPT  = unhex("6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
		"30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710")
	cbcCT = unhex("7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2" +
		"73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7")
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// pubVector returns the published vector suite/id of enginetest (which
// cites its source in Vector.Source).
func pubVector(tb testing.TB, suite, id string) *enginetest.Vector {
	tb.Helper()
	vs := enginetest.Vectors(tb)
	for i := range vs {
		if vs[i].Suite == suite && vs[i].ID == id {
			if vs[i].Skip != "" {
				tb.Fatalf("vector %s %s is skipped: %s", suite, id, vs[i].Skip)
			}
			return &vs[i]
		}
	}
	tb.Fatalf("no published vector %s %s", suite, id)
	return nil
}

// cbcParams are the session parameters of the F.2.1 vector.
func cbcParams(dir engine.Direction) engine.SessionParams {
	return engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.AESCBC, CipherKey: bytes.Clone(cbcKey), Direction: dir}
}

// cipherReq is the 72-byte header of a plain cipher data request.
func cipherReq(op virtiocrypto.Opcode, id uint64, ivLen, srcLen, dstLen uint32) []byte {
	r := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: op, SessionID: id},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{
			IVLen: ivLen, SrcDataLen: srcLen, DstDataLen: dstLen}}}
	return r.Append(nil, 0)
}

// createReq is the 72-byte control request creating the session p (and its
// keys, in op_vlf order).
func createReq(p *engine.SessionParams) ([]byte, []byte) {
	r, keys := cryptodevtest.SessionRequest(p)
	return r.Append(nil, 0), bytes.Join(keys, nil)
}

// destroyReq is the 72-byte control request destroying session id.
func destroyReq(op virtiocrypto.Opcode, id uint64) []byte {
	r := virtiocrypto.CtrlRequest{Header: virtiocrypto.CtrlHeader{Opcode: op}, Destroy: virtiocrypto.DestroySessionParams{SessionID: id}}
	return r.Append(nil, 0)
}

// Guest memory layout of a qenv: rings from GPA 0, the scenario blob at
// blobGPA, and a separate area for the known-good request at the end.
const (
	blobGPA  = 64 << 10
	goodSize = 4 << 10
)

// scenario is what a (possibly hostile) driver puts into a queue: the main
// descriptor table entries 0..len(descs)-1, the available ring entries in
// order, and the bytes at blobGPA that buffers and indirect tables point
// into. It is plain data, so that fuzz inputs encode one.
type scenario struct {
	descs []virtqtest.Desc
	heads []uint16
	blob  []byte
}

// put copies b into the blob and returns its guest address.
func (s *scenario) put(b []byte) uint64 {
	g := blobGPA + uint64(len(s.blob))
	s.blob = append(s.blob, b...)
	return g
}

// space reserves n bytes of the blob (filled with 0xEE so that writes show)
// and returns their guest address.
func (s *scenario) space(n int) uint64 { return s.put(bytes.Repeat([]byte{0xEE}, n)) }

// r is a readable descriptor for a copy of b.
func (s *scenario) r(b []byte) virtqtest.Desc {
	return virtqtest.Desc{Addr: s.put(b), Len: uint32(len(b))}
}

// w is a writable descriptor of n bytes.
func (s *scenario) w(n int) virtqtest.Desc {
	return virtqtest.Desc{Addr: s.space(n), Len: uint32(n), Flags: virtio.DescFWrite}
}

// chain adds ds as main-table descriptors linked with NEXT and makes the
// chain available. It returns the head.
func (s *scenario) chain(ds ...virtqtest.Desc) uint16 {
	head := uint16(len(s.descs))
	for i, d := range ds {
		if i < len(ds)-1 {
			d.Flags |= virtio.DescFNext
			d.Next = head + uint16(i) + 1
		}
		s.descs = append(s.descs, d)
	}
	s.heads = append(s.heads, head)
	return head
}

// raw adds ds to the main table exactly as given (no linking) and returns
// the index of the first.
func (s *scenario) raw(ds ...virtqtest.Desc) uint16 {
	i := uint16(len(s.descs))
	s.descs = append(s.descs, ds...)
	return i
}

// indirect places an indirect table holding ds linked with NEXT into the
// blob and returns the descriptor that points to it.
func (s *scenario) indirect(ds ...virtqtest.Desc) virtqtest.Desc {
	for i := range ds {
		if i < len(ds)-1 {
			ds[i].Flags |= virtio.DescFNext
			ds[i].Next = uint16(i + 1)
		}
	}
	return s.table(ds...)
}

// table places ds into the blob as an indirect table, exactly as given.
func (s *scenario) table(ds ...virtqtest.Desc) virtqtest.Desc {
	var t []byte
	for _, d := range ds {
		t = appendDesc(t, d)
	}
	return virtqtest.Desc{Addr: s.put(t), Len: uint32(len(t)), Flags: virtio.DescFIndirect}
}

func appendDesc(b []byte, d virtqtest.Desc) []byte {
	b = binary.LittleEndian.AppendUint64(b, d.Addr)
	b = binary.LittleEndian.AppendUint32(b, d.Len)
	b = binary.LittleEndian.AppendUint16(b, d.Flags)
	return binary.LittleEndian.AppendUint16(b, d.Next)
}

// encode is the fuzz-input form of s: descriptor count, head count, the
// descriptors (16 bytes each, virtq_desc layout), the heads (le16), then
// the blob.
func (s *scenario) encode() []byte {
	b := []byte{byte(len(s.descs)), byte(len(s.heads))}
	for _, d := range s.descs {
		b = appendDesc(b, d)
	}
	for _, h := range s.heads {
		b = binary.LittleEndian.AppendUint16(b, h)
	}
	return append(b, s.blob...)
}

// decodeScenario is the inverse of encode for any input: counts are
// reduced to the queue size and missing bytes read as zero.
func decodeScenario(b []byte, size int) scenario {
	get := func(n int) []byte {
		out := make([]byte, n)
		k := copy(out, b)
		b = b[k:]
		return out
	}
	hdr := get(2)
	nd, nh := int(hdr[0])%(size+1), int(hdr[1])%(size+1)
	var s scenario
	for range nd {
		d := get(16)
		s.descs = append(s.descs, virtqtest.Desc{Addr: binary.LittleEndian.Uint64(d), Len: binary.LittleEndian.Uint32(d[8:]),
			Flags: binary.LittleEndian.Uint16(d[12:]), Next: binary.LittleEndian.Uint16(d[14:])})
	}
	for range nh {
		s.heads = append(s.heads, binary.LittleEndian.Uint16(get(2)))
	}
	s.blob = append([]byte(nil), b...)
	return s
}

// usedElem is one used ring element.
type usedElem struct {
	id, len uint32
}

// qenv is one queue of a Device driven only through virtqtest's raw hooks
// (WriteDesc, PublishHead, SetAvailIdx, Bytes): no Add, so descriptors and
// buffers go exactly where a test puts them. The used ring is read
// directly.
type qenv struct {
	t    testing.TB
	dev  *Device
	d    *virtqtest.Driver
	q    *virtq.Queue
	w    *Worker
	ctrl bool
	size int
	mem  int
	next uint16 // next used index to read
}

// newQEnv returns a control or data queue of dev with its own Worker.
func newQEnv(tb testing.TB, dev *Device, ctrl bool, size, mem int) *qenv {
	tb.Helper()
	d, err := virtqtest.New(virtqtest.Config{Size: uint32(size), MemSize: mem})
	if err != nil {
		tb.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		tb.Fatal(err)
	}
	return &qenv{t: tb, dev: dev, d: d, q: q, w: dev.NewWorker(), ctrl: ctrl, size: size, mem: mem}
}

// maxBlob is the largest scenario blob the queue's memory holds.
func (e *qenv) maxBlob() int { return e.mem - blobGPA - goodSize }

// goodGPA is the start of the area used by good().
func (e *qenv) goodGPA() uint64 { return uint64(e.mem - goodSize) }

// bytes returns guest memory [gpa, gpa+n), failing the test when it is not
// inside guest memory.
func (e *qenv) bytes(gpa uint64, n int) []byte {
	e.t.Helper()
	b := e.d.Bytes(gpa, n)
	if b == nil {
		e.t.Fatalf("guest memory [%#x, +%d) not mapped", gpa, n)
	}
	return b
}

// load writes s into the queue (descriptors, blob) and makes its heads
// available. Blob bytes that do not fit are dropped.
func (e *qenv) load(s *scenario) {
	e.t.Helper()
	for i, d := range s.descs {
		if i >= e.size {
			break
		}
		if err := e.d.WriteDesc(e.d.DescGPA(), i, d); err != nil {
			e.t.Fatal(err)
		}
	}
	if n := min(len(s.blob), e.maxBlob()); n > 0 {
		copy(e.bytes(blobGPA, n), s.blob)
	}
	for _, h := range s.heads {
		e.d.PublishHead(h, nil)
	}
}

// watchdog is how long one batch may take before the test calls it a hang:
// 20 s, or less when the test's deadline is closer.
func watchdog(tb testing.TB) time.Duration {
	d := 20 * time.Second
	if t, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := t.Deadline(); ok {
			d = min(d, time.Until(dl)/2)
		}
	}
	return max(d, time.Second)
}

// serve runs the device on the queue once (as after a kick), bounded by
// the watchdog.
func (e *qenv) serve() error {
	e.t.Helper()
	done := make(chan error, 1)
	go func() {
		var err error
		if e.ctrl {
			_, err = e.w.ServeControl(e.q, e.d.Memory())
		} else {
			_, err = e.w.ServeData(e.q, e.d.Memory())
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(watchdog(e.t)):
		e.t.Fatalf("the device did not finish a batch within %v", watchdog(e.t))
		return nil
	}
}

// reap returns the used elements published since the last reap.
func (e *qenv) reap() []usedElem {
	var out []usedElem
	for end := e.d.UsedIdx(); e.next != end; e.next++ {
		b := e.bytes(e.d.UsedGPA()+4+8*uint64(int(e.next)&(e.size-1)), 8)
		out = append(out, usedElem{binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])})
	}
	return out
}

// run loads s, serves the queue (which must not fail) and returns the used
// elements.
func (e *qenv) run(s *scenario) []usedElem {
	e.t.Helper()
	e.load(s)
	if err := e.serve(); err != nil {
		e.t.Fatalf("serve: %v", err)
	}
	return e.reap()
}

// one runs a scenario holding one chain and returns its used length,
// failing unless exactly that chain came back.
func (e *qenv) one(s *scenario) uint32 {
	e.t.Helper()
	u := e.run(s)
	if len(u) != 1 || len(s.heads) != 1 || u[0].id != uint32(s.heads[0]) {
		e.t.Fatalf("used elements %v for heads %v", u, s.heads)
	}
	return u[0].len
}

// goodCBC sends the F.2.1 encryption on session id through this data
// queue (descriptors 0-4, buffers in the good area) and checks ciphertext,
// status and used length.
func (e *qenv) goodCBC(id uint64) {
	e.t.Helper()
	g := e.goodGPA()
	hdr := cipherReq(virtiocrypto.OpcodeCipherEncrypt, id, 16, 64, 64)
	copy(e.bytes(g, 72), hdr)
	copy(e.bytes(g+72, 16), cbcIV)
	copy(e.bytes(g+88, 64), cbcPT)
	dst := e.bytes(g+152, 65)
	for i := range dst {
		dst[i] = 0xEE
	}
	descs := []virtqtest.Desc{{Addr: g, Len: 72}, {Addr: g + 72, Len: 16}, {Addr: g + 88, Len: 64},
		{Addr: g + 152, Len: 64, Flags: virtio.DescFWrite}, {Addr: g + 216, Len: 1, Flags: virtio.DescFWrite}}
	s := scenario{}
	s.chain(descs...)
	if n := e.one(&s); n != 65 {
		e.t.Fatalf("good request after the hostile one: used length %d, want 65", n)
	}
	if st := virtiocrypto.Status(dst[64]); st != virtiocrypto.StatusOK {
		e.t.Fatalf("good request after the hostile one: status %v", st)
	}
	if !bytes.Equal(dst[:64], cbcCT) {
		e.t.Fatalf("good request after the hostile one: ciphertext %x, want %x", dst[:64], cbcCT)
	}
}

// goodControl creates and destroys an AES-CBC session through this control
// queue and checks both answers.
func (e *qenv) goodControl() {
	e.t.Helper()
	g := e.goodGPA()
	p := cbcParams(engine.Encrypt)
	req, key := createReq(&p)
	copy(e.bytes(g, 72), req)
	copy(e.bytes(g+72, 16), key)
	in := e.bytes(g+128, 16)
	clear(in)
	s := scenario{}
	s.chain(virtqtest.Desc{Addr: g, Len: 72}, virtqtest.Desc{Addr: g + 72, Len: 16},
		virtqtest.Desc{Addr: g + 128, Len: 16, Flags: virtio.DescFWrite})
	if n := e.one(&s); n != 16 {
		e.t.Fatalf("good create after the hostile request: used length %d, want 16", n)
	}
	id, st := binary.LittleEndian.Uint64(in), virtiocrypto.Status(binary.LittleEndian.Uint32(in[8:]))
	if st != virtiocrypto.StatusOK || id == 0 {
		e.t.Fatalf("good create after the hostile request: id %d status %v", id, st)
	}
	copy(e.bytes(g+256, 72), destroyReq(virtiocrypto.OpcodeCipherDestroySession, id))
	out := e.bytes(g+336, 1)
	out[0] = 0xEE
	s = scenario{}
	s.chain(virtqtest.Desc{Addr: g + 256, Len: 72}, virtqtest.Desc{Addr: g + 336, Len: 1, Flags: virtio.DescFWrite})
	if n := e.one(&s); n != 1 || out[0] != byte(virtiocrypto.StatusOK) {
		e.t.Fatalf("good destroy after the hostile request: used length %d, status %d", n, out[0])
	}
}
