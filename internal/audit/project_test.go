package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/twiliosdk"
)

// projectDir writes an app that uses twilio-node and twilio-python: the
// newest releases the embedded table knows when current, else an
// unsupported major of one and an older release of the other.
func projectDir(t *testing.T, current bool) string {
	t.Helper()
	tab, err := twiliosdk.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	node, _ := tab.Library(twiliosdk.NPM).Latest()
	py, _ := tab.Library(twiliosdk.PyPI).Latest()
	nodeV, pyV := node.Version.String(), py.Version.String()
	if !current {
		nodeV, pyV = "3.84.1", tab.Library(twiliosdk.PyPI).Releases[1].Version.String()
	}
	dir := t.TempDir()
	for name, data := range map[string]string{
		"package.json":     `{"dependencies": {"twilio": "` + nodeV + `"}}`,
		"requirements.txt": "twilio==" + pyV + "\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestProjectControl: CODE-01 is skipped without a project, unknown when
// a manifest cannot be read or none is there, and fails on a library
// behind even when another file could not be read.
func TestProjectControl(t *testing.T) {
	f := newFixture(t, "hardened", "")
	broken := projectDir(t, false)
	if err := os.WriteFile(filepath.Join(broken, "composer.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := t.TempDir()
	if err := os.WriteFile(filepath.Join(unreadable, "package.json"), []byte(`{"dependencies": {"twilio": "*"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unreadable, "Pipfile"), []byte("[packages\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		project string
		status  Status
		why     string
	}{
		{"", Skipped, "no project given: --project PATH"},
		{projectDir(t, true), Pass, "2 uses of Twilio helper libraries in"},
		{broken, Fail, "2 of 2 uses of Twilio helper libraries in " + broken + " are behind (1) or on an unsupported major (1)"},
		{unreadable, Unknown, "could not all be judged: 1 of the manifest and lock files not read, 1 uses with no version to judge"},
		{t.TempDir(), Unknown, "no manifest or lock file under"},
		{filepath.Join(t.TempDir(), "absent"), Unknown, "not checked"},
	} {
		o := f.options(t)
		o.Project = tt.project
		rep := mustRun(t, o)
		r := find(t, rep, sid('a'), "CODE-01")
		if r.Status != tt.status || !strings.Contains(r.Summary, tt.why) {
			t.Errorf("%q: %s %q; want %s %q", tt.project, r.Status, r.Summary, tt.status, tt.why)
		}
	}
}
