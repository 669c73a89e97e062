package twiliotest

import (
	"net"
	"slices"
	"sort"
	"strings"
	"time"
)

// clientIP is the address a request came from: the first X-Forwarded-For
// entry when present (so tests can play requests from 203.0.113.7),
// otherwise the connection's address.
func (c *call) clientIP() string {
	if xff := c.r.Header.Get("X-Forwarded-For"); xff != "" {
		return strings.TrimSpace(strings.Split(xff, ",")[0])
	}
	if host, _, err := net.SplitHostPort(c.r.RemoteAddr); err == nil {
		return host
	}
	return c.r.RemoteAddr
}

// record appends a Monitor event for a change made by this call: source
// "api", actor the authenticating account (Twilio's "api / account / AC…").
func (c *call) record(a *account, typ, resourceType, resourceSID string, data map[string]any) {
	actor := c.acct.sid
	if c.who != nil {
		actor = c.who.acct.sid
	}
	c.e.appendEvent(a, &event{
		actorSID: actor, actorType: "account", date: c.now, typ: typ,
		resourceSID: resourceSID, resourceTyp: resourceType, source: "api",
		ip: c.clientIP(), data: data,
	})
}

// appendEvent adds an event to an account, keeping events sorted by date.
func (e *Emulator) appendEvent(a *account, ev *event) {
	if ev.sid == "" {
		ev.sid = e.newSID("AE")
	}
	ev.accountSID = a.sid
	if ev.data == nil {
		ev.data = map[string]any{}
	}
	// Insert after every event at or before its date (usually at the end).
	i := sort.Search(len(a.events), func(i int) bool { return a.events[i].date.After(ev.date) })
	a.events = slices.Insert(a.events, i, ev)
}

func (c *call) eventJSON(ev *event) map[string]any {
	links := map[string]any{"resource": nil, "actor": nil}
	if strings.HasPrefix(ev.actorSID, "AC") {
		links["actor"] = "https://api.twilio.com/2010-04-01/Accounts/" + ev.actorSID
	}
	if strings.HasPrefix(ev.resourceSID, "AC") {
		links["resource"] = "https://api.twilio.com/2010-04-01/Accounts/" + ev.resourceSID
	}
	return map[string]any{
		"account_sid": ev.accountSID, "actor_sid": nullable(ev.actorSID), "actor_type": ev.actorType,
		"description": nullable(ev.description), "event_data": ev.data,
		"event_date": iso8601.format(ev.date), "event_type": ev.typ,
		"resource_sid": ev.resourceSID, "resource_type": ev.resourceTyp, "sid": ev.sid,
		"source": ev.source, "source_ip_address": nullable(ev.ip),
		"url": c.resourceURL("/v1/Events/" + ev.sid), "links": links,
	}
}

// parseWindow reads StartDate and EndDate. dateOnly allows YYYY-MM-DD
// (Alerts); Events want ISO 8601 date-times. An EndDate given as a date
// covers that whole day.
func parseWindow(c *call, dateOnly bool) (from, to time.Time, ok bool) {
	parse := func(name string, end bool) (time.Time, bool) {
		s := c.param(name)
		if s == "" {
			return time.Time{}, true
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, true
		}
		if dateOnly {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				if end {
					t = t.Add(24*time.Hour - time.Nanosecond)
				}
				return t, true
			}
		}
		c.w.writeError(errParam("%s must be an ISO 8601 date-time such as 2026-01-02T15:04:05Z, got %q", name, s))
		return time.Time{}, false
	}
	if from, ok = parse("StartDate", false); !ok {
		return
	}
	to, ok = parse("EndDate", true)
	return
}

func inWindow(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

// listEvents lists Monitor events newest first. Twilio allows one filter
// besides the dates; two or more are a 400.
func listEvents(c *call) {
	filters := map[string]func(*event) string{
		"ActorSid":        func(ev *event) string { return ev.actorSID },
		"EventType":       func(ev *event) string { return ev.typ },
		"ResourceSid":     func(ev *event) string { return ev.resourceSID },
		"SourceIpAddress": func(ev *event) string { return ev.ip },
	}
	var name string
	for f := range filters {
		if c.param(f) == "" {
			continue
		}
		if name != "" {
			c.w.writeError(errParam("Filtering on more than one of ActorSid, EventType, ResourceSid and SourceIpAddress in the same request is not supported"))
			return
		}
		name = f
	}
	from, to, ok := parseWindow(c, false)
	if !ok {
		return
	}
	var items []item
	for i := len(c.acct.events) - 1; i >= 0; i-- {
		ev := c.acct.events[i]
		if name != "" && filters[name](ev) != c.param(name) {
			continue
		}
		if !inWindow(ev.date, from, to) {
			continue
		}
		items = append(items, item{id: ev.sid, render: func() map[string]any { return c.eventJSON(ev) }})
	}
	c.list("events", items)
}

func fetchEvent(c *call) {
	for _, ev := range c.acct.events {
		if ev.sid == c.params["Sid"] {
			c.w.writeJSON(200, c.eventJSON(ev))
			return
		}
	}
	c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
}

func (c *call) alertJSON(al *alert, full bool) map[string]any {
	m := map[string]any{
		"account_sid": c.acct.sid, "alert_text": al.text, "api_version": "2010-04-01",
		"date_created": iso8601.format(al.created), "date_generated": iso8601.format(al.created),
		"date_updated": iso8601.format(al.created), "error_code": al.errorCode, "log_level": al.logLevel,
		"more_info": "https://www.twilio.com/docs/errors/" + al.errorCode, "request_method": al.requestMethod,
		"request_url": al.requestURL, "resource_sid": al.resourceSID, "sid": al.sid,
		"url": c.resourceURL("/v1/Alerts/" + al.sid), "service_sid": nullable(al.serviceSID),
	}
	if full {
		m["request_variables"] = ""
		m["response_body"] = ""
		m["response_headers"] = ""
		m["request_headers"] = ""
	}
	return m
}

// listAlerts lists debugger alerts newest first, filtered by LogLevel and
// dates.
func listAlerts(c *call) {
	from, to, ok := parseWindow(c, true)
	if !ok {
		return
	}
	level := c.param("LogLevel")
	var items []item
	for i := len(c.acct.alerts) - 1; i >= 0; i-- {
		al := c.acct.alerts[i]
		if (level != "" && al.logLevel != level) || !inWindow(al.created, from, to) {
			continue
		}
		items = append(items, item{id: al.sid, render: func() map[string]any { return c.alertJSON(al, false) }})
	}
	c.list("alerts", items)
}

func fetchAlert(c *call) {
	for _, al := range c.acct.alerts {
		if al.sid == c.params["Sid"] {
			c.w.writeJSON(200, c.alertJSON(al, true))
			return
		}
	}
	c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
}
