package twiliotest_test

import (
	"net/url"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestStateChangesRecordEvents makes each kind of change through the API
// and checks the Monitor event it leaves.
func TestStateChangesRecordEvents(t *testing.T) {
	clock := twiliotest.NewClock(t0)
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: clock.Now, KeyEventPrefix: "account-keys"})
	acct := srv.AddAccount(twiliotest.AccountSeed{IncomingPhoneNumbers: []twiliotest.NumberSeed{{VoiceURL: "http://old.example.com"}}})
	tok := token(acct)
	from203 := func(method, host, path string, form url.Values) answer {
		t.Helper()
		clock.Advance(1e9)
		return callFrom(t, srv, "203.0.113.7", method, host, path, tok, form)
	}
	v2 := "/2010-04-01/Accounts/" + acct.SID
	sub := from203("POST", twiliotest.HostAPI, "/2010-04-01/Accounts.json", url.Values{"FriendlyName": {"qa"}})
	subSID := sub.body["sid"].(string)
	from203("POST", twiliotest.HostAPI, "/2010-04-01/Accounts/"+subSID+".json", url.Values{"Status": {"suspended"}})
	k := from203("POST", twiliotest.HostAPI, v2+"/Keys.json", url.Values{"FriendlyName": {"a"}})
	keySID := k.body["sid"].(string)
	from203("POST", twiliotest.HostAPI, v2+"/Keys/"+keySID+".json", url.Values{"FriendlyName": {"b"}})
	from203("DELETE", twiliotest.HostAPI, v2+"/Keys/"+keySID+".json", nil)
	nums := from203("GET", twiliotest.HostAPI, v2+"/IncomingPhoneNumbers.json", nil)
	pnSID := nums.body["incoming_phone_numbers"].([]any)[0].(map[string]any)["sid"].(string)
	from203("POST", twiliotest.HostAPI, v2+"/IncomingPhoneNumbers/"+pnSID+".json", url.Values{"VoiceUrl": {"https://new.example.com"}})
	pk := from203("POST", twiliotest.HostAccounts, "/v1/Credentials/PublicKeys", url.Values{"PublicKey": {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}})
	from203("DELETE", twiliotest.HostAccounts, "/v1/Credentials/PublicKeys/"+pk.body["sid"].(string), nil)
	from203("POST", twiliotest.HostVoice, "/v1/Settings", url.Values{"DialingPermissionsInheritance": {"true"}})

	want := []struct{ typ, resource string }{
		{"account.created", subSID},
		{"account-keys.created", keySID},
		{"account-keys.updated", keySID},
		{"account-keys.deleted", keySID},
		{"phone-number.updated", pnSID},
		{"account-credentials.created", pk.body["sid"].(string)},
		{"account-credentials.deleted", pk.body["sid"].(string)},
		{"voice-geographic-permissions.updated", acct.SID},
	}
	evs := srv.Events(acct.SID)
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		ev := evs[i]
		if ev.Type != w.typ || ev.ResourceSID != w.resource || ev.IP != "203.0.113.7" || ev.Source != "api" ||
			ev.ActorType != "account" || ev.ActorSID != acct.SID || ev.AccountSID != acct.SID {
			t.Errorf("event %d = %+v, want %s on %s", i, ev, w.typ, w.resource)
		}
		if i > 0 && !ev.Date.After(evs[i-1].Date) {
			t.Errorf("event %d not after the previous one", i)
		}
	}
	upd := evs[2].Data["friendly_name"].(map[string]any)
	if upd["previous"] != "a" || upd["updated"] != "b" {
		t.Errorf("update data = %v", evs[2].Data)
	}
	subEvs := srv.Events(subSID)
	if len(subEvs) != 1 || subEvs[0].Type != "account.updated" || subEvs[0].Data["status"].(map[string]any)["updated"] != "suspended" {
		t.Errorf("subaccount events = %+v", subEvs)
	}
}

func TestAccountTransitions(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Subaccounts: []twiliotest.AccountSeed{{}}})
	subSID := srv.Accounts()[1].SID
	path := "/2010-04-01/Accounts/" + subSID + ".json"
	for _, tt := range []struct {
		status string
		want   int
	}{{"suspended", 200}, {"active", 200}, {"frozen", 400}, {"closed", 200}, {"active", 400}} {
		if got := call(t, srv, "POST", twiliotest.HostAPI, path, token(acct), url.Values{"Status": {tt.status}}); got.status != tt.want {
			t.Errorf("→ %s: %d %v, want %d", tt.status, got.status, got.body, tt.want)
		}
	}
	if got := call(t, srv, "POST", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID+".json", token(acct), url.Values{"Status": {"suspended"}}); got.status != 400 {
		t.Errorf("suspending the main account: %d", got.status)
	}
	sub, _ := srv.Account(subSID)
	if got := call(t, srv, "POST", twiliotest.HostAPI, "/2010-04-01/Accounts.json", token(sub), nil); got.status != 401 {
		t.Errorf("closed subaccount creating an account: %d", got.status)
	}
}

func TestIAMKeyValidation(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	for _, tt := range []struct {
		form url.Values
		want int
	}{
		{url.Values{"KeyType": {"restricted"}}, 400},
		{url.Values{"KeyType": {"restricted"}, "Policy": {`{"allow":[]}`}}, 400},
		{url.Values{"KeyType": {"restricted"}, "Policy": {`{"allow":["messages"]}`}}, 400},
		{url.Values{"KeyType": {"main"}}, 400},
		{url.Values{"Policy": {`{"allow":["/twilio/x"]}`}}, 400},
		{url.Values{"FriendlyName": {string(make([]byte, 65))}}, 400},
		{url.Values{"KeyType": {"restricted"}, "Policy": {`{"allow":["/twilio/x"]}`}}, 201},
	} {
		tt.form.Set("AccountSid", acct.SID)
		if got := call(t, srv, "POST", twiliotest.HostIAM, "/v1/Keys", token(acct), tt.form); got.status != tt.want {
			t.Errorf("%v: %d %v", tt.form, got.status, got.body)
		}
	}
}
