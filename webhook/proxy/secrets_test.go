package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/webhook"
)

// plant is the set of secret values a test puts into requests, and the
// forms they may take on the way (escaped in a query, base64 in a basic
// credential).
type plant struct{ values []string }

func (p *plant) add(v string) string {
	p.values = append(p.values, v)
	return v
}

// leaks returns the planted values, in any of their forms, that text holds.
func (p *plant) leaks(text string) []string {
	var out []string
	for _, v := range p.values {
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v), base64.StdEncoding.EncodeToString([]byte(v))} {
			if strings.Contains(text, form) {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// TestNothingSecretLeaves drives the proxy with requests that carry
// generated Auth Tokens and credentials in their bodies, headers, queries
// and URLs, signed and forged, forwarded and refused, with the upstream
// answering, failing, hanging and gone, and with a misconfigured public
// URL to diagnose; the logs at every level, the access log (through slog
// and through the direct writer) and /metrics must hold none of them.
func TestNothingSecretLeaves(t *testing.T) {
	for _, direct := range []bool{false, true} {
		t.Run(fmt.Sprintf("access log direct=%v", direct), func(t *testing.T) { testNothingSecretLeaves(t, direct) })
	}
}

func testNothingSecretLeaves(t *testing.T, directAccessLog bool) {
	gen := fakecred.New(uint64(time.Now().UnixNano()))
	var p plant
	current, outgoing, subToken := p.add(newToken(t)), p.add(newToken(t)), p.add(newToken(t))
	subSid := "AC" + gen.String(fakecred.Hex, 32)
	creds := []string{
		p.add("AKIA" + gen.String(fakecred.Upper+fakecred.Digits, 16)),
		p.add(gen.String(fakecred.B64, 40)),
		p.add("SK" + gen.String(fakecred.Hex, 32)),
		p.add(gen.String(fakecred.Base62, 32)),
		p.add("SG." + gen.String(fakecred.B64URL, 22) + "." + gen.String(fakecred.B64URL, 43)),
	}
	github, err := gen.Expand("{github:ghp}")
	if err != nil {
		t.Fatal(err)
	}
	creds = append(creds, p.add(github))
	basicPassword := p.add(gen.String(fakecred.Base62, 24))
	clientPassword := p.add(gen.String(fakecred.Base62, 24))
	forger := p.add(newToken(t))
	public := "https://twilio:" + basicPassword + "@hooks.example.com/base"

	access := &syncBuffer{}
	g := newRig(t, func(c *Config, _ *Server) {
		c.Keys = webhook.NewKeyring(current, outgoing).WithAccount(subSid, subToken)
		c.PublicURL, c.UpstreamTimeout = public, 300*time.Millisecond
		if directAccessLog {
			c.AccessLogTo = access
		}
	})
	client := g.client()
	// send signs with token ("" for none) over the public URL of path
	// (or over signedURL when set) and sends the request.
	send := func(method, path, ctype, body string, hdr http.Header, token, signedURL string, params url.Values) int {
		t.Helper()
		req, _ := http.NewRequest(method, g.url+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for k, vs := range hdr {
			req.Header[k] = vs
		}
		if signedURL == "" {
			signedURL = public + path
		}
		if token != "" {
			req.Header.Set(webhook.SignatureHeader, webhook.Sign(token, signedURL, params))
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	basic := p.add(base64.StdEncoding.EncodeToString([]byte("app:" + clientPassword)))
	headers := func(i int) http.Header {
		return http.Header{
			"Authorization": {"Basic " + basic},
			"X-Api-Key":     {creds[i%len(creds)]},
			"Cookie":        {"session=" + creds[(i+1)%len(creds)]},
		}
	}
	const form = "application/x-www-form-urlencoded"
	n := 0
	formWith := func(account string) url.Values {
		n++
		f := url.Values{"MessageSid": {fmt.Sprintf("SM%032d", n)}, "From": {"+15005550006"},
			"Body": {"my keys: " + strings.Join(creds, " ") + " token " + current}, "ApiKeySecret": {creds[n%len(creds)]}}
		if account != "" {
			f.Set("AccountSid", account)
		}
		return f
	}
	query := func() string {
		return "?token=" + url.QueryEscape(creds[n%len(creds)]) + "&secret=" + url.QueryEscape(outgoing)
	}

	// Signed for the listener's own URL, before any request passed: the
	// diagnosis logs URLs.
	f := formWith("")
	if got := send(http.MethodPost, "/sms"+query(), form, f.Encode(), headers(0), current, g.url+"/sms"+query(), f); got != 403 {
		t.Errorf("signed for another URL: %d", got)
	}
	for i := range 3 {
		path := "/sms" + query()
		for _, tc := range []struct {
			token, account string
			want           int
		}{
			{current, "", 201}, {outgoing, "", 201}, {subToken, subSid, 201}, {current, subSid, 403}, {forger, "", 403}, {"", "", 400},
		} {
			f := formWith(tc.account)
			if got := send(http.MethodPost, path, form, f.Encode(), headers(i), tc.token, "", f); got != tc.want {
				t.Errorf("form POST signed with token #%d: %d, want %d", i, got, tc.want)
			}
		}
		// A GET webhook: every parameter in the query.
		f := formWith("")
		get := "/voice?" + f.Encode() + "&Extra=" + url.QueryEscape(creds[i])
		if got := send(http.MethodGet, get, "", "", headers(i), current, "", nil); got != 201 {
			t.Errorf("signed GET: %d", got)
		}
		if got := send(http.MethodGet, get, "", "", headers(i), forger, "", nil); got != 403 {
			t.Errorf("forged GET: %d", got)
		}
		// A JSON webhook.
		body := fmt.Sprintf(`{"n":%d,"secret":%q,"token":%q}`, i, creds[i], current)
		signed := webhook.WithBodySHA256(public+"/json"+query(), []byte(body))
		jpath := strings.TrimPrefix(signed, public)
		if got := send(http.MethodPost, jpath, "application/json", body, headers(i), current, signed, nil); got != 201 {
			t.Errorf("JSON webhook: %d", got)
		}
		// The same delivery again, a malformed one, an oversized one, two
		// signature headers.
		f = formWith("")
		for range 2 {
			send(http.MethodPost, path, form, f.Encode(), headers(i), current, "", f)
		}
		send(http.MethodPost, path, form, f.Encode()+"&Bad=%zz"+url.QueryEscape(creds[i]), headers(i), current, "", f)
		send(http.MethodPost, path, form, f.Encode()+"&Pad="+strings.Repeat(creds[i], 40000), headers(i), current, "", f)
		two := headers(i)
		two[webhook.SignatureHeader] = []string{webhook.Sign(current, public+path, f), webhook.Sign(forger, public+path, f)}
		send(http.MethodPost, path, form, f.Encode(), two, "", "", nil)
		// The app fails, and does not answer.
		f = formWith("")
		send(http.MethodPost, "/fail"+query(), form, f.Encode(), headers(i), current, "", f)
		f = formWith("")
		send(http.MethodPost, "/hang"+query(), form, f.Encode(), headers(i), current, "", f)
	}
	// The request target in absolute form, with credentials of its own.
	k := g.dial()
	f = formWith("")
	target := "http://user:" + clientPassword + "@" + g.host() + "/sms" + query()
	k.send("POST " + target + " HTTP/1.1\r\nHost: " + g.host() + "\r\nContent-Type: " + form + "\r\n" + webhook.SignatureHeader + ": " +
		webhook.Sign(current, public+"/sms"+query(), f) + "\r\nContent-Length: " + fmt.Sprint(len(f.Encode())) + "\r\n\r\n" + f.Encode())
	k.read("POST")
	// The app gone.
	g.upstream.Close()
	f = formWith("")
	if got := send(http.MethodPost, "/sms"+query(), form, f.Encode(), headers(0), current, "", f); got != 502 {
		t.Errorf("upstream down: %d", got)
	}

	resp, err := client.Get(g.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := g.stop(); err != nil {
		t.Fatal(err)
	}
	logs := g.logs.String()
	for name, text := range map[string]string{"logs": logs, "access log": access.String(), "/metrics": string(metrics)} {
		if leaks := p.leaks(text); len(leaks) > 0 {
			t.Errorf("%s hold %d planted secrets, e.g. …%s…", name, len(leaks), leaks[0][len(leaks[0])-4:])
		}
	}
	// The run must have exercised what it claims: every outcome logged.
	for _, want := range []string{`"outcome":"bad_signature"`, `"outcome":"replay"`, `"outcome":"malformed"`, `"outcome":"body_too_large"`,
		`"outcome":"duplicate_signature"`, `"outcome":"missing_signature"`, `"outcome":"upstream_timeout"`, `"outcome":"upstream_error"`,
		"MISCONFIGURED PUBLIC URL"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	forwarded := logs
	if directAccessLog {
		forwarded = access.String()
	}
	if !strings.Contains(forwarded, `"outcome":"forwarded"`) {
		t.Errorf("no access line")
	}
	checkJSONLines(t, logs)
}

// checkJSONLines fails unless every line of text is a JSON object.
func checkJSONLines(t *testing.T, text string) {
	t.Helper()
	for line := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON line: %.80s", line)
		}
	}
}

// TestLogURL: URLs in logs lose their query and their password.
func TestLogURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://h.example/sms?token=x#f":         "https://h.example/sms",
		"https://user:pw@h.example:8443/a?b=c":    "https://user:xxxxx@h.example:8443/a",
		"https://user@h.example/a":                "https://user@h.example/a",
		"https://u:p@ss@h.example/x@y":            "https://u:xxxxx@h.example/x@y",
		"http://h.example":                        "http://h.example",
		"not a url?q":                             "not a url",
		"https://u:p@h.example?q=https://a:b@c/d": "https://u:xxxxx@h.example",
	} {
		if got := logURL(in); got != want {
			t.Errorf("logURL(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	d := newDiagnoser(nil, urlBuilder{}, slog.New(slog.NewJSONHandler(&buf, nil)))
	d.startupWarnings("http://user:hunter2@h.example", false)
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("startup warning shows the password: %s", buf.String())
	}
}
