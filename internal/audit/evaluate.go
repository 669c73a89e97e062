package audit

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vigilsec/vigil/internal/tlscheck"
	"github.com/vigilsec/vigil/internal/webhookprobe"
)

// env is what every check may consult besides the account's snapshot.
type env struct {
	now          time.Time
	maxKeyAge    time.Duration
	attestMaxAge time.Duration
	attest       *Attestations
	probes       map[string]webhookprobe.Result // nil: webhooks were not probed
	tls          map[string]tlscheck.Result     // by webhook URL; nil: certificates not checked
	tlsWithin    time.Duration
	project      *projectCheck // nil: no --project
}

// checkFunc decides one control on one account.
type checkFunc func(c *Control, s *Snapshot, e *env) Result

// checkTable maps the catalogue's check names to their evaluators.
func checkTable() map[string]checkFunc {
	return map[string]checkFunc{
		"attested":              checkAttested,
		"subaccount-separation": checkSeparation,
		"inactive-subaccount":   checkInactive,
		"uses-api-keys":         checkUsesKeys,
		"restricted-keys":       checkRestricted,
		"key-age":               checkKeyAge,
		"token-rotation":        checkTokenRotation,
		"secondary-token":       checkSecondary,
		"key-count":             checkKeyCount,
		"unused-keys":           checkUnusedKeys,
		"webhook-https":         checkHTTPS,
		"webhook-signature":     checkSignature,
		"geo-permissions":       checkGeo,
		"usage-triggers":        checkTriggers,
		"public-keys":           checkPublicKeys,
		"sdk-current":           checkSDK,
	}
}

// evaluate runs one control's check.
func evaluate(c *Control, s *Snapshot, e *env) Result {
	r := checkTable()[c.Check](c, s, e)
	r.Control, r.ControlID = c, c.ID
	return r
}

func result(st Status, format string, args ...any) Result {
	return Result{Status: st, Summary: fmt.Sprintf(format, args...)}
}

// gapResult is the unknown result for missing evidence.
func gapResult(g *Gap) Result { return result(Unknown, "%s", g.String()) }

// noAttestation is the unknown result of a control that needs an
// attestation and has none.
func noAttestation(c *Control, why string) Result {
	return result(Unknown, "no attestation: %s; add one to the attestation file (value: %s)", why, c.Attest.Meaning)
}

// attested evaluates an attestation of a bool or max control. ok is false
// when there is none.
func attested(c *Control, s *Snapshot, e *env) (Result, bool) {
	a := e.attest.For(c.ID, s.Account.SID)
	if a == nil {
		return Result{}, false
	}
	var r Result
	switch v := a.Value.(type) {
	case bool:
		r = result(Pass, "attested in place by %s on %s", a.By, day(a.Date))
		if !v {
			r = result(Fail, "attested as not in place by %s on %s", a.By, day(a.Date))
		}
	case int:
		limit, _ := c.intParam("max")
		r = result(Pass, "%d attested by %s on %s (at most %d)", v, a.By, day(a.Date), limit)
		if v > limit {
			r = result(Fail, "%d attested by %s on %s: more than %d", v, a.By, day(a.Date), limit)
		}
	default:
		r = result(Pass, "attested by %s on %s", a.By, day(a.Date))
	}
	return withAttestation(r, a, e), true
}

// withAttestation attaches an attestation and turns a pass that rests on
// an old one into stale.
func withAttestation(r Result, a *Attestation, e *env) Result {
	r.Attestation = a
	if r.Status == Pass && e.now.Sub(a.Date) > e.attestMaxAge {
		r.Status = Stale
		r.Summary += fmt.Sprintf("; the attestation is %s old, over the %s allowed", FormatAge(e.now.Sub(a.Date)), FormatAge(e.attestMaxAge))
	}
	return r
}

// exceptions returns a list attestation's values (nil when none).
func exceptions(c *Control, s *Snapshot, e *env) ([]string, *Attestation) {
	a := e.attest.For(c.ID, s.Account.SID)
	if a == nil {
		return nil, nil
	}
	list, _ := a.Value.([]string)
	return list, a
}

// withExceptions finishes a check whose findings an attested list may
// excuse: fail when anything is not excused, else pass (stale when the
// pass rests on an old attestation).
func withExceptions(fail, pass Result, bad, excused, extra []Evidence, a *Attestation, e *env) Result {
	if len(bad) > 0 {
		fail.Evidence = append(append(bad, excused...), extra...)
		fail.Attestation = a
		return fail
	}
	pass.Evidence = append(excused, extra...)
	if len(excused) > 0 {
		return withAttestation(pass, a, e)
	}
	return pass
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// age is how old t is at now, as an age string.
func age(now, t time.Time) string { return FormatAge(max(now.Sub(t), 0)) }

// redactURL hides a password in a URL's user information.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// contains reports whether list holds s, ignoring case.
func contains(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func checkAttested(c *Control, s *Snapshot, e *env) Result {
	if r, ok := attested(c, s, e); ok {
		return r
	}
	return noAttestation(c, "the public API cannot show this")
}
