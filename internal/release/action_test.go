package release

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigilsec/vigil/internal/testenv"
)

// actionStep is one step of action.yml's composite run.
type actionStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T, root string) actionFile {
	t.Helper()
	var a actionFile
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, "action.yml"))), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// runner plays the part of a GitHub runner for action.yml's shell steps:
// it fills ${{ … }} from the inputs, the github and runner contexts and
// earlier steps' outputs, and runs each step's script with bash as the
// runner does (bash --noprofile --norc -eo pipefail).
type runner struct {
	t       *testing.T
	root    string            // the action's checkout: GITHUB_ACTION_PATH
	work    string            // the job's working directory
	ctx     map[string]string // "inputs.version", "github.action_ref", "runner.temp", "steps.install.outputs.missing", …
	path    []string          // what steps added to GITHUB_PATH
	outputs map[string]map[string]string
	env     []string // the job's environment (VIGIL_RELEASES: a mirror)
}

var exprRE = regexp.MustCompile(`\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}`)

func (r *runner) eval(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		key := exprRE.FindStringSubmatch(m)[1]
		if strings.HasPrefix(key, "steps.") {
			parts := strings.Split(key, ".") // steps.ID.outputs.NAME
			if len(parts) == 4 && parts[2] == "outputs" {
				return r.outputs[parts[1]][parts[3]]
			}
		}
		v, ok := r.ctx[key]
		if !ok {
			r.t.Fatalf("action.yml uses ${{ %s }}, which this test does not know", key)
		}
		return v
	})
}

// step runs one step and returns its exit status.
func (r *runner) step(s actionStep) int {
	r.t.Helper()
	out := filepath.Join(r.t.TempDir(), "output")
	gpath := filepath.Join(r.t.TempDir(), "path")
	for _, f := range []string{out, gpath} {
		writeFile(r.t, f, "")
	}
	env := []string{
		"GITHUB_ACTION_PATH=" + r.root,
		"GITHUB_OUTPUT=" + out,
		"GITHUB_PATH=" + gpath,
		"PATH=" + strings.Join(append(append([]string{}, r.path...), os.Getenv("PATH")), string(os.PathListSeparator)),
	}
	env = append(env, r.env...)
	for k, v := range s.Env {
		env = append(env, k+"="+r.eval(v))
	}
	code, stdout, stderr := run(r.t, r.work, env, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	r.t.Logf("step %s: exit %d\n%s%s", s.ID, code, stdout, stderr)
	r.outputs[s.ID] = map[string]string{}
	for _, l := range strings.Split(readFile(r.t, out), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			r.outputs[s.ID][k] = v
		}
	}
	for _, l := range strings.Split(readFile(r.t, gpath), "\n") {
		if l != "" {
			r.path = append([]string{l}, r.path...)
		}
	}
	return code
}

// runAction runs action.yml's shell steps in order, skipping the ones whose
// condition is the missing-release fallback unless the install step said
// so, and returns the outputs of the steps that ran. Steps that use other
// actions (setup-go, upload-sarif) and the last, findings-only step are
// not run here; config_test.go holds them to their settings.
func runAction(t *testing.T, root, work string, jobEnv []string, ctx map[string]string) map[string]map[string]string {
	t.Helper()
	a := readAction(t, root)
	for name, in := range a.Inputs {
		if _, ok := ctx["inputs."+name]; !ok {
			ctx["inputs."+name] = in.Default
		}
	}
	r := &runner{t: t, root: root, work: work, ctx: ctx, outputs: map[string]map[string]string{}, env: jobEnv}
	for _, s := range a.Runs.Steps {
		switch {
		case s.Run == "" || s.ID == "":
			continue
		case s.If == "steps.install.outputs.missing == 'true'":
			if r.outputs["install"]["missing"] != "true" {
				continue
			}
		case s.If != "":
			t.Fatalf("step %s has a condition this test does not know: %s", s.ID, s.If)
		}
		if code := r.step(s); code != 0 {
			r.outputs[s.ID]["exit"] = "failed"
			return r.outputs
		}
	}
	return r.outputs
}

// action.yml against a release served on loopback: it installs the
// released, checksummed binary and scans with it; a release that does not
// exist is built from source; a wrong checksum stops the job.
func TestAction(t *testing.T) {
	needInstaller(t)
	testenv.NeedProgram(t, "bash")
	root := repoRoot(t)
	bin := buildVigil(t, root, "v0.1.0")
	good := t.TempDir()
	writeRelease(t, good, "v0.1.0", bin)
	bad := t.TempDir()
	copyTree(t, good, bad)
	sums := filepath.Join(bad, "v0.1.0", "checksums.txt")
	writeFile(t, sums, regexp.MustCompile(`(?m)^[0-9a-f]{64}`).ReplaceAllString(readFile(t, sums), strings.Repeat("1", 64)))

	tests := []struct {
		name        string
		releases    string
		latest      string
		ref         string // what uses: pinned the action to
		version     string // the version input
		wantMissing bool
		wantVersion string // first line of `vigil version` that scanned; "" = the job fails before the scan
	}{
		{name: "pinned to a release tag", releases: good, ref: "v0.1.0", wantVersion: "vigil v0.1.0"},
		{name: "pinned to a branch: latest release", releases: good, latest: "v0.1.0", ref: "main", wantVersion: "vigil v0.1.0"},
		{name: "the version input wins", releases: good, ref: "main", version: "v0.1.0", wantVersion: "vigil v0.1.0"},
		{name: "a tag with no release is built from source", releases: t.TempDir(), ref: "v0.2.0", wantMissing: true, wantVersion: "vigil v0.2.0"},
		{name: "a wrong checksum stops the job", releases: bad, ref: "v0.1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := serve(t, Releases{Root: tc.releases, Latest: tc.latest})
			work := t.TempDir()
			writeFile(t, filepath.Join(work, "notes.txt"), "nothing secret here\n")
			temp := t.TempDir()
			out := runAction(t, root, work, []string{"VIGIL_RELEASES=" + url}, map[string]string{
				"inputs.version":    tc.version,
				"inputs.args":       "",
				"github.action_ref": tc.ref,
				"runner.temp":       temp,
			})
			if got := out["install"]["missing"] == "true"; got != tc.wantMissing {
				t.Errorf("missing = %v, want %v", got, tc.wantMissing)
			}
			installed := versionOf(t, filepath.Join(temp, "vigil-bin", "vigil"))
			if tc.wantVersion == "" {
				if out["install"]["exit"] != "failed" {
					t.Errorf("the install step passed; outputs %v", out)
				}
				if installed != "" || out["scan"] != nil {
					t.Errorf("a refused release was installed (%q) or scanned with", installed)
				}
				return
			}
			if installed != tc.wantVersion {
				t.Errorf("installed %q, want %q", installed, tc.wantVersion)
			}
			if out["scan"]["exit-code"] != "0" {
				t.Errorf("scan exit-code = %q, want 0 (outputs %v)", out["scan"]["exit-code"], out)
			}
			if _, err := os.Stat(filepath.Join(work, "vigil.sarif")); err != nil {
				t.Errorf("no SARIF report: %v", err)
			}
		})
	}
}
