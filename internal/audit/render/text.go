package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
)

// maxTextEvidence bounds the evidence lines text shows per result.
const maxTextEvidence = 8

// Text writes a report for a terminal: notices, then per account every
// control with its status; failing, stale and unknown ones with their
// evidence and remediation; then the totals and the verdict.
func Text(w io.Writer, r *audit.Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "vigil twilio audit — level %s, %s\n", r.Level, r.Started.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(b, "credential: %s; max key age %s", r.Principal, audit.FormatAge(timeOf(r.MaxKeyAge)))
	if r.AttestFile != "" {
		fmt.Fprintf(b, "; attestations %s", r.AttestFile)
	}
	if r.Probed {
		b.WriteString("; webhooks probed")
	}
	b.WriteString("\n")
	for _, n := range r.Notices {
		fmt.Fprintf(b, "NOTICE: %s\n", n)
	}
	for _, a := range r.Accounts {
		fmt.Fprintf(b, "\n%s\n", accountLabel(a.Account))
		for _, e := range a.Errors {
			fmt.Fprintf(b, "  ERROR    %s\n", e)
		}
		for _, res := range a.Results {
			textResult(b, res)
		}
	}
	t := r.Totals()
	fmt.Fprintf(b, "\n%d results: %s\n", t.Total(), countsLine(t))
	for _, l := range audit.Levels() {
		fmt.Fprintf(b, "  %s: %s\n", l, countsLine(r.ByLevel()[l]))
	}
	fmt.Fprintf(b, "%s\n", verdict(r))
	return b.Flush()
}

func textResult(b *bufio.Writer, res audit.Result) {
	c := res.Control
	fmt.Fprintf(b, "  %-8s %-8s %s  %s\n", strings.ToUpper(res.Status.String()), c.ID, c.Level, c.Title)
	switch res.Status {
	case audit.Pass:
		return
	case audit.Skipped:
		fmt.Fprintf(b, "           %s\n", reason(res))
		return
	}
	fmt.Fprintf(b, "           %s\n", reason(res))
	for i, e := range res.Evidence {
		if i == maxTextEvidence {
			fmt.Fprintf(b, "           - … and %d more\n", len(res.Evidence)-i)
			break
		}
		fmt.Fprintf(b, "           - %s\n", evidenceLine(e))
	}
	if res.Attestation != nil {
		fmt.Fprintf(b, "           %s\n", attestationLine(res.Attestation))
	}
	if res.Status == audit.Fail {
		fmt.Fprintf(b, "           fix: %s\n", c.Remediation)
	}
}

// reason is a result's summary, or, should a check ever leave it empty,
// what the status means: no SKIPPED or UNKNOWN line goes without a why.
func reason(res audit.Result) string {
	if s := strings.TrimSpace(res.Summary); s != "" {
		return s
	}
	switch res.Status {
	case audit.Skipped:
		return "skipped: no reason was recorded"
	case audit.Unknown:
		return "unknown: the evidence could not be had, and no reason was recorded"
	}
	return res.Status.String()
}
