package snow3g

import (
	"bytes"
	"testing"
)

// FuzzUEA2RoundTrip checks, for any key, IV and data: decryption inverts
// encryption; in-place equals out-of-place; the bit-length API on 8·len
// bits equals the byte API; and a shorter bit length changes exactly the
// first nbits bits. Malformed key/IV sizes must be rejected, not panic.
func FuzzUEA2RoundTrip(f *testing.F) {
	for _, v := range allUEA2() {
		iv, _ := UEA2IV(v.count, v.bearer, v.direction)
		f.Add(mustHex(f, v.key), iv[:], mustHex(f, v.pt), uint16(v.nbits))
	}
	f.Add(make([]byte, 16), make([]byte, 16), []byte{}, uint16(0))
	f.Add(make([]byte, 15), make([]byte, 16), []byte{1}, uint16(1))
	f.Fuzz(func(t *testing.T, key, iv, data []byte, nbits uint16) {
		u, err := NewUEA2(key)
		if len(key) != KeySize {
			if err == nil {
				t.Fatal("bad key size accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := make([]byte, len(data))
		err = u.XORKeyStream(ct, data, iv)
		if len(iv) != IVSize {
			if err == nil {
				t.Fatal("bad IV size accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		pt := make([]byte, len(data))
		if err := u.XORKeyStream(pt, ct, iv); err != nil || !bytes.Equal(pt, data) {
			t.Fatalf("round trip failed: %v", err)
		}
		in := bytes.Clone(data)
		if err := u.XORKeyStream(in, in, iv); err != nil || !bytes.Equal(in, ct) {
			t.Fatal("in-place differs from out-of-place")
		}
		all := make([]byte, len(data))
		if err := u.XORKeyStreamBits(all, data, iv, 8*len(data)); err != nil || !bytes.Equal(all, ct) {
			t.Fatal("XORKeyStreamBits(8·len) differs from XORKeyStream")
		}
		n := int(nbits)
		if n > 8*len(data) {
			n = 8 * len(data)
		}
		part := bytes.Clone(data)
		if err := u.XORKeyStreamBits(part, part, iv, n); err != nil {
			t.Fatal(err)
		}
		for i := range 8 * len(data) {
			bit := byte(0x80) >> (i % 8)
			want := data[i/8] & bit
			if i < n {
				want = ct[i/8] & bit
			}
			if part[i/8]&bit != want {
				t.Fatalf("XORKeyStreamBits(%d): bit %d wrong", n, i)
			}
		}
	})
}

// FuzzUIA2MACConsistency checks, for any key, IV and message: MAC equals
// MACBits on 8·len bits; MACBits ignores the bits past nbits; and malformed
// inputs are rejected without panicking.
func FuzzUIA2MACConsistency(f *testing.F) {
	for _, v := range allUIA2() {
		iv, _ := UIA2IV(v.count, v.fresh, v.direction)
		f.Add(mustHex(f, v.key), iv[:], mustHex(f, v.msg), uint16(v.nbits))
	}
	f.Add(make([]byte, 16), make([]byte, 16), []byte{}, uint16(0))
	f.Add(make([]byte, 16), make([]byte, 3), []byte{1, 2}, uint16(9))
	f.Fuzz(func(t *testing.T, key, iv, msg []byte, nbits uint16) {
		m, err := NewUIA2(key)
		if len(key) != KeySize {
			if err == nil {
				t.Fatal("bad key size accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mac, err := m.MAC(iv, msg)
		if len(iv) != IVSize {
			if err == nil {
				t.Fatal("bad IV size accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mb, err := m.MACBits(iv, msg, 8*len(msg))
		if err != nil || mb != mac {
			t.Fatalf("MACBits(8·len) = %X, %v; MAC = %X", mb, err, mac)
		}
		n := int(nbits)
		need := (n + 7) / 8
		if need > len(msg) {
			if _, err := m.MACBits(iv, msg, n); err != ErrShortBuffer {
				t.Fatalf("short message: err = %v", err)
			}
			return
		}
		a, err := m.MACBits(iv, msg, n)
		if err != nil {
			t.Fatal(err)
		}
		// Same first n bits, everything after set to ones.
		dirty := bytes.Clone(msg[:need])
		if r := n % 8; r != 0 {
			dirty[need-1] |= 0xff >> r
		}
		dirty = append(dirty, 0xff, 0xff)
		b, err := m.MACBits(iv, dirty, n)
		if err != nil || a != b {
			t.Fatalf("bits past %d changed the MAC: %X vs %X (%v)", n, a, b, err)
		}
	})
}
