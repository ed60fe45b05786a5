// Package virtio holds the transport-level numbers of the virtio 1.x
// specification that vcrypto's device side needs: device IDs, the
// device-independent ("reserved") feature bits, the device status bits, the
// split and packed virtqueue descriptor and ring flags, and the sizes and
// alignments of the split virtqueue parts.
//
// The package owns no state and imports nothing of ours. Every identifier is
// a constant or a pure function, safe for concurrent use.
//
// Source: virtio v1.4 cs01 (oasis-tcs/virtio-spec tag v1.4-cs01, commit
// 15f488c1): content.tex sections "Device Status Field", "Feature Bits",
// "Device ID" (the device ID table) and "Reserved Feature Bits" (with its
// legacy interface part); split-ring.tex "Split Virtqueues" and
// packed-ring.tex "Packed Virtqueues". The tests read every value here out
// of those files (copied verbatim into testdata/) and also compare them with
// the values in Linux's uapi headers (virtio_config.h, virtio_ring.h,
// virtio_ids.h).
package virtio

// DeviceIDCrypto is the virtio device ID of the crypto device (content.tex,
// "Device ID" table: "20 & Crypto device").
const DeviceIDCrypto uint32 = 20

// FeatureBit is the number of a feature bit (0 is the least significant bit
// of the 64-bit feature word that vhost-user and the PCI transport carry).
type FeatureBit uint

// Mask returns the feature word with only bit b set, or 0 when b does not
// fit in 64 bits.
func (b FeatureBit) Mask() uint64 {
	if b >= 64 {
		return 0
	}
	return 1 << b
}

// Has reports whether bit b is set in the feature word features. Bits that
// do not fit in 64 bits are never set.
func Has(features uint64, b FeatureBit) bool {
	return features&b.Mask() != 0
}

// Device-independent feature bits ("Reserved Feature Bits", content.tex).
// The names follow the v1.4 text; Linux calls the first two
// VIRTIO_RING_F_INDIRECT_DESC and VIRTIO_RING_F_EVENT_IDX.
const (
	// FeatureIndirectDesc: the driver may use VIRTQ_DESC_F_INDIRECT.
	FeatureIndirectDesc FeatureBit = 28
	// FeatureEventIdx: used_event / avail_event notification suppression.
	FeatureEventIdx FeatureBit = 29
	// FeatureVersion1: compliance with virtio 1.x (not a legacy device).
	FeatureVersion1 FeatureBit = 32
	// FeatureAccessPlatform: device memory access is limited/translated
	// (IOMMU); Linux's older name is VIRTIO_F_IOMMU_PLATFORM.
	FeatureAccessPlatform FeatureBit = 33
	// FeatureRingPacked: the packed virtqueue layout.
	FeatureRingPacked FeatureBit = 34
	// FeatureInOrder: buffers are used in the order they were made available.
	FeatureInOrder FeatureBit = 35
	// FeatureOrderPlatform: memory ordering as described by the platform.
	FeatureOrderPlatform FeatureBit = 36
	// FeatureSRIOV: single-root I/O virtualization (PCI only).
	FeatureSRIOV FeatureBit = 37
	// FeatureNotificationData: driver notifications carry extra data.
	FeatureNotificationData FeatureBit = 38
	// FeatureNotifConfigData: the driver uses device-provided notification data.
	FeatureNotifConfigData FeatureBit = 39
	// FeatureRingReset: a single queue can be reset.
	FeatureRingReset FeatureBit = 40
	// FeatureAdminVQ: the device exposes administration virtqueues.
	FeatureAdminVQ FeatureBit = 41
	// FeatureSuspend: the driver can suspend the device (status SUSPEND).
	FeatureSuspend FeatureBit = 43
)

// Legacy-interface feature bits (content.tex, "Reserved Feature Bits" legacy
// interface part). A 1.x device does not offer them.
const (
	// FeatureNotifyOnEmpty: legacy VIRTIO_F_NOTIFY_ON_EMPTY.
	FeatureNotifyOnEmpty FeatureBit = 24
	// FeatureAnyLayout: legacy VIRTIO_F_ANY_LAYOUT (implied by VERSION_1).
	FeatureAnyLayout FeatureBit = 27
)

// DeviceStatus is the virtio device status byte.
type DeviceStatus uint8

// Device status bits ("Device Status Field", content.tex). The status starts
// at 0 and a write of 0 resets the device.
const (
	StatusAcknowledge      DeviceStatus = 1
	StatusDriver           DeviceStatus = 2
	StatusDriverOK         DeviceStatus = 4
	StatusFeaturesOK       DeviceStatus = 8
	StatusSuspend          DeviceStatus = 16
	StatusDeviceNeedsReset DeviceStatus = 64
	StatusFailed           DeviceStatus = 128
)

// Split virtqueue descriptor flags (split-ring.tex, struct virtq_desc). The
// packed ring uses the same values for NEXT, WRITE and INDIRECT.
const (
	// DescFNext: the chain continues at the descriptor named by next.
	DescFNext uint16 = 1
	// DescFWrite: the buffer is device write-only (otherwise read-only).
	DescFWrite uint16 = 2
	// DescFIndirect: the buffer holds a table of descriptors.
	DescFIndirect uint16 = 4
)

// Packed virtqueue descriptor flags (packed-ring.tex, VIRTQ_DESC_F_AVAIL and
// VIRTQ_DESC_F_USED). Linux defines them as shift counts 7 and 15.
const (
	DescFAvail uint16 = 1 << 7
	DescFUsed  uint16 = 1 << 15
)

// Ring flags of the split virtqueue.
const (
	// AvailFNoInterrupt (virtq_avail.flags): the driver asks for no used
	// buffer notifications. Ignored by the device once EVENT_IDX is
	// negotiated.
	AvailFNoInterrupt uint16 = 1
	// UsedFNoNotify (virtq_used.flags): the device asks for no available
	// buffer notifications. Not used once EVENT_IDX is negotiated.
	UsedFNoNotify uint16 = 1
)

// Packed virtqueue event suppression flags (packed-ring.tex,
// RING_EVENT_FLAGS_*). The value 3 is reserved.
const (
	RingEventFlagsEnable  uint16 = 0x0
	RingEventFlagsDisable uint16 = 0x1
	RingEventFlagsDesc    uint16 = 0x2
)

// Sizes and alignments of the split virtqueue parts (split-ring.tex,
// "Split Virtqueues" table), in bytes.
const (
	// DescSize is the size of one struct virtq_desc.
	DescSize = 16
	// UsedElemSize is the size of one struct virtq_used_elem.
	UsedElemSize = 8
	// DescTableAlign, AvailRingAlign and UsedRingAlign are the minimum
	// alignments of the three parts.
	DescTableAlign = 16
	AvailRingAlign = 2
	UsedRingAlign  = 4
	// MaxQueueSize is the largest queue size; every queue size is a power
	// of 2 no larger than this.
	MaxQueueSize = 32768
)

// DescTableSize returns the size of the descriptor table of a split
// virtqueue with queueSize entries: 16 * queueSize.
func DescTableSize(queueSize uint32) uint64 {
	return DescSize * uint64(queueSize)
}

// AvailRingSize returns the size of the available ring of a split virtqueue
// with queueSize entries, used_event included: 6 + 2 * queueSize.
func AvailRingSize(queueSize uint32) uint64 {
	return 6 + 2*uint64(queueSize)
}

// UsedRingSize returns the size of the used ring of a split virtqueue with
// queueSize entries, avail_event included: 6 + 8 * queueSize.
func UsedRingSize(queueSize uint32) uint64 {
	return 6 + UsedElemSize*uint64(queueSize)
}

// ValidQueueSize reports whether n is a queue size the split ring allows: a
// power of 2 between 1 and MaxQueueSize.
func ValidQueueSize(n uint32) bool {
	return n != 0 && n <= MaxQueueSize && n&(n-1) == 0
}
