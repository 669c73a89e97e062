// Package render writes an audit report as text, Markdown, HTML, JSON or
// SARIF. Every format says the same things: the summary per level and per
// framework, then each control on each account with its evidence and
// remediation. None of them holds a credential: the report never had one.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilsec/vigil/internal/audit"
)

// Formats lists the format names Write accepts.
func Formats() []string { return []string{"text", "markdown", "html", "json", "sarif"} }

// Write renders a report in the named format.
func Write(w io.Writer, format string, r *audit.Report) error {
	switch format {
	case "text":
		return Text(w, r)
	case "markdown":
		return Markdown(w, r)
	case "html":
		return HTML(w, r)
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats(), ", "))
}

// accountLabel names an account for a heading.
func accountLabel(a audit.Account) string {
	kind := "main account"
	if a.IsSub() {
		kind = "subaccount"
	}
	name := a.FriendlyName
	if name == "" {
		name = a.SID
	}
	return fmt.Sprintf("%s (%s, %s)", name, a.SID, kind)
}

// verdict is the run's one-line outcome.
func verdict(r *audit.Report) string {
	switch {
	case r.Failed():
		return fmt.Sprintf("FAILED: controls at or below %s failed", r.Level)
	case r.Incomplete():
		return fmt.Sprintf("INCOMPLETE: no control at or below %s failed, but some evidence could not be read", r.Level)
	}
	return fmt.Sprintf("PASSED: no control at or below %s failed", r.Level)
}

// countsLine is "3 fail, 1 stale, 4 unknown, 20 pass, 5 skipped".
func countsLine(c audit.Counts) string {
	parts := make([]string, 0, 5)
	for _, s := range audit.Statuses() {
		parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
	}
	return strings.Join(parts, ", ")
}

// mappings names the control's guide section, or that it is vigil's,
// and its mappings with their origin (see audit.Control.MappingText).
func mappings(c *audit.Control) string { return c.MappingText() }

// evidenceLine is one piece of evidence as a line of text.
func evidenceLine(e audit.Evidence) string {
	var b strings.Builder
	b.WriteString(e.Resource)
	if e.Field != "" {
		b.WriteString(" " + e.Field)
	}
	if e.Value != "" {
		b.WriteString(": " + e.Value)
	}
	if !e.Date.IsZero() {
		b.WriteString(" (" + e.Date.UTC().Format("2006-01-02") + ")")
	}
	if e.Note != "" {
		b.WriteString(" — " + e.Note)
	}
	return strings.TrimSpace(b.String())
}

// attestationLine describes an attestation.
func attestationLine(a *audit.Attestation) string {
	s := fmt.Sprintf("attested by %s on %s: %v; evidence %s", a.By, a.Date.Format("2006-01-02"), valueText(a.Value), a.Evidence)
	if a.File != "" {
		s += fmt.Sprintf(" (%s:%d)", a.File, a.Line)
	}
	if a.Note != "" {
		s += "; " + a.Note
	}
	return s
}

func valueText(v any) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, ", ")
	case interface{ Format(string) string }:
		return x.Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func timeOf(d audit.Duration) time.Duration { return time.Duration(d) }
