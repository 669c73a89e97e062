package serve

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestPagesNeedASession: every page asked for without a session sends
// the browser to /login, remembering where it was going.
func TestPagesNeedASession(t *testing.T) {
	f := newFixture(t)
	c := f.anon()
	for _, p := range []string{"/", "/incidents", "/incidents/1", "/repositories", "/twilio", "/users", "/account", "/audit", "/settings/rotation", "/rotations/1"} {
		res, _ := c.get(p)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("GET %s without a session: %d → %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestSignIn: a wrong password is refused, the right one gives an
// HttpOnly, SameSite=Lax session cookie and goes where the person was
// going, but never to another site.
func TestSignIn(t *testing.T) {
	f := newFixture(t)
	f.user("ada", "admin")
	c := f.anon()
	res, body := c.signIn("ada", "wrong-password-xyz", "/incidents")
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	res, _ = c.signIn("nobody", "wrong-password-xyz", "")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", res.StatusCode)
	}
	res, _ = c.signIn("ada", pw("ada"), "/incidents?status=open")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/incidents?status=open" {
		t.Fatalf("sign-in: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookieName {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie = %+v", session)
	}
	if strings.Contains(strings.Join(f.dbDump(t), "\n"), session.Value) {
		t.Error("the session id is stored in clear")
	}
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		c2 := f.anon()
		res, _ := c2.signIn("ada", pw("ada"), next)
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q sent the browser to %q", next, loc)
		}
	}
}

// dbDump is every session id hash and token hash stored.
func (f *fixture) dbDump(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, q := range []string{"SELECT id_hash FROM console_sessions", "SELECT hash FROM console_tokens", "SELECT password_hash FROM console_users"} {
		rows, err := f.st.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			out = append(out, s)
		}
		rows.Close()
	}
	return out
}

// TestSecureCookies: behind TLS the session cookie is Secure and
// __Host- prefixed.
func TestSecureCookies(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.SecureCookies = true })
	f.user("ada", "admin")
	c := f.anon()
	// The test server is plain HTTP, so the jar will not send a Secure
	// cookie back: look at the Set-Cookie only.
	res, _ := c.signIn("ada", pw("ada"), "")
	var ok bool
	for _, ck := range res.Cookies() {
		if ck.Name == "__Host-"+sessionCookieName && ck.Secure && ck.HttpOnly && ck.Path == "/" {
			ok = true
		}
	}
	if !ok {
		t.Fatalf("no Secure __Host- session cookie in %v", res.Header["Set-Cookie"])
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header behind TLS")
	}
}

// TestLoginForgedForm: a sign-in form posted from elsewhere (no matching
// sign-in token) signs no one in.
func TestLoginForgedForm(t *testing.T) {
	f := newFixture(t)
	f.user("ada", "admin")
	c := f.anon()
	res, _ := c.postRaw("/login", url.Values{"username": {"ada"}, "password": {pw("ada")}, "login_token": {"forged"}})
	if res.StatusCode != http.StatusForbidden || len(res.Cookies()) > 0 && res.Cookies()[0].Name == sessionCookieName {
		t.Fatalf("forged sign-in: %d %v", res.StatusCode, res.Cookies())
	}
}

// TestLoginRateLimit: after five failures a name is locked out, even
// with the right password, until the window passes.
func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t)
	f.user("ada", "admin")
	c := f.anon()
	for range 5 {
		c.signIn("ada", "wrong-password-xyz", "")
	}
	res, body := c.signIn("ada", pw("ada"), "")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed sign-ins") {
		t.Fatalf("sixth try: %d", res.StatusCode)
	}
	f.advance(16 * time.Minute)
	if res, _ := c.signIn("ada", pw("ada"), ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
	entries, _ := f.st.AuditLog(context.Background(), 100, 0)
	fails := 0
	for _, e := range entries {
		if e.Action == "login_failed" {
			fails++
		}
	}
	if fails != 5 {
		t.Errorf("%d failed sign-ins in the audit trail, want 5", fails)
	}
}

// TestSessionExpiry: a session unused for longer than the idle time, or
// older than the maximum, is over; sign-out ends it at once.
func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	c := f.login("ada", "admin")
	if res, _ := c.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("fresh session: %d", res.StatusCode)
	}
	f.advance(7 * time.Hour)
	if res, _ := c.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("after 7h of use: %d", res.StatusCode)
	}
	f.advance(7 * time.Hour) // used 7h ago: still within the 8h idle time
	if res, _ := c.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("7h after the last use: %d", res.StatusCode)
	}
	f.advance(9 * time.Hour)
	if res, _ := c.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("9h idle: %d, want a redirect to sign in", res.StatusCode)
	}
	c = f.login("ada", "admin")
	for range 25 { // used every 7h for 175h: the 7-day cap ends it anyway
		f.advance(7 * time.Hour)
		c.get("/")
	}
	if res, _ := c.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a session older than 7 days: %d", res.StatusCode)
	}
	c = f.login("ada", "admin")
	if res, _ := c.post("/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	if res, _ := c.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", res.StatusCode)
	}
}

// TestSecurityHeaders: every answer forbids framing, sniffing and inline
// script.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	c := f.login("ada", "admin")
	for _, p := range []string{"/", "/login", "/static/style.css", "/nope"} {
		res, _ := c.get(p)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}

// TestAPITokens: the API answers 401 without a valid token (none, wrong,
// revoked, a disabled user's), and a token is stored hashed.
func TestAPITokens(t *testing.T) {
	f := newFixture(t)
	f.user("ada", "admin")
	tok := f.token("vic", "viewer")
	if code, _ := f.api("GET", "/api/incidents", tok, nil); code != http.StatusOK {
		t.Fatalf("a good token: %d", code)
	}
	for _, bad := range []string{"", "vigil_nope", tok + "x", strings.TrimPrefix(tok, "vigil_")} {
		if code, body := f.api("GET", "/api/incidents", bad, nil); code != http.StatusUnauthorized || !strings.Contains(body, "error") {
			t.Errorf("token %q: %d", bad, code)
		}
	}
	for _, s := range f.dbDump(t) {
		if strings.Contains(s, strings.TrimPrefix(tok, "vigil_")) {
			t.Fatal("a token is stored in clear")
		}
	}
	u, _ := f.st.UserByName(context.Background(), "vic")
	if err := f.st.UpdateUser(context.Background(), u.ID, "viewer", true); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.api("GET", "/api/incidents", tok, nil); code != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d", code)
	}
	// A session cookie is not an API credential.
	c := f.login("ada", "admin")
	res, _ := c.get("/api/incidents")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the API with a session cookie: %d", res.StatusCode)
	}
}
