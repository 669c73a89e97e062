package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
)

// Markdown writes a report for a pull request, wiki or ticket: the
// summary tables, then per account a table of controls and the details of
// every one that did not pass.
func Markdown(w io.Writer, r *audit.Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Twilio hardening audit\n\n")
	fmt.Fprintf(b, "**%s**\n\n", verdict(r))
	fmt.Fprintf(b, "- Level: %s\n- Run: %s\n- Credential: %s\n- Maximum key age: %s\n", r.Level,
		r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Principal, audit.FormatAge(timeOf(r.MaxKeyAge)))
	if r.AttestFile != "" {
		fmt.Fprintf(b, "- Attestations: `%s` (stale after %s)\n", r.AttestFile, audit.FormatAge(timeOf(r.AttestMaxAge)))
	}
	fmt.Fprintf(b, "- Webhooks probed: %v\n", r.Probed)
	for _, n := range r.Notices {
		fmt.Fprintf(b, "\n> **Notice:** %s\n", mdEscape(n))
	}
	fmt.Fprintf(b, "\n## Summary by level\n\n| Level | Fail | Stale | Unknown | Pass | Skipped |\n|---|---:|---:|---:|---:|---:|\n")
	for _, l := range audit.Levels() {
		c := r.ByLevel()[l]
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d |\n", l, c[audit.Fail], c[audit.Stale], c[audit.Unknown], c[audit.Pass], c[audit.Skipped])
	}
	for _, fw := range audit.FrameworkNames() {
		fmt.Fprintf(b, "\n## %s\n\n| Control | vigil controls | Fail | Stale | Unknown | Pass |\n|---|---|---:|---:|---:|---:|\n", fw)
		for _, row := range r.ByFramework(fw) {
			c := row.Counts
			fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d |\n", row.ID, strings.Join(row.Controls, ", "), c[audit.Fail], c[audit.Stale], c[audit.Unknown], c[audit.Pass])
		}
	}
	for _, a := range r.Accounts {
		markdownAccount(b, a)
	}
	return b.Flush()
}

func markdownAccount(b *bufio.Writer, a audit.AccountReport) {
	fmt.Fprintf(b, "\n## %s\n\n", mdEscape(accountLabel(a.Account)))
	for _, e := range a.Errors {
		fmt.Fprintf(b, "> **Error:** %s\n\n", mdEscape(e))
	}
	fmt.Fprintf(b, "| Status | Control | Level | Title | Result |\n|---|---|---|---|---|\n")
	for _, res := range a.Results {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", strings.ToUpper(res.Status.String()), res.ControlID, res.Control.Level,
			mdEscape(res.Control.Title), mdEscape(res.Summary))
	}
	for _, res := range a.Results {
		if res.Status == audit.Pass || res.Status == audit.Skipped {
			continue
		}
		c := res.Control
		fmt.Fprintf(b, "\n### %s %s: %s\n\n", strings.ToUpper(res.Status.String()), c.ID, mdEscape(c.Title))
		fmt.Fprintf(b, "%s\n\n*%s · %s*\n\n", mdEscape(res.Summary), c.Level, mappings(c))
		for _, e := range res.Evidence {
			fmt.Fprintf(b, "- %s\n", mdEscape(evidenceLine(e)))
		}
		if res.Attestation != nil {
			fmt.Fprintf(b, "- %s\n", mdEscape(attestationLine(res.Attestation)))
		}
		if len(res.Evidence) > 0 || res.Attestation != nil {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "**Remediation:** %s\n", mdEscape(c.Remediation))
	}
}

// mdEscape keeps table cells and text from being read as Markdown.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "`", "\\`").Replace(s)
}
