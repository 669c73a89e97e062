package serve

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
)

// listData is the incident list page (the API answers store.Page, the
// JSON of 'vigil fleet incidents --format json').
type listData struct {
	Page  store.Page
	Count int
	// More: more than Count incidents match (counting stops at
	// countLimit).
	More      bool
	Query     url.Values
	Statuses  []store.Status
	Providers []string
	Repos     []store.Repository
	// NextURL is the next page's address ("" on the last).
	NextURL string
}

// countLimit is as far as the list page counts what matches: a count is
// a read of every match, a page only of the newest.
const countLimit = 1000

// ages are the age filters: first seen within, or before, a span.
func ages() []struct{ Value, Label string } {
	return []struct{ Value, Label string }{
		{"1d", "last 24 hours"}, {"7d", "last 7 days"}, {"30d", "last 30 days"}, {"90d", "last 90 days"},
		{">30d", "older than 30 days"}, {">90d", "older than 90 days"},
	}
}

// parseFilter reads the list's filters from a query: status (repeated or
// comma-separated), provider, repository (id or name), verdict (live:
// live only), confidence (at least), age, q (search), before, limit.
func parseFilter(q url.Values, now time.Time) (store.Filter, error) {
	var f store.Filter
	for _, v := range q["status"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			st, err := store.ParseStatus(s)
			if err != nil {
				return f, badRequest("status: %v", err)
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	f.Provider = strings.TrimSpace(q.Get("provider"))
	f.Rule = strings.TrimSpace(q.Get("rule"))
	if repo := strings.TrimSpace(q.Get("repository")); repo != "" {
		if id, err := strconv.ParseInt(repo, 10, 64); err == nil && id > 0 {
			f.RepositoryID = id
		} else {
			f.RepositoryName = repo
		}
	}
	switch v := q.Get("verdict"); v {
	case "", store.VerdictLive, store.VerdictInvalid, store.VerdictUnknown, store.VerdictNotVerified:
		f.Verdict = v
	default:
		return f, badRequest("verdict %q: want live, invalid, unknown or not_verified", v)
	}
	if q.Get("live") == "yes" || q.Get("live") == "true" {
		f.Verdict = store.VerdictLive
	}
	switch v := q.Get("confidence"); v {
	case "", "low", "medium", "high":
		f.MinConfidence = v
	default:
		return f, badRequest("confidence %q: want low, medium or high", v)
	}
	if age := q.Get("age"); age != "" {
		older := strings.HasPrefix(age, ">")
		days, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(age, ">"), "d"))
		if err != nil || days <= 0 || days > 3650 || !strings.HasSuffix(age, "d") {
			return f, badRequest("age %q: want a number of days such as 7d (within) or >30d (older)", age)
		}
		t := now.Add(-time.Duration(days) * 24 * time.Hour)
		if older {
			f.SeenBefore = t
		} else {
			f.SeenAfter = t
		}
	}
	f.Search = strings.TrimSpace(q.Get("q"))
	if err := store.CheckSearch(f.Search); err != nil {
		return f, badRequest("q: %v", err)
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, badRequest("before %q: want a positive number", v)
		}
		f.BeforeID = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, badRequest("limit %q: want 1 to 1000", v)
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) incidents(r *http.Request, c *rc) (view, error) {
	ctx := r.Context()
	q := r.URL.Query()
	f, err := parseFilter(q, s.now())
	if err != nil {
		return view{}, err
	}
	if !c.API && f.Limit == 0 {
		f.Limit = 50
	}
	page, err := s.st.ListIncidents(ctx, f)
	if err != nil {
		return view{}, err
	}
	if c.API {
		return view{JSON: page}, nil
	}
	d := listData{Page: page, Query: q, Statuses: store.Statuses()}
	if d.Count, d.More, err = s.st.CountIncidentsUpTo(ctx, f, countLimit); err != nil {
		return view{}, err
	}
	if d.Providers, err = s.st.Providers(ctx); err != nil {
		return view{}, err
	}
	if d.Repos, err = s.st.Repositories(ctx, 0, true); err != nil {
		return view{}, err
	}
	if page.NextBefore != 0 {
		next := cloneValues(q)
		next.Set("before", fmt.Sprint(page.NextBefore))
		d.NextURL = "/incidents?" + next.Encode()
	}
	return view{Template: "incidents", Title: "Incidents", Data: d}, nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
