package soft

import (
	"bytes"
	"testing"

	"vcrypto/internal/engine"

	"vcrypto/internal/engine/enginetest"
)

// akMinRun is the least number of vectors each AKCIPHER suite must pass
// (a little below what the loaders produce; see the test log).
var akMinRun = map[string]int{
	"cavp:ECDSA-SigVer":            115,
	"cavp:RSA-SigGen15":            100,
	"cavp:RSA-SigVer15":            70,
	"cavp:RSA-raw":                 200,
	"wycheproof:ecdsa_verify":      4500,
	"wycheproof:rsa_pkcs1_decrypt": 195,
	"wycheproof:rsa_pkcs1_sig_gen": 150,
	"wycheproof:rsa_signature":     3300,
}

// TestAKVectors runs the published RSA and ECDSA vectors (Wycheproof, NIST
// CAVP) through the engine.
func TestAKVectors(t *testing.T) {
	sum := enginetest.RunAKVectors(t, newEngine(t))
	for _, suite := range enginetest.AKSuites() {
		c := sum[suite]
		switch {
		case c == nil || c.Loaded == 0:
			t.Errorf("suite %s: the loader returned no vector", suite)
		case c.Passed == 0:
			t.Errorf("suite %s: no vector ran", suite)
		case c.Passed+c.Failed+c.Skipped != c.Loaded:
			t.Errorf("suite %s: counts do not add up", suite)
		case c.Passed < akMinRun[suite]:
			t.Errorf("suite %s: %d vectors passed, want at least %d", suite, c.Passed, akMinRun[suite])
		}
	}
}

// TestAKVectorsCanFail checks on a sample of the AKCIPHER vectors that a
// wrong answer is detected: a flipped bit of the expected output, of the
// signed digest of a verify, or an invalid vector the engine accepts.
func TestAKVectorsCanFail(t *testing.T) {
	e := newEngine(t)
	vs := enginetest.AKVectors(t)
	checked := 0
	for i := 0; i < len(vs); i += 7 {
		v := vs[i]
		if v.Skip != "" {
			continue
		}
		switch {
		case v.Invalid:
			// Check must refuse a success.
			if v.Check(nil, nil, make([]byte, v.DstLen), 0) == nil {
				t.Fatalf("%s: an accepted invalid vector passes", v.ID)
			}
		case v.WantDst != nil:
			if len(v.WantDst) == 0 {
				v.WantDst = []byte{0} // an empty message: want one byte instead
			} else {
				v.WantDst = bytes.Clone(v.WantDst)
				v.WantDst[len(v.WantDst)-1] ^= 1
			}
			if v.Run(e) == nil {
				t.Fatalf("%s: a wrong expected output passes", v.ID)
			}
		case v.Op == engine.AKVerify:
			v.Signed = bytes.Clone(v.Signed)
			v.Signed[0] ^= 0x80
			if v.Run(e) == nil {
				t.Fatalf("%s: a verify over a changed digest passes", v.ID)
			}
		default:
			t.Fatalf("%s: vector checks nothing", v.ID)
		}
		checked++
	}
	if checked < 500 {
		t.Fatalf("only %d vectors checked", checked)
	}
}
