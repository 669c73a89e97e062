package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// upstream sends requests to the app over a pool of kept-alive HTTP/1.1
// connections. Each request is written and its response read by the
// handler's own goroutine, in one write where it fits, which costs far
// less than net/http's Transport with its two goroutines per connection.
type upstream struct {
	u           *url.URL
	addr        string // host:port
	tls         *tls.Config
	timeout     time.Duration // for the response headers
	idleTimeout time.Duration
	maxIdle     int
	dialer      net.Dialer

	mu   sync.Mutex
	idle []*upConn // most recently used last
}

type upConn struct {
	c        net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	lastUsed time.Time
	head     parsedHead // reused by each response
}

func newUpstream(u *url.URL, tlsConf *tls.Config, timeout time.Duration) *upstream {
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	up := &upstream{u: u, addr: addr, timeout: timeout, idleTimeout: 30 * time.Second, maxIdle: 512,
		dialer: net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}}
	if u.Scheme == "https" {
		up.tls = tlsConf.Clone()
		if up.tls == nil {
			up.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		if up.tls.ServerName == "" {
			up.tls.ServerName = u.Hostname()
		}
	}
	return up
}

// get returns an idle connection, or dials one; reused tells which.
func (up *upstream) get(ctx context.Context) (c *upConn, reused bool, err error) {
	now := time.Now()
	up.mu.Lock()
	for len(up.idle) > 0 {
		c = up.idle[len(up.idle)-1]
		up.idle = up.idle[:len(up.idle)-1]
		if now.Sub(c.lastUsed) < up.idleTimeout {
			up.mu.Unlock()
			return c, true, nil
		}
		c.c.Close()
	}
	up.mu.Unlock()
	nc, err := up.dialer.DialContext(ctx, "tcp", up.addr)
	if err != nil {
		return nil, false, err
	}
	if up.tls != nil {
		tc := tls.Client(nc, up.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, false, err
		}
		nc = tc
	}
	r, w := newRawIO(nc)
	return &upConn{c: nc, br: bufio.NewReaderSize(r, 8<<10), bw: bufio.NewWriterSize(w, 8<<10)}, false, nil
}

func (up *upstream) put(c *upConn) {
	c.lastUsed = time.Now() // exchange has cleared the deadline
	up.mu.Lock()
	if len(up.idle) < up.maxIdle {
		up.idle = append(up.idle, c)
		c = nil
	}
	up.mu.Unlock()
	if c != nil {
		c.c.Close()
	}
}

// closeIdle closes the pooled connections (at shutdown).
func (up *upstream) closeIdle() {
	up.mu.Lock()
	idle := up.idle
	up.idle = nil
	up.mu.Unlock()
	for _, c := range idle {
		c.c.Close()
	}
}

// errTimeout marks an upstream that did not answer in time.
var errTimeout = errors.New("timeout awaiting response headers")

// roundTrip sends r (whose body has been read into body) and returns the
// response; the caller must call done with whether it read the body to
// the end. A reused connection the app had closed while idle is retried
// once on a fresh one: the request cannot have reached the app.
//
// The response's head is read into respHeader (the client's response
// header map), which is left empty when roundTrip fails.
func (up *upstream) roundTrip(r *http.Request, body []byte, hdr, respHeader http.Header) (*http.Response, func(ok bool), error) {
	ctx := r.Context()
	for attempt := 0; ; attempt++ {
		c, reused, err := up.get(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to upstream: %w", err)
		}
		stop := context.AfterFunc(ctx, func() { c.c.SetDeadline(time.Unix(1, 0)) })
		resp, err := up.exchange(c, r, body, hdr, respHeader)
		if err == nil {
			return resp, func(ok bool) {
				stop()
				if ok && !resp.Close && ctx.Err() == nil {
					up.put(c)
				} else {
					c.c.Close()
				}
			}, nil
		}
		stop()
		c.c.Close()
		clear(respHeader)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if reused && attempt == 0 && isStale(err) {
			continue
		}
		return nil, nil, err
	}
}

// exchange writes the request on c and reads the response headers.
func (up *upstream) exchange(c *upConn, r *http.Request, body []byte, hdr, respHeader http.Header) (*http.Response, error) {
	c.c.SetDeadline(time.Now().Add(up.timeout))
	writeRequest(c.bw, r.Method, up.target(r), up.u.Host, hdr, body)
	if err := c.bw.Flush(); err != nil {
		return nil, staleErr{err}
	}
	for {
		if _, err := c.br.Peek(1); err != nil {
			if isTimeout(err) {
				return nil, errTimeout
			}
			return nil, staleErr{err}
		}
		resp, err := readResponse(c.br, r.Method, &c.head, respHeader)
		if err != nil {
			if isTimeout(err) {
				return nil, errTimeout
			}
			return nil, fmt.Errorf("read upstream response: %w", err)
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue // informational; the final answer follows
		}
		c.c.SetDeadline(time.Time{})
		return resp, nil
	}
}

// staleErr is a failure before any byte of the response arrived.
type staleErr struct{ err error }

func (e staleErr) Error() string { return "upstream connection: " + e.err.Error() }
func (e staleErr) Unwrap() error { return e.err }

func isStale(err error) bool {
	var s staleErr
	return errors.As(err, &s) && !isTimeout(err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, errTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// target is the request-target sent upstream: the upstream URL's path
// prefix, if any, then the request URI exactly as received.
func (up *upstream) target(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' {
		uri = r.URL.RequestURI()
	}
	if p := strings.TrimSuffix(up.u.Path, "/"); p != "" {
		return p + uri
	}
	return uri
}

// writeRequest serialises an HTTP/1.1 request.
func writeRequest(w *bufio.Writer, method, target, host string, hdr http.Header, body []byte) {
	w.WriteString(method)
	w.WriteByte(' ')
	w.WriteString(target)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(host)
	w.WriteString("\r\n")
	for k, vs := range hdr {
		for _, v := range vs {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(v)
			w.WriteString("\r\n")
		}
	}
	if len(body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.Itoa(len(body)))
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	w.Write(body)
}

// isHopHeader reports whether a header is meaningful for one connection
// only (RFC 9110 §7.6.1), or is one the proxy sets itself.
func isHopHeader(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host", "Expect":
		return true
	}
	return false
}

// removeHopHeaders deletes hop-by-hop headers, and those the Connection
// header names, from h.
func removeHopHeaders(h http.Header) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for k := range h {
		if isHopHeader(k) {
			delete(h, k)
		}
	}
}

// copyResponse writes resp to w: headers (hop-by-hop ones removed), status
// and body, through a pooled buffer. resp's Header is w's (roundTrip read
// the upstream's head into it). It reports whether the body was read to
// its end.
func copyResponse(w http.ResponseWriter, resp *http.Response, pool *bufferPool) (ok bool, err error) {
	dst := w.Header()
	cl := dst.Get("Content-Length")
	removeHopHeaders(dst)
	if cl != "" && resp.ContentLength >= 0 {
		dst["Content-Length"] = []string{cl}
	}
	w.WriteHeader(resp.StatusCode)
	buf := pool.Get()
	defer pool.Put(buf)
	_, err = io.CopyBuffer(writerOnly{w}, resp.Body, *buf)
	resp.Body.Close()
	return err == nil, err
}

// writerOnly hides ReadFrom, so that the pooled buffer is used.
type writerOnly struct{ io.Writer }
