package vhostuser

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// The expected encodings below are assembled field by field from the
// payload descriptions of QEMU docs/interop/vhost-user.rst ("Message
// Specification": header; "A vring state description"; "A vring address
// description", whose fields are struct vhost_vring_addr of
// linux/vhost_types.h: index, flags, desc_user_addr, used_user_addr,
// avail_user_addr, log_guest_addr; "Memory regions description"; "Virtio
// device config space"; SET_VRING_KICK "Bits (0-7) of the payload contain
// the vring index. Bit 8 is the invalid FD flag"). All numbers are in the
// machine's native byte order.

type enc struct{ b []byte }

func (e *enc) u32(v uint32) *enc { e.b = binary.NativeEndian.AppendUint32(e.b, v); return e }
func (e *enc) u64(v uint64) *enc { e.b = binary.NativeEndian.AppendUint64(e.b, v); return e }
func (e *enc) raw(b ...byte) *enc {
	e.b = append(e.b, b...)
	return e
}

func TestHeaderLayout(t *testing.T) {
	want := (&enc{}).u32(26).u32(0x9).u32(632).b
	h := Header{Request: ReqCreateCryptoSession, Flags: FlagVersion | FlagNeedReply, Size: 632}
	if got := h.Append(nil); !bytes.Equal(got, want) {
		t.Fatalf("Append = %x, want %x", got, want)
	}
	back, err := ParseHeader(want)
	if err != nil || back != h {
		t.Fatalf("ParseHeader = %+v, %v", back, err)
	}
	if _, err := ParseHeader(want[:11]); !errors.Is(err, ErrMalformed) {
		t.Errorf("short header: %v", err)
	}
	if ReplyFlags != 0x5 {
		t.Errorf("ReplyFlags = %#x, QEMU requires 0x5", ReplyFlags)
	}
	// Request numbers of the spec's "Front-end message types".
	for r, n := range map[Request]uint32{
		ReqGetFeatures: 1, ReqSetFeatures: 2, ReqSetOwner: 3, ReqResetOwner: 4, ReqSetMemTable: 5,
		ReqSetVringNum: 8, ReqSetVringAddr: 9, ReqSetVringBase: 10, ReqGetVringBase: 11,
		ReqSetVringKick: 12, ReqSetVringCall: 13, ReqSetVringErr: 14, ReqGetProtocolFeatures: 15,
		ReqSetProtocolFeatures: 16, ReqGetQueueNum: 17, ReqSetVringEnable: 18, ReqGetConfig: 24,
		ReqSetConfig: 25, ReqCreateCryptoSession: 26, ReqCloseCryptoSession: 27, ReqResetDevice: 34,
		ReqGetMaxMemSlots: 36, ReqSetStatus: 39, ReqGetStatus: 40,
	} {
		if uint32(r) != n {
			t.Errorf("%v = %d, want %d", r, r, n)
		}
	}
	// Protocol feature bits of the spec's "Protocol features" list.
	for f, bit := range map[uint64]uint{
		ProtocolMQ: 0, ProtocolReplyAck: 3, ProtocolCryptoSession: 7, ProtocolConfig: 9,
		ProtocolConfigureMemSlots: 15, ProtocolStatus: 16,
	} {
		if f != 1<<bit {
			t.Errorf("protocol feature %#x, want bit %d", f, bit)
		}
	}
	if FeatureProtocolFeatures != 1<<30 {
		t.Error("VHOST_USER_F_PROTOCOL_FEATURES is bit 30")
	}
	if ReqSetMemTable.String() != "SET_MEM_TABLE" || Request(99).String() != "Request(99)" {
		t.Error("Request.String")
	}
}

func TestPayloadLayouts(t *testing.T) {
	t.Run("u64", func(t *testing.T) {
		b := (&enc{}).u64(0x1122334455667788).b
		v, err := ParseU64(b)
		if err != nil || v != 0x1122334455667788 || !bytes.Equal(AppendU64(nil, v), b) {
			t.Fatal(v, err)
		}
		for _, n := range []int{0, 7, 9, 16} {
			if _, err := ParseU64(make([]byte, n)); !errors.Is(err, ErrMalformed) {
				t.Errorf("%d bytes: %v", n, err)
			}
		}
	})
	t.Run("vring state", func(t *testing.T) {
		b := (&enc{}).u32(3).u32(1024).b
		s, err := ParseVringState(b)
		if err != nil || s != (VringState{3, 1024}) || !bytes.Equal(s.Append(nil), b) {
			t.Fatal(s, err)
		}
		if _, err := ParseVringState(b[:7]); !errors.Is(err, ErrMalformed) {
			t.Error(err)
		}
	})
	t.Run("vring addr", func(t *testing.T) {
		b := (&enc{}).u32(1).u32(VringFLog).u64(0x7f0000001000).u64(0x7f0000003000).u64(0x7f0000002000).u64(0xdead0000).b
		a, err := ParseVringAddr(b)
		want := VringAddr{Index: 1, Flags: 1, Desc: 0x7f0000001000, Used: 0x7f0000003000, Avail: 0x7f0000002000, Log: 0xdead0000}
		if err != nil || a != want || !bytes.Equal(a.Append(nil), b) {
			t.Fatalf("%+v %v", a, err)
		}
		if _, err := ParseVringAddr(append(b, 0)); !errors.Is(err, ErrMalformed) {
			t.Error(err)
		}
	})
	t.Run("vring file", func(t *testing.T) {
		for _, tc := range []struct {
			v    uint64
			want VringFile
			ok   bool
		}{
			{0, VringFile{}, true},
			{5, VringFile{Index: 5}, true},
			{0x1ff, VringFile{Index: 255, NoFD: true}, true},
			{0x100, VringFile{NoFD: true}, true},
			{0x200, VringFile{}, false},
			{1 << 63, VringFile{}, false},
		} {
			b := (&enc{}).u64(tc.v).b
			f, err := ParseVringFile(b)
			if tc.ok != (err == nil) || f != tc.want {
				t.Errorf("%#x: %+v %v", tc.v, f, err)
			}
			if tc.ok && !bytes.Equal(f.Append(nil), b) {
				t.Errorf("%#x: round trip", tc.v)
			}
		}
	})
	t.Run("memory table", func(t *testing.T) {
		// QEMU 7.2, q35 with 512 MiB: two regions (research §2.2 #10).
		b := (&enc{}).u32(2).u32(0).
			u64(0).u64(0xa0000).u64(0x7f5e40000000).u64(0).
			u64(0xc0000).u64(0x1ff40000).u64(0x7f5e400c0000).u64(0xc0000).b
		m, err := ParseMemoryTable(b)
		if err != nil || len(m.Regions) != 2 || m.Regions[1] != (MemoryRegion{GPA: 0xc0000, Size: 0x1ff40000, UserAddr: 0x7f5e400c0000, MmapOffset: 0xc0000}) {
			t.Fatalf("%+v %v", m, err)
		}
		if !bytes.Equal(m.Append(nil), b) {
			t.Error("round trip")
		}
		bad := [][]byte{
			nil, b[:7], b[:8+32], append(b, 0),
			(&enc{}).u32(0).u32(0).b,
			append((&enc{}).u32(9).u32(0).b, make([]byte, 9*32)...),
		}
		for i, x := range bad {
			if _, err := ParseMemoryTable(x); !errors.Is(err, ErrMalformed) {
				t.Errorf("bad table %d accepted", i)
			}
		}
	})
	t.Run("config", func(t *testing.T) {
		b := (&enc{}).u32(4).u32(3).u32(0).raw(9, 8, 7).b
		c, err := ParseConfigPayload(b)
		if err != nil || c.Offset != 4 || c.Size != 3 || !bytes.Equal(c.Data, []byte{9, 8, 7}) || !bytes.Equal(c.Append(nil), b) {
			t.Fatalf("%+v %v", c, err)
		}
		bad := [][]byte{b[:11], b[:14], append(b, 0), append((&enc{}).u32(0).u32(257).u32(0).b, make([]byte, 257)...)}
		for i, x := range bad {
			if _, err := ParseConfigPayload(x); !errors.Is(err, ErrMalformed) {
				t.Errorf("bad config %d accepted", i)
			}
		}
		// Append pads and truncates to Size.
		if got := (ConfigPayload{Size: 4, Data: []byte{1}}).Append(nil); !bytes.Equal(got[12:], []byte{1, 0, 0, 0}) {
			t.Errorf("padding: %x", got)
		}
	})
}
