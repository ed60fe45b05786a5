package soft

import (
	"errors"
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/engine/enginetest"
)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestConformance(t *testing.T) {
	enginetest.RunConformance(t, newEngine(t))
}

func TestSelfTestRefusesBrokenEngine(t *testing.T) {
	for i := range selfTests {
		name := selfTests[i].name
		t.Run(name, func(t *testing.T) {
			selfTestHook = func(k *kat) {
				if k.name == name {
					// Flip one bit of the expected answer.
					b := unhex(k.out)
					b[len(b)-1] ^= 1
					k.out = hexString(b)
				}
			}
			defer func() { selfTestHook = nil }()
			e, err := New()
			if err == nil || e != nil {
				t.Fatalf("New() = %v, %v; want a self-test failure", e, err)
			}
			if !errors.Is(err, engine.ErrSelfTest) {
				t.Fatalf("error %v does not wrap ErrSelfTest", err)
			}
		})
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestCapabilities(t *testing.T) {
	c := newEngine(t).Capabilities()
	if len(c.Cipher) != len(engine.AllCiphers) || len(c.Hash) != len(engine.AllHashes) || len(c.AEAD) != len(engine.AllAEADs) {
		t.Fatalf("capabilities miss algorithms: %+v", c)
	}
	if len(c.MAC) != len(engine.AllMACs)-1 {
		t.Fatalf("MACs: %v", c.MAC)
	}
	for _, m := range c.MAC {
		if m == engine.CBCMACKASUMIF9 {
			t.Fatal("CBCMAC-KASUMI-F9 is advertised but has no definition")
		}
	}
}

// TestCloseWipesKeys checks that keys the engine owns are zeroed on Close.
func TestCloseWipesKeys(t *testing.T) {
	e := newEngine(t)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i + 1)
	}
	s, err := e.NewSession(&engine.SessionParams{Service: engine.ServiceMAC, MAC: engine.HMACSHA256, AuthKey: key, DigestLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	m := s.(*macSession).m.(*hmacImpl)
	istate, ostate := m.istate, m.ostate
	s.Close()
	for _, b := range [][]byte{istate, ostate} {
		for _, c := range b {
			if c != 0 {
				t.Fatal("HMAC pad state not wiped on Close")
			}
		}
	}
	z, err := e.NewSession(&engine.SessionParams{Service: engine.ServiceCipher, Cipher: engine.ZUCEEA3, CipherKey: key[:16], Direction: engine.Encrypt})
	if err != nil {
		t.Fatal(err)
	}
	zk := &z.(*cipherSession).c.(*zucEEA3).key
	z.Close()
	if *zk != [16]byte{} {
		t.Fatal("ZUC key not wiped on Close")
	}
}
