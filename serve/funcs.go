package serve

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
)

func funcs() template.FuncMap {
	return template.FuncMap{
		"when":  when,
		"clock": func(t time.Time) string { return t.UTC().Format("15:04:05") },
		"ago":   ago,
		"words": words,
		"can":   func(u store.User, need string) bool { return allowed(u.Role, need) },
		"short": func(s string, n int) string {
			if len(s) <= n {
				return s
			}
			return s[:n]
		},
		"join":       strings.Join,
		"reasons":    func(st string) []string { return store.Reasons(store.Status(st)) },
		"occLink":    occurrenceLink,
		"commitLink": commitLink,
		"draft":      func(q url.Values, k string) string { return q.Get("draft_" + k) },
		"pct": func(n, total int) int {
			if total == 0 {
				return 0
			}
			return n * 100 / total
		},
		"add":         func(a, b int) int { return a + b },
		"statusClass": func(s string) string { return "st-" + s },
		"hasValue": func(q url.Values, k, v string) bool {
			for _, x := range q[k] {
				for _, y := range strings.Split(x, ",") {
					if y == v {
						return true
					}
				}
			}
			return false
		},
		"verdicts":    func() []string { return []string{"live", "invalid", "unknown", "not_verified"} },
		"confidences": func() []string { return []string{"low", "medium", "high"} },
		"ages":        ages,
		"levelNames":  func() []string { return []string{"L1", "L2", "L3"} },
		"deref":       func(b *bool) bool { return b != nil && *b },
		"first": func(os []store.Occurrence) *store.Occurrence {
			if len(os) == 0 {
				return nil
			}
			return &os[0]
		},
	}
}

// when writes a time for people: UTC, to the minute; "—" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ago writes how long ago a time was, roughly.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// words writes a stored name for people: "false_positive" → "false
// positive".
func words(s string) string {
	switch s {
	case "wont_fix":
		return "accepted risk (won't fix)"
	case "used_in_tests":
		return "test credential"
	case "not_verified":
		return "not verified"
	}
	return strings.ReplaceAll(s, "_", " ")
}
