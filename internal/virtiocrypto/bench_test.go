package virtiocrypto

import "testing"

// Benchmarks of the per-request work on the data path: parse the 72-byte
// legacy header, compute the vlf lengths, and (driver side) encode it.

func BenchmarkParseDataRequestLegacy(b *testing.B) {
	req := dataCases()[1].req // chain: the longest legacy op_flf
	enc := req.Append(nil, 0)
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := ParseDataRequest(enc, 0)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = r.VLFLen()
	}
}

func BenchmarkParseDataRequestStateless(b *testing.B) {
	req := dataCases()[7].req // stateless chain
	enc := req.Append(nil, featAllStateless)
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseDataRequest(enc, featAllStateless); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendDataRequestLegacy(b *testing.B) {
	req := dataCases()[0].req
	buf := make([]byte, 0, DataRequestLegacySize)
	b.SetBytes(DataRequestLegacySize)
	b.ReportAllocs()
	for b.Loop() {
		buf = req.Append(buf[:0], 0)
	}
}

func BenchmarkParseCtrlRequestLegacy(b *testing.B) {
	req := ctrlCases()[1].req // chain session with MAC
	enc := req.Append(nil, 0)
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseCtrlRequest(enc, 0); err != nil {
			b.Fatal(err)
		}
	}
}
