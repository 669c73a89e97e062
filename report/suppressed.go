package report

import (
	"fmt"
	"strings"

	"github.com/vigilsec/vigil"
)

// SuppressedTotal sums r.Suppressed: the findings not reported because a
// configuration, an inline comment, an ignore file or a baseline said so.
// The text summary and the JSON report both read it from here.
func (r *Report) SuppressedTotal() int {
	n := 0
	for _, s := range r.Suppressed {
		n += s.Count
	}
	return n
}

// suppressedBy returns the count of one kind of suppression.
func (r *Report) suppressedBy(kind vigil.SuppressKind) int {
	n := 0
	for _, s := range r.Suppressed {
		if s.Kind == kind {
			n += s.Count
		}
	}
	return n
}

// suppressedText is the summary's line on suppressed findings, or "".
func (r *Report) suppressedText() string {
	total := r.SuppressedTotal()
	if total == 0 {
		return ""
	}
	var parts []string
	for _, s := range r.Suppressed {
		parts = append(parts, fmt.Sprintf("%d by %s", s.Count, s.Suppression))
	}
	return fmt.Sprintf("%s not reported: %s", plural(total, "finding"), strings.Join(parts, ", "))
}

// jsonSuppressed is the JSON summary's "suppressed" object: counts keyed
// "kind:source" ("inline:gitleaks:allow", "path:.vigil.toml",
// "baseline:.secrets.baseline").
func (r *Report) jsonSuppressed() map[string]int {
	if len(r.Suppressed) == 0 {
		return nil
	}
	m := map[string]int{}
	for _, s := range r.Suppressed {
		m[string(s.Kind)+":"+s.Source] += s.Count
	}
	return m
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
