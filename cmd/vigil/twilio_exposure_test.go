package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// exposureEnv seeds an account with two weeks of ordinary API activity
// from 198.51.100.20 at 10:00, and, if abused, a key created from
// 203.0.113.7 at 03:12 on 2026-03-03.
func exposureEnv(t *testing.T, abused bool) map[string]string {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(now).Now})
	seed := twiliotest.AccountSeed{Usage: []twiliotest.UsageSeed{{Category: "sms", Date: twiliotest.Ago(20 * 24 * time.Hour), Days: 21, Count: 30, Price: 0.2}}}
	for d := 20; d >= 1; d-- {
		seed.Events = append(seed.Events, twiliotest.EventSeed{Type: "phone-number.updated", IP: "198.51.100.20",
			Date: twiliotest.At(time.Date(2026, 3, 10-d, 10, 0, 0, 0, time.UTC))})
	}
	if abused {
		seed.Events = append(seed.Events, twiliotest.EventSeed{SID: "AE" + strings.Repeat("e", 32), Type: "account-api-keys.created",
			IP: "203.0.113.7", Date: twiliotest.At(time.Date(2026, 3, 3, 3, 12, 0, 0, time.UTC))})
	}
	acct := srv.AddAccount(seed)
	return map[string]string{"TWILIO_ACCOUNT_SID": acct.SID, "TWILIO_AUTH_TOKEN": acct.AuthToken.Reveal(), rest.BaseURLEnv: srv.URL}
}

func TestExposureCommand(t *testing.T) {
	window := []string{"twilio", "exposure", "--since", "2026-03-02", "--until", "2026-03-10T12:00:00Z"}
	code, out, errOut := peopleRun(t, "", exposureEnv(t, false), window...)
	if code != 0 || !strings.Contains(out, "no evidence of misuse") {
		t.Fatalf("clean account: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = peopleRun(t, "", exposureEnv(t, true), append(window, "--format", "json")...)
	if code != 1 {
		t.Fatalf("abused account: exit %d, want 1\n%s%s", code, out, errOut)
	}
	var rep struct {
		Misuse   bool
		Findings []struct {
			Ref   string
			IP    string
			Kinds []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Misuse || len(rep.Findings) != 1 ||
		rep.Findings[0].Ref != "AE"+strings.Repeat("e", 32) || rep.Findings[0].IP != "203.0.113.7" {
		t.Fatalf("report %+v (%v):\n%s", rep, err, out)
	}
	// The same address, declared known: only the hour is odd.
	code, out, _ = peopleRun(t, "", exposureEnv(t, true), append(window, "--known-ips", "203.0.113.0/24", "--work-hours", "0-24")...)
	if code != 0 {
		t.Errorf("known address, any hour: exit %d\n%s", code, out)
	}
}

func TestExposureCommandBadInput(t *testing.T) {
	env := exposureEnv(t, false)
	for _, tt := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{}, "--since is required", 2},
		{[]string{"--since", "tuesday"}, `--since: date "tuesday"`, 2},
		{[]string{"--since", "2026-03-05", "--until", "2026-03-01"}, "is not after", 2},
		{[]string{"--since", "7d", "--known-ips", "203.0.113"}, "--known-ips", 2},
		{[]string{"--since", "7d", "--credential", "SK12"}, "--credential", 2},
		{[]string{"--since", "7d", "--timezone", "Mars/Olympus"}, "--timezone", 2},
		{[]string{"--since", "7d", "--format", "xml"}, "--format", 2},
	} {
		code, _, errOut := peopleRun(t, "", env, append([]string{"twilio", "exposure"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q, want %d %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	env["TWILIO_AUTH_TOKEN"] = strings.Repeat("0", 32)
	code, _, errOut := peopleRun(t, "", env, "twilio", "exposure", "--since", "2026-03-02", "--until", "2026-03-10")
	if code != 3 || !strings.Contains(errOut, "credentials were refused") {
		t.Errorf("wrong token: exit %d %s", code, errOut)
	}
}
