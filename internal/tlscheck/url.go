package tlscheck

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrPlainHTTP is the error of TargetOfURL for an http:// URL: there is no
// certificate to check, and nothing protects the traffic.
var ErrPlainHTTP = errors.New("plain http: no TLS at all")

// TargetOfURL is the target an https URL's requests connect to. An
// http URL gives ErrPlainHTTP; anything else that is not an https URL
// with a host is an error.
func TargetOfURL(raw string) (Target, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Target{}, fmt.Errorf("not a URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		return Target{}, ErrPlainHTTP
	default:
		return Target{}, fmt.Errorf("scheme %q: want https", u.Scheme)
	}
	t := Target{Host: u.Hostname(), Port: u.Port()}
	if err := t.check(); err != nil {
		return Target{}, err
	}
	return t, nil
}

// ParseTarget reads a host as a user writes it: "host", "host:port",
// "[v6]:port" or an https URL.
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") {
		return TargetOfURL(s)
	}
	t := Target{Host: s}
	if host, port, err := net.SplitHostPort(s); err == nil {
		t = Target{Host: host, Port: port}
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		t.Host = s[1 : len(s)-1]
	}
	if err := t.check(); err != nil {
		return Target{}, fmt.Errorf("%q: want HOST, HOST:PORT or an https URL: %w", s, err)
	}
	return t, nil
}

// check refuses an empty or odd host and a port that is not a number from
// 1 to 65535, and writes the port without leading zeros.
func (t *Target) check() error {
	if t.Host == "" || strings.ContainsAny(t.Host, "/@?#[] \t\n") {
		return errors.New("bad host")
	}
	if t.Port != "" {
		n, err := strconv.Atoi(t.Port)
		if err != nil || n < 1 || n > 65535 {
			return errors.New("bad port")
		}
		t.Port = strconv.Itoa(n)
	}
	return nil
}
