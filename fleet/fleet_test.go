package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/githttp"
	"github.com/vigilsec/vigil/internal/gittest"
)

// world is a fleet on SQLite with repositories served by git
// http-backend on loopback.
type world struct {
	t    *testing.T
	dir  string
	conn *store.Conn
	git  *githttp.Server
	gen  *fakecred.Gen
	env  map[string]string
	// environ is the environment of secret store commands (nil: ours).
	environ []string
	fleet   *Fleet
	// verifyBase sends verifiers to local fakes.
	verifyBase map[string]string
}

func newWorld(t *testing.T, url string) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), gen: fakecred.New(uint64(time.Now().UnixNano())), env: map[string]string{}}
	w.git = githttp.Start(t, filepath.Join(w.dir, "srv"))
	if url == "" {
		url = "sqlite:" + filepath.Join(w.dir, "fleet.db")
	}
	c, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	w.conn = c
	return w
}

// pass runs one scan-once pass of the fleet file's content.
func (w *world) pass(fleetTOML string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var environ func() []string
	if w.environ != nil {
		environ = func() []string { return w.environ }
	}
	f, err := New(ctx, Options{Conn: w.conn, Mirrors: filepath.Join(w.dir, "mirrors"), Once: true, VerifyBaseURLs: w.verifyBase, Getenv: func(k string) string { return w.env[k] }, Environ: environ,
		Logger: slog.New(slog.NewTextHandler(testWriter{w.t}, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		w.t.Fatal(err)
	}
	fl, bad, err := conf.Parse([]byte(fleetTOML))
	if err != nil || len(bad) > 0 {
		w.t.Fatalf("fleet file: %v %v", err, bad)
	}
	if err := f.Apply(ctx, fl); err != nil {
		w.t.Fatal(err)
	}
	if err := f.Start(ctx); err != nil {
		w.t.Fatal(err)
	}
	if err := f.Poll(ctx); err != nil {
		w.t.Fatal(err)
	}
	if err := f.WaitIdle(ctx); err != nil {
		w.t.Fatal(err)
	}
	if err := f.Stop(ctx); err != nil {
		w.t.Fatal(err)
	}
	w.fleet = f
}

func (w *world) incidents() []store.Incident {
	w.t.Helper()
	p, err := w.conn.ListIncidents(context.Background(), store.Filter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.Incidents
}

type testWriter struct{ t *testing.T }

func (tw testWriter) Write(p []byte) (int, error) {
	tw.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// bySecret finds the incident of a GitHub token.
func bySecret(ins []store.Incident, secret string) *store.Incident {
	fp := (&vigil.Finding{RuleID: "github-pat", Secret: vigil.NewSecret(secret)}).Fingerprint()
	for i := range ins {
		if ins[i].Fingerprint == fp {
			return &ins[i]
		}
	}
	return nil
}

// TestIncremental follows one repository through new commits, a copy of
// a known secret, a pass with nothing new, a force-push and a removal.
func TestIncremental(t *testing.T) {
	w := newWorld(t, "")
	work := gittest.New(t)
	a, b, c := w.gen.GitHubToken("ghp"), w.gen.GitHubToken("ghp"), w.gen.GitHubToken("ghp")
	work.Commit("add config", "Ann <ann@example.com>", map[string]string{"config.env": "GITHUB_TOKEN=" + a + "\n"})
	w.git.Publish(t, work.Dir, "app")
	toml := fmt.Sprintf("[[repository]]\nurl = %q\n", w.git.URLOf("app"))

	w.pass(toml)
	ins := w.incidents()
	if len(ins) != 1 || ins[0].Rule == "" || ins[0].Occurrences[0].Path != "config.env" || ins[0].Occurrences[0].Author != "Ann" {
		t.Fatalf("first pass: %+v", ins)
	}
	if strings.Contains(fmt.Sprintf("%+v", ins), a) {
		t.Fatal("the store holds the secret in clear")
	}
	occ := ins[0].Occurrences[0]
	if occ.SpanStart != int64(len("GITHUB_TOKEN=")) || occ.SpanLen != len(a) || occ.Present == nil || !*occ.Present {
		t.Errorf("occurrence = %+v", occ)
	}

	// A new secret, and the old one copied to a second file.
	work.Commit("more", "Bob <bob@example.com>", map[string]string{"b.env": "TOKEN=" + b + "\n", "copy.env": "X=" + a + "\n"})
	w.git.Publish(t, work.Dir, "app")
	w.pass(toml)
	ins = w.incidents()
	if len(ins) != 2 {
		t.Fatalf("second pass: %d incidents", len(ins))
	}
	if in := bySecret(ins, a); in == nil || in.OccurrenceCount != 2 {
		t.Errorf("copied secret: %+v", in)
	}
	repos, _ := w.conn.Repositories(context.Background(), 0, false)
	scans := repos[0].Scans

	// Nothing new: the remote's refs are the ones scanned, so nothing is
	// fetched (no scan job even runs) and no scan is recorded.
	mark := w.lastJob()
	w.pass(toml)
	repos, _ = w.conn.Repositories(context.Background(), 0, false)
	if repos[0].Scans != scans {
		t.Errorf("a pass with nothing new scanned again (%d → %d)", scans, repos[0].Scans)
	}
	if got := w.scanJobsSince(mark); len(got) != 0 {
		t.Errorf("a pass with nothing new ran scan jobs for repositories %v", got)
	}

	// Force-push: the last commit is replaced by one with another secret
	// and without the copy.
	work.Git("reset", "-q", "--hard", "HEAD~1")
	work.Commit("rewrite", "Cy <cy@example.com>", map[string]string{"c.env": "K=" + c + "\n"})
	w.git.Publish(t, work.Dir, "app")
	w.pass(toml)
	ins = w.incidents()
	in := bySecret(ins, c)
	if len(ins) != 3 || in == nil || in.Occurrences[0].Author != "Cy" {
		t.Fatalf("after force-push: %+v", ins)
	}
	for _, o := range bySecret(ins, b).Occurrences {
		if o.Present == nil || *o.Present {
			t.Errorf("secret b was force-pushed away, still present: %+v", o)
		}
	}
	// Removing the file of secret a marks it no longer present.
	work.Remove("config.env")
	work.Commit("remove", "Ann <ann@example.com>", nil)
	w.git.Publish(t, work.Dir, "app")
	w.pass(toml)
	for _, o := range bySecret(w.incidents(), a).Occurrences {
		if o.Path == "config.env" && (o.Present == nil || *o.Present) {
			t.Errorf("removed secret still present: %+v", o)
		}
	}
}

// TestBadSources: an unreachable host, a missing repository, bad
// credentials and an outage are each recorded on their repository; the
// good repository is scanned, and nothing stored before is lost.
func TestBadSources(t *testing.T) {
	w := newWorld(t, "")
	work := gittest.New(t)
	work.Commit("add", "Ann <ann@example.com>", map[string]string{"k.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
	w.git.Publish(t, work.Dir, "good")
	locked := githttp.Start(t, filepath.Join(w.dir, "locked"))
	locked.Token = "right"
	locked.Publish(t, work.Dir, "private")
	w.env["LOCKED_TOKEN"] = "wrong"
	toml := fmt.Sprintf(`[[repository]]
url = %q
[[repository]]
url = %q
[[repository]]
url = "http://127.0.0.1:1/nothing.git"
[[repository]]
url = %q
token_env = "LOCKED_TOKEN"
`, w.git.URLOf("good"), w.git.URLOf("missing"), locked.URLOf("private"))
	w.pass(toml)
	if n := len(w.incidents()); n != 1 {
		t.Fatalf("%d incidents, want 1 from the good repository", n)
	}
	repos, _ := w.conn.Repositories(context.Background(), 0, false)
	errs := map[string]string{}
	for _, r := range repos {
		errs[r.URL] = r.LastError
	}
	for url, want := range map[string]string{
		w.git.URLOf("good"):              "",
		w.git.URLOf("missing"):           "not found",
		"http://127.0.0.1:1/nothing.git": "unreachable",
		locked.URLOf("private"):          "authentication failed",
	} {
		if got := errs[url]; want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%s: error %q, want %q", url, got, want)
		}
		if strings.Contains(errs[url], "wrong") {
			t.Errorf("error shows the token: %s", errs[url])
		}
	}
	// The right token: the private repository is scanned (the same
	// secret: one incident, two occurrences). Then the good server goes
	// down: its incident stays.
	w.env["LOCKED_TOKEN"] = "right"
	w.git.Down.Store(true)
	w.pass(toml)
	ins := w.incidents()
	if len(ins) != 1 || ins[0].OccurrenceCount != 2 {
		t.Fatalf("after fixing the token: %+v", ins)
	}
	// With nothing new, the private repository is asked for its refs
	// with the token and not scanned; those that failed are tried again.
	mark := w.lastJob()
	w.pass(toml)
	ids := map[int64]bool{}
	for _, id := range w.scanJobsSince(mark) {
		ids[id] = true
	}
	for _, r := range repos {
		if want := r.URL != locked.URLOf("private"); ids[r.ID] != want {
			t.Errorf("%s: scanned %v, want %v", r.URL, ids[r.ID], want)
		}
	}
}

// lastJob is the id of the last job enqueued.
func (w *world) lastJob() int64 {
	w.t.Helper()
	var id int64
	if err := w.conn.DB().QueryRow("SELECT COALESCE(MAX(id), 0) FROM river_job").Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// scanJobsSince lists the repositories of the scan jobs enqueued after
// job id.
func (w *world) scanJobsSince(id int64) []int64 {
	w.t.Helper()
	rows, err := w.conn.DB().Query("SELECT json(args) FROM river_job WHERE kind = 'vigil_fleet_scan' AND id > ? ORDER BY id", id)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var raw []byte
		var a ScanArgs
		if err := rows.Scan(&raw); err != nil {
			w.t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, a.RepositoryID)
	}
	return out
}

func TestMain(m *testing.M) {
	code := m.Run()
	postgres.Stop()
	os.Exit(code)
}
