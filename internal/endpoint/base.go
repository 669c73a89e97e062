// Package endpoint checks the base URLs that send credentials somewhere
// other than their provider: the Twilio emulator, a local fake of a
// verifier's API, or (only when the user names it) a remote gateway.
//
// ParseBase is the one parser of such URLs (verify, twilio/rest and the
// commands use it). Policy is the one rule for where a credential may go
// when a flag or an environment variable says so: a loopback address
// freely, with a notice; any other host only when the user named it on
// the command line, over https, with a warning naming the host. An
// environment alone can therefore not send live secrets away, which in
// CI would be a way to exfiltrate them.
package endpoint

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseBase checks a base URL: http or https, a host, an optional path;
// no credentials (user:password@ in a URL is a leak path: it is logged
// and shown), no query, no fragment; plain http only to a loopback
// address. The host is lower-cased and the path loses its trailing
// slash.
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", redact(err))
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("base URL %s: holds credentials before its host (…@); give credentials the usual way, never in a URL", safe(u))
	case u.Scheme != "http" && u.Scheme != "https", u.Opaque != "", u.Hostname() == "",
		u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return nil, fmt.Errorf("base URL %s: want http(s)://host[:port][/path]", safe(u))
	case !validPort(u.Port()):
		return nil, fmt.Errorf("base URL %s: bad port", safe(u))
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return nil, fmt.Errorf("base URL %s: plain http to %s, which is not a loopback address: credentials would cross the network in clear (use https)", safe(u), u.Hostname())
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// IsLoopback reports whether host (a URL's Hostname) is this machine by
// its own form: an IPv4 address in 127.0.0.0/8, ::1 (also written as an
// IPv4-mapped address), or the name "localhost" in any case. Nothing else
// is: not "localhost." or "127.0.0.1.example.com", nor a DNS name that
// happens to resolve to 127.0.0.1 today (DNS can change its answer
// between this check and the connection). A connection to "localhost"
// is still checked when it is made (see DialContext).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validPort(p string) bool {
	if p == "" {
		return true
	}
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return false
		}
	}
	return n > 0
}

// safe shows a URL without its user information.
func safe(u *url.URL) string {
	c := *u
	c.User = nil
	return fmt.Sprintf("%q", c.String())
}

// redact keeps url.Parse's reason and drops the URL it quotes, which may
// hold credentials.
func redact(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
