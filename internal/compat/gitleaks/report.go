package gitleaks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil"
)

// Report is a gitleaks JSON report read as a baseline: the findings in it
// are accepted.
type Report struct {
	Source   string
	Findings []ReportFinding
}

// ReportFinding holds the fields of a gitleaks finding that identify it.
type ReportFinding struct {
	RuleID    string
	File      string
	StartLine int
	Commit    string
	Secret    string
	Match     string
}

// IsReport reports whether data looks like a gitleaks JSON report: an
// array whose objects have a "RuleID".
func IsReport(data []byte) bool {
	d := bytes.TrimSpace(data)
	if len(d) == 0 || d[0] != '[' {
		return false
	}
	var probe []map[string]json.RawMessage
	if json.Unmarshal(d, &probe) != nil {
		return false
	}
	if len(probe) == 0 {
		return true
	}
	_, ok := probe[0]["RuleID"]
	return ok
}

// ParseReport reads a gitleaks JSON report.
func ParseReport(source string, data []byte) (*Report, error) {
	var fs []ReportFinding
	if err := json.Unmarshal(data, &fs); err != nil {
		return nil, fmt.Errorf("gitleaks report %s: %w", source, err)
	}
	for i, f := range fs {
		if f.RuleID == "" || f.File == "" {
			return nil, fmt.Errorf("gitleaks report %s: finding %d has no RuleID or File", source, i+1)
		}
		fs[i].File = strings.ReplaceAll(f.File, `\`, "/")
	}
	if len(fs) == 0 && !bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		return nil, errors.New("not a gitleaks report")
	}
	return &Report{Source: source, Findings: fs}, nil
}

// Suppress reports whether f is in the report: same file and the same
// secret when the report holds it (a report written without --redact),
// else the same line, rule (or one of the same meaning) and commit.
func (r *Report) Suppress(f *vigil.Finding) (vigil.Suppression, bool) {
	for _, g := range r.Findings {
		if g.matches(f) {
			return vigil.Suppression{Kind: vigil.SuppressBaseline, Source: r.Source}, true
		}
	}
	return vigil.Suppression{}, false
}

func (g ReportFinding) matches(f *vigil.Finding) bool {
	if g.File != f.Origin.Path {
		return false
	}
	if g.Commit != "" && f.Origin.Commit != nil && !strings.EqualFold(g.Commit, f.Origin.Commit.SHA) {
		return false
	}
	if redacted(g.Secret) {
		if g.StartLine != f.Origin.Line {
			return false
		}
		return Describes(g.RuleID, f.RuleID)
	}
	secret := f.Secret.Reveal()
	if secret == g.Secret || strings.Contains(g.Secret, secret) || strings.Contains(secret, g.Secret) {
		return true
	}
	for _, p := range f.Parts {
		if p.Value.Reveal() == g.Secret {
			return true
		}
	}
	return false
}

// redacted reports whether gitleaks wrote the secret redacted (--redact:
// "REDACTED", or a prefix followed by "...").
func redacted(s string) bool {
	return s == "" || s == "REDACTED" || strings.HasSuffix(s, "...")
}
