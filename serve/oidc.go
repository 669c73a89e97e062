package serve

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/vigilsec/vigil/fleet/store"
	"golang.org/x/oauth2"
)

// OIDC configures sign-in through an OpenID Connect provider, beside
// passwords: the authorization-code flow with PKCE (S256), a state and a
// nonce, each checked. The provider's verified email must be the name of
// a console user (an admin adds people with their role first; the
// provider creates no one).
type OIDC struct {
	// Issuer is the provider's issuer URL (its discovery document is
	// Issuer/.well-known/openid-configuration).
	Issuer string
	// ClientID and ClientSecret are the console's registration at the
	// provider.
	ClientID, ClientSecret string
	// RedirectURL is the console's callback as registered at the
	// provider: the console's address followed by /login/oidc/callback.
	RedirectURL string
	// Client makes the requests to the provider (nil:
	// http.DefaultClient).
	Client *http.Client
}

// oidcCookie carries a sign-in's state, nonce, PKCE verifier and the page
// to return to, from the redirect to the provider to its callback.
const oidcCookie = "vigil_oidc"

// oidcFlow is the provider, discovered on first use (the console starts
// while the provider is down, and tries again at the next sign-in).
type oidcFlow struct {
	conf *OIDC
	mu   sync.Mutex
	prov *oidc.Provider
}

func (f *oidcFlow) ctx(ctx context.Context) context.Context {
	if f.conf.Client != nil {
		return oidc.ClientContext(ctx, f.conf.Client)
	}
	return ctx
}

func (f *oidcFlow) provider(ctx context.Context) (*oidc.Provider, oauth2.Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.prov == nil {
		p, err := oidc.NewProvider(f.ctx(ctx), f.conf.Issuer)
		if err != nil {
			return nil, oauth2.Config{}, fmt.Errorf("the sign-in provider %s: %w", f.conf.Issuer, err)
		}
		f.prov = p
	}
	return f.prov, oauth2.Config{ClientID: f.conf.ClientID, ClientSecret: f.conf.ClientSecret, RedirectURL: f.conf.RedirectURL,
		Endpoint: f.prov.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email"}}, nil
}

// oidcStart sends the browser to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	_, conf, err := s.oidc.provider(r.Context())
	if err != nil {
		s.log.Error("oidc discovery", "err", err)
		s.showLogin(w, r, http.StatusBadGateway, loginData{Message: "Single sign-on is not answering (" + err.Error() + "). Try again, or sign in with a password."})
		return
	}
	state, err1 := randomToken()
	nonce, err2 := randomToken()
	if err := errors.Join(err1, err2); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	verifier := oauth2.GenerateVerifier()
	next := base64.RawURLEncoding.EncodeToString([]byte(localPath(r.URL.Query().Get("next"))))
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: strings.Join([]string{state, nonce, verifier, next}, "."), Path: "/login/oidc",
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((10 * time.Minute).Seconds())})
	http.Redirect(w, r, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// oidcCallback takes the provider's answer: the state must be the one
// this browser was sent with, the code is exchanged with the PKCE
// verifier, and the ID token must be signed by the provider, for this
// console, unexpired, and carry the nonce.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	refuse := func(status int, msg string) {
		s.showLogin(w, r, status, loginData{Message: msg})
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/login/oidc", MaxAge: -1})
	q := r.URL.Query()
	c, err := r.Cookie(oidcCookie)
	var parts []string
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	if len(parts) != 4 || !equalStrings(parts[0], q.Get("state")) {
		refuse(http.StatusForbidden, "This single sign-on answer was not started from this browser, or it has expired. Sign in again.")
		return
	}
	nonce, verifier := parts[1], parts[2]
	next, _ := base64.RawURLEncoding.DecodeString(parts[3])
	if e := q.Get("error"); e != "" {
		refuse(http.StatusUnauthorized, "The sign-in provider refused: "+e+" "+q.Get("error_description"))
		return
	}
	prov, conf, err := s.oidc.provider(r.Context())
	if err != nil {
		refuse(http.StatusBadGateway, "Single sign-on is not answering ("+err.Error()+"). Try again, or sign in with a password.")
		return
	}
	ctx := s.oidc.ctx(r.Context())
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.Warn("oidc code exchange", "err", err)
		refuse(http.StatusUnauthorized, "The sign-in provider did not accept the sign-in. Sign in again.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := prov.Verifier(&oidc.Config{ClientID: s.oidc.conf.ClientID, Now: s.now}).Verify(ctx, raw)
	if err == nil && !equalStrings(id.Nonce, nonce) {
		err = errors.New("the ID token's nonce is not this sign-in's")
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err == nil {
		err = id.Claims(&claims)
	}
	if err != nil {
		s.log.Warn("oidc id token", "err", err)
		refuse(http.StatusUnauthorized, "The sign-in provider's answer could not be trusted ("+err.Error()+"). Sign in again.")
		return
	}
	if claims.Email == "" || !claims.Verified {
		refuse(http.StatusForbidden, "The sign-in provider gave no verified email address, which is how the console knows its users.")
		return
	}
	u, err := s.st.UserByName(r.Context(), claims.Email)
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled {
		_ = s.st.Audit(r.Context(), store.AuditEntry{Actor: claims.Email, Action: "login_failed", Detail: "oidc " + clientIP(r)})
		refuse(http.StatusForbidden, "No console user is named "+claims.Email+" (or the user is disabled): an admin adds people, with their role, on the Users page.")
		return
	}
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		p := s.problemFor(r, err)
		refuse(p.Status, p.Title+": "+p.Detail)
		return
	}
	_ = s.st.Audit(r.Context(), store.AuditEntry{Actor: u.Name, Action: "login", Detail: "oidc " + clientIP(r)})
	http.Redirect(w, r, orRoot(localPath(string(next))), http.StatusSeeOther)
}
