package twiliosdk

import (
	"bytes"
	"testing"
)

// fuzzParser feeds the parser of file with arbitrary bytes, seeded with
// the examples of parseCases. Whatever the input, the parser returns
// without panicking, every use points at a line of the input, and an
// exact constraint always has a version.
func fuzzParser(f *testing.F, file string) {
	p, ok := parserFor(file)
	if !ok {
		f.Fatalf("%s: no parser", file)
	}
	for _, tt := range parseCases {
		if q, _ := parserFor(tt.file); q.eco == p.eco && q.lock == p.lock {
			f.Add([]byte(tt.data))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		uses, err := p.parse(data)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, u := range uses {
			if u.Line < 0 || u.Line > lines {
				t.Errorf("line %d of a %d-line input", u.Line, lines)
			}
			if u.Exact && u.Version.IsZero() {
				t.Errorf("exact constraint %q without a version", u.Spec)
			}
		}
	})
}

func FuzzPackageJSON(f *testing.F)  { fuzzParser(f, "package.json") }
func FuzzPackageLock(f *testing.F)  { fuzzParser(f, "package-lock.json") }
func FuzzYarnLock(f *testing.F)     { fuzzParser(f, "yarn.lock") }
func FuzzPnpmLock(f *testing.F)     { fuzzParser(f, "pnpm-lock.yaml") }
func FuzzRequirements(f *testing.F) { fuzzParser(f, "requirements.txt") }
func FuzzPyproject(f *testing.F)    { fuzzParser(f, "pyproject.toml") }
func FuzzPipfile(f *testing.F)      { fuzzParser(f, "Pipfile") }
func FuzzPoetryLock(f *testing.F)   { fuzzParser(f, "poetry.lock") }
func FuzzPipfileLock(f *testing.F)  { fuzzParser(f, "Pipfile.lock") }
func FuzzPom(f *testing.F)          { fuzzParser(f, "pom.xml") }
func FuzzGradle(f *testing.F)       { fuzzParser(f, "build.gradle") }
func FuzzGradleLock(f *testing.F)   { fuzzParser(f, "gradle.lockfile") }
func FuzzMSBuild(f *testing.F)      { fuzzParser(f, "App.csproj") }
func FuzzNuGetLock(f *testing.F)    { fuzzParser(f, "packages.lock.json") }
func FuzzComposerJSON(f *testing.F) { fuzzParser(f, "composer.json") }
func FuzzComposerLock(f *testing.F) { fuzzParser(f, "composer.lock") }
func FuzzGemfile(f *testing.F)      { fuzzParser(f, "Gemfile") }
func FuzzGemfileLock(f *testing.F)  { fuzzParser(f, "Gemfile.lock") }
func FuzzGoMod(f *testing.F)        { fuzzParser(f, "go.mod") }

// FuzzConstraint: any constraint text parses without panicking, and a
// version found is one ParseVersion accepts again.
func FuzzConstraint(f *testing.F) {
	for _, s := range []string{"^5.1.0", ">=8,<10", "[10.0,11.0)", "~> 7.0, >= 7.1", "^7 || ^8", "9.*", "5.0.0.rc26"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseConstraint(s)
		if c.Version.IsZero() {
			return
		}
		if _, err := ParseVersion(c.Version.String()); err != nil {
			t.Errorf("ParseConstraint(%q) = %q, which does not parse: %v", s, c.Version, err)
		}
	})
}
