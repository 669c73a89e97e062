package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// seenRequest is what an app behind the proxy, or behind the webhook
// package's Middleware, got.
type seenRequest struct {
	method, uri, body, contentType, signature string
}

// recordingApp answers every request with a body and header of its own
// and records what it got.
type recordingApp struct {
	mu   sync.Mutex
	last *seenRequest
}

func (a *recordingApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.last = &seenRequest{r.Method, r.RequestURI, string(b), r.Header.Get("Content-Type"), r.Header.Get(webhook.SignatureHeader)}
	a.mu.Unlock()
	w.Header().Set("X-App", "1")
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, "<Response/>")
}

func (a *recordingApp) take() *seenRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.last
	a.last = nil
	return s
}

// pair is the proxy in front of one app and, for reference, another app
// behind webhook.Middleware served directly by net/http, both checking
// signatures for the same public URL with the same token.
type pair struct {
	token, other       string
	proxyApp, refApp   *recordingApp
	proxyAddr, refAddr string
}

const diffPublic = "https://hooks.example.com"

func newPair(t testing.TB) *pair {
	p := &pair{token: newToken(t), other: newToken(t), proxyApp: &recordingApp{}, refApp: &recordingApp{}}
	up := httptest.NewServer(p.proxyApp)
	t.Cleanup(up.Close)
	upURL, _ := url.Parse(up.URL)
	p.proxyAddr = serveProxy(t, Config{Upstream: upURL, Keys: webhook.NewKeyring(p.token), PublicURL: diffPublic, UpstreamTimeout: 5 * time.Second})
	// The reference checks the public URL the proxy documents: its base
	// followed by the request URI as received (the path and query of an
	// absolute-form target).
	ref := httptest.NewServer(webhook.Middleware(p.refApp, &webhook.Validator{Keys: webhook.NewKeyring(p.token),
		PublicURL: func(r *http.Request) string {
			if strings.HasPrefix(r.RequestURI, "/") {
				return diffPublic + r.RequestURI
			}
			return diffPublic + r.URL.RequestURI()
		}}))
	t.Cleanup(ref.Close)
	p.refAddr = strings.TrimPrefix(ref.URL, "http://")
	return p
}

// exchange sends raw to addr on a fresh connection and returns the status
// and the body, or the status 0 when no response came.
func exchange(t testing.TB, addr, raw string) (status int, body string, hdr http.Header) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go io.WriteString(c, raw)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, "", nil
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp.Header
}

// diffRequest is a request both sides get: a target, a body with its
// content type, and which signature it carries.
type diffRequest struct {
	target, body, contentType string
	sig                       uint8 // see signatures
}

// signatures returns the X-Twilio-Signature headers of a request by sig:
// 0 signed over the URL and the form, 1 over the URL alone, 2 a random
// well-formed signature, 3 none, 4 two copies of the right one.
func (p *pair) signatures(d diffRequest) []string {
	u := diffPublic + d.target
	form, _ := url.ParseQuery(d.body)
	switch d.sig % 5 {
	case 0:
		return []string{webhook.Sign(p.token, u, form)}
	case 1:
		return []string{webhook.Sign(p.token, u, nil)}
	case 2:
		return []string{webhook.Sign(p.other, u, form)}
	case 3:
		return nil
	}
	s := webhook.Sign(p.token, u, form)
	return []string{s, s}
}

func (p *pair) raw(d diffRequest, host string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: TwilioProxy/1.1\r\n", d.target, host)
	if d.contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", d.contentType)
	}
	for _, s := range p.signatures(d) {
		fmt.Fprintf(&b, "%s: %s\r\n", webhook.SignatureHeader, s)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(d.body), d.body)
	return b.String()
}

// compare sends d to both sides and reports how they differ.
func (p *pair) compare(t testing.TB, d diffRequest) {
	t.Helper()
	ps, pbody, phdr := exchange(t, p.proxyAddr, p.raw(d, p.proxyAddr))
	rs, rbody, rhdr := exchange(t, p.refAddr, p.raw(d, p.refAddr))
	pseen, rseen := p.proxyApp.take(), p.refApp.take()
	if ps != rs {
		t.Fatalf("%+v: proxy answered %d, the reference %d", d, ps, rs)
	}
	if (pseen == nil) != (rseen == nil) {
		t.Fatalf("%+v: the proxy's app got %+v, the reference's %+v", d, pseen, rseen)
	}
	if pseen != nil && *pseen != *rseen && !sameDoubleSlashTarget(*pseen, *rseen) {
		t.Fatalf("%+v: the proxy's app got %+v, the reference's %+v", d, *pseen, *rseen)
	}
	if pseen != nil && (pbody != rbody || phdr.Get("X-App") != rhdr.Get("X-App")) {
		t.Fatalf("%+v: the proxy relayed %q %v, the app sent %q %v", d, pbody, phdr, rbody, rhdr)
	}
}

// sameDoubleSlashTarget allows the one way the proxy's request target
// may differ from the client's: a path that starts with "//" cannot go
// out verbatim (net/http would read it as a host), so characters net/http
// escapes come out escaped; the path means the same and the query is
// untouched.
func sameDoubleSlashTarget(a, b seenRequest) bool {
	if !strings.HasPrefix(b.uri, "//") {
		return false
	}
	ap, aq, _ := strings.Cut(a.uri, "?")
	bp, bq, _ := strings.Cut(b.uri, "?")
	ad, err1 := url.PathUnescape(ap)
	bd, err2 := url.PathUnescape(bp)
	a.uri, b.uri = "", ""
	return err1 == nil && err2 == nil && ad == bd && aq == bq && a == b
}

var diffSeeds = []diffRequest{
	{"/sms", "Body=hi&From=%2B15005550006", "application/x-www-form-urlencoded", 0},
	{"/sms?x=1&y=%27", "Body=it%27s+ok", "application/x-www-form-urlencoded; charset=utf-8", 0},
	{"/gather", "Digits=5678&Digits=1234&Digits=1234", "application/x-www-form-urlencoded", 0},
	{"/voice?CallSid=CA1&Digits=1", "", "", 1},
	{"/sms", "Body=hi", "application/x-www-form-urlencoded", 2},
	{"/sms", "Body=hi", "application/x-www-form-urlencoded", 3},
	{"/sms", "Body=hi", "application/x-www-form-urlencoded", 4},
	{"/sms", "Body=%zz", "application/x-www-form-urlencoded", 0},
	{"/sms", "a=1;b=2", "application/x-www-form-urlencoded", 0},
	{"/sms", "Body=hi", "text/plain", 0},
	{"/hook?bodySHA256=" + webhook.BodySHA256([]byte(`{"a":1}`)), `{"a":1}`, "application/json", 1},
	{"/hook?bodySHA256=" + webhook.BodySHA256([]byte(`{"a":1}`)), `{"a":2}`, "application/json", 1},
	{"/hook", `{"a":1}`, "application/json", 1},
	{"//double//slash?q", "a=1", "application/x-www-form-urlencoded", 0},
	{`//"`, "0", "application/x-www-form-urlencoded", 0},
	{"/caf%C3%A9/%2F?q=%zz", "a=1", "application/x-www-form-urlencoded", 0},
	{"/sms?", "", "", 1},
	{"*", "", "", 3},
}

// TestDifferential: for each request, the proxy answers as the webhook
// package's Middleware on a net/http server does, and its app gets what
// that one's gets.
func TestDifferential(t *testing.T) {
	p := newPair(t)
	for _, d := range diffSeeds {
		p.compare(t, d)
	}
}

// FuzzDifferential is TestDifferential over arbitrary targets, bodies,
// content types and signature choices.
func FuzzDifferential(f *testing.F) {
	for _, d := range diffSeeds {
		f.Add(d.target, d.body, d.contentType, d.sig)
	}
	p := newPair(f)
	f.Fuzz(func(t *testing.T, target, body, contentType string, sig uint8) {
		if strings.ContainsAny(target+contentType, "\r\n") {
			return // another request, not another request target
		}
		p.compare(t, diffRequest{target, body, contentType, sig})
	})
}
