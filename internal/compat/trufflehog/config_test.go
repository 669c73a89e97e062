package trufflehog

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil/rules"
)

func TestConvertConfig(t *testing.T) {
	cfg, err := ConvertConfig("th.yaml", []byte(`
detectors:
  - name: HogTokenDetector
    keywords: [hog, x]
    regex:
      token: 'hog_[A-Za-z0-9]{40}'
      id: 'hogid_[0-9]{6}'
    primary_regex_name: token
    entropy: 3.0
    exclude_words: [EXAMPLE]
    exclude_regexes_capture: ['^hog_0+$']
    exclude_regexes_match: ['placeholder']
    verify:
      - endpoint: http://localhost:8000/
        unsafe: true
allowlists:
  - description: known
    values: ['hog_knownvalue', '(unbalanced']
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 2 || cfg.Rules[0].ID != "hog-token-detector" || cfg.Rules[1].ID != "hog-token-detector-id" {
		t.Fatalf("rules %+v", cfg.Rules)
	}
	if p := cfg.Rules[0].Pair; len(p) != 1 || !p[0].Required || p[0].With != "hog-token-detector-id" {
		t.Errorf("pair %+v", p)
	}
	if got := strings.Join(cfg.Allow.Values, " "); got != `hog_knownvalue ^\(unbalanced$` {
		t.Errorf("allow values %q", got)
	}
	notes := strings.Join(cfg.Notes, "\n")
	for _, want := range []string{"verify endpoints are not carried over", `keyword "x" dropped`, "exclude_regexes_match is tested against the line"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := set.With(cfg.Rules); err != nil {
		t.Errorf("converted rules do not load: %v", err)
	}
}

func TestConvertConfigErrors(t *testing.T) {
	for name, text := range map[string]string{
		"unknown key":   "detectors:\n  - name: A\n    regexes: {}\n",
		"no regex":      "detectors:\n  - name: A\n    keywords: [aa]\n",
		"bad regex":     "detectors:\n  - name: A\n    keywords: [aa]\n    regex: {k: '('}\n",
		"wrong primary": "detectors:\n  - name: A\n    keywords: [aa]\n    regex: {k: 'aa'}\n    primary_regex_name: z\n",
	} {
		if _, err := ConvertConfig("th.yaml", []byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRuleID(t *testing.T) {
	for in, want := range map[string]string{"HogTokenDetector": "hog-token-detector", "my_api key": "my-api-key", "AWSKeyDetector": "awskey-detector"} {
		if got := ruleID(in); got != want {
			t.Errorf("%s: %s", in, got)
		}
	}
}

func FuzzConvertConfig(f *testing.F) {
	f.Add([]byte("detectors:\n  - name: A\n    keywords: [aa]\n    regex: {k: 'aa[0-9]+'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ConvertConfig("fuzz.yaml", data)
	})
}
