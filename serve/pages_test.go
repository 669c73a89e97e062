package serve

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestEveryPageRenders: each page answers 200 as an admin, with its
// heading, and its API twin answers JSON.
func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "config/app.yml")
	c := f.login("ada", "admin")
	tok := f.token("ada", "admin")
	for _, tc := range []struct{ path, want string }{
		{"/", "Overview"},
		{"/incidents", "Incidents"},
		{"/incidents?status=open&provider=github&verdict=live&confidence=high&age=7d&q=app&repository=1", "Incidents"},
		{idPath("/incidents/%d", id), "config/app.yml"},
		{"/repositories", "acme/api"},
		{"/twilio", "Twilio accounts"},
		{"/users", "Add a user"},
		{"/account", "API tokens"},
		{"/audit", "Audit trail"},
		{"/settings/rotation", "Rotation settings"},
	} {
		res, body := c.get(tc.path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want 200 with %q", tc.path, res.StatusCode, tc.want)
		}
		if !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: content type %q", tc.path, res.Header.Get("Content-Type"))
		}
		api := "/api" + tc.path
		if tc.path == "/" {
			api = "/api/overview"
		}
		code, body := f.api("GET", api, tok, nil)
		if code != http.StatusOK || !strings.HasPrefix(body, "{") && !strings.HasPrefix(body, "[") {
			t.Errorf("GET %s: %d %.80s", api, code, body)
		}
	}
	if res, body := c.get("/no-such-page"); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "No such page") {
		t.Errorf("an unknown page: %d", res.StatusCode)
	}
	if code, _ := f.api("GET", "/api/nope", tok, nil); code != http.StatusNotFound {
		t.Errorf("an unknown API endpoint: %d", code)
	}
	for _, bad := range []string{"/incidents?status=bogus", "/incidents?age=forever", "/incidents?limit=5000", "/incidents?confidence=max"} {
		if res, _ := c.get(bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestAuthorization: what each role may do, on the pages and the API. A
// viewer cannot triage, a member cannot rotate or manage users.
func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "twilio-api-key", "app/.env")
	f.user("root", "admin")
	type call struct {
		method, path string
		form         url.Values
	}
	calls := map[string]call{
		"read":     {"GET", idPath("/incidents/%d", id), nil},
		"resolve":  {"POST", idPath("/incidents/%d/status", id), url.Values{"to": {"resolved"}, "reason": {"revoked"}, "version": {"1"}}},
		"reverify": {"POST", idPath("/incidents/%d/reverify", id), nil},
		"scan":     {"POST", idPath("/repositories/%d/scan", f.repo), nil},
		"rotate":   {"POST", idPath("/incidents/%d/rotate", id), nil},
		"plan":     {"GET", idPath("/incidents/%d/rotate", id), nil},
		"users":    {"GET", "/users", nil},
		"adduser":  {"POST", "/users", url.Values{"name": {"eve"}, "role": {"admin"}, "password": {"eve-password-123"}}},
		"settings": {"POST", "/settings/rotation", url.Values{"scope": {"repository:1"}, "store": {"dotenv:/tmp/x.env"}}},
		"audit":    {"GET", "/audit", nil},
	}
	allowedTo := map[string][]string{
		"viewer": {"read"},
		"member": {"read", "resolve", "reverify", "scan"},
	}
	for _, role := range []string{"viewer", "member"} {
		c := f.login(role+"1", role)
		tok := f.token(role+"1", role)
		for name, cl := range calls {
			may := false
			for _, a := range allowedTo[role] {
				may = may || a == name
			}
			var res *http.Response
			if cl.method == "GET" {
				res, _ = c.get(cl.path)
			} else {
				form := url.Values{}
				for k, v := range cl.form {
					form[k] = v
				}
				if name == "resolve" {
					form.Set("version", strconv.Itoa(f.status(id).Version))
				}
				res, _ = c.post(cl.path, form)
			}
			if got := res.StatusCode != http.StatusForbidden; got != may {
				t.Errorf("%s %s (page): status %d, allowed %v", role, name, res.StatusCode, may)
			}
			var body any
			if cl.form != nil {
				m := map[string]string{}
				for k := range cl.form {
					m[k] = cl.form.Get(k)
				}
				if name == "resolve" {
					m["version"] = strconv.Itoa(f.status(id).Version)
				}
				body = m
			}
			code, _ := f.api(cl.method, "/api"+cl.path, tok, body)
			if got := code != http.StatusForbidden; got != may {
				t.Errorf("%s %s (API): status %d, allowed %v", role, name, code, may)
			}
		}
	}
	if f.status(id).Status != "resolved" {
		t.Error("a member could not resolve")
	}
	if _, err := f.st.UserByName(t.Context(), "eve"); err == nil {
		t.Error("a non-admin added a user")
	}
}

// TestOverviewCards: each card shows its number, zero included (no live
// incident is "0 live", not a blank), and the week's new incidents are in
// the trend.
func TestOverviewCards(t *testing.T) {
	f := newFixture(t)
	f.incident("fp-1", "github-pat", "config/app.yml")
	c := f.login("ada", "viewer")
	res, body := c.get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d", res.StatusCode)
	}
	for _, want := range []string{
		`<span class="big">1</span> open incidents`,
		`<span class="big">0</span> live`,
		`<span class="big">1</span> new this week`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	if !strings.Contains(body, ": 1 new</title>") {
		t.Error("the trend does not show this week's new incident")
	}
}
