package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve"
	"github.com/vigilsec/vigil/serve/password"
)

// runWith runs vigil with stdin and no environment.
func runWith(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }, isTerminal: func(any) bool { return false }})
	return code, out.String(), errb.String()
}

// TestServeUserAndToken: 'vigil serve user add' reads the password from
// stdin and refuses bad input with exit 2; 'token create' prints a token
// the API accepts.
func TestServeUserAndToken(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	if code, out, errs := runWith(t, "correct horse battery\n", "serve", "user", "add", "ada", "--role", "admin", "--db", db); code != 0 || !strings.Contains(out, "added ada (admin)") {
		t.Fatalf("user add: %d %q %q", code, out, errs)
	}
	for name, tc := range map[string]struct {
		stdin string
		args  []string
	}{
		"duplicate":      {"correct horse battery\n", []string{"ada", "--role", "admin"}},
		"short password": {"short\n", []string{"bob", "--role", "member"}},
		"no password":    {"", []string{"bob", "--role", "member"}},
		"bad role":       {"correct horse battery\n", []string{"bob", "--role", "owner"}},
		"no role":        {"correct horse battery\n", []string{"bob"}},
	} {
		args := append([]string{"serve", "user", "add"}, tc.args...)
		if code, _, errs := runWith(t, tc.stdin, append(args, "--db", db)...); code != exitUsage || !strings.HasPrefix(errs, "vigil: ") {
			t.Errorf("%s: exit %d, %q", name, code, errs)
		}
	}
	if code, _, _ := runWith(t, "", "serve", "token", "create", "--user", "nobody", "--db", db); code != exitUsage {
		t.Errorf("token for an unknown user: exit %d", code)
	}
	code, tok, _ := runWith(t, "", "serve", "token", "create", "--user", "ada", "--db", db)
	tok = strings.TrimSpace(tok)
	if code != 0 || !strings.HasPrefix(tok, serve.TokenPrefix) {
		t.Fatalf("token create: %d %q", code, tok)
	}
	c, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv, err := serve.New(serve.Options{Store: c.Store})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if got := apiGet(t, ts.URL+"/api/incidents", tok); got.code != http.StatusOK {
		t.Fatalf("the token from the CLI: %d", got.code)
	}
}

type answer struct {
	code int
	body string
}

func apiGet(t *testing.T, url, tok string) answer {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, string(b)}
}

// TestServeAPIMatchesFleetIncidents: GET /api/incidents answers the JSON
// 'vigil fleet incidents --format json' prints (compact), filters
// included.
func TestServeAPIMatchesFleetIncidents(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	c, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	repo, err := c.UpsertRepository(ctx, store.Repository{Name: "acme/api", URL: "https://github.com/acme/api.git", Kind: "git"})
	if err != nil {
		t.Fatal(err)
	}
	var found []store.Found
	for i, rule := range []string{"github-pat", "twilio-api-key", "aws-access-key", "github-pat"} {
		found = append(found, store.Found{Fingerprint: "fp" + string(rune('a'+i)), Rule: rule, Provider: strings.Split(rule, "-")[0], Preview: "x****",
			Confidence: "high", Occurrence: store.Occurrence{Commit: strings.Repeat("c", 40), Path: "f" + string(rune('a'+i)), Line: i + 1}})
	}
	if _, err := c.RecordScan(ctx, store.ScanResult{RepositoryID: repo, Tips: map[string]string{"main": "1"}, Found: found}); err != nil {
		t.Fatal(err)
	}
	u, err := serve.AddUser(ctx, c.Store, password.Params{Memory: 64, Time: 1, Threads: 1}, "ci", "viewer", "ci-password-123")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := serve.NewToken(ctx, c.Store, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(serve.Options{Store: c.Store})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, tc := range []struct {
		query string
		flags []string
	}{
		{"", nil},
		{"?provider=github", []string{"--provider", "github"}},
		{"?status=open&q=TWILIO", []string{"--status", "open", "--search", "TWILIO"}},
		{"?q=%233", []string{"--search", "#3"}},
		{"?repository=acme%2Fapi&verdict=not_verified&limit=2", []string{"--repository", "acme/api", "--verdict", "not_verified", "--limit", "2"}},
	} {
		code, cli, errs := runWith(t, "", append([]string{"fleet", "incidents", "--format", "json", "--db", db}, tc.flags...)...)
		if code != 0 {
			t.Fatalf("fleet incidents %v: %d %s", tc.flags, code, errs)
		}
		got := apiGet(t, ts.URL+"/api/incidents"+tc.query, tok)
		var fromAPI, fromCLI any
		if err := json.Unmarshal([]byte(got.body), &fromAPI); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(cli), &fromCLI); err != nil {
			t.Fatal(err)
		}
		if got.code != http.StatusOK || !reflect.DeepEqual(fromAPI, fromCLI) {
			t.Errorf("GET /api/incidents%s differs from 'vigil fleet incidents %v':\nAPI: %s\nCLI: %s", tc.query, tc.flags, got.body, cli)
		}
	}
}

// TestServeOIDCFlags: single sign-on needs the provider's issuer, the
// client id from the environment and a callback URL (by default the
// listen address's); anything missing or malformed is a usage error
// before the database is opened.
func TestServeOIDCFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--oidc-issuer", "https://idp.example"}, "VIGIL_OIDC_CLIENT_ID is not set"},
		{[]string{"--oidc-issuer", "http://idp.example"}, "want the provider's https:// issuer URL"},
		{[]string{"--oidc-issuer", "not a url"}, "want the provider's https:// issuer URL"},
		{[]string{"--oidc-redirect-url", "https://console.example/login/oidc/callback"}, "--oidc-redirect-url needs --oidc-issuer"},
	} {
		code, _, errs := runWith(t, "", append([]string{"serve", "--db", "sqlite:" + filepath.Join(t.TempDir(), "never.db")}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("serve %v: exit %d, %q; want exit 2 saying %q", tc.args, code, errs, tc.want)
		}
	}
	env := map[string]string{oidcClientIDEnv: "console", oidcClientSecretEnv: "s3cret"}
	a := &app{stdio: stdio{getenv: func(k string) string { return env[k] }}}
	for _, tc := range []struct {
		f    serveFlags
		want string // the redirect URL, or the error
	}{
		{serveFlags{listen: "127.0.0.1:8080", oidcIssuer: "http://127.0.0.1:9000"}, "http://127.0.0.1:8080/login/oidc/callback"},
		{serveFlags{listen: "vigil.example:443", certFile: "c.pem", oidcIssuer: "https://idp.example"}, "https://vigil.example:443/login/oidc/callback"},
		{serveFlags{listen: ":8080", oidcIssuer: "https://idp.example"}, "want the console's address followed by /login/oidc/callback"},
		{serveFlags{listen: ":8080", oidcIssuer: "https://idp.example", oidcRedirect: "https://vigil.example/login/oidc/callback"}, "https://vigil.example/login/oidc/callback"},
		{serveFlags{listen: ":8080", oidcIssuer: "https://idp.example", oidcRedirect: "https://vigil.example/elsewhere"}, "want the console's address"},
	} {
		conf, err := a.oidcOptions(tc.f)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = conf.RedirectURL
			if conf.ClientID != "console" || conf.ClientSecret != "s3cret" || conf.Issuer != tc.f.oidcIssuer {
				t.Errorf("%+v: %+v", tc.f, conf)
			}
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
		}
	}
}
