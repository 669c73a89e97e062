package proxy

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// urlBuilder rebuilds the public URL Twilio requested, which is what the
// signature covers.
type urlBuilder struct {
	// base is --public-url without a trailing slash: scheme, host, optional
	// port and path prefix. Empty: rebuild from the request.
	base    string
	trusted cidrs
}

// build returns the public URL of r: base followed by the request URI when
// a base is configured; otherwise the scheme and host the client used,
// taken from X-Forwarded-Proto, -Host and -Port only when the connection
// comes from a trusted proxy.
func (b urlBuilder) build(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' {
		uri = r.URL.RequestURI()
	}
	if b.base != "" {
		return b.base + uri
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if b.trusted.containsAddr(peerAddr(r)) {
		if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && validHost(h) {
			host = h
		}
		if port := firstValue(r.Header.Get("X-Forwarded-Port")); port != "" && validPort(port) && !hasPort(host) &&
			!(scheme == "https" && port == "443") && !(scheme == "http" && port == "80") {
			host += ":" + port
		}
	}
	return scheme + "://" + host + uri
}

// firstValue is the first item of a comma-separated header value: the one
// the outermost proxy set.
func firstValue(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// validHost accepts host[:port] made of the characters a host name, an
// IPv6 literal and a port may hold, in an order net/url reads as a host
// and nothing else.
func validHost(h string) bool {
	if len(h) > 255 || h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-.:[]_", c) >= 0) {
			return false
		}
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h
}

func validPort(p string) bool {
	if len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

func hasPort(host string) bool {
	i := strings.LastIndexByte(host, ':')
	return i >= 0 && i > strings.LastIndexByte(host, ']')
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return netip.Addr{}
		}
		a, _ := netip.ParseAddr(host)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// clientAddr is the address of the client that sent r: the peer, or, when
// the peer is a trusted proxy, the right-most address in X-Forwarded-For
// that is not a trusted proxy.
func (b urlBuilder) clientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r)
	if !b.trusted.containsAddr(peer) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		items := strings.Split(hops[i], ",")
		for j := len(items) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(items[j]))
			if err != nil {
				return client
			}
			client = a.Unmap()
			if !b.trusted.containsAddr(client) {
				return client
			}
		}
	}
	return client
}

// cidrs is a list of networks.
type cidrs []netip.Prefix

// ParseCIDRs parses networks in CIDR notation; a bare address stands for
// itself (/32 or /128).
func ParseCIDRs(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		for _, item := range strings.Split(s, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if !strings.Contains(item, "/") {
				a, err := netip.ParseAddr(item)
				if err != nil {
					return nil, err
				}
				out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
		}
	}
	return out, nil
}

func (c cidrs) containsAddr(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range c {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
