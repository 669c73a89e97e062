package serve

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil/fleet/store"
)

func TestOccurrenceLink(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	occ := store.Occurrence{Commit: sha, Path: "config/app env.yml", Line: 12}
	for _, tc := range []struct{ clone, want string }{
		{"https://github.com/acme/api.git", "https://github.com/acme/api/blob/" + sha + "/config/app%20env.yml#L12"},
		{"git@github.com:acme/api.git", "https://github.com/acme/api/blob/" + sha + "/config/app%20env.yml#L12"},
		{"https://gitlab.com/group/sub/proj", "https://gitlab.com/group/sub/proj/-/blob/" + sha + "/config/app%20env.yml#L12"},
		{"https://bitbucket.org/team/repo.git", "https://bitbucket.org/team/repo/src/" + sha + "/config/app%20env.yml#lines-12"},
		{"https://codeberg.org/me/x", "https://codeberg.org/me/x/src/commit/" + sha + "/config/app%20env.yml#L12"},
		{"file:///srv/git/api.git", ""},
		{"/srv/git/api", ""},
		{"https://git.example.com/acme/api.git", ""},
		{"https://github.com/", ""},
		{"javascript:alert(1)//github.com/a/b", ""},
	} {
		if got := occurrenceLink(tc.clone, occ); got != tc.want {
			t.Errorf("occurrenceLink(%q) = %q, want %q", tc.clone, got, tc.want)
		}
	}
	if got := occurrenceLink("https://github.com/a/b", store.Occurrence{Commit: "HEAD", Path: "x"}); got != "" {
		t.Errorf("a non-commit got a link: %q", got)
	}
	if got := occurrenceLink("https://github.com/a/b", store.Occurrence{Commit: sha, Path: "x", Layer: "sha256:1"}); got != "" {
		t.Errorf("an image layer got a git link: %q", got)
	}
	if got := commitLink("https://gitlab.com/g/p.git", sha); got != "https://gitlab.com/g/p/-/commit/"+sha {
		t.Errorf("commitLink = %q", got)
	}
}

func FuzzWebBase(f *testing.F) {
	f.Add("git@github.com:a/b.git")
	f.Add("https://gitlab.com/a/b/c")
	f.Fuzz(func(t *testing.T, s string) {
		base, _ := webBase(s)
		if base != "" && !strings.HasPrefix(base, "https://") {
			t.Fatalf("webBase(%q) = %q: not https", s, base)
		}
	})
}
