package twiliosdk

import (
	"encoding/json"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodePackage is the Twilio helper library's name in npm.
const nodePackage = "twilio"

// parsePackageJSON reads the dependency sections of package.json.
func parsePackageJSON(data []byte) ([]Use, error) {
	var pkg map[string]json.RawMessage
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, err
	}
	var uses []Use
	for _, section := range []string{"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"} {
		raw, ok := pkg[section]
		if !ok {
			continue
		}
		var deps map[string]any
		if err := json.Unmarshal(raw, &deps); err != nil {
			return nil, err
		}
		spec, ok := deps[nodePackage].(string)
		if !ok {
			continue
		}
		// An npm alias or a URL ("npm:twilio@5", "github:...") names no
		// registry version we can judge; keep what follows an alias's @.
		if rest, ok := strings.CutPrefix(spec, "npm:"+nodePackage+"@"); ok {
			spec = rest
		}
		sec := lineOf(data, jsonKey(section), 1)
		uses = append(uses, Use{Line: lineOf(data, jsonKey(nodePackage), max(sec, 1)), Constraint: ParseConstraint(spec)})
	}
	return uses, nil
}

// parsePackageLock reads package-lock.json and npm-shrinkwrap.json: the
// "packages" map of lockfile versions 2 and 3, or the "dependencies" map
// of version 1. Only the project's own copy counts (node_modules/twilio),
// not copies nested under other packages.
func parsePackageLock(data []byte) ([]Use, error) {
	var lock struct {
		Packages     map[string]struct{ Version string } `json:"packages"`
		Dependencies map[string]struct{ Version string } `json:"dependencies"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	var uses []Use
	if p, ok := lock.Packages["node_modules/"+nodePackage]; ok {
		uses = append(uses, lockUse(p.Version, lineOf(data, jsonKey("node_modules/"+nodePackage), 1)))
	} else if d, ok := lock.Dependencies[nodePackage]; ok && lock.Packages == nil {
		uses = append(uses, lockUse(d.Version, lineOf(data, jsonKey(nodePackage), 1)))
	}
	return uses, nil
}

// lockUse is a version read from a lock file.
func lockUse(version string, line int) Use {
	c := ParseConstraint(version)
	c.Exact = !c.Version.IsZero()
	return Use{Line: line, Constraint: c}
}

var (
	// yarnEntry matches an entry's header in yarn.lock, classic or Berry:
	// twilio@^5.0.0: / "twilio@npm:^5.0.0, twilio@npm:^5.1.0":
	yarnEntry = regexp.MustCompile(`^"?` + nodePackage + `@`)
	// yarnVersion matches the version line of an entry.
	yarnVersion = regexp.MustCompile(`^\s+version:?\s+"?([^"\s]+)"?`)
)

// parseYarnLock reads yarn.lock, classic (v1) or Berry.
func parseYarnLock(data []byte) ([]Use, error) {
	var uses []Use
	lines := splitLines(data)
	for i := 0; i < len(lines); i++ {
		if !yarnEntry.MatchString(lines[i]) {
			continue
		}
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], " "); j++ {
			if m := yarnVersion.FindStringSubmatch(lines[j]); m != nil {
				uses = append(uses, lockUse(m[1], j+1))
				break
			}
		}
	}
	return uses, nil
}

// parsePnpmLock reads pnpm-lock.yaml: the version of twilio among the
// importers' dependencies (lockfile 6 and 9), or the packages' keys of
// older lockfiles (/twilio/4.0.0, /twilio@5.0.0).
func parsePnpmLock(data []byte) ([]Use, error) {
	var doc struct {
		Importers map[string]map[string]map[string]any `yaml:"importers"`
		Deps      map[string]any                       `yaml:"dependencies"`
		Packages  map[string]any                       `yaml:"packages"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var uses []Use
	add := func(v any) {
		s, ok := v.(string)
		if m, isMap := v.(map[string]any); isMap {
			s, ok = m["version"].(string)
		}
		if !ok {
			return
		}
		s, _, _ = strings.Cut(s, "(") // peer-dependency suffix: 5.0.0(debug@4)
		uses = append(uses, lockUse(s, lineOf(data, regexp.MustCompile(`(?m)^\s+'?`+nodePackage+`'?:`), 1)))
	}
	for _, imp := range doc.Importers {
		for _, sec := range []string{"dependencies", "devDependencies", "optionalDependencies"} {
			if v, ok := imp[sec][nodePackage]; ok {
				add(v)
			}
		}
	}
	if v, ok := doc.Deps[nodePackage]; ok && len(uses) == 0 {
		add(v)
	}
	if len(uses) == 0 {
		for k := range doc.Packages {
			k = strings.TrimPrefix(k, "/")
			if rest, ok := strings.CutPrefix(k, nodePackage+"@"); ok {
				add(rest)
			} else if rest, ok := strings.CutPrefix(k, nodePackage+"/"); ok {
				add(rest)
			}
		}
	}
	return uses, nil
}
