// Package cryptodev is the virtio-crypto device model: config space, the
// session table, the control-queue and data-queue request handlers, and the
// single map from errors to virtio status codes (status.go). It implements
// the device side of the virtio v1.4 "Crypto Device" chapter
// (spec/device-types/crypto/description.tex) with the legacy framing Linux
// and QEMU use, following INTERPRETATIONS.md where the chapter is ambiguous.
// With Options.Revision1 it also offers VIRTIO_CRYPTO_F_REVISION_1 and the
// per-service STATELESS_MODE bits; once the transport reports them
// negotiated (SetFeatures), control and data requests use the exact-size
// op_flf, the data header's flag selects session or stateless mode, and
// stateless requests run on a temporary session (stateless.go).
//
// The device is transport-independent: a transport (vhost-user, or a test
// driver) owns the queues and guest memory and calls Worker.ServeData or
// Worker.ServeControl after a kick. The package never imports a transport or
// a concrete engine.
//
// Concurrency: a Device is safe for concurrent use. Each started queue gets
// its own Worker, used by one goroutine at a time; the session table is the
// only state workers share.
package cryptodev

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"vcrypto/internal/engine"
	"vcrypto/internal/virtio"
	"vcrypto/internal/virtiocrypto"
)

// Defaults for Options.
const (
	DefaultMaxSessions = 4096
	DefaultMaxSize     = 4 << 20 // max_size: the largest request payload
	DefaultDataQueues  = 1
	MaxDataQueues      = 64
)

// Options configure a Device.
type Options struct {
	// DataQueues is max_dataqueues (1..MaxDataQueues). The control queue
	// has index DataQueues.
	DataQueues int
	// MaxSessions bounds the live sessions; creating one more gives NOSPC.
	MaxSessions int
	// MaxSize is the config space's max_size: the largest total length of
	// a request's variable-length part the device accepts.
	MaxSize uint32
	// Logger receives guest-caused errors at debug level. nil: discard.
	Logger *slog.Logger
	// Revision1 makes the device offer VIRTIO_CRYPTO_F_REVISION_1 and the
	// STATELESS_MODE bit of every service it advertises (Features). Set it
	// only when the driver sees the device's feature bits (a transport
	// that hands the whole device over, vhost-user device mode); QEMU's
	// cryptodev-vhost-user owns the feature negotiation with the guest and
	// never passes these bits on, so a cryptodev-mode device must leave it
	// false. Without it the device speaks the legacy framing only.
	Revision1 bool
	// Observer, when set, is told about every completed request
	// (observe.go); nil costs one branch per request.
	Observer Observer
}

// Device is one virtio-crypto device instance (one VMM connection).
type Device struct {
	eng      engine.Engine
	opts     Options
	caps     engine.Capabilities
	cfg      virtiocrypto.Config
	sessions *Sessions
	log      *slog.Logger
	features uint64        // offered crypto feature bits
	acked    atomic.Uint64 // negotiated crypto feature bits (SetFeatures)
}

// New builds a device over eng. The config space advertises exactly what
// eng.Capabilities reports.
func New(eng engine.Engine, opts Options) (*Device, error) {
	if eng == nil {
		return nil, errors.New("cryptodev: nil engine")
	}
	if opts.DataQueues == 0 {
		opts.DataQueues = DefaultDataQueues
	}
	if opts.DataQueues < 1 || opts.DataQueues > MaxDataQueues {
		return nil, errors.New("cryptodev: data queues out of range")
	}
	if opts.MaxSessions == 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.MaxSessions < 1 {
		return nil, errors.New("cryptodev: max sessions must be positive")
	}
	if opts.MaxSize == 0 {
		opts.MaxSize = DefaultMaxSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Device{eng: eng, opts: opts, caps: eng.Capabilities(), sessions: NewSessions(opts.MaxSessions), log: log}
	d.cfg = buildConfig(d.caps, opts)
	if opts.Revision1 {
		d.features = offeredFeatures(&d.cfg)
	}
	return d, nil
}

// offeredFeatures is REVISION_1 plus the STATELESS_MODE bit of every
// service cfg advertises (spec "Feature bits"; each stateless bit requires
// REVISION_1).
func offeredFeatures(cfg *virtiocrypto.Config) uint64 {
	f := virtiocrypto.FeatureRevision1.Mask()
	for _, s := range []virtiocrypto.Service{virtiocrypto.ServiceCipher, virtiocrypto.ServiceHash,
		virtiocrypto.ServiceMAC, virtiocrypto.ServiceAEAD, virtiocrypto.ServiceAkcipher} {
		if bit, ok := virtiocrypto.StatelessFeature(s); ok && cfg.HasService(s) {
			f |= bit.Mask()
		}
	}
	return f
}

// buildConfig computes struct virtio_crypto_config (spec "Device
// configuration layout") from the engine's capabilities.
func buildConfig(c engine.Capabilities, opts Options) virtiocrypto.Config {
	cfg := virtiocrypto.Config{
		Status:          virtiocrypto.StatusHWReady,
		MaxDataQueues:   uint32(opts.DataQueues),
		MaxCipherKeyLen: uint32(c.MaxCipherKeyLen),
		MaxAuthKeyLen:   uint32(c.MaxAuthKeyLen),
		MaxSize:         uint64(opts.MaxSize),
	}
	if len(c.Cipher) > 0 {
		cfg.SetService(virtiocrypto.ServiceCipher)
	}
	for _, a := range c.Cipher {
		cfg.SetCipher(virtiocrypto.CipherAlgo(a))
	}
	if len(c.Hash) > 0 {
		cfg.SetService(virtiocrypto.ServiceHash)
	}
	for _, a := range c.Hash {
		cfg.SetHash(virtiocrypto.HashAlgo(a))
	}
	if len(c.MAC) > 0 {
		cfg.SetService(virtiocrypto.ServiceMAC)
	}
	for _, a := range c.MAC {
		cfg.SetMAC(virtiocrypto.MACAlgo(a))
	}
	if len(c.AEAD) > 0 {
		cfg.SetService(virtiocrypto.ServiceAEAD)
	}
	for _, a := range c.AEAD {
		cfg.SetAEAD(virtiocrypto.AEADAlgo(a))
	}
	// akcipher_algo (bits 0-31 of the AKCIPHER algorithm ids). The spec
	// has no curve mask: a curve the engine lacks is NOTSUPP at session
	// creation.
	if len(c.AKCipher) > 0 {
		cfg.SetService(virtiocrypto.ServiceAkcipher)
	}
	for _, a := range c.AKCipher {
		cfg.SetAkcipher(virtiocrypto.AkcipherAlgo(a))
	}
	return cfg
}

// Config returns the config space the device presents.
func (d *Device) Config() virtiocrypto.Config { return d.cfg }

// ConfigSpace returns the encoded config space (virtio_crypto_config).
func (d *Device) ConfigSpace() []byte { return d.cfg.Append(nil) }

// DataQueues returns the number of data queues; the control queue's index
// is DataQueues().
func (d *Device) DataQueues() int { return d.opts.DataQueues }

// Features returns the virtio-crypto feature bits (the device-specific
// bits 0..23) the device offers: none unless Options.Revision1 is set, and
// then VIRTIO_CRYPTO_F_REVISION_1 plus the STATELESS_MODE bit of every
// service the config space advertises.
func (d *Device) Features() uint64 { return d.features }

// ErrFeatures: SetFeatures got a feature set the driver may not accept.
var ErrFeatures = errors.New("cryptodev: invalid feature set")

// SetFeatures records the crypto feature bits the driver acknowledged (the
// transport calls it when the driver sets its features, e.g. vhost-user
// SET_FEATURES, with the feature word masked to the device-specific bits
// 0..23). It refuses, with an error wrapping ErrFeatures and leaving the
// negotiated set unchanged, a bit the device did not offer and a
// STATELESS_MODE bit without REVISION_1 (spec "Feature bit requirements":
// each requires VIRTIO_CRYPTO_F_REVISION_1); the transport then treats the
// driver as broken. Requests served after SetFeatures returns use the new
// framing; the transport must not change features while queues run.
func (d *Device) SetFeatures(acked uint64) error {
	if extra := acked &^ d.features; extra != 0 {
		return fmt.Errorf("%w: bits %#x not offered (offered %#x)", ErrFeatures, extra, d.features)
	}
	if acked != 0 && !virtio.Has(acked, virtiocrypto.FeatureRevision1) {
		return fmt.Errorf("%w: stateless-mode bits %#x without VIRTIO_CRYPTO_F_REVISION_1", ErrFeatures, acked)
	}
	d.acked.Store(acked)
	return nil
}

// NegotiatedFeatures returns the crypto feature bits last accepted by
// SetFeatures (0 before any: the legacy framing).
func (d *Device) NegotiatedFeatures() uint64 { return d.acked.Load() }

// Sessions returns the device's session table.
func (d *Device) Sessions() *Sessions { return d.sessions }

// CreateSession validates p with the engine, stores the session and
// returns its id, or the status to report (ERR, NOTSUPP, NOSPC). It is the
// common path of the control queue and of vhost-user's CREATE_CRYPTO_SESSION.
// An AKCIPHER session of an algorithm the config space does not advertise
// (akcipher_algo) is NOTSUPP without asking the engine.
func (d *Device) CreateSession(p *engine.SessionParams) (uint64, virtiocrypto.Status) {
	if p.Service == engine.ServiceAKCipher && !d.cfg.HasAkcipher(virtiocrypto.AkcipherAlgo(p.AK.Alg)) {
		d.log.Debug("create session refused", "service", p.Service, "akcipher", p.AK.Alg)
		return 0, virtiocrypto.StatusNotSupp
	}
	if err := d.sessions.reserve(); err != nil {
		return 0, Status(err)
	}
	s, err := d.eng.NewSession(p)
	if err != nil {
		d.sessions.unreserve()
		d.log.Debug("create session refused", "service", p.Service, "err", err)
		return 0, Status(err)
	}
	return d.sessions.add(s), virtiocrypto.StatusOK
}

// DestroySession removes a session: OK, or ERR for an unknown id
// (INTERPRETATIONS.md "Status codes"). Key material is wiped when the last
// request using the session finishes.
func (d *Device) DestroySession(id uint64) virtiocrypto.Status {
	if err := d.sessions.remove(id); err != nil {
		return virtiocrypto.StatusErr
	}
	return virtiocrypto.StatusOK
}

// Close destroys every session.
func (d *Device) Close() { d.sessions.closeAll() }
