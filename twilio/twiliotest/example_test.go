package twiliotest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// A key deleted through the API stops authenticating at once, and the
// deletion is in the account's Monitor events.
func Example() {
	clock := twiliotest.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	e := twiliotest.New(twiliotest.Options{Clock: clock.Now})
	acct := e.AddAccount(twiliotest.AccountSeed{
		FriendlyName: "Production",
		Keys:         []twiliotest.KeySeed{{FriendlyName: "ci", Created: twiliotest.Ago(90 * 24 * time.Hour)}},
	})
	key := acct.Keys[0]
	srv := httptest.NewServer(e)
	defer srv.Close()

	get := func(user, pass, path string) int {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = twiliotest.HostAPI
		req.SetBasicAuth(user, pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	numbers := "/2010-04-01/Accounts/" + acct.SID + "/IncomingPhoneNumbers.json"
	fmt.Println("key reads numbers:", get(key.SID, key.Secret.Reveal(), numbers))
	fmt.Println("key reads account:", get(key.SID, key.Secret.Reveal(), "/2010-04-01/Accounts/"+acct.SID+".json"))

	req, _ := http.NewRequest("DELETE", srv.URL+"/v1/Keys/"+key.SID, nil)
	req.Host = twiliotest.HostIAM
	req.SetBasicAuth(acct.SID, acct.AuthToken.Reveal())
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	fmt.Println("delete:", resp.StatusCode)
	fmt.Println("key after delete:", get(key.SID, key.Secret.Reveal(), numbers))
	for _, ev := range e.Events(acct.SID) {
		fmt.Println("event:", ev.Type, ev.Date.Format(time.RFC3339), ev.ResourceSID == key.SID)
	}
	// Output:
	// key reads numbers: 200
	// key reads account: 401
	// delete: 204
	// key after delete: 401
	// event: account-api-keys.deleted 2026-03-10T12:00:00Z true
}
