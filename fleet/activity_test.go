package fleet

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/enumerate/enumeratetest"
	"github.com/vigilsec/vigil/internal/gittest"
)

// TestListedActivity: a repository listed through the GitHub API whose
// pushed_at has not moved since its last check costs no request to its
// git server and no scan job; every Nth pass asks anyway, catching a push
// the listing missed; a push that moves pushed_at is scanned at the next
// pass.
func TestListedActivity(t *testing.T) {
	w := newWorld(t, "")
	api := enumeratetest.NewGitHub()
	defer api.Close()
	work := gittest.New(t)
	work.Commit("add", "Ann <ann@example.com>", map[string]string{"a.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "app")
	now := time.Now().UTC().Truncate(time.Second)
	api.Add(enumeratetest.Repo{Owner: "acme", Name: "app", CloneURL: w.git.URLOf("app"), PushedAt: now.Add(-2 * time.Hour)})
	toml := fmt.Sprintf("full_check = 3\n[[github]]\norg = \"acme\"\napi_url = %q\n", api.URL)

	// pass runs one pass and reports the git requests it made and the
	// scan jobs it enqueued.
	pass := func() (requests int64, scans int) {
		t.Helper()
		mark, before := w.lastJob(), w.git.Requests.Load()
		w.pass(toml)
		return w.git.Requests.Load() - before, len(w.scanJobsSince(mark))
	}
	w.pass(toml)
	if len(w.incidents()) != 1 {
		t.Fatalf("first pass: %d incidents", len(w.incidents()))
	}
	// Nothing pushed: two passes ask nothing of the git server; the
	// third (full_check = 3) asks for the refs and scans nothing.
	for i, want := range []int64{0, 0, 1} {
		if req, scans := pass(); (req == 0) != (want == 0) || scans != 0 {
			t.Errorf("quiet pass %d: %d git requests, %d scan jobs; want requests %v, no scan", i+2, req, scans, want != 0)
		}
	}
	// A push the listing shows is scanned at the next pass.
	work.Commit("more", "Bob <bob@example.com>", map[string]string{"b.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "app")
	api.Push("acme", "app", now.Add(-90*time.Minute))
	if _, scans := pass(); scans != 1 || len(w.incidents()) != 2 {
		t.Fatalf("after a push: %d scans, %d incidents, want 1 and 2", scans, len(w.incidents()))
	}
	// A push the listing does not show (pushed_at stuck) is found by the
	// full check, two passes later.
	work.Commit("missed", "Cy <cy@example.com>", map[string]string{"c.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "app")
	for i := range 2 {
		if req, scans := pass(); req != 0 || scans != 0 {
			t.Errorf("pass %d after an unlisted push: %d git requests, %d scan jobs before the full check", i+1, req, scans)
		}
	}
	if _, scans := pass(); scans != 1 || len(w.incidents()) != 3 {
		t.Errorf("full check: %d scans, %d incidents, want 1 and 3", scans, len(w.incidents()))
	}
}

// TestListedActivityGitLab: GitLab moves last_activity_at at most once an
// hour, so within the hour after the last activity a repository's remote
// is asked at every pass, and a push the listing does not show is found.
func TestListedActivityGitLab(t *testing.T) {
	w := newWorld(t, "")
	api := enumeratetest.NewGitLab()
	defer api.Close()
	work := gittest.New(t)
	work.Commit("add", "Ann <ann@example.com>", map[string]string{"a.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "api")
	api.Add(enumeratetest.Repo{Owner: "acme", Name: "api", CloneURL: w.git.URLOf("api"), PushedAt: time.Now().Add(-10 * time.Minute)})
	toml := fmt.Sprintf("[[gitlab]]\ngroup = \"acme\"\napi_url = %q\n", api.URL+"/api/v4")
	w.pass(toml)
	if len(w.incidents()) != 1 {
		t.Fatalf("first pass: %d incidents", len(w.incidents()))
	}
	before := w.git.Requests.Load()
	w.pass(toml)
	if w.git.Requests.Load() == before {
		t.Error("within the hour after the last activity, the remote was not asked")
	}
	work.Commit("more", "Bob <bob@example.com>", map[string]string{"b.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "api")
	api.Push("acme", "api", time.Now()) // within the hour: last_activity_at does not move
	w.pass(toml)
	if n := len(w.incidents()); n != 2 {
		t.Errorf("a push within the hour: %d incidents, want 2", n)
	}
}
