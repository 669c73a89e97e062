package audit

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/vigilsec/vigil/internal/tlscheck"
	"github.com/vigilsec/vigil/internal/webhookprobe"
)

func hookEvidence(w Webhook, note string) Evidence {
	return Evidence{Resource: w.Resource, Field: w.Field, Value: redactURL(w.URL), Note: strings.TrimSpace(w.Kind + " " + w.Name + " " + note)}
}

// checkHTTPS (HOOK-01): every configured URL is https and, when
// certificates are checked, its host presents a chain valid for its name
// over TLS 1.2 or newer with no certificate expiring soon. A plain-http
// URL or a bad certificate fails even when part of the configuration could
// not be read; a host that could not be reached leaves the control
// unknown.
func checkHTTPS(c *Control, s *Snapshot, e *env) Result {
	var bad, unclear, good []Evidence
	plain := 0
	for _, w := range s.Webhooks.Value {
		u, err := url.Parse(w.URL)
		if err != nil || !strings.EqualFold(u.Scheme, "https") {
			bad = append(bad, hookEvidence(w, ""))
			plain++
			continue
		}
		tr, checked := e.tls[w.URL]
		switch {
		case !checked:
			good = append(good, hookEvidence(w, ""))
		case tr.Err != "":
			unclear = append(unclear, hookEvidence(w, "certificate not checked: "+tr.Err))
		case !tr.OK():
			bad = append(bad, hookEvidence(w, "certificate: "+problemText(tr)))
		default:
			good = append(good, hookEvidence(w, certNote(tr)))
		}
	}
	n := len(s.Webhooks.Value)
	switch {
	case len(bad) > 0:
		r := result(Fail, "%d of %d webhook URLs do not use HTTPS with a valid certificate (%d plain http, %d bad certificates)", len(bad), n, plain, len(bad)-plain)
		if plain == len(bad) {
			r.Summary = fmt.Sprintf("%d of %d webhook URLs do not use HTTPS", len(bad), n)
		}
		if s.Webhooks.Gap != nil {
			r.Summary += "; " + s.Webhooks.Gap.String()
		}
		r.Evidence = append(bad, unclear...)
		return r
	case s.Webhooks.Gap != nil:
		return gapResult(s.Webhooks.Gap)
	case len(unclear) > 0:
		r := result(Unknown, "%d of %d webhook URLs use HTTPS, but the certificate of %d could not be checked", n, n, len(unclear))
		r.Evidence = append(unclear, good...)
		return r
	}
	r := result(Pass, "%d webhook URLs, all HTTPS", n)
	switch {
	case n == 0:
	case e.tls == nil:
		r.Summary += " (certificates not checked: --check-tls checks them)"
	default:
		r.Summary += fmt.Sprintf(", each with a chain valid for its host, TLS 1.2 or newer, no certificate expiring within %s", FormatAge(cmp.Or(e.tlsWithin, tlscheck.DefaultExpiryWithin)))
	}
	r.Evidence = good
	return r
}

// problemText joins a TLS check's problems.
func problemText(r tlscheck.Result) string {
	parts := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		parts[i] = p.Detail
	}
	return strings.Join(parts, "; ")
}

// certNote is a good certificate's leaf fingerprint and expiry.
func certNote(r tlscheck.Result) string {
	leaf := r.Leaf()
	if leaf == nil {
		return ""
	}
	return fmt.Sprintf("%s, certificate SHA-256 %s, expires %s", r.Version, leaf.SHA256, leaf.NotAfter.Format(time.DateOnly))
}

// checkSignature (HOOK-02): with probes, an endpoint that accepts an
// unsigned request fails and all refusing passes; otherwise the
// attestation decides.
func checkSignature(c *Control, s *Snapshot, e *env) Result {
	var accepted, refused, unclear []Evidence
	seen := map[string]bool{}
	if e.probes != nil {
		for _, w := range s.Webhooks.Value {
			p, ok := e.probes[w.URL]
			if !ok || seen[w.URL] {
				continue
			}
			seen[w.URL] = true
			ev := hookEvidence(w, "")
			ev.Value = redactURL(w.URL) + " → " + p.Detail
			switch p.Outcome {
			case webhookprobe.Accepted:
				accepted = append(accepted, ev)
			case webhookprobe.Refused:
				refused = append(refused, ev)
			case webhookprobe.Inconclusive:
				unclear = append(unclear, ev)
			}
		}
	}
	if len(accepted) > 0 {
		r := result(Fail, "%d webhook endpoints accepted an unsigned request", len(accepted))
		r.Evidence = append(append(accepted, unclear...), refused...)
		return r
	}
	if len(refused) > 0 && len(unclear) == 0 && s.Webhooks.Gap == nil {
		r := result(Pass, "all %d probed webhook endpoints refused an unsigned request", len(refused))
		r.Evidence = refused
		return r
	}
	if r, ok := attested(c, s, e); ok {
		r.Evidence = append(unclear, refused...)
		return r
	}
	if s.Webhooks.Gap == nil && len(s.Webhooks.Value) == 0 {
		return result(Pass, "no webhook URLs are configured")
	}
	why := "run with --probe-webhooks to test the endpoints, or attest"
	switch {
	case s.Webhooks.Gap != nil:
		why = s.Webhooks.Gap.String()
	case len(unclear) > 0:
		why = fmt.Sprintf("%d endpoints gave no clear answer to the probe", len(unclear))
	}
	r := noAttestation(c, why)
	r.Evidence = append(unclear, refused...)
	return r
}
