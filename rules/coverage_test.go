package rules

import (
	"github.com/vigilsec/vigil"
	"io/fs"
	"slices"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
)

// categories are the report groups a rule may name.
var categories = []string{"cloud", "vcs", "ci", "chat", "payment", "messaging", "observability", "ai", "database", "registry", "auth", "infra", "key", "generic"}

// minRules is the breadth vigil promises (issue 5.1).
const minRules = 250

// TestRuleCoverage checks the rule set's breadth and that every reported
// rule is documented and tested: provider, category, hint, at least one
// example and two negatives.
func TestRuleCoverage(t *testing.T) {
	set := parsedSet(t)
	reported := 0
	for _, r := range set.Rules() {
		if !r.reported() {
			continue
		}
		reported++
		switch {
		case r.Provider == "":
			t.Errorf("%s: no provider", r.ID)
		case !slices.Contains(categories, r.Category):
			t.Errorf("%s: category %q is not one of %v", r.ID, r.Category, categories)
		case r.Hint == "":
			t.Errorf("%s: no hint", r.ID)
		case len(r.Examples) < 1:
			t.Errorf("%s: no example", r.ID)
		case len(r.Negatives) < 2:
			t.Errorf("%s: %d negatives, want 2 or more", r.ID, len(r.Negatives))
		}
	}
	if reported < minRules {
		t.Errorf("%d reported rules, want at least %d", reported, minRules)
	}
}

// TestExamplesNotClaimed checks that a rule's examples are reported by that
// rule and by no rule of another provider: two rules that claim the same
// text mean one of them is too broad (or the example is).
func TestExamplesNotClaimed(t *testing.T) {
	m := defaultMatcher(t)
	set := parsedSet(t)
	gen := fakecred.New(2)
	for _, r := range set.Rules() {
		for i, tmpl := range r.Examples {
			text := gen.MustExpand(tmpl)
			for _, f := range matchText(m, "src/config.txt", text) {
				other, _ := set.Get(f.RuleID)
				if other.Provider != r.Provider {
					t.Errorf("%s example %d is also reported by %s (%s): %q", r.ID, i, f.RuleID, other.Provider, text)
				}
			}
		}
	}
}

// TestRuleFilesClean checks that the rule files themselves, which vigil
// scans when it scans its own repository, hold templates and no finding.
func TestRuleFilesClean(t *testing.T) {
	m := defaultMatcher(t)
	names, err := fs.Glob(builtin, "data/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, _ := builtin.ReadFile(name)
		for _, f := range matchText(m, "rules/"+name, string(data)) {
			if f.Confidence < vigil.Medium {
				continue // below the default floor, as vigil scans itself
			}
			t.Errorf("rules/%s:%d: %s finds %q", name, f.Origin.Line, f.RuleID, f.Secret.Reveal())
		}
	}
}
