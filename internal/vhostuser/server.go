package vhostuser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"vcrypto/internal/cryptodev"
)

// DefaultMessageTimeout bounds how long the rest of a message may take to
// arrive once its first byte has (Server.MessageTimeout).
const DefaultMessageTimeout = 10 * time.Second

// Server serves a virtio-crypto device to vhost-user frontends, one
// connection at a time: the next frontend is accepted when the current one
// disconnects or is dropped. Set the fields before calling Serve or
// ServeConn and do not change them afterwards; a Server may serve several
// listeners concurrently.
type Server struct {
	// Mode is ModeCryptodev or ModeDevice.
	Mode Mode
	// NewDevice builds the device for one connection. The server closes
	// it (destroying every session) when the connection ends.
	NewDevice func() (*cryptodev.Device, error)
	// Logger receives one line per connection start and end, and
	// ring-level faults. nil: slog.Default().
	Logger *slog.Logger
	// MessageTimeout bounds the time between the first and the last byte
	// of one message (0: DefaultMessageTimeout; negative: none).
	MessageTimeout time.Duration
	// Poll makes each queue goroutine actively poll its available ring
	// for up to Poll after the last request it served, with the driver's
	// notifications suppressed, before it re-enables them and sleeps on
	// the kick eventfd. It trades CPU (the goroutine spins for up to Poll
	// after each burst) for latency (no wake-up through the kick). 0: never
	// poll; at most MaxPoll.
	Poll time.Duration
	// OnConn, when set, is called with open=true once a frontend's device
	// is set up and with open=false after that connection has been torn
	// down (its sessions destroyed); the daemon counts connected frontends
	// and live sessions with it. It must not block.
	OnConn func(dev *cryptodev.Device, open bool)
}

// MaxPoll bounds Server.Poll.
const MaxPoll = time.Second

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Server) messageTimeout() time.Duration {
	switch {
	case s.MessageTimeout == 0:
		return DefaultMessageTimeout
	case s.MessageTimeout < 0:
		return 0
	}
	return s.MessageTimeout
}

func (s *Server) check() error {
	if s.Mode != ModeCryptodev && s.Mode != ModeDevice {
		return fmt.Errorf("%w: mode %v", ErrBadMode, s.Mode)
	}
	if s.NewDevice == nil {
		return fmt.Errorf("%w: no device constructor", ErrBadMode)
	}
	if s.Poll < 0 || s.Poll > MaxPoll {
		return fmt.Errorf("%w: poll time %v outside 0..%v", ErrBadMode, s.Poll, MaxPoll)
	}
	return nil
}

// Serve accepts frontends on l and serves them one after the other until
// ctx is done (it then closes l and the current connection, waits for
// them to wind down and returns nil) or l fails (the error is returned).
// Connections that are not Unix sockets are closed.
func Serve(ctx context.Context, l net.Listener, newDevice func() (*cryptodev.Device, error), mode Mode, logger *slog.Logger) error {
	s := &Server{Mode: mode, NewDevice: newDevice, Logger: logger}
	return s.Serve(ctx, l)
}

// Serve is the method form of the package function Serve.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	if err := s.check(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	log := s.logger()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var nerr net.Error
			if errors.As(err, &nerr) && nerr.Timeout() || isTemporary(err) {
				// Out of descriptors and the like: wait and retry.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				log.Warn("vhost-user accept failed; retrying", "err", err, "backoff", backoff)
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return nil
				}
				continue
			}
			return fmt.Errorf("vhostuser: accept: %w", err)
		}
		backoff = 0
		uc, ok := nc.(*net.UnixConn)
		if !ok {
			log.Warn("vhost-user: not a Unix socket connection; closed", "remote", nc.RemoteAddr())
			nc.Close()
			continue
		}
		s.ServeConn(ctx, uc)
		if ctx.Err() != nil {
			return nil
		}
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// ServeConn serves one frontend on uc until it disconnects, breaks the
// protocol, or ctx is done, then releases everything the connection
// held (rings and their goroutines, descriptors, mappings, sessions) and
// closes uc. It logs one line when the connection ends and returns the
// reason: nil for a clean disconnect or cancellation, else the error.
func (s *Server) ServeConn(ctx context.Context, uc *net.UnixConn) error {
	if err := s.check(); err != nil {
		uc.Close()
		return err
	}
	log := s.logger().With("mode", s.Mode)
	dev, err := s.NewDevice()
	if err != nil {
		uc.Close()
		log.Error("vhost-user: cannot create device; connection closed", "err", err)
		return fmt.Errorf("vhostuser: new device: %w", err)
	}
	c, err := newConn(uc, dev, s.Mode, log, s)
	if err != nil {
		dev.Close()
		uc.Close()
		log.Error("vhost-user: connection setup failed", "err", err)
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.abort(context.Cause(ctx)) })
	log.Info("vhost-user frontend connected")
	if s.OnConn != nil {
		s.OnConn(dev, true)
		defer s.OnConn(dev, false)
	}
	err = c.serve()
	stop()
	c.teardown()
	switch {
	case err == nil, errors.Is(err, io.EOF):
		log.Info("vhost-user frontend disconnected")
		return nil
	case ctx.Err() != nil:
		log.Info("vhost-user connection closed: shutting down")
		return nil
	}
	log.Warn("vhost-user connection closed", "err", err)
	return err
}
