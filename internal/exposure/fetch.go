package exposure

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	monitor "github.com/twilio/twilio-go/rest/monitor/v1"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
)

// Fetcher reads an account and its subaccounts.
type Fetcher struct {
	// Client acts on the main account.
	Client *rest.Client
	// ClientFor builds a client for a subaccount with its own Auth Token
	// (Monitor answers for the authenticating account only).
	ClientFor func(account string, token vigil.Secret) (*rest.Client, error)
}

// Fetch reads events, alerts and usage from from to to.
func (f *Fetcher) Fetch(ctx context.Context, from, to time.Time) (*Data, error) {
	d := &Data{}
	if err := f.account(ctx, f.Client, from, to, d); err != nil {
		return nil, err
	}
	d.Accounts = append(d.Accounts, f.Client.AccountSID())
	subs, err := f.subaccounts(ctx, d)
	if err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("subaccounts not checked: %v (use the Auth Token or a Main key)", err))
	}
	for _, c := range subs {
		if err := f.account(ctx, c, from, to, d); err != nil {
			d.Notes = append(d.Notes, fmt.Sprintf("subaccount %s not checked: %v", c.AccountSID(), err))
			continue
		}
		d.Accounts = append(d.Accounts, c.AccountSID())
	}
	return d, nil
}

// subaccounts lists the account's subaccounts, each with a client of its
// own token (the Accounts API returns it to the parent).
func (f *Fetcher) subaccounts(ctx context.Context, d *Data) ([]*rest.Client, error) {
	accts, err := f.Client.Services(ctx).Api.ListAccount(&api.ListAccountParams{})
	if err != nil {
		return nil, rest.Classify("list accounts", err)
	}
	var out []*rest.Client
	for _, a := range accts {
		sid := deref(a.Sid)
		if sid == "" || sid == f.Client.AccountSID() || a.AuthToken == nil || *a.AuthToken == "" {
			continue
		}
		if st := deref(a.Status); st != "active" {
			d.Info = append(d.Info, fmt.Sprintf("subaccount %s is %s: not checked (Twilio refuses its credentials)", sid, st))
			continue
		}
		c, err := f.ClientFor(sid, vigil.NewSecret(*a.AuthToken))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (f *Fetcher) account(ctx context.Context, c *rest.Client, from, to time.Time, d *Data) error {
	s := c.Services(ctx)
	acct := c.AccountSID()
	size := 1000
	evs, err := s.MonitorV1.ListEvent(&monitor.ListEventParams{StartDate: &from, EndDate: &to, PageSize: &size})
	if err != nil {
		return rest.Classify("list Monitor events of "+acct, err)
	}
	for _, e := range evs {
		d.Events = append(d.Events, Event{SID: deref(e.Sid), Account: acct, Type: deref(e.EventType), Time: derefTime(e.EventDate),
			Source: deref(e.Source), ActorType: deref(e.ActorType), ActorSID: deref(e.ActorSid), IP: deref(e.SourceIpAddress),
			ResourceSID: deref(e.ResourceSid), ResourceType: deref(e.ResourceType), ResourceName: friendlyName(e.EventData)})
	}
	// Alerts older than 30 days cannot be read.
	alertFrom := from
	if limit := to.AddDate(0, 0, -30); alertFrom.Before(limit) {
		alertFrom = limit
	}
	als, err := s.MonitorV1.ListAlert(&monitor.ListAlertParams{StartDate: &alertFrom, EndDate: &to, PageSize: &size})
	if err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("alerts of %s not read: %v", acct, rest.Classify("list alerts", err)))
	}
	for _, a := range als {
		d.Alerts = append(d.Alerts, Alert{SID: deref(a.Sid), Account: acct, Time: derefTime(a.DateCreated), ErrorCode: deref(a.ErrorCode), URL: deref(a.RequestUrl)})
	}
	start, end := from.Format(time.DateOnly), to.Format(time.DateOnly)
	no := false
	cats := make([]string, 0, len(SpikeCategories()))
	for cat := range SpikeCategories() {
		cats = append(cats, cat)
	}
	slices.Sort(cats)
	for _, cat := range cats {
		recs, err := s.Api.ListUsageRecordDaily(&api.ListUsageRecordDailyParams{PathAccountSid: &acct, Category: &cat,
			StartDate: &start, EndDate: &end, IncludeSubaccounts: &no, PageSize: &size})
		if err != nil {
			d.Notes = append(d.Notes, fmt.Sprintf("usage (%s) of %s not read: %v", cat, acct, rest.Classify("list usage", err)))
			continue
		}
		for _, u := range recs {
			day, err := time.Parse(time.DateOnly, deref(u.StartDate))
			if err != nil {
				continue
			}
			count, _ := strconv.ParseFloat(deref(u.Count), 64)
			price := 0.0
			if u.Price != nil {
				price = float64(*u.Price)
			}
			d.Usage = append(d.Usage, Usage{Account: acct, Category: deref(u.Category), Day: day, Count: count, Price: price})
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// friendlyName reads event_data.friendly_name: a string for a created or
// deleted resource, {"previous","updated"} for an updated one.
func friendlyName(data *interface{}) string {
	if data == nil {
		return ""
	}
	m, _ := (*data).(map[string]any)
	switch v := m["friendly_name"].(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["updated"].(string)
		return s
	}
	return ""
}
