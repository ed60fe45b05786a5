// Package layering holds the test that keeps the package layering of
// DESIGN.md: data flows vhostuser -> cryptodev -> (virtq, virtiocrypto,
// engine), never back up.
package layering

import (
	"go/build"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "vcrypto"

// allowed lists, for each package of the module, the module packages its
// non-test files may import. A package missing from this table fails the
// test: add it here, in the layer DESIGN.md gives it, when you create it.
// Entries ending in "/..." allow a subtree.
var allowed = map[string][]string{
	"cmd/vhost-user-crypto":            {"internal/bench", "internal/daemon"},
	"internal/alias":                   {},
	"internal/virtio":                  {},
	"internal/guestmem":                {},
	"internal/virtq":                   {"internal/guestmem", "internal/virtio"},
	"internal/virtq/virtqtest":         {"internal/guestmem", "internal/virtio", "internal/virtq"},
	"internal/virtiocrypto":            {"internal/virtio"},
	"internal/engine":                  {"internal/alias"},
	"internal/engine/enginetest":       {"internal/engine"},
	"internal/engine/soft":             {"internal/alias", "internal/engine", "internal/engine/soft/..."},
	"internal/engine/soft/...":         {"internal/alias", "internal/engine/soft/aesblocks"},
	"internal/cryptodev":               {"internal/engine", "internal/guestmem", "internal/virtio", "internal/virtiocrypto", "internal/virtq"},
	"internal/cryptodev/cryptodevtest": {"internal/engine", "internal/engine/enginetest", "internal/virtiocrypto"},
	"internal/vhostuser":               {"internal/cryptodev", "internal/engine", "internal/guestmem", "internal/virtio", "internal/virtiocrypto", "internal/virtq"},
	"internal/metrics":                 {"internal/cryptodev", "internal/engine", "internal/virtiocrypto"},
	"internal/daemon":                  {"internal/cryptodev", "internal/engine", "internal/engine/soft", "internal/metrics", "internal/vhostuser", "internal/virtiocrypto"},
	"internal/bench":                   {"internal/cryptodev", "internal/daemon", "internal/engine", "internal/engine/soft", "internal/vhostuser", "internal/virtiocrypto", "internal/virtio"},
	"internal/layering":                {},
	"test/qemu":                        {},
	"test/qemu/guest":                  {},
}

func lookup(pkg string) ([]string, bool) {
	if a, ok := allowed[pkg]; ok {
		return a, true
	}
	for k, a := range allowed {
		if prefix, ok := strings.CutSuffix(k, "/..."); ok && strings.HasPrefix(pkg, prefix+"/") {
			return a, true
		}
	}
	return nil, false
}

func permits(list []string, imp string) bool {
	for _, a := range list {
		if a == imp {
			return true
		}
		if prefix, ok := strings.CutSuffix(a, "/..."); ok && strings.HasPrefix(imp, prefix+"/") {
			return true
		}
	}
	return false
}

func TestImportLayering(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			pkgs = append(pkgs, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pkgs)
	pkgs = compact(pkgs)
	if len(pkgs) == 0 {
		t.Fatal("no packages found")
	}
	ctx := build.Default
	ctx.UseAllFiles = true // every build tag: layering holds on all platforms
	for _, rel := range pkgs {
		list, ok := lookup(rel)
		if !ok {
			t.Errorf("package %s is not in the layering table of imports_test.go", rel)
			continue
		}
		bp, err := ctx.ImportDir(filepath.Join(root, rel), build.ImportComment)
		if err != nil {
			if _, multi := err.(*build.MultiplePackageError); !multi {
				t.Errorf("%s: %v", rel, err)
				continue
			}
		}
		for _, imp := range bp.Imports {
			sub, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if !permits(list, sub) {
				t.Errorf("%s imports %s, which the layering does not allow", rel, sub)
			}
		}
	}
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
