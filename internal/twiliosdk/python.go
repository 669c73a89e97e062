package twiliosdk

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// pythonPackage is the Twilio helper library's name in PyPI.
const pythonPackage = "twilio"

// pep508 matches a requirement naming twilio (PEP 503 names compare
// without case), with optional extras, and captures its version
// specifiers up to an environment marker or comment.
var pep508 = regexp.MustCompile(`(?i)^\s*twilio\s*(?:\[[^\]]*\])?\s*(\(?[<>=!~^][^;#@]*)?\s*(?:[;#@].*)?$`)

// requirement reads one PEP 508 requirement; ok is false when it does not
// name twilio.
func requirement(line string) (Constraint, bool) {
	m := pep508.FindStringSubmatch(line)
	if m == nil {
		return Constraint{}, false
	}
	return ParseConstraint(strings.Trim(strings.TrimSpace(m[1]), "()")), true
}

// parseRequirements reads a pip requirements file. Options (-r, -e, --hash
// continuation lines) are not requirements and are passed over.
func parseRequirements(data []byte) ([]Use, error) {
	var uses []Use
	for i, line := range splitLines(data) {
		line = strings.TrimSuffix(strings.TrimSpace(line), "\\")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") {
			continue
		}
		if j := strings.Index(line, " --"); j >= 0 { // per-requirement options: --hash=...
			line = line[:j]
		}
		if c, ok := requirement(line); ok {
			uses = append(uses, Use{Line: i + 1, Constraint: c})
		}
	}
	return uses, nil
}

// parsePyproject reads pyproject.toml: PEP 621 [project] dependencies and
// optional-dependencies, and Poetry's [tool.poetry] dependency tables.
func parsePyproject(data []byte) ([]Use, error) {
	var doc struct {
		Project struct {
			Dependencies []string            `toml:"dependencies"`
			Optional     map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
		Tool struct {
			Poetry struct {
				Dependencies    map[string]any `toml:"dependencies"`
				DevDependencies map[string]any `toml:"dev-dependencies"`
				Group           map[string]struct {
					Dependencies map[string]any `toml:"dependencies"`
				} `toml:"group"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, err
	}
	var uses []Use
	reqs := doc.Project.Dependencies
	for _, o := range doc.Project.Optional {
		reqs = append(reqs, o...)
	}
	for _, r := range reqs {
		if c, ok := requirement(r); ok {
			uses = append(uses, Use{Line: lineOf(data, regexp.MustCompile(`["']`+regexp.QuoteMeta(r)), 1), Constraint: c})
		}
	}
	tables := []map[string]any{doc.Tool.Poetry.Dependencies, doc.Tool.Poetry.DevDependencies}
	for _, g := range doc.Tool.Poetry.Group {
		tables = append(tables, g.Dependencies)
	}
	for _, t := range tables {
		if spec, ok := poetrySpec(t); ok {
			uses = append(uses, Use{Line: lineOf(data, tomlKey(pythonPackage), 1), Constraint: ParseConstraint(spec)})
		}
	}
	return uses, nil
}

// poetrySpec finds twilio's constraint in a Poetry or Pipenv table: a
// string ("^9.0") or a table with a version ({version = "^9.0"}).
func poetrySpec(t map[string]any) (string, bool) {
	for name, v := range t {
		if !strings.EqualFold(name, pythonPackage) {
			continue
		}
		switch v := v.(type) {
		case string:
			return v, true
		case map[string]any:
			s, ok := v["version"].(string)
			return s, ok
		}
	}
	return "", false
}

// tomlKey matches a TOML key at the start of a line.
func tomlKey(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?mi)^\s*["']?` + regexp.QuoteMeta(name) + `["']?\s*=`)
}

// parsePipfile reads a Pipfile's [packages] and [dev-packages].
func parsePipfile(data []byte) ([]Use, error) {
	var doc struct {
		Packages    map[string]any `toml:"packages"`
		DevPackages map[string]any `toml:"dev-packages"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, err
	}
	var uses []Use
	for _, t := range []map[string]any{doc.Packages, doc.DevPackages} {
		if spec, ok := poetrySpec(t); ok {
			uses = append(uses, Use{Line: lineOf(data, tomlKey(pythonPackage), 1), Constraint: ParseConstraint(spec)})
		}
	}
	return uses, nil
}

// parsePoetryLock reads poetry.lock's [[package]] entries.
func parsePoetryLock(data []byte) ([]Use, error) {
	var doc struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, err
	}
	var uses []Use
	for _, p := range doc.Package {
		if strings.EqualFold(p.Name, pythonPackage) {
			line := lineOf(data, regexp.MustCompile(`(?mi)^name\s*=\s*"`+pythonPackage+`"`), 1)
			uses = append(uses, lockUse(p.Version, line))
		}
	}
	return uses, nil
}

// parsePipfileLock reads Pipfile.lock's default and develop sections.
func parsePipfileLock(data []byte) ([]Use, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var uses []Use
	for _, sec := range []string{"default", "develop"} {
		raw, ok := doc[sec]
		if !ok {
			continue
		}
		var pkgs map[string]struct{ Version string }
		if err := json.Unmarshal(raw, &pkgs); err != nil {
			return nil, err
		}
		if p, ok := pkgs[pythonPackage]; ok {
			secLine := lineOf(data, jsonKey(sec), 1)
			uses = append(uses, lockUse(strings.TrimPrefix(p.Version, "=="), lineOf(data, jsonKey(pythonPackage), max(secLine, 1))))
		}
	}
	return uses, nil
}
