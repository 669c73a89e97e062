package verify

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// Provider is one verifier: the name rules use in `verify = "name"`, the
// endpoints it may contact and the function that asks them.
type Provider struct {
	// Name is the verifier name rules refer to ("github", "twilio").
	Name string
	// Endpoints are every request Check may make. A request that matches
	// none fails (and a test catches it), so this list is the truth.
	Endpoints []Endpoint
	// Check asks the provider about one credential. It returns Valid or
	// Invalid only on a definitive answer.
	Check CheckFunc
}

// CheckFunc verifies one credential through c, which paces, times and
// bounds every request.
type CheckFunc func(ctx context.Context, c *Call, cred Credential) vigil.Verdict

// Endpoint is one request a verifier may make. URL is a template: {name}
// stands for one path segment, or one host label when it is in the host.
type Endpoint struct {
	Method  string
	URL     string
	Purpose string
}

// Host is the endpoint's host (a template when it holds {…}).
func (e Endpoint) Host() string {
	rest, _ := strings.CutPrefix(e.URL, "https://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// pattern compiles the template into a regexp over scheme://host/path.
func (e Endpoint) pattern() *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	inHost := true
	s := e.URL
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(s))
			break
		}
		lit := s[:i]
		if strings.Contains(strings.TrimPrefix(lit, "https://"), "/") {
			inHost = false
		}
		b.WriteString(regexp.QuoteMeta(lit))
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(regexp.QuoteMeta(s[i:]))
			break
		}
		if inHost {
			b.WriteString(`[a-z0-9-]+`)
		} else {
			b.WriteString(`[^/]+`)
		}
		s = s[i+j+1:]
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// Credential is what a verifier gets: the secret and its named parts.
type Credential struct {
	Secret vigil.Secret
	Parts  map[string]vigil.Secret
	// RuleID is the rule that found it, for verifiers that serve several.
	RuleID string
}

// Part returns a named part, or the zero Secret.
func (c Credential) Part(name string) vigil.Secret { return c.Parts[name] }

// credentialOf builds the Credential of a finding.
func credentialOf(f *vigil.Finding) Credential {
	c := Credential{Secret: f.Secret, Parts: map[string]vigil.Secret{}, RuleID: f.RuleID}
	for _, p := range f.Parts {
		c.Parts[p.Name] = p.Value
	}
	return c
}

// Providers returns the verifier table, sorted by name.
func Providers() []Provider {
	all := slices.Concat(
		[]Provider{twilioProvider(), awsProvider(), gcpProvider()},
		vcsProviders(), chatProviders(), paymentProviders(), emailProviders(),
		aiProviders(), cloudProviders(), observabilityProviders(),
		workProviders(), hookProviders(), teamProviders(), infraProviders(), payProviders(),
	)
	slices.SortFunc(all, func(a, b Provider) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// Lookup returns the provider with the given verifier name.
func Lookup(name string) (Provider, bool) {
	for _, p := range Providers() {
		if p.Name == name {
			return p, true
		}
	}
	return Provider{}, false
}

// checkTable reports table mistakes: duplicate names, missing parts.
func checkTable(ps []Provider) error {
	seen := map[string]bool{}
	for _, p := range ps {
		switch {
		case p.Name == "" || p.Check == nil || len(p.Endpoints) == 0:
			return fmt.Errorf("verifier %q: needs a name, a check and endpoints", p.Name)
		case seen[p.Name]:
			return fmt.Errorf("verifier %q: defined twice", p.Name)
		}
		seen[p.Name] = true
		for _, e := range p.Endpoints {
			if !strings.HasPrefix(e.URL, "https://") || e.Method == "" || e.Purpose == "" {
				return fmt.Errorf("verifier %q: endpoint %s %s: needs a method, an https URL and a purpose", p.Name, e.Method, e.URL)
			}
		}
	}
	return nil
}
