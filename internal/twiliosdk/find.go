package twiliosdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Use is one place a project names a Twilio helper library.
type Use struct {
	Ecosystem Ecosystem
	File      string // slash path, relative to the directory searched
	Line      int    // 1-based; 0 when the format does not tell
	Constraint
	Lock bool // read from a lock file: the version installed
	// Declared is the manifest's constraint when a lock file beside it
	// gave the version ("package.json:12 ^5.0.0").
	Declared string
}

// Problem is a manifest or lock file that could not be read; the search
// did not look inside it.
type Problem struct {
	File string
	Err  error
}

func (p Problem) Error() string { return p.File + ": " + p.Err.Error() }

// Found is what a search found.
type Found struct {
	Uses     []Use
	Problems []Problem
	Files    int // manifest and lock files read
}

// MaxFileSize is the largest manifest or lock file read; a larger one is a
// Problem.
const MaxFileSize = 32 << 20

// parser reads one kind of manifest or lock file.
type parser struct {
	eco   Ecosystem
	lock  bool
	parse func(data []byte) ([]Use, error)
}

// parserFor returns the parser of a file name, if it is one we read.
func parserFor(name string) (parser, bool) {
	lower := strings.ToLower(name)
	switch {
	case name == "package.json":
		return parser{NPM, false, parsePackageJSON}, true
	case name == "package-lock.json" || name == "npm-shrinkwrap.json":
		return parser{NPM, true, parsePackageLock}, true
	case name == "yarn.lock":
		return parser{NPM, true, parseYarnLock}, true
	case name == "pnpm-lock.yaml":
		return parser{NPM, true, parsePnpmLock}, true
	case strings.HasPrefix(lower, "requirements") && strings.HasSuffix(lower, ".txt"),
		lower == "constraints.txt":
		return parser{PyPI, false, parseRequirements}, true
	case name == "pyproject.toml":
		return parser{PyPI, false, parsePyproject}, true
	case name == "Pipfile":
		return parser{PyPI, false, parsePipfile}, true
	case name == "poetry.lock":
		return parser{PyPI, true, parsePoetryLock}, true
	case name == "Pipfile.lock":
		return parser{PyPI, true, parsePipfileLock}, true
	case name == "pom.xml":
		return parser{Maven, false, parsePom}, true
	case name == "build.gradle" || name == "build.gradle.kts":
		return parser{Maven, false, parseGradle}, true
	case name == "gradle.lockfile":
		return parser{Maven, true, parseGradleLock}, true
	case strings.HasSuffix(lower, ".csproj") || strings.HasSuffix(lower, ".fsproj") || strings.HasSuffix(lower, ".vbproj") ||
		name == "Directory.Packages.props" || name == "packages.config":
		return parser{NuGet, false, parseMSBuild}, true
	case name == "packages.lock.json":
		return parser{NuGet, true, parseNuGetLock}, true
	case name == "composer.json":
		return parser{Packagist, false, parseComposerJSON}, true
	case name == "composer.lock":
		return parser{Packagist, true, parseComposerLock}, true
	case name == "Gemfile" || name == "gems.rb":
		return parser{RubyGems, false, parseGemfile}, true
	case name == "Gemfile.lock" || name == "gems.locked":
		return parser{RubyGems, true, parseGemfileLock}, true
	case name == "go.mod":
		return parser{GoModules, true, parseGoMod}, true
	}
	return parser{}, false
}

// skipDirs are directories of installed or generated code, not the
// project's own manifests.
var skipDirs = []string{".git", ".hg", ".svn", "node_modules", "bower_components", "vendor", ".venv", "venv", "site-packages", ".tox", "__pycache__", "target", "bin", "obj", ".gradle", ".bundle"}

// Find walks root (a directory, or one manifest or lock file) and returns
// every use of a Twilio helper library its manifests and lock files name.
// Symbolic links are not followed. Where a lock file sits beside its
// manifest, the lock file's version is the one kept.
func Find(ctx context.Context, root string) (Found, error) {
	var f Found
	info, err := os.Stat(root)
	if err != nil {
		return f, err
	}
	if !info.IsDir() {
		p, ok := parserFor(filepath.Base(root))
		if !ok {
			return f, fmt.Errorf("%s: not a manifest or lock file vigil reads", root)
		}
		f.read(root, filepath.Base(root), p)
		f.Uses = merge(f.Uses)
		return f, nil
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			f.Problems = append(f.Problems, Problem{File: rel, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && slices.Contains(skipDirs, d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if pr, ok := parserFor(d.Name()); ok {
			f.read(p, rel, pr)
		}
		return nil
	})
	f.Uses = merge(f.Uses)
	return f, err
}

// read parses one file, recording its uses or its problem.
func (f *Found) read(p, rel string, pr parser) {
	data, err := readLimited(p)
	if err == nil {
		var uses []Use
		uses, err = pr.parse(data)
		for _, u := range uses {
			u.Ecosystem, u.File, u.Lock = pr.eco, rel, pr.lock
			f.Uses = append(f.Uses, u)
		}
	}
	if err != nil {
		f.Problems = append(f.Problems, Problem{File: rel, Err: err})
		return
	}
	f.Files++
}

func readLimited(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, errors.New("larger than 32 MiB; not read")
	}
	return data, nil
}

// merge keeps, for each directory and registry, the lock files' versions
// when there are any, noting the manifest's constraint beside them.
func merge(uses []Use) []Use {
	type key struct {
		dir string
		eco Ecosystem
	}
	locked := map[key][]int{}
	for i, u := range uses {
		if u.Lock {
			k := key{path.Dir(u.File), u.Ecosystem}
			locked[k] = append(locked[k], i)
		}
	}
	out := make([]Use, 0, len(uses))
	var declared = map[int][]string{}
	for _, u := range uses {
		idx, ok := locked[key{path.Dir(u.File), u.Ecosystem}]
		if u.Lock || !ok {
			continue
		}
		for _, i := range idx {
			declared[i] = append(declared[i], fmt.Sprintf("%s:%d %s", u.File, u.Line, u.Spec))
		}
	}
	for i, u := range uses {
		if !u.Lock {
			if _, ok := locked[key{path.Dir(u.File), u.Ecosystem}]; ok {
				continue
			}
		}
		u.Declared = strings.Join(declared[i], ", ")
		out = append(out, u)
	}
	return out
}
