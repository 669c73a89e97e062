package config

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

func TestWithin(t *testing.T) {
	parse := func(text string) *Config {
		c, err := Parse(".vigil.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := parse("disable = ['a']\n[scan]\nexclude = ['vendor/**']\n[allow]\npaths = ['docs/**']\n[compat]\ngitleaks_allow = false\n" +
		"[[rules]]\nid = 'acme'\ndescription = 'd'\nkeywords = ['acme']\nregex = 'acme_[0-9]{8}'\n")
	cur := parse("disable = ['a', 'b']\n[scan]\nexclude = ['vendor/**', '**']\nconfidence = 'high'\n[allow]\npaths = ['docs/**', '**']\n" +
		"[[rules]]\nid = 'acme'\ndescription = 'd'\nkeywords = ['acme']\nregex = 'acme_[0-9]{80}'\n" +
		"[[rules]]\nid = 'sendgrid-api-key'\ndescription = 'mine'\nkeywords = ['zz']\nregex = 'zz'\n")
	eff, ignored := cur.Within(base, func(id string) bool { return id == "sendgrid-api-key" })
	if strings.Join(eff.Disable, ",") != "a" || strings.Join(eff.Scan.Exclude, ",") != "vendor/**" {
		t.Errorf("disable %v exclude %v", eff.Disable, eff.Scan.Exclude)
	}
	if eff.Scan.Confidence != 0 {
		t.Errorf("confidence raised to %v", eff.Scan.Confidence)
	}
	if len(eff.Rules) != 1 || eff.Rules[0].Regex.String() != "acme_[0-9]{8}" {
		t.Errorf("rules %+v", eff.Rules)
	}
	if On(eff.Compat.GitleaksAllow) {
		t.Error("a switch turned on by the change applied")
	}
	got := strings.Join(ignored, "\n")
	for _, want := range []string{`disable "b"`, `[scan] exclude "**"`, `[scan] confidence "high"`, `changes to rule "acme"`,
		`rule "sendgrid-api-key" replacing the built-in one`, `[compat] gitleaks_allow = true`, `[allow] paths "**"`} {
		if !strings.Contains(got, want) {
			t.Errorf("ignored lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"docs/**"`) {
		t.Errorf("an entry already at the base is named:\n%s", got)
	}
	// A file new in the change: none of it applies.
	eff, _ = cur.Within(nil, func(string) bool { return false })
	if len(eff.Disable)+len(eff.Scan.Exclude) != 0 || eff.Scan.Confidence > vigil.Medium {
		t.Errorf("new file applied: %+v", eff)
	}
}

func TestEncodeQuotes(t *testing.T) {
	c := &Config{Allow: Allow{Values: []string{`it's`, "tab\there", `back\slash`, "ctl\x01"}}}
	var b strings.Builder
	if err := Encode(&b, c, nil); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("x.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if strings.Join(back.Allow.Values, "|") != strings.Join(c.Allow.Values, "|") {
		t.Errorf("round trip: %q", back.Allow.Values)
	}
}
