package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// h1Server serves HTTP/1.1 (and 1.0) with a small fixed cost per request,
// which is what the proxy's throughput rests on: one goroutine per
// connection and none per request, the head parsed into a single string,
// the Request and header maps reused, four deadline changes per request,
// and a small response sent in one write. net/http's server adds a
// background read and a context per request and builds header maps line
// by line; replacing it (with the access log's slog call) took the proxy
// from 77 to 62 µs of CPU per request in bench/webhook. A client that
// leaves is noticed here when its response cannot be written.
type h1Server struct {
	handler http.Handler
	tls     *tls.Config
	// Timeouts: waiting for a request's head (and for the first request of
	// a connection), reading the whole request, writing the response, and
	// waiting for the next request on a kept-alive connection.
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	maxHead                                                   int
	log                                                       *slog.Logger

	ctx     context.Context // the requests' parent, cancelled at a forced close
	cancel  context.CancelFunc
	closing atomic.Bool

	mu    sync.Mutex
	conns map[*h1Conn]struct{}
	wg    sync.WaitGroup
}

func newH1Server(h http.Handler, log *slog.Logger) *h1Server {
	ctx, cancel := context.WithCancel(context.Background())
	return &h1Server{handler: h, log: log, ctx: ctx, cancel: cancel, conns: map[*h1Conn]struct{}{}}
}

// serve accepts connections on ln until it is closed.
func (s *h1Server) serve(ln net.Listener) error {
	backoff := 5 * time.Millisecond
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors and the like: wait, then go on.
			s.log.LogAttrs(context.Background(), slog.LevelError, "accept failed", slog.String("error", err.Error()),
				slog.Duration("retry_in", backoff))
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if s.tls != nil {
			nc = tls.Server(nc, s.tls)
		}
		c := s.track(nc)
		if c == nil {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

func (s *h1Server) track(nc net.Conn) *h1Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	r, w := newRawIO(nc)
	c := &h1Conn{srv: s, nc: nc, remote: nc.RemoteAddr().String(),
		br: bufio.NewReaderSize(r, 4<<10), bw: bufio.NewWriterSize(w, 8<<10), header: http.Header{}}
	c.ctx, c.cancel = context.WithCancel(s.ctx)
	c.blank, c.req, c.reqHeader = (&http.Request{}).WithContext(c.ctx), &http.Request{}, http.Header{}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return c
}

func (s *h1Server) untrack(c *h1Conn) {
	c.nc.Close()
	c.cancel()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

// shutdown stops accepting (ln is closed), closes idle connections, and
// waits for the requests in flight to be answered, or for ctx to end, at
// which point it closes every connection.
func (s *h1Server) shutdown(ctx context.Context, ln net.Listener) error {
	s.closing.Store(true)
	ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.closeIfIdle()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.cancel()
	s.mu.Lock()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}

// h1Conn is one client connection.
type h1Conn struct {
	srv      *h1Server
	nc       net.Conn
	remote   string
	tlsState *tls.ConnectionState
	br       *bufio.Reader
	bw       *bufio.Writer
	ctx      context.Context
	cancel   context.CancelFunc

	mu   sync.Mutex
	idle bool // waiting for the next request

	// Reused from one request to the next: no handler keeps a request
	// or its header map past its return (net/http forbids it of the
	// ResponseWriter; the proxy's handlers do not keep the Request).
	head      parsedHead
	blank     *http.Request // zero but for the connection's context
	req       *http.Request
	reqHeader http.Header
	header    http.Header
	body      []byte
	resp      h1Response
	// date caches the Date header for the current second.
	dateSec int64
	dateStr string
}

func (c *h1Conn) serve() {
	defer c.srv.untrack(c)
	defer func() {
		// A bug in the server's own parsing ends this connection, not the
		// process and every connection with it (handlers' panics are
		// caught closer, in run).
		if p := recover(); p != nil {
			c.srv.log.LogAttrs(c.ctx, slog.LevelError, "panic serving a connection", slog.String("client", c.remote),
				slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
		}
	}()
	if tc, ok := c.nc.(*tls.Conn); ok {
		tc.SetDeadline(after(time.Now(), c.srv.readHeaderTimeout))
		if err := tc.HandshakeContext(c.ctx); err != nil {
			c.srv.log.LogAttrs(c.ctx, slog.LevelDebug, "TLS handshake failed", slog.String("client", c.remote),
				slog.String("error", err.Error()))
			return
		}
		st := tc.ConnectionState()
		c.tlsState = &st
	}
	for first := true; c.await(first) && c.serveOne(); first = false {
	}
}

// await waits for the first byte of the next request. A closing server
// ends an idle connection rather than wait.
func (c *h1Conn) await(first bool) bool {
	timeout := c.srv.idleTimeout
	if first {
		timeout = c.srv.readHeaderTimeout
	}
	c.mu.Lock()
	if c.srv.closing.Load() {
		c.mu.Unlock()
		return false
	}
	c.idle = true
	if c.br.Buffered() == 0 {
		c.nc.SetReadDeadline(after(time.Now(), timeout))
	}
	c.mu.Unlock()
	_, err := c.br.Peek(1)
	c.mu.Lock()
	c.idle = false
	c.mu.Unlock()
	return err == nil
}

// after is the deadline d after t; none when d is not positive.
func after(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return t.Add(d)
}

// closeIfIdle wakes a connection waiting for a request, which then ends.
func (c *h1Conn) closeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		c.nc.SetReadDeadline(time.Unix(1, 0))
	}
}

// serveOne reads a request, runs the handler and sends the response; it
// reports whether the connection may serve another.
func (c *h1Conn) serveOne() bool {
	start := time.Now()
	c.nc.SetReadDeadline(after(start, c.srv.readHeaderTimeout))
	req := c.req
	*req = *c.blank
	req.Header = c.reqHeader
	if err := readRequest(c.br, c.srv.maxHead, &c.head, req); err != nil {
		c.refuse(err)
		return false
	}
	if c.srv.readTimeout != c.srv.readHeaderTimeout {
		c.nc.SetReadDeadline(after(start, c.srv.readTimeout))
	}
	c.nc.SetWriteDeadline(after(start, c.srv.writeTimeout))
	req.RemoteAddr, req.TLS = c.remote, c.tlsState
	body := req.Body
	var cont *continueBody
	if expect := req.Header["Expect"]; len(expect) > 0 {
		if len(expect) > 1 || !asciiEqualFold(expect[0], "100-continue") || req.ProtoMinor == 0 {
			c.refuse(&requestError{http.StatusExpectationFailed, "unsupported Expect header"})
			return false
		}
		if body != http.NoBody {
			cont = &continueBody{c: c, r: body}
			req.Body = cont
		}
	}
	clear(c.header)
	w := &c.resp
	*w = h1Response{c: c, req: req, header: c.header, body: c.body[:0]}
	if !c.run(w, req) {
		return false
	}
	switch {
	case !remaining(body):
	case cont != nil && !cont.sent:
		w.closeAfter = true // the client has not sent the body
	case !discard(body):
		w.closeAfter = true
	}
	keep := w.finish()
	if cap(w.body) <= 2*bufferedBody {
		c.body = w.body[:0]
	}
	if !keep && remaining(body) {
		c.closeWriteAndWait()
	}
	return keep
}

// run calls the handler; a panic ends the connection (and is logged
// unless it is http.ErrAbortHandler, the handler's way to cut it).
func (c *h1Conn) run(w *h1Response, r *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			if p != http.ErrAbortHandler {
				c.srv.log.LogAttrs(c.ctx, slog.LevelError, "panic serving a request", slog.String("client", c.remote),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			}
		}
	}()
	c.srv.handler.ServeHTTP(w, r)
	return true
}

// maxDiscard is how much of a request body the handler left unread the
// server reads to keep the connection; past it, the connection closes.
const maxDiscard = 256 << 10

func discard(body io.Reader) bool {
	_, err := io.CopyN(io.Discard, body, maxDiscard)
	return errors.Is(err, io.EOF) && !remaining(body)
}

// refuse answers a request the server cannot pass on, then the
// connection closes. A connection that failed or timed out gets nothing.
func (c *h1Conn) refuse(err error) {
	var re *requestError
	if !errors.As(err, &re) {
		return
	}
	c.srv.log.LogAttrs(c.ctx, slog.LevelDebug, "bad request", slog.String("client", c.remote),
		slog.Int("status", re.status), slog.String("error", re.msg))
	text := http.StatusText(re.status)
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	c.bw.WriteString("HTTP/1.1 " + strconv.Itoa(re.status) + " " + text +
		"\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(text)+1) + "\r\n\r\n" + text + "\n")
	if c.bw.Flush() == nil {
		c.closeWriteAndWait()
	}
}

// closeWriteAndWait ends the sending side and gives the client a moment to
// read the response before the connection closes, so that the bytes of
// its request still unread do not make the close reset the connection
// and lose the response.
func (c *h1Conn) closeWriteAndWait() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		c.nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		io.CopyN(io.Discard, c.nc, 1<<20)
	}
}

// clientGone is called when a response cannot be written: the request's
// context ends, so that nobody waits for its upstream any longer.
func (c *h1Conn) clientGone() { c.cancel() }

// date is the Date header for now, formatted once a second.
func (c *h1Conn) date() string {
	now := time.Now()
	if s := now.Unix(); s != c.dateSec || c.dateStr == "" {
		c.dateSec, c.dateStr = s, httpDate(now)
	}
	return c.dateStr
}

// continueBody sends "100 Continue" before the first read of a body whose
// client waits for it.
type continueBody struct {
	c    *h1Conn
	r    io.ReadCloser
	sent bool
}

func (b *continueBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		b.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := b.c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	return b.r.Read(p)
}

func (b *continueBody) Close() error { return nil }
