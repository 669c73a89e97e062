package rules

import (
	"testing"

	"github.com/vigilsec/vigil"
)

func TestAllowlist(t *testing.T) {
	a, err := NewAllowlist([]AllowEntry{
		{Source: "any", Paths: []string{"docs/**"}, Values: []string{"^AKIAEXAMPLE"}, Stopwords: []string{"dummy"}},
		{Source: "rule", Rules: []string{"r1"}, PathRegexes: []string{`_test\.go$`}},
		{Source: "and", All: true, PathRegexes: []string{`^fixtures/`}, Lines: []string{`#\s*fake`}},
		{Source: "commits", Commits: []string{"abcdef1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		t    allowTarget
		want vigil.Suppression
	}{
		{"path glob", allowTarget{rule: "x", path: "docs/a.md", secret: "s"}, vigil.Suppression{Kind: vigil.SuppressPath, Source: "any"}},
		{"value", allowTarget{rule: "x", path: "a", secret: "AKIAEXAMPLE123"}, vigil.Suppression{Kind: vigil.SuppressValue, Source: "any"}},
		{"stopword any case", allowTarget{rule: "x", path: "a", secret: "my-DUMMY-key"}, vigil.Suppression{Kind: vigil.SuppressValue, Source: "any"}},
		{"rule-limited, other rule", allowTarget{rule: "r2", path: "a_test.go", secret: "s"}, vigil.Suppression{}},
		{"rule-limited", allowTarget{rule: "r1", path: "a_test.go", secret: "s"}, vigil.Suppression{Kind: vigil.SuppressPath, Source: "rule"}},
		{"all: both", allowTarget{rule: "x", path: "fixtures/a", secret: "s", line: []byte("k = 1 # fake")}, vigil.Suppression{Kind: vigil.SuppressPath, Source: "and"}},
		{"all: path only", allowTarget{rule: "x", path: "fixtures/a", secret: "s", line: []byte("k = 1")}, vigil.Suppression{}},
		{"commits wait for attribution", allowTarget{rule: "x", path: "b", secret: "s"}, vigil.Suppression{}},
	} {
		got, _ := a.allowed(tc.t)
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	f := &vigil.Finding{RuleID: "x", Secret: vigil.NewSecret("s"), Origin: vigil.Origin{Path: "b", Commit: &vigil.Commit{SHA: "ABCDEF1234567"}}}
	if s, ok := a.AllowedAfter(f); !ok || s.Kind != vigil.SuppressCommit {
		t.Errorf("commit prefix: %+v %v", s, ok)
	}
	f.Origin.Commit = nil
	if _, ok := a.AllowedAfter(f); ok {
		t.Error("no commit, allowed")
	}
}

func TestAllowlistRestrict(t *testing.T) {
	cur, _ := NewAllowlist([]AllowEntry{{Source: "new", Paths: []string{"**"}}})
	base, _ := NewAllowlist([]AllowEntry{{Source: "old", Paths: []string{"docs/**"}}})
	r := cur.Restrict(base)
	if s, ok := r.allowed(allowTarget{path: "docs/x"}); !ok || s.Source != "new" {
		t.Errorf("what both allow: %+v %v", s, ok)
	}
	if _, ok := r.allowed(allowTarget{path: "src/x"}); ok {
		t.Error("a widened entry applied to its own change")
	}
	if _, ok := cur.Restrict(nil).allowed(allowTarget{path: "docs/x"}); ok {
		t.Error("an allowlist new in the change applied")
	}
}

func TestAllowlistErrors(t *testing.T) {
	for name, e := range map[string]AllowEntry{
		"empty":          {Source: "x"},
		"bad glob":       {Paths: []string{"["}},
		"bad regex":      {Values: []string{"("}},
		"bad commit":     {Commits: []string{"xyz"}},
		"commits+lines":  {All: true, Commits: []string{"abcdef1"}, Lines: []string{"a"}},
		"bad path regex": {PathRegexes: []string{"("}},
	} {
		if _, err := NewAllowlist([]AllowEntry{e}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestInlineMarkers(t *testing.T) {
	all := InlineMarkers()
	for _, tc := range []struct {
		line, prev string
		markers    []Marker
		want       string
	}{
		{`k = "x" # vigil:allow`, "", nil, "vigil:allow"},
		{`k = "x" # vigil:allow=other`, "", all, ""},
		{`k = "x" # gitleaks:allow`, "", all, "gitleaks:allow"},
		{`k = "x" # gitleaks:allow`, "", nil, ""},
		{`k = "x" // trufflehog:ignore`, "", all, "trufflehog:ignore"},
		{`k = "x"  # pragma: allowlist secret`, "", all, "pragma: allowlist secret"},
		{`k = "x"  # pragma:whitelist-secret`, "", all, "pragma: allowlist secret"},
		{`k = "x"`, "# pragma: allowlist nextline secret", all, "pragma: allowlist secret"},
		{`k = "x"`, "# pragma: allowlist secret", all, ""},
	} {
		var prev []byte
		if tc.prev != "" {
			prev = []byte(tc.prev)
		}
		if got := inlineAllowed([]byte(tc.line), prev, "rule", tc.markers); got != tc.want {
			t.Errorf("%q after %q: %q, want %q", tc.line, tc.prev, got, tc.want)
		}
	}
}
