package vhostuser

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// Request is a vhost-user front-end message type (vhost-user.rst, "Front-end
// message types").
type Request uint32

// Front-end message types.
const (
	ReqGetFeatures         Request = 1
	ReqSetFeatures         Request = 2
	ReqSetOwner            Request = 3
	ReqResetOwner          Request = 4
	ReqSetMemTable         Request = 5
	ReqSetLogBase          Request = 6
	ReqSetLogFD            Request = 7
	ReqSetVringNum         Request = 8
	ReqSetVringAddr        Request = 9
	ReqSetVringBase        Request = 10
	ReqGetVringBase        Request = 11
	ReqSetVringKick        Request = 12
	ReqSetVringCall        Request = 13
	ReqSetVringErr         Request = 14
	ReqGetProtocolFeatures Request = 15
	ReqSetProtocolFeatures Request = 16
	ReqGetQueueNum         Request = 17
	ReqSetVringEnable      Request = 18
	ReqSendRARP            Request = 19
	ReqNetSetMTU           Request = 20
	ReqSetBackendReqFD     Request = 21
	ReqIOTLBMsg            Request = 22
	ReqSetVringEndian      Request = 23
	ReqGetConfig           Request = 24
	ReqSetConfig           Request = 25
	ReqCreateCryptoSession Request = 26
	ReqCloseCryptoSession  Request = 27
	ReqPostcopyAdvise      Request = 28
	ReqPostcopyListen      Request = 29
	ReqPostcopyEnd         Request = 30
	ReqGetInflightFD       Request = 31
	ReqSetInflightFD       Request = 32
	ReqGPUSetSocket        Request = 33
	ReqResetDevice         Request = 34
	ReqVringKick           Request = 35
	ReqGetMaxMemSlots      Request = 36
	ReqAddMemReg           Request = 37
	ReqRemMemReg           Request = 38
	ReqSetStatus           Request = 39
	ReqGetStatus           Request = 40
)

var reqNames = [...]string{
	ReqGetFeatures:         "GET_FEATURES",
	ReqSetFeatures:         "SET_FEATURES",
	ReqSetOwner:            "SET_OWNER",
	ReqResetOwner:          "RESET_OWNER",
	ReqSetMemTable:         "SET_MEM_TABLE",
	ReqSetLogBase:          "SET_LOG_BASE",
	ReqSetLogFD:            "SET_LOG_FD",
	ReqSetVringNum:         "SET_VRING_NUM",
	ReqSetVringAddr:        "SET_VRING_ADDR",
	ReqSetVringBase:        "SET_VRING_BASE",
	ReqGetVringBase:        "GET_VRING_BASE",
	ReqSetVringKick:        "SET_VRING_KICK",
	ReqSetVringCall:        "SET_VRING_CALL",
	ReqSetVringErr:         "SET_VRING_ERR",
	ReqGetProtocolFeatures: "GET_PROTOCOL_FEATURES",
	ReqSetProtocolFeatures: "SET_PROTOCOL_FEATURES",
	ReqGetQueueNum:         "GET_QUEUE_NUM",
	ReqSetVringEnable:      "SET_VRING_ENABLE",
	ReqSendRARP:            "SEND_RARP",
	ReqNetSetMTU:           "NET_SET_MTU",
	ReqSetBackendReqFD:     "SET_BACKEND_REQ_FD",
	ReqIOTLBMsg:            "IOTLB_MSG",
	ReqSetVringEndian:      "SET_VRING_ENDIAN",
	ReqGetConfig:           "GET_CONFIG",
	ReqSetConfig:           "SET_CONFIG",
	ReqCreateCryptoSession: "CREATE_CRYPTO_SESSION",
	ReqCloseCryptoSession:  "CLOSE_CRYPTO_SESSION",
	ReqPostcopyAdvise:      "POSTCOPY_ADVISE",
	ReqPostcopyListen:      "POSTCOPY_LISTEN",
	ReqPostcopyEnd:         "POSTCOPY_END",
	ReqGetInflightFD:       "GET_INFLIGHT_FD",
	ReqSetInflightFD:       "SET_INFLIGHT_FD",
	ReqGPUSetSocket:        "GPU_SET_SOCKET",
	ReqResetDevice:         "RESET_DEVICE",
	ReqVringKick:           "VRING_KICK",
	ReqGetMaxMemSlots:      "GET_MAX_MEM_SLOTS",
	ReqAddMemReg:           "ADD_MEM_REG",
	ReqRemMemReg:           "REM_MEM_REG",
	ReqSetStatus:           "SET_STATUS",
	ReqGetStatus:           "GET_STATUS",
}

// String returns the spec's name without the VHOST_USER_ prefix, such as
// "SET_MEM_TABLE", or "Request(n)" for an unknown value.
func (r Request) String() string {
	if uint64(r) < uint64(len(reqNames)) && reqNames[r] != "" {
		return reqNames[r]
	}
	return "Request(" + strconv.FormatUint(uint64(r), 10) + ")"
}

// Header flags (vhost-user.rst, "Header").
const (
	// FlagVersionMask selects the version bits; FlagVersion is the only
	// defined version.
	FlagVersionMask uint32 = 0x3
	FlagVersion     uint32 = 0x1
	// FlagReply marks a back-end reply.
	FlagReply uint32 = 0x4
	// FlagNeedReply asks for a REPLY_ACK reply (when negotiated).
	FlagNeedReply uint32 = 0x8
	// ReplyFlags is the flags word of every back-end reply (QEMU rejects
	// anything else).
	ReplyFlags = FlagVersion | FlagReply
)

// Virtio feature bits that vhost-user adds or that matter to it.
const (
	// FeatureProtocolFeatures is VHOST_USER_F_PROTOCOL_FEATURES (bit 30).
	FeatureProtocolFeatures uint64 = 1 << 30
	// FeatureLogAll is VHOST_F_LOG_ALL (bit 26), not offered.
	FeatureLogAll uint64 = 1 << 26
)

// Protocol feature bits (VHOST_USER_PROTOCOL_F_*), as masks.
const (
	ProtocolMQ                  uint64 = 1 << 0
	ProtocolLogSHMFD            uint64 = 1 << 1
	ProtocolRARP                uint64 = 1 << 2
	ProtocolReplyAck            uint64 = 1 << 3
	ProtocolMTU                 uint64 = 1 << 4
	ProtocolBackendReq          uint64 = 1 << 5
	ProtocolCrossEndian         uint64 = 1 << 6
	ProtocolCryptoSession       uint64 = 1 << 7
	ProtocolPagefault           uint64 = 1 << 8
	ProtocolConfig              uint64 = 1 << 9
	ProtocolBackendSendFD       uint64 = 1 << 10
	ProtocolHostNotifier        uint64 = 1 << 11
	ProtocolInflightSHMFD       uint64 = 1 << 12
	ProtocolResetDevice         uint64 = 1 << 13
	ProtocolInbandNotifications uint64 = 1 << 14
	ProtocolConfigureMemSlots   uint64 = 1 << 15
	ProtocolStatus              uint64 = 1 << 16
)

// Sizes and limits of the wire format.
const (
	// HeaderSize is the size of the message header.
	HeaderSize = 12
	// MaxPayloadSize is the largest payload this package accepts; larger
	// sizes are malformed (the largest message it handles is the 1072-byte
	// crypto session of QEMU ≥ 8.1).
	MaxPayloadSize = 4096
	// MaxMemRegions is the most regions a SET_MEM_TABLE may carry
	// (VHOST_MEMORY_BASELINE_NREGIONS) and the most descriptors one message
	// may carry.
	MaxMemRegions = 8
	// MaxConfigSize is VHOST_USER_MAX_CONFIG_SIZE, the largest config
	// space access.
	MaxConfigSize = 256

	u64Size          = 8
	vringStateSize   = 8
	vringAddrSize    = 40
	memRegionSize    = 32
	memTableHdrSize  = 8
	configHeaderSize = 12
)

// VringFile flag bits in the u64 payload of SET_VRING_KICK/CALL/ERR.
const (
	vringIndexMask uint64 = 0xff
	vringNoFDMask  uint64 = 1 << 8
)

// VringAddr flags.
const (
	// VringFLog is VHOST_VRING_F_LOG: log used-ring writes (not supported;
	// the bit is accepted and ignored since no logging is negotiated).
	VringFLog uint32 = 1 << 0
)

// ErrMalformed is returned (wrapped, with a description) by every decoder
// for a buffer of the wrong size or a field outside its defined range.
var ErrMalformed = errors.New("vhostuser: malformed message")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

var ne = binary.NativeEndian

// Header is the message header: request, flags, payload size.
type Header struct {
	Request Request
	Flags   uint32
	Size    uint32
}

// ParseHeader decodes the first HeaderSize bytes of b. It checks only the
// length; the caller validates flags and size for its role.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, malformed("header of %d bytes", len(b))
	}
	return Header{Request: Request(ne.Uint32(b)), Flags: ne.Uint32(b[4:]), Size: ne.Uint32(b[8:])}, nil
}

// Append appends the HeaderSize-byte encoding of h to b.
func (h Header) Append(b []byte) []byte {
	b = ne.AppendUint32(b, uint32(h.Request))
	b = ne.AppendUint32(b, h.Flags)
	return ne.AppendUint32(b, h.Size)
}

// ParseU64 decodes a u64 payload, which must be exactly 8 bytes.
func ParseU64(b []byte) (uint64, error) {
	if len(b) != u64Size {
		return 0, malformed("u64 payload of %d bytes", len(b))
	}
	return ne.Uint64(b), nil
}

// AppendU64 appends the 8-byte encoding of v to b.
func AppendU64(b []byte, v uint64) []byte { return ne.AppendUint64(b, v) }

// VringState is the "vring state description" payload: a ring index and a
// number (size, base, or enable flag, per request).
type VringState struct {
	Index uint32
	Num   uint32
}

// ParseVringState decodes a vring state payload of exactly 8 bytes.
func ParseVringState(b []byte) (VringState, error) {
	if len(b) != vringStateSize {
		return VringState{}, malformed("vring state of %d bytes", len(b))
	}
	return VringState{Index: ne.Uint32(b), Num: ne.Uint32(b[4:])}, nil
}

// Append appends the 8-byte encoding of s to b.
func (s VringState) Append(b []byte) []byte {
	b = ne.AppendUint32(b, s.Index)
	return ne.AppendUint32(b, s.Num)
}

// VringAddr is the "vring address description" payload. Desc, Used and
// Avail are front-end virtual (user) addresses; Log is a guest address.
type VringAddr struct {
	Index uint32
	Flags uint32
	Desc  uint64
	Used  uint64
	Avail uint64
	Log   uint64
}

// ParseVringAddr decodes a vring address payload of exactly 40 bytes.
func ParseVringAddr(b []byte) (VringAddr, error) {
	if len(b) != vringAddrSize {
		return VringAddr{}, malformed("vring address of %d bytes", len(b))
	}
	return VringAddr{
		Index: ne.Uint32(b), Flags: ne.Uint32(b[4:]),
		Desc: ne.Uint64(b[8:]), Used: ne.Uint64(b[16:]), Avail: ne.Uint64(b[24:]), Log: ne.Uint64(b[32:]),
	}, nil
}

// Append appends the 40-byte encoding of a to b.
func (a VringAddr) Append(b []byte) []byte {
	b = ne.AppendUint32(b, a.Index)
	b = ne.AppendUint32(b, a.Flags)
	b = ne.AppendUint64(b, a.Desc)
	b = ne.AppendUint64(b, a.Used)
	b = ne.AppendUint64(b, a.Avail)
	return ne.AppendUint64(b, a.Log)
}

// VringFile is the u64 payload of SET_VRING_KICK, SET_VRING_CALL and
// SET_VRING_ERR: bits 0-7 the ring index, bit 8 the invalid-FD flag (no
// descriptor accompanies the message). Other bits must be zero.
type VringFile struct {
	Index uint8
	NoFD  bool
}

// ParseVringFile decodes a vring file payload of exactly 8 bytes.
func ParseVringFile(b []byte) (VringFile, error) {
	v, err := ParseU64(b)
	if err != nil {
		return VringFile{}, err
	}
	if v&^(vringIndexMask|vringNoFDMask) != 0 {
		return VringFile{}, malformed("vring file payload %#x has undefined bits", v)
	}
	return VringFile{Index: uint8(v & vringIndexMask), NoFD: v&vringNoFDMask != 0}, nil
}

// Append appends the 8-byte encoding of f to b.
func (f VringFile) Append(b []byte) []byte {
	v := uint64(f.Index)
	if f.NoFD {
		v |= vringNoFDMask
	}
	return AppendU64(b, v)
}

// MemoryRegion is one region of a SET_MEM_TABLE payload.
type MemoryRegion struct {
	GPA        uint64 // guest address
	Size       uint64
	UserAddr   uint64 // front-end virtual address
	MmapOffset uint64 // where the region starts in the file
}

// MemoryTable is the "memory regions description" payload.
type MemoryTable struct {
	Regions []MemoryRegion
}

// ParseMemoryTable decodes a memory table: u32 nregions, u32 padding, then
// nregions regions. nregions must be 1..MaxMemRegions and the payload exactly
// 8 + 32*nregions bytes (QEMU sends only the regions it uses).
func ParseMemoryTable(b []byte) (MemoryTable, error) {
	if len(b) < memTableHdrSize {
		return MemoryTable{}, malformed("memory table of %d bytes", len(b))
	}
	n := ne.Uint32(b)
	if n == 0 || n > MaxMemRegions {
		return MemoryTable{}, malformed("memory table with %d regions", n)
	}
	if len(b) != memTableHdrSize+memRegionSize*int(n) {
		return MemoryTable{}, malformed("memory table of %d bytes for %d regions", len(b), n)
	}
	t := MemoryTable{Regions: make([]MemoryRegion, n)}
	for i := range t.Regions {
		p := b[memTableHdrSize+memRegionSize*i:]
		t.Regions[i] = MemoryRegion{GPA: ne.Uint64(p), Size: ne.Uint64(p[8:]), UserAddr: ne.Uint64(p[16:]), MmapOffset: ne.Uint64(p[24:])}
	}
	return t, nil
}

// Append appends the encoding of t (padding zero) to b.
func (t MemoryTable) Append(b []byte) []byte {
	b = ne.AppendUint32(b, uint32(len(t.Regions)))
	b = ne.AppendUint32(b, 0)
	for _, r := range t.Regions {
		b = ne.AppendUint64(b, r.GPA)
		b = ne.AppendUint64(b, r.Size)
		b = ne.AppendUint64(b, r.UserAddr)
		b = ne.AppendUint64(b, r.MmapOffset)
	}
	return b
}

// ConfigPayload is the "virtio device config space" payload of GET_CONFIG
// and SET_CONFIG: offset, size, flags, then size bytes.
type ConfigPayload struct {
	Offset uint32
	Size   uint32
	Flags  uint32
	// Data holds Size bytes (aliasing the parsed buffer).
	Data []byte
}

// ParseConfigPayload decodes a config payload. Size must be at most
// MaxConfigSize and the payload exactly 12 + Size bytes.
func ParseConfigPayload(b []byte) (ConfigPayload, error) {
	if len(b) < configHeaderSize {
		return ConfigPayload{}, malformed("config payload of %d bytes", len(b))
	}
	p := ConfigPayload{Offset: ne.Uint32(b), Size: ne.Uint32(b[4:]), Flags: ne.Uint32(b[8:])}
	if p.Size > MaxConfigSize || len(b) != configHeaderSize+int(p.Size) {
		return ConfigPayload{}, malformed("config payload of %d bytes with size %d", len(b), p.Size)
	}
	p.Data = b[configHeaderSize:]
	return p, nil
}

// Append appends the encoding of p to b: the header fields as given, then
// p.Size bytes of p.Data (zero-padded or truncated). At most MaxConfigSize
// data bytes are appended whatever p.Size says (a larger Size makes a
// malformed payload, which tests use).
func (p ConfigPayload) Append(b []byte) []byte {
	b = ne.AppendUint32(b, p.Offset)
	b = ne.AppendUint32(b, p.Size)
	b = ne.AppendUint32(b, p.Flags)
	want := int(min(p.Size, MaxConfigSize))
	n := min(want, len(p.Data))
	b = append(b, p.Data[:n]...)
	for i := n; i < want; i++ {
		b = append(b, 0)
	}
	return b
}
