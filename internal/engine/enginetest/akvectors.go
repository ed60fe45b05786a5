package enginetest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"vcrypto/internal/engine"
)

// AKVector is one published AKCIPHER (RSA, ECDSA) test case expressed as
// what a virtio-crypto driver would send: the session to create (key
// included) and one operation. It is plain data, like Vector, so that the
// device model can replay it through the virtio wire protocol.
//
// How a vector is run (Run): NewSession(&Params), then Do with an
// engine.Op{AK: Op, Src: Src, Signed: Signed, Dst: make([]byte, DstLen)}.
//
//   - A valid vector passes when both calls succeed and, when WantDst is
//     not nil, Op.OutLen == len(WantDst) and Dst[:OutLen] equals WantDst.
//   - An Invalid vector passes when NewSession or Do fails with an error
//     that errors.Is WantErr (when WantErr is not nil).
//   - A vector with Skip set is counted and never run.
type AKVector struct {
	Suite, ID, Source string

	Params engine.SessionParams
	Op     engine.AKOp
	// Src is the operation input (for verify: the signature); Signed is
	// the signed digest of a verify.
	Src, Signed []byte
	// DstLen is the size of the Dst buffer given to Do.
	DstLen int
	// WantDst is the exact expected output (nil: not checked).
	WantDst []byte

	Invalid bool
	WantErr error

	Skip string
}

// Check judges the outcome of running v (see AKVector).
func (v *AKVector) Check(sessErr, opErr error, dst []byte, outLen int) error {
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
		case v.WantErr != nil && !errors.Is(err, v.WantErr):
			return fmt.Errorf("error %q does not wrap %q", err, v.WantErr)
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
		if outLen != len(v.WantDst) || outLen > len(dst) {
			return fmt.Errorf("OutLen = %d, want %d", outLen, len(v.WantDst))
		}
		if !bytes.Equal(dst[:outLen], v.WantDst) {
			return fmt.Errorf("Dst = %x, want %x", dst[:outLen], v.WantDst)
		}
	}
	return nil
}

// Run runs v through e with fresh buffers and returns Check's verdict. It
// also fails the vector if the engine wrote to an input.
func (v *AKVector) Run(e engine.Engine) error {
	if v.Skip != "" {
		return ErrVectorSkipped
	}
	if e == nil {
		return errors.New("enginetest: nil engine")
	}
	p := v.Params
	p.AK.Key = bytes.Clone(p.AK.Key)
	dst := make([]byte, v.DstLen)
	sess, sessErr := e.NewSession(&p)
	var opErr error
	outLen := 0
	if sessErr == nil {
		src, signed := clone(v.Src), clone(v.Signed)
		op := engine.Op{AK: v.Op, Src: src, Signed: signed, Dst: dst}
		opErr = sess.Do(&op)
		outLen = op.OutLen
		if q := sess.Params(); q.AK.Key != nil {
			sess.Close()
			return errors.New("Session.Params returned the key")
		}
		sess.Close()
		if !bytes.Equal(src, v.Src) || !bytes.Equal(signed, v.Signed) {
			return errors.New("the engine modified an input buffer (Src or Signed)")
		}
	}
	return v.Check(sessErr, opErr, dst, outLen)
}

// akLoaders are the AKCIPHER vector sources.
var akLoaders = []func() ([]AKVector, error){
	loadWycheproofAK,
	loadCAVPAK,
}

var akCache struct {
	once sync.Once
	vs   []AKVector
	err  error
}

// AKVectors returns every published AKCIPHER vector, loaded once per
// process (shared: callers must not modify it). A source that cannot be
// loaded fails tb.
func AKVectors(tb testing.TB) []AKVector {
	tb.Helper()
	akCache.once.Do(func() { akCache.vs, akCache.err = loadAllAK(akLoaders) })
	if akCache.err != nil {
		tb.Fatalf("enginetest: loading the published AKCIPHER vectors: %v", akCache.err)
	}
	return akCache.vs
}

func loadAllAK(ls []func() ([]AKVector, error)) ([]AKVector, error) {
	return loadChecked(ls, akSuiteNames, func(v *AKVector) (string, string) { return v.Suite, v.ID })
}

// AKSuites lists the AKCIPHER suite names, sorted.
func AKSuites() []string { return slices.Sorted(slices.Values(akSuiteNames)) }

// RunAKVectors runs every AKCIPHER vector through e, one t.Run per suite,
// logs one line per suite like RunVectors, and returns the counts.
func RunAKVectors(t *testing.T, e engine.Engine) Summary {
	t.Helper()
	vs := AKVectors(t)
	sum := Summary{}
	bySuite := map[string][]*AKVector{}
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
	return sum
}
