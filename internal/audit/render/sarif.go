package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/internal/sarifout"
)

// SARIF writes an audit through the same SARIF writer as scans
// (internal/sarifout). A control is a rule; each failed or stale control
// on an account is a result. An audit has no source file, so a result
// points at the attestation it rests on (file and line) or at the
// pseudo-path twilio/<AccountSID>, relative to the repository root: GitHub
// accepts only repository-relative locations.

// severity is GitHub's security-severity by profile level.
func severity(l audit.Level) string {
	return map[audit.Level]string{audit.L1: "8.0", audit.L2: "6.0", audit.L3: "4.0"}[l]
}

// SARIF writes failed controls (level error) and stale attestations
// (warning) as a SARIF log.
func SARIF(w io.Writer, r *audit.Report) error {
	log := sarifout.New(r.Version)
	log.Base(sarifout.SrcRoot, "", "the repository root: attestation files, and twilio/<AccountSID> for an account")
	for _, c := range r.Controls {
		log.Rule(sarifRuleFor(c))
	}
	for _, a := range r.Accounts {
		for _, res := range a.Results {
			if res.Status != audit.Fail && res.Status != audit.Stale {
				continue
			}
			if err := log.Result(sarifResultFor(a.Account, res)); err != nil {
				return err
			}
		}
	}
	if r.Incomplete() {
		log.Fail()
	}
	for _, n := range r.Notices {
		log.Notify("warning", n, nil)
	}
	for _, a := range r.Accounts {
		for _, e := range a.Errors {
			log.Notify("error", a.Account.SID+": "+e, nil)
		}
	}
	return log.Write(w)
}

func sarifRuleFor(c *audit.Control) sarifout.Rule {
	help := fmt.Sprintf("%s\n\nRemediation: %s\n\nEvidence: %s\n\n%s; %s", c.Rationale, c.Remediation, c.Evidence, c.Level, mappings(c))
	md := fmt.Sprintf("**%s** (%s)\n\n%s\n\n**Remediation:** %s\n\n**Evidence:** %s\n\n**Maps to:** %s",
		c.Title, c.Level, c.Rationale, c.Remediation, c.Evidence, mappings(c))
	tags := []string{"security", "twilio", "hardening", c.Area, c.Level.String()}
	for _, id := range c.Frameworks.NIST {
		tags = append(tags, "NIST-"+id)
	}
	return sarifout.Rule{
		ID: c.ID, Name: ruleName(c.Title),
		Short: c.Title, Full: c.Rationale, Help: help, HelpMarkdown: md,
		Level: "error", Tags: tags,
		SecuritySeverity: severity(c.Level), Precision: "high",
		Properties: map[string]any{"problem.severity": "error"},
	}
}

// ruleName makes an identifier from a title: "No API key is older…" →
// "NoApiKeyIsOlder…".
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
	}
	return b.String()
}

func sarifResultFor(a audit.Account, res audit.Result) sarifout.Result {
	level := "error"
	if res.Status == audit.Stale {
		level = "warning"
	}
	msg := fmt.Sprintf("%s on %s: %s", res.ControlID, accountLabel(a), res.Summary)
	if len(res.Evidence) > 0 {
		lines := make([]string, 0, len(res.Evidence))
		for _, e := range res.Evidence {
			lines = append(lines, evidenceLine(e))
		}
		msg += ". Evidence: " + strings.Join(lines, "; ")
	}
	loc := sarifout.Location{URI: sarifout.RelativeURI("twilio/" + a.SID), Base: sarifout.SrcRoot, Line: 1}
	if at := res.Attestation; at != nil && at.File != "" && filepath.IsLocal(at.File) {
		loc = sarifout.Location{URI: sarifout.RelativeURI(at.File), Base: sarifout.SrcRoot, Line: max(at.Line, 1)}
	}
	sum := sha256.Sum256([]byte(a.SID + "/" + res.ControlID))
	return sarifout.Result{
		RuleID: res.ControlID, Level: level, Message: msg, Location: loc,
		Fingerprints: map[string]string{"vigilAudit/v1": hex.EncodeToString(sum[:16])},
		Properties:   map[string]any{"account": a.SID, "status": res.Status.String()},
	}
}
