package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

const twilioSeed = `
accounts:
  - name: shop
    sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    friendly_name: Shop
    created: -900d
    keys:
      - {sid: SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01, friendly_name: old, created: -200d}
    subaccounts:
      - name: campaign
        sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
        friendly_name: Campaign
        created: -300d
`

// TestTwilioAudit: a [[twilio]] account of the fleet file is audited and
// checked for exposure at each due pass, one stored run per account (its
// subaccounts too) with every control's result, level and mappings; the
// next run shows what changed; an account whose credential is missing is
// reported on its source and the others still run; nothing stored holds
// the Auth Token.
func TestTwilioAudit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "")
	seed, err := twiliotest.ParseSeed([]byte(twilioSeed))
	if err != nil {
		t.Fatal(err)
	}
	emu := twiliotest.NewServer(t, twiliotest.Options{})
	infos, err := emu.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	shop := infos[0]
	w.verifyBase = map[string]string{"twilio": emu.URL}
	w.env["SHOP_SID"], w.env["SHOP_TOKEN"] = shop.SID, shop.AuthToken.Reveal()
	toml := `audit = "1ms"
[[twilio]]
name = "shop"
account_sid_env = "SHOP_SID"
auth_token_env = "SHOP_TOKEN"
[[twilio]]
name = "unset"
account_sid_env = "UNSET_SID"
auth_token_env = "UNSET_TOKEN"
`
	w.pass(toml)
	s := w.conn.Store
	latest, err := s.LatestAudits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].Account != shop.SID || latest[1].Account != "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" {
		t.Fatalf("latest audits: %+v", latest)
	}
	first := latest[0]
	if len(first.Results) < 10 || first.AccountName != "Shop" || first.Level != "L3" {
		t.Fatalf("first run: %d results, %+v", len(first.Results), first)
	}
	levels := map[string]bool{}
	mapped := false
	for _, r := range first.Results {
		levels[r.Level] = true
		mapped = mapped || len(r.Frameworks["cis"]) > 0 && len(r.Frameworks["nist"]) > 0
		if r.Status == "" || r.Title == "" {
			t.Errorf("result without status or title: %+v", r)
		}
	}
	if !levels["L1"] || !levels["L2"] || !levels["L3"] || !mapped {
		t.Errorf("levels %v, mapped %v", levels, mapped)
	}
	var rep audit.Report
	if err := json.Unmarshal(first.Report, &rep); err != nil || len(rep.Accounts) != 1 || rep.Accounts[0].Account.SID != shop.SID {
		t.Errorf("stored report: %v, %+v", err, rep.Accounts)
	}
	exp, err := s.LatestExposure(ctx, shop.SID)
	if err != nil || exp == nil || exp.Until.Before(exp.Since) {
		t.Fatalf("exposure check: %+v, %v", exp, err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if want := src.Name == "twilio unset"; (src.LastError != "") != want || want && !strings.Contains(src.LastError, "UNSET_SID is not set") {
			t.Errorf("source %s: error %q", src.Name, src.LastError)
		}
	}

	// The old key is deleted: the next run passes what it failed.
	c, err := rest.New(rest.Config{AccountSID: shop.SID, Password: shop.AuthToken, BaseURL: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Services(ctx).Api.DeleteKey("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01", &api.DeleteKeyParams{}); err != nil {
		t.Fatal(err)
	}
	w.pass(toml)
	now, before, err := s.AccountAudits(ctx, shop.SID)
	if err != nil || now == nil || before == nil || before.ID != first.ID || now.ID == first.ID {
		t.Fatalf("AccountAudits: %+v %+v %v", now, before, err)
	}
	account := func(run *store.AuditRun) audit.AccountReport {
		var rep audit.Report
		if err := json.Unmarshal(run.Report, &rep); err != nil {
			t.Fatal(err)
		}
		a, ok := rep.Account(shop.SID)
		if !ok {
			t.Fatalf("run %d: no results of %s", run.ID, shop.SID)
		}
		return a
	}
	changed := 0
	for _, ch := range audit.Diff(account(before), account(now)) {
		if !ch.Changed() {
			continue
		}
		changed++
		if ch.Before == nil || ch.After == nil {
			t.Errorf("%s evaluated in one run only", ch.ControlID)
			continue
		}
		t.Logf("%s: %s → %s", ch.ControlID, ch.Before.Status, ch.After.Status)
	}
	if changed == 0 {
		t.Fatal("deleting a 200-day-old key changed no result")
	}
	exp2, err := s.LatestExposure(ctx, shop.SID)
	if err != nil || exp2 == nil || exp2.ID == exp.ID || !exp2.Since.Equal(exp.Until) {
		t.Errorf("second exposure check: %+v, want it to start where the first ended (%v)", exp2, exp.Until)
	}

	var dump strings.Builder
	for _, table := range []string{"fleet_audit_runs", "fleet_audit_results", "fleet_exposure_runs", "fleet_sources", "river_job"} {
		rows, err := s.DB().Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintln(&dump, v)
			}
		}
		rows.Close()
	}
	if strings.Contains(dump.String(), shop.AuthToken.Reveal()) {
		t.Error("the database holds the Auth Token")
	}
}
