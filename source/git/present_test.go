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
