package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/webhook"
	"github.com/vigilsec/vigil/webhook/proxy"
)

// proxyFlags are the flags of `webhook proxy`.
type proxyFlags struct {
	listen, admin, upstream, publicURL string
	trusted, allow                     []string
	certFile, keyFile                  string
	maxBody                            int64
	maxHeader, maxParams               int
	replay, upstreamTimeout            time.Duration
	readHeader, read, write, idle      time.Duration
	shutdown                           time.Duration
	accessLog                          bool
	tokens                             tokenFlags
}

func newWebhookProxyCmd(a *app) *cobra.Command {
	var f proxyFlags
	cmd := &cobra.Command{
		Use:   "proxy --listen ADDR --upstream URL [--public-url URL]",
		Short: "Run a reverse proxy that forwards only genuinely signed Twilio webhooks",
		Long: `Listens on ADDR and forwards to URL every request whose X-Twilio-Signature is
valid for the public URL Twilio requested; it answers the others itself: 400
for a missing, repeated or malformed signature, 403 for a wrong one or a
replay, 413 for an oversized body, 431 for oversized headers. The upstream's
responses pass back unchanged; 502/504 when it fails or times out.

Tokens: TWILIO_AUTH_TOKEN by default (a comma-separated list: the current
token first, then the outgoing one during a rotation), or --token-env NAME
(repeatable), or --token-file FILE (one a line, # comments, AC…=token for a
subaccount). SIGHUP reloads them without dropping connections; a failed
reload keeps the tokens in force and logs an error.

Public URL: --public-url https://host[/prefix] (the request URI is
appended), or the Host header and this listener's scheme, or — only for
connections from a --trusted-proxy network — X-Forwarded-Proto/-Host/-Port.

/healthz and /metrics (Prometheus) are served on --admin-listen, or on the
main listener when it is not set. Logs are JSON on stderr, never with tokens
or bodies. SIGTERM or SIGINT stops gracefully.`,
		Example: `  TWILIO_AUTH_TOKEN=... vigil webhook proxy --listen :8443 --upstream http://127.0.0.1:3000 \
      --public-url https://hooks.example.com --tls-cert cert.pem --tls-key key.pem
  vigil webhook proxy --listen 127.0.0.1:8080 --upstream http://app:3000 --token-file /run/secrets/twilio \
      --trusted-proxy 10.0.0.0/8 --admin-listen 127.0.0.1:9090`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runProxy(cmd.Context(), a, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "", "listen on `ADDR` (host:port)")
	fl.StringVar(&f.upstream, "upstream", "", "forward verified requests to `URL`")
	fl.StringVar(&f.publicURL, "public-url", "", "the public scheme://host[:port][/prefix] Twilio sends to")
	fl.StringSliceVar(&f.trusted, "trusted-proxy", nil, "believe X-Forwarded-* from this `CIDR` (repeatable)")
	fl.StringSliceVar(&f.allow, "allow-cidr", nil, "serve only clients in this `CIDR` (repeatable)")
	fl.StringVar(&f.certFile, "tls-cert", "", "serve TLS with this certificate `FILE` (PEM)")
	fl.StringVar(&f.keyFile, "tls-key", "", "serve TLS with this private key `FILE` (PEM)")
	fl.StringVar(&f.admin, "admin-listen", "", "serve /healthz and /metrics on `ADDR` instead of the main listener")
	fl.Int64Var(&f.maxBody, "max-body", webhook.DefaultMaxBody, "largest request body in `BYTES` (more gets 413)")
	fl.IntVar(&f.maxHeader, "max-header-bytes", proxy.DefaultMaxHeaderBytes, "largest request header block in `BYTES` (more gets 431)")
	fl.IntVar(&f.maxParams, "max-params", webhook.DefaultMaxParams, "most form parameters in a request")
	fl.DurationVar(&f.replay, "replay-window", 10*time.Minute, "refuse a delivery seen again within this window (same signature or I-Twilio-Idempotency-Token); 0 turns it off")
	fl.DurationVar(&f.upstreamTimeout, "upstream-timeout", 15*time.Second, "wait this long for the upstream's response headers, then answer 504")
	fl.DurationVar(&f.readHeader, "read-header-timeout", proxy.DefaultReadHeaderTimeout, "time to read request headers")
	fl.DurationVar(&f.read, "read-timeout", proxy.DefaultReadTimeout, "time to read a whole request")
	fl.DurationVar(&f.write, "write-timeout", proxy.DefaultWriteTimeout, "time to write a response, upstream wait included")
	fl.DurationVar(&f.idle, "idle-timeout", proxy.DefaultIdleTimeout, "keep-alive idle time")
	fl.DurationVar(&f.shutdown, "shutdown-timeout", proxy.DefaultShutdownTimeout, "time requests in flight get to finish on SIGTERM")
	fl.BoolVar(&f.accessLog, "access-log", true, "log every forwarded request (refusals and failures are always logged)")
	f.tokens.register(cmd, true)
	return cmd
}

func runProxy(ctx context.Context, a *app, f *proxyFlags) error {
	level := slog.LevelInfo
	if a.verbose {
		level = slog.LevelDebug
	}
	logs := proxy.NewLogBuffer(a.stderr, 100*time.Millisecond)
	defer logs.Close()
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level}))
	cfg, err := f.config()
	if err != nil {
		return usageError(err)
	}
	if a.getenv("GOGC") == "" {
		// The proxy's live heap is small and its garbage is per-request:
		// collecting less often trades a few MiB for a lot of CPU.
		debug.SetGCPercent(400)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cfg.Metrics = proxy.NewMetrics(reg)
	cfg.Logger = log
	cfg.AccessLogTo = logs
	a.logger = log
	keys, err := proxy.LoadKeys(ctx, f.tokens.loaders(a, true), log, cfg.Metrics)
	if err != nil {
		return withHint(usageError(err), "set TWILIO_AUTH_TOKEN, or pass --token-file FILE with one token a line")
	}
	cfg.Keys = keys
	h, err := proxy.New(cfg)
	if err != nil {
		return usageError(err)
	}
	defer h.Close()
	srv := &proxy.Server{
		Handler: h, Gatherer: reg, CertFile: f.certFile, KeyFile: f.keyFile,
		ReadHeaderTimeout: f.readHeader, ReadTimeout: f.read, WriteTimeout: f.write, IdleTimeout: f.idle,
		MaxHeaderBytes: f.maxHeader, ShutdownTimeout: f.shutdown, Logger: log,
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return runtimeError(fmt.Errorf("listen: %w", err), "is another process on that port?")
	}
	if f.admin != "" {
		if srv.Admin, err = net.Listen("tcp", f.admin); err != nil {
			ln.Close()
			return runtimeError(fmt.Errorf("admin listen: %w", err), "")
		}
	}
	public, _ := url.Parse(f.publicURL) // New has checked it
	log.Info("webhook proxy starting", slog.String("upstream", cfg.Upstream.Redacted()),
		slog.String("public_url", public.Redacted()), slog.Int("tokens", keys.Keyring().Len()),
		slog.Int("subaccounts", keys.Keyring().Accounts()))
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				keys.Reload(ctx) // a failure is logged and the old tokens stay
			}
		}
	}()
	if err := srv.Serve(ctx, ln); err != nil {
		return runtimeError(err, "")
	}
	return nil
}

// config checks the flags and builds the proxy configuration.
func (f *proxyFlags) config() (proxy.Config, error) {
	var cfg proxy.Config
	if f.listen == "" || f.upstream == "" {
		return cfg, errors.New("--listen and --upstream are required")
	}
	up, err := url.Parse(f.upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return cfg, fmt.Errorf("--upstream %q: want an http(s)://host[:port] URL", f.upstream)
	}
	if (f.certFile == "") != (f.keyFile == "") {
		return cfg, errors.New("--tls-cert and --tls-key go together")
	}
	if f.maxBody <= 0 || f.maxHeader <= 0 || f.maxParams <= 0 {
		return cfg, errors.New("--max-body, --max-header-bytes and --max-params must be positive")
	}
	if cfg.TrustedProxies, err = proxy.ParseCIDRs(f.trusted); err != nil {
		return cfg, fmt.Errorf("--trusted-proxy: %w", err)
	}
	if cfg.AllowCIDRs, err = proxy.ParseCIDRs(f.allow); err != nil {
		return cfg, fmt.Errorf("--allow-cidr: %w", err)
	}
	cfg.Upstream, cfg.PublicURL = up, f.publicURL
	cfg.MaxBody, cfg.MaxParams = f.maxBody, f.maxParams
	cfg.ReplayWindow, cfg.UpstreamTimeout, cfg.AccessLog = f.replay, f.upstreamTimeout, f.accessLog
	return cfg, nil
}
