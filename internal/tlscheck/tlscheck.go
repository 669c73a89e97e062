// Package tlscheck examines the TLS certificate a host presents: whether
// its chain is valid for the host name, the protocol version it speaks
// (1.2 or newer, and none older accepted), whether any certificate of the
// chain expires soon, and, when pinned, whether the leaf's SHA-256
// fingerprint is the expected one. It shows each certificate's fingerprint
// and serial number, as Twilio's own advice does for twilio.com.
//
// Check only completes handshakes: it sends no application data. Both
// `vigil twilio tls` and the audit's webhook controls use it.
package tlscheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// Defaults.
const (
	DefaultExpiryWithin = 30 * 24 * time.Hour
	DefaultTimeout      = 10 * time.Second
	DefaultPort         = "443"
)

// Options configure a check.
type Options struct {
	// Roots are the trusted roots; nil means the system's.
	Roots *x509.CertPool
	// ExpiryWithin: a certificate expiring sooner than this is a problem.
	// Zero means DefaultExpiryWithin.
	ExpiryWithin time.Duration
	// Timeout bounds each connection and handshake; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Dial opens connections; nil means a net.Dialer. Tests send every
	// host to a loopback server with it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Now is the clock certificates are judged at; nil means time.Now.
	Now func() time.Time
}

// Target is one host to check.
type Target struct {
	Host string // the name the certificate must be valid for (or an IP)
	Port string // empty means 443
	// Pins are accepted SHA-256 fingerprints of the leaf certificate;
	// empty means not pinned.
	Pins []Fingerprint
	// Uses says what relies on the host ("Twilio REST API", "voice_url
	// of +15005550006"), for the report.
	Uses []string
}

// Addr is host:port.
func (t Target) Addr() string {
	port := t.Port
	if port == "" {
		port = DefaultPort
	}
	return net.JoinHostPort(t.Host, port)
}

// Kind names a kind of problem.
type Kind string

// Problem kinds.
const (
	KindChain    Kind = "chain"    // the chain does not verify for the host name
	KindProtocol Kind = "protocol" // TLS older than 1.2 spoken or accepted
	KindExpiry   Kind = "expiry"   // a certificate expires within the limit
	KindPin      Kind = "pin"      // the leaf's fingerprint is not a pinned one
)

// Problem is one thing wrong with a host's TLS.
type Problem struct {
	Kind   Kind   `json:"kind"`
	Detail string `json:"detail"`
}

// Cert is one certificate as presented.
type Cert struct {
	Subject   string      `json:"subject"`
	Issuer    string      `json:"issuer"`
	DNSNames  []string    `json:"dns_names,omitempty"`
	NotBefore time.Time   `json:"not_before"`
	NotAfter  time.Time   `json:"not_after"`
	SHA256    Fingerprint `json:"sha256"`
	Serial    string      `json:"serial"` // hex bytes, "06:34:66:…"
}

// Result is what a check found about one target.
type Result struct {
	Target  Target `json:"-"`
	Host    string `json:"host"`
	Addr    string `json:"addr"`
	Version string `json:"tls_version,omitempty"` // negotiated: "TLS 1.3"
	Cipher  string `json:"cipher,omitempty"`
	// Chain is what the server presented, leaf first.
	Chain    []Cert    `json:"chain,omitempty"`
	Verified bool      `json:"chain_valid"`
	Problems []Problem `json:"problems,omitempty"`
	// Err is set when no handshake completed: nothing could be judged.
	Err string `json:"error,omitempty"`
}

// OK reports whether the host was checked and nothing is wrong.
func (r *Result) OK() bool { return r.Err == "" && len(r.Problems) == 0 }

// Leaf is the presented leaf certificate, or nil.
func (r *Result) Leaf() *Cert {
	if len(r.Chain) == 0 {
		return nil
	}
	return &r.Chain[0]
}

func (o Options) withDefaults() Options {
	if o.ExpiryWithin == 0 {
		o.ExpiryWithin = DefaultExpiryWithin
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Dial == nil {
		d := &net.Dialer{}
		o.Dial = d.DialContext
	}
	return o
}

// Check connects to the target and judges what it presents.
func Check(ctx context.Context, t Target, o Options) Result {
	o = o.withDefaults()
	r := Result{Target: t, Host: t.Host, Addr: t.Addr()}
	state, err := handshake(ctx, t, o, tls.VersionTLS10, tls.VersionTLS13)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Version, r.Cipher = tls.VersionName(state.Version), tls.CipherSuiteName(state.CipherSuite)
	for _, c := range state.PeerCertificates {
		r.Chain = append(r.Chain, certOf(c))
	}
	now := o.Now()
	r.Verified = true
	if err := verify(state.PeerCertificates, t.Host, o.Roots, now); err != nil {
		r.Verified = false
		r.Problems = append(r.Problems, Problem{KindChain, err.Error()})
	}
	if state.Version < tls.VersionTLS12 {
		r.Problems = append(r.Problems, Problem{KindProtocol, "negotiated " + r.Version + "; TLS 1.2 or newer is required"})
	} else if old, err := handshake(ctx, t, o, tls.VersionTLS10, tls.VersionTLS11); err == nil {
		r.Problems = append(r.Problems, Problem{KindProtocol, "also accepts " + tls.VersionName(old.Version) + "; only TLS 1.2 or newer should be offered"})
	}
	r.Problems = append(r.Problems, expiring(r.Chain, now, o.ExpiryWithin)...)
	if len(t.Pins) > 0 && len(r.Chain) > 0 && !pinned(r.Chain[0].SHA256, t.Pins) {
		r.Problems = append(r.Problems, Problem{KindPin, fmt.Sprintf("the leaf's SHA-256 fingerprint %s is not the pinned %s", r.Chain[0].SHA256, pinList(t.Pins))})
	}
	return r
}

// CheckAll checks targets, at most concurrency at a time, and returns
// the results in the targets' order.
func CheckAll(ctx context.Context, targets []Target, o Options, concurrency int) []Result {
	out := make([]Result, len(targets))
	sem := make(chan struct{}, max(concurrency, 1))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				out[i] = Result{Target: t, Host: t.Host, Addr: t.Addr(), Err: ctx.Err().Error()}
				return
			}
			out[i] = Check(ctx, t, o)
		})
	}
	wg.Wait()
	return out
}

// handshake completes one TLS handshake within [minV, maxV] without
// verifying (verify judges the chain afterwards, so that a bad chain is
// still shown).
func handshake(ctx context.Context, t Target, o Options, minV, maxV uint16) (tls.ConnectionState, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	raw, err := o.Dial(ctx, "tcp", t.Addr())
	if err != nil {
		return tls.ConnectionState{}, fmt.Errorf("connect to %s: %w", t.Addr(), err)
	}
	defer raw.Close()
	cfg := &tls.Config{
		ServerName:         t.Host,
		InsecureSkipVerify: true, // verified by verify, with the chain shown either way
		MinVersion:         minV,
		MaxVersion:         maxV,
	}
	c := tls.Client(raw, cfg)
	if err := c.HandshakeContext(ctx); err != nil {
		return tls.ConnectionState{}, fmt.Errorf("TLS handshake with %s: %w", t.Addr(), err)
	}
	return c.ConnectionState(), nil
}

// verify checks the presented chain for host against roots at now.
func verify(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) error {
	if len(chain) == 0 {
		return errors.New("the server presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, CurrentTime: now})
	if err == nil {
		return nil
	}
	var host509 x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &host509):
		return fmt.Errorf("not valid for %s (it is for %s)", host, strings.Join(names(chain[0]), ", "))
	case errors.As(err, &unknown):
		return fmt.Errorf("not issued by a trusted authority (issuer %s)", chain[0].Issuer)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Errorf("a certificate of the chain is expired or not yet valid at %s", now.UTC().Format(time.RFC3339))
	}
	return fmt.Errorf("the chain does not verify: %v", err)
}

func names(c *x509.Certificate) []string {
	out := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	if len(out) == 0 && c.Subject.CommonName != "" {
		out = append(out, "CN "+c.Subject.CommonName)
	}
	if len(out) == 0 {
		out = append(out, "no name")
	}
	return out
}

// expiring lists the certificates that expire within the limit (or have).
func expiring(chain []Cert, now time.Time, within time.Duration) []Problem {
	var out []Problem
	for i, c := range chain {
		left := c.NotAfter.Sub(now)
		if left >= within {
			continue
		}
		which := "the leaf certificate"
		if i > 0 {
			which = "intermediate " + c.Subject
		}
		msg := fmt.Sprintf("%s expires on %s, in %s (less than %s)", which, c.NotAfter.UTC().Format(time.DateOnly), days(left), days(within))
		if left <= 0 {
			msg = fmt.Sprintf("%s expired on %s", which, c.NotAfter.UTC().Format(time.DateOnly))
		}
		out = append(out, Problem{KindExpiry, msg})
	}
	return out
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func certOf(c *x509.Certificate) Cert {
	return Cert{Subject: c.Subject.String(), Issuer: c.Issuer.String(), DNSNames: c.DNSNames,
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SHA256: FingerprintOf(c.Raw), Serial: hexBytes(c.SerialNumber.Bytes())}
}
