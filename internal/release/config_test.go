package release

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// goreleaserConfig is the part of .goreleaser.yaml the release promises
// rest on. `goreleaser check` (.ci/run) validates the whole file.
type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		NameTemplate    string   `yaml:"name_template"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	SBOMs []struct {
		Artifacts string `yaml:"artifacts"`
	} `yaml:"sboms"`
	Release struct {
		ExtraFiles []struct {
			Glob string `yaml:"glob"`
		} `yaml:"extra_files"`
	} `yaml:"release"`
}

// The release builds what the installer and action.yml expect to find:
// every platform, archives named as ArchiveName names them, a sha256
// checksums.txt, an SBOM per archive, a stamped version.
func TestGoreleaserConfig(t *testing.T) {
	root := repoRoot(t)
	var c goreleaserConfig
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, ".goreleaser.yaml"))), &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if c.Version != 2 {
		t.Errorf("version %d, want 2", c.Version)
	}
	if len(c.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Main != "./cmd/vigil" || b.Binary != "vigil" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build: main %q binary %q env %v; want ./cmd/vigil, vigil, CGO_ENABLED=0", b.Main, b.Binary, b.Env)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, os) {
			t.Errorf("goos %v lacks %s", b.Goos, os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("goarch %v lacks %s", b.Goarch, arch)
		}
	}
	ld := strings.Join(b.Ldflags, " ")
	for _, v := range []string{"-X main.version=v{{ .Version }}", "-X main.commit=", "-X main.date="} {
		if !strings.Contains(ld, v) {
			t.Errorf("ldflags %q do not stamp %s (cmd/vigil/version.go)", ld, v)
		}
	}

	if len(c.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(c.Archives))
	}
	a := c.Archives[0]
	if a.NameTemplate != NameTemplate {
		t.Errorf("archive name_template %q; scripts/install.sh and ArchiveName expect %q", a.NameTemplate, NameTemplate)
	}
	if !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("archive formats %v, want [tar.gz]", a.Formats)
	}
	windowsZip := false
	for _, o := range a.FormatOverrides {
		windowsZip = windowsZip || (o.Goos == "windows" && slices.Equal(o.Formats, []string{"zip"}))
	}
	if !windowsZip {
		t.Error("windows archives are not zip (scripts/install.sh expects .zip there)")
	}
	if c.Checksum.NameTemplate != "checksums.txt" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %q %q, want checksums.txt sha256", c.Checksum.NameTemplate, c.Checksum.Algorithm)
	}
	if len(c.SBOMs) == 0 || c.SBOMs[0].Artifacts != "archive" {
		t.Errorf("sboms %+v: want one per archive", c.SBOMs)
	}
	hasInstaller := false
	for _, f := range c.Release.ExtraFiles {
		hasInstaller = hasInstaller || f.Glob == "scripts/install.sh"
	}
	if !hasInstaller {
		t.Error("the release does not publish scripts/install.sh (the README installs with releases/latest/download/install.sh)")
	}
}

// Every action a workflow or action.yml uses is pinned to a full version
// (v1.2.3), except upload-sarif, which follows its current major (v4), as
// GitHub asks of it; nothing follows a branch.
func TestActionsPinned(t *testing.T) {
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	files = append(files, filepath.Join(root, "action.yml"))
	usesRE := regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)`)
	full := regexp.MustCompile(`@v\d+\.\d+\.\d+$`)
	for _, f := range files {
		for _, m := range usesRE.FindAllStringSubmatch(readFile(t, f), -1) {
			uses := m[1]
			switch {
			case strings.HasPrefix(uses, "./"):
			case strings.HasPrefix(uses, "github/codeql-action/upload-sarif@"):
				if uses != "github/codeql-action/upload-sarif@v4" {
					t.Errorf("%s: %s, want github/codeql-action/upload-sarif@v4", f, uses)
				}
			case !full.MatchString(uses):
				t.Errorf("%s: %s is not pinned to a full version", f, uses)
			}
		}
	}
}

// action.yml installs the released binary with scripts/install.sh, falls
// back to a source build only for a missing release, and uploads under the
// category input.
func TestActionConfig(t *testing.T) {
	root := repoRoot(t)
	a := readAction(t, root)
	for _, in := range []string{"version", "category", "path", "args", "sarif-file", "upload", "fail-on-findings", "go-version"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml has no %s input", in)
		}
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	steps := map[string]actionStep{}
	var upload, setupGo *actionStep
	for i, s := range a.Runs.Steps {
		if s.ID != "" {
			steps[s.ID] = s
		}
		switch {
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			upload = &a.Runs.Steps[i]
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			setupGo = &a.Runs.Steps[i]
		}
	}
	if !strings.Contains(steps["install"].Run, `"$GITHUB_ACTION_PATH/scripts/install.sh"`) {
		t.Error("the install step does not run scripts/install.sh")
	}
	if !strings.Contains(steps["build"].Run, "--from-source") {
		t.Error("the fallback step does not build from source")
	}
	const missing = "steps.install.outputs.missing == 'true'"
	if steps["build"].If != missing || setupGo == nil || setupGo.If != missing {
		t.Errorf("Go is set up and vigil built on every run, not only for a missing release")
	}
	if upload == nil || upload.With["category"] != "${{ inputs.category }}" {
		t.Error("upload-sarif does not take the category input")
	}
	for _, w := range []string{"go install", "go build"} {
		for _, s := range a.Runs.Steps {
			if strings.Contains(s.Run, w) {
				t.Errorf("step %q runs %s: vigil is compiled on every run", s.Name, w)
			}
		}
	}
}

// The README's release section makes the first tag one line, and every
// place that names the first release names the same tag.
func TestFirstTag(t *testing.T) {
	root := repoRoot(t)
	readme := readFile(t, filepath.Join(root, "README.md"))
	m := regexp.MustCompile(`(?m)^git tag (v\d+\.\d+\.\d+) && git push origin (v\d+\.\d+\.\d+)$`).FindStringSubmatch(readme)
	if m == nil || m[1] != m[2] {
		t.Fatal("the README has no one-line first tag (git tag vX.Y.Z && git push origin vX.Y.Z)")
	}
	tag := m[1]
	for _, f := range []string{"README.md", "action.yml", ".pre-commit-hooks.yaml", ".github/workflows/release.yml"} {
		body := readFile(t, filepath.Join(root, f))
		for _, ref := range regexp.MustCompile(`(?:vigilsec/vigil@|rev: )(v\d+\.\d+\.\d+)`).FindAllStringSubmatch(body, -1) {
			if ref[1] != tag {
				t.Errorf("%s names %s, the first tag is %s", f, ref[0], tag)
			}
		}
	}
}
