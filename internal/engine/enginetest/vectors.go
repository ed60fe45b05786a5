package enginetest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"vcrypto/internal/engine"
)

// Vector is one published test case expressed as what a virtio-crypto
// driver would send: the session to create (keys included) and one data
// operation. It is plain data so that other packages (the device model,
// which replays the vectors through the virtio wire protocol) can use it.
//
// How a vector is run (see Run, DstLen, DigestLen, Check):
//
//   - NewSession(&Params), then Do with an engine.Op built from Dir, IV,
//     AAD, Src and the chained-range fields, with a Dst of DstLen() bytes
//     and a Digest of DigestLen() bytes.
//   - A valid vector passes when neither call fails, Dst[DstCheckOffset:]
//     equals WantDst (when WantDst is not nil) and Digest equals WantDigest
//     (when WantDigest is not nil), or differs from it when DigestMismatch.
//   - An Invalid vector passes when NewSession or Do fails (NewSession
//     itself when SessionFails) with an error that errors.Is WantErr (when
//     WantErr is not nil).
//   - A vector with Skip set cannot be expressed through virtio-crypto (or
//     through this engine API); it is counted, never run, never a pass.
type Vector struct {
	// Suite groups vectors of one source and algorithm, "source:ALG"
	// (e.g. "wycheproof:aes_gcm", "cavp:AES-CBC"); see Suites.
	Suite string
	// ID is unique within the suite (file, test number, direction).
	ID string
	// Source cites the published document (and where it was transcribed
	// from).
	Source string

	// Params is the session to create, keys included.
	Params engine.SessionParams
	// Dir is Op.Dir.
	Dir engine.Direction
	// IV, AAD and Src are the operation's inputs.
	IV, AAD, Src []byte
	// Byte ranges of Src for chained operations (engine.Op).
	CipherOffset, CipherLen, HashOffset, HashLen int

	// WantDst is the expected Dst (nil: Dst is not checked). Only
	// Dst[DstCheckOffset:] is compared with it: a published keystream at
	// offset N (RFC 6229) is checked by encrypting N+len zero bytes.
	WantDst        []byte
	DstCheckOffset int
	// WantDigest is the expected Digest (nil: not checked).
	WantDigest []byte
	// DigestMismatch: WantDigest is a published wrong MAC tag. A virtio MAC
	// computes and does not verify, so the operation must succeed and the
	// computed Digest must differ from WantDigest.
	DigestMismatch bool

	// Invalid: the session or the operation must fail.
	Invalid bool
	// WantErr, for an Invalid vector, is the sentinel the error must wrap
	// (e.g. engine.ErrAuthFailed); nil when any error is right.
	WantErr error
	// SessionFails, for an Invalid vector, requires NewSession itself to
	// fail (a key of a size the algorithm does not have).
	SessionFails bool

	// Skip, when not empty, is why the vector cannot be run through
	// virtio-crypto; such vectors are counted by reason.
	Skip string
}

// Skip reasons shared by several loaders.
const (
	SkipGCMJ0        = "virtio reads a 16-byte GCM IV as J0"
	SkipGCMIVLen     = "GCM IV length other than 12 or 16 bytes (virtio: 12 = IV, 16 = J0)"
	SkipBitLength    = "bit-length not whole bytes"
	SkipXTS192       = "AES-XTS with a 48-byte key (AES-192) is not an IEEE 1619 key size"
	SkipXOFTooLong   = "SHAKE output longer than engine.MaxXOFLen"
	SkipAcceptable   = "Wycheproof 'acceptable' result (either outcome allowed)"
	SkipCCMNonce     = "CCM nonce outside 7..13 bytes"
	SkipUnexpressive = "parameters not expressible through virtio-crypto"
)

// DstLen is the length of the Dst buffer the operation needs: len(Src)
// for ciphers and chained sessions, len(Src)+tag for AEAD encryption,
// len(Src)-tag (at least 0) for AEAD decryption, 0 for hashes and MACs.
func (v *Vector) DstLen() int {
	switch v.Params.Service {
	case engine.ServiceCipher:
		return len(v.Src)
	case engine.ServiceAEAD:
		if v.Dir == engine.Encrypt {
			return max(len(v.Src)+v.Params.DigestLen, 0)
		}
		return max(len(v.Src)-v.Params.DigestLen, 0)
	}
	return 0
}

// DigestLen is the length of the Digest buffer the operation needs:
// Params.DigestLen for hash, MAC and chained sessions (for SHAKE the
// output length), 0 otherwise.
func (v *Vector) DigestLen() int {
	switch {
	case v.Params.Service == engine.ServiceHash, v.Params.Service == engine.ServiceMAC,
		v.Params.Service == engine.ServiceCipher && v.Params.Chained:
		return max(v.Params.DigestLen, 0)
	}
	return 0
}

// Op builds the operation with the caller's output buffers. The inputs
// are the vector's own slices: an engine must not write to them.
func (v *Vector) Op(dst, digest []byte) engine.Op {
	return engine.Op{
		Dir: v.Dir, IV: v.IV, AAD: v.AAD, Src: v.Src, Dst: dst, Digest: digest,
		CipherOffset: v.CipherOffset, CipherLen: v.CipherLen,
		HashOffset: v.HashOffset, HashLen: v.HashLen,
	}
}

// ErrVectorSkipped is returned by Run and Check for a vector with Skip set.
var ErrVectorSkipped = errors.New("enginetest: vector is skipped")

// Check judges the outcome of running v: sessErr is the NewSession error,
// opErr the Do error (nil if Do was not reached), dst and digest the
// output buffers. It returns nil when the vector passed, otherwise an
// error describing the mismatch.
func (v *Vector) Check(sessErr, opErr error, dst, digest []byte) error {
	if v.Skip != "" {
		return ErrVectorSkipped
	}
	if v.Invalid {
		err := sessErr
		if err == nil {
			err = opErr
		}
		switch {
		case err == nil:
			return errors.New("invalid vector accepted: NewSession and Do succeeded")
		case v.SessionFails && sessErr == nil:
			return fmt.Errorf("NewSession accepted the parameters (Do failed with %v); want NewSession to fail", opErr)
		case v.WantErr != nil && !errors.Is(err, v.WantErr):
			return fmt.Errorf("error %q does not wrap %q", err, v.WantErr)
		}
		if errors.Is(err, engine.ErrAuthFailed) && len(bytes.Trim(dst, "\x00")) != 0 {
			return fmt.Errorf("authentication failed but Dst was not zeroed: %x", dst)
		}
		return nil
	}
	if sessErr != nil {
		return fmt.Errorf("NewSession: %w", sessErr)
	}
	if opErr != nil {
		return fmt.Errorf("Do: %w", opErr)
	}
	if v.WantDst != nil {
		if v.DstCheckOffset < 0 || v.DstCheckOffset > len(dst) {
			return fmt.Errorf("Dst of %d bytes has no offset %d", len(dst), v.DstCheckOffset)
		}
		if got := dst[v.DstCheckOffset:]; !bytes.Equal(got, v.WantDst) {
			return fmt.Errorf("Dst[%d:] = %x, want %x", v.DstCheckOffset, got, v.WantDst)
		}
	}
	if v.WantDigest != nil {
		eq := bytes.Equal(digest, v.WantDigest)
		switch {
		case v.DigestMismatch && eq:
			return fmt.Errorf("Digest = %x equals a published wrong tag", digest)
		case !v.DigestMismatch && !eq:
			return fmt.Errorf("Digest = %x, want %x", digest, v.WantDigest)
		}
	}
	return nil
}

// Run runs v through e (NewSession, Do, Close) with freshly allocated
// buffers and returns Check's verdict. It also fails the vector if the
// engine wrote to an input. A nil engine is an error.
func (v *Vector) Run(e engine.Engine) error {
	if v.Skip != "" {
		return ErrVectorSkipped
	}
	if e == nil {
		return errors.New("enginetest: nil engine")
	}
	p := v.Params
	p.CipherKey = bytes.Clone(p.CipherKey)
	p.AuthKey = bytes.Clone(p.AuthKey)
	dst := make([]byte, v.DstLen())
	digest := make([]byte, v.DigestLen())
	sess, sessErr := e.NewSession(&p)
	var opErr error
	if sessErr == nil {
		w := *v
		w.IV, w.AAD, w.Src = clone(v.IV), clone(v.AAD), clone(v.Src)
		op := w.Op(dst, digest)
		opErr = sess.Do(&op)
		sess.Close()
		if !bytes.Equal(w.IV, v.IV) || !bytes.Equal(w.AAD, v.AAD) || !bytes.Equal(w.Src, v.Src) {
			return errors.New("the engine modified an input buffer (IV, AAD or Src)")
		}
	}
	if err := v.Check(sessErr, opErr, dst, digest); err != nil {
		return err
	}
	return nil
}

// clone copies b, keeping nil as nil and empty as empty.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

// SuiteCount is the outcome of one suite in RunVectors.
type SuiteCount struct {
	// Loaded is the number of vectors the suite's loader returned.
	Loaded int
	// Passed, Failed and Skipped partition Loaded.
	Passed, Failed, Skipped int
	// SkipReasons counts the skipped vectors by reason.
	SkipReasons map[string]int
}

// Summary maps a suite name to its counts.
type Summary map[string]*SuiteCount

// Tally counts vectors by suite (Loaded, Skipped, SkipReasons); Passed and
// Failed stay zero. Suites without vectors are absent.
func Tally(vs []Vector) Summary {
	s := Summary{}
	for i := range vs {
		c := s.suite(vs[i].Suite)
		c.Loaded++
		if vs[i].Skip != "" {
			c.Skipped++
			c.SkipReasons[vs[i].Skip]++
		}
	}
	return s
}

func (s Summary) suite(name string) *SuiteCount {
	c := s[name]
	if c == nil {
		c = &SuiteCount{SkipReasons: map[string]int{}}
		s[name] = c
	}
	return c
}

// Line is the one-line report of a suite: "suite X: N passed, M skipped
// (reason: count, ...)".
func (c *SuiteCount) Line(suite string) string {
	if c == nil {
		return "suite " + suite + ": no vectors"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "suite %s: %d passed, %d skipped", suite, c.Passed, c.Skipped)
	if c.Failed > 0 {
		fmt.Fprintf(&b, ", %d FAILED", c.Failed)
	}
	if len(c.SkipReasons) > 0 {
		parts := make([]string, 0, len(c.SkipReasons))
		for _, r := range slices.Sorted(maps.Keys(c.SkipReasons)) {
			parts = append(parts, fmt.Sprintf("%s: %d", r, c.SkipReasons[r]))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	return b.String()
}

// maxLoadErrors bounds the loading errors reported.
const maxLoadErrors = 20

// maxReportedFailures bounds the failures printed per suite.
const maxReportedFailures = 20

// RunVectors runs every published vector (Vectors) through e, one t.Run
// per suite, logs one line per suite ("suite X: N passed, M skipped
// (reason: count, ...)") and the algorithms that have no published vector
// (Unvectored), and returns the counts so a test can assert minimums.
func RunVectors(t *testing.T, e engine.Engine) Summary {
	t.Helper()
	vs := Vectors(t)
	sum := Summary{}
	bySuite := map[string][]*Vector{}
	for i := range vs {
		bySuite[vs[i].Suite] = append(bySuite[vs[i].Suite], &vs[i])
	}
	for _, name := range slices.Sorted(maps.Keys(bySuite)) {
		c := sum.suite(name)
		t.Run(name, func(t *testing.T) {
			for _, v := range bySuite[name] {
				c.Loaded++
				if v.Skip != "" {
					c.Skipped++
					c.SkipReasons[v.Skip]++
					continue
				}
				if err := v.Run(e); err != nil {
					c.Failed++
					if c.Failed <= maxReportedFailures {
						t.Errorf("%s [%s]: %v", v.ID, v.Source, err)
					}
					continue
				}
				c.Passed++
			}
			if c.Failed > maxReportedFailures {
				t.Errorf("%d more failures not shown", c.Failed-maxReportedFailures)
			}
			t.Log(c.Line(name))
		})
	}
	for _, alg := range slices.Sorted(maps.Keys(Unvectored)) {
		t.Logf("%s: %s", alg, Unvectored[alg])
	}
	return sum
}

// Unvectored lists the algorithms of the virtio-crypto tables that no
// published vector here covers, and why.
var Unvectored = map[string]string{
	"GMAC-Twofish":     "no published vector; covered by the gcm and twofish package tests",
	"CBCMAC-AES":       "no published vector of bare CBC-MAC (zero-padded) exists; covered by the cbcmac package tests",
	"CBCMAC-KASUMI-F9": "the specification does not define it (engines return ErrUnsupported)",
}

// NoRunnable lists suites whose published vectors all have to be skipped,
// and why; a test asserting that every suite ran a vector exempts them.
var NoRunnable = map[string]string{
	suiteZUCEIA3: "every published 128-EIA3 test set (ETSI/SAGE EEA3&EIA3 Document 3, sets 1-5) has a length that is not a whole number of bytes",
}

// Suites lists the suite names the loaders produce, sorted.
func Suites() []string { return slices.Sorted(slices.Values(suiteNames)) }

// loader returns the vectors of one source.
type loaderFunc func() ([]Vector, error)

// loaders are all vector sources.
var loaders = []loaderFunc{
	loadWycheproof,
	loadNIST,
	loadRFC,
	loadGPP,
	loadDPDK,
}

var cache struct {
	once sync.Once
	vs   []Vector
	err  error
}

// Vectors returns every published vector, loaded once per process; it is
// safe for concurrent use. The result is shared: callers must not modify
// it. If a source cannot be
// loaded (for example the Wycheproof module cannot be located), tb fails
// with the reason; it never skips.
func Vectors(tb testing.TB) []Vector {
	tb.Helper()
	cache.once.Do(func() { cache.vs, cache.err = loadAll(loaders) })
	if cache.err != nil {
		tb.Fatalf("enginetest: loading the published vectors: %v", cache.err)
	}
	return cache.vs
}

// loadAll runs the loaders and checks that every vector belongs to a known
// suite and has an ID unique within it.
func loadAll(ls []loaderFunc) ([]Vector, error) {
	return loadChecked(ls, suiteNames, func(v *Vector) (string, string) { return v.Suite, v.ID })
}

// loadChecked runs the loaders and checks that every vector (suite and ID
// from key) belongs to one of suites and has an ID unique within it. It is
// shared by the symmetric and the AKCIPHER vector lists.
func loadChecked[V any, L ~func() ([]V, error)](ls []L, suites []string, key func(*V) (suite, id string)) ([]V, error) {
	var all []V
	var errs []error
	for _, l := range ls {
		vs, err := l()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, vs...)
	}
	known := map[string]bool{}
	for _, s := range suites {
		known[s] = true
	}
	seen := map[[2]string]bool{}
	for i := range all {
		suite, id := key(&all[i])
		if !known[suite] {
			errs = append(errs, fmt.Errorf("vector %s has unknown suite %q", id, suite))
		}
		k := [2]string{suite, id}
		if seen[k] {
			errs = append(errs, fmt.Errorf("duplicate vector %s in suite %s", id, suite))
		}
		seen[k] = true
	}
	if len(errs) > maxLoadErrors {
		errs = append(errs[:maxLoadErrors], fmt.Errorf("and %d more errors", len(errs)-maxLoadErrors))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return all, nil
}
