package twiliotest_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestUsageRollUps checks that usage seeded in detailed categories also
// shows in the categories Twilio rolls it into ("sms" for every SMS,
// "calls" for every call leg), without counting a seeded parent twice.
func TestUsageRollUps(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(now).Now})
	acct := srv.AddAccount(twiliotest.AccountSeed{Usage: []twiliotest.UsageSeed{
		{Category: "sms-outbound-longcode", Count: 100, Price: 0.79},
		{Category: "sms-outbound-shortcode", Count: 20, Price: 0.2},
		{Category: "sms-inbound", Count: 5},
		{Category: "calls-inbound-tollfree", Count: 3, Price: 0.1},
		{Category: "calls-outbound", Count: 4, Price: 0.2},
		{Category: "mms", Count: 7}, // seeded itself: nothing rolls into it
		{Category: "mms-outbound", Count: 7},
	}})
	c := cred{acct.SID, acct.AuthToken.Reveal()}
	for _, tt := range []struct {
		category string
		count    string
	}{
		{"sms", "125"}, {"sms-outbound", "120"}, {"sms-outbound-longcode", "100"}, {"sms-inbound", "5"},
		{"calls", "7"}, {"calls-inbound", "3"}, {"mms", "7"}, {"lookups", ""},
	} {
		a := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID+"/Usage/Records/Today.json", c, url.Values{"Category": {tt.category}})
		recs, _ := a.body["usage_records"].([]any)
		got := ""
		if len(recs) == 1 {
			got, _ = recs[0].(map[string]any)["count"].(string)
		}
		if a.status != 200 || got != tt.count {
			t.Errorf("Category=%s: status %d, count %q, want %q (%d records)", tt.category, a.status, got, tt.count, len(recs))
		}
	}
	if cats := twiliotest.UsageCategories(); len(cats) != 249 || !slices.Contains(cats, "sms-outbound") || !slices.IsSorted(cats) {
		t.Errorf("%d categories", len(cats))
	}
}
