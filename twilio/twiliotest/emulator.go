package twiliotest

import (
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Options configure an Emulator. The zero value is ready to use.
type Options struct {
	// Clock returns the emulator's current time: resource dates, Monitor
	// events, relative seed dates and usage periods all follow it. Nil means
	// time.Now. Use a *Clock for deterministic tests.
	Clock func() time.Time
	// Rand is the source of generated SIDs, tokens and secrets. Nil means
	// crypto/rand. A fixed reader makes runs reproducible.
	Rand io.Reader
	// SuspendedAs chooses how credentials of a suspended account are
	// refused: Forbidden (403/20403, the default) or AuthFailure
	// (401/20003). Twilio documents both; test your client against both.
	SuspendedAs Refusal
	// KeyEventPrefix is the Monitor resource type key changes are recorded
	// under: "account-api-keys" (default) or "account-keys".
	KeyEventPrefix string
	// RateLimit, when set, refuses requests beyond a per-credential rate
	// with 429/20429 and a Retry-After header.
	RateLimit *RateLimit
	// Logger receives one debug line per request (never a secret). Nil
	// discards.
	Logger *slog.Logger
}

// Refusal is how a refused credential is answered.
type Refusal int

const (
	// Forbidden answers 403 with code 20403.
	Forbidden Refusal = iota
	// AuthFailure answers 401 with code 20003.
	AuthFailure
)

// Emulator is a stateful, in-process Twilio REST API. It is an
// http.Handler, safe for concurrent use; see the package documentation.
type Emulator struct {
	opts   Options
	clock  func() time.Time
	rand   io.Reader
	logger *slog.Logger

	routes []route

	mu       sync.Mutex
	accounts map[string]*account // by SID, main accounts and subaccounts
	order    []string            // account SIDs in creation order
	keys     map[string]*key     // by SID, across accounts
	faults   []*FaultHandle
	log      []Request
	limiter  *limiter
	closed   chan struct{}
	once     sync.Once
}

// New returns an empty emulator. Add accounts with AddAccount or Apply.
func New(opts Options) *Emulator {
	e := &Emulator{
		opts:     opts,
		clock:    opts.Clock,
		rand:     opts.Rand,
		logger:   opts.Logger,
		accounts: map[string]*account{},
		keys:     map[string]*key{},
		closed:   make(chan struct{}),
	}
	e.routes = e.routeTable()
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.rand == nil {
		e.rand = rand.Reader
	}
	if e.logger == nil {
		e.logger = slog.New(slog.DiscardHandler)
	}
	if e.opts.KeyEventPrefix == "" {
		e.opts.KeyEventPrefix = "account-api-keys"
	}
	if opts.RateLimit != nil {
		e.limiter = newLimiter(*opts.RateLimit)
	}
	return e
}

// Now is the emulator's current time, in UTC.
func (e *Emulator) Now() time.Time { return e.clock().UTC() }

// Close releases requests held by FaultHang faults. The emulator still answers
// afterwards; Close only ends the hanging.
func (e *Emulator) Close() { e.once.Do(func() { close(e.closed) }) }

// ServeHTTP answers one Twilio API request.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := e.Now()
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	req := newRequestRecord(r, started)

	fault := e.matchFault(r, req, BeforeHandling)
	if fault == nil {
		fault = e.rateLimited(req)
	}
	if fault != nil {
		req.Fault = fault.kind
		if !fault.kind.passesThrough() {
			e.finish(req, fault.apply(w, r, e.closed))
			return
		}
		if !fault.wait(r, e.closed) { // FaultSlow: wait, then answer normally.
			e.finish(req, 0)
			return
		}
	}
	e.handle(rec, r)
	req.Status, req.Code = rec.status, rec.code
	if after := e.matchFault(r, req, AfterHandling); after != nil {
		req.Fault, req.Code = after.kind, 0
		if !after.kind.passesThrough() {
			e.finish(req, after.apply(w, r, e.closed))
			return
		}
		if !after.wait(r, e.closed) {
			e.finish(req, 0)
			return
		}
	}
	rec.flush(w)
	e.finish(req, rec.status)
}

// finish records a request with the status the client saw (0: none).
func (e *Emulator) finish(req Request, status int) {
	req.Status = status
	e.mu.Lock()
	e.log = append(e.log, req)
	e.mu.Unlock()
	e.logger.Debug("twilio emulator", "method", req.Method, "host", req.Host, "path", req.Path,
		"user", req.Username, "status", req.Status, "code", req.Code, "fault", req.Fault.String())
}
