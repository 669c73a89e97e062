package git

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/internal/testenv"
)

// TestHistoryHead checks "still present" when HEAD is missing or git
// cannot read the tips: it is judged at the tips of the scanned refs, so a
// bare clone whose HEAD names a branch it lacks still says the secret is
// present at main's tip; when git fails to list the tips, the scan fails
// (incomplete) rather than leave "still present" unsaid, in both readers.
func TestHistoryHead(t *testing.T) {
	realGit := testenv.NeedProgram(t, "git")
	g := fakecred.New(41)
	_, _, env := twilioPair(g)
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"app.env": env})
	readers := map[string][]func(*History){"in-process": nil, "cat-file": {referenceReader}}

	bare := filepath.Join(t.TempDir(), "bare.git")
	gittest.Run(t, "", "clone", "-q", "--bare", r.Dir, bare)
	gittest.Run(t, bare, "symbolic-ref", "HEAD", "refs/heads/no-such-branch")
	for name, tune := range readers {
		res := mustScan(t, bare, Options{}, tune...)
		toks := res.byRule("twilio-auth-token")
		if len(toks) != 1 || toks[0].Present == nil || !*toks[0].Present {
			t.Fatalf("%s, no HEAD: %d tokens, present %v; want 1, present at main's tip", name, len(toks), toks)
		}
	}

	t.Run("git fails", func(t *testing.T) {
		wrapper := filepath.Join(t.TempDir(), "git")
		script := "#!/bin/sh\ncase \"$*\" in *'--no-walk=unsorted'*) echo 'fatal: simulated failure' >&2; exit 128;; esac\nexec '" + realGit + "' \"$@\"\n"
		if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", filepath.Dir(wrapper)+string(os.PathListSeparator)+os.Getenv("PATH"))
		for name, tune := range readers {
			if _, err := scanHistory(t, r.Dir, Options{}, tune...); err == nil || !strings.Contains(err.Error(), "simulated failure") {
				t.Fatalf("%s: %v, want git's failure", name, err)
			}
		}
	})
}

// TestPresentAtTips checks "still present" where the readers get it in
// different ways: at a branch's tip, a secret kept as text in a rewritten
// file (where no rule finds it in the same lines) is present, read in
// process too; at a tag's tip, a blob the secret was found in is present;
// once neither holds it, it is not.
func TestPresentAtTips(t *testing.T) {
	testenv.NeedProgram(t, "git")
	g := fakecred.New(43)
	_, token, env := twilioPair(g)
	var filler strings.Builder
	for i := range 30 {
		fmt.Fprintf(&filler, "setting_%d = value number %d\n", i, i)
	}
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"app.env": filler.String() + env, "README": "app\n"})
	r.Git("tag", "v1")
	// The file is rewritten; the token stays, without its name.
	r.Commit("rewrite", "", map[string]string{"app.env": filler.String() + "\n# formerly:\n#    " + token + "\n"})
	r.Commit("other", "", map[string]string{"README": "app, again\n"})
	readers := map[string][]func(*History){"in-process": nil, "cat-file": {referenceReader}}
	present := func(name string, tune []func(*History)) bool {
		t.Helper()
		res := mustScan(t, r.Dir, Options{}, tune...)
		toks := res.byRule("twilio-auth-token")
		if len(toks) != 1 || toks[0].Present == nil {
			t.Fatalf("%s: %d tokens (%v), want 1 with present set", name, len(toks), toks)
		}
		return *toks[0].Present
	}
	for name, tune := range readers {
		if !present(name, tune) {
			t.Errorf("%s: the branch's tip holds the token as text and the tag holds its file: reported removed", name)
		}
	}
	r.Git("tag", "-d", "v1")
	for name, tune := range readers {
		if !present(name, tune) {
			t.Errorf("%s: the branch's tip holds the token as text: reported removed", name)
		}
	}
	r.Commit("forget", "", map[string]string{"app.env": filler.String()})
	r.Git("tag", "v1", "HEAD~3")
	for name, tune := range readers {
		if !present(name, tune) {
			t.Errorf("%s: the tag's tip holds the file the token was found in: reported removed", name)
		}
	}
	r.Git("tag", "-d", "v1")
	for name, tune := range readers {
		if present(name, tune) {
			t.Errorf("%s: no tip holds the token: reported present", name)
		}
	}
}
