package audit

import (
	"fmt"
	"strings"
	"time"
)

func keyEvidence(k Key, now time.Time) Evidence {
	kind := "standard or main"
	if k.Restricted {
		kind = fmt.Sprintf("restricted (%d permissions)", k.Permissions)
	}
	return Evidence{Resource: k.SID, Field: "date_created", Value: age(now, k.Created) + " old, " + kind, Date: k.Created, Note: k.FriendlyName}
}

// checkUsesKeys (CRED-01): an account without API keys can only be used
// with its Auth Token; with keys, their use is attested.
func checkUsesKeys(c *Control, s *Snapshot, e *env) Result {
	if s.Keys.Gap != nil {
		if r, ok := attested(c, s, e); ok {
			return r
		}
		return gapResult(s.Keys.Gap)
	}
	if len(s.Keys.Value) == 0 {
		return result(Fail, "the account has no API keys, so whatever calls its API uses the Auth Token")
	}
	r, ok := attested(c, s, e)
	if !ok {
		r = noAttestation(c, fmt.Sprintf("%d API keys exist, but the API cannot show which credential applications use", len(s.Keys.Value)))
	}
	for _, k := range s.Keys.Value {
		r.Evidence = append(r.Evidence, keyEvidence(k, e.now))
	}
	return r
}

// checkRestricted (CRED-02): every key not Restricted must be an attested
// exception.
func checkRestricted(c *Control, s *Snapshot, e *env) Result {
	if s.Keys.Gap != nil {
		return gapResult(s.Keys.Gap)
	}
	allowed, a := exceptions(c, s, e)
	var bad, excused []Evidence
	for _, k := range s.Keys.Value {
		switch {
		case k.Restricted:
		case contains(allowed, k.SID):
			ev := keyEvidence(k, e.now)
			ev.Note = strings.TrimSpace(k.FriendlyName + " (attested exception)")
			excused = append(excused, ev)
		default:
			bad = append(bad, keyEvidence(k, e.now))
		}
	}
	fail := result(Fail, "%d of %d API keys are not Restricted and not attested as needing full access", len(bad), len(s.Keys.Value))
	pass := result(Pass, "%d API keys: every one Restricted or an attested exception", len(s.Keys.Value))
	return withExceptions(fail, pass, bad, excused, nil, a, e)
}

// checkKeyAge (CRED-03): no key older than the maximum age.
func checkKeyAge(c *Control, s *Snapshot, e *env) Result {
	if s.Keys.Gap != nil {
		return gapResult(s.Keys.Gap)
	}
	var old, young []Evidence
	for _, k := range s.Keys.Value {
		if e.now.Sub(k.Created) > e.maxKeyAge {
			old = append(old, keyEvidence(k, e.now))
		} else {
			young = append(young, keyEvidence(k, e.now))
		}
	}
	if len(old) > 0 {
		r := result(Fail, "%d of %d API keys are older than %s", len(old), len(s.Keys.Value), FormatAge(e.maxKeyAge))
		r.Evidence = old
		return r
	}
	r := result(Pass, "%d API keys, none older than %s", len(s.Keys.Value), FormatAge(e.maxKeyAge))
	r.Evidence = young
	return r
}

// checkKeyCount (CRED-06): at most params.max keys.
func checkKeyCount(c *Control, s *Snapshot, e *env) Result {
	if s.Keys.Gap != nil {
		return gapResult(s.Keys.Gap)
	}
	limit, _ := c.intParam("max")
	n := len(s.Keys.Value)
	ev := []Evidence{{Resource: s.Account.SID, Field: "API keys", Value: fmt.Sprint(n)}}
	if n > limit {
		r := result(Fail, "%d API keys, more than %d", n, limit)
		r.Evidence = ev
		return r
	}
	r := result(Pass, "%d API keys (at most %d)", n, limit)
	r.Evidence = ev
	return r
}

// checkUnusedKeys (CRED-07): keys older than the window with no Monitor
// event naming them as actor in it. Unknown when no event in the window
// names any key as actor (the account's events do not show key use).
func checkUnusedKeys(c *Control, s *Snapshot, e *env) Result {
	if s.Keys.Gap != nil {
		return gapResult(s.Keys.Gap)
	}
	since := e.now.Add(-e.maxKeyAge)
	var candidates []Key
	for _, k := range s.Keys.Value {
		if k.Created.Before(since) {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return result(Pass, "every API key is younger than the %s window", FormatAge(e.maxKeyAge))
	}
	if s.Events.Gap != nil {
		return gapResult(s.Events.Gap)
	}
	last := map[string]Event{}
	tracked := false
	for _, ev := range s.Events.Value {
		if strings.HasPrefix(ev.ActorSID, "SK") {
			tracked = true
			if _, ok := last[ev.ActorSID]; !ok {
				last[ev.ActorSID] = ev // events are newest first
			}
		}
	}
	if !tracked {
		return result(Unknown, "no Monitor event since %s names an API key as actor, so key use cannot be seen; check each key with its owner", day(since))
	}
	var unused, used []Evidence
	for _, k := range candidates {
		if ev, ok := last[k.SID]; ok {
			used = append(used, Evidence{Resource: k.SID, Field: "last event", Value: ev.Type, Date: ev.Date, Note: k.FriendlyName})
		} else {
			unused = append(unused, Evidence{Resource: k.SID, Field: "last event", Value: "none since " + day(since), Date: k.Created, Note: k.FriendlyName})
		}
	}
	if len(unused) > 0 {
		r := result(Fail, "%d API keys show no activity in Monitor since %s", len(unused), day(since))
		r.Evidence = unused
		return r
	}
	r := result(Pass, "every API key older than %s acted in the window", FormatAge(e.maxKeyAge))
	r.Evidence = used
	return r
}
