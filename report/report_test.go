package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/sarifout/sarifcheck"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a fixed report: values are obviously fake and appear only
// redacted in the golden files.
func sample() *Report {
	present := false
	fs := []vigil.Finding{
		{
			RuleID: "twilio-auth-token", Provider: "twilio", Description: "Twilio Auth Token",
			Secret:     vigil.NewSecret(strings.Repeat("f", 32)),
			Parts:      []vigil.Part{{Name: "account_sid", Value: vigil.NewSecret("AC" + strings.Repeat("0", 32)), Line: 5, Column: 20}},
			Origin:     vigil.Origin{Source: "file", Path: "app/.env", Line: 2, Column: 19},
			Confidence: vigil.High, Verifier: "twilio", Hint: "Rotate it now.",
			Verdict: vigil.Verdict{Status: vigil.Valid, Facts: map[string]string{"account": "Acme Prod", "type": "Full"}},
		},
		{
			RuleID: "generic-password", Provider: "generic", Description: "Password",
			Secret:     vigil.NewSecret("not-a-real-password"),
			Origin:     vigil.Origin{Source: "git", Path: "dir with space/config.yml", Line: 7, Column: 13, Commit: &vigil.Commit{SHA: strings.Repeat("a", 40), Author: "Ann", Email: "ann@example.com", Date: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}},
			Confidence: vigil.Medium, Present: &present, Occurrences: 3,
			Verdict: vigil.Verdict{Status: vigil.Unknown, Reason: "timeout"},
		},
		{
			RuleID: "private-key", Provider: "key", Description: "Private key",
			Secret:     vigil.NewSecret("-----BEGIN PRIVATE KEY-----(fake)"),
			Origin:     vigil.Origin{Source: "archive", Path: "dist/app.jar!conf/key.pem", Members: []string{"conf/key.pem"}, Line: 1, Column: 1, EndLine: 28},
			Confidence: vigil.High, Details: map[string]string{"type": "PRIVATE KEY"},
		},
	}
	return &Report{
		Findings: fs, Version: "v0.0.0-test",
		Stats: vigil.Stats{Items: 42, Bytes: 123456, Duration: 1500 * time.Millisecond, Skipped: []vigil.Skip{
			{Origin: vigil.Origin{Path: "big.log"}, Reason: vigil.SkipTooLarge, Err: errors.New("over the cap")},
			{Origin: vigil.Origin{Path: "logo.png"}, Reason: vigil.SkipBinary},
		}},
		Rules: []RuleInfo{{ID: "twilio-auth-token", Provider: "twilio", Description: "Twilio Auth Token", Hint: "Rotate it now.", Category: "messaging"}},
		Suppressed: []vigil.SuppressionCount{
			{Suppression: vigil.Suppression{Kind: vigil.SuppressInline, Source: "gitleaks:allow"}, Count: 2},
			{Suppression: vigil.Suppression{Kind: vigil.SuppressBaseline, Source: ".vigil-baseline.json"}, Count: 1},
		},
		Below: 2,
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./report -update and review the diff\n--- got ---\n%s", name, got)
	}
}

func TestGoldenReports(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, *Report) error
	}{
		{"report.txt", func(b *bytes.Buffer, r *Report) error { return Text(b, r, TextOptions{}) }},
		{"summary.txt", func(b *bytes.Buffer, r *Report) error { Summary(b, r); return nil }},
		{"report.json", func(b *bytes.Buffer, r *Report) error { return JSON(b, r) }},
		{"report.sarif", func(b *bytes.Buffer, r *Report) error { return SARIF(b, r) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, sample()); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, b.Bytes())
		})
	}
}

// TestReportsRedact checks that no report leaks a secret unless asked, and
// SARIF never does.
func TestReportsRedact(t *testing.T) {
	for _, show := range []bool{false, true} {
		r := sample()
		r.ShowSecrets = show
		var text, js, sa bytes.Buffer
		if err := Text(&text, r, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := JSON(&js, r); err != nil {
			t.Fatal(err)
		}
		if err := SARIF(&sa, r); err != nil {
			t.Fatal(err)
		}
		secret := strings.Repeat("f", 32)
		for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
			if strings.Contains(out, secret) != show {
				t.Errorf("%s with ShowSecrets=%v: secret shown = %v", name, show, !show)
			}
		}
		if strings.Contains(sa.String(), secret) || strings.Contains(sa.String(), "not-a-real-password") {
			t.Errorf("SARIF holds a secret (ShowSecrets=%v)", show)
		}
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0
// schema (uniqueItems enforced) and GitHub's rules for an upload.
func TestSARIFSchema(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sample()); err != nil {
		t.Fatal(err)
	}
	for _, p := range sarifcheck.Check(b.Bytes()) {
		t.Error(p)
	}
	if !strings.Contains(b.String(), `"uri": "dir%20with%20space/config.yml"`) {
		t.Error("SARIF URIs are not percent-encoded")
	}
}
