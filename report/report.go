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
	// Root is the absolute directory that relative paths are relative to:
	// the repository for git scans, the current directory for files.
	// SARIF declares it as %SRCROOT% and makes absolute paths under it
	// relative.
	Root string
	// Suppressed counts the findings kept out of the report, by what
	// suppressed them (see SuppressedTotal); Below counts those under
	// the confidence floor.
	Suppressed []vigil.SuppressionCount
	Below      int
	// NotLive counts findings left out because they were not verified
	// live (--only-verified); NotLiveUnknown counts those among them
	// whose verification was inconclusive.
	NotLive, NotLiveUnknown int
	// Interrupted says the scan was stopped (Ctrl-C) before it ended: the
	// report holds what it had found, and is not complete.
	Interrupted bool
	// Redactor hides credentials in the text of findings and skips that
	// vigil did not write (paths, commit messages, image history, errors)
	// in every format. The findings' own secrets are always hidden there;
	// a Redactor with a matcher hides what it finds as well. Nil means one
	// without a matcher.
	Redactor *vigil.Redactor
	// Checks are other checks whose results the SARIF log carries beside
	// the findings (vigil scan --twilio-sdk).
	Checks []SARIFSection
}

// view is what a reporter may print of a report: its findings and the
// skips that made it incomplete, their foreign text redacted.
type view struct {
	findings   []vigil.Finding
	incomplete []vigil.Skip
	// notRead are the skips named although they do not make the scan
	// incomplete: links out of the tree, FIFOs, devices.
	notRead []vigil.Skip
}

// view redacts the report's findings and incomplete skips. Every reporter
// reads the report through it, so none can print foreign text unredacted.
func (r *Report) view() view {
	red := r.Redactor
	if red == nil {
		red = vigil.NewRedactor(nil)
	}
	for i := range r.Findings {
		red.Learn(&r.Findings[i])
	}
	v := view{findings: make([]vigil.Finding, len(r.Findings))}
	for i, f := range r.Findings {
		v.findings[i] = red.Finding(f)
	}
	for _, sk := range r.Stats.Skipped {
		switch {
		case sk.Reason.Incomplete():
			v.incomplete = append(v.incomplete, red.Skip(sk))
		case sk.Reason.Named():
			v.notRead = append(v.notRead, red.Skip(sk))
		}
	}
	return v
}

// RuleInfo is what reports say about a rule.
type RuleInfo struct {
	ID          string
	Provider    string
	Description string
	Hint        string
	Category    string
}

// Sort orders findings by path, line, column and rule, then commit, tag
// and blob (the same message line in several commits), so reports are
// stable from run to run, and from one history reader to another.
func Sort(fs []vigil.Finding) {
	slices.SortStableFunc(fs, func(a, b vigil.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Origin.Path, b.Origin.Path),
			cmp.Compare(a.Origin.Line, b.Origin.Line),
			cmp.Compare(a.Origin.Column, b.Origin.Column),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(commitOf(a), commitOf(b)),
			cmp.Compare(tagOf(a), tagOf(b)),
			cmp.Compare(a.Origin.Blob, b.Origin.Blob),
		)
	})
}

func commitOf(f vigil.Finding) string {
	if f.Origin.Commit == nil {
		return ""
	}
	return f.Origin.Commit.SHA
}

func tagOf(f vigil.Finding) string {
	if f.Origin.Tag == nil {
		return ""
	}
	return f.Origin.Tag.Name
}

// secretText is a secret as a report shows it.
func secretText(s vigil.Secret, show bool) string {
	if show {
		return s.Reveal()
	}
	return s.Redacted()
}
