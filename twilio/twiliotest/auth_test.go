package twiliotest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestAuthSemantics checks each kind of credential against an Accounts
// endpoint, a Keys endpoint and two ordinary ones.
func TestAuthSemantics(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{
		Name: "parent", SecondaryAuthToken: strings.Repeat("5", 32),
		Keys: []twiliotest.KeySeed{
			{FriendlyName: "main", Type: twiliotest.KeyMain},
			{FriendlyName: "std", Type: twiliotest.KeyStandard},
			{FriendlyName: "ro", Type: twiliotest.KeyRestricted, Policy: []string{"/twilio/monitor/alerts/read"}},
		},
		Subaccounts: []twiliotest.AccountSeed{{Name: "child"}},
	})
	sub, _ := srv.Account(srv.Accounts()[1].SID)
	mainKey, stdKey, roKey := acct.Keys[0], acct.Keys[1], acct.Keys[2]

	fetchAccount := func(sid string) (string, string, url.Values) {
		return twiliotest.HostAPI, "/2010-04-01/Accounts/" + sid + ".json", nil
	}
	numbers := func(sid string) (string, string, url.Values) {
		return twiliotest.HostAPI, "/2010-04-01/Accounts/" + sid + "/IncomingPhoneNumbers.json", nil
	}
	iamKeys := func(sid string) (string, string, url.Values) {
		return twiliotest.HostIAM, "/v1/Keys", url.Values{"AccountSid": {sid}}
	}
	alerts := func(string) (string, string, url.Values) { return twiliotest.HostMonitor, "/v1/Alerts", nil }

	type endpoint func(string) (string, string, url.Values)
	tests := []struct {
		name   string
		cred   cred
		target string
		ep     endpoint
		status int
		code   int
	}{
		{"token fetches account", token(acct), acct.SID, fetchAccount, 200, 0},
		{"secondary token", cred{acct.SID, acct.SecondaryAuthToken.Reveal()}, acct.SID, fetchAccount, 200, 0},
		{"main key fetches account", keyCred(mainKey), acct.SID, fetchAccount, 200, 0},
		{"main key lists keys", keyCred(mainKey), acct.SID, iamKeys, 200, 0},
		{"standard key refused on account", keyCred(stdKey), acct.SID, fetchAccount, 401, 20003},
		{"standard key refused on keys", keyCred(stdKey), acct.SID, iamKeys, 401, 20003},
		{"standard key reads numbers", keyCred(stdKey), acct.SID, numbers, 200, 0},
		{"standard key reads alerts", keyCred(stdKey), acct.SID, alerts, 200, 0},
		{"restricted key within policy", keyCred(roKey), acct.SID, alerts, 200, 0},
		{"restricted key outside policy", keyCred(roKey), acct.SID, numbers, 403, 70051},
		{"restricted key refused on account", keyCred(roKey), acct.SID, fetchAccount, 401, 20003},
		{"no credentials", cred{}, acct.SID, fetchAccount, 401, 20003},
		{"wrong token", cred{acct.SID, "ffffffffffffffffffffffffffffffff"}, acct.SID, fetchAccount, 401, 20003},
		{"wrong key secret", cred{stdKey.SID, "x"}, acct.SID, numbers, 401, 20003},
		{"unknown account", cred{"AC" + "ffffffffffffffffffffffffffffffff", "x"}, acct.SID, fetchAccount, 401, 20003},
		{"not a SID", cred{"bob", "x"}, acct.SID, fetchAccount, 401, 20003},
		{"parent reaches subaccount", token(acct), sub.SID, numbers, 200, 0},
		{"parent main key reaches subaccount", keyCred(mainKey), sub.SID, fetchAccount, 200, 0},
		{"subaccount does not reach parent", token(sub), acct.SID, fetchAccount, 401, 20003},
		{"subaccount keys of parent", token(sub), acct.SID, iamKeys, 401, 20003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, path, form := tt.ep(tt.target)
			got := call(t, srv, "GET", host, path, tt.cred, form)
			if got.status != tt.status || got.code != tt.code {
				t.Errorf("got %d/%d %v, want %d/%d", got.status, got.code, got.body, tt.status, tt.code)
			}
		})
	}
}

// TestErrorBodies checks the exact bodies of the reference.
func TestErrorBodies(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	got := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID+".json", cred{}, nil)
	want := map[string]any{"code": 20003.0, "message": "Authentication Error - No credentials provided",
		"more_info": "https://www.twilio.com/docs/errors/20003", "status": 401.0, "detail": "Your AccountSid or AuthToken was incorrect."}
	if !equalJSON(got.body, want) {
		t.Errorf("no credentials: %v", got.body)
	}
	got = call(t, srv, "POST", twiliotest.HostAccounts, "/v1/AuthTokens/Promote", token(acct), nil)
	want = map[string]any{"code": 20404.0, "message": "The requested resource /AuthTokens/Promote was not found",
		"more_info": "https://www.twilio.com/docs/errors/20404", "status": 404.0}
	if !equalJSON(got.body, want) {
		t.Errorf("promote without secondary: %v", got.body)
	}
	got = call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID+"/Nothing.json", token(acct), nil)
	if got.status != 404 || got.code != 20404 || got.body["message"] != "The requested resource /2010-04-01/Accounts/"+acct.SID+"/Nothing.json was not found" {
		t.Errorf("unknown path: %d %v", got.status, got.body)
	}
	got = call(t, srv, "PUT", twiliotest.HostIAM, "/v1/Keys", token(acct), nil)
	if got.status != 405 || got.code != 20004 || got.header.Get("Allow") == "" {
		t.Errorf("wrong method: %d %v", got.status, got.body)
	}
	got = call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID, token(acct), nil)
	if got.status != 406 {
		t.Errorf("XML request: %d", got.status)
	}
	got = call(t, srv, "GET", twiliotest.HostIAM, "/v1/Keys", token(acct), nil)
	if got.status != 400 || got.code != 20001 {
		t.Errorf("iam keys without AccountSid: %d %v", got.status, got.body)
	}
}

func TestAccountStatus(t *testing.T) {
	for _, tt := range []struct {
		status  string
		as      twiliotest.Refusal
		http    int
		code    int
		subRead int // parent reading the subaccount's numbers
	}{
		{"suspended", twiliotest.Forbidden, 403, 20403, 403},
		{"suspended", twiliotest.AuthFailure, 401, 20003, 403},
		{"closed", twiliotest.Forbidden, 401, 20003, 403},
	} {
		t.Run(tt.status, func(t *testing.T) {
			srv := twiliotest.NewServer(t, twiliotest.Options{SuspendedAs: tt.as})
			acct := srv.AddAccount(twiliotest.AccountSeed{Status: tt.status})
			got := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+acct.SID+"/Balance.json", token(acct), nil)
			if got.status != tt.http || got.code != tt.code {
				t.Errorf("own credentials: %d/%d", got.status, got.code)
			}
			parent := srv.AddAccount(twiliotest.AccountSeed{Subaccounts: []twiliotest.AccountSeed{{Status: tt.status}}})
			subSID := srv.Accounts()[2].SID
			if got := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+subSID+".json", token(parent), nil); got.status != 200 || got.body["status"] != tt.status {
				t.Errorf("parent fetching the subaccount: %d %v", got.status, got.body["status"])
			}
			if got := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+subSID+"/IncomingPhoneNumbers.json", token(parent), nil); got.status != tt.subRead {
				t.Errorf("parent reading the subaccount's numbers: %d", got.status)
			}
		})
	}
}

func TestClientValidation(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	path := "/2010-04-01/Accounts/" + acct.SID + "/Balance.json"
	if got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), nil); got.status != 200 {
		t.Fatalf("before enforcement: %d", got.status)
	}
	if err := srv.SetClientValidation(acct.SID, true); err != nil {
		t.Fatal(err)
	}
	if got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), nil); got.status != 401 || got.code != 70052 {
		t.Fatalf("enforced, no header: %d/%d", got.status, got.code)
	}
	// Wrong credentials still fail as such: enforcement comes after
	// authentication.
	if got := call(t, srv, "GET", twiliotest.HostAPI, path, cred{acct.SID, "bad"}, nil); got.code != 20003 {
		t.Fatalf("enforced, bad token: %d", got.code)
	}
}
