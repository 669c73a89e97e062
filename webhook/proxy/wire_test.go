package proxy

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// wire is a raw connection to a proxy: requests go out byte for byte as
// a test writes them, and responses are read with net/http's parser.
type wire struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func (g *rig) dial() *wire {
	g.t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(g.url, "http://"))
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &wire{t: g.t, c: c, br: bufio.NewReader(c)}
}

func (k *wire) send(raw string) {
	k.t.Helper()
	if _, err := io.WriteString(k.c, raw); err != nil {
		k.t.Fatal(err)
	}
}

// read reads a response to method and its whole body.
func (k *wire) read(method string) (*http.Response, string) {
	k.t.Helper()
	resp, err := http.ReadResponse(k.br, &http.Request{Method: method})
	if err != nil {
		k.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		k.t.Fatal(err)
	}
	return resp, string(b)
}

// closed reports whether the proxy closed the connection (after what it
// may still send, such as a 408 to a client that took too long).
func (k *wire) closed() bool {
	k.c.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err := io.Copy(io.Discard, k.br)
	return err == nil || !isTimeout(err)
}

// alive reports whether the connection still serves requests.
func (k *wire) alive() bool {
	if _, err := io.WriteString(k.c, "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n"); err != nil {
		return false
	}
	resp, err := http.ReadResponse(k.br, nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// host is the proxy's host:port, as a client puts it in Host.
func (g *rig) host() string { return strings.TrimPrefix(g.url, "http://") }

// signedForm is a signed form POST to path as raw bytes; head holds extra
// header lines (each ending in CRLF) and framing, when not "", replaces
// the Content-Length line and body.
func (g *rig) signedForm(path string, form url.Values, head, framing string) string {
	body := form.Encode()
	if framing == "" {
		framing = fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	return "POST " + path + " HTTP/1.1\r\nHost: " + g.host() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		webhook.SignatureHeader + ": " + webhook.Sign(g.token, g.url+path, form) + "\r\n" + head + framing
}

// TestStatusTable holds the proxy to each row of the README's table of
// what it answers itself, and of what net/http accepts that a stricter
// parser would refuse: status, whether the connection survives, and
// whether the request reached the app.
func TestStatusTable(t *testing.T) {
	g := newRig(t, func(c *Config, s *Server) {
		c.MaxBody, c.UpstreamTimeout = 1024, 300*time.Millisecond
		s.MaxHeaderBytes = 1024
	})
	down := newRig(t, nil)
	down.upstream.Close()
	form := url.Values{"CallSid": {"CAxxxx"}, "Digits": {"1"}}
	n := 0
	fresh := func() url.Values { // a new delivery each time, so that none is a replay
		n++
		f := url.Values{"n": {fmt.Sprint(n)}}
		for k, v := range form {
			f[k] = v
		}
		return f
	}
	chunk := func(f url.Values) string {
		b := f.Encode()
		return fmt.Sprintf("Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(b), b)
	}
	f1, f2 := fresh(), fresh()
	tests := []struct {
		row     string
		g       *rig
		raw     func() string
		status  int
		close   bool // the connection is closed after the answer
		reached bool // the app got the request
	}{
		{"200: signed", g, func() string { return g.signedForm("/sms", fresh(), "", "") }, 201, false, true},
		{"400: signature missing", g, func() string {
			return "POST /sms HTTP/1.1\r\nHost: " + g.host() + "\r\nContent-Length: 3\r\n\r\na=1"
		}, 400, false, false},
		{"400: signature repeated", g, func() string {
			return g.signedForm("/sms", fresh(), webhook.SignatureHeader+": AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n", "")
		}, 400, false, false},
		{"400: malformed form", g, func() string {
			return "POST /sms HTTP/1.1\r\nHost: " + g.host() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
				webhook.SignatureHeader + ": " + webhook.Sign(g.token, g.url+"/sms", nil) + "\r\nContent-Length: 5\r\n\r\na=%zz"
		}, 400, false, false},
		{"400: malformed request line", g, func() string { return "POST  /sms HTTP/1.1\r\nHost: h\r\n\r\n" }, 400, true, false},
		{"400: no Host", g, func() string { return "POST /sms HTTP/1.1\r\nContent-Length: 0\r\n\r\n" }, 400, true, false},
		{"400: two Hosts", g, func() string { return "GET /sms HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" }, 400, true, false},
		{"400: control character in a header", g, func() string { return "GET /sms HTTP/1.1\r\nHost: h\r\nA: 1\x002\r\n\r\n" }, 400, true, false},
		{"400: differing Content-Lengths", g, func() string {
			return "POST /sms HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx"
		}, 400, true, false},
		{"400: bare LF in chunked framing", g, func() string {
			return g.signedForm("/sms", f1, "", "Transfer-Encoding: chunked\r\n\r\n3\nn=1\n0\n\n")
		}, 400, true, false},
		{"403: wrong signature", g, func() string {
			f := fresh()
			return strings.Replace(g.signedForm("/sms", f, "", ""), webhook.Sign(g.token, g.url+"/sms", f), webhook.Sign(newToken(t), g.url+"/sms", f), 1)
		}, 403, false, false},
		{"403: replay", g, func() string { return g.signedForm("/sms", form, "", "") }, 403, false, false}, // form was delivered by the row before: see below
		{"413: body too large", g, func() string {
			return g.signedForm("/sms", url.Values{"Body": {strings.Repeat("x", 2000)}}, "", "")
		}, 413, false, false},
		{"431: headers too large", g, func() string {
			return "GET /sms HTTP/1.1\r\nHost: h\r\nX-Big: " + strings.Repeat("x", 8<<10) + "\r\n\r\n"
		}, 431, true, false},
		{"502: the app failed", down, func() string { return down.signedForm("/sms", fresh(), "", "") }, 502, false, false},
		{"504: the app did not answer in time", g, func() string { return g.signedForm("/hang", fresh(), "", "") }, 504, false, true},
		{"417: Expect other than 100-continue", g, func() string { return g.signedForm("/sms", fresh(), "Expect: something\r\n", "") }, 417, true, false},
		{"501: transfer coding other than chunked", g, func() string {
			return "POST /sms HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		}, 501, true, false},
		{"505: HTTP/2.0 in the request line", g, func() string { return "GET /sms HTTP/2.0\r\nHost: h\r\n\r\n" }, 505, true, false},
		{"accepted: bare LF line ends in the head", g, func() string {
			return strings.ReplaceAll(g.signedForm("/sms", fresh(), "", ""), "\r\n", "\n")
		}, 201, false, true},
		{"accepted: obsolete line folding, joined", g, func() string { return g.signedForm("/sms", fresh(), "X-Folded: a\r\n b\r\n", "") }, 201, false, true},
		{"accepted, then closed: Content-Length with chunked", g, func() string {
			return g.signedForm("/sms", f1, "Content-Length: 3\r\n", chunk(f1))
		}, 201, true, true},
		{"accepted, then closed: chunked", g, func() string { return g.signedForm("/sms", f2, "", chunk(f2)) }, 201, true, true},
	}
	// "403: replay" resends form: deliver it once first.
	if r := g.post("/sms", form, nil, g.token, ""); r.StatusCode != 201 {
		t.Fatalf("first delivery: %d", r.StatusCode)
	}
	for _, tc := range tests {
		t.Run(tc.row, func(t *testing.T) {
			before := tc.g.upstreamCalls()
			k := tc.g.dial()
			k.send(tc.raw())
			resp, _ := k.read("POST")
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.close && !k.closed() {
				t.Errorf("connection left open, want it closed")
			}
			if !tc.close && !k.alive() {
				t.Errorf("connection closed, want it kept")
			}
			if reached := tc.g.upstreamCalls() > before; reached != tc.reached {
				t.Errorf("the app got the request: %v, want %v", reached, tc.reached)
			}
		})
	}
	// The app gets the folded header as one value, and no Content-Length
	// from the chunked request that carried one.
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range g.seen {
		if v, ok := r.Header["X-Folded"]; ok && (len(v) != 1 || v[0] != "a b") {
			t.Errorf("folded header reached the app as %q", v)
		}
		if r.TransferEncoding != nil {
			t.Errorf("the app got a chunked request: %v", r.TransferEncoding)
		}
	}
}

// TestNoHTTP2 checks HTTP/2 is offered neither over TLS (ALPN) nor in
// clear text (prior knowledge).
func TestNoHTTP2(t *testing.T) {
	cert, key := writeSelfSigned(t)
	g := newRig(t, func(_ *Config, s *Server) { s.CertFile, s.KeyFile = cert, key })
	c, err := tls.Dial("tcp", strings.TrimPrefix(g.url, "https://"), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p == "h2" {
		t.Errorf("ALPN negotiated %q", p)
	}
	plain := newRig(t, nil)
	k := plain.dial()
	k.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
	k.c.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, _ := k.br.ReadString('\n')
	if !strings.HasPrefix(line, "HTTP/1.1 4") && !strings.HasPrefix(line, "HTTP/1.1 5") {
		t.Errorf("HTTP/2 prior knowledge answered %q, want an HTTP/1.1 refusal", line)
	}
	if plain.upstreamCalls() != 0 {
		t.Error("the app got the HTTP/2 preface")
	}
}

// TestWireKeepAliveAndExpect: pipelined requests are answered in order on
// one connection, and Expect: 100-continue gets its interim answer before
// the body is sent.
func TestWireKeepAliveAndExpect(t *testing.T) {
	g := newRig(t, nil)
	k := g.dial()
	a, b := url.Values{"a": {"1"}}, url.Values{"b": {"2"}}
	k.send(g.signedForm("/sms", a, "", "") + g.signedForm("/sms", b, "", ""))
	for range 2 {
		if resp, body := k.read("POST"); resp.StatusCode != 201 || !strings.Contains(body, "<Response>") {
			t.Fatalf("pipelined: %d %q", resp.StatusCode, body)
		}
	}
	c := url.Values{"c": {"3"}}
	raw := g.signedForm("/sms", c, "Expect: 100-continue\r\n", "")
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	k.send(head + "\r\n\r\n")
	if resp, _ := k.read("POST"); resp.StatusCode != 100 {
		t.Fatalf("Expect: 100-continue answered %d", resp.StatusCode)
	}
	k.send(body)
	if resp, _ := k.read("POST"); resp.StatusCode != 201 {
		t.Fatalf("after 100 Continue: %d", resp.StatusCode)
	}
	if g.bodies[len(g.bodies)-1] != c.Encode() {
		t.Errorf("the app got %q", g.bodies[len(g.bodies)-1])
	}
}

// TestWireTimeouts: a client that is silent, sends its head or body too
// slowly, or stays idle past --idle-timeout is disconnected.
func TestWireTimeouts(t *testing.T) {
	g := newRig(t, func(_ *Config, s *Server) {
		s.ReadHeaderTimeout, s.ReadTimeout, s.IdleTimeout = 200*time.Millisecond, 400*time.Millisecond, 300*time.Millisecond
	})
	for name, raw := range map[string]string{
		"silent":     "",
		"slow head":  "POST /sms HTTP/1.1\r\nHo",
		"slow body":  "POST /sms HTTP/1.1\r\nHost: h\r\nX-Twilio-Signature: x\r\nContent-Length: 10\r\n\r\nab",
		"idle kept":  g.signedForm("/sms", url.Values{"i": {"1"}}, "", ""),
		"idle, part": g.signedForm("/sms", url.Values{"i": {"2"}}, "", "") + "POST /",
	} {
		t.Run(name, func(t *testing.T) {
			k := g.dial()
			k.send(raw)
			if strings.HasPrefix(name, "idle") || name == "slow body" {
				k.read("POST")
			}
			if !k.closed() {
				t.Error("connection still open")
			}
		})
	}
}
