// Package serve is vigil's console: server-rendered HTML pages and a JSON
// API over the same handlers, on the fleet's store. People sign in with a
// password (argon2id) and get a session cookie; scripts use API tokens.
// Roles: a viewer reads, a member triages, an admin rotates credentials
// and manages users and the fleet. Every change is written to an audit
// trail, and no page ever shows a secret: an incident shows its redacted
// preview only.
//
// The pages work without JavaScript (there is none) and without a
// front-end build: templates and one stylesheet are embedded.
package serve

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve/password"
)

// Jobs enqueues the fleet's work (fleet.Fleet in InsertOnly mode).
type Jobs interface {
	ReverifyNow(ctx context.Context, incidentID int64, actor string) error
	ScanNow(ctx context.Context, repositoryID int64) error
}

// Options configure a Server.
type Options struct {
	// Store is the fleet's database, migrated.
	Store *store.Store
	// Jobs enqueues re-verifications and scans; nil: those buttons say
	// the fleet's jobs are not available.
	Jobs Jobs
	// Twilio runs rotations and exposure checks; nil: not available.
	Twilio *Twilio
	// Audits reads the Twilio audit results the fleet stored; nil: the
	// accounts page says no audit has run.
	Audits Audits
	// SecureCookies marks cookies Secure (the console is served over
	// TLS, itself or behind a proxy).
	SecureCookies bool
	// Password is the argon2id cost of new hashes (default
	// password.Default()).
	Password password.Params
	// SessionIdle and SessionMax bound a session: it ends after this long
	// unused, and this long after sign-in in any case (8h, 7 days).
	SessionIdle, SessionMax time.Duration
	// LoginFailures failed sign-ins of one name or one address within
	// LoginWindow lock further tries out until the window passes (5, 15
	// minutes).
	LoginFailures int
	LoginWindow   time.Duration
	// OIDC adds sign-in through an OpenID Connect provider; nil:
	// passwords only.
	OIDC *OIDC
	// Logger receives request errors; nil discards.
	Logger *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Server is the console.
type Server struct {
	opts    Options
	st      *store.Store
	log     *slog.Logger
	pages   *templates
	limiter *limiter
	mux     *http.ServeMux

	dummyOnce sync.Once
	dummy     string

	// rot are the rotations running in this process; bg is their
	// context, canceled by Close.
	rot  *rotations
	bg   context.Context
	stop context.CancelFunc

	// oidc is the single sign-on flow (nil: none).
	oidc *oidcFlow
}

// New builds the console.
func New(opts Options) (*Server, error) {
	if opts.Password == (password.Params{}) {
		opts.Password = password.Default()
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 8 * time.Hour
	}
	if opts.SessionMax <= 0 {
		opts.SessionMax = 7 * 24 * time.Hour
	}
	if opts.LoginFailures <= 0 {
		opts.LoginFailures = 5
	}
	if opts.LoginWindow <= 0 {
		opts.LoginWindow = 15 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, st: opts.Store, log: opts.Logger, rot: &rotations{run: map[int64]*running{}}}
	s.bg, s.stop = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	if opts.OIDC != nil {
		if opts.OIDC.Issuer == "" || opts.OIDC.ClientID == "" || opts.OIDC.RedirectURL == "" {
			return nil, errors.New("single sign-on needs the provider's issuer, the console's client id and its redirect URL")
		}
		s.oidc = &oidcFlow{conf: opts.OIDC}
	}
	s.limiter = newLimiter(opts.LoginFailures, opts.LoginWindow, opts.Now)
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// ServeHTTP serves the console with its security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if s.opts.SecureCookies {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	s.mux.ServeHTTP(w, r)
}

// Close stops the rotations running in this process (each stops at a
// step its journal can resume from) and waits for them.
func (s *Server) Close() {
	s.stop()
	s.rot.wg.Wait()
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }
