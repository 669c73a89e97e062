package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/sarifout/sarifcheck"
	"github.com/vigilsec/vigil/internal/testenv"
	"github.com/vigilsec/vigil/internal/twiliosdk"
	"github.com/vigilsec/vigil/internal/twiliosdk/registrytest"
)

// sdkProject writes a project that uses the newest release of each of
// the seven helper libraries (as the embedded table knows them), plus
// the files in extra.
func sdkProject(t *testing.T, extra map[string]string) string {
	t.Helper()
	tab, err := twiliosdk.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	v := func(eco twiliosdk.Ecosystem) string {
		r, _ := tab.Library(eco).Latest()
		return r.Version.String()
	}
	files := map[string]string{
		"web/package.json":      `{"dependencies": {"twilio": "^` + v(twiliosdk.NPM) + `"}}`,
		"web/package-lock.json": `{"packages": {"node_modules/twilio": {"version": "` + v(twiliosdk.NPM) + `"}}}`,
		"api/requirements.txt":  "twilio==" + v(twiliosdk.PyPI) + "\n",
		"java/pom.xml":          `<project><dependencies><dependency><groupId>com.twilio.sdk</groupId><artifactId>twilio</artifactId><version>` + v(twiliosdk.Maven) + `</version></dependency></dependencies></project>`,
		"dotnet/App.csproj":     `<Project><ItemGroup><PackageReference Include="Twilio" Version="[` + v(twiliosdk.NuGet) + `]" /></ItemGroup></Project>`,
		"php/composer.lock":     `{"packages": [{"name": "twilio/sdk", "version": "` + v(twiliosdk.Packagist) + `"}]}`,
		"ruby/Gemfile.lock":     "GEM\n  specs:\n    twilio-ruby (" + v(twiliosdk.RubyGems) + ")\n",
		"go/go.mod":             "module x\n\nrequire github.com/twilio/twilio-go v" + v(twiliosdk.GoModules) + "\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return testenv.WriteTree(t, files)
}

func TestTwilioSDK(t *testing.T) {
	for _, tt := range []struct {
		name  string
		extra map[string]string
		args  []string
		code  int
		want  []string
	}{
		{"all current", nil, nil, exitClean, []string{"7 uses of Twilio helper libraries in 8 files: 7 current, 0 behind", "declared: web/package.json:1 ^", "as of 2026-08-20"}},
		{"behind", map[string]string{"ruby/Gemfile.lock": "    twilio-ruby (7.10.7)\n"}, nil, exitFindings,
			[]string{"BEHIND      ruby/Gemfile.lock:1  twilio-ruby 7.10.7", "7.10.7 is 2 releases behind 7.11.1, 98 days older"}},
		{"unsupported", map[string]string{"old/Gemfile": "gem 'twilio-ruby', '~> 5.0'\n"}, nil, exitFindings,
			[]string{"UNSUPPORTED old/Gemfile:1  twilio-ruby ~> 5.0", "major line 5, which Twilio no longer supports; the supported line is 7"}},
		{"unreadable", map[string]string{"bad/composer.json": "{"}, nil, exitRuntime, []string{"1 file could not be read"}},
		{"one file", nil, []string{"ruby/Gemfile.lock"}, exitClean, []string{"1 use of Twilio helper libraries in 1 file: 1 current"}},
		{"installed copies passed over", map[string]string{"web/node_modules/x/package.json": `{"dependencies": {"twilio": "3.0.0"}}`}, nil, exitClean, []string{"7 current"}},
		{"range without a floor", map[string]string{"any/package.json": `{"dependencies": {"twilio": "*"}}`}, nil, exitClean, []string{`UNKNOWN     any/package.json:1  twilio-node *`, `"*" allows any version`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := sdkProject(t, tt.extra)
			args := []string{"twilio", "sdk", root}
			if len(tt.args) > 0 {
				args = []string{"twilio", "sdk", filepath.Join(root, tt.args[0])}
			}
			code, out, errOut := peopleRun(t, "", nil, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
		})
	}
}

func TestTwilioSDKBadInput(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{t.TempDir() + "/absent"}, exitUsage, "hint: give a project directory"},
		{[]string{"--format", "xml"}, exitUsage, `--format "xml"`},
		{[]string{"a", "b"}, exitUsage, "accepts at most 1 arg"},
	} {
		code, _, errOut := peopleRun(t, "", nil, append([]string{"twilio", "sdk"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestTwilioSDKHostileName: a directory name holding terminal escapes is
// printed escaped.
func TestTwilioSDKHostileName(t *testing.T) {
	root := sdkProject(t, map[string]string{"x\x1b[2Jy/Gemfile": "gem 'twilio-ruby', '5.0.0'\n"})
	code, out, _ := peopleRun(t, "", nil, "twilio", "sdk", root)
	if code != exitFindings || strings.Contains(out, "\x1b") || !strings.Contains(out, `"x\u001b[2Jy/Gemfile":1`) {
		t.Errorf("exit %d\n%q", code, out)
	}
}

// TestTwilioSDKSARIF: the SARIF log passes the SARIF schema and GitHub's
// upload rules, with one result per library behind or unsupported, at
// its file and line.
func TestTwilioSDKSARIF(t *testing.T) {
	root := sdkProject(t, map[string]string{"ruby/Gemfile.lock": "    twilio-ruby (7.10.7)\n", "old/Gemfile": "gem 'twilio-ruby', '~> 5.0'\n", "bad/composer.json": "{"})
	code, out, _ := peopleRun(t, "", nil, "twilio", "sdk", root, "--format", "sarif")
	if code != exitFindings {
		t.Errorf("exit %d", code)
	}
	if problems := sarifcheck.Check([]byte(out)); len(problems) > 0 {
		t.Fatalf("SARIF: %v", problems)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
			Invocations []struct {
				ExecutionSuccessful bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		got = append(got, r.RuleID+" "+loc.ArtifactLocation.URI)
	}
	want := "TWILIO-SDK-UNSUPPORTED old/Gemfile TWILIO-SDK-BEHIND ruby/Gemfile.lock"
	if strings.Join(got, " ") != want {
		t.Errorf("results %q, want %q", got, want)
	}
	if log.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a file was not read, yet the run says it was successful")
	}
}

// TestTwilioSDKOnline: --online reads the registries' APIs (a loopback
// fake); a release the embedded table does not know makes a current
// library behind; a registry that cannot be reached is said, and with
// nothing behind the exit is 3, not 0.
func TestTwilioSDKOnline(t *testing.T) {
	tab, _ := twiliosdk.Embedded()
	newer := *tab
	newer.Libraries = append([]twiliosdk.Library(nil), tab.Libraries...)
	for i, lib := range newer.Libraries {
		if lib.Ecosystem == twiliosdk.GoModules {
			v, _ := twiliosdk.ParseVersion("1.31.0")
			newer.Libraries[i].Releases = append([]twiliosdk.Release{{Version: v, Date: tab.AsOf.AddDate(0, 0, 10)}}, lib.Releases...)
		}
	}
	srv := registrytest.New(t, &newer)
	root := sdkProject(t, nil)
	env := map[string]string{registryEnv: srv.URL}
	code, out, errOut := peopleRun(t, "", env, "twilio", "sdk", root, "--online")
	if code != exitFindings || !strings.Contains(out, "BEHIND      go/go.mod:3  twilio-go v1.30.9  (newest 1.31.0") || !strings.Contains(out, "Releases read from the registries on") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "notice: "+registryEnv) {
		t.Errorf("no notice of the registry URL: %q", errOut)
	}
	for _, eco := range twiliosdk.Ecosystems() {
		if srv.Hits(eco) == 0 {
			t.Errorf("%s not asked", eco)
		}
	}

	down := registrytest.New(t, tab)
	down.Down(twiliosdk.PyPI)
	code, out, errOut = peopleRun(t, "", map[string]string{registryEnv: down.URL}, "twilio", "sdk", root, "--online")
	if code != exitRuntime || !strings.Contains(errOut, "--online: pypi: GET ") || !strings.Contains(out, "7 current") {
		t.Errorf("registry down: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestScanTwilioSDK: vigil scan --twilio-sdk carries the check in the
// scan's SARIF log (valid for upload), and its findings fail an otherwise
// clean scan; it refuses other formats.
func TestScanTwilioSDK(t *testing.T) {
	root := sdkProject(t, map[string]string{"ruby/Gemfile.lock": "    twilio-ruby (7.10.7)\n"})
	code, out, errOut := peopleRun(t, "", nil, "scan", "--format", "sarif", "--twilio-sdk", root)
	if code != exitFindings || !strings.Contains(errOut, "--twilio-sdk: 1 Twilio helper libraries behind") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if problems := sarifcheck.Check([]byte(out)); len(problems) > 0 {
		t.Fatalf("SARIF: %v", problems)
	}
	if !strings.Contains(out, `"ruleId": "TWILIO-SDK-BEHIND"`) || !strings.Contains(out, "ruby/Gemfile.lock") {
		t.Errorf("no SDK result in\n%s", out)
	}
	code, _, _ = peopleRun(t, "", nil, "scan", "--format", "sarif", "--twilio-sdk", sdkProject(t, nil))
	if code != exitClean {
		t.Errorf("current project: exit %d", code)
	}
	code, _, errOut = peopleRun(t, "", nil, "scan", "--twilio-sdk", root)
	if code != exitUsage || !strings.Contains(errOut, "SARIF only") {
		t.Errorf("text: exit %d %q", code, errOut)
	}
}
