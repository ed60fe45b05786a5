package cryptodevtest

import (
	"testing"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// TestAKCases checks that every kind of AKCIPHER case loads, with both
// outcomes where the published files have both.
func TestAKCases(t *testing.T) {
	cs := AKCases(t)
	type key struct {
		kind string
		st   virtiocrypto.Status
	}
	n := map[key]int{}
	for _, c := range cs {
		n[key{c.Kind, c.Status}]++
		if c.Params.Service != engine.ServiceAKCipher || len(c.Params.AK.Key) == 0 {
			t.Errorf("%s: params %+v", c.Name, c.Params)
		}
		if c.Status == virtiocrypto.StatusOK && c.Op != engine.AKVerify && c.Want == nil && c.Check == nil {
			t.Errorf("%s: no way to judge the result", c.Name)
		}
	}
	for _, k := range []key{
		{"rsa-verify", virtiocrypto.StatusOK}, {"rsa-verify", virtiocrypto.StatusKeyRejected},
		{"rsa-sign", virtiocrypto.StatusOK}, {"rsa-raw-decrypt", virtiocrypto.StatusOK}, {"rsa-raw-encrypt", virtiocrypto.StatusOK},
		{"rsa-decrypt", virtiocrypto.StatusOK}, {"rsa-decrypt", virtiocrypto.StatusErr}, {"rsa-encrypt", virtiocrypto.StatusOK},
		{"ecdsa-verify", virtiocrypto.StatusOK}, {"ecdsa-verify", virtiocrypto.StatusKeyRejected}, {"ecdsa-sign", virtiocrypto.StatusOK},
	} {
		if n[k] == 0 {
			t.Errorf("no %s case with status %v", k.kind, k.st)
		}
	}
	t.Logf("%d cases: %v", len(cs), n)
}
