package audit

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/internal/webhookprobe"
)

func hookEvidence(w Webhook, note string) Evidence {
	return Evidence{Resource: w.Resource, Field: w.Field, Value: redactURL(w.URL), Note: strings.TrimSpace(w.Kind + " " + w.Name + " " + note)}
}

// checkHTTPS (HOOK-01): every configured URL is https. A plain-http URL
// fails even when part of the configuration could not be read.
func checkHTTPS(c *Control, s *Snapshot, e *env) Result {
	var bad []Evidence
	for _, w := range s.Webhooks.Value {
		if u, err := url.Parse(w.URL); err != nil || !strings.EqualFold(u.Scheme, "https") {
			bad = append(bad, hookEvidence(w, ""))
		}
	}
	switch {
	case len(bad) > 0:
		r := result(Fail, "%d of %d webhook URLs do not use HTTPS", len(bad), len(s.Webhooks.Value))
		if s.Webhooks.Gap != nil {
			r.Summary += "; " + s.Webhooks.Gap.String()
		}
		r.Evidence = bad
		return r
	case s.Webhooks.Gap != nil:
		return gapResult(s.Webhooks.Gap)
	}
	r := result(Pass, "%d webhook URLs, all HTTPS", len(s.Webhooks.Value))
	for _, w := range s.Webhooks.Value {
		r.Evidence = append(r.Evidence, hookEvidence(w, ""))
	}
	return r
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
