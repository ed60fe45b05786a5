package snow3g

import "encoding/binary"

// core is the SNOW 3G state (Document 2): the LFSR words s0..s15 and the FSM
// registers R1, R2, R3, with s0 in s[0]. initialize and block (generated
// into block_gen.go by gen_block.go) hold it in local variables.
type core struct {
	s          [16]uint32
	r1, r2, r3 uint32
}

//go:generate go run gen_block.go

// wordsFromBytes maps 16 bytes to the four 32-bit words W0..W3 of Document 2
// the way Document 1 maps CK/IK and the IV: the first four bytes (most
// significant first) are W3, the last four are W0.
func wordsFromBytes(b []byte) [4]uint32 {
	_ = b[15]
	return [4]uint32{
		binary.BigEndian.Uint32(b[12:]),
		binary.BigEndian.Uint32(b[8:]),
		binary.BigEndian.Uint32(b[4:]),
		binary.BigEndian.Uint32(b[0:]),
	}
}

// Generator is a raw SNOW 3G keystream generator (Document 2). It is
// stateful: it is not safe for concurrent use, and each call continues the
// keystream where the previous one stopped. The zero value is not usable;
// build one with NewGenerator or NewGeneratorWords. A Generator holds key
// material; call Zero when done with it.
type Generator struct {
	c   core
	buf [16]uint32
	pos int // next unused word in buf; len(buf) when empty
}

// NewGenerator returns a generator keyed with the 16-byte key and IV in the
// byte order Document 1 (UEA2/UIA2) uses for CK/IK and the IV, which is also
// the byte order of UEA2 and UIA2 in this package: key[0:4] is k3 and
// key[12:16] is k0, iv[0:4] is IV3 and iv[12:16] is IV0, each word most
// significant byte first. It fails with ErrInvalidKeySize or
// ErrInvalidIVSize.
func NewGenerator(key, iv []byte) (Generator, error) {
	if len(key) != KeySize {
		return Generator{}, ErrInvalidKeySize
	}
	if len(iv) != IVSize {
		return Generator{}, ErrInvalidIVSize
	}
	k := wordsFromBytes(key)
	v := wordsFromBytes(iv)
	g := NewGeneratorWords(k, v)
	clear(k[:])
	return g, nil
}

// NewGeneratorWords returns a generator keyed in the notation of Document 2:
// k[i] is the key word ki and iv[i] is the IV word IVi.
func NewGeneratorWords(k, iv [4]uint32) Generator {
	var g Generator
	g.c.initialize(&k, &iv)
	g.pos = len(g.buf)
	clear(k[:])
	return g
}

// Words fills dst with the next len(dst) keystream words z_t, z_{t+1}, ...
// It never allocates.
func (g *Generator) Words(dst []uint32) {
	for len(dst) > 0 {
		if g.pos == len(g.buf) {
			g.c.block(&g.buf)
			g.pos = 0
		}
		n := copy(dst, g.buf[g.pos:])
		g.pos += n
		dst = dst[n:]
	}
}

// Zero wipes the generator's state. The generator must not be used after
// Zero (it would produce a fixed, keyless stream).
func (g *Generator) Zero() {
	*g = Generator{}
}
