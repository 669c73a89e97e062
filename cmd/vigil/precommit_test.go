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
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skip("the checkout is not a git repository: the framework clones its hooks from one")
	}
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(precommit, args...)
		cmd.Dir = dir
		cmd.Env = preCommitEnv(t)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(root, "validate-manifest", ".pre-commit-hooks.yaml"); err != nil {
		t.Fatalf("validate-manifest: %v\n%s", err, out)
	}

	r := gittest.New(t)
	r.Commit("base", "", map[string]string{"README": "hi\n"})
	base := r.Git("rev-parse", "HEAD")
	// A clean commit passes; the first run builds the hooks.
	r.Write(map[string]string{"notes.txt": "nothing secret\n"})
	r.Git("add", "notes.txt")
	if out, err := run(r.Dir, "try-repo", root, "vigil"); err != nil || !strings.Contains(out, "Passed") {
		t.Fatalf("clean commit: %v\n%s", err, out)
	}
	// A secret staged: blocked, with the advice.
	secret := "SENDGRID_API_KEY=" + fakecred.New(9).MustExpand("SG.{b64url:22}.{b64url:43}") + "\n"
	r.Write(map[string]string{"app.env": secret})
	r.Git("add", "app.env")
	out, err := run(r.Dir, "try-repo", root, "vigil")
	if err == nil || !strings.Contains(out, "Failed") || !strings.Contains(out, "commit blocked") || !strings.Contains(out, "app.env:1:18") {
		t.Fatalf("staged secret: %v\n%s", err, out)
	}
	// Committed anyway: the push is blocked, and a push without it passes.
	r.Git("commit", "-q", "--no-verify", "-m", "oops")
	head := r.Git("rev-parse", "HEAD")
	stage := preCommitStage(t, precommit, "push")
	out, err = run(r.Dir, "try-repo", root, "vigil-pre-push", "--hook-stage", stage, "--from-ref", base, "--to-ref", head)
	if err == nil || !strings.Contains(out, "push blocked") {
		t.Fatalf("pushed secret: %v\n%s", err, out)
	}
	if out, err := run(r.Dir, "try-repo", root, "vigil-pre-push", "--hook-stage", stage, "--from-ref", base, "--to-ref", base); err != nil {
		t.Fatalf("push with nothing new: %v\n%s", err, out)
	}
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
