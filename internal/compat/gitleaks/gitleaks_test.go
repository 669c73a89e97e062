package gitleaks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/rules"
)

func TestRuleIDsNameVigilRules(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	for gl, ids := range ruleIDs {
		for _, id := range ids {
			if _, ok := set.Get(id); !ok {
				t.Errorf("gitleaks %s maps to unknown vigil rule %s", gl, id)
			}
		}
	}
}

func finding(rule, path string, line int, commit string) *vigil.Finding {
	f := &vigil.Finding{RuleID: rule, Secret: vigil.NewSecret("s3cr3t-value-0123456789"), Origin: vigil.Origin{Path: path, Line: line}}
	if commit != "" {
		f.Origin.Commit = &vigil.Commit{SHA: commit}
	}
	return f
}

func TestIgnore(t *testing.T) {
	ig := ParseIgnore(".gitleaksignore", []byte("# comment\n\n"+
		"a/b.env:aws-access-token:3\n"+
		"0123456789abcdef0123456789abcdef01234567:c.go:generic-api-key:10\n"+
		`win\path.txt:private-key:1`+"\n"+
		"odd:name.txt:unknown-rule:5\n"+
		"garbage\nx:y:notanumber\n"))
	if len(ig.Invalid) != 2 || !strings.Contains(ig.Invalid[0], "line 7") {
		t.Fatalf("invalid = %q", ig.Invalid)
	}
	for _, tc := range []struct {
		name string
		f    *vigil.Finding
		want bool
	}{
		{"mapped rule", finding("aws-access-key-id", "a/b.env", 3, ""), true},
		{"other line", finding("aws-access-key-id", "a/b.env", 4, ""), false},
		{"different specific rule", finding("stripe-secret-key", "a/b.env", 3, ""), false},
		{"vigil generic at the line", finding("generic-secret", "a/b.env", 3, ""), true},
		{"commit entry, same commit", finding("slack-bot-token", "c.go", 10, "0123456789abcdef0123456789abcdef01234567"), true},
		{"commit entry, other commit", finding("slack-bot-token", "c.go", 10, "ffff456789abcdef0123456789abcdef01234567"), false},
		{"commit entry, file scan", finding("slack-bot-token", "c.go", 10, ""), false},
		{"backslashes", finding("private-key-rsa", "win/path.txt", 1, ""), true},
		{"colon in path, unknown rule", finding("jwt", "odd:name.txt", 5, ""), true},
	} {
		if _, got := ig.Suppress(tc.f); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReport(t *testing.T) {
	data := []byte(`[{"RuleID":"generic-api-key","File":"x.env","StartLine":2,"Secret":"s3cr3t-value-0123456789","Commit":""},
		{"RuleID":"aws-access-token","File":"y.env","StartLine":7,"Secret":"REDACTED"}]`)
	if !IsReport(data) || IsReport([]byte(`{"results":{}}`)) {
		t.Fatal("IsReport")
	}
	r, err := ParseReport("gl.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    *vigil.Finding
		want bool
	}{
		{finding("generic-secret", "x.env", 9, ""), true}, // by secret: lines move
		{finding("generic-secret", "z.env", 2, ""), false},
		{finding("aws-access-key-id", "y.env", 7, ""), true}, // redacted: by line and rule
		{finding("aws-access-key-id", "y.env", 8, ""), false},
	} {
		if _, got := r.Suppress(tc.f); got != tc.want {
			t.Errorf("%+v: got %v", tc.f.Origin, got)
		}
	}
	if _, err := ParseReport("bad.json", []byte(`[{"File":"x"}]`)); err == nil {
		t.Error("a finding without RuleID accepted")
	}
}

func TestConvertConfig(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.toml")
	if err := os.WriteFile(base, []byte(`
[[rules]]
id = "Base_Rule"
regex = '''base_[0-9]{10}'''
keywords = ["base_"]
[allowlist]
stopwords = ["dummy"]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := ConvertConfig(filepath.Join(dir, ".gitleaks.toml"), []byte(`
title = "t"
[extend]
path = "base.toml"
disabledRules = ["aws-access-token", "no-such-rule"]

[[rules]]
id = "acme"
description = "Acme"
regex = '''(?i)acme-token-([a-f0-9]{32})'''
secretGroup = 1
entropy = 3
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''test/''']
  regexes = ['''^0+$''']

[[rules]]
id = "generic-api-key"
  [rules.allowlist]
  stopwords = ["example"]

[[rules]]
id = "no-keywords"
regex = '''zz[0-9]{8}'''

[[allowlists]]
targetRules = ["acme"]
commits = ["abcdef1234"]
regexTarget = "line"
regexes = ['''nosecret''']
`))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range cfg.Rules {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "acme,base-rule" {
		t.Errorf("rules %v", ids)
	}
	if strings.Join(cfg.Disable, ",") != "aws-access-key-id" {
		t.Errorf("disable %v", cfg.Disable)
	}
	if got := strings.Join(cfg.Allow.Stopwords, ","); got != "dummy" {
		t.Errorf("global stopwords %q", got)
	}
	notes := strings.Join(cfg.Notes, "\n")
	for _, want := range []string{`"no-such-rule": no vigil rule`, `rule "no-keywords" has no keywords and its regex has no literal text`,
		`rule "acme" has no keywords; vigil keys it on "acme-token-"`, `"Base_Rule" is named "base-rule"`} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	entries := cfg.AllowEntries()
	if len(entries) != 4 {
		t.Fatalf("%d allow entries: %+v", len(entries), entries)
	}
	if e := entries[1]; !e.All || e.Rules[0] != "acme" || e.PathRegexes[0] != "test/" {
		t.Errorf("rule allowlist %+v", e)
	}
	if _, err := rules.NewAllowlist(entries); err != nil {
		t.Fatal(err)
	}
	// The result survives a round trip through .vigil.toml.
	var b strings.Builder
	if err := config.Encode(&b, cfg, []string{"header"}); err != nil {
		t.Fatal(err)
	}
	back, err := config.Parse(".vigil.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(back.Rules) != 2 || len(back.AllowEntries()) != 4 || len(back.Disable) != 1 {
		t.Errorf("round trip lost settings:\n%s", b.String())
	}
}

func TestConvertConfigErrors(t *testing.T) {
	for name, text := range map[string]string{
		"bad toml":         "[[rules]\n",
		"bad regex":        "[[rules]]\nid='x'\nregex='('\nkeywords=['xx']\n",
		"no id":            "[[rules]]\nregex='x'\n",
		"bad condition":    "[allowlist]\ncondition='XOR'\npaths=['a']\n",
		"empty allowlist":  "[allowlist]\ndescription='d'\n",
		"both extends":     "[extend]\nuseDefault=true\npath='x.toml'\n",
		"bad regex target": "[allowlist]\nregexTarget='all'\nregexes=['a']\n",
	} {
		if _, err := ConvertConfig(".gitleaks.toml", []byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLooksLikeConfig(t *testing.T) {
	for text, want := range map[string]bool{
		"title = 'x'\n":                                                   true,
		"[extend]\nuseDefault = true\n":                                   true,
		"[[rules]]\nid='a'\nsecretGroup=1\n":                              true,
		"[allow]\npaths=['a']\n":                                          false,
		"[[rules]]\nid='a'\nregex='x'\nkeywords=['ab']\n":                 false,
		"not toml [":                                                      false,
		"[allowlist]\npaths=['a']\n":                                      true,
		"[[allowlist]]\ndescription='d'\npaths=['a']\n":                   false,
		"[allow]\npaths=['a']\n[[allowlist]]\nrules=['x']\npaths=['b']\n": false,
	} {
		if got := LooksLikeConfig([]byte(text)); got != want {
			t.Errorf("%q: %v", text, got)
		}
	}
}

func TestRequiredLiteral(t *testing.T) {
	for re, want := range map[string]string{
		`(?i)acme-token-([a-f0-9]{32})`: "acme-token-",
		`zz[0-9]{8}`:                    "",
		`(foo|bar)baz`:                  "baz",
		`[a-z]+`:                        "",
	} {
		if got := requiredLiteral(re); got != want {
			t.Errorf("%s: %q, want %q", re, got, want)
		}
	}
}

func FuzzParseIgnore(f *testing.F) {
	f.Add([]byte("a:b:1\nc0ffee0:p:r:2\n#x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ig := ParseIgnore("f", data)
		for _, e := range ig.Entries {
			if e.Path == "" || e.Rule == "" || e.Line < 0 {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func FuzzConvertConfig(f *testing.F) {
	f.Add([]byte("title='x'\n[[rules]]\nid='a'\nregex='ab[0-9]+'\n[allowlist]\npaths=['x']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ConvertConfig("fuzz.toml", data)
		if err != nil {
			return
		}
		if _, err := rules.NewAllowlist(cfg.AllowEntries()); err != nil {
			t.Fatalf("converted config has a bad allowlist: %v", err)
		}
	})
}

func FuzzParseReport(f *testing.F) {
	f.Add([]byte(`[{"RuleID":"a","File":"b","StartLine":1}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseReport("fuzz.json", data)
	})
}
