package audit

import "time"

// checkTokenRotation (CRED-04): the newest promotion in Monitor is within
// the maximum age; an account younger than that passes; an attested date
// stands in for events Monitor no longer keeps. Without a promotion it
// fails only when Monitor shows the whole window: a window reaching past
// Monitor's retention is unknown, and the result says which days could not
// be seen.
func checkTokenRotation(c *Control, s *Snapshot, e *env) Result {
	since := e.now.Add(-e.maxKeyAge)
	var ev []Evidence
	h := s.Token.Value
	if s.Token.Gap == nil && !h.Promoted.IsZero() {
		ev = append(ev, Evidence{Resource: h.PromotedSID, Field: "account-auth-token.promoted", Value: age(e.now, h.Promoted) + " ago", Date: h.Promoted})
		if h.Promoted.After(since) {
			r := result(Pass, "the Auth Token was rotated on %s, %s ago", day(h.Promoted), age(e.now, h.Promoted))
			r.Evidence = ev
			return r
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
	if !h.Promoted.IsZero() {
		r := result(Fail, "the Auth Token was last rotated on %s, %s ago: more than %s", day(h.Promoted), age(e.now, h.Promoted), FormatAge(e.maxKeyAge))
		r.Evidence = ev
		return r
	}
	shown := Evidence{Resource: s.Account.SID, Field: "Monitor retention", Value: "events shown since " + day(h.Shown.Since), Note: h.Shown.Why}
	if !h.Shown.Since.IsZero() && h.Shown.Since.After(since) {
		r := result(Unknown, "no Auth Token rotation in the last %s, all Monitor is known to show (since %s); the %s window reaches back to %s, and a rotation between %s and %s cannot be seen: attest its date if there was one",
			age(e.now, h.Shown.Since), day(h.Shown.Since), FormatAge(e.maxKeyAge), day(since), day(since), day(h.Shown.Since))
		r.Evidence = []Evidence{shown}
		return r
	}
	r := result(Fail, "no Auth Token rotation in Monitor since %s, and Monitor shows that whole window", day(since))
	r.Evidence = []Evidence{shown}
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
