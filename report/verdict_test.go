package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

func verdictReport() *Report {
	mk := func(conf vigil.Confidence, v vigil.Verdict) vigil.Finding {
		return vigil.Finding{RuleID: "twilio-auth-token", Provider: "twilio", Description: "Twilio Auth Token",
			Secret: vigil.NewSecret("0123456789abcdef0123456789abcdef"), Confidence: conf, Verdict: v,
			Origin: vigil.Origin{Path: "app.env", Line: 2, Column: 19}}
	}
	return &Report{Findings: []vigil.Finding{
		mk(vigil.Low, vigil.Verdict{Status: vigil.Valid, Facts: map[string]string{"account_name": "Acme"}}),
		mk(vigil.High, vigil.Verdict{Status: vigil.Invalid, Reason: "HTTP 401, Twilio error 20003"}),
		mk(vigil.High, vigil.Verdict{Status: vigil.Unknown, Reason: "timeout"}),
		mk(vigil.Medium, vigil.Verdict{Status: vigil.NotVerified, Reason: "no Account SID found nearby"}),
	}, Stats: vigil.Stats{Items: 1}, NotLive: 3, NotLiveUnknown: 1}
}

func TestSummaryVerdicts(t *testing.T) {
	var b bytes.Buffer
	Summary(&b, verdictReport())
	for _, want := range []string{
		"vigil: 4 findings (1 LIVE, 2 high, 1 medium, 1 low)",
		"vigil: verified: 1 live, 1 invalid, 1 unknown, 1 not verifiable",
		"vigil: 3 findings not shown: not verified live (--only-verified); 1 of them could not be verified (unknown)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}

func TestTextVerdicts(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, verdictReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"verified: LIVE — account_name=Acme", "verified: invalid (HTTP 401, Twilio error 20003)",
		"verified: unknown (timeout)", "verified: not verifiable (no Account SID found nearby)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSARIFVerdicts(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, verdictReport()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Level      string         `json:"level"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	// A live credential is an error even at low confidence; an invalid
	// one is a note.
	if res[0].Level != "error" || res[1].Level != "note" || res[0].Properties["verdict"] != "valid" {
		t.Fatalf("results: %+v", res)
	}
	if res[2].Properties["verdictReason"] != "timeout" || res[0].Properties["verdictFacts"] == nil {
		t.Fatalf("properties: %+v", res)
	}
	if strings.Contains(b.String(), "0123456789abcdef0123456789abcdef") {
		t.Fatal("secret in SARIF")
	}
}

func TestReadJSON(t *testing.T) {
	var b bytes.Buffer
	r := verdictReport()
	r.ShowSecrets = true
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(b.Bytes())
	if err != nil || len(got.Findings) != 4 || got.Findings[0].Verdict.Status != "valid" || got.Findings[0].Redacted {
		t.Fatalf("%+v, %v", got, err)
	}
	if line := FindingLine(b.Bytes(), 1); !strings.HasPrefix(strings.Split(b.String(), "\n")[line-1], "    {") {
		t.Fatalf("finding 2 at line %d", line)
	}
	for in, want := range map[string]string{
		"":                                     "empty file",
		"{\n\"tool\": \"vigil\",\n":            "line 3: unexpected end of file",
		`{"tool":"vigil","schema_version":99}`: "newer",
		`{"tool":"gitleaks"}`:                  "not a vigil JSON report",
		"{\n\"findings\": [\n {\"rule\": 7}]}": "line 3: field findings.rule",
	} {
		if _, err := ReadJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"tool":"vigil","schema_version":1,"findings":[{"rule":"x","secret":"s","parts":{"a":"b"}}]}`))
	f.Add([]byte(`{"findings":[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadJSON(data)
		if err == nil && r == nil {
			t.Fatal("nil report without error")
		}
		_ = FindingLine(data, 3)
	})
}
