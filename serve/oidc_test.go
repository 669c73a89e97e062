package serve

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// fakeIdP is an OpenID Connect provider on loopback, as the spec has it:
// discovery, an authorization endpoint that signs its one person in at
// once, a token endpoint that checks the client, the redirect URI and the
// PKCE verifier (S256) and answers an RS256-signed ID token with the
// request's nonce, and its keys.
type fakeIdP struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	redirect *string // the console's registered callback

	mu       sync.Mutex
	email    string
	verified bool
	badNonce bool // answer a nonce other than the request's
	grants   map[string]url.Values
}

const idpClient, idpSecret = "vigil-console", "client-secret-for-tests"

func newFakeIdP(t *testing.T, redirect *string) *fakeIdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeIdP{t: t, key: key, redirect: redirect, verified: true, grants: map[string]url.Values{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		u := p.srv.URL
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
			"jwks_uri": u + "/keys", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != idpClient || q.Get("redirect_uri") != *p.redirect ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		!strings.Contains(" "+q.Get("scope")+" ", " openid ") {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.grants[code] = q
	p.mu.Unlock()
	http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (p *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	fail := func(e string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": e})
	}
	if err := r.ParseForm(); err != nil {
		fail("invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != idpClient || secret != idpSecret {
		fail("invalid_client")
		return
	}
	p.mu.Lock()
	grant, found := p.grants[r.PostForm.Get("code")]
	delete(p.grants, r.PostForm.Get("code")) // a code is good once
	email, verified, badNonce := p.email, p.verified, p.badNonce
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != grant.Get("redirect_uri") ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != grant.Get("code_challenge") {
		fail("invalid_grant")
		return
	}
	nonce := grant.Get("nonce")
	if badNonce {
		nonce = "another-" + nonce
	}
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{"iss": p.srv.URL, "sub": "user-1", "aud": idpClient, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": nonce, "email": email, "email_verified": verified})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		p.t.Error(err)
		return
	}
	jws, err := signer.Sign(claims)
	if err != nil {
		p.t.Error(err)
		return
	}
	idToken, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

func (p *fakeIdP) set(email string, verified, badNonce bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.email, p.verified, p.badNonce = email, verified, badNonce
}

// ssoFixture is a console whose single sign-on is the fake provider.
func ssoFixture(t *testing.T) (*fixture, *fakeIdP) {
	redirect := "http://placeholder/login/oidc/callback"
	idp := newFakeIdP(t, &redirect)
	conf := &OIDC{Issuer: idp.srv.URL, ClientID: idpClient, ClientSecret: idpSecret, RedirectURL: redirect}
	f := newFixture(t, func(o *Options) { o.OIDC = conf })
	redirect = f.ts.URL + "/login/oidc/callback"
	conf.RedirectURL = redirect
	return f, idp
}

// ssoStart asks the console for single sign-on and follows it to the
// provider: the callback URL the provider sends the browser back to.
func ssoStart(t *testing.T, c *client, next string) string {
	t.Helper()
	res, _ := c.get("/login/oidc?next=" + url.QueryEscape(next))
	to := res.Header.Get("Location")
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(to, c.f.ts.URL) && !strings.Contains(to, "/authorize?") {
		t.Fatalf("GET /login/oidc: %d to %q", res.StatusCode, to)
	}
	u, _ := url.Parse(to)
	if q := u.Query(); q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("the authorization request lacks PKCE, a nonce or a state: %s", to)
	}
	res, err := c.hc.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("the provider answered %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

// withParam sets one query parameter of a URL.
func withParam(rawURL, key, value string) string {
	u, _ := url.Parse(rawURL)
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *client) getURL(u string) (*http.Response, string) {
	c.f.t.Helper()
	res, err := c.hc.Get(u)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return res, readAll(c.f.t, res)
}

// TestOIDCSignIn: single sign-on signs in the console user named by the
// provider's verified email, and returns to the page asked for; the
// state, the nonce and the PKCE verifier are each checked, a callback is
// good once and only in the browser that started it, and a provider that
// names no console user, or an unverified email, signs no one in.
func TestOIDCSignIn(t *testing.T) {
	f, idp := ssoFixture(t)
	f.user("ada@example.com", "member")
	idp.set("ada@example.com", true, false)

	c := f.anon()
	if _, page := c.get("/login"); !strings.Contains(page, `href="/login/oidc"`) {
		t.Error("the sign-in page offers no single sign-on")
	}
	callback := ssoStart(t, c, "/incidents?status=open")
	res, body := c.getURL(callback)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/incidents?status=open" {
		t.Fatalf("callback: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if res, _ := c.get("/incidents"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in by single sign-on, /incidents: %d", res.StatusCode)
	}
	entries, err := f.st.AuditLog(context.Background(), 10, 0)
	if err != nil || len(entries) == 0 || entries[0].Action != "login" || entries[0].Actor != "ada@example.com" || !strings.HasPrefix(entries[0].Detail, "oidc") {
		t.Errorf("audit trail: %+v %v", entries, err)
	}
	// The same callback again: the flow's cookie is gone.
	if res, _ := c.getURL(callback); res.StatusCode != http.StatusForbidden {
		t.Errorf("a callback replayed: %d, want 403", res.StatusCode)
	}

	refused := func(name string, status int, want string, callback func(c *client) string) {
		t.Helper()
		c := f.anon()
		res, body := c.getURL(callback(c))
		if res.StatusCode != status || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want %d saying %q:\n%.300s", name, res.StatusCode, status, want, body)
		}
		if res, _ := c.get("/incidents"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: signed in anyway (/incidents: %d)", name, res.StatusCode)
		}
	}
	refused("forged state", http.StatusForbidden, "not started from this browser", func(c *client) string { return withParam(ssoStart(t, c, ""), "state", "forged") })
	refused("another browser's callback", http.StatusForbidden, "not started from this browser", func(*client) string {
		return ssoStart(t, f.anon(), "")
	})
	refused("a code that is not the provider's", http.StatusUnauthorized, "did not accept", func(c *client) string { return withParam(ssoStart(t, c, ""), "code", "made-up") })
	refused("the provider's error", http.StatusUnauthorized, "access_denied", func(c *client) string {
		u, _ := url.Parse(ssoStart(t, c, ""))
		return u.Scheme + "://" + u.Host + u.Path + "?" + url.Values{"error": {"access_denied"}, "state": {u.Query().Get("state")}}.Encode()
	})
	idp.set("ada@example.com", true, true)
	refused("another nonce", http.StatusUnauthorized, "nonce", func(c *client) string { return ssoStart(t, c, "") })
	idp.set("ada@example.com", false, false)
	refused("an unverified email", http.StatusForbidden, "no verified email", func(c *client) string { return ssoStart(t, c, "") })
	idp.set("eve@example.com", true, false)
	refused("no such console user", http.StatusForbidden, "No console user is named eve@example.com", func(c *client) string { return ssoStart(t, c, "") })

	// A provider that does not answer: the sign-in page says so.
	idp.srv.Close()
	g, _ := ssoFixture(t)
	g.srv.oidc.conf.Issuer = idp.srv.URL
	if res, body := g.anon().get("/login/oidc"); res.StatusCode != http.StatusBadGateway || !strings.Contains(body, "not answering") {
		t.Errorf("provider down: %d %.200s", res.StatusCode, body)
	}
}
