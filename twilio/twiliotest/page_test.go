package twiliotest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

func manyKeys(n int) []twiliotest.KeySeed {
	keys := make([]twiliotest.KeySeed, n)
	for i := range keys {
		keys[i] = twiliotest.KeySeed{FriendlyName: "k"}
	}
	return keys
}

// TestPaginationV2010 walks a v2010 list by next_page_uri and back by
// previous_page_uri, and checks a bad PageToken is 21481.
func TestPaginationV2010(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: manyKeys(5)})
	path := "/2010-04-01/Accounts/" + acct.SID + "/Keys.json"
	got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), url.Values{"PageSize": {"2"}})
	var sids []string
	var pages int
	for {
		pages++
		for _, k := range got.body["keys"].([]any) {
			sids = append(sids, k.(map[string]any)["sid"].(string))
		}
		if got.body["page_size"].(float64) != 2 || !strings.HasPrefix(got.body["first_page_uri"].(string), path+"?") {
			t.Fatalf("page %d: %v", pages, got.body)
		}
		next, _ := got.body["next_page_uri"].(string)
		if next == "" {
			break
		}
		if strings.HasPrefix(next, "http") || !strings.Contains(next, "PageToken=PA") {
			t.Fatalf("next_page_uri %q: want a relative URI with a PageToken", next)
		}
		u, _ := url.Parse(next)
		got = call(t, srv, "GET", twiliotest.HostAPI, u.Path, token(acct), u.Query())
	}
	if pages != 3 || len(sids) != 5 {
		t.Fatalf("%d pages, %d keys; want 3 and 5", pages, len(sids))
	}
	for i, k := range acct.Keys {
		if sids[i] != k.SID {
			t.Fatalf("keys out of creation order: %v", sids)
		}
	}
	if got.body["page"].(float64) != 2 || got.body["start"].(float64) != 4 {
		t.Errorf("last page: page %v start %v", got.body["page"], got.body["start"])
	}
	prev, _ := url.Parse(got.body["previous_page_uri"].(string))
	back := call(t, srv, "GET", twiliotest.HostAPI, prev.Path, token(acct), prev.Query())
	if keys := back.body["keys"].([]any); len(keys) != 2 || keys[0].(map[string]any)["sid"] != sids[2] {
		t.Errorf("previous page: %v", back.body)
	}
	bad := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), url.Values{"PageToken": {"PAnothing"}, "Page": {"1"}})
	if bad.status != 400 || bad.code != 21481 {
		t.Errorf("bad PageToken: %d/%d", bad.status, bad.code)
	}
	for _, size := range []string{"0", "1001", "x"} {
		if got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), url.Values{"PageSize": {size}}); got.status != 400 {
			t.Errorf("PageSize=%s: %d", size, got.status)
		}
	}
}

// TestPaginationV1 checks meta: absolute URLs on the Twilio host that was
// asked, or on the emulator's own address when no Twilio host was given.
func TestPaginationV1(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: manyKeys(3)})
	q := url.Values{"AccountSid": {acct.SID}, "PageSize": {"2"}}
	got := call(t, srv, "GET", twiliotest.HostIAM, "/v1/Keys", token(acct), q)
	meta := got.body["meta"].(map[string]any)
	next := meta["next_page_url"].(string)
	if meta["key"] != "keys" || !strings.HasPrefix(next, "https://iam.twilio.com/v1/Keys?") || !strings.Contains(next, "AccountSid="+acct.SID) {
		t.Fatalf("meta = %v", meta)
	}
	if meta["previous_page_url"] != nil || !strings.HasPrefix(meta["first_page_url"].(string), "https://iam.twilio.com/") {
		t.Errorf("meta = %v", meta)
	}
	hostless := strings.TrimPrefix(srv.URL, "http://")
	got = call(t, srv, "GET", hostless, "/v1/Keys", token(acct), q)
	next = got.body["meta"].(map[string]any)["next_page_url"].(string)
	if !strings.HasPrefix(next, srv.URL+"/v1/Keys?") {
		t.Fatalf("next_page_url without a Twilio host = %q", next)
	}
	u, _ := url.Parse(next)
	got = call(t, srv, "GET", hostless, u.Path, token(acct), u.Query())
	if keys := got.body["keys"].([]any); len(keys) != 1 || got.body["meta"].(map[string]any)["next_page_url"] != nil {
		t.Errorf("second page: %v", got.body)
	}
}

// TestRoutingByPath checks requests without a Twilio Host reach the right
// product by path, and that edge/region hosts route like the plain ones.
func TestRoutingByPath(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	hostless := strings.TrimPrefix(srv.URL, "http://")
	for _, tt := range []struct{ host, path, key string }{
		{hostless, "/2010-04-01/Accounts/" + acct.SID + "/IncomingPhoneNumbers.json", "incoming_phone_numbers"},
		{hostless, "/v1/Alerts", "alerts"},
		{hostless, "/v1/DialingPermissions/Countries", "content"},
		{hostless, "/v1/Services", "services"},
		{hostless, "/v2/Services", "services"},
		{hostless, "/v1/Credentials/PublicKeys", "credentials"},
		{"api.dublin.ie1.twilio.com", "/2010-04-01/Accounts/" + acct.SID + "/Applications.json", "applications"},
		{"monitor.us1.twilio.com", "/v1/Events", "events"},
	} {
		got := call(t, srv, "GET", tt.host, tt.path, token(acct), nil)
		if got.status != 200 || got.body[tt.key] == nil {
			t.Errorf("%s %s: %d %v", tt.host, tt.path, got.status, got.body)
		}
	}
	if got := call(t, srv, "GET", "example.com", "/v1/Unknown", token(acct), nil); got.status != 404 {
		t.Errorf("unknown: %d", got.status)
	}
}
