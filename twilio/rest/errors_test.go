package rest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/vigilsec/vigil/internal/endpoint"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestFaultsThroughSDK injects every fault kind and checks how the SDK
// error classifies: only Twilio's own answers are definitive.
func TestFaultsThroughSDK(t *testing.T) {
	tests := []struct {
		name       string
		fault      twiliotest.Fault
		kind       rest.Kind
		status     int
		definitive bool
	}{
		{"401", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 401}, rest.KindAuth, 401, true},
		{"403 suspended", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 403}, rest.KindSuspended, 403, true},
		{"429", twiliotest.Fault{Kind: twiliotest.FaultRateLimit, RetryAfter: 3 * time.Second}, rest.KindRateLimited, 429, false},
		{"500", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500}, rest.KindServer, 500, false},
		{"503", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 503}, rest.KindServer, 503, false},
		{"garbage 200", twiliotest.Fault{Kind: twiliotest.FaultGarbage}, rest.KindBadResponse, 0, false},
		{"garbage 502", twiliotest.Fault{Kind: twiliotest.FaultGarbage, Status: 502, Body: "<html>bad gateway</html>"}, rest.KindServer, 502, false},
		{"garbage 401", twiliotest.Fault{Kind: twiliotest.FaultGarbage, Status: 401, Body: "nope"}, rest.KindBadResponse, 401, false},
		{"reset", twiliotest.Fault{Kind: twiliotest.FaultReset}, rest.KindNetwork, 0, false},
		{"hang until timeout", twiliotest.Fault{Kind: twiliotest.FaultHang}, rest.KindTimeout, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := twiliotest.NewServer(t, twiliotest.Options{})
			acct := srv.AddAccount(twiliotest.AccountSeed{})
			tt.fault.Times = 1
			h := srv.Inject(tt.fault)
			c, err := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL, Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Services(context.Background()).Api.FetchAccount(acct.SID)
			e := rest.Classify("fetch account", err)
			if e == nil {
				t.Fatal("no error")
			}
			if e.Kind != tt.kind || e.Status != tt.status || e.Definitive() != tt.definitive {
				t.Errorf("got kind %s status %d definitive %v (%v); want %s %d %v", e.Kind, e.Status, e.Definitive(), e, tt.kind, tt.status, tt.definitive)
			}
			if h.Hits() != 1 {
				t.Errorf("fault hits = %d", h.Hits())
			}
			// The fault is spent: the next request succeeds.
			if _, err := c.Services(context.Background()).Api.FetchAccount(acct.SID); err != nil {
				t.Errorf("after the fault: %v", err)
			}
		})
	}
}

func TestContextCancelsHangingRequest(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	h := srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultHang})
	c, err := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Services(ctx).Api.FetchAccount(acct.SID)
		done <- err
	}()
	for h.Hits() == 0 { // wait until the request hangs in the emulator
		time.Sleep(time.Millisecond)
	}
	cancel()
	err = <-done
	if e := rest.Classify("fetch", err); e == nil || e.Kind != rest.KindCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a canceled error", err)
	}
}

func TestClassify(t *testing.T) {
	if rest.Classify("x", nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	e := rest.Classify("op", context.DeadlineExceeded)
	if e.Kind != rest.KindTimeout || e.Definitive() || !e.Temporary() {
		t.Errorf("deadline: %+v", e)
	}
	if again := rest.Classify("other", e); again != e {
		t.Error("an *Error is not classified twice")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	good := "AC" + strings.Repeat("0", 32)
	for _, cfg := range []rest.Config{
		{AccountSID: "", Password: vigilSecret("x")},
		{AccountSID: "SK" + strings.Repeat("0", 32), Password: vigilSecret("x")},
		{AccountSID: good},
		{AccountSID: good, Username: "bob", Password: vigilSecret("x")},
		{AccountSID: good, Password: vigilSecret("x"), BaseURL: "ftp://127.0.0.1"},
		{AccountSID: good, Password: vigilSecret("x"), BaseURL: "http://127.0.0.1/?q=1"},
		{AccountSID: good, Password: vigilSecret("x"), BaseURL: "http://user:pw@127.0.0.1:1"},
		{AccountSID: good, Password: vigilSecret("x"), BaseURL: "http://127.0.0.1.evil.example"},
		{AccountSID: good, Password: vigilSecret("x"), BaseURL: "http://gateway.example"},
	} {
		if _, err := rest.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

// TestRedirectKeepsHost checks the transport sends Twilio hosts to the base
// URL (with its path prefix) and leaves other hosts alone.
func TestRedirectKeepsHost(t *testing.T) {
	var got []string
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.Host+" "+r.URL.String())
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})
	base, err := endpoint.ParseBase("http://127.0.0.1:9/prefix/")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: rest.Redirect(base, next)}
	for _, u := range []string{"https://api.twilio.com/2010-04-01/Accounts.json?PageSize=1", "https://monitor.twilio.com/v1/Events", "https://example.com/x"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := []string{
		"api.twilio.com http://127.0.0.1:9/prefix/2010-04-01/Accounts.json?PageSize=1",
		"monitor.twilio.com http://127.0.0.1:9/prefix/v1/Events",
		"example.com https://example.com/x",
	}
	if !equalStrings(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPKCVHeader checks Config.ClientValidation reaches the emulator.
func TestPKCVHeader(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{EnforceClientValidation: true})
	c, _ := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL})
	_, err := c.Services(context.Background()).Api.ListIncomingPhoneNumber(&api.ListIncomingPhoneNumberParams{})
	if e := rest.Classify("", err); e == nil || e.Kind != rest.KindClientValidation || e.Code != 70052 {
		t.Fatalf("without the header: %v, want 70052", err)
	}
	c, _ = rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL, ClientValidation: vigilSecret("a.b.c")})
	if _, err := c.Services(context.Background()).Api.ListIncomingPhoneNumber(nil); err != nil {
		t.Fatalf("with the header: %v", err)
	}
}

// TestRedirectNotFollowed: a base URL that redirects to another host does
// not get the credential sent on, whatever the redirect code.
func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	good := "AC" + strings.Repeat("0", 32)
	for _, code := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, code)
		}))
		c, err := rest.New(rest.Config{AccountSID: good, Password: vigilSecret("x"), BaseURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Services(context.Background()).Api.FetchAccount(good)
		if e := rest.Classify("fetch", err); e == nil || e.Definitive() {
			t.Errorf("HTTP %d: %v, want a failure that is not Twilio's answer", code, err)
		}
		srv.Close()
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}
