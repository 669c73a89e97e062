package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

func defaultMatcher(t testing.TB) *Matcher {
	t.Helper()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return NewMatcher(set, Options{Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }})
}

func matchText(m *Matcher, path, text string) []vigil.Finding {
	var out []vigil.Finding
	m.Match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Source: "file", Path: path, Line: 1}}, func(f vigil.Finding) {
		out = append(out, f)
	})
	return out
}

func ruleIDs(fs []vigil.Finding) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, fmt.Sprintf("%s(%s)", f.RuleID, f.Confidence))
	}
	return strings.Join(ids, " ")
}

// TestRuleExamples checks that every rule finds its examples and none of
// its negatives, with values generated fresh from the templates.
func TestRuleExamples(t *testing.T) {
	m := defaultMatcher(t)
	set := parsedSet(t)
	gen := fakecred.New(1)
	for _, r := range set.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			for i, tmpl := range r.Examples {
				for rep := range 3 {
					text := gen.MustExpand(tmpl)
					fs := matchText(m, "app/settings.cfg", text)
					if !hasRule(fs, r.ID) {
						t.Errorf("example %d (try %d) not found: %q → [%s]", i, rep, text, ruleIDs(fs))
					}
				}
			}
			for i, tmpl := range r.Negatives {
				text := gen.MustExpand(tmpl)
				if fs := matchText(m, "app/settings.cfg", text); hasRule(fs, r.ID) {
					t.Errorf("negative %d found: %q → [%s]", i, text, ruleIDs(fs))
				}
			}
		})
	}
}

func hasRule(fs []vigil.Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

func TestDefaultRulesLoad(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() == 0 {
		t.Fatal("no rules")
	}
}
