package glob

import (
	"path"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		// Without a slash: any element.
		{"*.min.js", "web/app.min.js", true},
		{"*.min.js", "app.min.js", true},
		{"vendor", "a/vendor/b.go", true},
		{"vendor", "a/vendors/b.go", false},
		{"*.go", "a.go/readme", true}, // an element, not only the base name
		// With a slash: anchored at the root.
		{"/docs/*.md", "docs/a.md", true},
		{"docs/*.md", "docs/a.md", true},
		{"docs/*.md", "x/docs/a.md", false},
		{"docs/*.md", "docs/sub/a.md", false},
		// A directory covers what is below it.
		{"testdata/fixtures", "testdata/fixtures/a/b.txt", true},
		{"testdata/fixtures", "testdata/fixture", false},
		// "**" spans any number of directories, none included.
		{"**/testdata/*.txt", "testdata/a.txt", true},
		{"**/testdata/*.txt", "a/b/testdata/a.txt", true},
		{"**/testdata/*.txt", "a/b/testdata/sub/a.txt", false},
		{"a/**/z", "a/z", true},
		{"a/**/z", "a/b/c/z", true},
		{"a/**/z", "a/b/c/y", false},
		{"a/**", "a", true},
		{"a/**", "b/a", false},
		{"**", "anything/at/all", true},
		{"a/**/b/**/c", "a/x/b/y/b/c", true},
		{"a/**/b/c", "a/b/x/b/c", true},
		{"a/**/b/c", "a/b/c/x/b/d", true}, // b/c covers what is below it
		// Malformed patterns match nothing.
		{"[", "[", false},
		{"a/[/b", "a/[/b", false},
	} {
		if got := Match(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
		if got := Match(tc.pattern, tc.path); got != reference(tc.pattern, tc.path) {
			t.Errorf("Match(%q, %q) = %v, the reference says otherwise", tc.pattern, tc.path, got)
		}
	}
}

func TestMatchAny(t *testing.T) {
	if MatchAny(nil, "a") {
		t.Error("no pattern matched a path")
	}
	if !MatchAny([]string{"x", "*.go"}, "a/b.go") {
		t.Error("the second pattern did not count")
	}
}

func TestCheck(t *testing.T) {
	for _, p := range []string{"*.go", "a/**/b", "[a-z]x", "vendor"} {
		if err := Check(p); err != nil {
			t.Errorf("Check(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"[", "a/[b", `x\`} {
		if err := Check(p); err == nil {
			t.Errorf("Check(%q) accepted a malformed pattern", p)
		}
	}
}

// A pattern comes from a repository's own .vigil.toml, which the scanned
// repository controls: many "**" against a deep path must not take time
// exponential in their number. (The recursive matcher this replaced ran
// for minutes here; if this test hangs, that is what came back.)
func TestMatchManyDoubleStars(t *testing.T) {
	pattern := strings.Repeat("**/a/", 12) + "b"
	deep := strings.Repeat("a/", 40)
	if Match(pattern, deep+"c") {
		t.Error("matched a path without b")
	}
	if !Match(pattern, deep+"b") {
		t.Error("did not match a path ending in b")
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("a/**/z", "a/b/z")
	f.Add("**/x/*.go", "x/y.go")
	f.Add("vendor", "a/vendor/b")
	f.Add("a/**/b/**/c", "a/b/b/c/c")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		// The reference is exponential in the number of "**": keep
		// the inputs small enough for it.
		if strings.Count(pattern, "**") > 4 || strings.Count(p, "/") > 12 {
			t.Skip()
		}
		if got, want := Match(pattern, p), reference(pattern, p); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference %v", pattern, p, got, want)
		}
	})
}

// reference is the matcher as first written, trying every split of the
// path at each "**": slow on hostile patterns, plainly right.
func reference(glob, p string) bool {
	if !strings.Contains(glob, "/") {
		for _, seg := range strings.Split(p, "/") {
			if ok, _ := path.Match(glob, seg); ok {
				return true
			}
		}
		return false
	}
	glob = strings.TrimPrefix(glob, "/")
	return referenceSegments(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func referenceSegments(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			if len(g) == 1 {
				return true
			}
			for i := 0; i <= len(p); i++ {
				if referenceSegments(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return true
}
