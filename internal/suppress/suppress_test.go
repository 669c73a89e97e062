package suppress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil"
)

func TestTallyCountsDistinctFindings(t *testing.T) {
	var tl Tally
	inline := vigil.Suppression{Kind: vigil.SuppressInline, Source: "gitleaks:allow"}
	path := vigil.Suppression{Kind: vigil.SuppressPath, Source: ".vigil.toml"}
	f := &vigil.Finding{RuleID: "r", Secret: vigil.NewSecret("abc"), Origin: vigil.Origin{Source: "file", Path: "a"}}
	g := *f
	g.Origin.Path = "b"
	h1 := vigil.Finding{RuleID: "r", Secret: vigil.NewSecret("abc"), Origin: vigil.Origin{Source: "git", Path: "a", Blob: "1"}}
	h2 := h1
	h2.Origin.Path, h2.Origin.Blob = "c", "2"
	for _, x := range []*vigil.Finding{f, f, &g} {
		tl.Add(x, path)
	}
	tl.Add(&h1, inline)
	tl.Add(&h2, inline) // one credential in history, however many blobs
	got := tl.Counts()
	if len(got) != 2 || got[0].Suppression != inline || got[0].Count != 1 || got[1].Count != 2 {
		t.Errorf("counts %+v", got)
	}
}

func TestApplyAndBoth(t *testing.T) {
	yes := FilterFunc(func(*vigil.Finding) (vigil.Suppression, bool) {
		return vigil.Suppression{Kind: vigil.SuppressBaseline, Source: "b"}, true
	})
	no := FilterFunc(func(*vigil.Finding) (vigil.Suppression, bool) { return vigil.Suppression{}, false })
	fs := []vigil.Finding{{RuleID: "a", Secret: vigil.NewSecret("1")}, {RuleID: "b", Secret: vigil.NewSecret("2")}}
	var tl Tally
	if out := Apply(append([]vigil.Finding(nil), fs...), []Filter{Both(yes, no)}, &tl); len(out) != 2 {
		t.Errorf("Both(yes, no) suppressed")
	}
	if out := Apply(append([]vigil.Finding(nil), fs...), []Filter{Both(yes, nil)}, &tl); len(out) != 2 {
		t.Errorf("Both(yes, nil) suppressed")
	}
	if out := Apply(fs, []Filter{Both(yes, yes)}, &tl); len(out) != 0 || tl.Counts()[0].Count != 2 {
		t.Errorf("Both(yes, yes): %d left, %+v", len(out), tl.Counts())
	}
}

func TestParseBaselineFormats(t *testing.T) {
	for name, tc := range map[string]struct {
		data, format string
	}{
		"vigil":          {`{"version":1,"tool":"vigil","created":"2026-01-01T00:00:00Z","findings":[]}`, "vigil"},
		"detect-secrets": {`{"version":"1.5.0","plugins_used":[],"results":{},"generated_at":"x"}`, "detect-secrets"},
		"gitleaks":       {`[{"RuleID":"jwt","File":"a","StartLine":1,"Secret":"x"}]`, "gitleaks"},
		"gitleaks empty": {`[]`, "gitleaks"},
	} {
		b, err := ParseBaseline("f", []byte(tc.data))
		if err != nil || b.Format != tc.format {
			t.Errorf("%s: %v %+v", name, err, b)
		}
	}
	if _, err := ParseBaseline("f", []byte("detectors: []\n")); err == nil {
		t.Error("YAML accepted as a baseline")
	}
}

func TestSelfFilter(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "repo", ".secrets.baseline")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	flt := SelfFilter(p, []string{filepath.Join(dir, "repo")})
	for path, want := range map[string]bool{".secrets.baseline": true, "other": false} {
		if _, got := flt.Suppress(&vigil.Finding{Origin: vigil.Origin{Path: path}}); got != want {
			t.Errorf("%s: %v", path, got)
		}
	}
}

func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte(`{"results":{},"generated_at":"x"}`))
	f.Add([]byte(`[{"RuleID":"a","File":"b"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseBaseline("fuzz", data)
	})
}
