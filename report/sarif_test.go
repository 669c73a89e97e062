package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/sarifout/sarifcheck"
	"github.com/vigilsec/vigil/rules"
)

// TestSARIFEveryRule writes a finding of every built-in rule, found by the
// matcher in the rule's own examples, into one SARIF log, and checks it
// against the SARIF 2.1.0 schema and GitHub's upload rules: the tags of a
// generic rule ("generic" as provider and category) once failed
// uniqueItems, and GitHub rejected every such report.
func TestSARIFEveryRule(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := rules.NewMatcher(set, rules.Options{})
	gen := fakecred.New(3)
	r := &Report{Version: "v0.0.0-test", Root: t.TempDir(), Stats: vigil.Stats{Items: 1}}
	found := map[string]bool{}
	// The compiled rules leave their examples out; read them from the
	// rules' sources.
	examples := map[string][]string{}
	files, _ := filepath.Glob("../rules/data/*.toml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := rules.ParseFile(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range parsed {
			examples[rule.ID] = rule.Examples
		}
	}
	for _, rule := range set.Rules() {
		for i, tmpl := range examples[rule.ID] {
			text, err := gen.Expand(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			m.Match(vigil.Chunk{Data: []byte(text + "\n"), Origin: vigil.Origin{Source: "file", Path: "examples/" + rule.ID + ".txt", Line: i + 1}}, func(f vigil.Finding) {
				if f.RuleID == rule.ID && !found[rule.ID] {
					found[rule.ID] = true
					r.Findings = append(r.Findings, f)
				}
			})
		}
		r.Rules = append(r.Rules, RuleInfo{ID: rule.ID, Provider: rule.Provider, Description: rule.Description, Hint: rule.Hint, Category: rule.Category})
	}
	if len(found) < 200 {
		t.Fatalf("only %d rules found their examples", len(found))
	}
	var b bytes.Buffer
	if err := SARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	problems := sarifcheck.Check(b.Bytes())
	for i, p := range problems {
		if i == 20 {
			t.Fatalf("… and %d more", len(problems)-20)
		}
		t.Error(p)
	}
}

// TestSARIFCheckCatches makes sure the checker itself rejects what GitHub
// rejects: repeated tags, a relative URI without a base, a severity that is
// not a number.
func TestSARIFCheckCatches(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sample()); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(string) string{
		"repeated tag": func(s string) string { return strings.Replace(s, `"secret",`, `"secret", "secret",`, 1) },
		"no base": func(s string) string {
			return strings.ReplaceAll(s, `"uriBaseId": "%SRCROOT%"`, `"uriBaseId": "ELSEWHERE"`)
		},
		"severity word": func(s string) string {
			return strings.Replace(s, `"security-severity": "8.0"`, `"security-severity": "high"`, 1)
		},
		"climbs out": func(s string) string { return strings.Replace(s, `"uri": "app/.env"`, `"uri": "../app/.env"`, 1) },
	} {
		edited := edit(b.String())
		if edited == b.String() {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		if len(sarifcheck.Check([]byte(edited))) == 0 {
			t.Errorf("%s: the checker accepts it", name)
		}
	}
}

// TestSARIFLocations checks URIs and properties: absolute paths under the
// root become relative to %SRCROOT%, which is declared; git findings carry
// their commit in properties; parts are related locations; archive members
// are properties, not part of the URI.
func TestSARIFLocations(t *testing.T) {
	root := t.TempDir()
	f := func(o vigil.Origin, parts ...vigil.Part) vigil.Finding {
		return vigil.Finding{RuleID: "twilio-auth-token", Provider: "twilio", Description: "Twilio Auth Token", Confidence: vigil.High,
			Secret: vigil.NewSecret(strings.Repeat("e", 32)), Origin: o, Parts: parts}
	}
	sid := vigil.Part{Name: "account_sid", Value: vigil.NewSecret("AC" + strings.Repeat("1", 32)), Line: 9, Column: 3}
	r := &Report{Root: root, Stats: vigil.Stats{Items: 1}, Findings: []vigil.Finding{
		f(vigil.Origin{Source: "file", Path: filepath.Join(root, "app", ".env"), Line: 2, Column: 5}, sid),
		f(vigil.Origin{Source: "git", Path: "conf/app.env", Line: 4, Column: 1, Blob: "b0b", Commit: &vigil.Commit{SHA: strings.Repeat("c", 40)}}, sid),
		f(vigil.Origin{Source: "archive", Path: "dist/a.zip!in/x!y.env", Members: []string{"in/x!y.env"}, Line: 1, Column: 1}),
		f(vigil.Origin{Source: "file", Path: "/elsewhere/.env", Line: 1, Column: 1}),
		f(vigil.Origin{Source: "git", Path: "@commit/message", Line: 3, Column: 7, Commit: &vigil.Commit{SHA: strings.Repeat("d", 40)}}),
	}}
	var b bytes.Buffer
	if err := SARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, p := range sarifcheck.Check(b.Bytes()) {
		t.Error(p)
	}
	var log struct {
		Runs []struct {
			Bases   map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results []struct {
				Locations []struct {
					Physical struct {
						Artifact struct{ URI, UriBaseId string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Related []struct {
					Message  struct{ Text string }
					Physical struct {
						Artifact struct{ URI string } `json:"artifactLocation"`
						Region   struct{ StartLine, StartColumn int }
					} `json:"physicalLocation"`
				} `json:"relatedLocations"`
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got := run.Bases["%SRCROOT%"].URI; got != sarifoutFileURI(root)+"/" {
		t.Errorf("%%SRCROOT%% is %q, want the root %s", got, root)
	}
	uris := []string{}
	for _, res := range run.Results {
		a := res.Locations[0].Physical.Artifact
		uris = append(uris, a.UriBaseId+"|"+a.URI)
	}
	want := []string{"%SRCROOT%|app/.env", "%SRCROOT%|conf/app.env", "%SRCROOT%|dist/a.zip", "|file:///elsewhere/.env", "VIGILPSEUDO|@commit/message"}
	if strings.Join(uris, " ") != strings.Join(want, " ") {
		t.Errorf("URIs\n got %v\nwant %v", uris, want)
	}
	if got := run.Results[1].Properties["commit"]; got != strings.Repeat("c", 40) {
		t.Errorf("the commit is not in the result's properties: %v", run.Results[1].Properties)
	}
	if m, _ := run.Results[2].Properties["archiveMembers"].([]any); len(m) != 1 || m[0] != "in/x!y.env" {
		t.Errorf("archive members in properties: %v", run.Results[2].Properties)
	}
	for i := range 2 {
		rel := run.Results[i].Related
		if len(rel) != 1 || rel[0].Message.Text != "account_sid" || rel[0].Physical.Region.StartLine != 9 || rel[0].Physical.Region.StartColumn != 3 || rel[0].Physical.Artifact.URI != strings.TrimPrefix(uris[i], "%SRCROOT%|") {
			t.Errorf("result %d: the Account SID's place is not a related location: %+v", i, rel)
		}
	}
}

func sarifoutFileURI(p string) string { return "file://" + filepath.ToSlash(p) }
