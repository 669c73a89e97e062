// Package report writes scan results as text, JSON or SARIF, and reads and
// writes baselines of accepted findings.
package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/vigilsec/vigil"
)

// Report is everything a reporter writes.
type Report struct {
	Findings []vigil.Finding
	Stats    vigil.Stats
	// Rules describes the rules that produced findings (for SARIF).
	Rules []RuleInfo
	// ShowSecrets prints secrets in clear; only --show-secrets sets it.
	ShowSecrets bool
	// Version is vigil's version.
	Version string
	// Started is when the scan began.
	Started time.Time
	// Suppressed counts findings dropped by the baseline, and Below
	// counts those under the confidence floor.
	Suppressed, Below int
	// NotLive counts findings left out because they were not verified
	// live (--only-verified); NotLiveUnknown counts those among them
	// whose verification was inconclusive.
	NotLive, NotLiveUnknown int
	// Interrupted says the scan was stopped (Ctrl-C) before it ended: the
	// report holds what it had found, and is not complete.
	Interrupted bool
}

// RuleInfo is what reports say about a rule.
type RuleInfo struct {
	ID          string
	Provider    string
	Description string
	Hint        string
	Category    string
}

// Sort orders findings by path, line, column and rule, so reports are
// stable from run to run.
func Sort(fs []vigil.Finding) {
	slices.SortStableFunc(fs, func(a, b vigil.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Origin.Path, b.Origin.Path),
			cmp.Compare(a.Origin.Line, b.Origin.Line),
			cmp.Compare(a.Origin.Column, b.Origin.Column),
			cmp.Compare(a.RuleID, b.RuleID),
		)
	})
}

// secretText is a secret as a report shows it.
func secretText(s vigil.Secret, show bool) string {
	if show {
		return s.Reveal()
	}
	return s.Redacted()
}
