package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilsec/vigil/webhook"
)

func newToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rig is a proxy on loopback in front of an upstream.
type rig struct {
	t        *testing.T
	token    string
	url      string // the proxy's base URL
	upstream *httptest.Server
	logs     *syncBuffer
	reg      *prometheus.Registry
	mu       sync.Mutex
	seen     []*http.Request
	bodies   []string
	stop     func() error
}

// upstreamFunc answers like a small app: 201 with a marker header.
func (g *rig) upstreamFunc(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.seen = append(g.seen, r)
	g.bodies = append(g.bodies, string(b))
	g.mu.Unlock()
	switch r.URL.Path {
	case "/fail":
		http.Error(w, "app broke", http.StatusInternalServerError)
		return
	case "/login":
		w.Header().Set("WWW-Authenticate", `Basic realm="app"`)
		http.Error(w, "credentials", http.StatusUnauthorized)
		return
	case "/hang":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case "/slow":
		time.Sleep(300 * time.Millisecond)
	}
	w.Header().Set("X-App", "yes")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, "<Response><Message>ok</Message></Response>")
}

func newRig(t *testing.T, edit func(*Config, *Server)) *rig {
	t.Helper()
	g := &rig{t: t, token: newToken(t), logs: &syncBuffer{}, reg: prometheus.NewRegistry()}
	g.upstream = httptest.NewServer(http.HandlerFunc(g.upstreamFunc))
	t.Cleanup(g.upstream.Close)
	up, _ := url.Parse(g.upstream.URL)
	log := slog.New(slog.NewJSONHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := NewMetrics(g.reg)
	cfg := Config{Upstream: up, Keys: webhook.NewKeyring(g.token), Logger: log, Metrics: m,
		ReplayWindow: time.Minute, UpstreamTimeout: 2 * time.Second, AccessLog: true}
	srv := &Server{Gatherer: g.reg, Logger: log, ShutdownTimeout: 5 * time.Second}
	if edit != nil {
		edit(&cfg, srv)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Handler = h
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.url = "http://" + ln.Addr().String()
	if srv.CertFile != "" {
		g.url = "https://" + ln.Addr().String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	g.stop = func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { g.stop() })
	return g
}

// post sends a form POST to path; sign says which token signs it ("" for
// none) and over which public URL (default: the proxy's own URL).
func (g *rig) post(path string, form url.Values, hdr http.Header, sign string, signedURL string) *http.Response {
	g.t.Helper()
	u := g.url + path
	if signedURL == "" {
		signedURL = u
	}
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if sign != "" {
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(sign, signedURL, form))
	}
	resp, err := g.client().Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (g *rig) client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS()}, Timeout: 10 * time.Second}
}

func (g *rig) upstreamCalls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.seen)
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestProxyForwardsSignedRequests(t *testing.T) {
	g := newRig(t, nil)
	form := url.Values{"Body": {"secret message body"}, "From": {"+15005550006"}, "MessageSid": {"SMxxxx"}}
	resp := g.post("/sms?x=1", form, nil, g.token, "")
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-App") != "yes" {
		t.Fatalf("status %d, X-App %q: upstream response not passed back", resp.StatusCode, resp.Header.Get("X-App"))
	}
	if body := readBody(t, resp); body != "<Response><Message>ok</Message></Response>" {
		t.Errorf("body %q", body)
	}
	if g.bodies[0] != form.Encode() {
		t.Errorf("upstream body %q, want %q", g.bodies[0], form.Encode())
	}
	in := g.seen[0]
	if in.URL.RequestURI() != "/sms?x=1" || in.Header.Get(webhook.SignatureHeader) == "" {
		t.Errorf("upstream got %s with signature %q", in.URL.RequestURI(), in.Header.Get(webhook.SignatureHeader))
	}
	if p, h := in.Header.Get("X-Forwarded-Proto"), in.Header.Get("X-Forwarded-Host"); p != "http" || h != strings.TrimPrefix(g.url, "http://") {
		t.Errorf("X-Forwarded-Proto %q Host %q", p, h)
	}
	logs := g.logs.String()
	if strings.Contains(logs, g.token) || strings.Contains(logs, "secret message body") || strings.Contains(logs, "15005550006") {
		t.Errorf("logs hold the token or body: %s", logs)
	}
	if !strings.Contains(logs, `"outcome":"forwarded"`) {
		t.Errorf("no access log line: %s", logs)
	}
}

func TestProxyRefusals(t *testing.T) {
	g := newRig(t, func(c *Config, s *Server) { c.MaxBody = 1024; s.MaxHeaderBytes = 4096 })
	form := url.Values{"CallSid": {"CAxxxx"}}
	tests := []struct {
		name   string
		form   url.Values
		hdr    http.Header
		token  string
		status int
	}{
		{"unsigned", form, nil, "", 400},
		{"forged", form, nil, newToken(t), 403},
		{"duplicate header", form, http.Header{"X-Twilio-Signature": {"a", "b"}}, "", 400},
		{"garbage header", form, http.Header{"X-Twilio-Signature": {"!!!!"}}, "", 403},
		{"oversized body", url.Values{"Body": {strings.Repeat("x", 2000)}}, nil, g.token, 413},
		{"oversized headers", form, http.Header{"X-Big": {strings.Repeat("x", 8000)}}, g.token, 431},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.post("/voice", tc.form, tc.hdr, tc.token, "")
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	if n := g.upstreamCalls(); n != 0 {
		t.Errorf("upstream called %d times for refused requests", n)
	}
}

func TestProxyReplay(t *testing.T) {
	g := newRig(t, nil)
	form := url.Values{"CallSid": {"CAxxxx"}, "CallStatus": {"ringing"}}
	if r := g.post("/voice", form, nil, g.token, ""); r.StatusCode != 201 {
		t.Fatalf("first delivery: %d", r.StatusCode)
	}
	if r := g.post("/voice", form, nil, g.token, ""); r.StatusCode != 403 {
		t.Fatalf("replayed delivery: %d, want 403", r.StatusCode)
	}
	idem := http.Header{IdempotencyHeader: {"idem-1"}}
	if r := g.post("/voice", url.Values{"CallSid": {"CA2"}}, idem, g.token, ""); r.StatusCode != 201 {
		t.Fatalf("delivery with idempotency token: %d", r.StatusCode)
	}
	if r := g.post("/voice", url.Values{"CallSid": {"CA3"}}, idem, g.token, ""); r.StatusCode != 403 {
		t.Fatalf("same idempotency token, other body: %d, want 403", r.StatusCode)
	}
	// A delivery the upstream failed is forgotten, so Twilio's retry passes.
	f := url.Values{"CallSid": {"CA4"}}
	if r := g.post("/fail", f, nil, g.token, ""); r.StatusCode != 500 {
		t.Fatalf("failing upstream: %d", r.StatusCode)
	}
	if r := g.post("/fail", f, nil, g.token, ""); r.StatusCode != 500 {
		t.Fatalf("retry after upstream failure: %d, want it forwarded (500)", r.StatusCode)
	}
	// So is one the app answered 401: Twilio sends it again with the
	// credentials of a basic-auth webhook URL.
	f = url.Values{"CallSid": {"CA5"}}
	for i := range 2 {
		if r := g.post("/login", f, nil, g.token, ""); r.StatusCode != 401 {
			t.Fatalf("delivery %d answered 401 by the app: %d, want it forwarded", i, r.StatusCode)
		}
	}
	if !strings.Contains(g.logs.String(), `"outcome":"replay"`) {
		t.Errorf("replay not logged")
	}
}

func TestProxyUpstreamFailures(t *testing.T) {
	g := newRig(t, func(c *Config, _ *Server) { c.UpstreamTimeout = 200 * time.Millisecond })
	if r := g.post("/hang", url.Values{"a": {"1"}}, nil, g.token, ""); r.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("hanging upstream: %d, want 504", r.StatusCode)
	}
	g.upstream.Close()
	if r := g.post("/sms", url.Values{"a": {"2"}}, nil, g.token, ""); r.StatusCode != http.StatusBadGateway {
		t.Errorf("upstream down: %d, want 502", r.StatusCode)
	}
	logs := g.logs.String()
	for _, want := range []string{`"msg":"upstream failed","upstream":"http://127.0.0.1`, `"status":504`, `"status":502`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func TestProxySourceRestriction(t *testing.T) {
	g := newRig(t, func(c *Config, _ *Server) { c.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
	if r := g.post("/sms", url.Values{"a": {"1"}}, nil, g.token, ""); r.StatusCode != 403 {
		t.Errorf("request from outside --allow-cidr: %d, want 403", r.StatusCode)
	}
	if g.upstreamCalls() != 0 {
		t.Errorf("upstream called")
	}
}

func TestProxyPublicURL(t *testing.T) {
	const public = "https://hooks.example.com/twilio"
	t.Run("configured", func(t *testing.T) {
		g := newRig(t, func(c *Config, _ *Server) { c.PublicURL = public + "/" })
		if r := g.post("/sms?x=1", url.Values{"a": {"1"}}, nil, g.token, public+"/sms?x=1"); r.StatusCode != 201 {
			t.Errorf("signed for the public URL: %d", r.StatusCode)
		}
		if r := g.post("/sms?x=1", url.Values{"a": {"2"}}, nil, g.token, ""); r.StatusCode != 403 {
			t.Errorf("signed for the listener's URL: %d, want 403", r.StatusCode)
		}
	})
	fwd := http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"hooks.example.com"}}
	t.Run("trusted proxy", func(t *testing.T) {
		g := newRig(t, func(c *Config, _ *Server) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
		if r := g.post("/sms", url.Values{"a": {"1"}}, fwd, g.token, "https://hooks.example.com/sms"); r.StatusCode != 201 {
			t.Errorf("X-Forwarded-* from a trusted proxy: %d", r.StatusCode)
		}
	})
	t.Run("untrusted proxy", func(t *testing.T) {
		g := newRig(t, nil)
		if r := g.post("/sms", url.Values{"a": {"1"}}, fwd, g.token, "https://hooks.example.com/sms"); r.StatusCode != 403 {
			t.Errorf("X-Forwarded-* from an untrusted peer believed: %d", r.StatusCode)
		}
		if logs := g.logs.String(); !strings.Contains(logs, "MISCONFIGURED PUBLIC URL") || !strings.Contains(logs, `"signed_url":"https://hooks.example.com/sms"`) {
			t.Errorf("misconfiguration not diagnosed:\n%s", logs)
		}
	})
	t.Run("wrong public URL", func(t *testing.T) {
		g := newRig(t, func(c *Config, _ *Server) { c.PublicURL = "https://wrong.example.com" })
		if r := g.post("/sms", url.Values{"a": {"1"}}, nil, g.token, g.url+"/sms"); r.StatusCode != 403 {
			t.Errorf("status %d, want 403", r.StatusCode)
		}
		if logs := g.logs.String(); !strings.Contains(logs, "MISCONFIGURED PUBLIC URL") {
			t.Errorf("misconfiguration not diagnosed:\n%s", logs)
		}
	})
	t.Run("first request fails every variant", func(t *testing.T) {
		g := newRig(t, func(c *Config, _ *Server) { c.PublicURL = "https://wrong.example.com" })
		g.post("/sms", url.Values{"a": {"1"}}, nil, newToken(t), "")
		if logs := g.logs.String(); !strings.Contains(logs, "the first request failed every URL variant") {
			t.Errorf("no warning:\n%s", logs)
		}
	})
}

func TestProxyHealthAndMetrics(t *testing.T) {
	g := newRig(t, nil)
	g.post("/sms", url.Values{"a": {"1"}}, nil, g.token, "")
	g.post("/sms", url.Values{"a": {"2"}}, nil, newToken(t), "")
	for path, want := range map[string][]string{
		"/healthz": {"ok"},
		"/metrics": {`vigil_webhook_requests_total{outcome="forwarded"} 1`, `vigil_webhook_requests_total{outcome="bad_signature"} 1`,
			`vigil_webhook_request_duration_seconds_bucket{outcome="forwarded"`, `vigil_webhook_verified_total{token="current"} 1`},
	} {
		resp, err := g.client().Get(g.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		resp.Body.Close()
		for _, w := range want {
			if resp.StatusCode != 200 || !strings.Contains(body, w) {
				t.Errorf("%s: status %d, body lacks %q:\n%s", path, resp.StatusCode, w, body)
			}
		}
	}
}

func TestProxyGracefulShutdown(t *testing.T) {
	g := newRig(t, nil)
	got := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, g.url+"/slow", strings.NewReader("a=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(g.token, g.url+"/slow", url.Values{"a": {"1"}}))
		resp, err := g.client().Do(req)
		if err != nil {
			got <- 0
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	for g.upstreamCalls() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := g.stop(); err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
	if s := <-got; s != 201 {
		t.Errorf("request in flight during shutdown: %d, want 201", s)
	}
}

func TestProxyTLS(t *testing.T) {
	cert, key := writeSelfSigned(t)
	g := newRig(t, func(_ *Config, s *Server) { s.CertFile, s.KeyFile = cert, key })
	if r := g.post("/sms", url.Values{"a": {"1"}}, nil, g.token, ""); r.StatusCode != 201 {
		t.Errorf("signed over https URL: %d", r.StatusCode)
	}
	if r := g.post("/sms", url.Values{"a": {"2"}}, nil, g.token, "http"+strings.TrimPrefix(g.url, "https")+"/sms"); r.StatusCode != 403 {
		t.Errorf("signed over http URL, received over TLS: %d", r.StatusCode)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	up, _ := url.Parse("http://127.0.0.1:1")
	keys := webhook.NewKeyring("x")
	for _, c := range []Config{
		{Keys: keys},
		{Upstream: up},
		{Upstream: up, Keys: keys, PublicURL: "hooks.example.com"},
		{Upstream: up, Keys: keys, PublicURL: "https://h.example/?a=1"},
		{Upstream: up, Keys: keys, PublicURL: "https://user:hunter2@h.example/?a=1"},
		{Upstream: up, Keys: keys, PublicURL: "ftp://user:hunter2@h.example"},
		{Upstream: up, Keys: keys, PublicURL: "https://user:hunter2@h.example:port/"},
	} {
		_, err := New(c)
		if err == nil {
			t.Errorf("New(%+v) accepted", c)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the public URL's password: %v", err)
		}
	}
	if _, err := New(Config{Upstream: up, Keys: keys, PublicURL: "https://user:hunter2@h.example/"}); err != nil {
		t.Errorf("a public URL with basic-auth credentials, as Twilio signs them: %v", err)
	}
}

// TestProxyConcurrentResponsesKeepTheirHeaders sends many requests at once
// through few upstream connections: each response must carry the headers
// its own upstream answer had, even though the pooled connection it came
// on is serving another request by the time it is written out.
func TestProxyConcurrentResponsesKeepTheirHeaders(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("X-Echo", r.PostForm.Get("n"))
		io.WriteString(w, r.PostForm.Get("n"))
	}))
	defer app.Close()
	up, _ := url.Parse(app.URL)
	tok := newToken(t)
	base := "http://" + serveProxy(t, Config{Upstream: up, Keys: webhook.NewKeyring(tok), UpstreamTimeout: 5 * time.Second}) + "/echo"
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for c := range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := range 100 {
				n := strconv.Itoa(c*1000 + i)
				form := url.Values{"n": {n}}
				req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(webhook.SignatureHeader, webhook.Sign(tok, base, form))
				resp, err := client.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := resp.Header.Get("X-Echo"); got != n || string(body) != n {
					errs <- "request " + n + " got header " + got + ", body " + string(body)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// serveProxy serves a Handler made from cfg on a loopback port until the
// test ends, and returns its address.
func serveProxy(t testing.TB, cfg Config) string {
	t.Helper()
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&Server{Handler: h}).Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; h.Close() })
	return ln.Addr().String()
}
