package enumerate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/enumerate/enumeratetest"
)

func fastClient() *Client {
	return &Client{sleep: func(context.Context, time.Duration) error { return nil }}
}

func TestGitHubPages(t *testing.T) {
	srv := enumeratetest.NewGitHub()
	defer srv.Close()
	srv.Token = "tok"
	for i := range 250 {
		srv.Add(enumeratetest.Repo{Owner: "acme", Name: fmt.Sprintf("r%03d", i), CloneURL: fmt.Sprintf("https://git.example/acme/r%03d.git", i), Archived: i == 7, Fork: i == 8})
	}
	repos, err := fastClient().GitHub(context.Background(), GitHub{APIURL: srv.URL, Org: "acme", Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 250 || repos[249].Name != "acme/r249" || !repos[7].Archived || !repos[8].Fork {
		t.Fatalf("%d repos, last %+v", len(repos), repos[len(repos)-1])
	}
	if len(srv.Requests) != 3 {
		t.Errorf("%d requests, want 3 pages of 100", len(srv.Requests))
	}
}

func TestGitHubErrors(t *testing.T) {
	srv := enumeratetest.NewGitHub()
	defer srv.Close()
	srv.Token = "tok"
	srv.Add(enumeratetest.Repo{Owner: "acme", Name: "a"})
	ctx := context.Background()
	if _, err := fastClient().GitHub(ctx, GitHub{APIURL: srv.URL, Org: "acme", Token: "wrong"}); !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("bad token: %v", err)
	}
	if _, err := fastClient().GitHub(ctx, GitHub{APIURL: srv.URL, Org: "nope", Token: "tok"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing org: %v", err)
	}
	if _, err := fastClient().GitHub(ctx, GitHub{APIURL: "http://127.0.0.1:1", Org: "acme"}); err == nil {
		t.Error("unreachable API: no error")
	}
}

// TestRateLimits: a short limit (primary or secondary) is waited out; a
// long one is an error that says until when.
func TestRateLimits(t *testing.T) {
	for _, secondary := range []bool{false, true} {
		srv := enumeratetest.NewGitHub()
		srv.LimitAfter, srv.LimitFor, srv.Secondary = 1, 1, secondary
		for i := range 150 {
			srv.Add(enumeratetest.Repo{Owner: "acme", Name: fmt.Sprint(i)})
		}
		var waited []time.Duration
		c := &Client{sleep: func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }}
		repos, err := c.GitHub(context.Background(), GitHub{APIURL: srv.URL, Org: "acme"})
		if err != nil || len(repos) != 150 || len(waited) != 1 {
			t.Errorf("secondary=%v: %d repos, waits %v, %v", secondary, len(repos), waited, err)
		}
		c.MaxWait = time.Millisecond
		srv.LimitAfter, srv.LimitFor = len(srv.Requests), 10
		if _, err := c.GitHub(context.Background(), GitHub{APIURL: srv.URL, Org: "acme"}); !errors.Is(err, ErrRateLimited) {
			t.Errorf("secondary=%v: long limit: %v", secondary, err)
		}
		srv.Close()
	}
}

func TestGitLabSubgroupsAndKeyset(t *testing.T) {
	srv := enumeratetest.NewGitLab()
	defer srv.Close()
	srv.Token = "glpat"
	for i := range 130 {
		srv.Add(enumeratetest.Repo{Owner: "acme", Name: fmt.Sprintf("p%03d", i), Fork: i == 3})
	}
	srv.Add(enumeratetest.Repo{Owner: "acme/platform", Name: "api"})
	srv.Add(enumeratetest.Repo{Owner: "other", Name: "x"})
	ctx := context.Background()
	api := srv.URL + "/api/v4"
	all, err := fastClient().GitLab(ctx, GitLab{APIURL: api, Group: "acme", Token: "glpat", Subgroups: true})
	if err != nil || len(all) != 131 || !all[3].Fork {
		t.Fatalf("%d projects, %v", len(all), err)
	}
	top, _ := fastClient().GitLab(ctx, GitLab{APIURL: api, Group: "acme", Token: "glpat"})
	if len(top) != 130 {
		t.Errorf("without subgroups: %d", len(top))
	}
	sub, _ := fastClient().GitLab(ctx, GitLab{APIURL: api, Group: "acme/platform", Token: "glpat"})
	if len(sub) != 1 || sub[0].Name != "acme/platform/api" {
		t.Errorf("subgroup by path: %+v", sub)
	}
	if _, err := fastClient().GitLab(ctx, GitLab{APIURL: api, Group: "acme", Token: "bad"}); !errors.Is(err, ErrAuth) {
		t.Errorf("bad token: %v", err)
	}
	if _, err := fastClient().GitLab(ctx, GitLab{APIURL: api, Group: "ghost", Token: "glpat"}); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Group Not Found") {
		t.Errorf("missing group: %v", err)
	}
}

func TestNextLinkElsewhereRefused(t *testing.T) {
	if err := sameHost("https://api.github.com/orgs/a/repos", "https://evil.example/orgs/a/repos?page=2"); err == nil {
		t.Error("a next link to another host would carry the token there")
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"`)
	f.Add(`<a>; rel=next`)
	f.Fuzz(func(t *testing.T, h string) {
		if n := nextLink(h); n != "" && !strings.Contains(h, n) {
			t.Fatalf("next %q not in %q", n, h)
		}
	})
}

// TestPushedAt: GitHub's pushed_at and GitLab's last_activity_at are read
// as the APIs write them (seconds; milliseconds), null as zero.
func TestPushedAt(t *testing.T) {
	at := time.Date(2026, 3, 10, 12, 0, 5, 0, time.UTC)
	gh, gl := enumeratetest.NewGitHub(), enumeratetest.NewGitLab()
	defer gh.Close()
	defer gl.Close()
	for _, srv := range []*enumeratetest.Server{gh, gl} {
		srv.Add(enumeratetest.Repo{Owner: "acme", Name: "pushed", PushedAt: at})
		srv.Add(enumeratetest.Repo{Owner: "acme", Name: "empty"})
	}
	ctx := context.Background()
	ghRepos, err1 := fastClient().GitHub(ctx, GitHub{APIURL: gh.URL, Org: "acme"})
	glRepos, err2 := fastClient().GitLab(ctx, GitLab{APIURL: gl.URL + "/api/v4", Group: "acme"})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for _, repos := range [][]Repo{ghRepos, glRepos} {
		for _, r := range repos {
			if want := r.Name == "acme/pushed"; r.PushedAt.Equal(at) != want || !want && !r.PushedAt.IsZero() {
				t.Errorf("%s: pushed at %v", r.Name, r.PushedAt)
			}
		}
	}
	if apiTime("yesterday") != (time.Time{}) {
		t.Error("an unreadable time is not zero")
	}
}
