package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// auditEmulator serves internal/audit/testdata/NAME.yaml on the wall
// clock (the command's own), with the hook placeholder host replaced.
func auditEmulator(t *testing.T, name, hooks string) (*twiliotest.Server, map[string]string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "audit", "testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if hooks != "" {
		data = []byte(strings.ReplaceAll(string(data), "https://hooks.example", hooks))
	}
	seed, err := twiliotest.ParseSeed(data)
	if err != nil {
		t.Fatal(err)
	}
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	infos, err := srv.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TWILIO_ACCOUNT_SID": infos[0].SID, "TWILIO_AUTH_TOKEN": infos[0].AuthToken.Reveal(), rest.BaseURLEnv: srv.URL}
	return srv, env
}

// attestAll writes an attestation file that passes every attested control,
// dated ten days ago.
func attestAll(t *testing.T) string {
	t.Helper()
	date := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	var b strings.Builder
	b.WriteString("attestations:\n")
	for _, c := range []string{"AUTH-01", "AUTH-02", "AUTH-03", "ACC-01", "ACC-03", "CRED-01", "HOOK-02", "HOOK-03"} {
		fmt.Fprintf(&b, "  - {control: %s, by: Jane Roe, date: %s, evidence: https://wiki.example.com/%s, value: true}\n", c, date, c)
	}
	fmt.Fprintf(&b, "  - {control: ACC-02, by: Jane Roe, date: %s, evidence: https://wiki.example.com/admins, value: 2}\n", date)
	return writePeopleFile(t, "attest.yaml", b.String())
}

func TestTwilioAuditHardened(t *testing.T) {
	_, env := auditEmulator(t, "hardened", "")
	code, out, errOut := peopleRun(t, "", env, "twilio", "audit", "--level", "L3", "--attest", attestAll(t))
	if code != exitClean || !strings.Contains(out, "PASSED: no control at or below L3 failed") || strings.Contains(out, "FAIL ") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestTwilioAuditProject: --project judges the app's helper libraries
// (CODE-01); a current project keeps a hardened account passing, one on
// an unsupported major fails it.
func TestTwilioAuditProject(t *testing.T) {
	_, env := auditEmulator(t, "hardened", "")
	current := sdkProject(t, nil)
	code, out, errOut := peopleRun(t, "", env, "twilio", "audit", "--attest", attestAll(t), "--project", current)
	if code != exitClean || !strings.Contains(out, "PASS     CODE-01") {
		t.Errorf("current: exit %d\n%s\n%s", code, out, errOut)
	}
	old := sdkProject(t, map[string]string{"web/package-lock.json": `{"packages": {"node_modules/twilio": {"version": "4.23.0"}}}`})
	code, out, errOut = peopleRun(t, "", env, "twilio", "audit", "--attest", attestAll(t), "--project", old)
	if code != exitFindings || !strings.Contains(out, "FAIL     CODE-01") || !strings.Contains(out, "on an unsupported major (1)") {
		t.Errorf("old: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestTwilioAuditNeglected(t *testing.T) {
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<Response/>") }))
	defer hooks.Close()
	_, env := auditEmulator(t, "neglected", hooks.URL)
	code, out, errOut := peopleRun(t, "", env, "twilio", "audit", "--level", "L2", "--format", "json", "--probe-webhooks")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	var rep struct {
		Summary struct {
			Failed bool `json:"failed"`
		} `json:"summary"`
		Accounts []struct {
			Results []struct {
				Control, Status, Summary string
			} `json:"results"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	hook02 := ""
	for _, r := range rep.Accounts[0].Results {
		if r.Control == "HOOK-02" {
			hook02 = r.Status + ": " + r.Summary
		}
	}
	if !rep.Summary.Failed || len(rep.Accounts) != 2 || !strings.Contains(hook02, "fail: 1 webhook endpoints accepted an unsigned request") {
		t.Errorf("failed %v, %d accounts, HOOK-02 %q", rep.Summary.Failed, len(rep.Accounts), hook02)
	}
}

// TestTwilioAuditStandardKey: the key cannot list accounts or keys; the
// run says so and still finishes.
func TestTwilioAuditStandardKey(t *testing.T) {
	srv, env := auditEmulator(t, "hardened", "")
	key, err := srv.AddKey(env["TWILIO_ACCOUNT_SID"], twiliotest.KeySeed{FriendlyName: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	delete(env, "TWILIO_AUTH_TOKEN")
	env["TWILIO_API_KEY"], env["TWILIO_API_SECRET"] = key.SID, key.Secret.Reveal()
	code, out, errOut := peopleRun(t, "", env, "twilio", "audit")
	if code != exitClean || !strings.Contains(errOut, "could not list accounts") || !strings.Contains(errOut, "Auth Token or a Main key") ||
		!strings.Contains(out, "UNKNOWN  CRED-03") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestTwilioAuditSubaccountError: a subaccount answering 500 is reported,
// the others are audited, and the run is incomplete (exit 3).
func TestTwilioAuditSubaccountError(t *testing.T) {
	srv, env := auditEmulator(t, "hardened", "")
	prod := "AC" + strings.Repeat("b", 32)
	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Path: "/2010-04-01/Accounts/" + prod + "/IncomingPhoneNumbers.json"})
	out := filepath.Join(t.TempDir(), "audit.md")
	code, _, errOut := peopleRun(t, "", env, "twilio", "audit", "--level", "L3", "--attest", attestAll(t), "--format", "markdown", "--output", out)
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if code != exitRuntime || !strings.Contains(errOut, prod+": could not read phone numbers: twilio 500") ||
		!strings.Contains(errOut, "incomplete") || !strings.Contains(string(report), "## Acme Development") {
		t.Fatalf("exit %d\nstderr:\n%s\nreport:\n%s", code, errOut, report)
	}
}

func TestTwilioAuditBadInput(t *testing.T) {
	_, env := auditEmulator(t, "hardened", "")
	badAttest := writePeopleFile(t, "bad.yaml", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: perhaps\n")
	elsewhere := writePeopleFile(t, "elsewhere.yaml", "attestations:\n  - {control: AUTH-01, by: Jo, date: 2026-01-02, evidence: e, value: true}\n  - {control: AUTH-02, account: AC"+strings.Repeat("9", 32)+", by: Jo, date: 2026-01-02, evidence: e, value: true}\n")
	conflicting := writePeopleFile(t, "conflict.yaml", "attestations:\n  - {control: AUTH-01, by: Jo, date: 2026-01-02, evidence: e, value: true}\n  - {control: AUTH-01, by: Al, date: 2026-01-03, evidence: e, value: false}\n")
	noCreds := map[string]string{"TWILIO_ACCOUNT_SID": env["TWILIO_ACCOUNT_SID"]}
	wrong := map[string]string{"TWILIO_ACCOUNT_SID": env["TWILIO_ACCOUNT_SID"], "TWILIO_AUTH_TOKEN": strings.Repeat("0", 32), rest.BaseURLEnv: env[rest.BaseURLEnv]}
	for _, tt := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{env, []string{"--skip", "CRED-03,NOPE-01"}, exitUsage, `--skip: unknown control "NOPE-01"`},
		{env, []string{"--attest", badAttest}, exitUsage, badAttest + ":6: field value: AUTH-01 wants true or false"},
		{env, []string{"--attest", "missing.yaml"}, exitUsage, "missing.yaml"},
		{env, []string{"--attest", elsewhere}, exitUsage, elsewhere + ":3: AUTH-02 names account AC9999"},
		{env, []string{"--attest", conflicting}, exitUsage, conflicting + ":3: AUTH-01 for every account is attested with value false here and true at line 2"},
		{env, []string{"--level", "L4"}, exitUsage, `level "L4"`},
		{env, []string{"--format", "pdf"}, exitUsage, `--format "pdf"`},
		{env, []string{"--max-key-age", "ninety"}, exitUsage, "--max-key-age"},
		{env, []string{"--concurrency", "0"}, exitUsage, "--concurrency 0"},
		{env, []string{"--project", "no/such/app"}, exitUsage, "--project: stat no/such/app"},
		{noCreds, nil, exitUsage, "no Twilio credential in the environment"},
		{map[string]string{}, nil, exitUsage, "TWILIO_ACCOUNT_SID is not set"},
		{wrong, nil, exitRuntime, "twilio refused the credentials"},
	} {
		code, _, errOut := peopleRun(t, "", tt.env, append([]string{"twilio", "audit"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestTwilioAuditControls(t *testing.T) {
	code, out, _ := peopleRun(t, "", nil, "twilio", "audit", "controls")
	if code != 0 || !strings.Contains(out, "AUTH-01  L1  main") || !strings.Contains(out, "attest value (max)") ||
		!strings.Contains(out, "guide 3.1: CIS 3.11; NIST SC-12; SOC 2 CC6.7 · vigil: CIS 6.8; NIST AC-6, AC-6(10); SOC 2 CC6.3") ||
		!strings.Contains(out, "FRAUD-01 L1  every Voice geo permissions keep high-risk and toll-fraud destinations off\n         vigil addition: CIS 4.8;") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
