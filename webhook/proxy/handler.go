package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// Config configures a Handler.
type Config struct {
	// Upstream is the app requests are forwarded to. Required.
	Upstream *url.URL
	// Keys supplies the Auth Tokens. Required.
	Keys webhook.TokenSource
	// PublicURL is the scheme, optional user information, host, optional
	// port and optional path prefix Twilio sends requests to; the request
	// URI is appended to it. User information (user:password@, which
	// Twilio signs when its webhook URL holds basic-auth credentials) is
	// never logged. Empty: rebuild it from each request (see
	// TrustedProxies).
	PublicURL string
	// TrustedProxies are the networks whose X-Forwarded-Proto, -Host, -Port
	// and -For headers are believed.
	TrustedProxies []netip.Prefix
	// AllowCIDRs, when not empty, are the only client networks served.
	AllowCIDRs []netip.Prefix
	// MaxBody caps request bodies in bytes (0: webhook.DefaultMaxBody).
	MaxBody int64
	// MaxParams caps form parameters (0: webhook.DefaultMaxParams).
	MaxParams int
	// ReplayWindow is how long a delivery (by signature and by
	// I-Twilio-Idempotency-Token) is remembered and refused if seen again.
	// 0 turns replay refusal off.
	ReplayWindow time.Duration
	// ReplayMax caps the deliveries remembered per window (0: 1<<20); past
	// it the window is shortened (the oldest entries are dropped early).
	ReplayMax int
	// UpstreamTimeout caps the wait for the upstream's response headers
	// (0: 30s); past it the client gets 504.
	UpstreamTimeout time.Duration
	// UpstreamTLS configures TLS to an https upstream (nil: system roots).
	UpstreamTLS *tls.Config
	// Logger gets JSON-friendly structured logs; never tokens or bodies.
	Logger *slog.Logger
	// Metrics, if set, are updated for every request.
	Metrics *Metrics
	// AccessLog logs every forwarded request at info level; refusals and
	// failures are always logged.
	AccessLog bool
	// AccessLogTo, when set, receives the access log's lines instead of
	// Logger, written directly in the shape of slog's JSON handler, which
	// costs a fraction of a Logger call per request. It must take whole
	// lines from many goroutines at once, as a LogBuffer does.
	AccessLogTo io.Writer
}

// Handler is the verifying reverse proxy.
type Handler struct {
	cfg       Config
	validator *webhook.Validator
	urls      urlBuilder
	allow     cidrs
	transport http.RoundTripper // an *http.Transport but in benchmarks
	buffers   *bufferPool
	replay    *replayCache
	diag      *diagnoser
	log       *slog.Logger
	access    *accessLog // nil: access lines go to log
	m         *Metrics
}

// reqState is what ServeHTTP learns about a request, for its log line
// and metrics.
type reqState struct {
	start    time.Time
	client   netip.Addr
	outcome  string
	status   int
	upstream int // the upstream's status code, 0 if it did not answer
}

// New checks cfg and returns a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Upstream == nil || cfg.Upstream.Scheme == "" || cfg.Upstream.Host == "" {
		return nil, errors.New("upstream must be an absolute http(s) URL")
	}
	if cfg.Keys == nil {
		return nil, errors.New("no token source")
	}
	base, err := checkPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	if cfg.UpstreamTimeout <= 0 {
		cfg.UpstreamTimeout = 30 * time.Second
	}
	if cfg.ReplayMax <= 0 {
		cfg.ReplayMax = 1 << 20
	}
	log := orDiscard(cfg.Logger)
	h := &Handler{
		cfg:       cfg,
		validator: &webhook.Validator{Keys: cfg.Keys, MaxBody: cfg.MaxBody, MaxParams: cfg.MaxParams},
		urls:      urlBuilder{base: base, trusted: cfg.TrustedProxies},
		allow:     cfg.AllowCIDRs,
		log:       log,
		m:         cfg.Metrics,
	}
	if cfg.ReplayWindow > 0 {
		h.replay = newReplayCache(cfg.ReplayWindow, cfg.ReplayMax, nil)
	}
	h.diag = newDiagnoser(h.validator, h.urls, log)
	h.transport = newTransport(cfg.Upstream, cfg.UpstreamTLS, cfg.UpstreamTimeout)
	h.buffers = newBufferPool()
	if cfg.AccessLogTo != nil {
		h.access = newAccessLog(cfg.AccessLogTo)
	}
	h.diag.startupWarnings(cfg.PublicURL, len(cfg.TrustedProxies) > 0)
	return h, nil
}

// checkPublicURL validates --public-url and returns it without a trailing
// slash. Errors show it redacted.
func checkPublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("public URL: not a URL") // url.Parse's error quotes it, password and all
	}
	shown := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("public URL %q: want http(s)://host[:port][/prefix]", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#") {
		return "", fmt.Errorf("public URL %q: must not hold a query or fragment; the request's own query is appended", shown)
	}
	return strings.TrimSuffix(s, "/"), nil
}

// Close closes the idle connections to the upstream.
func (h *Handler) Close() {
	if t, ok := h.transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// ServeHTTP checks the request and forwards it, or answers it itself.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := &reqState{start: time.Now(), client: h.urls.clientAddr(r)}
	defer func() {
		if p := recover(); p != nil {
			h.cutShort(r, st, p)
			h.record(r, st)
			panic(p) // net/http ends the connection (and logs other panics)
		}
		h.record(r, st)
	}()
	h.serve(w, r, st)
}

// cutShort classifies a request whose handling ended in panic p: a
// response cut short (http.ErrAbortHandler, after its status line went
// out) because the client left or because the upstream failed mid-body.
func (h *Handler) cutShort(r *http.Request, st *reqState, p any) {
	switch {
	case p != http.ErrAbortHandler:
		st.outcome, st.status = "error", http.StatusInternalServerError
	case r.Context().Err() != nil:
		st.outcome = OutcomeClientGone
	default:
		st.outcome = OutcomeUpstreamError
		h.log.LogAttrs(r.Context(), slog.LevelError, "upstream response cut short",
			slog.String("upstream", h.cfg.Upstream.Redacted()), slog.String("path", r.URL.Path))
	}
}

// record updates the metrics and writes the log line of a request.
func (h *Handler) record(r *http.Request, st *reqState) {
	now := time.Now()
	elapsed := now.Sub(st.start)
	if h.m != nil {
		h.m.observe(st.outcome, elapsed.Seconds())
	}
	if st.outcome == OutcomeForwarded && !h.cfg.AccessLog {
		return
	}
	if st.outcome == OutcomeForwarded && h.access != nil {
		h.access.write(now, accessLine{outcome: st.outcome, status: st.status, upstream: st.upstream,
			method: r.Method, path: r.URL.Path, client: st.client, duration: elapsed})
		return
	}
	level := slog.LevelInfo
	switch {
	case st.status >= 500:
		level = slog.LevelError
	case st.outcome != OutcomeForwarded && st.outcome != OutcomeClientGone:
		level = slog.LevelWarn
	}
	h.log.LogAttrs(r.Context(), level, "request",
		slog.String("outcome", st.outcome), slog.Int("status", st.status),
		slog.Int("upstream_status", st.upstream), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.String("client", st.client.String()),
		slog.Duration("duration", elapsed))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, st *reqState) {
	if len(h.allow) > 0 && !h.allow.containsAddr(st.client) {
		h.refuse(w, st, OutcomeSourceDenied, http.StatusForbidden)
		return
	}
	req, err := h.validator.Parse(r)
	if err != nil {
		h.refuse(w, st, webhook.Reason(err), webhook.StatusCode(err))
		return
	}
	public := h.urls.build(r)
	m, err := h.validator.Verify(req, public)
	if err != nil {
		if errors.Is(err, webhook.ErrSignature) {
			h.diag.failed(r, req, public)
		}
		h.refuse(w, st, webhook.Reason(err), webhook.StatusCode(err))
		return
	}
	h.diag.verified()
	if h.m != nil {
		if m.Token > 0 {
			h.m.outgoing.Inc()
		} else {
			h.m.current.Inc()
		}
	}
	var keys []replayKey
	if h.replay != nil {
		keys = append(keys, newReplayKey("sig", req.Signature))
		if id := r.Header.Get(IdempotencyHeader); id != "" {
			keys = append(keys, newReplayKey("idem", id))
		}
		if !h.replay.reserve(keys) {
			h.refuse(w, st, OutcomeReplay, http.StatusForbidden)
			return
		}
	}
	defer func() {
		if h.replay != nil && retryable(st) {
			h.replay.release(keys)
		}
	}()
	h.forward(w, r, req.Body, public, st)
}

// retryable reports whether Twilio may deliver a request again and be let
// through: the upstream never answered, failed (5xx), or asked for
// credentials (401, which Twilio answers by sending the request again
// with them).
func retryable(st *reqState) bool {
	return st.outcome != OutcomeForwarded || st.upstream >= 500 || st.upstream == http.StatusUnauthorized
}

func (h *Handler) refuse(w http.ResponseWriter, st *reqState, outcome string, status int) {
	st.outcome, st.status = outcome, status
	http.Error(w, http.StatusText(status), status)
}

// forward sends the request to the upstream and its answer back.
func (h *Handler) forward(w http.ResponseWriter, r *http.Request, body []byte, public string, st *reqState) {
	// A chunked request may have carried a Content-Length too, which
	// net/http drops (RFC 9112 §6.3): its connection must not be reused
	// (§6.1). Twilio sends Content-Length.
	closeAfter := len(r.TransferEncoding) > 0
	if closeAfter {
		w.Header().Set("Connection", "close")
	}
	resp, err := h.transport.RoundTrip(h.outbound(r, body, public))
	if err != nil {
		h.upstreamError(w, r, err, st)
		return
	}
	defer resp.Body.Close()
	st.outcome, st.upstream, st.status = OutcomeForwarded, resp.StatusCode, resp.StatusCode
	if err := h.relay(w, resp, closeAfter); err != nil {
		// The status line has gone out: all that is left is to cut the
		// connection, so that the client sees a truncated response.
		panic(http.ErrAbortHandler)
	}
}

// upstreamError answers 504 when the upstream timed out and 502 when it
// failed otherwise, and logs why.
func (h *Handler) upstreamError(w http.ResponseWriter, r *http.Request, err error, st *reqState) {
	switch {
	case r.Context().Err() != nil:
		st.outcome, st.status = OutcomeClientGone, 499
		return
	case isTimeout(err):
		st.outcome, st.status = OutcomeUpstreamTimeout, http.StatusGatewayTimeout
	default:
		st.outcome, st.status = OutcomeUpstreamError, http.StatusBadGateway
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its URL holds the request's query
	}
	h.log.LogAttrs(r.Context(), slog.LevelError, "upstream failed",
		slog.String("upstream", h.cfg.Upstream.Redacted()), slog.Int("status", st.status),
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	http.Error(w, http.StatusText(st.status), st.status)
}
