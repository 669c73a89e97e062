package serve

import (
	"context"
	"net/http"
	"time"

	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/twilio"
)

// AuditRun is one stored audit of a Twilio account.
type AuditRun struct {
	Account string
	At      time.Time
	// Report is the run's report; its Accounts hold the account's
	// results (the console reads the one whose SID is Account).
	Report *audit.Report
}

// Audits reads the Twilio audit runs the fleet stored.
type Audits interface {
	// Latest lists the latest run of every audited account.
	Latest(ctx context.Context) ([]AuditRun, error)
	// Account returns an account's latest run and the one before it
	// (nil when there is none).
	Account(ctx context.Context, account string) (latest, previous *AuditRun, err error)
}

// accountSummary is one account's line on the accounts page.
type accountSummary struct {
	Account string
	Name    string
	At      time.Time
	// Levels counts results per level (L1–L3) and status.
	Levels []levelCount
}

type levelCount struct {
	Level                      audit.Level
	Pass, Fail, Unknown, Other int
}

// controlRow is one control of an account's latest audit, with its
// result in the run before.
type controlRow struct {
	Control *audit.Control
	// Status is nil when Dropped.
	Status   *audit.Status `json:",omitempty"`
	Summary  string
	Previous string // "" when there was no previous run or result
	Changed  bool
	// Dropped: the run before evaluated the control, the latest did not
	// (Status and Summary are then empty).
	Dropped bool `json:",omitempty"`
}

type auditData struct {
	Run, Previous *AuditRun
	Name          string
	Levels        []levelCount
	Rows          []controlRow
	Changed       int
	Frameworks    []string
}

// accountResults finds an account's results in a report.
func accountResults(run *AuditRun) (audit.AccountReport, bool) {
	if run == nil || run.Report == nil {
		return audit.AccountReport{}, false
	}
	return run.Report.Account(run.Account)
}

func controlIndex(rep *audit.Report) map[string]*audit.Control {
	out := map[string]*audit.Control{}
	for _, c := range rep.Controls {
		out[c.ID] = c
	}
	if len(out) == 0 {
		for _, c := range audit.Builtin().Controls {
			out[c.ID] = c
		}
	}
	return out
}

func levels(ar audit.AccountReport, ctl map[string]*audit.Control) []levelCount {
	out := []levelCount{{Level: audit.L1}, {Level: audit.L2}, {Level: audit.L3}}
	for _, res := range ar.Results {
		c := ctl[res.ControlID]
		if c == nil || c.Level < audit.L1 || int(c.Level) > len(out) {
			continue
		}
		lc := &out[c.Level-1]
		switch res.Status {
		case audit.Pass:
			lc.Pass++
		case audit.Fail:
			lc.Fail++
		case audit.Unknown:
			lc.Unknown++
		default:
			lc.Other++
		}
	}
	return out
}

func (s *Server) twilioAccounts(r *http.Request, _ *rc) (view, error) {
	var out []accountSummary
	if s.opts.Audits != nil {
		runs, err := s.opts.Audits.Latest(r.Context())
		if err != nil {
			return view{}, err
		}
		for i := range runs {
			run := &runs[i]
			ar, ok := accountResults(run)
			if !ok {
				continue
			}
			out = append(out, accountSummary{Account: run.Account, Name: ar.Account.FriendlyName, At: run.At, Levels: levels(ar, controlIndex(run.Report))})
		}
	}
	if out == nil {
		out = []accountSummary{}
	}
	return view{Template: "twilio", Title: "Twilio accounts", Data: out}, nil
}

func (s *Server) twilioAccount(r *http.Request, _ *rc) (view, error) {
	account := r.PathValue("account")
	if !twilio.IsAccountSID(account) {
		return view{}, badRequest("%q is not an Account SID", account)
	}
	if s.opts.Audits == nil {
		return view{}, &problem{Status: http.StatusNotFound, Title: "No audit", Detail: "No Twilio audit results are available to this console."}
	}
	latest, prev, err := s.opts.Audits.Account(r.Context(), account)
	if err != nil {
		return view{}, err
	}
	ar, ok := accountResults(latest)
	if !ok {
		return view{}, &problem{Status: http.StatusNotFound, Title: "No audit", Detail: "No audit of " + account + " is stored."}
	}
	ctl := controlIndex(latest.Report)
	d := auditData{Run: latest, Previous: prev, Name: ar.Account.FriendlyName, Levels: levels(ar, ctl), Frameworks: audit.FrameworkNames()}
	par, _ := accountResults(prev)
	compared := prev != nil
	for _, ch := range audit.Diff(par, ar) {
		row := controlRow{Control: ctl[ch.ControlID]}
		if row.Control == nil {
			row.Control = &audit.Control{ID: ch.ControlID, Title: ch.ControlID}
		}
		if ch.After != nil {
			row.Status, row.Summary = &ch.After.Status, ch.After.Summary
		} else {
			row.Dropped = true
		}
		if compared {
			row.Changed = ch.Changed()
			row.Previous = "new"
			if ch.Before != nil {
				row.Previous = ch.Before.Status.String()
			}
		}
		if row.Changed {
			d.Changed++
		}
		d.Rows = append(d.Rows, row)
	}
	return view{Template: "account_audit", Title: "Audit of " + account, Data: d, JSON: map[string]any{"latest": latest.Report, "changed": d.Changed, "rows": d.Rows}}, nil
}
