package twiliotest_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func TestExampleSeedFile(t *testing.T) {
	seed, err := twiliotest.LoadSeed("../../docs/twilio-emulator-seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(t0).Now})
	infos, err := srv.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 3 || infos[0].Name != "prod" || !infos[1].IsSubaccount() || infos[2].Status != "suspended" {
		t.Fatalf("accounts = %+v", infos)
	}
	prod := infos[0]
	if len(prod.Keys) != 4 || prod.Keys[2].Type != twiliotest.KeyRestricted || prod.AuthToken.Len() != 32 {
		t.Fatalf("prod = %+v", prod)
	}
	if !prod.Keys[1].Created.Equal(t0.Add(-120 * 24 * time.Hour)) {
		t.Errorf("key created %v", prod.Keys[1].Created)
	}
	// "An account abused from 203.0.113.7 last Tuesday."
	evs := call(t, srv, "GET", twiliotest.HostMonitor, "/v1/Events", token(prod), url.Values{"EventType": {"account-api-keys.created"}})
	list := evs.body["events"].([]any)
	ev := list[0].(map[string]any)
	if len(list) != 1 || ev["source_ip_address"] != "203.0.113.7" || ev["resource_sid"] != prod.Keys[3].SID ||
		ev["event_date"] != t0.Add(-6*24*time.Hour).Format(twiliotest.ISO8601) || ev["actor_sid"] != prod.SID {
		t.Errorf("event = %v", ev)
	}
	daily := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+prod.SID+"/Usage/Records/Daily.json", token(prod),
		url.Values{"Category": {"sms-outbound"}, "StartDate": {"-6days"}, "PageSize": {"100"}})
	recs := daily.body["usage_records"].([]any)
	if len(recs) != 3 || recs[0].(map[string]any)["count"] != "9400" {
		t.Errorf("spike days = %v", recs)
	}
	cu := call(t, srv, "GET", twiliotest.HostVoice, "/v1/DialingPermissions/Countries", token(prod), url.Values{"HighRiskTollfraudNumbersEnabled": {"true"}})
	if c := cu.body["content"].([]any); len(c) != 1 || c[0].(map[string]any)["iso_code"] != "CU" {
		t.Errorf("toll-fraud countries = %v", cu.body)
	}
}

func TestParseSeedErrors(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown field", "accounts:\n  - name: a\n    sids: x\n", "line 3: unknown field sids"},
		{"bad key type", "accounts:\n  - keys:\n      - type: admin\n", `line 3: key type "admin"`},
		{"bad date", "accounts:\n  - created: yesterday\n", `line 2: date "yesterday"`},
		{"bad offset", "accounts:\n  - created: -5x\n", "line 2"},
		{"not a list", "accounts: 3\n", "line 1"},
		{"two documents", "accounts: []\n---\naccounts: []\n", "more than one YAML document"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := twiliotest.ParseSeed([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestApplyValidates(t *testing.T) {
	sid := "AC" + strings.Repeat("a", 32)
	for _, tt := range []struct {
		name string
		seed twiliotest.AccountSeed
		want string
	}{
		{"bad sid", twiliotest.AccountSeed{SID: "AC123"}, "must be AC followed by 32 hex digits"},
		{"duplicate sid", twiliotest.AccountSeed{SID: sid, Subaccounts: []twiliotest.AccountSeed{{SID: sid}}}, "used twice"},
		{"bad status", twiliotest.AccountSeed{Status: "frozen"}, "status"},
		{"restricted without policy", twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{Type: twiliotest.KeyRestricted}}}, "needs a policy"},
		{"policy on standard", twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{Policy: []string{"/twilio/x"}}}}, "only a restricted key"},
		{"nested subaccounts", twiliotest.AccountSeed{Subaccounts: []twiliotest.AccountSeed{{Subaccounts: []twiliotest.AccountSeed{{}}}}}, "cannot have subaccounts"},
		{"event without type", twiliotest.AccountSeed{Events: []twiliotest.EventSeed{{}}}, "needs a type"},
		{"event names unknown key", twiliotest.AccountSeed{Events: []twiliotest.EventSeed{{Type: "x.y", ResourceKey: "nope"}}}, "names no key"},
		{"token with symbols", twiliotest.AccountSeed{AuthToken: "a-b"}, "letters and digits"},
		{"unknown usage category", twiliotest.AccountSeed{Usage: []twiliotest.UsageSeed{{Category: "sms-sent", Count: 1}}}, "not one of Twilio's usage categories"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := twiliotest.New(twiliotest.Options{})
			_, err := e.Apply(&twiliotest.Seed{Accounts: []twiliotest.AccountSeed{tt.seed}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if len(e.Accounts()) != 0 {
				t.Error("an invalid seed left accounts behind")
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"now", t0},
		{"-90d", t0.Add(-90 * 24 * time.Hour)},
		{"-6d3h", t0.Add(-(6*24 + 3) * time.Hour)},
		{"+1w", t0.Add(7 * 24 * time.Hour)},
		{"2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"2026-01-02T03:04:05+01:00", time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)},
	} {
		got, err := twiliotest.ParseTime(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		e := twiliotest.New(twiliotest.Options{Clock: twiliotest.NewClock(t0).Now})
		infos, err := e.Apply(&twiliotest.Seed{Accounts: []twiliotest.AccountSeed{{Keys: []twiliotest.KeySeed{{Created: got}}}}})
		if err != nil {
			t.Fatal(err)
		}
		if c := infos[0].Keys[0].Created; !c.Equal(tt.want) {
			t.Errorf("%s → %v, want %v", tt.in, c, tt.want)
		}
	}
	for _, bad := range []string{"-", "-d", "-5", "-5y", "tomorrow", "-99999999999d"} {
		if _, err := twiliotest.ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) succeeded", bad)
		}
	}
}

// FuzzParseSeed: any input either parses into a seed that applies or is
// refused, or is rejected with an error — never a panic.
func FuzzParseSeed(f *testing.F) {
	f.Add([]byte("accounts:\n  - name: a\n    keys: [{type: restricted, policy: [/twilio/x]}]\n"))
	f.Add([]byte("accounts:\n  - created: -6d3h\n    events: [{type: a.b, date: 2026-01-02}]\n"))
	f.Add([]byte("accounts:\n  - usage: [{category: sms, days: 3, count: 1}]\n    subaccounts: [{}]\n"))
	f.Add([]byte(`{"accounts":[{"status":"suspended","alerts":[{"count":2}]}]}`))
	f.Add([]byte("accounts:\n  - dialing_permissions: {countries: [{iso_code: CU, high_risk_tollfraud: true}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := twiliotest.ParseSeed(data)
		if err != nil {
			return
		}
		if size(s) > 5000 { // keep fuzzed seeds (YAML aliases included) small enough to apply
			return
		}
		e := twiliotest.New(twiliotest.Options{Clock: twiliotest.NewClock(t0).Now})
		_, _ = e.Apply(s)
	})
}

func TestMarshalSeedRoundTrip(t *testing.T) {
	seed, err := twiliotest.LoadSeed("../../docs/twilio-emulator-seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := twiliotest.MarshalSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	again, err := twiliotest.ParseSeed(out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if len(again.Accounts) != 1 || len(again.Accounts[0].Keys) != 4 || again.Accounts[0].Keys[0].Created.String() != seed.Accounts[0].Keys[0].Created.String() {
		t.Errorf("round trip lost data:\n%s", out)
	}
}

// size is roughly how many objects applying a seed creates.
func size(s *twiliotest.Seed) int {
	n := 0
	var walk func(a twiliotest.AccountSeed)
	walk = func(a twiliotest.AccountSeed) {
		n += 1 + len(a.Keys) + len(a.Events) + len(a.IncomingPhoneNumbers) + len(a.Applications) +
			len(a.MessagingServices) + len(a.VerifyServices) + len(a.UsageTriggers) + len(a.PublicKeys)
		for _, u := range a.Usage {
			n += min(max(u.Days, 1), 1<<20)
		}
		for _, al := range a.Alerts {
			n += min(max(al.Count, 1), 1<<20)
		}
		if a.DialingPermissions != nil {
			n += len(a.DialingPermissions.Countries)
		}
		for _, sub := range a.Subaccounts {
			walk(sub)
		}
	}
	for _, a := range s.Accounts {
		walk(a)
	}
	return n
}

// TestSeedFaults programs faults from a seed file, as a user rehearsing a
// failure would.
func TestSeedFaults(t *testing.T) {
	seed, err := twiliotest.ParseSeed([]byte("accounts:\n  - name: prod\nfaults:\n  - {kind: hang, method: POST, path: /v1/Keys, phase: after, times: 1}\n  - {kind: rate-limit, retry_after: 2s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := seed.Faults[0].Fault()
	if err != nil || f.Kind != twiliotest.FaultHang || f.Phase != twiliotest.AfterHandling || f.Times != 1 || f.Path != "/v1/Keys" {
		t.Fatalf("fault %+v, %v", f, err)
	}
	if _, err := twiliotest.New(twiliotest.Options{}).Apply(seed); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"{kind: boom}", "{kind: hang, phase: during}", "{kind: slow, delay: soon}"} {
		s, err := twiliotest.ParseSeed([]byte("faults:\n  - " + bad + "\n"))
		if err == nil {
			_, err = twiliotest.New(twiliotest.Options{}).Apply(s)
		}
		if err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, err := twiliotest.ParseFault("hang,method=POST,phase=after,times=x"); err == nil {
		t.Error("times=x accepted")
	}
}
