package virtq_test

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

func newPair(t testing.TB, cfg virtqtest.Config) (*virtqtest.Driver, *virtq.Queue) {
	t.Helper()
	d, err := virtqtest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	q, err := virtq.New(d.QueueConfig())
	if err != nil {
		t.Fatal(err)
	}
	return d, q
}

// mustPop pops one chain and fails unless it is valid.
func mustPop(t testing.TB, d *virtqtest.Driver, q *virtq.Queue, c *virtq.Chain) {
	t.Helper()
	ok, err := q.Pop(d.Memory(), c)
	if !ok || err != nil {
		t.Fatalf("Pop = %v, %v; want a valid chain", ok, err)
	}
}

func mustPush(t testing.TB, d *virtqtest.Driver, q *virtq.Queue, head uint16, n uint32) {
	t.Helper()
	if err := q.Push(d.Memory(), head, n); err != nil {
		t.Fatal(err)
	}
}

func mustEmpty(t testing.TB, d *virtqtest.Driver, q *virtq.Queue) {
	t.Helper()
	var c virtq.Chain
	if ok, err := q.Pop(d.Memory(), &c); ok || err != nil {
		t.Fatalf("Pop on an empty ring = %v, %v", ok, err)
	}
}

func readAll(t testing.TB, r *virtq.Reader) []byte {
	t.Helper()
	var out bytes.Buffer
	if _, err := out.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// goroutineLeakCheck fails the test if goroutines started during it are
// still running when it ends (after a grace period).
func goroutineLeakCheck(t *testing.T) {
	ids := func() map[string]string {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		m := map[string]string{}
		for g := range strings.SplitSeq(string(buf), "\n\n") {
			header, _, _ := strings.Cut(g, "\n")
			fields := strings.Fields(header)
			if len(fields) >= 2 {
				m[fields[1]] = g
			}
		}
		return m
	}
	before := ids()
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			var leaked []string
			for id, g := range ids() {
				if _, ok := before[id]; !ok && !strings.Contains(g, "goroutineLeakCheck") {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				sort.Strings(leaked)
				t.Fatalf("%d goroutines leaked:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestNoUnsafeNoSyscall keeps virtq and virtqtest free of unsafe and system
// calls: guest memory is guestmem's business.
func TestNoUnsafeNoSyscall(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("virtqtest/*.go")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no files")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			switch p := strings.Trim(imp.Path.Value, `"`); {
			case p == "unsafe", p == "syscall", strings.HasPrefix(p, "golang.org/x/sys"):
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}
