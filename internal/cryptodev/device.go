// Package cryptodev is the virtio-crypto device model: config space, the
// session table, the control-queue and data-queue request handlers, and the
// single map from errors to virtio status codes (status.go). It implements
// the device side of the virtio v1.4 "Crypto Device" chapter
// (spec/device-types/crypto/description.tex) with the legacy framing Linux
// and QEMU use, following INTERPRETATIONS.md where the chapter is ambiguous.
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
	"log/slog"

	"vcrypto/internal/engine"
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
	return d, nil
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
	return cfg
}

// Config returns the config space the device presents.
func (d *Device) Config() virtiocrypto.Config { return d.cfg }

// ConfigSpace returns the encoded config space (virtio_crypto_config).
func (d *Device) ConfigSpace() []byte { return d.cfg.Append(nil) }

// DataQueues returns the number of data queues; the control queue's index
// is DataQueues().
func (d *Device) DataQueues() int { return d.opts.DataQueues }

// Features returns the virtio-crypto feature bits the device offers (none
// in the legacy framing this device speaks; see package doc).
func (d *Device) Features() uint64 { return 0 }

// Sessions returns the device's session table.
func (d *Device) Sessions() *Sessions { return d.sessions }

// CreateSession validates p with the engine, stores the session and
// returns its id, or the status to report (ERR, NOTSUPP, NOSPC). It is the
// common path of the control queue and of vhost-user's CREATE_CRYPTO_SESSION.
func (d *Device) CreateSession(p *engine.SessionParams) (uint64, virtiocrypto.Status) {
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
