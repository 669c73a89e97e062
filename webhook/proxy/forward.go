package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// newTransport is the client side of the proxy: net/http's Transport
// speaking HTTP/1.1 only, keeping connections to the upstream alive,
// never through an environment proxy, and leaving bodies as the upstream
// encoded them.
func newTransport(u *url.URL, tlsConf *tls.Config, headerTimeout time.Duration) *http.Transport {
	t := &http.Transport{
		DialContext:            (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:           512,
		MaxIdleConnsPerHost:    512,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  headerTimeout,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 1 << 20,
	}
	if u.Scheme == "https" {
		t.TLSClientConfig = tlsConf.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	t.Protocols = http1Only()
	return t
}

// http1Only is HTTP/1.1 (and 1.0) without HTTP/2, for the server and the
// transport alike.
func http1Only() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	return &p
}

// outbound is the request sent upstream for r, whose body has been read
// into body: the same method, the upstream's path prefix followed by the
// request URI exactly as received, the end-to-end headers, and
// X-Forwarded-For, -Proto and -Host telling who the client was and which
// public scheme and host the signature was checked for. r itself is left
// as it is.
func (h *Handler) outbound(r *http.Request, body []byte, public string) *http.Request {
	hdr := make(http.Header, len(r.Header)+3)
	for k, vs := range r.Header {
		hdr[k] = vs // shared, not copied: nothing changes them
	}
	removeHopHeaders(hdr, isSetUpstream)
	added := make([]string, 0, 4) // one array for the values set here
	set := func(k, v string) {
		added = append(added, v)
		hdr[k] = added[len(added)-1 : len(added) : len(added)]
	}
	set("X-Forwarded-For", forwardedFor(r))
	if scheme, host, ok := publicSchemeHost(public); ok {
		set("X-Forwarded-Proto", scheme)
		set("X-Forwarded-Host", host)
	}
	if _, ok := hdr["User-Agent"]; !ok {
		set("User-Agent", "") // not Go's own
	}
	out := &http.Request{
		Method:     r.Method,
		URL:        h.target(r),
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     hdr,
		Host:       h.cfg.Upstream.Host,
	}
	if len(body) > 0 {
		out.ContentLength = int64(len(body))
		// io.NopCloser over a *bytes.Reader, which the Transport knows
		// to be in memory: it writes the head and body in one system
		// call, where for a body of any other type it flushes the head
		// first (two writes, each waking the upstream).
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return out.WithContext(r.Context())
}

// target is the upstream URL of r. The path and query go out as the
// client sent them: as Opaque, which the Transport writes verbatim, but
// for a path that starts with "//", which Opaque would read as a host.
func (h *Handler) target(r *http.Request) *url.URL {
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' {
		uri = r.URL.RequestURI() // absolute form, or a handler called directly
	}
	path, query, hasQuery := strings.Cut(uri, "?")
	u := &url.URL{Scheme: h.cfg.Upstream.Scheme, Host: h.cfg.Upstream.Host, RawQuery: query, ForceQuery: hasQuery && query == ""}
	path = strings.TrimSuffix(h.cfg.Upstream.EscapedPath(), "/") + path
	if !strings.HasPrefix(path, "//") {
		u.Opaque = path
		return u
	}
	u.Path, u.RawPath = path, path
	if p, err := url.PathUnescape(path); err == nil {
		u.Path = p
	}
	return u
}

// forwardedFor is X-Forwarded-For with the peer's address appended.
func forwardedFor(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
		return strings.Join(prior, ", ") + ", " + ip
	}
	return ip
}

// publicSchemeHost is the scheme and host[:port] of a public URL, without
// any user information.
func publicSchemeHost(public string) (scheme, host string, ok bool) {
	scheme, rest, ok := strings.Cut(public, "://")
	if !ok {
		return "", "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return scheme, rest, true
}

// isHopHeader reports whether a header is meaningful for one connection
// only (RFC 9110 §7.6.1). Upgrade is among them: a webhook is never a
// tunnel.
func isHopHeader(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// isSetUpstream reports whether a request header is one the proxy or the
// Transport sets itself, whatever the client sent: framing, the host, and
// every forwarding header (a client's own would claim another origin).
func isSetUpstream(k string) bool {
	switch k {
	case "Content-Length", "Host", "Expect", "Forwarded",
		"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port":
		return true
	}
	return false
}

// removeHopHeaders deletes hop-by-hop headers, those the Connection header
// names, and those drop reports, from h.
func removeHopHeaders(h http.Header, drop func(string) bool) {
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for k := range h {
		if isHopHeader(k) || drop != nil && drop(k) {
			delete(h, k)
		}
	}
}

// relay writes the upstream's response to w: status, end-to-end headers,
// body (through a pooled buffer, flushed as it comes when its length is
// unknown) and trailers; closeAfter asks net/http to close the client's
// connection after it. It returns the first error reading the body or
// writing it to the client.
func (h *Handler) relay(w http.ResponseWriter, resp *http.Response, closeAfter bool) error {
	dst := w.Header()
	for k, vs := range resp.Header {
		dst[k] = vs
	}
	removeHopHeaders(dst, nil)
	if resp.ContentLength < 0 {
		delete(dst, "Content-Length")
	}
	if closeAfter {
		dst["Connection"] = []string{"close"}
	}
	w.WriteHeader(resp.StatusCode)
	buf := h.buffers.Get()
	defer h.buffers.Put(buf)
	err := copyBody(w, resp.Body, *buf, resp.ContentLength < 0)
	for k, vs := range resp.Trailer {
		dst[http.TrailerPrefix+k] = vs
	}
	return err
}

// copyBody copies a response body to the client through buf. With
// flush, each piece is flushed as it comes, so that a streamed response
// of unknown length streams through the proxy.
func copyBody(w http.ResponseWriter, r io.Reader, buf []byte, flush bool) error {
	var rc *http.ResponseController
	if flush {
		rc = http.NewResponseController(w)
	}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if flush {
				if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
					return ferr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}
