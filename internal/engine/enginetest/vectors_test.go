package enginetest_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"vcrypto/internal/engine/enginetest"
	"vcrypto/internal/engine/soft"
)

// minRun is the least number of vectors some suites must run, so that a
// loader that silently loses most of its file fails the test. The numbers
// are a little below what the files hold (see the log of TestSoftVectors).
var minRun = map[string]int{
	"wycheproof:aes_gcm":           300,
	"wycheproof:aes_ccm":           1000,
	"wycheproof:chacha20_poly1305": 550,
	"wycheproof:aes_cmac":          300,
	"wycheproof:hmac_sha1":         170,
	"wycheproof:hmac_sha256":       170,
	"wycheproof:hmac_sha512":       170,
	"wycheproof:aes_xts":           150,
	"wycheproof:aes_gmac":          200,
	"cavp:AES-ECB":                 300,
	"cavp:AES-CBC":                 300,
	"cavp:DES-ECB":                 450,
	"cavp:3DES-CBC":                50,
	"cavp:SHA-256":                 70,
	"cavp:SHA3-256":                140,
	"cavp:SHAKE128":                100,
	"cavp:AES-GCM":                 2500,
	"cavp:GMAC-AES":                300,
	"rfc6229:ARC4":                 250,
	"rfc3610:AES-CCM":              48,
	"ts35.203:KASUMI-F9":           5,
}

func TestSoftVectors(t *testing.T) {
	eng, err := soft.New()
	if err != nil {
		t.Fatalf("soft.New: %v", err)
	}
	sum := enginetest.RunVectors(t, eng)
	for _, suite := range enginetest.Suites() {
		c := sum[suite]
		switch {
		case c == nil || c.Loaded == 0:
			t.Errorf("suite %s: the loader returned no vector", suite)
		case c.Passed == 0 && enginetest.NoRunnable[suite] == "":
			t.Errorf("suite %s: no vector ran (%d loaded, %d skipped, %d failed)", suite, c.Loaded, c.Skipped, c.Failed)
		case c.Passed+c.Failed+c.Skipped != c.Loaded:
			t.Errorf("suite %s: %d passed + %d failed + %d skipped != %d loaded", suite, c.Passed, c.Failed, c.Skipped, c.Loaded)
		case c.Passed < minRun[suite]:
			t.Errorf("suite %s: %d vectors passed, want at least %d", suite, c.Passed, minRun[suite])
		}
	}
	for _, suite := range slices.Sorted(maps.Keys(sum)) {
		if !slices.Contains(enginetest.Suites(), suite) {
			t.Errorf("suite %s is not listed by Suites", suite)
		}
	}
	for suite, why := range enginetest.NoRunnable {
		if c := sum[suite]; c != nil && c.Passed > 0 {
			t.Errorf("suite %s is listed in NoRunnable (%s) but ran %d vectors", suite, why, c.Passed)
		}
	}
}

// TestVectorsCanFail checks that every runnable vector detects a wrong
// answer: one flipped output bit, a success where an error is required,
// or a published wrong MAC tag reproduced.
func TestVectorsCanFail(t *testing.T) {
	eng, err := soft.New()
	if err != nil {
		t.Fatalf("soft.New: %v", err)
	}
	vs := enginetest.Vectors(t)
	noOutput := 0
	for i := range vs {
		v := &vs[i]
		if v.Skip != "" {
			if err := v.Run(eng); !errors.Is(err, enginetest.ErrVectorSkipped) {
				t.Errorf("%s %s: Run of a skipped vector = %v", v.Suite, v.ID, err)
			}
			continue
		}
		dst, digest := make([]byte, v.DstLen()), make([]byte, v.DigestLen())
		if v.Invalid {
			if err := v.Check(nil, nil, dst, digest); err == nil {
				t.Errorf("%s %s: an invalid vector accepts success", v.Suite, v.ID)
			}
			continue
		}
		p := v.Params
		sess, err := eng.NewSession(&p)
		if err != nil {
			t.Fatalf("%s %s: NewSession: %v", v.Suite, v.ID, err)
		}
		op := v.Op(dst, digest)
		err = sess.Do(&op)
		sess.Close()
		if err := v.Check(nil, err, dst, digest); err != nil {
			t.Fatalf("%s %s: %v", v.Suite, v.ID, err)
		}
		if v.DigestMismatch {
			if err := v.Check(nil, nil, dst, v.WantDigest); err == nil {
				t.Errorf("%s %s: accepts the published wrong tag", v.Suite, v.ID)
			}
		}
		if err := v.Check(nil, errors.New("engine error"), dst, digest); err == nil {
			t.Errorf("%s %s: accepts a failed operation", v.Suite, v.ID)
		}
		flipped := false
		if v.WantDst != nil && len(dst) > v.DstCheckOffset {
			dst[len(dst)-1] ^= 1
			if err := v.Check(nil, nil, dst, digest); err == nil {
				t.Errorf("%s %s: accepts a flipped Dst bit", v.Suite, v.ID)
			}
			dst[len(dst)-1] ^= 1
			flipped = true
		}
		if v.WantDigest != nil && !v.DigestMismatch && len(digest) > 0 {
			digest[0] ^= 0x80
			if err := v.Check(nil, nil, dst, digest); err == nil {
				t.Errorf("%s %s: accepts a flipped Digest bit", v.Suite, v.ID)
			}
			flipped = true
		}
		if !flipped && !v.DigestMismatch {
			noOutput++
		}
	}
	t.Logf("%d vectors, %d with no output to corrupt (empty AEAD plaintext)", len(vs), noOutput)
}
