package metrics

import (
	"strings"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/engine"
	"vcrypto/internal/virtiocrypto"
)

// Label values are the specification's macro names without their
// VIRTIO_CRYPTO_ (and service) prefix: service="CIPHER",
// algorithm="AES_CBC", status="BADMSG". Every identifier is folded into a
// fixed table when it is recorded, so a guest can never create a series
// the tables below do not name:
//
//   - a service outside the specification's table is "unknown";
//   - an algorithm id outside its service's table is "unknown";
//   - a request without a live session (INVSESS, malformed) has
//     service="unknown", algorithm="unknown";
//   - a status outside the table is "unknown"; a chain that could carry
//     no status byte has status="none";
//   - a queue index beyond the device's limit is queue="other";
//   - past tableLimit distinct series on one queue, new ones are counted
//     as algorithm="other" (see queueStats).

// Service indices: the specification's values 0..5, then unknown.
const (
	svcUnknown = 6
	numSvc     = 7
)

// Status indices: the specification's values 0..7, then two of ours.
const (
	stUnknown = 8
	stNone    = 9
	numSt     = 10
)

// algUnknown is the folded algorithm id (no table uses 255).
const algUnknown = 255

var (
	svcNames [numSvc]string
	stNames  [numSt]string
	// Algorithm names by id, per table; "" marks an id the specification
	// does not define.
	cipherNames, hashNames, macNames, aeadNames, akNames [256]string
)

// specName strips the macro name's prefix: "VIRTIO_CRYPTO_CIPHER_AES_CBC"
// -> "AES_CBC"; "VIRTIO_CRYPTO_NO_CIPHER" -> "NO_CIPHER".
func specName(s, prefix string) string {
	if t, ok := strings.CutPrefix(s, prefix); ok {
		return t
	}
	return strings.TrimPrefix(s, "VIRTIO_CRYPTO_")
}

func init() {
	for i := range svcNames {
		svcNames[i] = "unknown"
	}
	for s := virtiocrypto.ServiceCipher; s <= virtiocrypto.ServiceIPsec; s++ {
		svcNames[s] = specName(s.String(), "VIRTIO_CRYPTO_SERVICE_")
	}
	for i := range stNames {
		stNames[i] = "unknown"
	}
	stNames[stNone] = "none"
	for _, s := range virtiocrypto.KnownStatuses() {
		stNames[s] = specName(s.String(), "VIRTIO_CRYPTO_")
	}
	for _, a := range append(virtiocrypto.KnownCiphers(), virtiocrypto.NoCipher) {
		cipherNames[a] = specName(a.String(), "VIRTIO_CRYPTO_CIPHER_")
	}
	for _, a := range append(virtiocrypto.KnownHashes(), virtiocrypto.NoHash) {
		hashNames[a] = specName(a.String(), "VIRTIO_CRYPTO_HASH_")
	}
	for _, a := range append(virtiocrypto.KnownMACs(), virtiocrypto.NoMAC) {
		macNames[a] = specName(a.String(), "VIRTIO_CRYPTO_MAC_")
	}
	for _, a := range append(virtiocrypto.KnownAEADs(), virtiocrypto.NoAEAD) {
		aeadNames[a] = specName(a.String(), "VIRTIO_CRYPTO_AEAD_")
	}
	for _, a := range append(virtiocrypto.KnownAkciphers(), virtiocrypto.NoAkcipher) {
		akNames[a] = specName(a.String(), "VIRTIO_CRYPTO_AKCIPHER_")
	}
}

func svcIndex(s engine.Service) uint32 {
	if s < svcUnknown {
		return uint32(s)
	}
	return svcUnknown
}

func stIndex(s virtiocrypto.Status) uint32 {
	if s < 8 && stNames[s] != "unknown" {
		return uint32(s)
	}
	return stUnknown
}

// fold maps an algorithm id to itself when tbl names it, else algUnknown.
func fold[T ~uint32](tbl *[256]string, id T) uint32 {
	if id < 256 && tbl[id] != "" {
		return uint32(id)
	}
	return algUnknown
}

func algName(tbl *[256]string, id uint32) string {
	if id < 256 && tbl[id] != "" {
		return tbl[id]
	}
	return "unknown"
}

// A series key packs (service, algorithm, status) of a data request into
// 32 bits; 0 is never a key.
const (
	keyValid   = 1 << 31
	keyChained = 1 << 24 // CIPHER chained with a hash or MAC (alg2)
	keyMAC     = 1 << 25 // alg2 is a MAC id (else a hash id)
	keyOther   = 1 << 26 // folded: the queue's table was full
	keyNoSess  = 1 << 27 // no live session: algorithm "unknown"
)

func keySvc(k uint32) uint32 { return k >> 20 & 0xF }
func keySt(k uint32) uint32  { return k >> 16 & 0xF }

func makeKey(svc, st, a1, a2 uint32, flags uint32) uint32 {
	return keyValid | flags | svc<<20 | st<<16 | a2<<8 | a1
}

// dataKey folds an event into its series key.
func dataKey(ev *cryptodev.DataEvent) uint32 {
	st := uint32(stNone)
	if ev.HasStatus {
		st = stIndex(ev.Status)
	}
	if !ev.HasSession {
		return makeKey(svcUnknown, st, 0, 0, keyNoSess)
	}
	svc := svcIndex(ev.Service)
	a := &ev.Algorithm
	switch engine.Service(svc) {
	case engine.ServiceCipher:
		a1 := fold(&cipherNames, a.Cipher)
		if !a.Chained {
			return makeKey(svc, st, a1, 0, 0)
		}
		if a.MAC != engine.NoMAC {
			return makeKey(svc, st, a1, fold(&macNames, a.MAC), keyChained|keyMAC)
		}
		return makeKey(svc, st, a1, fold(&hashNames, a.Hash), keyChained)
	case engine.ServiceHash:
		return makeKey(svc, st, fold(&hashNames, a.Hash), 0, 0)
	case engine.ServiceMAC:
		return makeKey(svc, st, fold(&macNames, a.MAC), 0, 0)
	case engine.ServiceAEAD:
		return makeKey(svc, st, fold(&aeadNames, a.AEAD), 0, 0)
	case engine.ServiceAKCipher:
		return makeKey(svc, st, fold(&akNames, a.AKCipher), 0, 0)
	}
	return makeKey(svc, st, algUnknown, 0, 0)
}

// otherKey is k with its algorithm folded to "other".
func otherKey(k uint32) uint32 {
	return makeKey(keySvc(k), keySt(k), 0, 0, keyOther)
}

// keyAlgorithm renders the algorithm label of a key.
func keyAlgorithm(k uint32) string {
	a1, a2 := k&0xFF, k>>8&0xFF
	switch {
	case k&keyOther != 0:
		return "other"
	case k&keyNoSess != 0:
		return "unknown"
	}
	switch engine.Service(keySvc(k)) {
	case engine.ServiceCipher:
		n := algName(&cipherNames, a1)
		if k&keyChained == 0 {
			return n
		}
		if k&keyMAC != 0 {
			return n + "+" + algName(&macNames, a2)
		}
		return n + "+" + algName(&hashNames, a2)
	case engine.ServiceHash:
		return algName(&hashNames, a1)
	case engine.ServiceMAC:
		return algName(&macNames, a1)
	case engine.ServiceAEAD:
		return algName(&aeadNames, a1)
	case engine.ServiceAKCipher:
		return algName(&akNames, a1)
	}
	return "unknown"
}
