package soft

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"hash"
	"sync"
	"sync/atomic"

	"vcrypto/internal/engine"
)

// hashInfo describes a fixed-output hash or an XOF.
type hashInfo struct {
	newHash func() hash.Hash
	newXOF  func() *sha3.SHAKE
	size    int // output size; 0 for an XOF
}

func lookupHash(a engine.HashAlg) (hashInfo, bool) {
	switch a {
	case engine.MD5:
		return hashInfo{newHash: md5.New, size: md5.Size}, true
	case engine.SHA1:
		return hashInfo{newHash: sha1.New, size: sha1.Size}, true
	case engine.SHA224:
		return hashInfo{newHash: sha256.New224, size: sha256.Size224}, true
	case engine.SHA256:
		return hashInfo{newHash: sha256.New, size: sha256.Size}, true
	case engine.SHA384:
		return hashInfo{newHash: sha512.New384, size: sha512.Size384}, true
	case engine.SHA512:
		return hashInfo{newHash: sha512.New, size: sha512.Size}, true
	case engine.SHA3_224:
		return hashInfo{newHash: func() hash.Hash { return sha3.New224() }, size: 28}, true
	case engine.SHA3_256:
		return hashInfo{newHash: func() hash.Hash { return sha3.New256() }, size: 32}, true
	case engine.SHA3_384:
		return hashInfo{newHash: func() hash.Hash { return sha3.New384() }, size: 48}, true
	case engine.SHA3_512:
		return hashInfo{newHash: func() hash.Hash { return sha3.New512() }, size: 64}, true
	case engine.SHAKE128:
		return hashInfo{newXOF: sha3.NewSHAKE128}, true
	case engine.SHAKE256:
		return hashInfo{newXOF: sha3.NewSHAKE256}, true
	}
	return hashInfo{}, false
}

// maxDigest returns the longest output an algorithm can give.
func (h hashInfo) maxDigest() int {
	if h.newXOF != nil {
		return engine.MaxXOFLen
	}
	return h.size
}

// hashState is one goroutine's working state for a hash.
type hashState struct {
	h   hash.Hash
	xof *sha3.SHAKE
	buf [64]byte
}

// hasher computes (possibly truncated) digests over up to two parts with
// pooled state: no allocation per call.
type hasher struct {
	info hashInfo
	pool sync.Pool
}

func newHasher(info hashInfo) *hasher {
	h := &hasher{info: info}
	h.pool.New = func() any {
		if info.newXOF != nil {
			return &hashState{xof: info.newXOF()}
		}
		return &hashState{h: info.newHash()}
	}
	return h
}

// sum writes the first len(out) bytes of H(a ‖ b) into out.
func (h *hasher) sum(out, a, b []byte) error {
	if len(out) < 1 || len(out) > h.info.maxDigest() {
		return engine.Errorf(engine.ErrInvalidInput, "digest length %d (want 1..%d)", len(out), h.info.maxDigest())
	}
	st := h.pool.Get().(*hashState)
	if st.xof != nil {
		st.xof.Reset()
		st.xof.Write(a)
		st.xof.Write(b)
		st.xof.Read(out)
		st.xof.Reset()
	} else {
		st.h.Reset()
		st.h.Write(a)
		st.h.Write(b)
		copy(out, st.h.Sum(st.buf[:0]))
		st.h.Reset()
	}
	h.pool.Put(st)
	return nil
}

func checkDigestLen(n, max int) error {
	if n < 1 || n > max {
		return engine.Errorf(engine.ErrInvalidInput, "digest length %d (want 1..%d)", n, max)
	}
	return nil
}

// hashSession is a HASH session.
type hashSession struct {
	params engine.SessionParams
	h      *hasher
	closed atomic.Bool
}

func newHashSession(p *engine.SessionParams) (*hashSession, error) {
	info, ok := lookupHash(p.Hash)
	if !ok {
		return nil, engine.Errorf(engine.ErrUnsupported, "hash %v", p.Hash)
	}
	if err := checkDigestLen(p.DigestLen, info.maxDigest()); err != nil {
		return nil, err
	}
	return &hashSession{params: publicParams(p), h: newHasher(info)}, nil
}

func (s *hashSession) Params() engine.SessionParams { return s.params }
func (s *hashSession) Close()                       { s.closed.Store(true) }

// Do writes the first len(op.Digest) bytes of the hash of op.Src (the SHAKE
// output of that length) into op.Digest.
func (s *hashSession) Do(op *engine.Op) error {
	if s.closed.Load() {
		return errClosed
	}
	if engine.AnyOverlap(op.Digest, op.Src) {
		return engine.Errorf(engine.ErrInvalidInput, "digest overlaps the source")
	}
	return s.h.sum(op.Digest, nil, op.Src)
}
