package daemon

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"vcrypto/internal/vhostuser"
	"vcrypto/internal/virtiocrypto"
)

// TestEndToEndZeroAllocsWithMetrics: with metrics enabled, the whole
// process (the Go frontend, the vhost-user backend's queue goroutine, the
// device and the metrics observer) allocates nothing in steady state: 200
// batches of 32 AES-CBC requests through the daemon's socket make fewer
// allocations than batches (testing.AllocsPerRun's integer average is 0).
// Scraping allocates, so the scrape comes after the measurement and checks
// that every request was counted.
func TestEndToEndZeroAllocsWithMetrics(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	sock, url := startLoggedDaemon(t, "cryptodev", io.Discard)
	f, err := vhostuser.Dial(sock, vhostuser.FrontendConfig{Queues: 1, EventIdx: true, Indirect: true, QueueSize: 256, ArenaSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Handshake(); err != nil {
		t.Fatal(err)
	}
	s, err := vhostuser.CipherSession(vhostuser.LayoutQEMU71, virtiocrypto.CipherAESCBC, virtiocrypto.OpEncrypt, bytes.Repeat([]byte{1}, 16))
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.CreateSession(s)
	if err != nil || id <= 0 {
		t.Fatalf("create: %d, %v", id, err)
	}
	req := virtiocrypto.DataRequest{Header: virtiocrypto.DataHeader{Opcode: virtiocrypto.OpcodeCipherEncrypt, SessionID: uint64(id)},
		Sym: virtiocrypto.SymDataParams{OpType: virtiocrypto.SymOpCipher, Cipher: virtiocrypto.CipherDataParams{IVLen: 16, SrcDataLen: 64, DstDataLen: 64}}}
	rd := [][]byte{req.Append(nil, 0), make([]byte, 16), make([]byte, 64)}
	wl := []int{64, 1}
	q := f.Queue(0)
	const batch = 32
	bad := 0
	check := func(_ uint16, _ uint32, w [][]byte) {
		if last := w[len(w)-1]; last[len(last)-1] != byte(virtiocrypto.StatusOK) {
			bad++
		}
	}
	run := func() {
		for range batch {
			if _, err := q.Add(rd, wl); err != nil {
				t.Fatal(err)
			}
		}
		q.Kick()
		for got := 0; got < batch; {
			if err := q.WaitUsed(); err != nil {
				t.Fatal(err)
			}
			n, err := q.Reap(check)
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	}
	for range 20 {
		run()
	}
	const runs = 200
	if n := testing.AllocsPerRun(runs, run); n != 0 {
		t.Errorf("%v allocations per batch of %d requests with metrics enabled, want 0", n, batch)
	}
	if bad > 0 {
		t.Fatalf("%d requests failed", bad)
	}
	total := (20 + 1 + runs) * batch // warm-up, AllocsPerRun's own warm-up, runs
	scrapeUntil(t, url, []string{`vcrypto_requests_total{queue="0",service="CIPHER",algorithm="AES_CBC",status="OK"} ` + strconv.Itoa(total) + "\n"})
}
