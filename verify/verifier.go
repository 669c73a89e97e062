package verify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/endpoint"
)

// Defaults for Options fields left zero.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultRate          = 5.0 // requests per second per host
	DefaultConcurrency   = 8
	DefaultMaxRetryAfter = 10 * time.Second
)

// Options configure a Verifier. The zero value is usable.
type Options struct {
	// Timeout bounds each request, answer included (DefaultTimeout).
	Timeout time.Duration
	// Rate is requests per second to each host (DefaultRate); negative
	// means no limit. Burst is how many may go at once (default 1).
	Rate  float64
	Burst int
	// Concurrency is how many credentials are verified at once.
	Concurrency int
	// MaxRetryAfter is the longest Retry-After a 429 is retried after
	// (once); longer ones make the verdict Unknown at once.
	MaxRetryAfter time.Duration
	// BaseURLs sends a verifier's requests ("twilio", "github"…, or "*"
	// for every verifier) to another base URL, such as a local fake. The
	// provider's host is kept in the Host header. Each URL must pass
	// endpoint.ParseBase (no credentials in it; plain http only to a
	// loopback address); a command that takes them from its user applies
	// endpoint.Policy first.
	BaseURLs map[string]string
	// Transport sends the requests; nil means endpoint.Transport() (TLS
	// 1.2 or later; "localhost" dialled only at loopback addresses).
	Transport http.RoundTripper
	// Providers replaces the table (tests); nil means Providers().
	Providers []Provider
	// UserAgent is sent with every request (default "vigil").
	UserAgent string
	// Logger receives a debug line per request (never a secret, a URL or
	// a body). Nil discards.
	Logger *slog.Logger

	clock clock // nil: the wall clock
}

// Verifier verifies findings through the provider table, each distinct
// credential once. It is safe for concurrent use.
type Verifier struct {
	opts      Options
	providers map[string]*registered
	client    *http.Client
	limiter   *limiter
	clock     clock
	logger    *slog.Logger
	sem       chan struct{}
	requests  atomic.Int64

	mu    sync.Mutex
	cache map[string]*result
}

type registered struct {
	Provider
	base     *url.URL
	patterns []*regexp.Regexp
}

// result is one credential's verification, shared by every finding of it.
type result struct {
	done    chan struct{}
	verdict vigil.Verdict
}

// New checks the options and returns a Verifier. It makes no request.
func New(opts Options) (*Verifier, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Rate == 0 {
		opts.Rate = DefaultRate
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxRetryAfter == 0 {
		opts.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "vigil"
	}
	if opts.clock == nil {
		opts.clock = realClock{}
	}
	v := &Verifier{
		opts: opts, providers: map[string]*registered{}, clock: opts.clock, logger: opts.Logger,
		limiter: newLimiter(opts.Rate, opts.Burst, opts.clock),
		sem:     make(chan struct{}, opts.Concurrency), cache: map[string]*result{},
	}
	if v.logger == nil {
		v.logger = slog.New(slog.DiscardHandler)
	}
	ps := opts.Providers
	if ps == nil {
		ps = Providers()
	}
	if err := checkTable(ps); err != nil {
		return nil, err
	}
	for _, p := range ps {
		r := &registered{Provider: p}
		for _, e := range p.Endpoints {
			r.patterns = append(r.patterns, e.pattern())
		}
		v.providers[p.Name] = r
	}
	for name, raw := range opts.BaseURLs {
		base, err := endpoint.ParseBase(raw)
		if err != nil {
			return nil, fmt.Errorf("verifier %s: %w", name, err)
		}
		if name == "*" {
			for _, r := range v.providers {
				if _, own := opts.BaseURLs[r.Name]; !own {
					r.base = base
				}
			}
			continue
		}
		r := v.providers[name]
		if r == nil {
			return nil, fmt.Errorf("base URL for unknown verifier %q", name)
		}
		r.base = base
	}
	tr := opts.Transport
	if tr == nil {
		tr = endpoint.Transport()
	}
	v.client = &http.Client{
		Transport: tr,
		// A redirect is not an answer about the credential, and following
		// one could carry the credential elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return v, nil
}

// Supports reports whether name is a verifier in the table.
func (v *Verifier) Supports(name string) bool { return v.providers[name] != nil }

// Requests is how many HTTP requests the Verifier has sent (retries
// included).
func (v *Verifier) Requests() int { return int(v.requests.Load()) }

// Verify returns the verdict on f's credential, asking its provider the
// first time the credential is seen and reusing that answer afterwards.
// Findings without a known verifier are NotVerified.
func (v *Verifier) Verify(ctx context.Context, f *vigil.Finding) vigil.Verdict {
	p := v.providers[f.Verifier]
	if p == nil {
		return vigil.Verdict{}
	}
	fp := f.Fingerprint()
	v.mu.Lock()
	r := v.cache[fp]
	if r != nil {
		v.mu.Unlock()
		select {
		case <-r.done:
			return r.verdict
		case <-ctx.Done():
			return Failed(ctx.Err())
		}
	}
	r = &result{done: make(chan struct{})}
	v.cache[fp] = r
	v.mu.Unlock()
	r.verdict = v.check(ctx, p, credentialOf(f))
	close(r.done)
	return r.verdict
}

// check runs one provider check within the concurrency limit.
func (v *Verifier) check(ctx context.Context, p *registered, cred Credential) vigil.Verdict {
	select {
	case v.sem <- struct{}{}:
		defer func() { <-v.sem }()
	case <-ctx.Done():
		return Failed(ctx.Err())
	}
	if ctx.Err() != nil {
		return Failed(ctx.Err())
	}
	c := &Call{v: v, provider: p.Name, base: p.base, patterns: p.patterns}
	return scrub(p.Check(ctx, c, cred), cred)
}

// scrub drops facts that hold the secret, should a provider ever echo it
// in a field a verifier reads.
func scrub(v vigil.Verdict, cred Credential) vigil.Verdict {
	secrets := []string{cred.Secret.Reveal()}
	for _, name := range []string{"secret_access_key", "session_token"} {
		secrets = append(secrets, cred.Part(name).Reveal())
	}
	for k, val := range v.Facts {
		for _, s := range secrets {
			if len(s) >= 8 && strings.Contains(val, s) {
				delete(v.Facts, k)
			}
		}
	}
	return v
}

// Stats sum up a VerifyAll run.
type Stats struct {
	// Credentials is the number of distinct credentials verified.
	Credentials int
	// Requests is the number of HTTP requests sent.
	Requests int
	// Findings by verdict (NotVerified: no verifier for the rule).
	Valid, Invalid, Unknown, NotVerified int
}

// VerifyAll sets the Verdict of every finding, verifying each distinct
// credential once with up to Options.Concurrency at a time. It returns
// ctx.Err() when ctx ended before every credential had an answer.
func (v *Verifier) VerifyAll(ctx context.Context, fs []vigil.Finding) (Stats, error) {
	before := v.Requests()
	byFP := map[string][]int{}
	var order []string
	for i := range fs {
		if v.providers[fs[i].Verifier] == nil {
			continue
		}
		fp := fs[i].Fingerprint()
		if _, ok := byFP[fp]; !ok {
			order = append(order, fp)
		}
		byFP[fp] = append(byFP[fp], i)
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(v.opts.Concurrency, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fp := range work {
				idx := byFP[fp]
				verdict := v.Verify(ctx, &fs[idx[0]])
				for _, i := range idx {
					fs[i].Verdict = verdict
				}
			}
		}()
	}
feed:
	for _, fp := range order {
		select {
		case work <- fp:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	st := Stats{Credentials: len(order), Requests: v.Requests() - before}
	for i := range fs {
		if ctx.Err() != nil && fs[i].Verdict.Status == vigil.NotVerified && v.providers[fs[i].Verifier] != nil {
			fs[i].Verdict = Failed(ctx.Err())
		}
		switch fs[i].Verdict.Status {
		case vigil.Valid:
			st.Valid++
		case vigil.Invalid:
			st.Invalid++
		case vigil.Unknown:
			st.Unknown++
		default:
			st.NotVerified++
		}
	}
	return st, ctx.Err()
}
