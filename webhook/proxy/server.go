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

// Server serves a Handler with net/http and production settings:
// timeouts, a header cap, optional TLS, HTTP/1.x only, /healthz and
// /metrics, and graceful shutdown.
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
	// net/http reads up to 4 KiB past it before it refuses.
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
	handler := s.Handler
	if s.Admin == nil {
		handler = withAdmin(s.Handler, admin)
	}
	main := s.newHTTPServer(handler, log)
	if s.CertFile != "" || s.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		main.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
		ln = tls.NewListener(ln, main.TLSConfig)
	}
	errc := make(chan error, 2)
	go func() { errc <- main.Serve(ln) }()
	var as *http.Server
	if s.Admin != nil {
		as = s.newHTTPServer(admin, log)
		go func() { errc <- as.Serve(s.Admin) }()
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.Bool("tls", main.TLSConfig != nil))
	select {
	case err := <-errc:
		main.Close()
		if as != nil {
			as.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), orDefault(s.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	var errs []error
	for _, srv := range []*http.Server{main, as} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(sctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
			srv.Close() // what is still in flight is cut
		}
	}
	return errors.Join(errs...)
}

// withAdmin serves /healthz and /metrics from admin, the rest from h.
func withAdmin(h, admin http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "/healthz" || p == "/metrics" {
			admin.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// newHTTPServer is net/http's server with the timeouts and header cap,
// HTTP/1.x only, and "OPTIONS *" passed to h rather than answered.
func (s *Server) newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:                      h,
		ReadHeaderTimeout:            orDefault(s.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:                  orDefault(s.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:                 orDefault(s.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:                  orDefault(s.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:               orDefault(s.MaxHeaderBytes, DefaultMaxHeaderBytes),
		ErrorLog:                     slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		Protocols:                    http1Only(),
		DisableGeneralOptionsHandler: true,
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
