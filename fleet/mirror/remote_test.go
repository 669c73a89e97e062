package mirror

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// TestRemoteRefs checks that the refs a remote advertises are exactly
// the refs a fetched mirror has, so that a pass can compare them with
// what it scanned and skip the fetch; and that any change (a commit, a
// new branch or tag, a deletion, a force-push back to an old tip) shows.
func TestRemoteRefs(t *testing.T) {
	ctx := context.Background()
	up := gittest.New(t)
	up.Commit("one", "A <a@example.com>", map[string]string{"a.txt": "1"})
	up.Git("tag", "-a", "-m", "annotated", "v1")
	up.Git("tag", "light")
	m := New(t.TempDir(), "file://"+up.Dir, nil)
	must(t, m.Sync(ctx))
	scanned, err := m.Refs(ctx)
	must(t, err)
	remote, err := m.RemoteRefs(ctx)
	must(t, err)
	if !Unchanged(remote, scanned) {
		t.Fatalf("a fetched mirror differs from its remote:\nremote %v\nmirror %v", remote, scanned)
	}
	one := up.Git("rev-parse", "HEAD")
	for _, step := range []struct {
		name string
		do   func()
		want bool // unchanged
	}{
		{"a commit", func() { up.Commit("two", "A <a@example.com>", map[string]string{"b.txt": "2"}) }, false},
		{"a new branch at a scanned commit", func() { up.Git("branch", "side", one) }, false},
		{"a deleted branch", func() { up.Git("branch", "-D", "side") }, false},
		{"a force-push back to the scanned tip", func() { up.Git("reset", "-q", "--hard", one) }, true},
		{"a new tag", func() { up.Git("tag", "v2") }, false},
	} {
		step.do()
		remote, err := m.RemoteRefs(ctx)
		must(t, err)
		if got := Unchanged(remote, scanned); got != step.want {
			t.Errorf("after %s: unchanged = %v, want %v", step.name, got, step.want)
		}
	}
	if Unchanged(map[string]string{}, map[string]string{}) {
		t.Error("a repository never scanned counts as unchanged")
	}
}

func TestRemoteRefsFailure(t *testing.T) {
	m := New(t.TempDir(), "file://"+filepath.Join(t.TempDir(), "missing.git"), nil)
	if _, err := m.RemoteRefs(context.Background()); !errors.Is(err, ErrGone) {
		t.Errorf("missing remote: %v, want ErrGone", err)
	}
}

func TestReadBlobs(t *testing.T) {
	ctx := context.Background()
	up := gittest.New(t)
	up.Commit("one", "A <a@example.com>", map[string]string{"a.txt": "first\n", "b.txt": "", "c.txt": "no newline"})
	m := New(t.TempDir(), "file://"+up.Dir, nil)
	must(t, m.Sync(ctx))
	a, b, c := up.Git("rev-parse", "HEAD:a.txt"), up.Git("rev-parse", "HEAD:b.txt"), up.Git("rev-parse", "HEAD:c.txt")
	tree := up.Git("rev-parse", "HEAD^{tree}")
	got, err := m.ReadBlobs(ctx, []string{a, b, c, a, "0123456789abcdef0123456789abcdef01234567", tree, "not-hex"})
	must(t, err)
	if len(got) != 3 || string(got[a]) != "first\n" || got[b] == nil || len(got[b]) != 0 || string(got[c]) != "no newline" {
		t.Errorf("ReadBlobs = %q", got)
	}
}
