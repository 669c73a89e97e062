package serve

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/fleet/store"
)

// TestIncidentSearch: q= on the list page and the API finds incidents by
// rule, path, repository and id, and nothing when nothing matches; what an
// attacker or a careless user types (LIKE and FTS5 syntax, quotes,
// backslashes, NUL, bytes that are not UTF-8, a very long or too short
// search) is text or a clear 400, never a 500.
func TestIncidentSearch(t *testing.T) {
	f := newFixture(t)
	gh := f.incident("fp-1", "github-pat", "config/app.yml")
	tw := f.incident("fp-2", "twilio-api-key", `deploy/50%_off\"x'.env`)
	c := f.login("ada", "viewer")
	tok := f.token("ada", "viewer")
	ids := func(body string) []int64 {
		var p store.Page
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("%v: %.200s", err, body)
		}
		var out []int64
		for _, in := range p.Incidents {
			out = append(out, in.ID)
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		want []int64
	}{
		{"GitHub-PAT", []int64{gh}},
		{"app.yml", []int64{gh}},
		{"acme/api", []int64{tw, gh}},
		{"50%_off", []int64{tw}},
		{`\"x'`, []int64{tw}},
		{idPath("#%d", tw), []int64{tw}},
		{"  twilio  ", []int64{tw}},
		{"no such thing", nil},
		{"%%%", nil},
		{"___", nil},
		{`"OR"`, nil},
		{"x' OR '1'='1", nil},
		{`\\\`, nil},
		{strings.Repeat("é", store.MaxSearch), nil},
	} {
		path := "/incidents?q=" + url.QueryEscape(tc.q)
		code, body := f.api("GET", "/api"+path, tok, nil)
		if code != http.StatusOK {
			t.Errorf("GET /api%s: %d %.200s", path, code, body)
			continue
		}
		if got := ids(body); len(got) != len(tc.want) || len(got) > 0 && (got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1]) {
			t.Errorf("GET /api%s found %v, want %v", path, got, tc.want)
		}
		res, page := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
		if found := strings.Contains(page, "config/app.yml"); found != (len(tc.want) > 0 && tc.want[len(tc.want)-1] == gh) {
			t.Errorf("GET %s: the page lists the github incident: %v", path, found)
		}
	}
	for _, q := range []string{"ab", "%25", "a%00b", "ab%1b", "%ff%fe", url.QueryEscape(strings.Repeat("x", store.MaxSearch+1)), url.QueryEscape(strings.Repeat("%", 100000))} {
		path := "/incidents?q=" + q
		code, body := f.api("GET", "/api"+path, tok, nil)
		if code != http.StatusBadRequest || !strings.Contains(body, "search") {
			t.Errorf("GET /api%.60s: %d %.200s, want 400 saying why", path, code, body)
		}
		if res, page := c.get(path); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "search") {
			t.Errorf("GET %.60s: %d, want 400 saying why", path, res.StatusCode)
		}
	}
}
