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

// TestAuditChanges: an account's page compares its latest run with the
// one before, control by control (audit.Diff): a status that changed, one
// that did not, a control new in the latest run and one it no longer
// evaluates; the API answers the same rows.
func TestAuditChanges(t *testing.T) {
	const sid = "AC0123456789abcdef0123456789abcdef"
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	res := func(id string, st audit.Status) audit.Result {
		return audit.Result{ControlID: id, Status: st, Summary: "summary of " + id}
	}
	for i, results := range [][]audit.Result{
		{res("CRED-01", audit.Fail), res("CRED-02", audit.Pass), res("ACC-01", audit.Unknown)},
		{res("CRED-01", audit.Pass), res("CRED-02", audit.Pass), res("HOOK-01", audit.Fail)},
	} {
		rep := audit.Report{Level: audit.L3, MaxKeyAge: audit.Duration(90 * 24 * time.Hour), AttestMaxAge: audit.Duration(90 * 24 * time.Hour), Finished: t0.Add(time.Duration(i) * 24 * time.Hour), Accounts: []audit.AccountReport{{Account: audit.Account{SID: sid, FriendlyName: "Shop"}, Results: results}}}
		data, _ := json.Marshal(rep)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("run%d.json", i)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, func(o *Options) { o.Audits = DirAudits{Dir: dir} })
	res0, body := f.login("vic", "viewer").get("/twilio/" + sid)
	if res0.StatusCode != http.StatusOK {
		t.Fatalf("account page: %d %s", res0.StatusCode, body)
	}
	mustContain(t, body, "<strong>3</strong> controls changed", "no longer evaluated", "summary of HOOK-01")
	code, js := f.api("GET", "/api/twilio/"+sid, f.token("vic", "viewer"), nil)
	var got struct {
		Changed int
		Rows    []struct {
			Control  struct{ ID string }
			Status   *string
			Previous string
			Changed  bool
			Dropped  bool
		}
	}
	if err := json.Unmarshal([]byte(js), &got); code != http.StatusOK || err != nil {
		t.Fatalf("API: %d %v %.200s", code, err, js)
	}
	var rows []string
	for _, r := range got.Rows {
		st := "-"
		if r.Status != nil {
			st = *r.Status
		}
		rows = append(rows, fmt.Sprintf("%s %s←%s %v %v", r.Control.ID, st, r.Previous, r.Changed, r.Dropped))
	}
	want := []string{"CRED-01 pass←fail true false", "CRED-02 pass←pass false false", "HOOK-01 fail←new true false", "ACC-01 -←unknown true true"}
	if got.Changed != 3 || strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("changed %d, rows:\n%s\nwant\n%s", got.Changed, strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
