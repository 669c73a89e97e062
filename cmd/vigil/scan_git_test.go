package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// twilioEnv returns a generated Twilio token and the .env text holding it.
func twilioEnvFile(seed uint64) (token, text string) {
	g := fakecred.New(seed)
	sid, tok := "AC"+g.String(fakecred.Hex, 32), g.String(fakecred.Hex, 32)
	return tok, fmt.Sprintf("TWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n", sid, tok)
}

func TestScanGit(t *testing.T) {
	_, env := twilioEnvFile(1)
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"README": "hi\n"})
	intro := r.Commit("add config", "Dev One <dev@example.com>", map[string]string{"app.env": env})
	r.Commit("edit", "", map[string]string{"app.env": "X=1\n" + env})
	r.Commit("remove", "", map[string]string{"app.env": "X=1\n"})

	code, stdout, stderr := peopleRun(t, "", nil, "scan", "--git", "--format", "json", r.Dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Location struct {
				Path   string `json:"path"`
				Line   int    `json:"line"`
				Blob   string `json:"blob"`
				Commit struct {
					SHA    string `json:"sha"`
					Author string `json:"author"`
				} `json:"commit"`
			} `json:"location"`
			Present     *bool `json:"present"`
			Occurrences int   `json:"occurrences"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule != "twilio-auth-token" {
			continue
		}
		found = true
		l := f.Location
		if l.Path != "app.env" || l.Line != 2 || l.Commit.SHA != intro || l.Commit.Author != "Dev One" || l.Blob == "" || f.Present == nil || *f.Present || f.Occurrences != 1 {
			t.Fatalf("finding %+v", f)
		}
	}
	if !found {
		t.Fatalf("no token finding in %s", stdout)
	}
	// Text output says where it came from and that it is gone now.
	code, stdout, _ = peopleRun(t, "", nil, "scan", "--git", r.Dir)
	if code != 1 || !strings.Contains(stdout, "commit: "+intro) || !strings.Contains(stdout, "removed from the tips of the scanned refs, but still in history") {
		t.Fatalf("text report (exit %d):\n%s", code, stdout)
	}
	// Narrowed to the last commit: nothing there.
	if code, _, stderr := peopleRun(t, "", nil, "scan", "--git", "--range", "HEAD~1..HEAD", r.Dir); code != 0 {
		t.Fatalf("range HEAD~1..HEAD: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := peopleRun(t, "", nil, "scan", "--git", "--since", intro, r.Dir); code != 1 {
		t.Fatalf("since %s: exit %d\n%s", intro, code, stderr)
	}
	// A selection that holds no commit has nothing to scan: clean, as a
	// CI job on a push that adds no commit needs (not an error).
	for _, args := range [][]string{
		{"--branch", "main", "--since", "2030-01-01"},
		{"--since", "2030-01-01"},
		{"--range", "HEAD..HEAD"},
		{"--range", "main..HEAD~1"},
	} {
		args := append(append([]string{"scan", "--git"}, args...), r.Dir)
		if code, _, stderr := peopleRun(t, "", nil, args...); code != 0 || !strings.Contains(stderr, "nothing to scan") {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}

func TestScanGitErrors(t *testing.T) {
	before := runtime.NumGoroutine()
	empty := gittest.New(t)
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a": "a\n"})
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"not a repository", []string{"scan", "--git", t.TempDir()}, 3, "not a git repository"},
		{"staged outside a repository", []string{"scan", "--staged", t.TempDir()}, 3, "not a git repository"},
		{"missing path", []string{"scan", "--git", filepath.Join(t.TempDir(), "nope")}, 3, "no such file"},
		{"empty repository", []string{"scan", "--git", empty.Dir}, 3, "has no commits"},
		{"bad revision", []string{"scan", "--git", "--branch", "nope", r.Dir}, 3, "nope"},
		{"branch without git", []string{"scan", "--branch", "main", r.Dir}, 2, "go with --git"},
		{"two modes", []string{"scan", "--git", "--staged", r.Dir}, 2, "choose one"},
		{"bad range", []string{"scan", "--git", "--range", "main", r.Dir}, 2, "want A..B"},
		{"range and branch", []string{"scan", "--git", "--range", "a..b", "--branch", "main", r.Dir}, 2, "drop --branch"},
		{"two repositories", []string{"scan", "--git", r.Dir, r.Dir}, 2, "one repository"},
		{"remote without pre-push", []string{"scan", "--staged", "--remote", "origin", r.Dir}, 2, "--remote goes with --pre-push"},
		{"option as a branch", []string{"scan", "--git", "--branch=--output=/tmp/x", r.Dir}, 2, "is not a revision"},
		{"remote alone", []string{"scan", "--remote", "origin", r.Dir}, 2, "--remote goes with --pre-push"},
		// The walk starts while the rules load; the setup failing after
		// that must stop it (checked below).
		{"missing baseline", []string{"scan", "--git", "--baseline", filepath.Join(t.TempDir(), "none.json"), r.Dir}, 2, "none.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := peopleRun(t, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
		})
	}
	// Nothing the failed scans started is left running.
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Fatalf("%d goroutines before the failed scans, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
}

func TestScanStagedAndPrePush(t *testing.T) {
	tok, env := twilioEnvFile(2)
	remote := gittest.New(t)
	remote.Commit("base", "", map[string]string{"README": "hi\n"})
	r := gittest.New(t)
	r.Git("remote", "add", "origin", remote.Dir)
	r.Git("fetch", "-q", "origin")
	r.Git("reset", "-q", "--hard", "origin/main")
	base := r.Git("rev-parse", "HEAD")

	// Nothing staged: clean.
	if code, _, stderr := peopleRun(t, "", nil, "scan", "--staged", r.Dir); code != 0 {
		t.Fatalf("nothing staged: exit %d\n%s", code, stderr)
	}
	r.Write(map[string]string{"config/app.env": "PORT=1\n" + env})
	r.Git("add", "config/app.env")
	code, stdout, stderr := peopleRun(t, "", nil, "scan", "--staged", r.Dir)
	if code != 1 {
		t.Fatalf("staged secret: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"commit blocked", "config/app.env:3:", "twilio-auth-token", "vigil:allow", ".vigil.toml", "--write-baseline", "--no-verify"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("hook message lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout+stderr, tok) {
		t.Fatal("the secret was printed")
	}
	// Allowed inline: clean.
	r.Write(map[string]string{"config/app.env": "PORT=1\n" + strings.TrimSuffix(env, "\n") + " # vigil:allow\n"})
	r.Git("add", "config/app.env")
	if code, _, stderr := peopleRun(t, "", nil, "scan", "--staged", r.Dir); code != 0 {
		t.Fatalf("allowed inline: exit %d\n%s", code, stderr)
	}
	// Committed anyway: the push is blocked.
	r.Write(map[string]string{"config/app.env": "PORT=1\n" + env})
	r.Git("add", "config/app.env")
	r.Git("commit", "-q", "-m", "oops")
	head := r.Git("rev-parse", "HEAD")
	push := fmt.Sprintf("refs/heads/main %s refs/heads/main %s\n", head, base)
	code, _, stderr = peopleRun(t, push, nil, "scan", "--pre-push", "--remote", "origin", r.Dir)
	if code != 1 || !strings.Contains(stderr, "push blocked") || !strings.Contains(stderr, "config/app.env:3:") || !strings.Contains(stderr, head[:12]) {
		t.Fatalf("pre-push: exit %d\n%s", code, stderr)
	}
	// The pre-commit framework passes the range in the environment.
	env2 := map[string]string{"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head}
	if code, _, stderr := peopleRun(t, "", env2, "scan", "--pre-push", r.Dir); code != 1 {
		t.Fatalf("pre-commit framework pre-push: exit %d\n%s", code, stderr)
	}
	// Deleting a branch: nothing to scan, clean.
	del := fmt.Sprintf("(delete) %s refs/heads/old %s\n", strings.Repeat("0", 40), base)
	if code, _, stderr := peopleRun(t, del, nil, "scan", "--pre-push", r.Dir); code != 0 {
		t.Fatalf("deletion: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := peopleRun(t, "garbage\n", nil, "scan", "--pre-push", r.Dir); code != 2 || !strings.Contains(stderr, "pre-push input line 1") {
		t.Fatalf("bad input: exit %d\n%s", code, stderr)
	}
}

// TestHookAdviceWorks: the command a blocked push suggests for accepting
// its findings runs as given — on a first push, with no upstream, too —
// and its baseline lets the push through; writing a baseline does not
// claim to block anything.
func TestHookAdviceWorks(t *testing.T) {
	_, env := twilioEnvFile(3)
	remote := gittest.New(t)
	r := gittest.New(t)
	r.Git("remote", "add", "origin", remote.Dir)
	r.Commit("base", "", map[string]string{"README": "hi\n"})
	r.Commit("oops", "", map[string]string{"config/app.env": "PORT=1\n" + env})
	head := r.Git("rev-parse", "HEAD")
	t.Chdir(r.Dir)
	accept := func(stderr string) []string {
		t.Helper()
		_, after, ok := strings.Cut(stderr, "accept the current findings: vigil ")
		cmd, _, _ := strings.Cut(after, " (the hook reads it")
		if !ok || strings.Contains(cmd, "@{upstream}") {
			t.Fatalf("no usable advice:\n%s", stderr)
		}
		return strings.Fields(cmd)
	}
	zero := strings.Repeat("0", 40)
	for _, push := range []struct{ name, line string }{
		{"first push", fmt.Sprintf("refs/heads/main %s refs/heads/main %s\n", head, zero)},
		{"update", fmt.Sprintf("refs/heads/main %s refs/heads/main %s\n", head, r.Git("rev-parse", "HEAD~1"))},
	} {
		t.Run(push.name, func(t *testing.T) {
			os.Remove(".vigil-baseline.json")
			code, _, stderr := peopleRun(t, push.line, nil, "scan", "--pre-push", "--remote", "origin")
			if code != 1 || !strings.Contains(stderr, "push blocked") {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			args := accept(stderr)
			code, _, stderr = peopleRun(t, "", nil, args...)
			if code != 0 || strings.Contains(stderr, "blocked") {
				t.Fatalf("vigil %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
			}
			if code, _, stderr := peopleRun(t, push.line, nil, "scan", "--pre-push", "--remote", "origin", "--baseline", ".vigil-baseline.json"); code != 0 {
				t.Fatalf("the push with the baseline: exit %d\n%s", code, stderr)
			}
		})
	}
	// A baseline written from what is staged blocks nothing either.
	r.Write(map[string]string{"more.env": env})
	r.Git("add", "more.env")
	if code, _, stderr := peopleRun(t, "", nil, "scan", "--staged", "--write-baseline", ".vigil-baseline.json"); code != 0 || strings.Contains(stderr, "blocked") {
		t.Fatalf("staged baseline: exit %d\n%s", code, stderr)
	}
}
