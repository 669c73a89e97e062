package endpoint

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// AllowFlag is the command-line flag that names a host credentials may be
// sent to although it is not a loopback address.
const AllowFlag = "--allow-endpoint"

// Policy decides whether credentials may go to a base URL that a flag or
// an environment variable gave.
type Policy struct {
	// Allowed are the hosts named on the command line with AllowFlag
	// ("gateway.example.com" or "gateway.example.com:8443"): the only
	// hosts other than loopback addresses credentials may be sent to.
	// Never fill it from the environment.
	Allowed []string
}

// Decision is an allowed base URL.
type Decision struct {
	URL *url.URL
	// Source is where the URL came from ("VIGIL_TWILIO_BASE_URL",
	// "--verify-base-url github").
	Source string
	// Loopback reports a loopback address; otherwise the host was named
	// with AllowFlag.
	Loopback bool
}

// Notice is what to tell the user on stderr: a notice for a loopback
// address, a warning naming the host for any other.
func (d Decision) Notice() string {
	if d.Loopback {
		return fmt.Sprintf("notice: %s sends credentials to %s on this machine, not to their provider", d.Source, d.URL.Redacted())
	}
	return fmt.Sprintf("warning: %s sends credentials to %s, not to their provider (allowed by %s %s)", d.Source, d.URL.Host, AllowFlag, d.URL.Hostname())
}

// Refusal is a base URL the policy does not allow. Hint says how to
// proceed.
type Refusal struct {
	Source string
	Reason string
	Hint   string
}

func (r *Refusal) Error() string { return r.Source + ": " + r.Reason }

// Check parses raw, which came from source, and decides: a loopback
// address is allowed (http or https); any other host only when it is in
// p.Allowed, over https. Redirects are never followed by vigil's
// clients, so the host checked is the host that gets the credential.
func (p Policy) Check(source, raw string) (Decision, error) {
	u, err := ParseBase(raw)
	if err != nil {
		return Decision{}, &Refusal{Source: source, Reason: err.Error(),
			Hint: "a base URL is http://127.0.0.1:PORT (a local emulator or fake), or https://HOST with " + AllowFlag + " HOST"}
	}
	d := Decision{URL: u, Source: source, Loopback: IsLoopback(u.Hostname())}
	if d.Loopback || p.allows(u) {
		return d, nil
	}
	return Decision{}, &Refusal{Source: source,
		Reason: fmt.Sprintf("would send credentials to %s, which is not a loopback address", u.Hostname()),
		Hint: fmt.Sprintf("if you mean to send credentials to %s, run again with %s %s; a local emulator or fake listens on http://127.0.0.1:PORT",
			u.Hostname(), AllowFlag, u.Hostname())}
}

// allows reports whether u's host was named on the command line.
func (p Policy) allows(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	return slices.ContainsFunc(p.Allowed, func(a string) bool {
		a = strings.ToLower(strings.TrimSpace(a))
		return a != "" && (a == host || a == strings.ToLower(u.Host))
	})
}
