package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// verifyFixture is an emulator with one account, a directory holding its
// credentials as a .env file, and the environment that points vigil at
// the emulator.
type verifyFixture struct {
	srv  *twiliotest.Server
	acct twiliotest.AccountInfo
	dir  string
	env  map[string]string
}

func newVerifyFixture(t *testing.T, token string) *verifyFixture {
	t.Helper()
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{FriendlyName: "Acme Production"})
	if token == "" {
		token = acct.AuthToken.Reveal()
	}
	dir := t.TempDir()
	env := "TWILIO_ACCOUNT_SID=" + acct.SID + "\nTWILIO_AUTH_TOKEN=" + token + "\n"
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	return &verifyFixture{srv: srv, acct: acct, dir: dir, env: map[string]string{rest.BaseURLEnv: srv.URL}}
}

func TestScanVerify(t *testing.T) {
	fx := newVerifyFixture(t, "")
	code, out, errOut := peopleRun(t, "", fx.env, "scan", "--no-config", "--verify", "--format", "json", fx.dir)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Verdict.Status != "valid" || rep.Findings[0].Verdict.Facts["account_name"] != "Acme Production" {
		t.Fatalf("report: %s", out)
	}
	if !strings.Contains(errOut, "1 finding (1 LIVE, 1 high)") || !strings.Contains(errOut, "1 distinct credentials, 1 requests") {
		t.Fatalf("summary: %s", errOut)
	}
	if strings.Contains(out+errOut, fx.acct.AuthToken.Reveal()) {
		t.Fatal("the token is in the output")
	}

	// The general override reaches Twilio too.
	env := map[string]string{baseURLsEnv: "github=http://127.0.0.1:9, twilio=" + fx.srv.URL}
	code, out, _ = peopleRun(t, "", env, "scan", "--no-config", "--verify", "--format", "sarif", fx.dir)
	if code != 1 || !strings.Contains(out, `"level": "error"`) || !strings.Contains(out, "verified LIVE") {
		t.Fatalf("exit %d, SARIF:\n%s", code, out)
	}
	code, out, _ = peopleRun(t, "", fx.env, "scan", "--no-config", "--verify", fx.dir)
	if code != 1 || !strings.Contains(out, "verified: LIVE — account="+fx.acct.SID) {
		t.Fatalf("exit %d, text:\n%s", code, out)
	}
}

func TestScanOnlyVerified(t *testing.T) {
	// An invalid token: nothing live, nothing to report, exit 0.
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	fx := newVerifyFixture(t, hex.EncodeToString(b))
	code, out, errOut := peopleRun(t, "", fx.env, "scan", "--no-config", "--only-verified", fx.dir)
	if code != 0 || out != "" || !strings.Contains(errOut, "1 findings not shown: not verified live") {
		t.Fatalf("exit %d, out %q, err %s", code, out, errOut)
	}

	// Twilio unavailable: the verdict is unknown, so the run is not a pass.
	fx = newVerifyFixture(t, "")
	fx.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 503})
	code, _, errOut = peopleRun(t, "", fx.env, "scan", "--no-config", "--only-verified", fx.dir)
	if code != 3 || !strings.Contains(errOut, "1 of them could not be verified (unknown)") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, _ = peopleRun(t, "", fx.env, "scan", "--no-config", "--verify", fx.dir)
	if code != 1 || !strings.Contains(out, "verified: unknown (HTTP 503)") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestScanVerifyFlags(t *testing.T) {
	fx := newVerifyFixture(t, "")
	for _, args := range [][]string{
		{"--verify-rate", "fast"}, {"--verify-rate", "5/h"}, {"--verify-concurrency", "0"},
		{"--verify-base-url", "twilio"}, {"--verify-base-url", "nosuch=http://127.0.0.1:1"},
	} {
		all := append([]string{"scan", "--no-config", "--verify"}, append(args, fx.dir)...)
		if code, _, errOut := peopleRun(t, "", fx.env, all...); code != 2 {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
	code, out, _ := peopleRun(t, "", nil, "scan", "--help")
	if code != 0 || !strings.Contains(out, "SENDS the credential") || strings.Contains(out, "verify-base-url") {
		t.Fatalf("help:\n%s", out)
	}
}

func TestVerifyCommand(t *testing.T) {
	fx := newVerifyFixture(t, "")
	_, out, _ := peopleRun(t, "", fx.env, "scan", "--no-config", "--format", "json", "--show-secrets", fx.dir)
	file := filepath.Join(t.TempDir(), "findings.json")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	code, got, errOut := peopleRun(t, "", fx.env, "verify", "--format", "json", file)
	if code != 1 || !strings.Contains(got, `"status": "valid"`) || strings.Contains(got, fx.acct.AuthToken.Reveal()) {
		t.Fatalf("exit %d: %s\n%s", code, got, errOut)
	}
	// From stdin, after the token was rotated away.
	fx.srv.ResetRequests()
	if err := fx.srv.SetStatus(fx.acct.SID, "closed"); err != nil {
		t.Fatal(err)
	}
	code, got, _ = peopleRun(t, out, fx.env, "verify", "--only-verified", "-")
	if code != 0 || got != "" || fx.srv.RequestCount(nil) != 1 {
		t.Fatalf("exit %d, %d requests: %s", code, fx.srv.RequestCount(nil), got)
	}
}

func TestVerifyCommandRefuses(t *testing.T) {
	fx := newVerifyFixture(t, "")
	_, redacted, _ := peopleRun(t, "", fx.env, "scan", "--no-config", "--format", "json", fx.dir)
	_, clear, _ := peopleRun(t, "", fx.env, "scan", "--no-config", "--format", "json", "--show-secrets", fx.dir)
	edited := strings.Replace(clear, fx.acct.AuthToken.Reveal()[:8], "00000000", 1)
	dir := t.TempDir()
	for _, tt := range []struct{ name, content, want string }{
		{"redacted.json", redacted, "redacted.json:" + strconv.Itoa(report.FindingLine([]byte(redacted), 0)) + ": finding 1 (twilio-auth-token): the secret is redacted"},
		{"broken.json", "{\n  \"schema_version\": 1,\n  \"findings\": [\n    {\"rule\": }\n  ]\n}\n", "broken.json: line 4: invalid character '}'"},
		{"other.json", `{"findings": []}`, "not a vigil JSON report"},
		{"edited.json", edited, "does not match the fingerprint"},
		{"empty.json", "", "empty file"},
	} {
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := peopleRun(t, "", fx.env, "verify", p)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d: %s", tt.name, code, errOut)
		}
	}
	if code, _, errOut := peopleRun(t, "", fx.env, "verify", filepath.Join(dir, "missing.json")); code != 2 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: exit %d: %s", code, errOut)
	}
	if fx.srv.RequestCount(nil) != 0 {
		t.Fatalf("%d requests for reports that cannot be verified", fx.srv.RequestCount(nil))
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := peopleRun(t, "", nil, "rules")
	if code != 0 || !strings.Contains(out, "twilio-auth-token") || !strings.Contains(out, "yes (twilio)") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = peopleRun(t, "", nil, "rules", "--verifiers")
	if code != 0 || !strings.Contains(out, "https://api.twilio.com/2010-04-01/Accounts/{AccountSid}.json") || !strings.Contains(out, "\nmonitor.twilio.com\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = peopleRun(t, "", nil, "rules", "--verifiers", "--all", "--format", "json")
	var got struct {
		Endpoints []endpointRow `json:"endpoints"`
		Hosts     []string      `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || len(got.Hosts) < 30 || !strings.Contains(out, `"*.api.mailchimp.com"`) {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if code, _, _ := peopleRun(t, "", nil, "rules", "--format", "xml"); code != 2 {
		t.Fatalf("bad format: exit %d", code)
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"5", "5/s", "300/m", "0", "0.5/s", "-1", "x/s", "5/h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := parseRate(s); err == nil && r == 0 {
			t.Fatalf("%q: rate 0 means no limit and must be negative", s)
		}
	})
}

// FuzzFindingsFromReport: any report is read or refused with a message
// naming the file, never a crash.
func FuzzFindingsFromReport(f *testing.F) {
	f.Add([]byte(`{"tool":"vigil","schema_version":1,"findings":[{"rule":"r","secret":"s","confidence":"high","redacted":false,"parts":{"account_sid":"AC"}}]}`))
	f.Add([]byte(`{"tool":"vigil","schema_version":1,"findings":[{"rule":"r","secret":"s****(9)","redacted":true}]}`))
	f.Add([]byte("{\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := findingsFromReport("r.json", data); err != nil && !strings.Contains(err.Error(), "r.json") {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}
