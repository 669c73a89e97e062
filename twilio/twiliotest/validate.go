package twiliotest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilsec/vigil/twilio"
)

// Bounds on what one seed entry may expand to.
const (
	maxDays   = 3660  // usage: ten years of days
	maxAlerts = 10000 // alerts: repeated entries
)

var credentialPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// validateSeed checks a whole seed against itself and the current state.
func (e *Emulator) validateSeed(s *Seed) error {
	seen := map[string]bool{}
	for i, a := range s.Accounts {
		where := fmt.Sprintf("accounts[%d]", i)
		if a.Name != "" || a.FriendlyName != "" {
			where += fmt.Sprintf(" (%s)", orDefault(a.Name, a.FriendlyName))
		}
		if err := e.validateAccount(a, where, seen); err != nil {
			return err
		}
		for j, sub := range a.Subaccounts {
			w := fmt.Sprintf("%s.subaccounts[%d]", where, j)
			if len(sub.Subaccounts) > 0 {
				return fmt.Errorf("seed: %s: a subaccount cannot have subaccounts", w)
			}
			if err := e.validateAccount(sub, w, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSID checks an optional SID's shape and uniqueness.
func (e *Emulator) checkSID(sid, prefix, where string, seen map[string]bool) error {
	if sid == "" {
		return nil
	}
	if !twilio.IsSID(sid, prefix) {
		return fmt.Errorf("seed: %s: sid %q must be %s followed by 32 hex digits", where, sid, prefix)
	}
	if seen[sid] || e.accounts[sid] != nil || e.keys[sid] != nil {
		return fmt.Errorf("seed: %s: sid %s is used twice", where, sid)
	}
	seen[sid] = true
	return nil
}

func checkCredential(v, what, where string) error {
	if v != "" && !credentialPattern.MatchString(v) {
		return fmt.Errorf("seed: %s: %s must be letters and digits only (Twilio's SDKs refuse anything else)", where, what)
	}
	return nil
}

func (e *Emulator) validateAccount(a AccountSeed, where string, seen map[string]bool) error {
	if err := e.checkSID(a.SID, "AC", where, seen); err != nil {
		return err
	}
	if !slices.Contains([]string{"", "active", "suspended", "closed"}, a.Status) {
		return fmt.Errorf("seed: %s: status %q: want active, suspended or closed", where, a.Status)
	}
	if !slices.Contains([]string{"", "full", "trial"}, strings.ToLower(a.Type)) {
		return fmt.Errorf("seed: %s: type %q: want Full or Trial", where, a.Type)
	}
	if err := checkCredential(a.AuthToken, "auth_token", where); err != nil {
		return err
	}
	if err := checkCredential(a.SecondaryAuthToken, "secondary_auth_token", where); err != nil {
		return err
	}
	for i, k := range a.Keys {
		if err := e.validateKey(k, fmt.Sprintf("%s.keys[%d]", where, i), seen); err != nil {
			return err
		}
	}
	sids := []struct {
		list   []string
		prefix string
		field  string
	}{
		{mapSlice(a.IncomingPhoneNumbers, func(n NumberSeed) string { return n.SID }), "PN", "incoming_phone_numbers"},
		{mapSlice(a.Applications, func(n ApplicationSeed) string { return n.SID }), "AP", "applications"},
		{mapSlice(a.MessagingServices, func(n MessagingServiceSeed) string { return n.SID }), "MG", "messaging_services"},
		{mapSlice(a.VerifyServices, func(n VerifyServiceSeed) string { return n.SID }), "VA", "verify_services"},
		{mapSlice(a.UsageTriggers, func(n TriggerSeed) string { return n.SID }), "UT", "usage_triggers"},
		{mapSlice(a.PublicKeys, func(n PublicKeySeed) string { return n.SID }), "CR", "public_keys"},
		{mapSlice(a.Alerts, func(n AlertSeed) string { return n.SID }), "NO", "alerts"},
		{mapSlice(a.Events, func(n EventSeed) string { return n.SID }), "AE", "events"},
	}
	for _, s := range sids {
		for i, sid := range s.list {
			if err := e.checkSID(sid, s.prefix, fmt.Sprintf("%s.%s[%d]", where, s.field, i), seen); err != nil {
				return err
			}
		}
	}
	return validateContent(a, where)
}

// validateContent checks the entries that need more than a SID check.
func validateContent(a AccountSeed, where string) error {
	for i, u := range a.Usage {
		if u.Category == "" || u.Days < 0 || u.Days > maxDays || u.Count < 0 || u.Price < 0 {
			return fmt.Errorf("seed: %s.usage[%d]: needs a category; days from 0 to %d; count and price not negative", where, i, maxDays)
		}
		if !isUsageCategory(u.Category) {
			return fmt.Errorf("seed: %s.usage[%d]: category %q is not one of Twilio's usage categories (such as sms-outbound, calls-inbound, totalprice)", where, i, u.Category)
		}
	}
	for i, ev := range a.Events {
		w := fmt.Sprintf("%s.events[%d]", where, i)
		if ev.Type == "" {
			return fmt.Errorf("seed: %s: needs a type such as account-api-keys.created", w)
		}
		if !slices.Contains([]string{"", "api", "web", "twilio"}, ev.Source) {
			return fmt.Errorf("seed: %s: source %q: want api, web or twilio", w, ev.Source)
		}
		if ev.ResourceKey != "" && !slices.ContainsFunc(a.Keys, func(k KeySeed) bool { return k.FriendlyName == ev.ResourceKey }) {
			return fmt.Errorf("seed: %s: resource_key %q names no key of this account", w, ev.ResourceKey)
		}
	}
	for i, al := range a.Alerts {
		if !slices.Contains([]string{"", "error", "warning", "notice", "debug"}, al.LogLevel) || al.Count < 0 || al.Count > maxAlerts {
			return fmt.Errorf("seed: %s.alerts[%d]: log_level must be error, warning, notice or debug; count from 0 to %d", where, i, maxAlerts)
		}
	}
	for i, t := range a.UsageTriggers {
		if t.CallbackURL == "" || t.TriggerValue == "" || t.UsageCategory == "" {
			return fmt.Errorf("seed: %s.usage_triggers[%d]: needs callback_url, trigger_value and usage_category", where, i)
		}
	}
	if a.DialingPermissions != nil {
		for i, c := range a.DialingPermissions.Countries {
			if len(c.ISOCode) != 2 {
				return fmt.Errorf("seed: %s.dialing_permissions.countries[%d]: iso_code must be two letters", where, i)
			}
		}
	}
	return nil
}

func (e *Emulator) validateKey(k KeySeed, where string, seen map[string]bool) error {
	if err := e.checkSID(k.SID, "SK", where, seen); err != nil {
		return err
	}
	if err := checkCredential(k.Secret, "secret", where); err != nil {
		return err
	}
	switch k.Type {
	case "", KeyMain, KeyStandard:
		if len(k.Policy) > 0 {
			return fmt.Errorf("seed: %s: only a restricted key has a policy", where)
		}
	case KeyRestricted:
		if len(k.Policy) == 0 || len(k.Policy) > maxPolicy {
			return fmt.Errorf("seed: %s: a restricted key needs a policy of 1 to %d permissions", where, maxPolicy)
		}
		for _, p := range k.Policy {
			if !strings.HasPrefix(p, "/twilio/") {
				return fmt.Errorf("seed: %s: permission %q must start with /twilio/", where, p)
			}
		}
	default:
		return fmt.Errorf("seed: %s: key type %q: want main, standard or restricted", where, k.Type)
	}
	return nil
}

func mapSlice[T any](in []T, f func(T) string) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func normalizeType(t string) string {
	if strings.EqualFold(t, "trial") {
		return "Trial"
	}
	return "Full"
}
