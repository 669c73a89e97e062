// Package gittest builds real git repositories for tests, with the git
// binary, fixed identities and dates, and no user or system configuration.
package gittest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/testenv"
)

// Repo is a repository under a test's temporary directory.
type Repo struct {
	t   testing.TB
	Dir string
	// n counts commits, to give each a later date.
	n int
}

// New initialises an empty repository with branch main (skips the test
// when git is missing).
func New(t testing.TB) *Repo {
	t.Helper()
	testenv.NeedProgram(t, "git")
	r := &Repo{t: t, Dir: filepath.Join(t.TempDir(), "repo")}
	Run(t, "", "init", "-q", "-b", "main", r.Dir)
	return r
}

// Env is the environment git runs with in tests: no global or system
// configuration, fixed identities.
func Env() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test Author", "GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Test Committer", "GIT_COMMITTER_EMAIL=committer@example.com",
		"GIT_TERMINAL_PROMPT=0", "GIT_ALLOW_PROTOCOL=file",
	)
}

// Run runs git in dir (if not empty) and returns its trimmed output; a
// failure fails the test.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := Try(dir, nil, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// Try runs git in dir with extra environment and returns its trimmed
// output, or an error carrying its stderr.
func Try(dir string, env []string, args ...string) (string, error) {
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(Env(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// Git runs git in the repository.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return Run(r.t, r.Dir, args...)
}

// Write writes files (path → content, slash paths) into the work tree.
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		full := filepath.Join(r.Dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Commit writes files, stages everything and commits with message msg,
// authored by author ("Name <email>", or "" for the default) a day after
// the previous commit. It returns the commit id.
func (r *Repo) Commit(msg, author string, files map[string]string) string {
	r.t.Helper()
	r.Write(files)
	r.Git("add", "-A")
	r.n++
	date := Date(r.n).Format(time.RFC3339)
	env := []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}
	args := []string{"commit", "-q", "--allow-empty", "-m", msg}
	if author != "" {
		args = append(args, "--author", author)
	}
	if _, err := Try(r.Dir, env, args...); err != nil {
		r.t.Fatalf("commit %q: %v", msg, err)
	}
	return r.Git("rev-parse", "HEAD")
}

// Date is the date of the repository's nth commit: n days after
// 2024-01-01, at noon UTC.
func Date(n int) time.Time {
	return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n)
}

// Remove deletes work tree files.
func (r *Repo) Remove(paths ...string) {
	r.t.Helper()
	for _, p := range paths {
		if err := os.Remove(filepath.Join(r.Dir, filepath.FromSlash(p))); err != nil {
			r.t.Fatal(err)
		}
	}
}
