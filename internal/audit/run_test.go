package audit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

func TestHardenedAccountPassesEverything(t *testing.T) {
	hooks := hookServer(t, true)
	f := newFixture(t, "hardened", hooks.URL)
	o := f.options(t)
	o.Attestations = loadAttest(t, "hardened-attest.yaml")
	o.ProbeWebhooks, o.ProbeClient = true, hooks.Client()
	o.Project = projectDir(t, true)
	rep := mustRun(t, o)
	if len(rep.Accounts) != 3 {
		t.Fatalf("audited %d accounts, want the main account and 2 subaccounts", len(rep.Accounts))
	}
	for _, a := range rep.Accounts {
		if len(a.Errors) > 0 {
			t.Errorf("%s: errors %v", a.Account.SID, a.Errors)
		}
		for _, r := range a.Results {
			if r.Status != Pass {
				t.Errorf("%s %s: %s: %s", a.Account.FriendlyName, r.ControlID, r.Status, r.Summary)
			}
		}
	}
	if rep.Failed() || rep.Incomplete() || len(rep.Notices) > 0 {
		t.Errorf("failed %v incomplete %v notices %v", rep.Failed(), rep.Incomplete(), rep.Notices)
	}
	if r := find(t, rep, sid('a'), "HOOK-02"); !strings.Contains(r.Summary, "refused an unsigned request") {
		t.Errorf("HOOK-02 should rest on the probe: %s", r.Summary)
	}
}

func TestNeglectedAccountFailsEachControl(t *testing.T) {
	hooks := hookServer(t, false)
	f := newFixture(t, "neglected", hooks.URL)
	o := f.options(t)
	o.Attestations = loadAttest(t, "neglected-attest.yaml")
	o.ProbeWebhooks, o.ProbeClient = true, hooks.Client()
	o.Project = projectDir(t, false)
	rep := mustRun(t, o)
	main, idle := sid('d'), sid('e')
	for _, tt := range []struct{ account, control, why string }{
		{main, "AUTH-01", "attested as not in place"},
		{main, "AUTH-02", "attested as not in place"},
		{main, "AUTH-03", "attested as not in place"},
		{main, "ACC-01", "attested as not in place"},
		{main, "ACC-02", "7 attested by Jo Doe on 2026-03-01: more than 3"},
		{main, "ACC-03", "attested as not in place"},
		{idle, "ACC-04", "active, but no traffic since 2025-12-10"},
		{main, "CRED-01", "attested as not in place"},
		{idle, "CRED-01", "no API keys"},
		{main, "CRED-02", "12 of 12 API keys are not Restricted"},
		{main, "CRED-03", "12 of 12 API keys are older than 90d"},
		{main, "CRED-04", "last rotated on 2025-02-03, 400d ago"},
		{main, "CRED-05", "created on 2026-02-08 was never promoted or deleted"},
		{main, "CRED-06", "12 API keys, more than 10"},
		{main, "CRED-07", "11 API keys show no activity"},
		{main, "HOOK-01", "1 of 2 webhook URLs do not use HTTPS"},
		{main, "HOOK-02", "accepted an unsigned request"},
		{main, "HOOK-03", "attested as not in place"},
		{main, "FRAUD-01", "2 countries allow high-risk"},
		{main, "FRAUD-02", "no usage trigger alerts on spend"},
		{idle, "FRAUD-02", "no usage trigger"},
		{main, "FRAUD-03", "no Public Key Client Validation key"},
		{main, "CODE-01", "on an unsupported major (1)"},
	} {
		r := find(t, rep, tt.account, tt.control)
		if r.Status != Fail || !strings.Contains(r.Summary, tt.why) {
			t.Errorf("%s on %s: %s %q; want fail %q", tt.control, tt.account, r.Status, r.Summary, tt.why)
		}
	}
	for _, c := range Builtin().Controls {
		failed := false
		for _, a := range rep.Accounts {
			for _, r := range a.Results {
				failed = failed || (r.ControlID == c.ID && r.Status == Fail)
			}
		}
		if !failed {
			t.Errorf("%s did not fail on any account of the neglected fixture", c.ID)
		}
	}
	if !rep.Failed() {
		t.Error("Failed() = false")
	}
}

// TestMixedAccountWithSubaccounts: a subaccount whose phone numbers answer
// 500 is reported and the others are still audited; a suspended one is
// skipped but for ACC-04.
func TestMixedAccountWithSubaccounts(t *testing.T) {
	f := newFixture(t, "mixed", "")
	f.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Path: "/2010-04-01/Accounts/" + sid('2') + "/IncomingPhoneNumbers.json"})
	o := f.options(t)
	o.Level = L2
	rep := mustRun(t, o)
	if len(rep.Accounts) != 4 {
		t.Fatalf("audited %d accounts, want 4", len(rep.Accounts))
	}
	broken := rep.Accounts[2]
	if broken.Account.SID != sid('2') || len(broken.Errors) != 1 || !strings.Contains(broken.Errors[0], "phone numbers: twilio 500/20500") {
		t.Errorf("broken subaccount errors: %q", broken.Errors)
	}
	if !rep.Incomplete() || !rep.Failed() {
		t.Errorf("incomplete %v failed %v", rep.Incomplete(), rep.Failed())
	}
	for _, tt := range []struct {
		account, control string
		status           Status
		why              string
	}{
		{sid('2'), "HOOK-01", Unknown, "could not read phone numbers"},
		{sid('2'), "FRAUD-02", Fail, "no usage trigger"},
		{sid('1'), "CRED-03", Pass, "1 API keys, none older than 90d"},
		{sid('1'), "ACC-04", Pass, "traffic in 2 usage categories"}, // calls-outbound, and calls, which Twilio rolls it into
		{sid('3'), "ACC-04", Pass, "the subaccount is suspended"},
		{sid('3'), "CRED-03", Skipped, "the account is suspended"},
		{sid('f'), "HOOK-01", Fail, "http://legacy.example.com/sms"},
		{sid('f'), "FRAUD-02", Fail, "1 other triggers"},
		{sid('f'), "CRED-02", Fail, "1 of 2 API keys"},
		{sid('f'), "ACC-03", Unknown, "2 active subaccounts exist"},
		{sid('f'), "AUTH-01", Unknown, "no attestation"},
		{sid('f'), "FRAUD-03", Skipped, "above the chosen level L2"},
	} {
		r := find(t, rep, tt.account, tt.control)
		text := r.Summary
		for _, e := range r.Evidence {
			text += " " + e.Value
		}
		if r.Status != tt.status || !strings.Contains(text, tt.why) {
			t.Errorf("%s on %s: %s %q; want %s %q", tt.control, tt.account, r.Status, text, tt.status, tt.why)
		}
	}
}

// TestStandardKey: a Standard key cannot list accounts or keys; the audit
// says so, audits its own account and marks those controls unknown.
func TestStandardKey(t *testing.T) {
	f := newFixture(t, "mixed", "")
	key, err := f.srv.AddKey(sid('f'), twiliotest.KeySeed{FriendlyName: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	o := f.options(t)
	o.Twilio.Username, o.Twilio.Password = key.SID, key.Secret
	rep := mustRun(t, o)
	if len(rep.Accounts) != 1 || len(rep.Notices) == 0 || !strings.Contains(rep.Notices[0], "could not list accounts") ||
		!strings.Contains(rep.Notices[0], "Standard and Restricted API keys") {
		t.Fatalf("accounts %d, notices %q", len(rep.Accounts), rep.Notices)
	}
	for _, c := range []string{"CRED-01", "CRED-02", "CRED-03", "CRED-06", "ACC-03"} {
		r := find(t, rep, sid('f'), c)
		if r.Status != Unknown || !strings.Contains(r.Summary, "Auth Token or a Main key") {
			t.Errorf("%s: %s %q", c, r.Status, r.Summary)
		}
	}
	if r := find(t, rep, sid('f'), "HOOK-01"); r.Status != Fail {
		t.Errorf("HOOK-01 still readable with a Standard key: %s %s", r.Status, r.Summary)
	}
	if rep.Incomplete() {
		t.Errorf("missing rights are not errors: %v", rep.Accounts[0].Errors)
	}
}

func TestRefusedCredentials(t *testing.T) {
	f := newFixture(t, "mixed", "")
	o := f.options(t)
	o.Twilio.Password = f.accounts[1].AuthToken // another account's token
	_, err := Run(context.Background(), o)
	if !errors.Is(err, ErrCredentials) {
		t.Fatalf("err = %v, want ErrCredentials", err)
	}
}

func TestRateLimitIsRetried(t *testing.T) {
	f := newFixture(t, "hardened", "")
	h := f.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultRateLimit, Host: twiliotest.HostIAM, Times: 3})
	o := f.options(t)
	o.Concurrency = 2
	rep := mustRun(t, o)
	if h.Hits() != 3 || rep.Incomplete() {
		t.Errorf("hits %d, errors %v", h.Hits(), rep.Accounts[0].Errors)
	}
}

func TestUnknownSkip(t *testing.T) {
	f := newFixture(t, "hardened", "")
	o := f.options(t)
	o.Skip = []string{"cred-03", "NOPE-01"}
	_, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), `unknown control "NOPE-01"`) {
		t.Fatalf("err = %v", err)
	}
	o.Skip = []string{"cred-03"}
	rep := mustRun(t, o)
	if r := find(t, rep, sid('a'), "CRED-03"); r.Status != Skipped {
		t.Errorf("CRED-03: %s", r.Status)
	}
}
