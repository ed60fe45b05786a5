package virtio

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The spec files in testdata/ are verbatim copies of oasis-tcs/virtio-spec
// at tag v1.4-cs01 (commit 15f488c162107f7b52fb2e4d0f36a2349fe9d3a9); see
// testdata/README.md. The tests read the numbers out of the spec text
// itself, so a constant here that disagrees with the spec fails.

func readSpec(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/virtio-v1.4-cs01-" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// specItems returns the "\item[NAME (N)]" entries of content.tex: the
// device status bits and the reserved feature bits are listed that way.
func specItems(t *testing.T) map[string]uint64 {
	t.Helper()
	re := regexp.MustCompile(`\\item\[([A-Z0-9_]+)\s*\((\d+)\)\]`)
	m := make(map[string]uint64)
	for _, s := range re.FindAllStringSubmatch(readSpec(t, "content.tex"), -1) {
		v, err := strconv.ParseUint(s[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if old, dup := m[s[1]]; dup && old != v {
			t.Fatalf("spec item %s defined twice: %d and %d", s[1], old, v)
		}
		m[s[1]] = v
	}
	return m
}

// specDefines returns the "#define NAME VALUE" lines of split-ring.tex and
// packed-ring.tex. VALUE is a number, a hex number or "(1 << n)".
func specDefines(t *testing.T) map[string]uint64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^#define\s+([A-Z0-9_]+)\s+(?:\(1\s*<<\s*(\d+)\)|(0x[0-9a-fA-F]+|\d+))\s*$`)
	m := make(map[string]uint64)
	for _, f := range []string{"split-ring.tex", "packed-ring.tex"} {
		for _, s := range re.FindAllStringSubmatch(readSpec(t, f), -1) {
			var v uint64
			if s[2] != "" {
				n, _ := strconv.ParseUint(s[2], 10, 64)
				v = 1 << n
			} else {
				n, err := strconv.ParseUint(s[3], 0, 64)
				if err != nil {
					t.Fatal(err)
				}
				v = n
			}
			if old, dup := m[s[1]]; dup && old != v {
				t.Fatalf("spec define %s defined twice: %d and %d", s[1], old, v)
			}
			m[s[1]] = v
		}
	}
	return m
}

func TestFeatureBitsMatchSpec(t *testing.T) {
	items := specItems(t)
	for _, c := range []struct {
		name string
		bit  FeatureBit
	}{
		{"VIRTIO_F_INDIRECT_DESC", FeatureIndirectDesc},
		{"VIRTIO_F_EVENT_IDX", FeatureEventIdx},
		{"VIRTIO_F_VERSION_1", FeatureVersion1},
		{"VIRTIO_F_ACCESS_PLATFORM", FeatureAccessPlatform},
		{"VIRTIO_F_RING_PACKED", FeatureRingPacked},
		{"VIRTIO_F_IN_ORDER", FeatureInOrder},
		{"VIRTIO_F_ORDER_PLATFORM", FeatureOrderPlatform},
		{"VIRTIO_F_SR_IOV", FeatureSRIOV},
		{"VIRTIO_F_NOTIFICATION_DATA", FeatureNotificationData},
		{"VIRTIO_F_NOTIF_CONFIG_DATA", FeatureNotifConfigData},
		{"VIRTIO_F_RING_RESET", FeatureRingReset},
		{"VIRTIO_F_ADMIN_VQ", FeatureAdminVQ},
		{"VIRTIO_F_SUSPEND", FeatureSuspend},
		{"VIRTIO_F_NOTIFY_ON_EMPTY", FeatureNotifyOnEmpty},
		{"VIRTIO_F_ANY_LAYOUT", FeatureAnyLayout},
	} {
		want, ok := items[c.name]
		if !ok {
			t.Errorf("%s: not found in content.tex", c.name)
			continue
		}
		if uint64(c.bit) != want {
			t.Errorf("%s = %d, spec says %d", c.name, c.bit, want)
		}
	}
	// Every VIRTIO_F_* the spec defines has a constant here.
	known := map[string]bool{}
	for _, n := range []string{"VIRTIO_F_INDIRECT_DESC", "VIRTIO_F_EVENT_IDX", "VIRTIO_F_VERSION_1",
		"VIRTIO_F_ACCESS_PLATFORM", "VIRTIO_F_RING_PACKED", "VIRTIO_F_IN_ORDER", "VIRTIO_F_ORDER_PLATFORM",
		"VIRTIO_F_SR_IOV", "VIRTIO_F_NOTIFICATION_DATA", "VIRTIO_F_NOTIF_CONFIG_DATA", "VIRTIO_F_RING_RESET",
		"VIRTIO_F_ADMIN_VQ", "VIRTIO_F_SUSPEND", "VIRTIO_F_NOTIFY_ON_EMPTY", "VIRTIO_F_ANY_LAYOUT"} {
		known[n] = true
	}
	for n := range items {
		if strings.HasPrefix(n, "VIRTIO_F_") && !known[n] {
			t.Errorf("spec defines %s, which has no constant here", n)
		}
	}
}

func TestDeviceStatusMatchesSpec(t *testing.T) {
	items := specItems(t)
	for _, c := range []struct {
		name string
		v    DeviceStatus
	}{
		{"ACKNOWLEDGE", StatusAcknowledge},
		{"DRIVER", StatusDriver},
		{"DRIVER_OK", StatusDriverOK},
		{"FEATURES_OK", StatusFeaturesOK},
		{"SUSPEND", StatusSuspend},
		{"DEVICE_NEEDS_RESET", StatusDeviceNeedsReset},
		{"FAILED", StatusFailed},
	} {
		want, ok := items[c.name]
		if !ok {
			t.Errorf("%s: not found in content.tex", c.name)
			continue
		}
		if uint64(c.v) != want {
			t.Errorf("%s = %d, spec says %d", c.name, c.v, want)
		}
	}
}

func TestRingFlagsMatchSpec(t *testing.T) {
	defs := specDefines(t)
	for _, c := range []struct {
		name string
		v    uint16
	}{
		{"VIRTQ_DESC_F_NEXT", DescFNext},
		{"VIRTQ_DESC_F_WRITE", DescFWrite},
		{"VIRTQ_DESC_F_INDIRECT", DescFIndirect},
		{"VIRTQ_DESC_F_AVAIL", DescFAvail},
		{"VIRTQ_DESC_F_USED", DescFUsed},
		{"VIRTQ_AVAIL_F_NO_INTERRUPT", AvailFNoInterrupt},
		{"VIRTQ_USED_F_NO_NOTIFY", UsedFNoNotify},
		{"RING_EVENT_FLAGS_ENABLE", RingEventFlagsEnable},
		{"RING_EVENT_FLAGS_DISABLE", RingEventFlagsDisable},
		{"RING_EVENT_FLAGS_DESC", RingEventFlagsDesc},
	} {
		want, ok := defs[c.name]
		if !ok {
			t.Errorf("%s: not found in split-ring.tex/packed-ring.tex", c.name)
			continue
		}
		if uint64(c.v) != want {
			t.Errorf("%s = %#x, spec says %#x", c.name, c.v, want)
		}
	}
}

func TestDeviceIDMatchesSpec(t *testing.T) {
	m := regexp.MustCompile(`(?m)^(\d+)\s*&\s*Crypto device\s*\\\\`).FindStringSubmatch(readSpec(t, "content.tex"))
	if m == nil {
		t.Fatal("crypto row not found in the device ID table")
	}
	if strconv.FormatUint(uint64(DeviceIDCrypto), 10) != m[1] {
		t.Errorf("DeviceIDCrypto = %d, spec says %s", DeviceIDCrypto, m[1])
	}
}

func TestSplitRingSizesMatchSpec(t *testing.T) {
	text := readSpec(t, "split-ring.tex")
	re := regexp.MustCompile(`(?m)^(Descriptor Table|Available Ring|Used Ring)\s*&\s*(\d+)\s*&\s*\$(?:(\d+)\s*\+\s*)?(\d+)\s*\*\s*\$\(Queue Size\)`)
	rows := re.FindAllStringSubmatch(text, -1)
	if len(rows) != 3 {
		t.Fatalf("found %d rows of the split virtqueue table, want 3", len(rows))
	}
	atoi := func(s string) uint64 {
		if s == "" {
			return 0
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, r := range rows {
		align, base, per := atoi(r[2]), atoi(r[3]), atoi(r[4])
		var gotAlign uint64
		var size func(uint32) uint64
		switch r[1] {
		case "Descriptor Table":
			gotAlign, size = DescTableAlign, DescTableSize
		case "Available Ring":
			gotAlign, size = AvailRingAlign, AvailRingSize
		case "Used Ring":
			gotAlign, size = UsedRingAlign, UsedRingSize
		}
		if gotAlign != align {
			t.Errorf("%s alignment = %d, spec says %d", r[1], gotAlign, align)
		}
		for _, q := range []uint32{1, 2, 256, 32768} {
			if got, want := size(q), base+per*uint64(q); got != want {
				t.Errorf("%s size(%d) = %d, spec says %d", r[1], q, got, want)
			}
		}
	}
	if DescSize != 16 || UsedElemSize != 8 {
		t.Errorf("DescSize/UsedElemSize = %d/%d, want 16/8 (struct virtq_desc, virtq_used_elem)", DescSize, UsedElemSize)
	}
	mm := regexp.MustCompile(`maximum Queue Size value is (\d+)`).FindStringSubmatch(text)
	if mm == nil || mm[1] != strconv.Itoa(MaxQueueSize) {
		t.Errorf("MaxQueueSize = %d, spec text: %v", MaxQueueSize, mm)
	}
}

// TestLinuxNames cross-checks the values against the Linux uapi headers
// (Debian linux-libc-dev 6.1.187: include/uapi/linux/virtio_config.h lines
// 36-46 and 60-103, virtio_ring.h lines 39-85, virtio_ids.h line 49).
func TestLinuxNames(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"VIRTIO_CONFIG_S_ACKNOWLEDGE", uint64(StatusAcknowledge), 1},
		{"VIRTIO_CONFIG_S_DRIVER", uint64(StatusDriver), 2},
		{"VIRTIO_CONFIG_S_DRIVER_OK", uint64(StatusDriverOK), 4},
		{"VIRTIO_CONFIG_S_FEATURES_OK", uint64(StatusFeaturesOK), 8},
		{"VIRTIO_CONFIG_S_NEEDS_RESET", uint64(StatusDeviceNeedsReset), 0x40},
		{"VIRTIO_CONFIG_S_FAILED", uint64(StatusFailed), 0x80},
		{"VIRTIO_F_NOTIFY_ON_EMPTY", uint64(FeatureNotifyOnEmpty), 24},
		{"VIRTIO_F_ANY_LAYOUT", uint64(FeatureAnyLayout), 27},
		{"VIRTIO_RING_F_INDIRECT_DESC", uint64(FeatureIndirectDesc), 28},
		{"VIRTIO_RING_F_EVENT_IDX", uint64(FeatureEventIdx), 29},
		{"VIRTIO_F_VERSION_1", uint64(FeatureVersion1), 32},
		{"VIRTIO_F_ACCESS_PLATFORM", uint64(FeatureAccessPlatform), 33},
		{"VIRTIO_F_RING_PACKED", uint64(FeatureRingPacked), 34},
		{"VIRTIO_F_IN_ORDER", uint64(FeatureInOrder), 35},
		{"VIRTIO_F_ORDER_PLATFORM", uint64(FeatureOrderPlatform), 36},
		{"VIRTIO_F_SR_IOV", uint64(FeatureSRIOV), 37},
		{"VIRTIO_F_RING_RESET", uint64(FeatureRingReset), 40},
		{"VRING_DESC_F_NEXT", uint64(DescFNext), 1},
		{"VRING_DESC_F_WRITE", uint64(DescFWrite), 2},
		{"VRING_DESC_F_INDIRECT", uint64(DescFIndirect), 4},
		{"1<<VRING_PACKED_DESC_F_AVAIL", uint64(DescFAvail), 1 << 7},
		{"1<<VRING_PACKED_DESC_F_USED", uint64(DescFUsed), 1 << 15},
		{"VRING_USED_F_NO_NOTIFY", uint64(UsedFNoNotify), 1},
		{"VRING_AVAIL_F_NO_INTERRUPT", uint64(AvailFNoInterrupt), 1},
		{"VRING_PACKED_EVENT_FLAG_ENABLE", uint64(RingEventFlagsEnable), 0},
		{"VRING_PACKED_EVENT_FLAG_DISABLE", uint64(RingEventFlagsDisable), 1},
		{"VRING_PACKED_EVENT_FLAG_DESC", uint64(RingEventFlagsDesc), 2},
		{"VRING_DESC_ALIGN_SIZE", DescTableAlign, 16},
		{"VRING_AVAIL_ALIGN_SIZE", AvailRingAlign, 2},
		{"VRING_USED_ALIGN_SIZE", UsedRingAlign, 4},
		{"VIRTIO_ID_CRYPTO", uint64(DeviceIDCrypto), 20},
	} {
		if c.got != c.want {
			t.Errorf("%s: have %d, Linux has %d", c.name, c.got, c.want)
		}
	}
}

func TestMaskAndHas(t *testing.T) {
	const w = uint64(1)<<32 | 1<<29 | 1<<28
	for _, c := range []struct {
		b    FeatureBit
		mask uint64
		in   bool
	}{
		{0, 1, false},
		{FeatureIndirectDesc, 1 << 28, true},
		{FeatureEventIdx, 1 << 29, true},
		{30, 1 << 30, false},
		{FeatureVersion1, 1 << 32, true},
		{FeatureAccessPlatform, 1 << 33, false},
		{63, 1 << 63, false},
		{64, 0, false},
		{127, 0, false},
		{^FeatureBit(0), 0, false},
	} {
		if got := c.b.Mask(); got != c.mask {
			t.Errorf("FeatureBit(%d).Mask() = %#x, want %#x", c.b, got, c.mask)
		}
		if got := Has(w, c.b); got != c.in {
			t.Errorf("Has(%#x, %d) = %v, want %v", w, c.b, got, c.in)
		}
	}
	if !Has(^uint64(0), 63) || Has(^uint64(0), 64) {
		t.Error("Has on an all-ones word")
	}
}

func TestValidQueueSize(t *testing.T) {
	for n, want := range map[uint32]bool{
		0: false, 1: true, 2: true, 3: false, 256: true, 384: false,
		32768: true, 32769: false, 65536: false, 1 << 31: false, ^uint32(0): false,
	} {
		if got := ValidQueueSize(n); got != want {
			t.Errorf("ValidQueueSize(%d) = %v, want %v", n, got, want)
		}
	}
}

// FuzzFeatureBit: Mask has exactly one bit set for bits below 64 and none
// above, and Has agrees with Mask on any feature word.
func FuzzFeatureBit(f *testing.F) {
	for _, s := range []struct {
		w uint64
		b uint
	}{{0, 0}, {1 << 32, 32}, {^uint64(0), 63}, {^uint64(0), 64}, {1 << 28, 29}} {
		f.Add(s.w, s.b)
	}
	f.Fuzz(func(t *testing.T, w uint64, b uint) {
		m := FeatureBit(b).Mask()
		if b < 64 && m != 1<<b {
			t.Fatalf("Mask(%d) = %#x", b, m)
		}
		if b >= 64 && m != 0 {
			t.Fatalf("Mask(%d) = %#x, want 0", b, m)
		}
		if Has(w, FeatureBit(b)) != (b < 64 && w>>b&1 == 1) {
			t.Fatalf("Has(%#x, %d) disagrees with the bit", w, b)
		}
	})
}

// FuzzQueueSizes: the size helpers never overflow for any 32-bit queue size
// and ValidQueueSize accepts exactly the powers of two up to 32768.
func FuzzQueueSizes(f *testing.F) {
	for _, n := range []uint32{0, 1, 3, 256, 32768, 32769, ^uint32(0)} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint32) {
		if DescTableSize(n) != 16*uint64(n) || AvailRingSize(n) != 6+2*uint64(n) || UsedRingSize(n) != 6+8*uint64(n) {
			t.Fatalf("size helpers wrong for %d", n)
		}
		pow := false
		for i := 0; i <= 15; i++ {
			if n == 1<<i {
				pow = true
			}
		}
		if ValidQueueSize(n) != pow {
			t.Fatalf("ValidQueueSize(%d) = %v", n, !pow)
		}
	})
}
