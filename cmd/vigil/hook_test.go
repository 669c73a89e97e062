package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/githook"
	"github.com/vigilsec/vigil/internal/gittest"
)

func TestHookInstall(t *testing.T) {
	r := gittest.New(t)
	r.Git("config", "core.hooksPath", ".githooks")
	code, _, stderr := peopleRun(t, "", nil, "hook", "install", "--pre-commit", "-C", r.Dir)
	if code != 0 || !strings.Contains(stderr, "installed") {
		t.Fatalf("install: exit %d\n%s", code, stderr)
	}
	hook := filepath.Join(r.Dir, ".githooks", "pre-commit")
	if !githook.IsVigil(hook) {
		t.Fatalf("no hook at %s (core.hooksPath)", hook)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".githooks", "pre-push")); err == nil {
		t.Fatal("--pre-commit installed pre-push too")
	}
	if code, _, stderr := peopleRun(t, "", nil, "hook", "install", "-C", r.Dir); code != 0 || !strings.Contains(stderr, "updated") {
		t.Fatalf("reinstall: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := peopleRun(t, "", nil, "hook", "uninstall", "-C", r.Dir); code != 0 || !strings.Contains(stderr, "removed") {
		t.Fatalf("uninstall: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(hook); err == nil {
		t.Fatal("hook left behind")
	}
	if code, _, stderr := peopleRun(t, "", nil, "hook", "install", "-C", t.TempDir()); code != 3 || !strings.Contains(stderr, "not a git repository") {
		t.Fatalf("outside a repository: exit %d\n%s", code, stderr)
	}
}
