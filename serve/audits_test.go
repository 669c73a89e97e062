package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestTwilioAccounts: the accounts page shows each account's latest
// audit with its L1–L3 results, and an account's page its controls with
// framework mappings and what changed since the run before.
func TestTwilioAccounts(t *testing.T) {
	emu := twiliotest.NewServer(t, twiliotest.Options{})
	acct := emu.AddAccount(twiliotest.AccountSeed{FriendlyName: "Acme prod", Keys: []twiliotest.KeySeed{{FriendlyName: "deploy-bot"}}})
	dir := t.TempDir()
	var reports []*audit.Report
	// The second run is 200 days later: the key is then older than 90
	// days, and its control fails.
	for i, later := range []time.Duration{0, 200 * 24 * time.Hour} {
		rep, err := audit.Run(context.Background(), audit.Options{Twilio: rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: emu.URL},
			Level: audit.L3, Now: func() time.Time { return time.Now().Add(later) }})
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, rep)
		data, _ := json.Marshal(rep)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("run%d.json", i)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sources := map[string]func(f *fixture) Audits{
		"directory": func(*fixture) Audits { return DirAudits{Dir: dir} },
		"fleet store": func(f *fixture) Audits {
			for _, rep := range reports {
				data, _ := json.Marshal(rep)
				run := store.AuditRun{Account: acct.SID, AccountName: "Acme prod", Started: rep.Finished, Finished: rep.Finished, Level: "L3", Report: data}
				if _, err := f.st.RecordAudit(context.Background(), []store.AuditRun{run}); err != nil {
					t.Fatal(err)
				}
			}
			return StoreAudits{Store: f.st}
		},
	}
	for name, source := range sources {
		t.Run(name, func(t *testing.T) {
			var aud Audits
			f := newFixture(t, func(o *Options) { o.Audits = deferredAudits{&aud} })
			aud = source(f)
			c := f.login("vic", "viewer")
			res, body := c.get("/twilio")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/twilio: %d %s", res.StatusCode, body)
			}
			mustContain(t, body, "Acme prod", acct.SID, "L1: pass / fail / unknown", "L3")
			res, body = c.get("/twilio/" + acct.SID)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("account page: %d", res.StatusCode)
			}
			mustContain(t, body, "compared with the run of", "changed", "CIS v8", "NIST 800-53", "SOC 2", "res-fail")
			if !strings.Contains(body, `class="changed"`) {
				t.Error("no control is marked as changed, though the key aged past its limit between runs")
			}
			if res, _ := c.get("/twilio/AC" + strings.Repeat("0", 32)); res.StatusCode != http.StatusNotFound {
				t.Errorf("an account never audited: %d", res.StatusCode)
			}
			if res, _ := c.get("/twilio/not-a-sid"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("a bad SID: %d", res.StatusCode)
			}
		})
	}
}

// deferredAudits reads through an Audits set once the fixture (and its
// store) exists.
type deferredAudits struct{ a *Audits }

func (d deferredAudits) Latest(ctx context.Context) ([]AuditRun, error) { return (*d.a).Latest(ctx) }
func (d deferredAudits) Account(ctx context.Context, account string) (*AuditRun, *AuditRun, error) {
	return (*d.a).Account(ctx, account)
}
