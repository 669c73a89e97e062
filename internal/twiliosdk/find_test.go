package twiliosdk

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/testenv"
)

// TestFind: a lock file's version wins over its manifest's range in the
// same directory, installed copies (node_modules, vendor) are not the
// project's, and a file that does not parse is a Problem, not silence.
func TestFind(t *testing.T) {
	root := testenv.WriteTree(t, map[string]string{
		"web/package.json":                    `{"dependencies": {"twilio": "^4.0.0"}}`,
		"web/package-lock.json":               `{"packages": {"node_modules/twilio": {"version": "4.23.0"}}}`,
		"web/node_modules/x/package.json":     `{"dependencies": {"twilio": "^3.0.0"}}`,
		"api/requirements.txt":                "twilio>=9.0\n",
		"php/vendor/twilio/sdk/composer.json": `{"require": {"twilio/sdk": "^5"}}`,
		"bad/composer.lock":                   `{"packages": [`,
		"svc/go.mod":                          "module x\nrequire github.com/twilio/twilio-go v1.30.9\n",
	})
	f, err := Find(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range f.Uses {
		got = append(got, u.File+":"+describe(u)+" "+u.Declared)
	}
	want := []string{
		"api/requirements.txt:1 >=9.0 -> 9.0 ",
		"svc/go.mod:2 v1.30.9 -> 1.30.9 exact ",
		"web/package-lock.json:1 4.23.0 -> 4.23.0 exact web/package.json:1 ^4.0.0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("uses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(f.Problems) != 1 || f.Problems[0].File != "bad/composer.lock" {
		t.Errorf("problems %v", f.Problems)
	}
}

func TestFindOneFile(t *testing.T) {
	root := testenv.WriteTree(t, map[string]string{"Gemfile.lock": "    twilio-ruby (7.11.1)\n", "notes.txt": "x"})
	f, err := Find(context.Background(), filepath.Join(root, "Gemfile.lock"))
	if err != nil || len(f.Uses) != 1 || f.Uses[0].File != "Gemfile.lock" {
		t.Errorf("uses %v, err %v", f.Uses, err)
	}
	if _, err := Find(context.Background(), filepath.Join(root, "notes.txt")); err == nil {
		t.Error("notes.txt read as a manifest")
	}
}

// TestFindSymlinkLoop: a link to a parent directory is not followed.
func TestFindSymlinkLoop(t *testing.T) {
	root := testenv.WriteTree(t, map[string]string{"go.mod": "require github.com/twilio/twilio-go v1.0.0\n"})
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Skip(err)
	}
	f, err := Find(context.Background(), root)
	if err != nil || len(f.Uses) != 1 {
		t.Errorf("uses %v, err %v", f.Uses, err)
	}
}

func TestEmbeddedTable(t *testing.T) {
	tab, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range tab.Libraries {
		if lib.Checked.After(tab.AsOf) {
			t.Errorf("%s checked %s, after the table's date %s", lib.Name, lib.Checked.Format(time.DateOnly), tab.AsOf.Format(time.DateOnly))
		}
		latest, ok := lib.Latest()
		if !ok || latest.Date.After(lib.Checked) {
			t.Errorf("%s: newest %v released after it was checked (%s)", lib.Name, latest, lib.Checked.Format(time.DateOnly))
		}
	}
}

func TestAssess(t *testing.T) {
	tab, err := ParseTable([]byte(`{"as_of": "2026-01-10", "libraries": [
	 {"name": "twilio-node", "ecosystem": "npm", "package": "twilio", "checked": "2026-01-10",
	  "releases": ["6.0.1 2026-01-09", "6.0.0 2026-01-01", "6.0.0-rc.1 2025-12-01", "5.9.0 2025-11-01", "5.8.0 2025-10-02"]},
	 {"name": "p", "ecosystem": "pypi", "checked": "2026-01-01", "releases": []},
	 {"name": "j", "ecosystem": "maven", "checked": "2026-01-01", "releases": []},
	 {"name": "c", "ecosystem": "nuget", "checked": "2026-01-01", "releases": []},
	 {"name": "h", "ecosystem": "packagist", "checked": "2026-01-01", "releases": []},
	 {"name": "r", "ecosystem": "rubygems", "checked": "2026-01-01", "releases": []},
	 {"name": "g", "ecosystem": "go", "checked": "2026-01-01", "releases": []}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		spec   string
		status Status
		reason string
	}{
		{"6.0.1", Current, "6.0.1 is the newest release"},
		{"6.1.0", Current, "newer than the table's newest, 6.0.1"},
		{"6.0.0", Behind, "6.0.0 is 1 release behind 6.0.1, 8 days older"},
		{"^6.0.0", Behind, `at least 6.0.0 (the lowest version "^6.0.0" allows) is 1 release behind`},
		{"6.0.0-rc.1", Behind, "is 2 releases behind"},
		{"5.9.0", Unsupported, "major line 5, which Twilio no longer supports; the supported line is 6 (newest 6.0.1), 69 days older"},
		{"*", Unknown, `"*" allows any version`},
		{"", Unknown, "no version given"},
	} {
		a := Assess(tab, Use{Ecosystem: NPM, Constraint: ParseConstraint(tt.spec)})
		if a.Status != tt.status || !strings.Contains(a.Reason, tt.reason) {
			t.Errorf("%q: %s %q, want %s %q", tt.spec, a.Status, a.Reason, tt.status, tt.reason)
		}
		if a.Status.Finding() != (tt.status == Behind || tt.status == Unsupported) {
			t.Errorf("%q: Finding() = %v", tt.spec, a.Status.Finding())
		}
	}
	if a := Assess(tab, Use{Ecosystem: PyPI, Constraint: ParseConstraint("9.0.0")}); a.Status != Unknown {
		t.Errorf("library with no releases: %s", a.Status)
	}
}
