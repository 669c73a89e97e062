package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves a Handler with production settings: timeouts, a header
// cap, optional TLS, /healthz and /metrics, and graceful shutdown.
type Server struct {
	// Handler is the proxy. Required.
	Handler http.Handler
	// Gatherer serves /metrics (nil: no /metrics).
	Gatherer prometheus.Gatherer
	// CertFile and KeyFile, both set, turn on TLS.
	CertFile, KeyFile string
	// Timeouts (0: the defaults in DefaultServer).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes caps request headers (0: 16 KiB); more gets 431.
	MaxHeaderBytes int
	// ShutdownTimeout is how long in-flight requests get to finish after
	// the context is cancelled (0: 20s).
	ShutdownTimeout time.Duration
	// Admin, when non-nil, serves /healthz and /metrics instead of the
	// main listener.
	Admin net.Listener
	// Logger receives the server's own logs.
	Logger *slog.Logger
}

// Defaults used when a Server field is zero.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 45 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 16 << 10
	DefaultShutdownTimeout   = 20 * time.Second
)

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Serve serves on ln until ctx is cancelled, then stops accepting, lets
// requests in flight finish (up to ShutdownTimeout) and returns nil. It
// returns an error when serving fails, or when the TLS files are unusable.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	log := orDiscard(s.Logger)
	admin := s.adminMux()
	main := http.NewServeMux()
	main.Handle("/", s.Handler)
	if s.Admin == nil {
		main.Handle("/healthz", admin)
		main.Handle("/metrics", admin)
	}
	srv := s.newHTTPServer(main, log)
	if s.CertFile != "" || s.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	useTLS := srv.TLSConfig != nil
	servers := []*http.Server{srv}
	errc := make(chan error, 2)
	go func() {
		if useTLS {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	if s.Admin != nil {
		as := s.newHTTPServer(admin, log)
		servers = append(servers, as)
		go func() { errc <- as.Serve(s.Admin) }()
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.Bool("tls", useTLS))
	select {
	case err := <-errc:
		for _, x := range servers {
			x.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), orDefault(s.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	var errs []error
	for _, x := range servers {
		if err := x.Shutdown(sctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
			x.Close()
		}
	}
	return errors.Join(errs...)
}

func (s *Server) newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDefault(s.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDefault(s.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      orDefault(s.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       orDefault(s.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    orDefault(s.MaxHeaderBytes, DefaultMaxHeaderBytes),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
}

func (s *Server) adminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	if s.Gatherer != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
	}
	return mux
}
