package exposure

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// Options tune the analysis. The zero value of each field has a default.
type Options struct {
	Since, Until time.Time
	// Baseline is the span before Since whose activity is normal: it
	// teaches the known addresses, usual hours and usual usage (14 days).
	Baseline time.Duration
	// Credential, when set, keeps only events by or about this SID (the
	// usage and alert checks stay account-wide).
	Credential string
	// KnownIPs are addresses and ranges known to be the team's own, added
	// to those learned from the baseline.
	KnownIPs []netip.Prefix
	// Location and WorkHours [from, to) are the usual hours of activity
	// (UTC, 7–21; to may be 24; from > to wraps midnight), widened by the
	// hours seen in the baseline.
	Location  *time.Location
	WorkHours [2]int
	// BurstCount authentication-failure alerts within BurstWindow make a
	// burst (10 within 1h).
	BurstCount  int
	BurstWindow time.Duration
}

// Defaults fills the zero fields.
func (o *Options) Defaults() {
	if o.Baseline <= 0 {
		o.Baseline = 14 * 24 * time.Hour
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.WorkHours == [2]int{} {
		o.WorkHours = [2]int{7, 21}
	}
	if o.BurstCount <= 0 {
		o.BurstCount = 10
	}
	if o.BurstWindow <= 0 {
		o.BurstWindow = time.Hour
	}
}

// Finding kinds.
const (
	KindCredential   = "credential-event"
	KindLogin        = "console-login"
	KindUnknownIP    = "unknown-address"
	KindUnusualHour  = "unusual-hour"
	KindUsageSpike   = "usage-spike"
	KindAuthFailures = "auth-failure-burst"
)

// Finding is one line of evidence.
type Finding struct {
	Kinds   []string  `json:"kinds"`
	Misuse  bool      `json:"misuse"`
	Account string    `json:"account_sid"`
	Time    time.Time `json:"time"`
	// Ref is what the line rests on: an event SID (AE…), an alert SID
	// (NO…), or a usage record URI.
	Ref   string `json:"ref"`
	Type  string `json:"type"` // event type, usage category, error code
	IP    string `json:"ip,omitempty"`
	Actor string `json:"actor,omitempty"`
	// Resource names what the event created or changed, e.g. a key's SID
	// and friendly name.
	Resource string `json:"resource,omitempty"`
	Detail   string `json:"detail"`
	// Action says what to do about it, when that is known (delete a key
	// created from an unknown address).
	Action string `json:"action,omitempty"`
}

// Report is the result of an exposure check.
type Report struct {
	Since         time.Time `json:"since"`
	Until         time.Time `json:"until"`
	BaselineFrom  time.Time `json:"baseline_from"`
	Accounts      []string  `json:"accounts"`
	Credential    string    `json:"credential,omitempty"`
	KnownIPs      []string  `json:"known_ips"`
	EventsChecked int       `json:"events_checked"`
	Findings      []Finding `json:"findings"`
	Notes         []string  `json:"notes"`
	// Misuse is true when any finding is evidence of misuse.
	Misuse bool `json:"misuse"`
	// Incomplete is true when a check could not be made (see Notes).
	Incomplete bool `json:"incomplete"`
}

// Analyze turns the data into a report.
func Analyze(d *Data, o Options) *Report {
	o.Defaults()
	rep := &Report{Since: o.Since.UTC(), Until: o.Until.UTC(), BaselineFrom: o.Since.Add(-o.Baseline).UTC(),
		Accounts: d.Accounts, Credential: o.Credential, Notes: append([]string(nil), d.Notes...), Findings: []Finding{}}
	rep.Incomplete = len(d.Notes) > 0
	rep.Notes = append(rep.Notes, d.Info...)
	known, learned := knownAddresses(d.Events, o)
	for _, p := range o.KnownIPs {
		rep.KnownIPs = append(rep.KnownIPs, p.String())
	}
	rep.KnownIPs = append(rep.KnownIPs, learned...)
	hours := usualHours(d.Events, o)
	canJudgeIP := len(known) > 0
	for _, ev := range d.Events {
		if ev.Time.Before(o.Since) || ev.Time.After(o.Until) || !relevant(ev, o.Credential) {
			continue
		}
		rep.EventsChecked++
		if f, ok := judgeEvent(ev, known, canJudgeIP, hours, o); ok {
			rep.Findings = append(rep.Findings, f)
		}
		if ev.IP != "" && !canJudgeIP && !rep.Incomplete {
			rep.Incomplete = true
			rep.Notes = append(rep.Notes, "no known addresses: the baseline had no activity to learn them from, so actions from unknown addresses were not checked; give --known-ips")
		}
	}
	rep.Findings = append(rep.Findings, spikes(d.Usage, o)...)
	rep.Findings = append(rep.Findings, bursts(d.Alerts, o)...)
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Ref < b.Ref
	})
	for _, f := range rep.Findings {
		rep.Misuse = rep.Misuse || f.Misuse
	}
	if o.Credential != "" {
		rep.Notes = append(rep.Notes, "usage and alert checks cover the whole account, not only "+o.Credential)
	}
	return rep
}

// relevant keeps events by or about the credential, when one is given.
func relevant(ev Event, cred string) bool {
	return cred == "" || ev.ActorSID == cred || ev.ResourceSID == cred
}

// knownAddresses are the given ranges plus every address active in the
// baseline.
func knownAddresses(evs []Event, o Options) ([]netip.Prefix, []string) {
	known := append([]netip.Prefix(nil), o.KnownIPs...)
	var learned []string
	from := o.Since.Add(-o.Baseline)
	for _, ev := range evs {
		if ev.IP == "" || ev.Time.Before(from) || !ev.Time.Before(o.Since) {
			continue
		}
		addr, err := netip.ParseAddr(ev.IP)
		if err != nil || slices.Contains(learned, addr.String()) {
			continue
		}
		learned = append(learned, addr.String())
		known = append(known, netip.PrefixFrom(addr, addr.BitLen()))
	}
	slices.Sort(learned)
	return known, learned
}

func isKnown(ip string, known []netip.Prefix) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range known {
		if p.Contains(addr.Unmap()) || p.Contains(addr) {
			return true
		}
	}
	return false
}

// usualHours are the work hours plus the hours (in o.Location) of the
// baseline's activity.
func usualHours(evs []Event, o Options) [24]bool {
	var h [24]bool
	n := o.WorkHours[1] - o.WorkHours[0]
	if n <= 0 {
		n += 24 // wraps midnight
	}
	for i := range n {
		h[(o.WorkHours[0]+i)%24] = true
	}
	from := o.Since.Add(-o.Baseline)
	for _, ev := range evs {
		if (ev.Source == "api" || ev.Source == "web") && !ev.Time.Before(from) && ev.Time.Before(o.Since) {
			h[ev.Time.In(o.Location).Hour()] = true
		}
	}
	return h
}

// credentialPrefixes start the event types about credentials.
var credentialPrefixes = []string{"account-api-keys.", "account-keys.", "account-auth-token.", "account-credentials.",
	"user-password.", "security-settings.", "account.created", "ip-access-control-list.", "sip-credential-list."}

func judgeEvent(ev Event, known []netip.Prefix, canJudgeIP bool, hours [24]bool, o Options) (Finding, bool) {
	f := Finding{Account: ev.Account, Time: ev.Time, Ref: ev.SID, Type: ev.Type, IP: ev.IP, Actor: ev.ActorSID}
	var why []string
	for _, p := range credentialPrefixes {
		if strings.HasPrefix(ev.Type, p) {
			f.Kinds = append(f.Kinds, KindCredential)
			why = append(why, "credential change")
			break
		}
	}
	if strings.HasPrefix(ev.Type, "user-session.created") || (ev.Source == "web" && strings.HasPrefix(ev.Type, "user-session.")) {
		f.Kinds = append(f.Kinds, KindLogin)
		why = append(why, "console login")
	}
	if ev.IP != "" && canJudgeIP && !isKnown(ev.IP, known) {
		f.Kinds = append(f.Kinds, KindUnknownIP)
		f.Misuse = true
		why = append(why, "from an address not seen before ("+ev.IP+")")
	}
	if (ev.Source == "api" || ev.Source == "web") && !hours[ev.Time.In(o.Location).Hour()] {
		f.Kinds = append(f.Kinds, KindUnusualHour)
		f.Misuse = true
		why = append(why, "at an unusual hour ("+ev.Time.In(o.Location).Format("15:04 MST")+")")
	}
	if len(f.Kinds) == 0 {
		return f, false
	}
	f.Resource = resourceName(ev)
	on := ""
	if f.Resource != "" {
		on = " on " + f.Resource
	}
	f.Detail = fmt.Sprintf("%s by %s %s%s: %s", ev.Type, ev.Source, orDash(ev.ActorSID), on, strings.Join(why, ", "))
	if f.Misuse && isKeyCreated(ev) {
		f.Action = fmt.Sprintf("if %s is not yours, delete it: 'twilio api:core:keys:remove --sid %s' (or Console > Account > API keys), "+
			"then rotate the credential that created it ('vigil twilio rotate')", ev.ResourceSID, ev.ResourceSID)
	}
	return f, true
}

// resourceName is the event's resource as a person reads it: the SID and,
// when the event's data has it, the friendly name. The account itself is
// left out (most events are about it).
func resourceName(ev Event) string {
	if ev.ResourceSID == "" || ev.ResourceSID == ev.Account {
		return ""
	}
	kind := ""
	if strings.HasPrefix(ev.ResourceSID, "SK") {
		kind = "key "
	}
	if ev.ResourceName != "" {
		return fmt.Sprintf("%s%s (%q)", kind, ev.ResourceSID, ev.ResourceName)
	}
	return kind + ev.ResourceSID
}

// isKeyCreated reports an API key's creation.
func isKeyCreated(ev Event) bool {
	return strings.HasPrefix(ev.ResourceSID, "SK") && (ev.Type == "account-api-keys.created" || ev.Type == "account-keys.created")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// spikes compares each window day's usage with the baseline days'.
func spikes(us []Usage, o Options) []Finding {
	type key struct{ acct, cat string }
	base := map[key]map[time.Time]float64{}
	win := map[key]map[time.Time]float64{}
	from := day(o.Since.Add(-o.Baseline))
	for _, u := range us {
		if _, ok := SpikeCategories()[u.Category]; !ok {
			continue
		}
		v := u.Count
		if u.Category == "totalprice" {
			v = u.Price
		}
		k := key{u.Account, u.Category}
		d := day(u.Day)
		switch {
		case !d.Before(from) && d.Before(day(o.Since)):
			if base[k] == nil {
				base[k] = map[time.Time]float64{}
			}
			base[k][d] += v
		case !d.Before(day(o.Since)) && !d.After(o.Until):
			if win[k] == nil {
				win[k] = map[time.Time]float64{}
			}
			win[k][d] += v
		}
	}
	days := int(day(o.Since).Sub(from).Hours()/24 + 0.5)
	var out []Finding
	for k, w := range win {
		var sum, sq float64
		for _, v := range base[k] {
			sum += v
			sq += v * v
		}
		mean := sum / float64(max(days, 1))
		std := math.Sqrt(max(sq/float64(max(days, 1))-mean*mean, 0))
		limit := max(mean+4*std, 3*mean, SpikeCategories()[k.cat])
		for d, v := range w {
			if v <= limit {
				continue
			}
			unit := "messages"
			switch k.cat {
			case "calls":
				unit = "calls"
			case "totalprice":
				unit = "USD"
			}
			out = append(out, Finding{Kinds: []string{KindUsageSpike}, Misuse: true, Account: k.acct, Time: d, Type: k.cat,
				Ref:    fmt.Sprintf("/2010-04-01/Accounts/%s/Usage/Records/Daily.json?Category=%s&StartDate=%s&EndDate=%s", k.acct, k.cat, d.Format(time.DateOnly), d.Format(time.DateOnly)),
				Detail: fmt.Sprintf("%s on %s: %s %s, against %s a day in the baseline", k.cat, d.Format(time.DateOnly), num(v), unit, num(mean))})
		}
	}
	return out
}

func num(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.2f", f)
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// authFailureCodes are alert codes that mean a credential was refused.
var authFailureCodes = []string{"20003", "20005", "20403", "70051"}

// bursts finds BurstCount or more authentication-failure alerts within
// BurstWindow in the window, one finding per burst.
func bursts(as []Alert, o Options) []Finding {
	byAcct := map[string][]Alert{}
	for _, a := range as {
		if slices.Contains(authFailureCodes, a.ErrorCode) && !a.Time.Before(o.Since) && !a.Time.After(o.Until) {
			byAcct[a.Account] = append(byAcct[a.Account], a)
		}
	}
	var out []Finding
	for acct, list := range byAcct {
		sort.Slice(list, func(i, j int) bool { return list[i].Time.Before(list[j].Time) })
		for i := 0; i < len(list); {
			j := i
			for j < len(list) && list[j].Time.Sub(list[i].Time) <= o.BurstWindow {
				j++
			}
			if n := j - i; n >= o.BurstCount {
				// Extend the burst while alerts keep coming within the window.
				for j < len(list) && list[j].Time.Sub(list[j-1].Time) <= o.BurstWindow {
					j++
				}
				out = append(out, Finding{Kinds: []string{KindAuthFailures}, Misuse: true, Account: acct, Time: list[i].Time,
					Ref: list[i].SID, Type: list[i].ErrorCode,
					Detail: fmt.Sprintf("%d authentication-failure alerts (%s) from %s to %s, first %s, last %s", j-i, list[i].ErrorCode,
						list[i].Time.Format(time.RFC3339), list[j-1].Time.Format(time.RFC3339), list[i].SID, list[j-1].SID)})
				i = j
				continue
			}
			i++
		}
	}
	return out
}
