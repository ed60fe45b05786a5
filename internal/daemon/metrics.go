package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"vcrypto/internal/cryptodev"
	"vcrypto/internal/metrics"
)

// Metric names the daemon adds to the metrics package's own.
const (
	MetricSessions           = "vcrypto_sessions"
	MetricFrontends          = "vcrypto_frontends_connected"
	MetricFrontendsTotal     = "vcrypto_frontend_connections_total"
	MetricMaxSessions        = "vcrypto_max_sessions"
	MetricDataQueues         = "vcrypto_data_queues"
	metricsShutdownTimeout   = 5 * time.Second
	metricsReadHeaderTimeout = 5 * time.Second
)

// frontends tracks the devices of connected frontends (one per
// connection), for the connected-frontends and live-sessions gauges.
type frontends struct {
	mu    sync.Mutex
	devs  map[*cryptodev.Device]struct{}
	total uint64
}

// onConn is vhostuser.Server.OnConn.
func (f *frontends) onConn(dev *cryptodev.Device, open bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if open {
		f.devs[dev] = struct{}{}
		f.total++
	} else {
		delete(f.devs, dev)
	}
}

func (f *frontends) connected() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return float64(len(f.devs))
}

func (f *frontends) connections() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return float64(f.total)
}

// sessions counts the live sessions of every connected frontend.
func (f *frontends) sessions() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for d := range f.devs {
		n += d.Sessions().Len()
	}
	return float64(n)
}

// metricsServer is the --metrics-addr HTTP endpoint.
type metricsServer struct {
	reg  *metrics.Registry
	fe   *frontends
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// startMetrics listens on c.MetricsAddr (a bad or busy address is an
// error) and serves GET /metrics until stop.
func startMetrics(c *Config, log *slog.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", c.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %q: %w", c.MetricsAddr, err)
	}
	m := &metricsServer{reg: metrics.New(), fe: &frontends{devs: map[*cryptodev.Device]struct{}{}}, ln: ln, done: make(chan struct{})}
	m.reg.GaugeFunc(MetricFrontends, "vhost-user frontends (VMM connections) being served.", m.fe.connected)
	m.reg.CounterFunc(MetricFrontendsTotal, "vhost-user frontends accepted since the daemon started.", m.fe.connections)
	m.reg.GaugeFunc(MetricSessions, "Live crypto sessions of the connected frontends.", m.fe.sessions)
	maxSess, queues := float64(c.MaxSessions), float64(c.Queues)
	m.reg.GaugeFunc(MetricMaxSessions, "Live sessions allowed per frontend (--max-sessions).", func() float64 { return maxSess })
	m.reg.GaugeFunc(MetricDataQueues, "Data queues per device (--queues).", func() float64 { return queues })
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.reg.Handler())
	m.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: metricsReadHeaderTimeout,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(m.done)
		if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	return m, nil
}

// Addr is the address the metrics server listens on.
func (m *metricsServer) Addr() net.Addr { return m.ln.Addr() }

// stop shuts the server down (waiting a few seconds for scrapes in
// flight) and returns when its goroutine has ended.
func (m *metricsServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
	defer cancel()
	if err := m.srv.Shutdown(ctx); err != nil {
		m.srv.Close()
	}
	<-m.done
}
