package render

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"github.com/vigilsec/vigil/internal/sarifout/sarifcheck"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// neglectedReport audits ../testdata/neglected.yaml at L3 with its
// attestations, without probing, on a fixed clock.
func neglectedReport(t *testing.T) *audit.Report {
	t.Helper()
	return neglectedReportAt(t, audit.L3)
}

// neglectedReportAt is neglectedReport at another level.
func neglectedReportAt(t *testing.T, level audit.Level) *audit.Report {
	t.Helper()
	seed, err := twiliotest.LoadSeed("../testdata/neglected.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(testNow).Now})
	infos, err := srv.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	att, err := audit.LoadAttestations("../testdata/neglected-attest.yaml", audit.Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	att.File = "security/twilio-attestations.yaml" // as if run from the repository root
	for i := range att.Entries {
		att.Entries[i].File = att.File
	}
	rep, err := audit.Run(context.Background(), audit.Options{
		Twilio:       rest.Config{AccountSID: infos[0].SID, Password: infos[0].AuthToken, BaseURL: srv.URL},
		Level:        level,
		Attestations: att,
		Now:          func() time.Time { return testNow },
		Version:      "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestGolden(t *testing.T) {
	rep := neglectedReport(t)
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, format, rep); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "neglected."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (run go test -update and review the diff)", format, golden)
			}
		})
	}
	if err := Write(&bytes.Buffer{}, "pdf", rep); err == nil || !strings.Contains(err.Error(), "want one of") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestSARIFForGitHub checks what GitHub code scanning requires of an
// upload: version 2.1.0, rules for every result, and a non-empty,
// repository-relative artifact location and a fingerprint on each result.
func TestSARIFForGitHub(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, neglectedReport(t)); err != nil {
		t.Fatal(err)
	}
	for _, p := range sarifcheck.Check(buf.Bytes()) {
		t.Error(p)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Help       map[string]any `json:"help"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Results) == 0 {
		t.Fatal("no results for a neglected account")
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help["text"] == "" || r.Properties["security-severity"] == nil {
			t.Errorf("rule %s lacks help or security-severity", r.ID)
		}
	}
	attested := false
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || r.Level != "error" {
			t.Errorf("result %s: rule index %d, level %s", r.RuleID, r.RuleIndex, r.Level)
		}
		loc := r.Locations[0].PhysicalLocation
		uri := loc.ArtifactLocation.URI
		if uri == "" || strings.Contains(uri, ":") || strings.HasPrefix(uri, "/") || loc.Region.StartLine < 1 {
			t.Errorf("result %s: location %q line %d is not repository-relative", r.RuleID, uri, loc.Region.StartLine)
		}
		attested = attested || uri == "security/twilio-attestations.yaml"
		if len(r.PartialFingerprints) == 0 {
			t.Errorf("result %s has no fingerprint", r.RuleID)
		}
	}
	if !attested {
		t.Error("no result points at the attestation it rests on")
	}
}

// TestHTMLIsSelfContained: one file, no scripts, nothing fetched.
func TestHTMLIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, neglectedReport(t)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "src=", "<link", "@import", "url(", "href=\"http"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, want := range []string{"Summary by profile level", "CIS Controls v8", "NIST 800-53 rev 5", "SOC 2", "@media print", "CRED-03", "Remediation."} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestTextGivesEveryReason: each SKIPPED and UNKNOWN line of the text
// report is followed by why, whatever made it so (--skip, the level, a
// suspended account, a missing attestation, missing rights).
func TestTextGivesEveryReason(t *testing.T) {
	rep := neglectedReportAt(t, audit.L1)
	rep.Accounts[0].Results = append(rep.Accounts[0].Results,
		audit.Result{Control: rep.Controls[0], ControlID: rep.Controls[0].ID, Status: audit.Skipped, Summary: "skipped with --skip"},
		audit.Result{Control: rep.Controls[1], ControlID: rep.Controls[1].ID, Status: audit.Unknown})
	var buf bytes.Buffer
	if err := Text(&buf, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	n := 0
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 || (f[0] != "SKIPPED" && f[0] != "UNKNOWN") {
			continue
		}
		n++
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		if !strings.HasPrefix(next, "           ") || strings.TrimSpace(next) == "" {
			t.Errorf("%q has no reason after it (next line %q)", l, next)
		}
	}
	if n < 5 {
		t.Fatalf("only %d SKIPPED/UNKNOWN lines in\n%s", n, buf.String())
	}
	for _, want := range []string{"skipped with --skip", "above the chosen level L1", "unknown: the evidence could not be had, and no reason was recorded"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q", want)
		}
	}
}
