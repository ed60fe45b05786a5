package xts

import (
	"crypto/aes"
	"fmt"
	"testing"
	"time"

	xxts "golang.org/x/crypto/xts"
)

type benchImpl struct {
	name     string
	enc, dec func(buf []byte)
}

// benchImpls returns this package and golang.org/x/crypto/xts for one key,
// both working in place with the same tweak (sector 42).
func benchImpls(b *testing.B, keyLen int) []benchImpl {
	key := make([]byte, keyLen)
	for i := range key {
		key[i] = byte(i)
	}
	tweak := sectorTweak(42)
	ours, err := New(key)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := xxts.NewCipher(aes.NewCipher, key)
	if err != nil {
		b.Fatal(err)
	}
	return []benchImpl{
		{"ours",
			func(buf []byte) {
				if err := ours.Encrypt(buf, buf, tweak); err != nil {
					b.Fatal(err)
				}
			},
			func(buf []byte) {
				if err := ours.Decrypt(buf, buf, tweak); err != nil {
					b.Fatal(err)
				}
			}},
		{"xcrypto",
			func(buf []byte) { ref.Encrypt(buf, buf, 42) },
			func(buf []byte) { ref.Decrypt(buf, buf, 42) }},
	}
}

// BenchmarkXTS runs this package (ours) and golang.org/x/crypto/xts (xcrypto)
// on the same data, as BenchmarkXTS/{ours,xcrypto}/{aes128,aes256}/{enc,dec}/
// {512,4096,65536}. The two implementations alternate for each configuration,
// so a change of machine load in the middle of a run hurts the ratio less.
func BenchmarkXTS(b *testing.B) {
	for _, keyLen := range []int{32, 64} {
		impls := benchImpls(b, keyLen)
		for _, op := range []string{"enc", "dec"} {
			for _, size := range []int{512, 4096, 65536} {
				for _, im := range impls {
					f := im.enc
					if op == "dec" {
						f = im.dec
					}
					name := fmt.Sprintf("%s/aes%d/%s/%d", im.name, keyLen*4, op, size)
					b.Run(name, func(b *testing.B) {
						buf := make([]byte, size)
						b.SetBytes(int64(size))
						b.ReportAllocs()
						for b.Loop() {
							f(buf)
						}
					})
				}
			}
		}
	}
}

// BenchmarkXTSSpeedup interleaves the two implementations call by call and
// reports x-speedup = fastest x/crypto/xts call / fastest ours call. On a
// shared, noisy machine the fastest of many calls is the one that nothing
// else disturbed, so this ratio is far steadier than one of two separate
// throughput figures. ns/op is the time of one ours call plus one x/crypto
// call.
func BenchmarkXTSSpeedup(b *testing.B) {
	for _, keyLen := range []int{32, 64} {
		impls := benchImpls(b, keyLen)
		for _, op := range []string{"enc", "dec"} {
			for _, size := range []int{512, 4096, 65536} {
				b.Run(fmt.Sprintf("aes%d/%s/%d", keyLen*4, op, size), func(b *testing.B) {
					ours, ref := impls[0].enc, impls[1].enc
					if op == "dec" {
						ours, ref = impls[0].dec, impls[1].dec
					}
					buf := make([]byte, size)
					minOurs, minRef := time.Duration(1<<62), time.Duration(1<<62)
					b.ReportAllocs()
					for b.Loop() {
						t0 := time.Now()
						ours(buf)
						t1 := time.Now()
						ref(buf)
						minRef = min(minRef, time.Since(t1))
						minOurs = min(minOurs, t1.Sub(t0))
					}
					b.ReportMetric(float64(minRef)/float64(minOurs), "x-speedup")
				})
			}
		}
	}
}
