package audit

import (
	"fmt"
	"time"
)

// checkTokenRotation (CRED-04): the newest promotion in Monitor is within
// the maximum age; an account younger than that passes; an attested date
// stands in for events Monitor no longer keeps.
func checkTokenRotation(c *Control, s *Snapshot, e *env) Result {
	since := e.now.Add(-e.maxKeyAge)
	var ev []Evidence
	if s.Token.Gap == nil {
		h := s.Token.Value
		if !h.Promoted.IsZero() {
			ev = append(ev, Evidence{Resource: h.PromotedSID, Field: "account-auth-token.promoted", Value: age(e.now, h.Promoted) + " ago", Date: h.Promoted})
			if h.Promoted.After(since) {
				r := result(Pass, "the Auth Token was rotated on %s, %s ago", day(h.Promoted), age(e.now, h.Promoted))
				r.Evidence = ev
				return r
			}
		}
	}
	if acct := s.Account; !acct.Created.IsZero() && acct.Created.After(since) {
		r := result(Pass, "the account is %s old, younger than %s", age(e.now, acct.Created), FormatAge(e.maxKeyAge))
		r.Evidence = append(ev, Evidence{Resource: acct.SID, Field: "date_created", Date: acct.Created})
		return r
	}
	if a := e.attest.For(c.ID, s.Account.SID); a != nil {
		d, _ := a.Value.(time.Time)
		r := result(Pass, "rotation on %s attested by %s", day(d), a.By)
		if !d.After(since) {
			r = result(Fail, "the attested rotation on %s is older than %s", day(d), FormatAge(e.maxKeyAge))
		}
		r.Evidence = ev
		return withAttestation(r, a, e)
	}
	if s.Token.Gap != nil {
		return gapResult(s.Token.Gap)
	}
	r := result(Fail, "no Auth Token rotation in Monitor since %s (Monitor keeps 30 days of events on some plans: attest an older rotation's date if Monitor no longer shows it)", day(since))
	if !s.Token.Value.Promoted.IsZero() {
		r.Summary = fmt.Sprintf("the Auth Token was last rotated on %s, %s ago: more than %s", day(s.Token.Value.Promoted), age(e.now, s.Token.Value.Promoted), FormatAge(e.maxKeyAge))
	}
	r.Evidence = ev
	return r
}

// checkSecondary (CRED-05): a secondary token created and neither promoted
// nor deleted since, for longer than the grace period, fails.
func checkSecondary(c *Control, s *Snapshot, e *env) Result {
	if s.Token.Gap != nil {
		return gapResult(s.Token.Gap)
	}
	h := s.Token.Value
	grace := c.ageParam("grace", 24*time.Hour)
	open := !h.SecondaryCreated.IsZero() && h.SecondaryCreated.After(h.Promoted) && h.SecondaryCreated.After(h.SecondaryDeleted)
	if !open {
		return result(Pass, "no secondary Auth Token was left open (Monitor history)")
	}
	ev := []Evidence{{Resource: h.SecondaryCreatedSID, Field: "account-auth-token.secondary-created", Value: age(e.now, h.SecondaryCreated) + " ago", Date: h.SecondaryCreated, Note: "no later promotion or deletion"}}
	if e.now.Sub(h.SecondaryCreated) <= grace {
		r := result(Pass, "a rotation is in progress: secondary token created %s ago", age(e.now, h.SecondaryCreated))
		r.Evidence = ev
		return r
	}
	r := result(Fail, "a secondary Auth Token created on %s was never promoted or deleted", day(h.SecondaryCreated))
	r.Evidence = ev
	return r
}
