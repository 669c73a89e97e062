package git

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// TestMessages plants Auth Tokens in commit messages (one after a NUL byte,
// which 'git log --format' would cut), an annotated tag's message and a
// stash's subject, and checks that a history scan finds each, located at
// its commit or tag and line, read from the packs or through cat-file; a
// selection scans only its own commits and the tags that point at them.
func TestMessages(t *testing.T) {
	g := fakecred.New(11)
	r := gittest.New(t)
	_, tok1, env1 := twilioPair(g)
	first := r.Commit("configure twilio\n\n"+env1, "Alice Example <alice@example.com>", map[string]string{"README.md": "# app\n"})
	_, tok2, env2 := twilioPair(g)
	// git commit refuses a NUL in a message; a crafted object holds one.
	tree := r.Git("rev-parse", "HEAD^{tree}")
	raw := "tree " + tree + "\nparent " + first + "\nauthor Eve <eve@example.com> 1700000000 +0000\ncommitter Eve <eve@example.com> 1700000000 +0000\n\ninnocent\x00\n" + env2
	nul := hashObject(t, r.Dir, "commit", raw)
	r.Git("update-ref", "refs/heads/main", nul)
	r.Git("reset", "-q", "--hard", nul)
	_, tok3, env3 := twilioPair(g)
	r.Git("tag", "-a", "v1.0", "-m", "release notes\n\n"+env3)
	_, tok4, _ := twilioPair(g)
	r.Write(map[string]string{"README.md": "# changed\n"})
	r.Git("stash", "push", "-q", "-m", "wip TWILIO_AUTH_TOKEN="+tok4)
	last := r.Commit("unrelated", "", map[string]string{"b.txt": "b\n"})

	for reader, tune := range map[string][]func(*History){"in-process": nil, "cat-file": {referenceReader}} {
		t.Run(reader, func(t *testing.T) {
			res := mustScan(t, r.Dir, Options{}, tune...)
			byToken := map[string]vigil.Finding{}
			for _, f := range res.findings {
				byToken[f.Secret.Reveal()] = f
			}
			for _, tc := range []struct {
				name, token, path string
				line              int
				commit, tag       string
			}{
				{"commit message", tok1, CommitMessage, 4, first, ""},
				{"after a NUL", tok2, CommitMessage, 3, nul, ""},
				{"tag message", tok3, TagMessage, 4, "", "v1.0"},
				{"stash subject", tok4, CommitMessage, 1, "", ""},
			} {
				f, ok := byToken[tc.token]
				if !ok {
					t.Errorf("%s: token not found", tc.name)
					continue
				}
				o := f.Origin
				if o.Path != tc.path || o.Line != tc.line {
					t.Errorf("%s: at %s:%d, want %s:%d", tc.name, o.Path, o.Line, tc.path, tc.line)
				}
				if tc.commit != "" && (o.Commit == nil || o.Commit.SHA != tc.commit) {
					t.Errorf("%s: commit %+v, want %s", tc.name, o.Commit, tc.commit)
				}
				if tc.tag != "" && (o.Tag == nil || o.Tag.Name != tc.tag || o.Tag.Target != nul || o.Tag.Tagger == "") {
					t.Errorf("%s: tag %+v", tc.name, o.Tag)
				}
			}
			if c := byToken[tok1].Origin.Commit; c == nil || c.Author != "Alice Example" || c.Message != "configure twilio" {
				t.Errorf("commit of the first message: %+v", c)
			}
		})
	}

	// A selection: the last commit only; the tag points elsewhere.
	res := mustScan(t, r.Dir, Options{Revs: []string{nul + ".." + last}})
	for _, f := range res.findings {
		if strings.HasPrefix(f.Origin.Path, "@") {
			t.Errorf("a selection of one commit reports %s at %s", f.RuleID, f.Origin.Path)
		}
	}
	res = mustScan(t, r.Dir, Options{Revs: []string{first + ".." + last}})
	if len(res.byRule("twilio-auth-token")) != 2 {
		t.Errorf("a selection holding the NUL commit and the tagged one: %d tokens, want 2 (the commit's and the tag's)", len(res.byRule("twilio-auth-token")))
	}
}

func hashObject(t *testing.T, dir, typ, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "obj")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "hash-object", "-t", typ, "-w", "--literally", f)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gittest.Env()...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
