package git

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// walkIndexes walks the whole history of dir twice, with 'git log --raw'
// (walkAll) and in-process (walkInproc), and returns both walkers.
func walkIndexes(t *testing.T, dir string) (byGit, inproc *walker, inprocErr error) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	walk := func(fn func(*walker) error) *walker {
		h := NewHistory(repo, Options{Exclude: []string{"*.skip"}})
		h.idx = newIndex()
		w := &walker{h: h, idx: h.idx, excluded: map[string]bool{}, submodules: map[string]string{}, baseAsked: map[string]bool{}}
		if err := fn(w); err != nil {
			inprocErr = err
		}
		return w
	}
	byGit = walk(func(w *walker) error {
		if err := w.walkAll(ctx); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	objs, err := repo.openObjectStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer objs.close()
	inproc = walk(func(w *walker) error { return w.walkInproc(ctx, objs) })
	return byGit, inproc, inprocErr
}

// indexLines renders an index, one line per commit and per blob (its id,
// introducing commit and path, previous version, other paths; sorted), and
// the walk's notes.
func indexLines(w *walker) []string {
	x := w.idx
	var out []string
	for _, c := range x.commits {
		out = append(out, "commit "+c.hex(20))
	}
	// Blobs are numbered in the order a walk meets them, which differs
	// between one walk oldest first and two from both ends.
	var blobs []string
	for n, ref := range x.refs {
		base := "-"
		if ref.base > 0 {
			base = x.oids[ref.base-1].hex(20)
		}
		others := slices.Clone(x.pathsOf(uint32(n))[1:])
		slices.Sort(others)
		blobs = append(blobs, fmt.Sprintf("blob %s in %s at %s after %s, also %v", x.oids[n].hex(20), x.commits[ref.commit].hex(20), x.paths[ref.path], base, others))
	}
	slices.Sort(blobs)
	out = append(out, blobs...)
	for p, c := range w.submodules {
		out = append(out, "submodule "+p+" "+c)
	}
	var skipped []string
	for _, sk := range w.skips {
		skipped = append(skipped, "skipped "+sk.Origin.Path)
	}
	slices.Sort(skipped)
	return append(out, skipped...)
}

// trickyHistory builds a history whose walk is easy to get wrong: many
// commits with the same committer date on several branches and tags (one
// annotated, one a tag of a tag), a criss-cross and an octopus merge, a
// commit only HEAD holds, files that become directories and back, mode
// and type changes, names that sort differently as files and
// directories, a submodule entry, an excluded path, and an empty tree.
func trickyHistory(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	same := []string{"GIT_AUTHOR_DATE=2024-03-01T12:00:00Z", "GIT_COMMITTER_DATE=2024-03-01T12:00:00Z"}
	commit := func(msg string, files map[string]string) {
		t.Helper()
		r.Write(files)
		r.Git("add", "-A")
		if _, err := gittest.Try(r.Dir, same, "commit", "-q", "--allow-empty", "-m", msg); err != nil {
			t.Fatal(err)
		}
	}
	root := r.Commit("root", "", map[string]string{"a": "a\n", "a.b": "dot\n", "a-b": "dash\n", "a0": "zero\n", "x.skip": "no\n"})
	commit("same date 1", map[string]string{"a.b": "dot 2\n"})
	// A branch listed first whose tip is older than the others: git
	// sorts the tips by date.
	old := []string{"GIT_AUTHOR_DATE=2023-06-01T12:00:00Z", "GIT_COMMITTER_DATE=2023-06-01T12:00:00Z"}
	early, err := gittest.Try(r.Dir, old, "commit-tree", "-p", root, "-m", "old date", r.Git("rev-parse", "HEAD^{tree}"))
	if err != nil {
		t.Fatal(err)
	}
	r.Git("update-ref", "refs/heads/aaa", early)
	// A branch whose tip has the same date as the commit only HEAD holds:
	// git takes tips of one date in the order it lists them.
	tie, err := gittest.Try(r.Dir, same, "commit-tree", "-p", root, "-m", "same date, other tip", r.Git("rev-parse", "HEAD^{tree}"))
	if err != nil {
		t.Fatal(err)
	}
	r.Git("update-ref", "refs/heads/zzz", tie)
	r.Git("checkout", "-q", "-b", "left")
	commit("left 1", map[string]string{"l.txt": "left\n"})
	r.Git("checkout", "-q", "-b", "right", "main")
	commit("right 1", map[string]string{"r.txt": "right\n"})
	r.Git("checkout", "-q", "left")
	r.Git("merge", "-q", "--no-edit", "right")
	r.Git("checkout", "-q", "right")
	if _, err := gittest.Try(r.Dir, same, "merge", "-q", "--no-edit", "left~1"); err != nil {
		t.Fatal(err)
	}
	r.Git("checkout", "-q", "main")
	r.Commit("file to dir", "", nil)
	r.Remove("a")
	r.Commit("a becomes a directory", "", map[string]string{"a/inner": "inner\n", "a/deep/er.txt": "deep\n"})
	r.Git("tag", "-a", "-m", "annotated", "v1")
	r.Git("tag", "-a", "-m", "tag of a tag", "v1-again", "v1")
	r.Git("update-index", "--chmod=+x", "a0")
	r.Commit("mode change", "", map[string]string{"a.b": "dot 3\n"})
	r.Remove("a0")
	if err := os.Symlink("a.b", filepath.Join(r.Dir, "a0")); err != nil {
		t.Fatal(err)
	}
	r.Commit("file to link", "", nil)
	r.Remove("a0")
	r.Commit("link to file", "", map[string]string{"a0": "zero again\n"})
	sub := r.Git("rev-parse", "HEAD")
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+sub+",vendor/mod")
	r.Commit("submodule entry", "", nil)
	r.Git("rm", "-rq", "a")
	r.Commit("a is a file again", "", map[string]string{"a": "file again\n", "x.skip": "still no\n"})
	r.Git("merge", "-q", "--no-edit", "left", "right", "-m", "octopus")
	tip := r.Git("rev-parse", "HEAD")
	empty := r.Git("hash-object", "-t", "tree", "-w", "/dev/null")
	orphan := r.Git("commit-tree", "-m", "an empty tree", empty)
	r.Git("update-ref", "refs/heads/empty", orphan)
	r.Git("checkout", "-q", "--detach", tip)
	commit("only HEAD holds this", map[string]string{"head.txt": "detached\n"})
	return r
}

// TestWalkInprocMatchesGit checks that the in-process walk indexes every
// history as the two 'git log --raw' walks do: the same commits in the
// same order, each blob introduced by the same commit at the same path,
// after the same previous version, seen at the same other paths; the same
// submodules and excluded paths noted.
func TestWalkInprocMatchesGit(t *testing.T) {
	histories := append([]namedHistory{{"tricky", trickyHistory}}, differentialHistories(3)...)
	for _, hc := range histories {
		if testing.Short() && hc.name != "tricky" {
			continue
		}
		t.Run(hc.name, func(t *testing.T) {
			r := hc.build(t)
			for _, stored := range []string{"loose", "packed"} {
				if stored == "packed" {
					r.Git("repack", "-adq")
				}
				byGit, inproc, err := walkIndexes(t, r.Dir)
				if err != nil {
					t.Fatalf("%s: %v", stored, err)
				}
				if d := lineDiff(indexLines(inproc), indexLines(byGit)); d != "" {
					t.Fatalf("%s: in-process walk differs from git log's:\n%s", stored, d)
				}
				t.Logf("%s: %d commits, %d blobs", stored, len(inproc.idx.commits), len(inproc.idx.refs))
			}
		})
	}
}

// TestWalkInprocShallowAndOdd checks the histories the in-process walk
// reads differently: a shallow clone (its boundary commits are roots) and
// a commit whose committer line git versions read differently (git gives
// the order); and those it leaves to git log: replace refs and grafts.
func TestWalkInprocShallowAndOdd(t *testing.T) {
	r := trickyHistory(t)
	t.Run("shallow", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "shallow")
		gittest.Run(t, "", "clone", "-q", "--no-local", "--depth=3", "--no-single-branch", r.Dir, dir)
		byGit, inproc, err := walkIndexes(t, dir)
		if err != nil {
			t.Fatal(err)
		}
		if d := lineDiff(indexLines(inproc), indexLines(byGit)); d != "" {
			t.Fatalf("in-process walk differs from git log's:\n%s", d)
		}
	})
	t.Run("odd committer line", func(t *testing.T) {
		tree := r.Git("rev-parse", "HEAD^{tree}")
		parent := r.Git("rev-parse", "main")
		raw := "tree " + tree + "\nparent " + parent + "\nauthor A <a@example.com> 1700000000 +0000\n" +
			"committer C <c@example.com> 1600000000 +0000 >not a date\n\nodd\n"
		odd := gittest.Run(t, r.Dir, "hash-object", "-t", "commit", "-w", "--literally", writeTemp(t, raw))
		r.Git("update-ref", "refs/heads/odd", odd)
		byGit, inproc, err := walkIndexes(t, r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if d := lineDiff(indexLines(inproc), indexLines(byGit)); d != "" {
			t.Fatalf("in-process walk differs from git log's:\n%s", d)
		}
	})
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
	}{
		{"replace ref", func(t *testing.T) {
			r.Git("replace", "--graft", "main", "main~2")
		}},
		{"grafts", func(t *testing.T) {
			r.Git("replace", "-d", r.Git("rev-parse", "main"))
			graft := r.Git("rev-parse", "main") + " " + r.Git("rev-parse", "main~3") + "\n"
			if err := os.WriteFile(filepath.Join(r.Dir, ".git", "info", "grafts"), []byte(graft), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup(t)
			_, _, err := walkIndexes(t, r.Dir)
			if err == nil || !strings.Contains(err.Error(), errWalkByGit.Error()) {
				t.Fatalf("walked in-process: %v", err)
			}
		})
	}
}

// writeTemp writes s to a new file and returns its path.
func writeTemp(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lineDiff describes where got and want differ: the first differing line
// and the lines only one of them has (at most 20 each); "" when equal.
func lineDiff(got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		if i >= len(got) || i >= len(want) || got[i] != want[i] {
			fmt.Fprintf(&b, "line %d of %d/%d\n", i, len(got), len(want))
			break
		}
	}
	only := func(name string, a, b2 []string) {
		n := 0
		for _, l := range a {
			if !slices.Contains(b2, l) && n < 20 {
				fmt.Fprintf(&b, "only %s: %s\n", name, l)
				n++
			}
		}
	}
	only("in-process", got, want)
	only("git log", want, got)
	return b.String()
}
