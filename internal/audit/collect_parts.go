package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	iam "github.com/twilio/twilio-go/rest/iam/v1"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"
	monitor "github.com/twilio/twilio-go/rest/monitor/v1"
	voice "github.com/twilio/twilio-go/rest/voice/v1"

	"github.com/vigilsec/vigil/twilio/rest"
)

// target is an account to read and the clients that may read it.
type target struct {
	acct Account
	// own reads everything; nil when the audit has no credential of the
	// account itself (a subaccount whose token the list did not show).
	own *rest.Client
	// parent reads the v2010 and iam APIs of a subaccount when own is nil.
	parent  *rest.Client
	keyCred bool // the credential is an API key
}

// v2010 is the client for api.twilio.com and iam Keys.
func (t target) v2010() *rest.Client {
	if t.own != nil {
		return t.own
	}
	return t.parent
}

var errNoOwnCredential = &Gap{What: "the subaccount's own APIs", Reason: "the account list did not include the subaccount's Auth Token"}

// snapshot reads every part of an active account concurrently.
func (c *collector) snapshot(ctx context.Context, t target, subs Part[[]Account]) *Snapshot {
	s := &Snapshot{Account: t.acct, Subaccounts: subs}
	sid := t.acct.SID
	if t.acct.Status != "active" {
		return s
	}
	old := t.v2010().Services(ctx)
	v1 := func(part func(*rest.Services)) func() {
		return func() {
			if t.own != nil {
				part(t.own.Services(ctx))
			}
		}
	}
	parallel(
		func() { s.Webhooks, s.Triggers = c.webhooks(ctx, t) },
		func() { s.Keys = c.keys(ctx, old, sid, t.keyCred) },
		func() {
			if t.acct.IsSub() {
				s.Activity = c.activity(ctx, old, sid)
			}
		},
		v1(func(svc *rest.Services) { s.Countries = c.countries(ctx, svc, t.acct.IsSub()) }),
		v1(func(svc *rest.Services) { s.PublicKeys = c.publicKeys(ctx, svc) }),
		v1(func(svc *rest.Services) { s.Events = c.events(ctx, svc) }),
		v1(func(svc *rest.Services) { s.Token = c.token(ctx, svc) }),
	)
	if t.own == nil {
		s.Countries.Gap, s.PublicKeys.Gap = errNoOwnCredential, errNoOwnCredential
		s.Events.Gap, s.Token.Gap = errNoOwnCredential, errNoOwnCredential
	}
	return s
}

// webhooks reads every webhook URL of an account: its phone numbers',
// TwiML applications', Messaging Services' and usage triggers' (the
// triggers are returned too, for FRAUD-02).
func (c *collector) webhooks(ctx context.Context, t target) (Part[[]Webhook], Part[[]Trigger]) {
	old := t.v2010().Services(ctx)
	sid := t.acct.SID
	var numbers, apps, services Part[[]Webhook]
	var triggers Part[[]Trigger]
	parallel(
		func() { numbers = c.numbers(ctx, old, sid) },
		func() { apps = c.apps(ctx, old, sid) },
		func() { triggers = c.triggers(ctx, old, sid) },
		func() {
			if t.own != nil {
				services = c.services(ctx, t.own.Services(ctx))
			}
		},
	)
	if t.own == nil {
		services.Gap = errNoOwnCredential
	}
	return joinHooks(numbers, apps, services, triggerHooks(triggers)), triggers
}

func (c *collector) keys(ctx context.Context, svc *rest.Services, sid string, keyCred bool) Part[[]Key] {
	var list []iam.IamV1GetKeys
	if err := c.call(ctx, "list API keys", func() (err error) {
		list, err = svc.IamV1.ListGetKeys(&iam.ListGetKeysParams{AccountSid: &sid, PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]Key]{Gap: gapFor("API keys", err, keyCred, true)}
	}
	keys := make([]Key, len(list))
	gaps := make([]*Gap, len(list))
	fs := make([]func(), len(list))
	for i, k := range list {
		keys[i] = Key{SID: str(k.Sid), FriendlyName: str(k.FriendlyName), Created: parseRFC2822(k.DateCreated)}
		fs[i] = func() {
			var full *iam.IamV1Key
			if err := c.call(ctx, "fetch API key "+keys[i].SID, func() (err error) {
				full, err = svc.IamV1.FetchKey(keys[i].SID)
				return err
			}); err != nil {
				gaps[i] = gapFor("the policy of key "+keys[i].SID, err, keyCred, true)
				return
			}
			if full.Policy != nil {
				keys[i].Restricted = true
				if allow, ok := (*full.Policy)["allow"].([]any); ok {
					keys[i].Permissions = len(allow)
				}
			}
		}
	}
	parallel(fs...)
	for _, g := range gaps {
		if g != nil {
			return Part[[]Key]{Value: keys, Gap: g}
		}
	}
	return Part[[]Key]{Value: keys}
}

func hook(resource, kind, name, field string, u *string) []Webhook {
	if v := strings.TrimSpace(str(u)); v != "" {
		return []Webhook{{Resource: resource, Kind: kind, Name: name, Field: field, URL: v}}
	}
	return nil
}

func (c *collector) numbers(ctx context.Context, svc *rest.Services, sid string) Part[[]Webhook] {
	var list []api.ApiV2010IncomingPhoneNumber
	if err := c.call(ctx, "list phone numbers", func() (err error) {
		list, err = svc.Api.ListIncomingPhoneNumber(&api.ListIncomingPhoneNumberParams{PathAccountSid: &sid, PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]Webhook]{Gap: gapFor("phone numbers", err, false, false)}
	}
	var out []Webhook
	for _, n := range list {
		id, name := str(n.Sid), str(n.PhoneNumber)
		out = append(out, hook(id, "phone number", name, "voice_url", n.VoiceUrl)...)
		out = append(out, hook(id, "phone number", name, "voice_fallback_url", n.VoiceFallbackUrl)...)
		out = append(out, hook(id, "phone number", name, "sms_url", n.SmsUrl)...)
		out = append(out, hook(id, "phone number", name, "sms_fallback_url", n.SmsFallbackUrl)...)
		out = append(out, hook(id, "phone number", name, "status_callback", n.StatusCallback)...)
	}
	return Part[[]Webhook]{Value: out}
}

func (c *collector) apps(ctx context.Context, svc *rest.Services, sid string) Part[[]Webhook] {
	var list []api.ApiV2010Application
	if err := c.call(ctx, "list TwiML applications", func() (err error) {
		list, err = svc.Api.ListApplication(&api.ListApplicationParams{PathAccountSid: &sid, PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]Webhook]{Gap: gapFor("TwiML applications", err, false, false)}
	}
	var out []Webhook
	for _, a := range list {
		id, name := str(a.Sid), str(a.FriendlyName)
		for _, f := range []struct {
			field string
			v     *string
		}{{"voice_url", a.VoiceUrl}, {"voice_fallback_url", a.VoiceFallbackUrl}, {"sms_url", a.SmsUrl},
			{"sms_fallback_url", a.SmsFallbackUrl}, {"sms_status_callback", a.SmsStatusCallback},
			{"status_callback", a.StatusCallback}, {"message_status_callback", a.MessageStatusCallback}} {
			out = append(out, hook(id, "TwiML application", name, f.field, f.v)...)
		}
	}
	return Part[[]Webhook]{Value: out}
}

func (c *collector) services(ctx context.Context, svc *rest.Services) Part[[]Webhook] {
	var list []messaging.MessagingV1Service
	if err := c.call(ctx, "list Messaging Services", func() (err error) {
		list, err = svc.MessagingV1.ListService(&messaging.ListServiceParams{PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]Webhook]{Gap: gapFor("Messaging Services", err, false, false)}
	}
	var out []Webhook
	for _, m := range list {
		id, name := str(m.Sid), str(m.FriendlyName)
		out = append(out, hook(id, "Messaging Service", name, "inbound_request_url", m.InboundRequestUrl)...)
		out = append(out, hook(id, "Messaging Service", name, "fallback_url", m.FallbackUrl)...)
		out = append(out, hook(id, "Messaging Service", name, "status_callback", m.StatusCallback)...)
	}
	return Part[[]Webhook]{Value: out}
}

func (c *collector) triggers(ctx context.Context, svc *rest.Services, sid string) Part[[]Trigger] {
	var list []api.ApiV2010UsageTrigger
	if err := c.call(ctx, "list usage triggers", func() (err error) {
		list, err = svc.Api.ListUsageTrigger(&api.ListUsageTriggerParams{PathAccountSid: &sid, PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]Trigger]{Gap: gapFor("usage triggers", err, false, false)}
	}
	out := make([]Trigger, 0, len(list))
	for _, t := range list {
		out = append(out, Trigger{SID: str(t.Sid), FriendlyName: str(t.FriendlyName), Category: str(t.UsageCategory),
			TriggerBy: str(t.TriggerBy), Value: str(t.TriggerValue), Recurring: str(t.Recurring), CallbackURL: str(t.CallbackUrl)})
	}
	return Part[[]Trigger]{Value: out}
}

// triggerHooks are the usage triggers' callback URLs.
func triggerHooks(p Part[[]Trigger]) Part[[]Webhook] {
	out := Part[[]Webhook]{Gap: p.Gap}
	for _, t := range p.Value {
		out.Value = append(out.Value, hook(t.SID, "usage trigger", t.FriendlyName, "callback_url", &t.CallbackURL)...)
	}
	return out
}

// joinHooks merges webhook parts; the first gap stands for all.
func joinHooks(parts ...Part[[]Webhook]) Part[[]Webhook] {
	var out Part[[]Webhook]
	var missing []string
	for _, p := range parts {
		out.Value = append(out.Value, p.Value...)
		if p.Gap != nil {
			missing = append(missing, p.Gap.What)
			if out.Gap == nil {
				g := *p.Gap
				out.Gap = &g
			}
		}
	}
	if len(missing) > 1 {
		out.Gap.What = strings.Join(missing, ", ")
	}
	return out
}

func (c *collector) countries(ctx context.Context, svc *rest.Services, sub bool) Part[Dialing] {
	var list []voice.VoiceV1DialingPermissionsCountry
	if err := c.call(ctx, "list voice dialing permissions", func() (err error) {
		list, err = svc.VoiceV1.ListDialingPermissionsCountry(&voice.ListDialingPermissionsCountryParams{PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[Dialing]{Gap: gapFor("voice dialing permissions", err, false, false)}
	}
	var d Dialing
	for _, k := range list {
		d.Countries = append(d.Countries, Country{ISO: str(k.IsoCode), Name: str(k.Name), LowRisk: flag(k.LowRiskNumbersEnabled),
			HighRiskSpecial: flag(k.HighRiskSpecialNumbersEnabled), TollFraud: flag(k.HighRiskTollfraudNumbersEnabled)})
	}
	if sub {
		var st *voice.VoiceV1DialingPermissionsSettings
		if err := c.call(ctx, "fetch voice settings", func() (err error) {
			st, err = svc.VoiceV1.FetchDialingPermissionsSettings()
			return err
		}); err == nil {
			d.Inherits = st.DialingPermissionsInheritance
		}
	}
	return Part[Dialing]{Value: d}
}

func flag(b *bool) bool { return b != nil && *b }

func (c *collector) publicKeys(ctx context.Context, svc *rest.Services) Part[[]PublicKey] {
	var list []accounts.AccountsV1CredentialPublicKey
	if err := c.call(ctx, "list public keys", func() (err error) {
		list, err = svc.AccountsV1.ListCredentialPublicKey(&accounts.ListCredentialPublicKeyParams{PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[[]PublicKey]{Gap: gapFor("Public Key Client Validation keys", err, false, false)}
	}
	out := make([]PublicKey, 0, len(list))
	for _, k := range list {
		pk := PublicKey{SID: str(k.Sid), FriendlyName: str(k.FriendlyName)}
		if k.DateCreated != nil {
			pk.Created = k.DateCreated.UTC()
		}
		out = append(out, pk)
	}
	return Part[[]PublicKey]{Value: out}
}

// maxEvents bounds the Monitor events read for one account.
const maxEvents = 20000

func (c *collector) events(ctx context.Context, svc *rest.Services) Part[[]Event] {
	since := c.now.Add(-c.maxKeyAge)
	var list []monitor.MonitorV1Event
	if err := c.call(ctx, "list Monitor events", func() (err error) {
		list, err = svc.MonitorV1.ListEvent(&monitor.ListEventParams{StartDate: &since, PageSize: ptr(1000), Limit: ptr(maxEvents)})
		return err
	}); err != nil {
		return Part[[]Event]{Gap: gapFor("Monitor events", err, false, false)}
	}
	out := make([]Event, 0, len(list))
	for _, e := range list {
		out = append(out, event(e))
	}
	return Part[[]Event]{Value: out}
}

func event(e monitor.MonitorV1Event) Event {
	ev := Event{SID: str(e.Sid), Type: str(e.EventType), ActorSID: str(e.ActorSid), ActorType: str(e.ActorType),
		ResourceSID: str(e.ResourceSid), Source: str(e.Source), SourceIP: str(e.SourceIpAddress)}
	if e.EventDate != nil {
		ev.Date = e.EventDate.UTC()
	}
	return ev
}

// token reads the newest Auth Token event of each kind (one request each:
// Monitor filters by one event type at a time).
func (c *collector) token(ctx context.Context, svc *rest.Services) Part[TokenHistory] {
	var h TokenHistory
	newest := func(typ string) (Event, *rest.Error) {
		var list []monitor.MonitorV1Event
		err := c.call(ctx, "list "+typ+" events", func() (err error) {
			list, err = svc.MonitorV1.ListEvent(&monitor.ListEventParams{EventType: &typ, PageSize: ptr(1), Limit: ptr(1)})
			return err
		})
		if err != nil || len(list) == 0 {
			return Event{}, err
		}
		return event(list[0]), nil
	}
	var errs [4]*rest.Error
	var evs [3]Event
	types := []string{"account-auth-token.promoted", "account-auth-token.secondary-created", "account-auth-token.secondary-deleted"}
	parallel(
		func() { evs[0], errs[0] = newest(types[0]) },
		func() { evs[1], errs[1] = newest(types[1]) },
		func() { evs[2], errs[2] = newest(types[2]) },
		func() { h.Shown, errs[3] = c.retention(ctx, svc) },
	)
	for _, err := range errs {
		if err != nil {
			return Part[TokenHistory]{Gap: gapFor("Auth Token events", err, false, false)}
		}
	}
	h.Promoted, h.PromotedSID = evs[0].Date, evs[0].SID
	h.SecondaryCreated, h.SecondaryCreatedSID = evs[1].Date, evs[1].SID
	h.SecondaryDeleted = evs[2].Date
	return Part[TokenHistory]{Value: h}
}

// Monitor's documented retention: 30 days on every plan, 13 months with
// the Administration, Security or Enterprise Edition.
const (
	monitorShortRetention = 30 * 24 * time.Hour
	monitorLongMonths     = 13
)

// retention finds how far back Monitor shows the account's events: it
// asks for the newest event older than the short retention. One means the
// account keeps events for 13 months; none means only the last 30 days
// are known to be shown (or nothing older happened, which Monitor cannot
// tell apart).
func (c *collector) retention(ctx context.Context, svc *rest.Services) (Retention, *rest.Error) {
	short := c.now.Add(-monitorShortRetention)
	var list []monitor.MonitorV1Event
	err := c.call(ctx, "list Monitor events older than 30 days", func() (err error) {
		list, err = svc.MonitorV1.ListEvent(&monitor.ListEventParams{EndDate: &short, PageSize: ptr(1), Limit: ptr(1)})
		return err
	})
	if err != nil {
		return Retention{}, err
	}
	if len(list) == 0 {
		return Retention{Since: short, Why: "Monitor returned no event older than 30 days, the retention of every plan"}, nil
	}
	old := event(list[0])
	return Retention{Since: c.now.AddDate(0, -monitorLongMonths, 0),
		Why: fmt.Sprintf("Monitor returned an event from %s, so the account keeps events 13 months", old.Date.Format(time.DateOnly))}, nil
}

// activity sums a subaccount's traffic in the inactivity window. Standing
// charges (numbers, short codes) and the totals are not traffic.
func (c *collector) activity(ctx context.Context, svc *rest.Services, sid string) Part[Activity] {
	since := c.now.Add(-c.inactive).UTC()
	start, end := since.Format(time.DateOnly), c.now.UTC().Format(time.DateOnly)
	var list []api.ApiV2010UsageRecord
	if err := c.call(ctx, "list usage records", func() (err error) {
		list, err = svc.Api.ListUsageRecord(&api.ListUsageRecordParams{PathAccountSid: &sid, StartDate: &start, EndDate: &end,
			IncludeSubaccounts: ptr(false), PageSize: ptr(1000)})
		return err
	}); err != nil {
		return Part[Activity]{Gap: gapFor("usage records", err, false, false)}
	}
	act := Activity{Since: since, Categories: map[string]float64{}}
	for _, r := range list {
		cat := str(r.Category)
		if cat == "totalprice" || strings.HasPrefix(cat, "phonenumbers") || strings.HasPrefix(cat, "shortcodes") {
			continue
		}
		if n, err := strconv.ParseFloat(str(r.Count), 64); err == nil && n > 0 {
			act.Categories[cat] += n
		}
	}
	return Part[Activity]{Value: act}
}
