package twiliotest_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestFaultMatching checks Skip, Times, Path, Method, Host and Username.
func TestFaultMatching(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{Type: twiliotest.KeyMain}}})
	other := srv.AddAccount(twiliotest.AccountSeed{})
	numbers := "/2010-04-01/Accounts/" + acct.SID + "/IncomingPhoneNumbers.json"
	h := srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 503, Host: twiliotest.HostAPI, Method: "GET",
		Path: "/2010-04-01/Accounts/*/IncomingPhoneNumbers.json", Username: acct.SID, Skip: 1, Times: 2})
	var got []int
	for range 4 {
		got = append(got, call(t, srv, "GET", twiliotest.HostAPI, numbers, token(acct), nil).status)
	}
	if want := []int{200, 503, 503, 200}; !equalInts(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if h.Hits() != 2 {
		t.Errorf("hits = %d", h.Hits())
	}
	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Username: acct.SID})
	if s := call(t, srv, "GET", twiliotest.HostAPI, "/2010-04-01/Accounts/"+other.SID+".json", token(other), nil).status; s != 200 {
		t.Errorf("another credential hit the fault: %d", s)
	}
	if s := call(t, srv, "GET", twiliotest.HostAPI, numbers, keyCred(acct.Keys[0]), nil).status; s != 200 {
		t.Errorf("the key (another username) hit the fault: %d", s)
	}
	srv.ClearFaults()
	if s := call(t, srv, "GET", twiliotest.HostAPI, numbers, token(acct), nil).status; s != 200 {
		t.Errorf("after ClearFaults: %d", s)
	}
}

// TestFaultAfterHandling: the change is made, the answer is lost.
func TestFaultAfterHandling(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Phase: twiliotest.AfterHandling, Method: "POST", Times: 1})
	got := call(t, srv, "POST", twiliotest.HostIAM, "/v1/Keys", token(acct), url.Values{"AccountSid": {acct.SID}})
	if got.status != 500 {
		t.Fatalf("status %d", got.status)
	}
	info, _ := srv.Account(acct.SID)
	if len(info.Keys) != 1 {
		t.Fatalf("the key was not created behind the lost answer: %d keys", len(info.Keys))
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Status != 500 || last.Fault != twiliotest.FaultStatus {
		t.Errorf("log: %+v", last)
	}
}

// TestFaultKinds covers the kinds a plain client sees.
func TestFaultKinds(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	path := "/2010-04-01/Accounts/" + acct.SID + ".json"

	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultRateLimit, RetryAfter: 1500 * time.Millisecond, Times: 1})
	got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), nil)
	if got.status != 429 || got.code != 20429 || got.header.Get("Retry-After") != "2" {
		t.Errorf("rate limit: %d/%d Retry-After %q", got.status, got.code, got.header.Get("Retry-After"))
	}

	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultSlow, Delay: time.Millisecond, Times: 1})
	if got := call(t, srv, "GET", twiliotest.HostAPI, path, token(acct), nil); got.status != 200 {
		t.Errorf("slow: %d", got.status)
	}

	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultGarbage, Times: 1})
	resp := rawGet(t, srv, path, acct)
	if resp.StatusCode != 200 {
		t.Errorf("garbage: %d", resp.StatusCode)
	}

	srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultReset, Times: 1})
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.SetBasicAuth(acct.SID, acct.AuthToken.Reveal())
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Errorf("reset: got an answer %d", resp.StatusCode)
	}

	h := srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultHang, Times: 1})
	client := &http.Client{Timeout: 50 * time.Millisecond}
	req, _ = http.NewRequest("GET", srv.URL+path, nil)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("hang: got an answer %d", resp.StatusCode)
	}
	if h.Hits() != 1 {
		t.Errorf("hang hits = %d", h.Hits())
	}
}

func rawGet(t *testing.T, srv *twiliotest.Server, path string, acct twiliotest.AccountInfo) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.SetBasicAuth(acct.SID, acct.AuthToken.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestRateLimit: the built-in limiter lets Burst through, then 429s, per
// credential; the request log counts both.
func TestRateLimit(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{RateLimit: &twiliotest.RateLimit{PerSecond: 0.001, Burst: 3}})
	a := srv.AddAccount(twiliotest.AccountSeed{})
	b := srv.AddAccount(twiliotest.AccountSeed{})
	var got []int
	for range 4 {
		got = append(got, call(t, srv, "GET", twiliotest.HostMonitor, "/v1/Alerts", token(a), nil).status)
	}
	if want := []int{200, 200, 200, 429}; !equalInts(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if s := call(t, srv, "GET", twiliotest.HostMonitor, "/v1/Alerts", token(b), nil).status; s != 200 {
		t.Errorf("another credential was limited: %d", s)
	}
	if n := srv.RequestCount(func(r twiliotest.Request) bool { return r.Status == 429 }); n != 1 {
		t.Errorf("429s logged = %d", n)
	}
	if n := srv.RequestCount(nil); n != 5 {
		t.Errorf("requests logged = %d", n)
	}
	srv.ResetRequests()
	if n := srv.RequestCount(nil); n != 0 {
		t.Errorf("after reset: %d", n)
	}
}

// TestConcurrentUse hammers the emulator from many goroutines (run with
// -race): key creation and deletion, token rotation and reads.
func TestConcurrentUse(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{Type: twiliotest.KeyMain}}})
	mk := keyCred(acct.Keys[0])
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				got := call(t, srv, "POST", twiliotest.HostIAM, "/v1/Keys", mk, url.Values{"AccountSid": {acct.SID}})
				if got.status != 201 {
					t.Errorf("create: %d", got.status)
					return
				}
				sid := got.body["sid"].(string)
				call(t, srv, "GET", twiliotest.HostMonitor, "/v1/Events", mk, url.Values{"PageSize": {"5"}})
				if i%2 == 0 {
					call(t, srv, "POST", twiliotest.HostAccounts, "/v1/AuthTokens/Secondary", mk, nil)
				}
				if got := call(t, srv, "DELETE", twiliotest.HostIAM, "/v1/Keys/"+sid, mk, nil); got.status != 204 {
					t.Errorf("delete: %d", got.status)
				}
			}
		}()
	}
	wg.Wait()
	info, _ := srv.Account(acct.SID)
	if len(info.Keys) != 1 {
		t.Errorf("%d keys left, want the main key only", len(info.Keys))
	}
	if n := len(srv.Events(acct.SID)); n != 80*2+40 {
		t.Errorf("%d events, want %d", n, 80*2+40)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
