package proxy

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startH1 serves h on loopback and returns the address; the server is
// shut down when the test ends.
func startH1(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newH1Server(h, slog.New(slog.DiscardHandler))
	s.readHeaderTimeout, s.readTimeout, s.writeTimeout, s.idleTimeout = 2*time.Second, 5*time.Second, 5*time.Second, 5*time.Second
	s.maxHead = 4 << 10
	go s.serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.shutdown(ctx, ln)
	})
	return ln.Addr().String()
}

// h1Client is a raw connection that sends requests and reads responses
// with net/http's parser.
type h1Client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialH1(t *testing.T, addr string) *h1Client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &h1Client{t: t, c: c, br: bufio.NewReader(c)}
}

func (k *h1Client) send(raw string) {
	k.t.Helper()
	if _, err := io.WriteString(k.c, raw); err != nil {
		k.t.Fatal(err)
	}
}

// read reads a response to method and its whole body.
func (k *h1Client) read(method string) (*http.Response, string) {
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

// closed reports whether the server closed the connection.
func (k *h1Client) closed() bool {
	k.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := k.br.ReadByte()
	return err != nil && !isTimeout(err)
}

func testHandler(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/echo":
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Method", r.Method)
		w.Write(b)
	case "/big":
		w.Write([]byte(strings.Repeat("x", 100<<10)))
		w.Write([]byte(strings.Repeat("y", 100<<10)))
	case "/declared":
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, "abc") // short of what it declared
	case "/none":
		w.WriteHeader(http.StatusNoContent)
	case "/ignore-body":
		io.WriteString(w, "ignored")
	case "/abort":
		io.WriteString(w, "partial")
		panic(http.ErrAbortHandler)
	case "/panic":
		panic("handler bug")
	case "/newline":
		w.Header().Set("X-Bad", "a\r\nInjected: yes")
	default:
		http.NotFound(w, r)
	}
}

func TestH1ServerKeepAliveAndPipelining(t *testing.T) {
	k := dialH1(t, startH1(t, http.HandlerFunc(testHandler)))
	k.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
		"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n" +
		"HEAD /echo HTTP/1.1\r\nHost: h\r\n\r\n")
	for _, want := range []struct{ method, body string }{{"POST", "abc"}, {"POST", "de"}, {"HEAD", ""}} {
		resp, body := k.read(want.method)
		if resp.StatusCode != 200 || body != want.body || resp.Header.Get("X-Method") != want.method || resp.Header.Get("Date") == "" {
			t.Errorf("%s: %d %q %v", want.method, resp.StatusCode, body, resp.Header)
		}
	}
	k.send("GET /none HTTP/1.1\r\nHost: h\r\n\r\n")
	if resp, body := k.read("GET"); resp.StatusCode != 204 || body != "" || resp.Header.Get("Content-Length") != "" {
		t.Errorf("204: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	k.send("GET /missing HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	if resp, _ := k.read("GET"); resp.StatusCode != 404 || !resp.Close {
		t.Errorf("404 with Connection: close: %d close=%v", resp.StatusCode, resp.Close)
	}
	if !k.closed() {
		t.Error("connection kept after Connection: close")
	}
}

func TestH1ServerLargeResponses(t *testing.T) {
	addr := startH1(t, http.HandlerFunc(testHandler))
	k := dialH1(t, addr)
	k.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
	resp, body := k.read("GET")
	if len(body) != 200<<10 || body[0] != 'x' || body[len(body)-1] != 'y' || resp.TransferEncoding == nil {
		t.Errorf("streamed body: %d bytes, encoding %v", len(body), resp.TransferEncoding)
	}
	k.send("GET /big HTTP/1.0\r\n\r\n")
	if _, body := k.read("GET"); len(body) != 200<<10 {
		t.Errorf("HTTP/1.0 streamed body: %d bytes", len(body))
	}
	if !k.closed() {
		t.Error("an HTTP/1.0 body without a length must end with the connection")
	}
	k = dialH1(t, addr)
	k.send("GET /declared HTTP/1.1\r\nHost: h\r\n\r\n")
	resp, err := http.ReadResponse(k.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(resp.Body); err == nil || string(b) != "abc" {
		t.Errorf("a body short of its Content-Length: %q %v, want it cut", b, err)
	}
}

func TestH1ServerHandlerFailures(t *testing.T) {
	addr := startH1(t, http.HandlerFunc(testHandler))
	for _, path := range []string{"/abort", "/panic"} {
		k := dialH1(t, addr)
		k.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n")
		if !k.closed() {
			t.Errorf("%s: connection not closed", path)
		}
	}
	k := dialH1(t, addr)
	k.send("GET /newline HTTP/1.1\r\nHost: h\r\n\r\n")
	if resp, _ := k.read("GET"); resp.Header.Get("Injected") != "" || resp.Header.Get("X-Bad") != "a  Injected: yes" {
		t.Errorf("header value with a line break: %v", resp.Header)
	}
}

func TestH1ServerUnreadBodies(t *testing.T) {
	addr := startH1(t, http.HandlerFunc(testHandler))
	k := dialH1(t, addr)
	k.send("POST /ignore-body HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" +
		"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok")
	if _, body := k.read("POST"); body != "ignored" {
		t.Errorf("first: %q", body)
	}
	if _, body := k.read("POST"); body != "ok" {
		t.Errorf("the request after a small unread body: %q", body)
	}
	k = dialH1(t, addr)
	k.send("POST /ignore-body HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n" + strings.Repeat("z", 300<<10))
	if resp, body := k.read("POST"); body != "ignored" || !resp.Close {
		t.Errorf("large unread body: %q close=%v", body, resp.Close)
	}
	k = dialH1(t, addr)
	k.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	if resp, _ := k.read("POST"); resp.StatusCode != 100 {
		t.Fatalf("Expect: 100-continue answered %d", resp.StatusCode)
	}
	k.send("body")
	if _, body := k.read("POST"); body != "body" {
		t.Errorf("after 100 Continue: %q", body)
	}
	k.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: something\r\n\r\n")
	if resp, _ := k.read("POST"); resp.StatusCode != 417 {
		t.Errorf("unknown Expect: %d", resp.StatusCode)
	}
}

func TestH1ServerRefusesBadHeads(t *testing.T) {
	addr := startH1(t, http.HandlerFunc(testHandler))
	for raw, want := range map[string]int{
		"GET / HTTP/1.1\r\n\r\n": 400,
		"GET / HTTP/1.1\r\nHost: h\r\nA: " + strings.Repeat("a", 8<<10) + "\r\n\r\n":            431,
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n": 400,
	} {
		k := dialH1(t, addr)
		k.send(raw)
		if resp, _ := k.read("GET"); resp.StatusCode != want || !resp.Close {
			t.Errorf("%.40q: %d close=%v, want %d and close", raw, resp.StatusCode, resp.Close, want)
		}
	}
}

func TestH1ServerTimeouts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newH1Server(http.HandlerFunc(testHandler), slog.New(slog.DiscardHandler))
	s.readHeaderTimeout, s.readTimeout, s.writeTimeout, s.idleTimeout = 200*time.Millisecond, 400*time.Millisecond, time.Second, 300*time.Millisecond
	s.maxHead = 4 << 10
	go s.serve(ln)
	defer s.shutdown(context.Background(), ln)
	for name, raw := range map[string]string{
		"silent":          "",
		"slow head":       "GET / HTTP/1.1\r\nHo",
		"reply slow body": "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab",
		"idle kept":       "GET /missing HTTP/1.1\r\nHost: h\r\n\r\n",
		"idle partial":    "GET /missing HTTP/1.1\r\nHost: h\r\n\r\nGET /",
	} {
		k := dialH1(t, ln.Addr().String())
		k.send(raw)
		start := time.Now()
		if strings.HasPrefix(name, "idle") || strings.HasPrefix(name, "reply") {
			k.read("GET")
		}
		if !k.closed() {
			t.Errorf("%s: connection still open after %v", name, time.Since(start))
		}
	}
}

func TestH1ServerShutdownWaitsForRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s := newH1Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(200 * time.Millisecond)
		io.WriteString(w, "done")
	}), slog.New(slog.DiscardHandler))
	s.readHeaderTimeout, s.readTimeout, s.writeTimeout, s.idleTimeout = time.Second, time.Second, time.Second, time.Minute
	s.maxHead = 4 << 10
	go s.serve(ln)
	idle := dialH1(t, ln.Addr().String())
	busy := dialH1(t, ln.Addr().String())
	busy.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
	<-started
	done := make(chan error, 1)
	go func() { done <- s.shutdown(context.Background(), ln) }()
	if resp, body := busy.read("GET"); body != "done" || !resp.Close {
		t.Errorf("request in flight: %q close=%v", body, resp.Close)
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if !idle.closed() {
		t.Error("idle connection left open")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still accepting after shutdown")
	}
}
