package audit

import (
	"fmt"
	"strings"
)

// checkGeo (FRAUD-01): no country has high-risk special or toll-fraud
// numbers enabled unless attested by ISO code.
func checkGeo(c *Control, s *Snapshot, e *env) Result {
	if s.Countries.Gap != nil {
		return gapResult(s.Countries.Gap)
	}
	allowed, a := exceptions(c, s, e)
	var bad, excused []Evidence
	for _, k := range s.Countries.Value.Countries {
		var open []string
		if k.HighRiskSpecial {
			open = append(open, "high_risk_special_numbers_enabled")
		}
		if k.TollFraud {
			open = append(open, "high_risk_tollfraud_numbers_enabled")
		}
		if len(open) == 0 {
			continue
		}
		ev := Evidence{Resource: k.ISO, Field: strings.Join(open, ", "), Value: "true", Note: k.Name}
		if contains(allowed, k.ISO) {
			ev.Note += " (attested as needed)"
			excused = append(excused, ev)
		} else {
			bad = append(bad, ev)
		}
	}
	var inherit []Evidence
	if in := s.Countries.Value.Inherits; in != nil && *in && s.Account.IsSub() {
		inherit = []Evidence{{Resource: s.Account.SID, Field: "dialing_permissions_inheritance", Value: "true", Note: "the main account's permissions also apply"}}
	}
	fail := result(Fail, "%d countries allow high-risk or toll-fraud destinations without an attestation", len(bad))
	pass := result(Pass, "%d countries checked: no high-risk or toll-fraud destination open without an attestation", len(s.Countries.Value.Countries))
	return withExceptions(fail, pass, bad, excused, inherit, a, e)
}

// checkTriggers (FRAUD-02): at least one usage trigger on spend.
func checkTriggers(c *Control, s *Snapshot, e *env) Result {
	if s.Triggers.Gap != nil {
		return gapResult(s.Triggers.Gap)
	}
	var spend, other []Evidence
	for _, t := range s.Triggers.Value {
		ev := Evidence{Resource: t.SID, Field: t.Category, Value: fmt.Sprintf("%s ≥ %s %s", t.TriggerBy, t.Value, t.Recurring), Note: t.FriendlyName}
		if t.Category == "totalprice" || t.TriggerBy == "price" {
			spend = append(spend, ev)
		} else {
			other = append(other, ev)
		}
	}
	if len(spend) == 0 {
		r := result(Fail, "no usage trigger alerts on spend (%d other triggers)", len(other))
		r.Evidence = other
		return r
	}
	r := result(Pass, "%d usage triggers alert on spend", len(spend))
	r.Evidence = spend
	return r
}

// checkPublicKeys (FRAUD-03): at least one Public Key Client Validation
// key.
func checkPublicKeys(c *Control, s *Snapshot, e *env) Result {
	if s.PublicKeys.Gap != nil {
		return gapResult(s.PublicKeys.Gap)
	}
	if len(s.PublicKeys.Value) == 0 {
		return result(Fail, "no Public Key Client Validation key is uploaded")
	}
	r := result(Pass, "%d public keys uploaded (whether validation is enforced is a Console setting)", len(s.PublicKeys.Value))
	for _, k := range s.PublicKeys.Value {
		r.Evidence = append(r.Evidence, Evidence{Resource: k.SID, Field: "date_created", Date: k.Created, Note: k.FriendlyName})
	}
	return r
}
