package endpoint

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// DialFunc is the shape of net.Dialer.DialContext.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// ErrNotLoopback is the error of a connection to "localhost" that would
// reach another machine.
var ErrNotLoopback = errors.New("localhost does not resolve to a loopback address")

// DialContext wraps dial so that the name "localhost" is resolved here
// and dialled only at its loopback addresses: /etc/hosts or a DNS server
// cannot turn a base URL IsLoopback accepted into another machine. Other
// addresses are dialled unchanged. lookup nil means net.DefaultResolver.
func DialContext(dial DialFunc, lookup func(ctx context.Context, host string) ([]net.IPAddr, error)) DialFunc {
	if lookup == nil {
		lookup = net.DefaultResolver.LookupIPAddr
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil || !strings.EqualFold(host, "localhost") {
			return dial(ctx, network, addr)
		}
		ips, err := lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		var firstErr error
		for _, ip := range ips {
			if !ip.IP.IsLoopback() {
				continue
			}
			c, err := dial(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fmt.Errorf("dial %s: %w", addr, ErrNotLoopback)
	}
}

// Transport is a clone of http.DefaultTransport that speaks TLS 1.2 or
// later and dials "localhost" only at loopback addresses.
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive}
	t.DialContext = DialContext(d.DialContext, nil)
	return t
}

// As http.DefaultTransport's dialer.
const (
	dialTimeout = 30 * time.Second
	keepAlive   = 30 * time.Second
)
