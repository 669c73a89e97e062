package proxy

import (
	"crypto/tls"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzURLBuilder rebuilds public URLs from arbitrary request URIs, Host
// headers and X-Forwarded-* headers, and holds the result to net/url's
// reading of it: an untrusted peer's forwarding headers change nothing; a
// trusted peer's can name only a scheme and a host that net/url reads as
// such (no user information, path or query slipped in); the request URI
// follows unchanged.
func FuzzURLBuilder(f *testing.F) {
	f.Add("/sms?x=1", "in.example:8080", "https", "pub.example", "8443", "", true, false)
	f.Add("/p", "in.example", "HTTPS, http", "pub.example, inner", "", "", true, true)
	f.Add("/p?q=%27", "h", "gopher", "a/b@c", "80", "", true, false)
	f.Add("/x", "h", "https", "evil.example", "", "https://pub.example/pre", false, false)
	f.Add("/x", "h", "http", "[::1]:99", "99", "", true, false)
	f.Add("/x", "h", "https", "u@h", "443", "", true, false)
	f.Add("/", "0", "0", "[", "0", "", true, false)
	trusted := cidrs{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, uri, host, proto, fwdHost, fwdPort, base string, fromTrusted, overTLS bool) {
		if !strings.HasPrefix(uri, "/") {
			return
		}
		if u, err := url.Parse("http://" + host); err != nil || u.Host != host || host == "" {
			return // net/http refuses such a Host header before the proxy sees it
		}
		r := &http.Request{RequestURI: uri, Host: host, Header: http.Header{}, RemoteAddr: "1.2.3.4:5"}
		if fromTrusted {
			r.RemoteAddr = "10.1.2.3:5"
		}
		if overTLS {
			r.TLS = &tls.ConnectionState{}
		}
		for k, v := range map[string]string{"X-Forwarded-Proto": proto, "X-Forwarded-Host": fwdHost, "X-Forwarded-Port": fwdPort} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		b := urlBuilder{base: base, trusted: trusted}
		got := b.build(r)
		if base != "" {
			if got != base+uri {
				t.Fatalf("with a base: %q, want %q", got, base+uri)
			}
			return
		}
		scheme := "http"
		if overTLS {
			scheme = "https"
		}
		if !fromTrusted {
			if want := scheme + "://" + host + uri; got != want {
				t.Fatalf("untrusted peer: %q, want %q", got, want)
			}
			return
		}
		if !strings.HasSuffix(got, uri) {
			t.Fatalf("%q does not end with the request URI %q", got, uri)
		}
		origin := strings.TrimSuffix(got, uri)
		gotScheme, gotHost, ok := strings.Cut(origin, "://")
		if !ok || gotScheme != "http" && gotScheme != "https" {
			t.Fatalf("scheme of %q", got)
		}
		u, err := url.Parse(gotScheme + "://" + gotHost)
		if err != nil || u.Host != gotHost || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("forwarded host %q is not a host to net/url (%v)", gotHost, err)
		}
		if !strings.HasPrefix(gotHost, firstValue(fwdHost)) && !strings.HasPrefix(gotHost, host) {
			t.Fatalf("host %q is neither the Host header %q nor X-Forwarded-Host %q (with X-Forwarded-Port)", gotHost, host, fwdHost)
		}
	})
}

// FuzzClientAddr checks the client address against what X-Forwarded-For
// may claim: an untrusted peer is the client whatever it says; a trusted
// one hands over to the right-most address it lists that is not itself
// trusted, and never to one left of an untrusted hop.
func FuzzClientAddr(f *testing.F) {
	f.Add("10.0.0.1:5", "9.9.9.9, 8.8.8.8, 10.0.0.2")
	f.Add("1.2.3.4:5", "9.9.9.9")
	f.Add("10.0.0.1:5", "garbage, 10.0.0.3")
	f.Add("[::ffff:10.0.0.1]:5", "::ffff:8.8.8.8")
	f.Add("not an address", "1.1.1.1")
	b := urlBuilder{trusted: cidrs{netip.MustParsePrefix("10.0.0.0/8")}}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{}}
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		got := b.clientAddr(r)
		ap, err := netip.ParseAddrPort(remote)
		peer := ap.Addr().Unmap()
		if err != nil || !b.trusted.containsAddr(peer) {
			if err == nil && got != peer {
				t.Fatalf("untrusted peer %s: client %s", peer, got)
			}
			return
		}
		if got == peer {
			return
		}
		// got must be an item of the list, every item right of it trusted.
		items := strings.Split(xff, ",")
		for i := len(items) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(items[i]))
			if err != nil {
				t.Fatalf("client %s taken from left of an unparsable hop %q", got, items[i])
			}
			if a.Unmap() == got {
				return
			}
			if !b.trusted.containsAddr(a.Unmap()) {
				t.Fatalf("client %s taken from left of the untrusted hop %s", got, a)
			}
		}
		t.Fatalf("client %s is neither the peer nor in X-Forwarded-For %q", got, xff)
	})
}
