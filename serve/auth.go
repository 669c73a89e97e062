package serve

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
)

// Cookie names; with Secure cookies the session's carries the __Host-
// prefix, which browsers only accept over TLS, for the whole site, set by
// the site itself.
const (
	sessionCookieName = "vigil_session"
	loginCookieName   = "vigil_login"
	// TokenPrefix starts every API token, so that a leaked one is
	// recognisable.
	TokenPrefix = "vigil_"
)

var (
	errNoSession = errors.New("no session")
	errBadToken  = errors.New("missing or invalid API token")
)

func (s *Server) sessionCookie() string {
	if s.opts.SecureCookies {
		return "__Host-" + sessionCookieName
	}
	return sessionCookieName
}

// randomToken is 32 random bytes, base64url.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken is what the store keeps of a session id or API token: they
// are random and long, so a fast hash is enough.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func equalStrings(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// session finds the request's session and user. errNoSession: none, or
// expired, or its user is disabled.
func (s *Server) session(r *http.Request) (store.Session, store.User, error) {
	c, err := r.Cookie(s.sessionCookie())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return store.Session{}, store.User{}, errNoSession
	}
	ctx := r.Context()
	se, u, err := s.st.SessionUser(ctx, hashToken(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return se, u, errNoSession
	}
	if err != nil {
		return se, u, err
	}
	now := s.now()
	if u.Disabled || !now.Before(se.ExpiresAt) || !now.Before(se.CreatedAt.Add(s.opts.SessionMax)) {
		_ = s.st.DeleteSession(ctx, se.IDHash)
		return se, u, errNoSession
	}
	// Slide the idle expiry, at most once a minute (a write per request
	// would be a write per page view).
	if now.Sub(se.LastSeen) > time.Minute {
		exp := now.Add(s.opts.SessionIdle)
		if max := se.CreatedAt.Add(s.opts.SessionMax); exp.After(max) {
			exp = max
		}
		if err := s.st.TouchSession(ctx, se.IDHash, now, exp); err != nil {
			return se, u, err
		}
	}
	return se, u, nil
}

// startSession signs a user in: a new session id (never one the browser
// brought), its cookie, and a CSRF token for its forms.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User) error {
	id, err := randomToken()
	if err != nil {
		return err
	}
	csrf, err := randomToken()
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.st.CreateSession(r.Context(), store.Session{IDHash: hashToken(id), UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.opts.SessionIdle)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: id, Path: "/", HttpOnly: true, Secure: s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.opts.SessionMax / time.Second)})
	return nil
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, se store.Session) error {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", HttpOnly: true, Secure: s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return s.st.DeleteSession(r.Context(), se.IDHash)
}

// bearer finds the user of the request's API token.
func (s *Server) bearer(ctx context.Context, r *http.Request) (store.User, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(tok, TokenPrefix) || len(tok) > 200 {
		return store.User{}, errBadToken
	}
	t, u, err := s.st.TokenUser(ctx, hashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return u, errBadToken
	}
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return u, errBadToken
	}
	if s.now().Sub(t.LastUsed) > time.Minute {
		if err := s.st.TouchToken(ctx, t.ID); err != nil {
			return u, err
		}
	}
	return u, nil
}

// NewToken makes an API token for a user and stores its hash; the token
// is returned once and never again.
func NewToken(ctx context.Context, st *store.Store, userID int64, name string) (string, store.Token, error) {
	raw, err := randomToken()
	if err != nil {
		return "", store.Token{}, err
	}
	tok := TokenPrefix + raw
	t, err := st.AddToken(ctx, userID, name, hashToken(tok))
	return tok, t, err
}

// allowed reports whether a role may do what needs another.
func allowed(have, need string) bool {
	return store.RoleRank(have) >= store.RoleRank(need) && store.RoleRank(need) > 0
}
