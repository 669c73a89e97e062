package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// direct serves a Handler in front of up, with every request signed.
func direct(t *testing.T, up *url.URL, tlsConf *tls.Config) (call func(method, path string, hdr http.Header) *http.Response) {
	t.Helper()
	tok := newToken(t)
	h, err := New(Config{Upstream: up, Keys: webhook.NewKeyring(tok), UpstreamTLS: tlsConf,
		UpstreamTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return func(method, path string, hdr http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for k, v := range hdr {
			req.Header[k] = v
		}
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(tok, srv.URL+path, nil))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
}

func TestUpstreamResponsesPassUnchanged(t *testing.T) {
	var got *http.Request
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.Header().Set("Connection", "X-Private")
		w.Header().Set("X-Private", "hop")
		switch r.URL.Path {
		case "/base/chunked":
			w.WriteHeader(http.StatusAccepted)
			for i := range 3 {
				io.WriteString(w, strings.Repeat(string(rune('a'+i)), 50000))
				w.(http.Flusher).Flush()
			}
		case "/base/empty":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		}
	}))
	defer app.Close()
	up, _ := url.Parse(app.URL + "/base/")
	call := direct(t, up, nil)

	resp := call(http.MethodGet, "/chunked?x=%27", http.Header{"Connection": {"X-Drop"}, "X-Drop": {"1"}, "X-Keep": {"2"}})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 202 || len(body) != 150000 || body[149999] != 'c' {
		t.Errorf("chunked: status %d, %d bytes", resp.StatusCode, len(body))
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 2 || resp.Header.Get("X-Private") != "" {
		t.Errorf("response headers: Set-Cookie %q, X-Private %q", c, resp.Header.Get("X-Private"))
	}
	if got.RequestURI != "/base/chunked?x=%27" || got.Header.Get("X-Drop") != "" || got.Header.Get("X-Keep") != "2" {
		t.Errorf("upstream got %s, X-Drop %q, X-Keep %q", got.RequestURI, got.Header.Get("X-Drop"), got.Header.Get("X-Keep"))
	}
	if resp := call(http.MethodHead, "/fixed", nil); resp.StatusCode != 200 || resp.ContentLength != 5 {
		t.Errorf("HEAD: status %d length %d", resp.StatusCode, resp.ContentLength)
	}
	if resp := call(http.MethodGet, "/empty", nil); resp.StatusCode != 204 {
		t.Errorf("204: %d", resp.StatusCode)
	}
	for range 3 { // kept-alive connections are reused
		resp := call(http.MethodGet, "/fixed", nil)
		if b, _ := io.ReadAll(resp.Body); string(b) != "hello" {
			t.Errorf("body %q", b)
		}
	}
}

// TestUpstreamStaleConnection has an app that closes each connection
// after answering without saying so: the pooled connection is dead when
// the next request comes, which must be retried on a fresh one.
func TestUpstreamStaleConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				time.Sleep(20 * time.Millisecond)
			}()
		}
	}()
	up, _ := url.Parse("http://" + ln.Addr().String())
	call := direct(t, up, nil)
	for i := range 4 {
		if resp := call(http.MethodGet, "/", nil); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestUpstreamTLS(t *testing.T) {
	app := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "tls") }))
	defer app.Close()
	up, _ := url.Parse(app.URL)
	pool := app.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	if resp := direct(t, up, &tls.Config{RootCAs: pool})(http.MethodGet, "/", nil); resp.StatusCode != 200 {
		t.Errorf("https upstream: %d", resp.StatusCode)
	}
	if resp := direct(t, up, nil)(http.MethodGet, "/", nil); resp.StatusCode != 502 {
		t.Errorf("https upstream with an unknown certificate: %d, want 502", resp.StatusCode)
	}
}

func TestUpstreamClientGone(t *testing.T) {
	release := make(chan struct{})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer app.Close()
	defer close(release)
	up, _ := url.Parse(app.URL)
	tok := newToken(t)
	h, _ := New(Config{Upstream: up, Keys: webhook.NewKeyring(tok), UpstreamTimeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r := httptest.NewRequest(http.MethodGet, "http://h.example/x", nil).WithContext(ctx)
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(tok, "http://h.example/x", nil))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	// Had the proxy waited for its upstream timeout, it would have
	// answered 504; a client that left gets nothing.
	if w.Code == http.StatusGatewayTimeout || w.Body.Len() != 0 {
		t.Errorf("the upstream wait did not end with the client: %d %q", w.Code, w.Body)
	}
}
