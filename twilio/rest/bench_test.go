package rest_test

import (
	"context"
	"testing"

	monitor "github.com/twilio/twilio-go/rest/monitor/v1"

	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// BenchmarkFetchAccount measures one authenticated SDK round trip through
// the redirecting transport to the emulator (go test -bench . ./twilio/rest).
func BenchmarkFetchAccount(b *testing.B) {
	srv := twiliotest.NewServer(b, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{})
	c, err := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	s := c.Services(context.Background())
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Api.FetchAccount(acct.SID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListEvents measures paging through 1,000 Monitor events, 50 a
// page (20 requests).
func BenchmarkListEvents(b *testing.B) {
	srv := twiliotest.NewServer(b, twiliotest.Options{})
	evs := make([]twiliotest.EventSeed, 1000)
	for i := range evs {
		evs[i] = twiliotest.EventSeed{Type: "account-api-keys.created"}
	}
	acct := srv.AddAccount(twiliotest.AccountSeed{Events: evs})
	c, _ := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL})
	s := c.Services(context.Background())
	b.ResetTimer()
	for b.Loop() {
		got, err := s.MonitorV1.ListEvent(&monitor.ListEventParams{PageSize: ptr(50)})
		if err != nil || len(got) != 1000 {
			b.Fatal(len(got), err)
		}
	}
}
