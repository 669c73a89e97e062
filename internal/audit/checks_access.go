package audit

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// checkSeparation (ACC-03): no active subaccount fails; otherwise the
// separation by environment is attested.
func checkSeparation(c *Control, s *Snapshot, e *env) Result {
	if s.Subaccounts.Gap != nil {
		if r, ok := attested(c, s, e); ok {
			return r
		}
		return gapResult(s.Subaccounts.Gap)
	}
	var ev []Evidence
	active := 0
	for _, sub := range s.Subaccounts.Value {
		ev = append(ev, Evidence{Resource: sub.SID, Field: "status", Value: sub.Status, Note: sub.FriendlyName, Date: sub.Created})
		if sub.Status == "active" {
			active++
		}
	}
	if active == 0 {
		r := result(Fail, "no active subaccount: everything runs in the main account")
		r.Evidence = ev
		return r
	}
	r, ok := attested(c, s, e)
	if !ok {
		r = noAttestation(c, fmt.Sprintf("%d active subaccounts exist, but the API cannot show which environment each serves", active))
	}
	r.Evidence = ev
	return r
}

// checkInactive (ACC-04): a subaccount that is active but had no traffic
// in the window fails.
func checkInactive(c *Control, s *Snapshot, e *env) Result {
	window := c.ageParam("inactive_after", 90*24*time.Hour)
	st := Evidence{Resource: s.Account.SID, Field: "status", Value: s.Account.Status}
	if s.Account.Status != "active" {
		r := result(Pass, "the subaccount is %s", s.Account.Status)
		r.Evidence = []Evidence{st}
		return r
	}
	if s.Activity.Gap != nil {
		return gapResult(s.Activity.Gap)
	}
	if !s.Account.Created.IsZero() && e.now.Sub(s.Account.Created) < window {
		r := result(Pass, "the subaccount is %s old, younger than the %s window", age(e.now, s.Account.Created), FormatAge(window))
		r.Evidence = []Evidence{st, {Resource: s.Account.SID, Field: "date_created", Date: s.Account.Created}}
		return r
	}
	act := s.Activity.Value
	if len(act.Categories) == 0 {
		r := result(Fail, "active, but no traffic since %s (%s)", day(act.Since), FormatAge(window))
		r.Evidence = []Evidence{st, {Resource: s.Account.SID, Field: "usage", Value: "none", Date: act.Since, Note: "usage records since this date, standing charges excluded"}}
		return r
	}
	r := result(Pass, "traffic in %d usage categories since %s", len(act.Categories), day(act.Since))
	r.Evidence = []Evidence{st}
	for _, cat := range slices.Sorted(maps.Keys(act.Categories)) {
		r.Evidence = append(r.Evidence, Evidence{Resource: s.Account.SID, Field: "usage " + cat, Value: fmt.Sprintf("%g", act.Categories[cat]), Date: act.Since})
	}
	return r
}
