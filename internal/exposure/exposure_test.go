package exposure

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// now is a Tuesday; "last Tuesday" is 2026-03-03.
var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func at(s string) twiliotest.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return twiliotest.At(t)
}

// normal is three weeks of a team's ordinary activity: API changes from
// its office address at 10:00, console logins at 09:00, 40 SMS a day.
func normal(days int) twiliotest.AccountSeed {
	s := twiliotest.AccountSeed{Name: "prod", FriendlyName: "Production",
		SID: "AC" + strings.Repeat("a", 32), AuthToken: strings.Repeat("1", 32),
		Keys: []twiliotest.KeySeed{{SID: "SK" + strings.Repeat("b", 32), FriendlyName: "deploy-bot"}},
		Usage: []twiliotest.UsageSeed{
			{Category: "sms", Date: twiliotest.Ago(time.Duration(days) * 24 * time.Hour), Days: days + 1, Count: 40, Price: 0.32},
			{Category: "calls", Date: twiliotest.Ago(time.Duration(days) * 24 * time.Hour), Days: days + 1, Count: 5, Price: 0.1},
		},
		Alerts: []twiliotest.AlertSeed{{ErrorCode: "20003", Date: at("2026-03-05T10:00:00Z"), Count: 2}},
	}
	for d := days; d >= 1; d-- {
		day := now.AddDate(0, 0, -d).Format(time.DateOnly)
		s.Events = append(s.Events,
			twiliotest.EventSeed{SID: evSID(d, 1), Type: "phone-number.updated", Date: at(day + "T10:00:00Z"), IP: "198.51.100.20"},
			twiliotest.EventSeed{SID: evSID(d, 2), Type: "user-session.created", Source: "web", ActorSID: "US" + strings.Repeat("c", 32), Date: at(day + "T09:00:00Z"), IP: "198.51.100.21"})
	}
	return s
}

func evSID(d, n int) string { return fmt.Sprintf("AE%030d%02d", d, n) }

// abused adds "abused from 203.0.113.7 last Tuesday": a console login
// and a new key at 03:12, 4200 SMS that day and a burst of failed logins,
// plus a subaccount created and used from the same address.
func abused() twiliotest.AccountSeed {
	s := normal(21)
	s.Events = append(s.Events,
		twiliotest.EventSeed{SID: "AE" + strings.Repeat("e", 31) + "1", Type: "user-session.created", Source: "web", ActorSID: "US" + strings.Repeat("c", 32), Date: at("2026-03-03T03:10:00Z"), IP: "203.0.113.7"},
		twiliotest.EventSeed{SID: "AE" + strings.Repeat("e", 31) + "2", Type: "account-api-keys.created", Date: at("2026-03-03T03:12:00Z"), IP: "203.0.113.7", ResourceKey: "backup-sync"})
	s.Keys = append(s.Keys, twiliotest.KeySeed{SID: "SK" + strings.Repeat("9", 32), FriendlyName: "backup-sync"})
	s.Usage = append(s.Usage, twiliotest.UsageSeed{Category: "sms", Date: at("2026-03-03T00:00:00Z"), Count: 4160, Price: 33.28})
	s.Alerts = append(s.Alerts, twiliotest.AlertSeed{SID: "NO" + strings.Repeat("f", 32), ErrorCode: "20003", Date: at("2026-03-03T02:40:00Z"), Count: 25})
	s.Subaccounts = []twiliotest.AccountSeed{{Name: "staging", SID: "AC" + strings.Repeat("d", 32), AuthToken: strings.Repeat("2", 32),
		Events: []twiliotest.EventSeed{{SID: "AE" + strings.Repeat("e", 31) + "3", Type: "account-api-keys.created", Date: at("2026-03-03T03:15:00Z"), IP: "203.0.113.7"}}}}
	return s
}

func report(t *testing.T, seed twiliotest.AccountSeed, o Options) *Report {
	t.Helper()
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(now).Now, Rand: rand.NewChaCha8([32]byte{7})})
	acct := srv.AddAccount(seed)
	mk := func(sid string, tok vigil.Secret) (*rest.Client, error) {
		return rest.New(rest.Config{AccountSID: sid, Password: tok, BaseURL: srv.URL})
	}
	c, _ := mk(acct.SID, acct.AuthToken)
	if o.Since.IsZero() {
		o.Since = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	}
	o.Until = now
	o.Defaults()
	d, err := (&Fetcher{Client: c, ClientFor: mk}).Fetch(context.Background(), o.Since.Add(-o.Baseline), o.Until)
	if err != nil {
		t.Fatal(err)
	}
	return Analyze(d, o)
}

func TestAbusedAccount(t *testing.T) {
	rep := report(t, abused(), Options{})
	if !rep.Misuse || rep.Incomplete {
		t.Fatalf("misuse %v incomplete %v: %+v", rep.Misuse, rep.Incomplete, rep.Notes)
	}
	want := map[string][]string{
		"AE" + strings.Repeat("e", 31) + "1": {KindLogin, KindUnknownIP, KindUnusualHour},
		"AE" + strings.Repeat("e", 31) + "2": {KindCredential, KindUnknownIP, KindUnusualHour},
		"AE" + strings.Repeat("e", 31) + "3": {KindCredential, KindUnknownIP, KindUnusualHour},
		"NO" + strings.Repeat("f", 32):       {KindAuthFailures},
		"/2010-04-01/Accounts/AC" + strings.Repeat("a", 32) + "/Usage/Records/Daily.json?Category=sms&StartDate=2026-03-03&EndDate=2026-03-03":        {KindUsageSpike},
		"/2010-04-01/Accounts/AC" + strings.Repeat("a", 32) + "/Usage/Records/Daily.json?Category=totalprice&StartDate=2026-03-03&EndDate=2026-03-03": {KindUsageSpike},
	}
	got := map[string][]string{}
	for _, f := range rep.Findings {
		if f.Misuse {
			got[f.Ref] = f.Kinds
		}
	}
	for ref, kinds := range want {
		if strings.Join(got[ref], ",") != strings.Join(kinds, ",") {
			t.Errorf("%s: kinds %v, want %v", ref, got[ref], kinds)
		}
	}
	if len(got) != len(want) {
		t.Errorf("misuse findings %v, want %d", got, len(want))
	}
	// The key the attacker created is named, with how to delete it.
	for _, f := range rep.Findings {
		if f.Ref == "AE"+strings.Repeat("e", 31)+"2" && (f.Resource != `key SK`+strings.Repeat("9", 32)+` ("backup-sync")` ||
			!strings.Contains(f.Action, "keys:remove --sid SK"+strings.Repeat("9", 32))) {
			t.Errorf("the created key is not named: resource %q, action %q", f.Resource, f.Action)
		}
	}
	golden(t, "abused.txt", rep)
}

func TestCleanAccount(t *testing.T) {
	rep := report(t, normal(21), Options{})
	if rep.Misuse || rep.Incomplete {
		var b bytes.Buffer
		_ = rep.Text(&b)
		t.Fatalf("false alarm on a clean account:\n%s", b.String())
	}
	if rep.EventsChecked == 0 {
		t.Error("no events were checked")
	}
	golden(t, "clean.txt", rep)
}

func TestCredentialFilterAndKnownIPs(t *testing.T) {
	rep := report(t, abused(), Options{Credential: "US" + strings.Repeat("c", 32), KnownIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}})
	for _, f := range rep.Findings {
		if f.Actor != "" && f.Actor != "US"+strings.Repeat("c", 32) {
			t.Errorf("finding for another actor: %+v", f)
		}
		for _, k := range f.Kinds {
			if k == KindUnknownIP {
				t.Errorf("203.0.113.7 is known by --known-ips, yet: %+v", f)
			}
		}
	}
	if !rep.Misuse { // the 03:10 login is still at an unusual hour
		t.Error("want misuse")
	}
}

func TestNoBaseline(t *testing.T) {
	// Everything happened in the window: addresses cannot be judged.
	rep := report(t, abused(), Options{Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if !rep.Incomplete || !strings.Contains(strings.Join(rep.Notes, "\n"), "give --known-ips") {
		t.Errorf("notes %v", rep.Notes)
	}
}

func golden(t *testing.T, name string, rep *Report) {
	t.Helper()
	var b bytes.Buffer
	if err := rep.Text(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", name)
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("%s differs (run with -update):\n%s", name, b.String())
	}
	var j bytes.Buffer
	if err := rep.JSON(&j); err != nil || !json.Valid(j.Bytes()) {
		t.Errorf("JSON: %v", err)
	}
}

// TestSMSSpikeFromDetailedCategories reproduces issue 19: usage recorded
// as sms-outbound (as Twilio records it) must show as an SMS spike, not
// only as a price spike.
func TestSMSSpikeFromDetailedCategories(t *testing.T) {
	s := twiliotest.AccountSeed{SID: "AC" + strings.Repeat("a", 32), AuthToken: strings.Repeat("1", 32),
		Usage: []twiliotest.UsageSeed{
			{Category: "sms-outbound-longcode", Date: at("2026-02-10T00:00:00Z"), Days: 20, Count: 40, Price: 0.32},
			{Category: "sms-outbound-longcode", Date: at("2026-03-03T00:00:00Z"), Count: 4160, Price: 33.28},
		}}
	rep := report(t, s, Options{KnownIPs: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}})
	var types []string
	for _, f := range rep.Findings {
		if slices.Contains(f.Kinds, KindUsageSpike) {
			types = append(types, f.Type)
		}
	}
	if !slices.Contains(types, "sms") {
		t.Errorf("usage spikes %v, want an sms spike", types)
	}
}
