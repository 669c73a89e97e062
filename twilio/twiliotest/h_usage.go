package twiliotest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// usagePeriodNames lists the Usage/Records subresources.
func usagePeriodNames() []string {
	return []string{"Daily", "Monthly", "Yearly", "AllTime", "Today", "Yesterday", "ThisMonth", "LastMonth"}
}

func usageRecordsPeriod(c *call) {
	p := c.params["Period"]
	if !slices.Contains(usagePeriodNames(), p) {
		c.w.writeError(errNotFound(c.path))
		return
	}
	usageRecords(p)(c)
}

// usageBucket is one period of one category.
type usageBucket struct {
	category           string
	start, end         time.Time
	count, usage, cost float64
	countUnit, unit    string
}

var usageOffset = regexp.MustCompile(`^([+-])(\d+)days$`)

// usageDate parses a StartDate/EndDate: YYYY-MM-DD or an offset from
// today such as -30days.
func usageDate(s string, today time.Time) (time.Time, bool) {
	if m := usageOffset.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		return today.AddDate(0, 0, n), true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// usageRange is the window a request covers.
func usageRange(c *call, period string) (from, to time.Time, ok bool) {
	today := day(c.now)
	switch period {
	case "Today":
		return today, today, true
	case "Yesterday":
		y := today.AddDate(0, 0, -1)
		return y, y, true
	case "ThisMonth":
		return today.AddDate(0, 0, 1-today.Day()), today, true
	case "LastMonth":
		first := today.AddDate(0, 0, 1-today.Day())
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	}
	from, to = time.Time{}, today
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"StartDate", &from}, {"EndDate", &to}} {
		s := c.param(f.name)
		if s == "" {
			continue
		}
		t, good := usageDate(s, today)
		if !good {
			c.w.writeError(errParam("%s must be YYYY-MM-DD or an offset such as -30days, got %q", f.name, s))
			return from, to, false
		}
		*f.dst = t
	}
	return from, to, true
}

// bucketStart returns the first day of the period containing d.
func bucketStart(period string, d time.Time) time.Time {
	switch period {
	case "Daily":
		return d
	case "Monthly":
		return d.AddDate(0, 0, 1-d.Day())
	case "Yearly":
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{} // one bucket for the whole window
}

func bucketEnd(period string, start time.Time) time.Time {
	switch period {
	case "Daily":
		return start
	case "Monthly":
		return start.AddDate(0, 1, -1)
	case "Yearly":
		return start.AddDate(1, 0, -1)
	}
	return time.Time{}
}

// usageRecords answers Usage/Records[/Period]: seeded daily usage summed
// per category and period, with the categories Twilio rolls up derived
// from their parts ("sms" from sms-outbound and sms-inbound, "calls" from
// the call legs; see usageParent) and "totalprice" from every price, each
// unless seeded itself.
// IncludeSubaccounts (default true) adds the subaccounts' usage.
func usageRecords(period string) func(*call) {
	return func(c *call) {
		from, to, ok := usageRange(c, period)
		if !ok {
			return
		}
		accts := []*account{c.acct}
		if c.param("IncludeSubaccounts") != "false" {
			for _, sid := range c.acct.subs {
				accts = append(accts, c.e.accounts[sid])
			}
		}
		category := c.param("Category")
		buckets := map[string]*usageBucket{}
		var keys []string
		add := func(cat string, u usageEntry, withCounts bool) {
			start := bucketStart(period, u.day)
			k := cat + "/" + start.Format(time.DateOnly)
			b := buckets[k]
			if b == nil {
				b = &usageBucket{category: cat, start: start, end: bucketEnd(period, start), countUnit: u.countUnit, unit: u.usageUnit}
				if b.start.IsZero() {
					b.start, b.end = from, to
				}
				buckets[k] = b
				keys = append(keys, k)
			}
			if withCounts {
				b.count += u.count
				b.usage += u.usage
			}
			b.cost += u.price
		}
		seeded := map[string]bool{}
		for _, a := range accts {
			for _, u := range a.usage {
				seeded[u.category] = true
			}
		}
		seededTotal := seeded["totalprice"]
		isSeeded := func(c string) bool { return seeded[c] }
		for _, a := range accts {
			for _, u := range a.usage {
				if !inWindow(u.day, from, to) {
					continue
				}
				if category == "" || category == u.category {
					add(u.category, u, true)
				}
				// Twilio reports "sms" for every SMS, "calls" for every
				// call: a seeded sms-outbound counts there too.
				for _, p := range rollUps(u.category, isSeeded) {
					if category == "" || category == p {
						add(p, u, true)
					}
				}
				if !seededTotal && u.category != "totalprice" && (category == "" || category == "totalprice") {
					add("totalprice", usageEntry{day: u.day, price: u.price, countUnit: "", usageUnit: "usd"}, false)
				}
			}
		}
		slices.SortFunc(keys, func(x, y string) int {
			bx, by := buckets[x], buckets[y]
			if c := bx.start.Compare(by.start); c != 0 {
				return c
			}
			return compareStrings(bx.category, by.category)
		})
		items := make([]item, 0, len(keys))
		for _, k := range keys {
			items = append(items, item{id: k, fields: c.usageJSON(buckets[k], period)})
		}
		c.list("usage_records", items)
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (c *call) usageJSON(b *usageBucket, period string) map[string]any {
	base := "/2010-04-01/Accounts/" + c.acct.sid + "/Usage/Records"
	sub := map[string]any{}
	for _, p := range usagePeriodNames() {
		sub[snake(p)] = base + "/" + p + ".json?Category=" + b.category
	}
	uri := base + ".json"
	if period != "" {
		uri = base + "/" + period + ".json"
	}
	startS, endS := "", ""
	if !b.start.IsZero() {
		startS = b.start.Format(time.DateOnly)
	}
	if !b.end.IsZero() {
		endS = b.end.Format(time.DateOnly)
	}
	return map[string]any{
		"account_sid": c.acct.sid, "api_version": "2010-04-01",
		"as_of": c.now.Format("2006-01-02T15:04:05+00:00"), "category": b.category,
		"count": money(b.count), "count_unit": b.countUnit, "description": b.category,
		"start_date": startS, "end_date": endS, "price": fmt.Sprintf("%.5f", b.cost), "price_unit": "usd",
		"subresource_uris": sub, "uri": uri + "?Category=" + b.category,
		"usage": money(b.usage), "usage_unit": b.unit,
	}
}

// snake turns "AllTime" into "all_time".
func snake(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' {
			if i > 0 {
				out = append(out, '_')
			}
			ch += 'a' - 'A'
		}
		out = append(out, ch)
	}
	return string(out)
}

// Usage Triggers.

func (c *call) triggerJSON(t *resource) map[string]any {
	m := map[string]any{}
	for k, v := range t.fields {
		m[k] = v
	}
	m["sid"], m["account_sid"], m["api_version"] = t.sid, c.acct.sid, "2010-04-01"
	m["date_created"], m["date_updated"] = rfc2822.format(t.created), rfc2822.format(t.updated)
	m["uri"] = "/2010-04-01/Accounts/" + c.acct.sid + "/Usage/Triggers/" + t.sid + ".json"
	m["usage_record_uri"] = "/2010-04-01/Accounts/" + c.acct.sid + "/Usage/Records.json?Category=" + fmt.Sprint(t.fields["usage_category"])
	return m
}

func listTriggers(c *call) {
	var items []item
	for _, t := range c.acct.triggers {
		if r := c.param("Recurring"); r != "" && t.fields["recurring"] != r {
			continue
		}
		if u := c.param("UsageCategory"); u != "" && t.fields["usage_category"] != u {
			continue
		}
		items = append(items, item{id: t.sid, fields: c.triggerJSON(t)})
	}
	c.list("usage_triggers", items)
}

func createTrigger(c *call) {
	for _, p := range []string{"CallbackUrl", "TriggerValue", "UsageCategory"} {
		if c.param(p) == "" {
			c.w.writeError(errParam("Missing required parameter %s in the post body", p))
			return
		}
	}
	seed := TriggerSeed{
		FriendlyName: c.param("FriendlyName"), CallbackURL: c.param("CallbackUrl"), CallbackMethod: c.param("CallbackMethod"),
		TriggerValue: c.param("TriggerValue"), UsageCategory: c.param("UsageCategory"),
		Recurring: c.param("Recurring"), TriggerBy: c.param("TriggerBy"),
	}
	t := c.e.addTriggerLocked(c.acct, seed, c.now)
	c.record(c.acct, "usage-trigger.created", "usage-trigger", t.sid, nil)
	c.w.writeJSON(http.StatusCreated, c.triggerJSON(t))
}

func (c *call) triggerFromPath() *resource {
	t := findResource(c.acct.triggers, c.params["Sid"])
	if t == nil {
		c.w.writeError(errNotFound(c.path))
	}
	return t
}

func fetchTrigger(c *call) {
	if t := c.triggerFromPath(); t != nil {
		c.w.writeJSON(200, c.triggerJSON(t))
	}
}

func updateTrigger(c *call) {
	t := c.triggerFromPath()
	if t == nil {
		return
	}
	for param, field := range map[string]string{"FriendlyName": "friendly_name", "CallbackUrl": "callback_url", "CallbackMethod": "callback_method"} {
		if v := c.param(param); v != "" {
			t.fields[field] = v
		}
	}
	t.updated = c.now
	c.record(c.acct, "usage-trigger.updated", "usage-trigger", t.sid, nil)
	c.w.writeJSON(200, c.triggerJSON(t))
}

func deleteTrigger(c *call) {
	if t := c.triggerFromPath(); t != nil {
		removeResource(&c.acct.triggers, t.sid)
		c.record(c.acct, "usage-trigger.deleted", "usage-trigger", t.sid, nil)
		c.w.status = http.StatusNoContent
	}
}
