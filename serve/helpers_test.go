package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve/password"
)

// cheap makes password hashing fast in tests.
var cheap = password.Params{Memory: 64, Time: 1, Threads: 1}

// fakeJobs records what the console asked the fleet to do.
type fakeJobs struct {
	mu       sync.Mutex
	reverify []int64
	scans    []int64
}

func (j *fakeJobs) ReverifyNow(_ context.Context, id int64, _ string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reverify = append(j.reverify, id)
	return nil
}

func (j *fakeJobs) ScanNow(_ context.Context, id int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.scans = append(j.scans, id)
	return nil
}

// fixture is a console on a fresh SQLite database, on loopback.
type fixture struct {
	t    *testing.T
	conn *store.Conn
	st   *store.Store
	srv  *Server
	ts   *httptest.Server
	jobs *fakeJobs
	mu   sync.Mutex
	now  time.Time
	repo int64
}

func newFixture(t *testing.T, tune ...func(*Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	c, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fleet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return fixtureOn(t, c, tune...)
}

func fixtureOn(t *testing.T, c *store.Conn, tune ...func(*Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, conn: c, st: c.Store, jobs: &fakeJobs{}, now: time.Now().UTC()}
	c.SetClock(f.clock) // the store's times and the console's agree
	opts := Options{Store: c.Store, Jobs: f.jobs, Password: cheap, Now: f.clock}
	for _, fn := range tune {
		fn(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv)
	t.Cleanup(func() { f.ts.Close(); srv.Close() })
	f.repo, err = c.UpsertRepository(ctx, store.Repository{Name: "acme/api", URL: "https://github.com/acme/api.git", Kind: "git"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// pw is the password of a test user.
func pw(name string) string { return name + "-password-123" }

func (f *fixture) user(name, role string) store.User {
	f.t.Helper()
	u, err := AddUser(context.Background(), f.st, cheap, name, role, pw(name))
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// incident stores an incident found in the fixture's repository.
func (f *fixture) incident(fp, rule, path string) int64 {
	f.t.Helper()
	ctx := context.Background()
	before, err := f.st.RefTips(ctx, f.repo)
	if err != nil {
		f.t.Fatal(err)
	}
	tips := map[string]string{"refs/heads/main": fp}
	rec, err := f.st.RecordScan(ctx, store.ScanResult{RepositoryID: f.repo, Before: before, Tips: tips, Found: []store.Found{{
		Fingerprint: fp, Rule: rule, Provider: strings.SplitN(rule, "-", 2)[0], Description: "A " + rule, Preview: "prev****(32)", Confidence: "high",
		Occurrence: store.Occurrence{Commit: strings.Repeat("ab", 20), Path: path, Line: 3, Author: "Dev", Blob: "b", SpanStart: 1, SpanLen: 32,
			Date: f.clock().Add(-48 * time.Hour)}}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return rec.Touched[0]
}

// client is a browser: a cookie jar, redirects not followed.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var (
	loginTokenRE = regexp.MustCompile(`name="login_token" value="([^"]+)"`)
	csrfRE       = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// login signs a user in (created first if needed) and returns its
// browser.
func (f *fixture) login(name, role string) *client {
	f.t.Helper()
	if _, err := f.st.UserByName(context.Background(), name); err != nil {
		f.user(name, role)
	}
	c := f.anon()
	res, _ := c.signIn(name, pw(name), "")
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("sign-in of %s: %d", name, res.StatusCode)
	}
	_, body := c.get("/account")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		f.t.Fatalf("no csrf token on /account")
	}
	c.csrf = m[1]
	return c
}

func (c *client) signIn(name, password, next string) (*http.Response, string) {
	c.f.t.Helper()
	_, page := c.get("/login")
	m := loginTokenRE.FindStringSubmatch(page)
	if m == nil {
		c.f.t.Fatalf("no sign-in token on /login:\n%s", page)
	}
	return c.postRaw("/login", url.Values{"username": {name}, "password": {password}, "login_token": {m[1]}, "next": {next}})
}

func (c *client) get(path string) (*http.Response, string) {
	c.f.t.Helper()
	res, err := c.hc.Get(c.f.ts.URL + path)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return res, readAll(c.f.t, res)
}

// post sends a form with the session's CSRF token.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	return c.postRaw(path, form)
}

func (c *client) postRaw(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	res, err := c.hc.PostForm(c.f.ts.URL+path, form)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return res, readAll(c.f.t, res)
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// token makes an API token for a user (created first if needed).
func (f *fixture) token(name, role string) string {
	f.t.Helper()
	u, err := f.st.UserByName(context.Background(), name)
	if err != nil {
		u = f.user(name, role)
	}
	tok, _, err := NewToken(context.Background(), f.st, u.ID, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// api calls the JSON API.
func (f *fixture) api(method, path, token string, body any) (int, string) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.StatusCode, readAll(f.t, res)
}

func (f *fixture) status(id int64) store.Incident {
	f.t.Helper()
	in, err := f.st.Incident(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return in
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

func idPath(format string, id int64) string { return fmt.Sprintf(format, id) }
