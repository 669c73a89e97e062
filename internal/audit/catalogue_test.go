package audit

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCatalogueCoversTheIssue checks the built-in baseline: every area of
// the issue's list is there, every check is used, and every control maps
// to all three frameworks.
func TestCatalogueCoversTheIssue(t *testing.T) {
	cat := Builtin()
	areas := map[string]int{}
	used := map[string]bool{}
	for _, c := range cat.Controls {
		areas[c.Area]++
		used[c.Check] = true
		if len(c.Frameworks.CIS) == 0 || len(c.Frameworks.NIST) == 0 || len(c.Frameworks.SOC2) == 0 {
			t.Errorf("%s: maps to %+v; want CIS, NIST and SOC 2", c.ID, c.Frameworks)
		}
	}
	for area, want := range map[string]int{"authentication": 3, "access": 4, "credentials": 7, "webhooks": 3, "fraud": 3} {
		if areas[area] != want {
			t.Errorf("area %s has %d controls, want %d", area, areas[area], want)
		}
	}
	for name := range checkTable() {
		if !used[name] {
			t.Errorf("check %q is not used by any control", name)
		}
	}
}

func TestParseCatalogueErrors(t *testing.T) {
	const good = `controls:
  - {id: X-01, title: T, area: a, level: L1, scope: main, check: attested, guide: addition, rationale: r, evidence: e, remediation: m, attest: {value: bool, meaning: m}}
`
	if _, err := ParseCatalogue([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ edit, want string }{
		{"level: L1", "level: L4"},
		{"scope: main", "scope: all"},
		{"check: attested", "check: magic"},
		{"id: X-01", "id: x1"},
		{"title: T, ", ""},
		{"attest: {value: bool, meaning: m}", "attest: {value: maybe, meaning: m}"},
		{"remediation: m,", "remediation: m, colour: red,"},
		{"guide: addition", "guide: \"9.9\""},
		{"guide: addition, ", ""},
	} {
		bad := strings.Replace(good, tt.edit, tt.want, 1)
		if _, err := ParseCatalogue([]byte(bad)); err == nil {
			t.Errorf("%q → %q: accepted", tt.edit, tt.want)
		}
	}
}

func TestParseAge(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{"90d": 90 * day, "2w": 14 * day, "1d12h": 36 * time.Hour, "45m": 45 * time.Minute, " 30s ": 30 * time.Second} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "90", "d", "-5d", "0d", "5y", "1.5d", "99999999d", "90days"} {
		if _, err := ParseAge(in); err == nil {
			t.Errorf("ParseAge(%q) accepted", in)
		}
	}
	if s := FormatAge(90 * day); s != "90d" {
		t.Errorf("FormatAge = %s", s)
	}
}

func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"90d", "1w2d3h4m5s", "0d", "999999w", "12x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAge(s)
		if err == nil && (d <= 0 || d > 100*365*24*time.Hour) {
			t.Errorf("ParseAge(%q) = %v", s, d)
		}
	})
}

func TestParseCatalogueGuideErrors(t *testing.T) {
	const good = `guide:
  name: G
  sections:
    - {section: "1.1", title: SSO, level: L1, frameworks: {cis: ["6.3"], nist: ["IA-2"]}}
controls:
  - {id: X-01, title: T, area: a, level: L1, scope: main, check: attested, guide: "1.1", vigil_frameworks: {cis: ["6.7"]}, rationale: r, evidence: e, remediation: m, attest: {value: bool, meaning: m}}
`
	cat, err := ParseCatalogue([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	c := cat.Controls[0]
	if !slices.Equal(c.Frameworks.CIS, []string{"6.3", "6.7"}) || !c.IsOwn(FrameworkCIS, "6.7") || c.IsOwn(FrameworkCIS, "6.3") ||
		c.MappingText() != "guide 1.1: CIS 6.3; NIST IA-2 · vigil: CIS 6.7" {
		t.Errorf("control %+v, mappings %q", c.Frameworks, c.MappingText())
	}
	for _, tt := range []struct{ edit, want, err string }{
		{"level: L1, scope", "level: L2, scope", "the guide puts section 1.1 (SSO) at L1"},
		{`cis: ["6.7"]`, `cis: ["6.3"]`, "CIS Controls v8 6.3 is already the guide's mapping"},
		{`guide: "1.1"`, `guide: "1.2"`, `guide "1.2": want a section of G`},
		{`guide: "1.1"`, `guide: addition`, "guide section 1.1 (SSO): no control implements it"},
		{`section: "1.1", title: SSO, level: L1`, `section: "1.1", title: SSO, level: L5`, "level"},
	} {
		_, err := ParseCatalogue([]byte(strings.Replace(good, tt.edit, tt.want, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s → %s: err = %v, want %q", tt.edit, tt.want, err, tt.err)
		}
	}
}
