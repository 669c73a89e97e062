package git

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/rules"
)

func scanStaged(t *testing.T, dir string) ([]vigil.Finding, vigil.Stats) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := rules.Default()
	s := NewStaged(repo, Options{})
	sc := &vigil.Scanner{Matcher: rules.NewMatcher(set, rules.Options{})}
	var fs []vigil.Finding
	stats, err := sc.Scan(ctx, s, func(f vigil.Finding) { fs = append(fs, f) })
	if err != nil {
		t.Fatal(err)
	}
	fs, err = s.Filter(ctx, fs)
	if err != nil {
		t.Fatal(err)
	}
	return fs, stats
}

func tokensAt(fs []vigil.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.RuleID == "twilio-auth-token" {
			out = append(out, fmt.Sprintf("%s:%d", f.Origin.Path, f.Origin.Line))
		}
	}
	slices.Sort(out)
	return out
}

func TestStaged(t *testing.T) {
	g := fakecred.New(11)
	_, _, old := twilioPair(g)
	_, _, added := twilioPair(g)
	_, _, unstaged := twilioPair(g)
	_, _, fresh := twilioPair(g)
	r := gittest.New(t)

	// Before the first commit: everything staged is new.
	r.Write(map[string]string{"first.env": old})
	r.Git("add", "first.env")
	if fs, _ := scanStaged(t, r.Dir); fmt.Sprint(tokensAt(fs)) != "[first.env:2]" {
		t.Fatalf("initial commit: %v", tokensAt(fs))
	}
	r.Commit("first", "", nil)

	// Nothing staged: nothing read, nothing found.
	if fs, st := scanStaged(t, r.Dir); len(fs) != 0 || st.Items != 0 {
		t.Fatalf("nothing staged: %d findings, %d items", len(fs), st.Items)
	}

	// A secret added to a file that already holds one: only the new one,
	// at its line in the staged content. The work tree's later change is
	// not what is committed.
	r.Write(map[string]string{"first.env": "# header\n" + old + "# more\n" + added})
	r.Git("add", "first.env")
	r.Write(map[string]string{"first.env": unstaged, "untracked.env": unstaged})
	r.Write(map[string]string{"new/app.env": "X=1\n" + fresh})
	r.Git("add", "new/app.env")
	fs, _ := scanStaged(t, r.Dir)
	if got := fmt.Sprint(tokensAt(fs)); got != "[first.env:6 new/app.env:3]" {
		t.Fatalf("staged findings %s, want [first.env:6 new/app.env:3]", got)
	}
	for _, f := range fs {
		if f.Origin.Source != "staged" || f.Origin.Blob == "" {
			t.Fatalf("origin %+v", f.Origin)
		}
	}

	// Deleting a file with a secret stages nothing to scan.
	r.Git("commit", "-q", "-m", "two")
	r.Git("checkout", "-q", "--", ".")
	r.Git("rm", "-q", "new/app.env")
	if fs, st := scanStaged(t, r.Dir); len(fs) != 0 || st.Items != 0 {
		t.Fatalf("deletion: %d findings, %d items", len(fs), st.Items)
	}
}

func TestStagedBare(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a": "a\n"})
	bare := t.TempDir() + "/b.git"
	gittest.Run(t, "", "clone", "-q", "--bare", r.Dir, bare)
	repo, err := Open(context.Background(), bare)
	if err != nil {
		t.Fatal(err)
	}
	err = NewStaged(repo, Options{}).Chunks(context.Background(), func(vigil.Chunk) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "bare") {
		t.Fatalf("bare: %v", err)
	}
}

// TestOpenStaged checks the early start a pre-commit hook uses: what is
// staged is listed while git checks the repository, and a failed check or
// a bare repository leaves no git running.
func TestOpenStaged(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a.txt": "a\n"})
	r.Write(map[string]string{"b.txt": "b\n"})
	r.Git("add", "b.txt")
	bare := t.TempDir() + "/b.git"
	gittest.Run(t, "", "clone", "-q", "--bare", r.Dir, bare)
	ctx := context.Background()
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name, dir string
		openErr   error
		paths     string
		chunksErr string
	}{
		{name: "work tree", dir: r.Dir, paths: "[b.txt]"},
		{name: "not a repository", dir: t.TempDir(), openErr: ErrNotRepository},
		{name: "bare", dir: bare, chunksErr: "bare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, s, err := OpenStaged(ctx, tc.dir, nil, Options{})
			if !errors.Is(err, tc.openErr) {
				t.Fatalf("OpenStaged: %v, want %v", err, tc.openErr)
			}
			if err != nil {
				return
			}
			if repo.Dir != tc.dir {
				t.Errorf("repository %q", repo.Dir)
			}
			var paths []string
			err = s.Chunks(ctx, func(c vigil.Chunk) error {
				paths = append(paths, c.Origin.Path)
				return nil
			})
			switch {
			case tc.chunksErr != "" && (err == nil || !strings.Contains(err.Error(), tc.chunksErr)):
				t.Fatalf("Chunks: %v, want an error saying %q", err, tc.chunksErr)
			case tc.chunksErr == "" && err != nil:
				t.Fatal(err)
			case fmt.Sprint(paths) != cmp.Or(tc.paths, "[]"):
				t.Fatalf("chunks from %v, want %s", paths, tc.paths)
			}
		})
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines before, %d after", before, runtime.NumGoroutine())
}

func TestPush(t *testing.T) {
	g := fakecred.New(12)
	_, tokOld, envOld := twilioPair(g)
	_, tokNew, envNew := twilioPair(g)
	remote := gittest.New(t)
	remote.Commit("base", "", map[string]string{"old.env": envOld})
	r := gittest.New(t)
	r.Git("remote", "add", "origin", remote.Dir)
	r.Git("fetch", "-q", "origin")
	r.Git("reset", "-q", "--hard", "origin/main")
	base := r.Git("rev-parse", "HEAD")
	// The push edits old.env next to the old secret, and adds a new one.
	r.Commit("edit", "", map[string]string{"old.env": "# edited\n" + envOld})
	head := r.Commit("new", "", map[string]string{"new.env": envNew})
	zero := strings.Repeat("0", 40)

	ctx := context.Background()
	repo, _ := Open(ctx, r.Dir)
	for _, tc := range []struct {
		name  string
		input string
		want  string // tokens found
	}{
		{"update", fmt.Sprintf("refs/heads/main %s refs/heads/main %s\n", head, base), "[new]"},
		{"new branch", fmt.Sprintf("refs/heads/main %s refs/heads/topic %s\n", head, zero), "[new]"},
		{"unknown remote commit", fmt.Sprintf("refs/heads/main %s refs/heads/main %s\n", head, strings.Repeat("1", 40)), "[new]"},
		{"deletion", fmt.Sprintf("(delete) %s refs/heads/old %s\n", zero, base), "none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs, err := ParsePush(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			revs, err := PushRevs(ctx, repo, refs, "origin")
			if err != nil {
				t.Fatal(err)
			}
			if revs == nil {
				if tc.want != "none" {
					t.Fatalf("nothing to scan, want %s", tc.want)
				}
				return
			}
			res := mustScan(t, r.Dir, Options{Revs: revs, NewOnly: true})
			var got []string
			for _, f := range res.byRule("twilio-auth-token") {
				switch f.Secret.Reveal() {
				case tokNew:
					got = append(got, "new")
				case tokOld:
					got = append(got, "old")
				}
			}
			if fmt.Sprint(got) != tc.want {
				t.Fatalf("found %v, want %s (revs %v)", got, tc.want, revs)
			}
		})
	}
}

func TestParsePush(t *testing.T) {
	sha := strings.Repeat("a", 40)
	for _, tc := range []struct {
		in   string
		n    int
		fail bool
	}{
		{"", 0, false},
		{"\n\n", 0, false},
		{"refs/heads/main " + sha + " refs/heads/main " + sha + "\n", 1, false},
		{"refs/heads/a " + sha + " refs/heads/a " + sha + "\r\nrefs/heads/b " + sha + " refs/heads/b " + sha, 2, false},
		{"refs/heads/main " + sha + " refs/heads/main\n", 0, true},
		{"refs/heads/main xyz refs/heads/main " + sha + "\n", 0, true},
		{"a b c d e\n", 0, true},
	} {
		refs, err := ParsePush(strings.NewReader(tc.in))
		if (err != nil) != tc.fail || len(refs) != tc.n {
			t.Errorf("%q: %d refs, err %v", tc.in, len(refs), err)
		}
	}
}

func FuzzParsePush(f *testing.F) {
	f.Add("refs/heads/main " + strings.Repeat("a", 40) + " refs/heads/main " + strings.Repeat("0", 40) + "\n")
	f.Add("x y z w\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		refs, err := ParsePush(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range refs {
			if !isHex([]byte(r.LocalSHA)) || !isHex([]byte(r.RemoteSHA)) || r.LocalRef == "" || r.RemoteRef == "" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

// TestStagedStart checks that a diff started early (as the CLI does while
// its rules load) gives what Chunks alone gives, however often Chunks is
// called, and that what is staged after Start is not mixed in.
func TestStagedStart(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{"a.txt": "one\n", "b.txt": "two\n"})
	r.Git("add", "a.txt")
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStaged(repo, Options{})
	s.Start(ctx)
	s.Start(ctx) // a second call does nothing
	paths := func() []string {
		var out []string
		err := s.Chunks(ctx, func(c vigil.Chunk) error {
			out = append(out, c.Origin.Path)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := paths()
	r.Git("add", "b.txt")
	if second := paths(); fmt.Sprint(first) != "[a.txt]" || fmt.Sprint(second) != "[a.txt]" {
		t.Fatalf("chunks from %v then %v, want [a.txt] both times", first, second)
	}
}
