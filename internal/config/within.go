package config

import (
	"fmt"

	"github.com/BurntSushi/toml"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// Within returns c limited to what base allows: base is the same
// configuration as it was before the change being scanned (nil when the
// file did not exist), so that nothing the change adds or widens applies
// to that same change. Disabled rules and excluded paths must be in base
// too; the confidence floor is no higher than base's; a custom rule the
// change adds or alters keeps base's definition, or is dropped when it
// would replace a built-in rule (builtin tells); a [compat] switch is on
// only if it was on in base. Allowlists are kept as they are: the caller
// restricts them with rules.Allowlist.Restrict, which tests each finding
// against both. Within returns what it did not apply, one line each,
// allowlist entries included.
func (c *Config) Within(base *Config, builtin func(id string) bool) (*Config, []string) {
	if base == nil {
		base = &Config{}
	}
	out := *c
	var ignored []string
	keep := func(what string, cur, old []string) []string {
		var kept []string
		for _, v := range cur {
			if slices.Contains(old, v) {
				kept = append(kept, v)
			} else {
				ignored = append(ignored, fmt.Sprintf("%s %q", what, v))
			}
		}
		return kept
	}
	out.Disable = keep("disable", c.Disable, base.Disable)
	out.Scan.Exclude = keep("[scan] exclude", c.Scan.Exclude, base.Scan.Exclude)
	floor := func(x vigil.Confidence) vigil.Confidence { return max(x, vigil.Low) }
	if c.Scan.Confidence != 0 && (base.Scan.Confidence == 0 && c.Scan.Confidence > vigil.Medium || base.Scan.Confidence != 0 && floor(c.Scan.Confidence) > floor(base.Scan.Confidence)) {
		ignored = append(ignored, fmt.Sprintf("[scan] confidence %q", c.Scan.Confidence))
		out.Scan.Confidence = base.Scan.Confidence
	}
	out.Rules = nil
	for _, r := range c.Rules {
		i := slices.IndexFunc(base.Rules, func(b ruleT) bool { return b.ID == r.ID })
		switch {
		case i >= 0 && ruleText(&base.Rules[i]) != ruleText(&r):
			ignored = append(ignored, fmt.Sprintf("changes to rule %q", r.ID))
			out.Rules = append(out.Rules, base.Rules[i])
		case i < 0 && builtin(r.ID):
			ignored = append(ignored, fmt.Sprintf("rule %q replacing the built-in one", r.ID))
		default:
			out.Rules = append(out.Rules, r)
		}
	}
	for _, sw := range []struct {
		name      string
		cur, old  *bool
		effective **bool
	}{
		{"gitleaks_allow", c.Compat.GitleaksAllow, base.Compat.GitleaksAllow, &out.Compat.GitleaksAllow},
		{"trufflehog_ignore", c.Compat.TrufflehogIgnore, base.Compat.TrufflehogIgnore, &out.Compat.TrufflehogIgnore},
		{"detect_secrets_pragma", c.Compat.DetectSecretsPragma, base.Compat.DetectSecretsPragma, &out.Compat.DetectSecretsPragma},
		{"gitleaksignore", c.Compat.GitleaksIgnore, base.Compat.GitleaksIgnore, &out.Compat.GitleaksIgnore},
	} {
		if On(sw.cur) && !On(sw.old) {
			ignored = append(ignored, fmt.Sprintf("[compat] %s = true", sw.name))
			*sw.effective = sw.old
		}
	}
	ignored = append(ignored, c.newAllowEntries(base)...)
	return &out, ignored
}

// newAllowEntries names the allowlist entries of c that base lacks.
func (c *Config) newAllowEntries(base *Config) []string {
	old := map[string]bool{}
	for _, e := range base.allowStrings() {
		old[e] = true
	}
	var out []string
	for _, e := range c.allowStrings() {
		if !old[e] {
			out = append(out, e)
		}
	}
	return out
}

// allowStrings renders each allowlist entry as one line: the table, its
// limits, the list and the value.
func (c *Config) allowStrings() []string {
	var out []string
	add := func(table string, a Allow) {
		for _, l := range []struct {
			key string
			vs  []string
		}{{"paths", a.Paths}, {"path_regexes", a.PathRegexes}, {"values", a.Values}, {"lines", a.Lines}, {"stopwords", a.Stopwords}, {"commits", a.Commits}} {
			for _, v := range l.vs {
				out = append(out, fmt.Sprintf("%s %s %q", table, l.key, v))
			}
		}
	}
	add("[allow]", c.Allow)
	for _, a := range c.Allowlists {
		table := "[[allowlist]]"
		if len(a.Rules) > 0 {
			table += " rules=" + strings.Join(a.Rules, ",")
		}
		if a.Match == "all" {
			table += " match=all"
		}
		add(table, a.Allow)
	}
	return out
}

// ruleText is a rule in TOML, every field, to compare two versions.
func ruleText(r *ruleT) string {
	var b strings.Builder
	if err := toml.NewEncoder(&b).Encode(r); err != nil {
		return err.Error()
	}
	return b.String()
}

type ruleT = rules.Rule
