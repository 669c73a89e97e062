package git

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/internal/testenv"
)

// branchyHistory builds a history with what makes attribution hard:
// a file with many versions, secrets added and removed and added again,
// a rename, one blob at two paths in one commit, a branch merged back and
// a tag on a commit no branch holds.
func branchyHistory(t *testing.T) *gittest.Repo {
	g := fakecred.New(7)
	r := gittest.New(t)
	var body strings.Builder
	for i := range 200 {
		fmt.Fprintf(&body, "func step%d() int { return %d }\n", i, i*7)
	}
	big := body.String()
	_, _, env := twilioPair(g)
	key := "AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
	r.Commit("start", "", map[string]string{"src/big.go": big, "README.md": "# app\n"})
	base := r.Git("rev-parse", "HEAD")
	for i := range 6 {
		files := map[string]string{"src/big.go": strings.Replace(big, fmt.Sprintf("return %d }", i*7), fmt.Sprintf("return %d }", i*11+1), 1)}
		if i == 2 {
			files["config/aws.ini"] = "[default]\naws_access_key_id = " + key + "\n"
		}
		if i == 4 {
			files["config/aws.ini"] = "[default]\n"
		}
		big = files["src/big.go"]
		r.Commit(fmt.Sprintf("edit %d", i), "", files)
	}
	r.Commit("twice", "", map[string]string{"a/app.env": env, "b/app.env": env})
	r.Git("mv", "a/app.env", "a/renamed.env")
	r.Commit("rename", "", nil)
	r.Commit("put the key back", "", map[string]string{"config/aws.ini": "[default]\naws_access_key_id = " + key + "\n"})
	main := strings.TrimSpace(r.Git("rev-parse", "--abbrev-ref", "HEAD"))

	r.Git("checkout", "-q", "-b", "feature", base)
	_, _, env2 := twilioPair(g)
	r.Commit("feature settings", "", map[string]string{"deploy/feature.env": env2, "src/big.go": big + "// feature\n"})
	r.Git("checkout", "-q", main)
	r.Git("merge", "-q", "--no-ff", "--no-edit", "-X", "theirs", "feature")

	r.Git("checkout", "-q", "--detach", base)
	_, _, env3 := twilioPair(g)
	r.Commit("tagged only", "", map[string]string{"old/tag.env": env3})
	r.Git("tag", "lonely")
	r.Git("checkout", "-q", main)
	return r
}

// summary lists what a scan's findings say, one line each, sorted.
func summary(fs []vigil.Finding) []string {
	var out []string
	for _, f := range fs {
		sha := ""
		if f.Origin.Commit != nil {
			sha = f.Origin.Commit.SHA[:12]
		}
		present := "?"
		if f.Present != nil {
			present = fmt.Sprint(*f.Present)
		}
		out = append(out, fmt.Sprintf("%s %s %s:%d @%s ×%d present=%s", f.RuleID, f.Fingerprint(), f.Origin.Path, f.Origin.Line, sha, f.Occurrences, present))
	}
	slices.Sort(out)
	return out
}

// TestHistoryPackedOrder checks that reading a whole history in pack
// order, walked from both ends at once or from one, with blobs parked
// for their bases or let go whole, finds and attributes exactly what the
// walk in history order does.
func TestHistoryPackedOrder(t *testing.T) {
	r := branchyHistory(t)
	for _, repack := range []bool{false, true} {
		if repack {
			r.Git("repack", "-adq")
		}
		// Revs ["--all"] is the same selection, read as it is walked.
		want := mustScan(t, r.Dir, Options{Revs: []string{"--all"}})
		if len(want.findings) < 4 {
			t.Fatalf("the history holds at least 4 secrets, found %v", summary(want.findings))
		}
		for _, tc := range []struct {
			name string
			tune func(*History)
			via  func(*History) vigil.Source
		}{
			{name: "walks from both ends", tune: func(h *History) {}},
			{name: "newest first only", tune: func(h *History) { h.walkDirs = []bool{false} }},
			{name: "oldest first only", tune: func(h *History) { h.walkDirs = []bool{true} }},
			{name: "nothing parked", tune: func(h *History) { h.parkMax = 1; h.opts.CatFile = true }},
			{name: "through cat-file", tune: referenceReader},
			{name: "walk started before the scan", tune: func(h *History) { h.Start(context.Background()) }},
			{name: "yielded from one goroutine", tune: func(h *History) {}, via: func(h *History) vigil.Source { return vigil.SourceFunc(h.Chunks) }},
		} {
			t.Run(fmt.Sprintf("%s/repacked=%v", tc.name, repack), func(t *testing.T) {
				got, err := scanHistoryVia(t, r.Dir, Options{}, tc.via, tc.tune)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(summary(got.findings), summary(want.findings)) {
					t.Fatalf("pack order:\n%s\nhistory order:\n%s", strings.Join(summary(got.findings), "\n"), strings.Join(summary(want.findings), "\n"))
				}
				gs, ws := got.hist.Stats(), want.hist.Stats()
				if gs.Commits != ws.Commits || gs.Blobs != ws.Blobs || gs.BlobBytes != ws.BlobBytes {
					t.Fatalf("stats %+v, want %+v", gs, ws)
				}
				if tc.name == "nothing parked" && repack && gs.Diffed >= ws.Diffed {
					t.Fatalf("with no room to park, fewer blobs can be diffed: %d, history order %d", gs.Diffed, ws.Diffed)
				}
			})
		}
	}
}

// TestHistoryGitWrapper checks that a whole-history scan ends when git is
// a wrapper that runs the real git as its child: the walk stopped where
// the two walks meet kills the wrapper, and its git, still writing the
// rest of the walk into a pipe no one reads, must not keep the scan
// waiting.
func TestHistoryGitWrapper(t *testing.T) {
	realGit := testenv.NeedProgram(t, "git")
	r := gittest.New(t)
	// 60 commits changing 300 files each: a walk of about 3 MB, more
	// than the pipes hold.
	var fi strings.Builder
	for c := range 60 {
		fmt.Fprintf(&fi, "commit refs/heads/main\ncommitter T <t@example.com> %d +0000\ndata 2\nc\n", 1700000000+c*60)
		for f := range 300 {
			body := fmt.Sprintf("file %d version %d\n", f, c)
			fmt.Fprintf(&fi, "M 100644 inline dir%d/file%d.txt\ndata %d\n%s\n", f%10, f, len(body), body)
		}
	}
	cmd := exec.Command(realGit, "-C", r.Dir, "fast-import", "--quiet")
	cmd.Env = gittest.Env()
	cmd.Stdin = strings.NewReader(fi.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v: %s", err, out)
	}
	wrapper := filepath.Join(t.TempDir(), "git")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\n'"+realGit+"' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", filepath.Dir(wrapper)+string(os.PathListSeparator)+os.Getenv("PATH"))
	done := make(chan scanResult, 1)
	go func() { done <- mustScan(t, r.Dir, Options{}) }()
	select {
	case res := <-done:
		if s := res.hist.Stats(); s.Commits != 60 || s.Blobs != 60*300 {
			t.Fatalf("stats %+v, want 60 commits and %d blobs", s, 60*300)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the scan did not end: a killed wrapper's git holds its pipes")
	}
}

// TestHistoryPackedOrderRandom compares the two reading orders on random
// histories: files edited, copied, renamed and deleted, secrets added and
// removed, branches merged back.
func TestHistoryPackedOrderRandom(t *testing.T) {
	seeds := 3
	if testing.Short() {
		seeds = 1
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := randomHistory(t, seed)
			want := mustScan(t, r.Dir, Options{Revs: []string{"--all"}})
			got := mustScan(t, r.Dir, Options{})
			if !slices.Equal(summary(got.findings), summary(want.findings)) {
				t.Fatalf("pack order:\n%s\nhistory order:\n%s", strings.Join(summary(got.findings), "\n"), strings.Join(summary(want.findings), "\n"))
			}
			if len(want.findings) == 0 {
				t.Fatal("the history holds secrets, none found")
			}
			t.Logf("%d findings, %+v", len(got.findings), got.hist.Stats())
		})
	}
}

// randomHistory builds 40 commits of random changes to a few files, with
// generated AWS keys and GitHub tokens in some versions, on main and on
// short branches merged back.
func randomHistory(t *testing.T, seed uint64) *gittest.Repo {
	g := fakecred.New(100 + seed)
	rnd := rand.New(rand.NewPCG(seed, 7))
	r := gittest.New(t)
	files := map[string][]string{}
	paths := []string{"a.txt", "src/b.go", "src/c.go", "conf/d.ini", "conf/e.env"}
	line := func() string {
		switch rnd.IntN(10) {
		case 0:
			return "aws_access_key_id = AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
		case 1:
			return "token: " + g.GitHubToken("ghp_")
		}
		return fmt.Sprintf("value_%d = %d", rnd.IntN(50), rnd.IntN(1000))
	}
	render := func(p string) string { return strings.Join(files[p], "\n") + "\n" }
	branch := 0
	for c := range 40 {
		change := map[string]string{}
		for range 1 + rnd.IntN(3) {
			p := paths[rnd.IntN(len(paths))]
			ls := files[p]
			switch op := rnd.IntN(6); {
			case op < 3 || len(ls) == 0:
				at := rnd.IntN(len(ls) + 1)
				ls = slices.Insert(ls, at, line())
			case op == 3:
				at := rnd.IntN(len(ls))
				ls = slices.Delete(ls, at, at+1)
			case op == 4:
				ls[rnd.IntN(len(ls))] = line()
			default: // a copy at a new path
				q := fmt.Sprintf("copy%d/%s", c, p)
				files[q] = slices.Clone(ls)
				change[q] = render(q)
			}
			files[p] = ls
			change[p] = render(p)
		}
		switch {
		case c%10 == 4:
			branch++
			r.Git("checkout", "-q", "-b", fmt.Sprint("topic", branch))
			r.Commit(fmt.Sprint("topic ", c), "", change)
		case c%10 == 6:
			r.Commit(fmt.Sprint("topic ", c), "", change)
			r.Git("checkout", "-q", "main")
			r.Git("merge", "-q", "--no-ff", "--no-edit", "-X", "theirs", fmt.Sprint("topic", branch))
			for _, p := range paths { // main now holds the topic's versions
				if data, err := os.ReadFile(filepath.Join(r.Dir, filepath.FromSlash(p))); err == nil {
					files[p] = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
				}
			}
		default:
			r.Commit(fmt.Sprint("change ", c), "", change)
		}
	}
	return r
}
