package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/internal/testenv"
)

// TestPreCommitFramework runs the installed pre-commit framework on this
// checkout's hooks (.pre-commit-hooks.yaml), as a user's configuration
// would: the manifest validates, the framework builds the hooks from the
// checkout (offline, from the module cache), and they block a commit and
// a push that add a secret and pass clean ones.
func TestPreCommitFramework(t *testing.T) {
	precommit := testenv.NeedProgram(t, "pre-commit")
	if testing.Short() {
		t.Skip("builds vigil")
	}
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(checkout, ".git")); err != nil {
		t.Skip("the checkout is not a git repository: the framework clones its hooks from one")
	}
	root, rev := hooksRepo(t, checkout)
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(precommit, args...)
		cmd.Dir = dir
		cmd.Env = preCommitEnv(t)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// A user's configuration, not try-repo: try-repo builds the hooks
	// afresh in a store of its own every time, run reuses what it built.
	hook := func(dir, id string, args ...string) (string, error) {
		return run(dir, append([]string{"run", id}, args...)...)
	}
	config := fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: vigil\n      - id: vigil-pre-push\n", root, rev)
	if out, err := run(root, "validate-manifest", ".pre-commit-hooks.yaml"); err != nil {
		t.Fatalf("validate-manifest: %v\n%s", err, out)
	}

	r := gittest.New(t)
	r.Commit("base", "", map[string]string{"README": "hi\n", ".pre-commit-config.yaml": config})
	base := r.Git("rev-parse", "HEAD")
	// A clean commit passes; the first run builds the hooks.
	r.Write(map[string]string{"notes.txt": "nothing secret\n"})
	r.Git("add", "notes.txt")
	if out, err := hook(r.Dir, "vigil"); err != nil || !strings.Contains(out, "Passed") {
		t.Fatalf("clean commit: %v\n%s", err, out)
	}
	// A secret staged: blocked, with the advice.
	secret := "SENDGRID_API_KEY=" + fakecred.New(9).MustExpand("SG.{b64url:22}.{b64url:43}") + "\n"
	r.Write(map[string]string{"app.env": secret})
	r.Git("add", "app.env")
	out, err := hook(r.Dir, "vigil")
	if err == nil || !strings.Contains(out, "Failed") || !strings.Contains(out, "commit blocked") || !strings.Contains(out, "app.env:1:18") {
		t.Fatalf("staged secret: %v\n%s", err, out)
	}
	// Committed anyway: the push is blocked, and a push without it passes.
	r.Git("commit", "-q", "--no-verify", "-m", "oops")
	head := r.Git("rev-parse", "HEAD")
	stage := preCommitStage(t, precommit, "push")
	out, err = hook(r.Dir, "vigil-pre-push", "--hook-stage", stage, "--from-ref", base, "--to-ref", head)
	if err == nil || !strings.Contains(out, "push blocked") {
		t.Fatalf("pushed secret: %v\n%s", err, out)
	}
	if out, err := hook(r.Dir, "vigil-pre-push", "--hook-stage", stage, "--from-ref", base, "--to-ref", base); err != nil {
		t.Fatalf("push with nothing new: %v\n%s", err, out)
	}
}

// hooksRepo returns a repository holding the checkout as it is, tracked
// changes included, committed, and that commit: the framework clones its
// hooks from a commit (rev), so the changes are tested too.
func hooksRepo(t *testing.T, checkout string) (dir, rev string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "vigil")
	gittest.Run(t, "", "clone", "-q", "--no-local", checkout, dir)
	if diff := gittest.Run(t, checkout, "diff", "HEAD", "--binary"); diff != "" {
		cmd := exec.Command("git", "apply", "--index", "-")
		cmd.Dir, cmd.Env, cmd.Stdin = dir, gittest.Env(), strings.NewReader(diff+"\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git apply: %v\n%s", err, out)
		}
		gittest.Run(t, dir, "commit", "-q", "-m", "the checkout's changes")
	}
	return dir, gittest.Run(t, dir, "rev-parse", "HEAD")
}

// preCommitEnv is the environment the framework runs in: its own cache,
// and Go offline, building from the module cache already filled (go mod
// download) and the build cache.
func preCommitEnv(t *testing.T) []string {
	t.Helper()
	env := gittest.Env()
	for _, k := range []string{"GOMODCACHE", "GOCACHE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	return append(env, "PRE_COMMIT_HOME="+t.TempDir(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local",
		"PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"))
}

// preCommitStage names a stage as the installed framework does: releases
// before 3.2 call pre-push "push", later ones "pre-push".
func preCommitStage(t *testing.T, precommit, old string) string {
	t.Helper()
	out, err := exec.Command(precommit, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(string(out)), "pre-commit "), "%d.%d", &major, &minor); err != nil {
		t.Fatalf("pre-commit --version: %q", out)
	}
	if major > 3 || major == 3 && minor >= 2 {
		return "pre-" + old
	}
	return old
}
