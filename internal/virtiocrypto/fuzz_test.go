package virtiocrypto

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// Every parser has a fuzz target seeded from the table tests' samples. The
// properties: no panic; Parse fails with ErrShortBuffer exactly when the
// buffer is shorter than the struct; on success Append gives exactly the
// struct's size, Parse of it gives the same value, and every non-zero byte
// of the re-encoding equals the input byte at the same offset (a field
// can only be dropped, as padding or an unselected union member, never
// moved).

func fuzzCodec[T comparable](f *testing.F, size int, parse func([]byte) (T, error), app func(T, []byte) []byte, samples []T) {
	for _, s := range samples {
		f.Add(app(s, nil))
	}
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, size+3))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := parse(b)
		if len(b) < size {
			if !errors.Is(err, ErrShortBuffer) {
				t.Fatalf("%d-byte buffer: err = %v, want ErrShortBuffer", len(b), err)
			}
			return
		}
		if errors.Is(err, ErrBadStatus) {
			return
		}
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		enc := app(x, nil)
		if len(enc) != size {
			t.Fatalf("Append gave %d bytes, want %d", len(enc), size)
		}
		y, err := parse(enc)
		if err != nil || y != x {
			t.Fatalf("round trip: %+v, %v; want %+v", y, err, x)
		}
		for i, v := range enc {
			if v != 0 && v != b[i] {
				t.Fatalf("byte %d re-encoded as %#x, input had %#x", i, v, b[i])
			}
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	fuzzCodec(f, ConfigSize, ParseConfig, Config.Append, sampleConfig)
}

func FuzzParseCtrlHeader(f *testing.F) {
	fuzzCodec(f, CtrlHeaderSize, ParseCtrlHeader, CtrlHeader.Append, sampleCtrlHeader)
}

func FuzzParseCipherSessionParams(f *testing.F) {
	fuzzCodec(f, CipherSessionParamsSize, ParseCipherSessionParams, CipherSessionParams.Append, sampleCipherSession)
}

func FuzzParseHashSessionParams(f *testing.F) {
	fuzzCodec(f, HashSessionParamsSize, ParseHashSessionParams, HashSessionParams.Append, sampleHashSession)
}

func FuzzParseMACSessionParams(f *testing.F) {
	fuzzCodec(f, MACSessionParamsSize, ParseMACSessionParams, MACSessionParams.Append, sampleMACSession)
}

func FuzzParseChainSessionParams(f *testing.F) {
	fuzzCodec(f, ChainSessionParamsSize, ParseChainSessionParams, ChainSessionParams.Append, sampleChainSession)
}

func FuzzParseSymSessionParams(f *testing.F) {
	fuzzCodec(f, SymSessionParamsSize, ParseSymSessionParams, SymSessionParams.Append, sampleSymSession)
}

func FuzzParseAEADSessionParams(f *testing.F) {
	fuzzCodec(f, AEADSessionParamsSize, ParseAEADSessionParams, AEADSessionParams.Append, sampleAEADSession)
}

func FuzzParseAkcipherSessionParams(f *testing.F) {
	fuzzCodec(f, AkcipherSessionParamsSize, ParseAkcipherSessionParams, AkcipherSessionParams.Append, sampleAkcipherSession)
}

func FuzzParseDestroySessionParams(f *testing.F) {
	fuzzCodec(f, DestroySessionParamsSize, ParseDestroySessionParams, DestroySessionParams.Append, sampleDestroySession)
}

func FuzzParseCreateSessionInput(f *testing.F) {
	fuzzCodec(f, CreateSessionInputSize, ParseCreateSessionInput, CreateSessionInput.Append, sampleCreateInput)
}

func FuzzParseDestroySessionInput(f *testing.F) {
	fuzzCodec(f, DestroySessionInputSize, ParseDestroySessionInput, DestroySessionInput.Append, sampleDestroyInput)
}

func FuzzParseInhdr(f *testing.F) {
	fuzzCodec(f, InhdrSize, ParseInhdr, Inhdr.Append, sampleInhdr)
}

func FuzzParseDataHeader(f *testing.F) {
	fuzzCodec(f, DataHeaderSize, ParseDataHeader, DataHeader.Append, sampleDataHeader)
}

func FuzzParseCipherDataParams(f *testing.F) {
	fuzzCodec(f, CipherDataParamsSize, ParseCipherDataParams, CipherDataParams.Append, sampleCipherData)
}

func FuzzParseChainDataParams(f *testing.F) {
	fuzzCodec(f, ChainDataParamsSize, ParseChainDataParams, ChainDataParams.Append, sampleChainData)
}

func FuzzParseSymDataParams(f *testing.F) {
	fuzzCodec(f, SymDataParamsSize, ParseSymDataParams, SymDataParams.Append, sampleSymData)
}

func FuzzParseHashDataParams(f *testing.F) {
	fuzzCodec(f, HashDataParamsSize, ParseHashDataParams, HashDataParams.Append, sampleHashData)
}

func FuzzParseMACDataParams(f *testing.F) {
	fuzzCodec(f, MACDataParamsSize, ParseMACDataParams, MACDataParams.Append, sampleMACData)
}

func FuzzParseAEADDataParams(f *testing.F) {
	fuzzCodec(f, AEADDataParamsSize, ParseAEADDataParams, AEADDataParams.Append, sampleAEADData)
}

func FuzzParseAkcipherDataParams(f *testing.F) {
	fuzzCodec(f, AkcipherDataParamsSize, ParseAkcipherDataParams, AkcipherDataParams.Append, sampleAkcipherData)
}

func FuzzParseCipherDataStateless(f *testing.F) {
	fuzzCodec(f, CipherDataStatelessSize, ParseCipherDataStateless, CipherDataStateless.Append, sampleCipherDataSt)
}

func FuzzParseChainDataStateless(f *testing.F) {
	fuzzCodec(f, ChainDataStatelessSize, ParseChainDataStateless, ChainDataStateless.Append, sampleChainDataSt)
}

func FuzzParseSymDataStateless(f *testing.F) {
	fuzzCodec(f, SymDataStatelessSize, ParseSymDataStateless, SymDataStateless.Append, sampleSymDataSt)
}

func FuzzParseHashDataStateless(f *testing.F) {
	fuzzCodec(f, HashDataStatelessSize, ParseHashDataStateless, HashDataStateless.Append, sampleHashDataSt)
}

func FuzzParseMACDataStateless(f *testing.F) {
	fuzzCodec(f, MACDataStatelessSize, ParseMACDataStateless, MACDataStateless.Append, sampleMACDataSt)
}

func FuzzParseAEADDataStateless(f *testing.F) {
	fuzzCodec(f, AEADDataStatelessSize, ParseAEADDataStateless, AEADDataStateless.Append, sampleAEADDataSt)
}

func FuzzParseAkcipherDataStateless(f *testing.F) {
	fuzzCodec(f, AkcipherDataStatelessSize, ParseAkcipherDataStateless, AkcipherDataStateless.Append, sampleAkcipherDataSt)
}

var fuzzFeatures = []uint64{0, featRev1, featAllStateless, featRev1 | 1<<FeatureMACStatelessMode}

// FuzzParseCtrlRequest: on success the consumed length is CtrlFLFLen's, the
// re-encoding has that length, parses back to the same request, and only
// keeps input bytes in place; on ErrUnknownOpcode the header is still
// the input's; VLFLen never panics.
func FuzzParseCtrlRequest(f *testing.F) {
	for _, fe := range fuzzFeatures {
		for _, c := range ctrlCases() {
			f.Add(c.req.Append(nil, fe), fe)
		}
	}
	f.Add([]byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, b []byte, features uint64) {
		r, n, err := ParseCtrlRequest(b, features)
		_ = r.VLFLen()
		switch {
		case err == nil:
		case errors.Is(err, ErrUnknownOpcode):
			if h, _ := ParseCtrlHeader(b); h != r.Header {
				t.Fatalf("header %+v, input has %+v", r.Header, h)
			}
			return
		case errors.Is(err, ErrShortBuffer):
			if h, herr := ParseCtrlHeader(b); herr == nil {
				if flf, ferr := CtrlFLFLen(h.Opcode, features); ferr == nil && len(b) >= CtrlHeaderSize+flf {
					t.Fatalf("ErrShortBuffer with %d bytes, need %d", len(b), CtrlHeaderSize+flf)
				}
			}
			return
		default:
			t.Fatalf("unexpected error %v", err)
		}
		flf, _ := CtrlFLFLen(r.Header.Opcode, features)
		if n != CtrlHeaderSize+flf || n > len(b) {
			t.Fatalf("consumed %d bytes of %d, want %d", n, len(b), CtrlHeaderSize+flf)
		}
		enc := r.Append(nil, features)
		if len(enc) != n {
			t.Fatalf("re-encoding is %d bytes, consumed %d", len(enc), n)
		}
		r2, n2, err := ParseCtrlRequest(enc, features)
		if err != nil || n2 != n || !reflect.DeepEqual(r2, r) {
			t.Fatalf("round trip: %+v, %d, %v; want %+v", r2, n2, err, r)
		}
		for i, v := range enc {
			if v != 0 && v != b[i] {
				t.Fatalf("byte %d re-encoded as %#x, input had %#x", i, v, b[i])
			}
		}
	})
}

// FuzzParseDataRequest: as FuzzParseCtrlRequest, for data requests.
func FuzzParseDataRequest(f *testing.F) {
	for _, fe := range fuzzFeatures {
		for _, c := range dataCases() {
			f.Add(c.req.Append(nil, fe), fe)
		}
	}
	f.Add([]byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, b []byte, features uint64) {
		r, n, err := ParseDataRequest(b, features)
		_, _ = r.VLFLen()
		_ = r.SessionMode()
		switch {
		case err == nil:
		case errors.Is(err, ErrUnknownOpcode):
			if h, _ := ParseDataHeader(b); h != r.Header || r.Stateless {
				t.Fatalf("header %+v (stateless %v), input has %+v", r.Header, r.Stateless, h)
			}
			return
		case errors.Is(err, ErrShortBuffer):
			if h, herr := ParseDataHeader(b); herr == nil {
				if flf, ferr := DataFLFLen(h.Opcode, features); ferr == nil && len(b) >= DataHeaderSize+flf {
					t.Fatalf("ErrShortBuffer with %d bytes, need %d", len(b), DataHeaderSize+flf)
				}
			}
			return
		default:
			t.Fatalf("unexpected error %v", err)
		}
		flf, _ := DataFLFLen(r.Header.Opcode, features)
		if n != DataHeaderSize+flf || n > len(b) {
			t.Fatalf("consumed %d bytes of %d, want %d", n, len(b), DataHeaderSize+flf)
		}
		enc := r.Append(nil, features)
		if len(enc) != n {
			t.Fatalf("re-encoding is %d bytes, consumed %d", len(enc), n)
		}
		r2, n2, err := ParseDataRequest(enc, features)
		if err != nil || n2 != n || !reflect.DeepEqual(r2, r) {
			t.Fatalf("round trip: %+v, %d, %v; want %+v", r2, n2, err, r)
		}
		for i, v := range enc {
			if v != 0 && v != b[i] {
				t.Fatalf("byte %d re-encoded as %#x, input had %#x", i, v, b[i])
			}
		}
	})
}
