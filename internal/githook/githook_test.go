package githook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// fakeVigil writes a stand-in for the vigil binary that records its
// arguments and stdin, and fails when FAIL_SCAN is set.
func fakeVigil(t *testing.T, log string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vigil's bin", "vigil")
	os.MkdirAll(filepath.Dir(p), 0o755)
	script := "#!/bin/sh\necho \"vigil $*\" >> '" + log + "'\ncat >> '" + log + "'\n[ -z \"$FAIL_SCAN\" ]\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallChainsAndRestores(t *testing.T) {
	r := gittest.New(t)
	log := filepath.Join(t.TempDir(), "log")
	exe := fakeVigil(t, log)
	hooks := filepath.Join(r.Dir, ".git", "hooks")
	old := "#!/bin/sh\necho old-hook >> '" + log + "'\n"
	if err := os.WriteFile(filepath.Join(hooks, "pre-commit"), []byte(old), 0o755); err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		for _, k := range []Kind{PreCommit, PrePush} {
			if _, err := Install(hooks, k, exe); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !IsVigil(filepath.Join(hooks, "pre-commit")) || !IsVigil(filepath.Join(hooks, "pre-push")) {
		t.Fatal("hooks not installed")
	}
	if data, _ := os.ReadFile(filepath.Join(hooks, "pre-commit.pre-vigil")); string(data) != old {
		t.Fatalf("existing hook not kept: %q", data)
	}
	if _, err := os.Stat(filepath.Join(hooks, "pre-push.pre-vigil")); err == nil {
		t.Fatal("a chained pre-push hook appeared from nowhere")
	}
	// A real commit runs the old hook, then vigil on the staged changes.
	r.Commit("one", "", map[string]string{"a.txt": "a\n"})
	data, _ := os.ReadFile(log)
	if got := string(data); got != "old-hook\nvigil scan --staged\n" {
		t.Fatalf("hook run log %q", got)
	}
	// A failing scan blocks the commit.
	r.Write(map[string]string{"b.txt": "b\n"})
	r.Git("add", "b.txt")
	if _, err := gittest.Try(r.Dir, []string{"FAIL_SCAN=1"}, "commit", "-q", "-m", "two"); err == nil {
		t.Fatal("a failing scan did not block the commit")
	}
	// The pre-push hook hands git's ref lines to vigil.
	remote := filepath.Join(t.TempDir(), "remote.git")
	gittest.Run(t, "", "init", "-q", "--bare", remote)
	r.Git("push", "-q", remote, "main")
	data, _ = os.ReadFile(log)
	if !strings.Contains(string(data), "vigil scan --pre-push --remote "+remote) || !strings.Contains(string(data), "refs/heads/main ") {
		t.Fatalf("pre-push log %q", data)
	}
	for range 2 {
		if _, err := Uninstall(hooks, PreCommit); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(hooks, "pre-commit")); string(data) != old {
		t.Fatalf("uninstall did not restore the old hook: %q", data)
	}
	if _, err := Uninstall(hooks, PrePush); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(hooks, "pre-push")); err == nil {
		t.Fatal("pre-push hook left behind")
	}
	// Another tool's hook is left alone.
	note, err := Uninstall(hooks, PreCommit)
	if err != nil || !strings.Contains(note, "left alone") {
		t.Fatalf("uninstall of a foreign hook: %q %v", note, err)
	}
}

func TestInstallConflict(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pre-commit"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "pre-commit.pre-vigil"), []byte("#!/bin/sh\n"), 0o755)
	if _, err := Install(dir, PreCommit, "/bin/vigil"); err == nil || !strings.Contains(err.Error(), "move one of them away") {
		t.Fatalf("conflict: %v", err)
	}
}

func TestScriptQuoting(t *testing.T) {
	s := Script(PreCommit, "/opt/it's here/vigil")
	if !strings.Contains(s, `vigil='/opt/it'\''s here/vigil'`) {
		t.Fatalf("path not quoted:\n%s", s)
	}
}
