package main

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/testenv"
)

// TestScripts runs the end-to-end CLI scripts in testdata/script. Secrets
// are never stored in the scripts: the gen command writes files from
// templates ({hex:32}, {alnum:40}…) with values generated at test time.
func TestScripts(t *testing.T) {
	if testenv.Strict() {
		testenv.NeedProgram(t, "git") // the scripts that need it skip without it
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gen":        cmdGen,
			"dsbaseline": cmdDetectSecretsBaseline,
			"glreport":   cmdGitleaksReport,
		},
	})
}

// cmdGen writes a file from fakecred templates, one line per argument:
//
//	gen FILE TEMPLATE...
func cmdGen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: gen FILE TEMPLATE...")
	}
	g := fakecred.New(uint64(len(args[0])))
	var b strings.Builder
	for _, tmpl := range args[1:] {
		line, err := g.Expand(tmpl)
		ts.Check(err)
		fmt.Fprintln(&b, line)
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	ts.Check(os.WriteFile(path, []byte(b.String()), 0o644))
}

// cmdDetectSecretsBaseline writes a detect-secrets baseline listing the
// value of every NAME=VALUE line of each file (as its keyword plugin
// would), hashed as detect-secrets hashes:
//
//	dsbaseline OUT FILE...
func cmdDetectSecretsBaseline(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: dsbaseline OUT FILE...")
	}
	results := map[string][]map[string]any{}
	for _, file := range args[1:] {
		for i, line := range strings.Split(ts.ReadFile(file), "\n") {
			_, value, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			sum := sha1.Sum([]byte(strings.Trim(value, `"' `)))
			results[file] = append(results[file], map[string]any{"type": "Secret Keyword", "filename": file,
				"hashed_secret": hex.EncodeToString(sum[:]), "is_verified": false, "line_number": i + 1})
		}
	}
	data, err := json.MarshalIndent(map[string]any{"version": "1.5.0", "plugins_used": []any{map[string]string{"name": "KeywordDetector"}},
		"filters_used": []any{}, "results": results, "generated_at": "2026-01-01T00:00:00Z"}, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// cmdGitleaksReport writes a gitleaks JSON report with one finding per
// NAME=VALUE line of FILE, of gitleaks rule RULE; with -redact, the
// secrets are written as gitleaks --redact writes them:
//
//	glreport [-redact] OUT FILE RULE
func cmdGitleaksReport(ts *testscript.TestScript, neg bool, args []string) {
	redact := len(args) > 0 && args[0] == "-redact"
	if redact {
		args = args[1:]
	}
	if neg || len(args) != 3 {
		ts.Fatalf("usage: glreport [-redact] OUT FILE RULE")
	}
	var findings []map[string]any
	for i, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
		_, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if redact {
			value = "REDACTED"
		}
		findings = append(findings, map[string]any{"RuleID": args[2], "Description": "d", "StartLine": i + 1, "EndLine": i + 1,
			"Match": line, "Secret": value, "File": args[1], "Commit": "", "Fingerprint": fmt.Sprintf("%s:%s:%d", args[1], args[2], i+1)})
	}
	data, err := json.MarshalIndent(findings, "", " ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}
