package git

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/internal/testenv"
)

// TestHistoryHead checks what a scan says about the secrets still at
// HEAD when HEAD is missing or cannot be read: with no HEAD (a bare clone
// whose HEAD names a branch it lacks) the findings say nothing of it;
// when git fails to read HEAD, or HEAD names something that is not a
// commit, the scan fails (incomplete) rather than leave "still present"
// unsaid, in both readers.
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
		if len(toks) != 1 || toks[0].Present != nil {
			t.Fatalf("%s, no HEAD: %d tokens, present %v; want 1, not said", name, len(toks), toks)
		}
	}

	t.Run("git fails", func(t *testing.T) {
		wrapper := filepath.Join(t.TempDir(), "git")
		script := "#!/bin/sh\ncase \"$*\" in *'rev-parse --verify --quiet HEAD') echo 'fatal: simulated failure' >&2; exit 128;; esac\nexec '" + realGit + "' \"$@\"\n"
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
	t.Run("HEAD names a blob", func(t *testing.T) {
		blob := gittest.Run(t, bare, "rev-parse", "main:app.env")
		if err := os.WriteFile(filepath.Join(bare, "HEAD"), []byte(blob+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for name, tune := range readers {
			_, err := scanHistory(t, bare, Options{}, tune...)
			if err == nil || !strings.Contains(err.Error(), "ls-tree") {
				t.Fatalf("%s: HEAD names a blob: %v, want ls-tree's failure", name, err)
			}
			t.Logf("%s: %v", name, err)
		}
	})
}
