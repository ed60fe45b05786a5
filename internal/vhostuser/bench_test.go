package vhostuser

import (
	"fmt"
	"testing"

	"vcrypto/internal/virtiocrypto"
)

// BenchmarkEndToEndAESCBC measures AES-128-CBC encryption through the whole
// stack: the Go frontend puts requests in memfd guest memory and kicks over
// an eventfd, the backend's queue goroutine serves them through cryptodev
// and the soft engine, and signals the call eventfd. Frontend work (copying
// the request in, reaping) is included, as a VMM's would be.
func BenchmarkEndToEndAESCBC(b *testing.B) {
	for _, size := range []int{64, 4096, 16384} {
		for _, batch := range []int{1, 32} {
			b.Run(fmt.Sprintf("%dB/batch%d", size, batch), func(b *testing.B) {
				s := startServer(b, ModeCryptodev, 1)
				f := s.dial(b, FrontendConfig{Queues: 1, EventIdx: true, Indirect: true, QueueSize: 256, ArenaSize: 64 * (size + 256)})
				if err := f.Handshake(); err != nil {
					b.Fatal(err)
				}
				enc, _ := createCBCPair(b, f, LayoutQEMU71, sp80038aKey)
				q := f.Queue(0)
				src := make([]byte, size)
				req := cipherRequest(virtiocrypto.OpcodeCipherEncrypt, enc, sp80038aIV, src)
				wl := []int{size, 1}
				bad := 0
				check := func(_ uint16, n uint32, w [][]byte) {
					if last := w[len(w)-1]; last[len(last)-1] != 0 {
						bad++
					}
				}
				b.SetBytes(int64(size * batch))
				b.ReportAllocs()
				for b.Loop() {
					for range batch {
						if _, err := q.Add(req, wl); err != nil {
							b.Fatal(err)
						}
					}
					q.Kick()
					for got := 0; got < batch; {
						if err := q.WaitUsed(); err != nil {
							b.Fatal(err)
						}
						n, err := q.Reap(check)
						if err != nil {
							b.Fatal(err)
						}
						got += n
					}
				}
				if bad > 0 {
					b.Fatalf("%d requests failed", bad)
				}
			})
		}
	}
}

func BenchmarkParseCreateSession(b *testing.B) {
	req := qemu72Request()
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := ParseCreateSession(req)
		if err != nil || s.Sym.KeyLen != 16 {
			b.Fatal(err)
		}
	}
}
