package twiliotest

import (
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Request is one request the emulator received, as the request log keeps
// it. It holds the credential's SID but never its secret, and never a
// response body.
type Request struct {
	Time     time.Time // emulator clock when it arrived
	Method   string
	Host     string // product host (HostAPI, …), "" if unknown
	Path     string
	Query    url.Values
	Username string // Basic-auth user: AC… or SK…; "" without credentials
	Status   int    // status the client saw; 0 when it saw none (hang, reset)
	Code     int    // Twilio error code of an error answer
	Fault    FaultKind
}

func newRequestRecord(r *http.Request, now time.Time) Request {
	host := canonicalHost(r.Host)
	if host == "" {
		host = hostForPath(r.URL.Path)
	}
	user, _, _ := r.BasicAuth()
	return Request{Time: now, Method: r.Method, Host: host, Path: r.URL.Path, Query: r.URL.Query(), Username: user}
}

// Requests returns a copy of the request log, oldest first.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.log...)
}

// RequestCount counts logged requests that match; a nil match counts all.
func (e *Emulator) RequestCount(match func(Request) bool) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if match == nil || match(r) {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (e *Emulator) ResetRequests() {
	e.mu.Lock()
	e.log = nil
	e.mu.Unlock()
}

// RateLimit refuses a credential's requests beyond Burst at once and
// PerSecond sustained, as Twilio's concurrency and rate limits do, with
// 429/20429 and Retry-After. Requests without credentials share one bucket.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// limiter is a token bucket per credential on the wall clock (rate limits
// are about the client's real pacing, not the emulator's clock).
type limiter struct {
	mu      sync.Mutex
	cfg     RateLimit
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(cfg RateLimit) *limiter {
	if cfg.Burst < 1 {
		cfg.Burst = 1
	}
	return &limiter{cfg: cfg, buckets: map[string]*bucket{}, now: time.Now}
}

// take spends one token; when none is left it returns how long until one is.
func (l *limiter) take(user string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[user]
	if b == nil {
		b = &bucket{tokens: float64(l.cfg.Burst), last: now}
		l.buckets[user] = b
	}
	b.tokens = min(float64(l.cfg.Burst), b.tokens+now.Sub(b.last).Seconds()*l.cfg.PerSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	if l.cfg.PerSecond <= 0 {
		return time.Hour, false
	}
	return time.Duration((1 - b.tokens) / l.cfg.PerSecond * float64(time.Second)), false
}

// rateLimited returns a FaultRateLimit fault when the built-in limiter refuses.
func (e *Emulator) rateLimited(req Request) *FaultHandle {
	if e.limiter == nil {
		return nil
	}
	wait, ok := e.limiter.take(req.Username)
	if ok {
		return nil
	}
	return &FaultHandle{e: e, kind: FaultRateLimit, f: Fault{Kind: FaultRateLimit, RetryAfter: wait}}
}
