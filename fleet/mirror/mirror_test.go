package mirror

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// TestNewRevs follows a repository through new commits, a new branch, a
// force-push and a deletion, checking what is new each time.
func TestNewRevs(t *testing.T) {
	ctx := context.Background()
	up := gittest.New(t)
	up.Commit("one", "A <a@example.com>", map[string]string{"a.txt": "1"})
	m := New(t.TempDir(), "file://"+up.Dir, nil)
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	refs, err := m.Refs(ctx)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refs = %v, %v", refs, err)
	}
	revs, scan, err := m.NewRevs(ctx, refs, nil)
	if err != nil || !scan || revs != nil {
		t.Fatalf("first scan: %v %v %v", revs, scan, err)
	}
	scanned := refs
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	refs, _ = m.Refs(ctx)
	if _, scan, _ := m.NewRevs(ctx, refs, scanned); scan {
		t.Fatal("nothing new, yet a scan")
	}

	two := up.Commit("two", "A <a@example.com>", map[string]string{"b.txt": "2"})
	up.Git("branch", "side")
	must(t, m.Sync(ctx))
	refs, _ = m.Refs(ctx)
	revs, scan, err = m.NewRevs(ctx, refs, scanned)
	if err != nil || !scan || len(revs) != 3 || revs[0] != two || revs[1] != "--not" {
		t.Fatalf("after a commit: %v %v %v", revs, scan, err)
	}
	scanned = refs

	// Force-push: main is rewritten to a new commit off "one".
	up.Git("reset", "--hard", "HEAD~1")
	three := up.Commit("three", "B <b@example.com>", map[string]string{"c.txt": "3"})
	up.Git("branch", "-D", "side")
	must(t, m.Sync(ctx))
	refs, _ = m.Refs(ctx)
	if _, ok := refs["refs/heads/side"]; ok {
		t.Fatal("deleted branch not pruned")
	}
	revs, scan, err = m.NewRevs(ctx, refs, scanned)
	if err != nil || !scan || revs[0] != three {
		t.Fatalf("after a force-push: %v %v %v", revs, scan, err)
	}
	out := gittest.Run(t, m.Dir, append([]string{"rev-list"}, revs...)...)
	if out != three {
		t.Errorf("force-push rescans %q, want only %s", out, three)
	}
	data, err := m.ReadBlob(ctx, gittest.Run(t, m.Dir, "rev-parse", "HEAD:c.txt"))
	if err != nil || string(data) != "3" {
		t.Errorf("ReadBlob = %q, %v", data, err)
	}
	if b, err := m.HeadBlob(ctx, "nope.txt"); b != nil || err != nil {
		t.Errorf("HeadBlob(missing) = %q, %v", b, err)
	}
}

func TestSyncFailures(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		url  string
		want error
	}{
		{"file://" + filepath.Join(t.TempDir(), "missing.git"), ErrGone},
		{"http://127.0.0.1:1/x.git", ErrUnreachable},
	} {
		m := New(t.TempDir(), tt.url, nil)
		err := m.Sync(ctx)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.url, err, tt.want)
		}
		if m.Exists() {
			t.Errorf("%s: a failed clone left a mirror", tt.url)
		}
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/app.git": "app",
		"git@github.com:acme/../x":        "x",
		"file:///srv/git/.hidden":         "repo.hidden",
		"https://h/":                      "h",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
