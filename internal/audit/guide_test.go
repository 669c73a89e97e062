package audit

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/testenv"
)

// hardeningGuide is the "Twilio Hardening Guide" (seed 004, version 0.1.0,
// 2025-02-05) transcribed by hand: each control's section, title, profile
// level, the CIS Controls and NIST 800-53 rows of its framework table, and
// the SOC 2 criteria its "SOC 2 Trust Services Criteria Mapping" gives it
// by guide section (CC6.1 "SSO/2FA" names section 1.1, CC6.2 "User roles"
// 2.1, CC6.7 "API key security" 3.1).
var hardeningGuide = []guideRow{
	{"1.1", "Configure SAML Single Sign-On", L1, []string{"6.3", "12.5"}, []string{"IA-2", "IA-8"}, []string{"CC6.1"}},
	{"1.2", "Enforce Two-Factor Authentication", L1, []string{"6.5"}, []string{"IA-2(1)"}, nil},
	{"2.1", "Configure User Roles", L1, []string{"5.4"}, []string{"AC-6"}, []string{"CC6.2"}},
	{"2.2", "Configure Subaccounts", L2, []string{"5.4"}, []string{"AC-6"}, nil},
	{"2.3", "Limit Admin Access", L1, []string{"5.4"}, []string{"AC-6(1)"}, nil},
	{"3.1", "Configure API Key Security", L1, []string{"3.11"}, []string{"SC-12"}, []string{"CC6.7"}},
	{"3.2", "Configure Webhook Security", L2, []string{"3.11"}, []string{"SC-8"}, nil},
}

type guideRow struct {
	section, title string
	level          Level
	cis, nist      []string
	soc2           []string
}

// guideSteps are the guide's implementation steps vigil turns into a
// control of its own: each control keeps the level of the section the step
// belongs to.
var guideSteps = map[string]string{
	"AUTH-01": "1.1", // Enable SAML SSO; enable SSO enforcement
	"AUTH-02": "1.2", // Require two-factor authentication
	"AUTH-03": "1.2", // Use hardware keys for admins
	"ACC-01":  "2.1", // Assign minimum necessary role; regular access reviews
	"ACC-03":  "2.2", // Separate production and development
	"ACC-04":  "2.2", // Monitor subaccount activity
	"ACC-02":  "2.3", // Limit owners to 2-3 users
	"CRED-01": "3.1", // Use API keys instead of Account SID/Auth Token
	"CRED-02": "3.1", // Create keys with minimum permissions
	"CRED-03": "3.1", // Rotate keys regularly
	"CRED-04": "3.1", // Rotate keys regularly (the Auth Token)
	"HOOK-01": "3.2", // Use HTTPS only
	"HOOK-02": "3.2", // Always validate webhook signatures
	"HOOK-03": "3.2", // Implement IP allowlisting
}

// TestCatalogueFollowsTheGuide compares the catalogue with the guide: its
// guide sections are the transcription's, every control the guide has
// keeps the guide's level and every mapping the guide gives it (vigil's own
// apart and never repeating them), and every other control is marked as
// vigil's addition.
func TestCatalogueFollowsTheGuide(t *testing.T) {
	cat := Builtin()
	if len(cat.Guide.Sections) != len(hardeningGuide) {
		t.Fatalf("catalogue has %d guide sections, the guide %d", len(cat.Guide.Sections), len(hardeningGuide))
	}
	for i, g := range hardeningGuide {
		s := cat.Guide.Sections[i]
		if s.Section != g.section || s.Title != g.title || s.Level != g.level ||
			!slices.Equal(s.Frameworks.CIS, g.cis) || !slices.Equal(s.Frameworks.NIST, g.nist) || !slices.Equal(s.Frameworks.SOC2, g.soc2) {
			t.Errorf("guide section %s: catalogue has %+v; the guide says %s %s, CIS %v, NIST %v, SOC 2 %v",
				g.section, *s, g.title, g.level, g.cis, g.nist, g.soc2)
		}
	}
	for _, c := range cat.Controls {
		want, fromGuide := guideSteps[c.ID]
		switch {
		case !fromGuide:
			if c.Guide != GuideAddition || !c.IsAddition() || c.Origin() != "vigil addition" {
				t.Errorf("%s: guide %q; a control the guide does not have must be marked %q", c.ID, c.Guide, GuideAddition)
			}
			continue
		case c.Guide != want:
			t.Errorf("%s: guide %q, want section %s", c.ID, c.Guide, want)
			continue
		}
		i := slices.IndexFunc(hardeningGuide, func(g guideRow) bool { return g.section == want })
		g := hardeningGuide[i]
		if c.Level != g.level {
			t.Errorf("%s: level %s; the guide puts section %s at %s", c.ID, c.Level, g.section, g.level)
		}
		for _, fw := range []struct {
			name  string
			guide []string
		}{{FrameworkCIS, g.cis}, {FrameworkNIST, g.nist}, {FrameworkSOC2, g.soc2}} {
			all := c.Frameworks.Of(fw.name)
			if len(all) < len(fw.guide) || !slices.Equal(all[:len(fw.guide)], fw.guide) {
				t.Errorf("%s: %s mappings %v; the guide's %v must come first", c.ID, fw.name, all, fw.guide)
			}
			for _, id := range fw.guide {
				if c.IsOwn(fw.name, id) {
					t.Errorf("%s: %s %s is the guide's, marked as vigil's", c.ID, fw.name, id)
				}
			}
			for _, id := range all[len(fw.guide):] {
				if !c.IsOwn(fw.name, id) {
					t.Errorf("%s: %s %s is neither the guide's nor marked as vigil's", c.ID, fw.name, id)
				}
			}
		}
	}
	for _, g := range hardeningGuide {
		if !slices.Contains(mapValues(guideSteps), g.section) {
			t.Errorf("guide section %s (%s): no control implements it", g.section, g.title)
		}
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestGuideTranscription reads the guide itself (the seed document beside
// the checkout) and checks the transcription above against its section
// headings, profile levels, framework tables and SOC 2 mapping rows.
func TestGuideTranscription(t *testing.T) {
	dir := testenv.SharedDir(t, "seeds")
	matches, _ := filepath.Glob(filepath.Join(dir, "004_*.txt"))
	if len(matches) != 1 {
		t.Fatalf("want one seed 004 in %s, found %v", dir, matches)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	type parsed struct {
		title, level, cis, nist string
		soc2                    []string
	}
	got := map[string]*parsed{}
	var cur *parsed
	heading := regexp.MustCompile(`^(\d\.\d) (.+)$`)
	soc2Row := regexp.MustCompile(`^\| (CC\d\.\d) \| [^|]+ \| (\d\.\d) \|$`)
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if m := heading.FindStringSubmatch(line); m != nil {
			cur = &parsed{title: m[2]}
			got[m[1]] = cur
			continue
		}
		if m := soc2Row.FindStringSubmatch(line); m != nil {
			if p := got[m[2]]; p != nil {
				p.soc2 = append(p.soc2, m[1])
			}
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "Profile Level: "):
			cur.level = strings.Fields(strings.TrimPrefix(line, "Profile Level: "))[0]
		case strings.HasPrefix(line, "| CIS Controls | "):
			cur.cis = strings.TrimSuffix(strings.TrimPrefix(line, "| CIS Controls | "), " |")
		case strings.HasPrefix(line, "| NIST 800-53 | "):
			cur.nist = strings.TrimSuffix(strings.TrimPrefix(line, "| NIST 800-53 | "), " |")
		}
	}
	if len(got) != len(hardeningGuide) {
		t.Errorf("the guide has %d controls, the transcription %d", len(got), len(hardeningGuide))
	}
	for _, g := range hardeningGuide {
		p := got[g.section]
		if p == nil {
			t.Errorf("section %s is not in the guide", g.section)
			continue
		}
		if p.title != g.title || p.level != g.level.String() || p.cis != strings.Join(g.cis, ", ") ||
			p.nist != strings.Join(g.nist, ", ") || !slices.Equal(p.soc2, g.soc2) {
			t.Errorf("section %s: the guide says %+v; transcribed %+v", g.section, *p, g)
		}
	}
}
