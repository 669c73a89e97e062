package audit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// testNow is the clock of every audit test.
var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// fixture is an emulator seeded from testdata/NAME.yaml, with the hook
// placeholder host replaced by hooks (when not empty).
type fixture struct {
	srv      *twiliotest.Server
	accounts []twiliotest.AccountInfo
}

func newFixture(t *testing.T, name, hooks string) *fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if hooks != "" {
		data = []byte(strings.ReplaceAll(string(data), "https://hooks.example", hooks))
	}
	return seededFixture(t, string(data))
}

// seededFixture is an emulator on the test clock seeded with seed (the
// twiliotest seed format).
func seededFixture(t *testing.T, seed string) *fixture {
	t.Helper()
	parsed, err := twiliotest.ParseSeed([]byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(testNow).Now})
	infos, err := srv.Apply(parsed)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, accounts: infos}
}

// options audits the fixture's first main account with its Auth Token.
func (f *fixture) options(t *testing.T) Options {
	main := f.accounts[0]
	return Options{
		Twilio:    rest.Config{AccountSID: main.SID, Password: main.AuthToken, BaseURL: f.srv.URL},
		Level:     L3,
		Now:       func() time.Time { return testNow },
		RetryWait: time.Millisecond,
	}
}

func loadAttest(t *testing.T, name string) *Attestations {
	t.Helper()
	a, err := LoadAttestations(filepath.Join("testdata", name), Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustRun(t *testing.T, o Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// find returns the result of a control on an account.
func find(t *testing.T, rep *Report, account, control string) Result {
	t.Helper()
	for _, a := range rep.Accounts {
		if a.Account.SID != account {
			continue
		}
		for _, r := range a.Results {
			if r.ControlID == control {
				return r
			}
		}
	}
	t.Fatalf("no result for %s on %s", control, account)
	return Result{}
}

// hookServer is a TLS webhook endpoint: refusing answers 403 to every
// request without X-Twilio-Signature, otherwise it answers 200 to all.
func hookServer(t *testing.T, refusing bool) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusing && r.Header.Get("X-Twilio-Signature") == "" {
			http.Error(w, "Twilio Request Validation Failed.", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte("<Response/>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sid(c byte) string { return "AC" + strings.Repeat(string(c), 32) }
