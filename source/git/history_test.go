package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/git/pack"
)

// twilioPair returns generated Twilio credentials and the .env text that
// holds them.
func twilioPair(g *fakecred.Gen) (sid, token, text string) {
	sid, token = "AC"+g.String(fakecred.Hex, 32), g.String(fakecred.Hex, 32)
	return sid, token, fmt.Sprintf("TWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n", sid, token)
}

// scanResult is a history scan's folded findings and what it skipped.
type scanResult struct {
	findings []vigil.Finding
	stats    vigil.Stats
	hist     *History
}

// byRule returns the findings of a rule.
func (r scanResult) byRule(rule string) []vigil.Finding {
	var out []vigil.Finding
	for _, f := range r.findings {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

func (r scanResult) skipped(reason vigil.SkipReason) []vigil.Skip {
	var out []vigil.Skip
	for _, s := range r.stats.Skipped {
		if s.Reason == reason {
			out = append(out, s)
		}
	}
	return out
}

// scanHistory scans a repository's history with the built-in rules, the
// History adjusted by tune first.
func scanHistory(t *testing.T, dir string, opts Options, tune ...func(*History)) (scanResult, error) {
	t.Helper()
	return scanHistoryVia(t, dir, opts, nil, tune...)
}

// scanHistoryVia is scanHistory with the scanner reading the history
// through via(h) (nil: the history itself, whose workers yield).
func scanHistoryVia(t *testing.T, dir string, opts Options, via func(*History) vigil.Source, tune ...func(*History)) (scanResult, error) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		return scanResult{}, err
	}
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	h := NewHistory(repo, opts)
	for _, f := range tune {
		f(h)
	}
	sc := &vigil.Scanner{Matcher: rules.NewMatcher(set, rules.Options{})}
	var src vigil.Source = h
	if via != nil {
		src = via(h)
	}
	var fs []vigil.Finding
	stats, err := sc.Scan(ctx, src, func(f vigil.Finding) { fs = append(fs, f) })
	if err != nil {
		return scanResult{stats: stats, hist: h}, err
	}
	folded, err := h.Attribute(ctx, fs)
	return scanResult{findings: folded, stats: stats, hist: h}, err
}

func mustScan(t *testing.T, dir string, opts Options, tune ...func(*History)) scanResult {
	t.Helper()
	res, err := scanHistory(t, dir, opts, tune...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestHistoryAttribution(t *testing.T) {
	g := fakecred.New(1)
	sid, token, env := twilioPair(g)
	r := gittest.New(t)
	r.Commit("readme", "", map[string]string{"README.md": "# app\n"})
	intro := r.Commit("configure twilio", "Alice Example <alice@example.com>",
		map[string]string{"deploy/app.env": "# settings\nPORT=8080\n" + env})
	r.Commit("more settings", "", map[string]string{"deploy/app.env": "# settings\nPORT=9090\nDEBUG=0\n" + env})
	r.Commit("copy", "", map[string]string{"backup/app.env": env})
	r.Commit("use the environment", "", map[string]string{"deploy/app.env": "# settings\nPORT=9090\n"})

	for _, whole := range []bool{false, true} {
		t.Run(fmt.Sprint("whole=", whole), func(t *testing.T) {
			res := mustScan(t, r.Dir, Options{Whole: whole})
			toks := res.byRule("twilio-auth-token")
			if len(toks) != 1 {
				t.Fatalf("want one Auth Token finding, got %d: %v", len(toks), res.findings)
			}
			f := toks[0]
			if f.Secret.Reveal() != token {
				t.Fatalf("found the wrong token")
			}
			if sidPart, _ := f.Part("account_sid"); sidPart.Reveal() != sid {
				t.Fatalf("token not paired with its SID: %v", f.Parts)
			}
			o := f.Origin
			if o.Path != "deploy/app.env" || o.Line != 4 || o.Commit == nil || o.Commit.SHA != intro {
				t.Fatalf("origin %+v, want deploy/app.env:4 @%s", o, intro)
			}
			c := o.Commit
			if c.Author != "Alice Example" || c.Email != "alice@example.com" || !c.Date.Equal(gittest.Date(2)) || c.Message != "configure twilio" {
				t.Fatalf("commit %+v", c)
			}
			if f.Occurrences != 2 {
				t.Fatalf("occurrences %d, want 2 (deploy/app.env, backup/app.env)", f.Occurrences)
			}
			if f.Present == nil || !*f.Present {
				t.Fatalf("the copy in backup/app.env is still at HEAD: present = %v", f.Present)
			}
		})
	}
	r.Commit("remove the copy", "", map[string]string{"backup/app.env": "# nothing\n"})
	res := mustScan(t, r.Dir, Options{})
	for _, f := range res.findings {
		if f.Present == nil || *f.Present {
			t.Fatalf("%s %s: removed everywhere, but present = %v", f.RuleID, f.Origin, f.Present)
		}
	}
}

// TestHistoryRenamedFile checks that a secret that stays in a file that
// is renamed and edited is still present at HEAD, although the versions
// after the first are scanned only where they changed.
func TestHistoryRenamedFile(t *testing.T) {
	_, _, env := twilioPair(fakecred.New(2))
	r := gittest.New(t)
	r.Commit("add", "", map[string]string{"a.env": "A=1\n" + env})
	r.Commit("edit", "", map[string]string{"a.env": "A=2\n" + env})
	r.Git("mv", "a.env", "b.env")
	r.Commit("rename", "", nil)
	r.Commit("edit again", "", map[string]string{"b.env": "A=3\n" + env + "B=1\n"})
	res := mustScan(t, r.Dir, Options{})
	if len(res.findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range res.findings {
		if f.Origin.Path != "a.env" || f.Present == nil || !*f.Present {
			t.Fatalf("%s at %s present=%v; want introduced in a.env and present", f.RuleID, f.Origin, f.Present)
		}
	}
}

func TestHistorySelection(t *testing.T) {
	g := fakecred.New(3)
	_, tokOld, envOld := twilioPair(g)
	_, tokNew, envNew := twilioPair(g)
	_, tokSide, envSide := twilioPair(g)
	r := gittest.New(t)
	first := r.Commit("old", "", map[string]string{"old.env": envOld})
	r.Commit("filler", "", map[string]string{"x.txt": "x\n"})
	r.Git("checkout", "-q", "-b", "side")
	r.Commit("side secret", "", map[string]string{"side.env": envSide})
	r.Git("checkout", "-q", "main")
	r.Commit("new", "", map[string]string{"new.env": envNew})
	tokens := func(res scanResult) []string {
		var out []string
		for _, f := range res.byRule("twilio-auth-token") {
			switch f.Secret.Reveal() {
			case tokOld:
				out = append(out, "old")
			case tokNew:
				out = append(out, "new")
			case tokSide:
				out = append(out, "side")
			}
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name string
		revs []string
		want []string
	}{
		{"all refs", nil, []string{"new", "old", "side"}},
		{"branch", []string{"main"}, []string{"new", "old"}},
		{"range", []string{first + "..main"}, []string{"new"}},
		{"since", []string{"--all", "^" + first}, []string{"new", "side"}},
		{"since date", []string{"--all", "--since=" + gittest.Date(3).Format("2006-01-02T15:04:05Z")}, []string{"new", "side"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tokens(mustScan(t, r.Dir, Options{Revs: tc.revs}))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("found %v, want %v", got, tc.want)
			}
		})
	}
}

// TestHistoryModes checks, on a generated history of many small edits,
// that scanning only changed regions finds the same credentials, with the
// same introductions and presence, as scanning every blob whole.
func TestHistoryModes(t *testing.T) {
	r := gittest.New(t)
	g := fakecred.New(4)
	files := map[string][]string{}
	var names []string
	for i := range 8 {
		name := fmt.Sprintf("f%d.txt", i)
		names = append(names, name)
		for j := range 60 {
			files[name] = append(files[name], fmt.Sprintf("line %d of %s", j, name))
		}
	}
	commit := func(i int) {
		m := map[string]string{}
		for _, n := range names {
			m[n] = strings.Join(files[n], "\n") + "\n"
		}
		r.Commit(fmt.Sprint("c", i), "", m)
	}
	commit(0)
	for i := 1; i < 60; i++ {
		name := names[i%len(names)]
		lines := files[name]
		at := (i * 7) % len(lines)
		switch i % 5 {
		case 0: // plant a credential
			_, _, env := twilioPair(g)
			lines = slices.Insert(lines, at, strings.Split(strings.TrimSpace(env), "\n")...)
		case 1: // delete lines
			lines = slices.Delete(lines, at, min(len(lines), at+3))
		case 2: // plant half a pair: a SID near an existing token line comes later
			lines = slices.Insert(lines, at, "TWILIO_AUTH_TOKEN="+g.String(fakecred.Hex, 32))
		case 3:
			lines = slices.Insert(lines, at, "TWILIO_ACCOUNT_SID=AC"+g.String(fakecred.Hex, 32))
		default:
			lines[at] = fmt.Sprintf("edited %d", i)
		}
		files[name] = lines
		commit(i)
	}
	r.Git("repack", "-adfq")
	diffed := mustScan(t, r.Dir, Options{Context: 9}, referenceReader)
	whole := mustScan(t, r.Dir, Options{Whole: true})
	inproc := mustScan(t, r.Dir, Options{Context: 9})
	if inproc.stats.Bytes*2 > whole.stats.Bytes {
		t.Errorf("read in-process, the scan matched %d bytes, whole %d: not much saved", inproc.stats.Bytes, whole.stats.Bytes)
	}
	key := func(f vigil.Finding) string {
		return fmt.Sprintf("%s %s %s:%d %v", f.Fingerprint(), f.Origin.Commit.SHA, f.Origin.Path, f.Origin.Line, *f.Present)
	}
	got := map[string]bool{}
	secrets := map[string]bool{}
	for _, f := range diffed.findings {
		got[key(f)] = true
	}
	// Read in-process, the scan is around the edits of each blob's delta,
	// not of its diff with the previous version: it finds what the whole
	// scan finds just the same.
	gotInproc := map[string]bool{}
	for _, f := range inproc.findings {
		gotInproc[key(f)] = true
	}
	for _, f := range whole.findings {
		secrets[f.Secret.Reveal()] = true
		for _, p := range f.Parts {
			secrets[p.Value.Reveal()] = true
		}
		if !got[key(f)] {
			t.Errorf("whole-blob scan found %s at %s (present %v); the changed-region scan did not", f.RuleID, f.Origin, *f.Present)
		}
		if !gotInproc[key(f)] {
			t.Errorf("whole-blob scan found %s at %s (present %v); the scan read in-process did not", f.RuleID, f.Origin, *f.Present)
		}
	}
	if len(whole.findings) < 15 {
		t.Fatalf("only %d findings in whole mode", len(whole.findings))
	}
	// Where several tokens and SIDs crowd a few lines, a region may pair
	// a secret with another of its neighbours, or leave a SID at its edge
	// without the token further out: an extra finding, never a secret the
	// whole-blob scan did not see.
	for _, f := range append(diffed.findings, inproc.findings...) {
		if !secrets[f.Secret.Reveal()] {
			t.Errorf("changed-region scan found a secret the whole-blob scan did not see: %s at %s", f.RuleID, f.Origin)
		}
	}
	if diffed.stats.Bytes*2 > whole.stats.Bytes {
		t.Fatalf("changed-region scan read %d bytes, whole %d: not much saved", diffed.stats.Bytes, whole.stats.Bytes)
	}
}

func TestHistoryBareAndShallow(t *testing.T) {
	g := fakecred.New(5)
	_, tok1, env1 := twilioPair(g)
	_, tok2, env2 := twilioPair(g)
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"one.env": env1})
	r.Commit("two", "", map[string]string{"two.env": env2})
	r.Commit("three", "", map[string]string{"three.txt": "3\n"})
	tmp := t.TempDir()
	bare := filepath.Join(tmp, "bare.git")
	gittest.Run(t, "", "clone", "-q", "--bare", r.Dir, bare)
	res := mustScan(t, bare, Options{})
	if n := len(res.byRule("twilio-auth-token")); n != 2 {
		t.Fatalf("bare: %d tokens, want 2", n)
	}
	shallow := filepath.Join(tmp, "shallow")
	gittest.Run(t, "", "clone", "-q", "--depth", "2", "file://"+r.Dir, shallow)
	repo, err := Open(context.Background(), shallow)
	if err != nil || !repo.Shallow {
		t.Fatalf("open shallow clone: %v (shallow=%v)", err, repo != nil && repo.Shallow)
	}
	res = mustScan(t, shallow, Options{})
	toks := res.byRule("twilio-auth-token")
	// The clone has commits two and three; commit two is its root and is
	// credited with everything it holds, one.env included.
	if len(toks) != 2 {
		t.Fatalf("shallow: %d tokens, want 2", len(toks))
	}
	head2 := gittest.Run(t, shallow, "rev-parse", "HEAD~1")
	for _, f := range toks {
		if f.Origin.Commit.SHA != head2 {
			t.Fatalf("shallow: %s credited to %s, want the boundary commit %s", f.Origin.Path, f.Origin.Commit.SHA, head2)
		}
		if f.Secret.Reveal() != tok1 && f.Secret.Reveal() != tok2 {
			t.Fatal("unexpected token")
		}
	}
}

func TestHistorySpecialContent(t *testing.T) {
	g := fakecred.New(6)
	_, tok, env := twilioPair(g)
	r := gittest.New(t)
	big := strings.Repeat("filler line of text\n", 300000) + env // ~6 MB: chunked
	binary := make([]byte, 3<<20)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("a", 64) + "\nsize 12345\n"
	r.Commit("content", "", map[string]string{
		"big.txt":      big,
		"blob.bin":     string(binary),
		"model.onnx":   pointer,
		"caf\xe9.env":  env,
		"logo.png":     "not really a png",
		"link-target":  "x",
		"dir/utf8.txt": "ok\n",
	})
	if err := os.Symlink("link-target", filepath.Join(r.Dir, "link")); err != nil {
		t.Fatal(err)
	}
	r.Commit("symlink", "", nil)
	res := mustScan(t, r.Dir, Options{})
	var paths []string
	for _, f := range res.byRule("twilio-auth-token") {
		if f.Secret.Reveal() != tok {
			t.Fatal("unexpected token")
		}
		paths = append(paths, fmt.Sprintf("%s:%d", f.Origin.Path, f.Origin.Line))
	}
	// One credential, introduced in two files in one commit: reported once
	// at the first path, found at both.
	if len(paths) != 1 || res.byRule("twilio-auth-token")[0].Occurrences != 2 {
		t.Fatalf("token found at %v, want once with 2 occurrences", paths)
	}
	if got := paths[0]; got != "big.txt:300002" {
		t.Fatalf("token reported at %s, want big.txt:300002 (first path; line counted across chunks)", got)
	}
	f := res.byRule("twilio-auth-token")[0]
	_ = f
	if s := res.skipped(vigil.SkipPointer); len(s) != 1 || s[0].Origin.Path != "model.onnx" {
		t.Fatalf("LFS pointer skips: %v", s)
	}
	var bins []string
	for _, s := range res.skipped(vigil.SkipBinary) {
		bins = append(bins, s.Origin.Path)
	}
	slices.Sort(bins)
	if fmt.Sprint(bins) != "[blob.bin logo.png]" {
		t.Fatalf("binary skips: %v", bins)
	}
	// A cap below big.txt's size makes the scan incomplete.
	res = mustScan(t, r.Dir, Options{MaxSize: 1 << 20})
	if inc := res.stats.Incomplete(); len(inc) != 1 || inc[0].Origin.Path != "big.txt" || !strings.Contains(inc[0].Err.Error(), "over the") {
		t.Fatalf("incomplete: %v", inc)
	}
	if len(res.byRule("twilio-auth-token")) != 1 || res.byRule("twilio-auth-token")[0].Origin.Path != "caf\xe9.env" {
		t.Fatalf("with the cap, the token should be found in caf\\xe9.env: %v", res.findings)
	}
	// Exclusions apply to history paths.
	res = mustScan(t, r.Dir, Options{Exclude: []string{"*.env", "big.txt"}})
	if len(res.byRule("twilio-auth-token")) != 0 || len(res.skipped(vigil.SkipExcluded)) != 2 {
		t.Fatalf("excluded: findings %v, skips %v", res.findings, res.stats.Skipped)
	}
}

func TestHistorySubmodule(t *testing.T) {
	_, tok, env := twilioPair(fakecred.New(7))
	sub := gittest.New(t)
	sub.Commit("sub secret", "", map[string]string{"creds.env": env})
	r := gittest.New(t)
	r.Commit("base", "", map[string]string{"a.txt": "a\n"})
	r.Git("-c", "protocol.file.allow=always", "submodule", "-q", "add", sub.Dir, "vendor/sub")
	r.Commit("add submodule", "", nil)

	res := mustScan(t, r.Dir, Options{})
	if len(res.byRule("twilio-auth-token")) != 0 {
		t.Fatal("submodule followed without being asked")
	}
	if s := res.skipped(vigil.SkipSubmodule); len(s) != 1 || s[0].Origin.Path != "vendor/sub" {
		t.Fatalf("submodule skips: %v", s)
	}
	res = mustScan(t, r.Dir, Options{Submodules: true})
	toks := res.byRule("twilio-auth-token")
	if len(toks) != 1 || toks[0].Secret.Reveal() != tok || toks[0].Origin.Path != "vendor/sub/creds.env" || toks[0].Origin.Commit == nil {
		t.Fatalf("with submodules: %v", res.findings)
	}
	// Not cloned: asked for, but not there, so the scan is incomplete.
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Run(t, "", "clone", "-q", r.Dir, clone)
	res = mustScan(t, clone, Options{Submodules: true})
	if inc := res.stats.Incomplete(); len(inc) != 1 || !strings.Contains(inc[0].Err.Error(), "not cloned") {
		t.Fatalf("uncloned submodule: %v", inc)
	}
}

func TestHistoryBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("plain directory: %v", err)
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("missing directory opened")
	}
	empty := gittest.New(t)
	if _, err := scanHistory(t, empty.Dir, Options{}); err == nil || !strings.Contains(err.Error(), "no commits") {
		t.Fatalf("empty repository: %v", err)
	}
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a.txt": "hello\n"})
	if _, err := scanHistory(t, r.Dir, Options{Revs: []string{"no-such-branch"}}); err == nil || !strings.Contains(err.Error(), "no-such-branch") {
		t.Fatalf("bad revision: %v", err)
	}

	// A missing blob: the scan goes on, says which object, and is
	// incomplete.
	blob := r.Git("rev-parse", "HEAD:a.txt")
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	res, err := scanHistory(t, r.Dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if inc := res.stats.Incomplete(); len(inc) != 1 || !strings.Contains(inc[0].Err.Error(), blob) {
		t.Fatalf("missing object: %v", inc)
	}

	// A damaged loose blob: the scan goes on, says which object and what
	// git said, and is incomplete.
	r.Commit("two", "", map[string]string{"b.txt": "world\n"})
	blob = r.Git("rev-parse", "HEAD:b.txt")
	obj := filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])
	os.Chmod(obj, 0o644)
	if err := os.WriteFile(obj, []byte("x\x9c not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = scanHistory(t, r.Dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inc := res.stats.Incomplete()
	if len(inc) != 1 || !strings.Contains(inc[0].Err.Error(), blob+" is damaged") {
		t.Fatalf("damaged object: %v", inc)
	}
	t.Logf("damaged object: %v", inc[0])
}

// TestHistoryDamagedTree checks that a walk that fails part-way, after it
// has asked for blobs, ends the scan with git's error naming the object,
// in both kinds of walk: the reader must not wait for answers to those
// requests that git still holds (cat-file buffers its output), and of two
// walks at once, the one that failed speaks, not the one stopped for it.
func TestHistoryDamagedTree(t *testing.T) {
	r := gittest.New(t)
	for i := range 12 {
		r.Commit(fmt.Sprint("c", i), "", map[string]string{fmt.Sprintf("dir%d/f.txt", i): fmt.Sprintf("content %d\n", i)})
	}
	tree := r.Git("rev-parse", "HEAD~4:dir3")
	obj := filepath.Join(r.Dir, ".git", "objects", tree[:2], tree[2:])
	os.Chmod(obj, 0o644)
	if err := os.WriteFile(obj, []byte("x\x9c not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, revs := range [][]string{nil, {"HEAD"}} {
		_, err := scanHistory(t, r.Dir, Options{Revs: revs})
		if err == nil || !strings.Contains(err.Error(), tree) {
			t.Fatalf("revisions %v: %v, want git's error naming %s", revs, err, tree)
		}
		t.Logf("revisions %v: %v", revs, err)
	}
}

// TestHistoryCorruptPack checks that a damaged object in a pack, and a
// damaged loose object, do not stop a history scan, with either reader:
// every other blob is scanned, the damaged ones are named, and the scan
// is incomplete.
func TestHistoryCorruptPack(t *testing.T) {
	g := fakecred.New(9)
	r := gittest.New(t)
	keys := map[string]string{}
	files := map[string]string{}
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		var body strings.Builder
		for i := range 2000 {
			fmt.Fprintf(&body, "line %d of %s with some text to compress\n", i, name)
		}
		keys[name] = "AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
		body.WriteString("aws_access_key_id = " + keys[name] + "\n")
		files[name] = body.String()
	}
	r.Commit("one", "", files)
	files["b.txt"] += "more\n"
	r.Commit("two", "", map[string]string{"b.txt": files["b.txt"]})
	r.Git("repack", "-a", "-d", "-q")
	keys["d.txt"] = "AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
	r.Commit("three", "", map[string]string{"d.txt": "aws_access_key_id = " + keys["d.txt"] + "\n", "e.txt": "aws_access_key_id = AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16) + "\n"})
	packed := r.Git("rev-parse", "HEAD:a.txt")
	corruptPacked(t, r.Dir, packed)
	loose := r.Git("rev-parse", "HEAD:d.txt")
	obj := filepath.Join(r.Dir, ".git", "objects", loose[:2], loose[2:])
	os.Chmod(obj, 0o644)
	if err := os.WriteFile(obj, []byte("x\x9c not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, reader := range []struct {
		name string
		tune func(*History)
	}{{"in-process", func(*History) {}}, {"cat-file", referenceReader}} {
		t.Run(reader.name, func(t *testing.T) {
			res, err := scanHistory(t, r.Dir, Options{}, reader.tune)
			if err != nil {
				t.Fatalf("a damaged object stopped the scan: %v", err)
			}
			var named []string
			for _, s := range res.stats.Incomplete() {
				named = append(named, s.Origin.Path)
				if !strings.Contains(s.Err.Error(), s.Origin.Blob) || !strings.Contains(s.Err.Error(), "damaged") {
					t.Errorf("%s: %v does not say that %s is damaged", s.Origin.Path, s.Err, s.Origin.Blob)
				}
				t.Logf("incomplete: %s: %v", s.Origin.Path, s.Err)
			}
			slices.Sort(named)
			if fmt.Sprint(named) != "[a.txt d.txt]" {
				t.Fatalf("incomplete: %v, want the damaged a.txt and d.txt", named)
			}
			found := map[string]bool{}
			for _, f := range res.byRule("aws-access-key-id") {
				found[f.Origin.Path] = true
			}
			if !found["b.txt"] || !found["c.txt"] || !found["e.txt"] || found["a.txt"] || found["d.txt"] {
				t.Fatalf("keys found in %v, want b.txt, c.txt and e.txt", found)
			}
		})
	}
}

// corruptPacked damages the compressed data of a packed object.
func corruptPacked(t *testing.T, dir, oid string) {
	t.Helper()
	s, err := pack.OpenStore(filepath.Join(dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := pack.ParseOID(oid)
	p, pos, ok := s.Find(id)
	if !ok {
		t.Fatalf("%s is not packed", oid)
	}
	e, err := p.Entry(pos)
	path := p.Path
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := e.Data + 4; i < e.End; i += 5 {
		data[i] ^= 0x5a
	}
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryStopsEarly checks that a consumer that stops (an error from
// yield, or a cancelled context) ends the scan at once, with every
// goroutine and git process gone.
func TestHistoryStopsEarly(t *testing.T) {
	r := gittest.New(t)
	for i := range 20 {
		r.Commit(fmt.Sprint("c", i), "", map[string]string{fmt.Sprintf("f%d.txt", i%3): strings.Repeat(fmt.Sprintf("line %d\n", i), 50+i)})
	}
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name   string
		chunks func(h *History, ctx context.Context, yield func(vigil.Chunk) error) error
	}{
		{"from one goroutine", (*History).Chunks},
		{"from the workers", func(h *History, ctx context.Context, yield func(vigil.Chunk) error) error {
			var mu sync.Mutex
			return h.ChunksConcurrent(ctx, 2, func(c vigil.Chunk) error {
				mu.Lock()
				defer mu.Unlock()
				return yield(c)
			})
		}},
	} {
		stop := errors.New("enough")
		n := 0
		err = tc.chunks(NewHistory(repo, Options{}), context.Background(), func(vigil.Chunk) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) {
			t.Fatalf("%s: Chunks returned %v, want the consumer's error", tc.name, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		err = tc.chunks(NewHistory(repo, Options{}), ctx, func(vigil.Chunk) error {
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: cancelled: %v", tc.name, err)
		}
	}
	// A walk begun by Start under a context cancelled before Chunks ends
	// the scan with the cancellation, not a clean result.
	ctx, cancel := context.WithCancel(context.Background())
	h := NewHistory(repo, Options{})
	h.Start(ctx)
	cancel()
	err = h.Chunks(context.Background(), func(vigil.Chunk) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("walk started, then cancelled: Chunks returned %v", err)
	}
	// A walk begun by Start that no Chunks takes ends with its context
	// (checked with the rest below: no goroutine is left waiting on git).
	ctx, cancel = context.WithCancel(context.Background())
	NewHistory(repo, Options{}).Start(ctx)
	cancel()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines before, %d after", before, runtime.NumGoroutine())
}
