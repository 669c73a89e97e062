package twiliosdk

import (
	"encoding/json"
	"regexp"
)

// phpPackage is the Twilio helper library's name in Packagist.
const phpPackage = "twilio/sdk"

// parseComposerJSON reads composer.json's require and require-dev.
func parseComposerJSON(data []byte) ([]Use, error) {
	var doc struct {
		Require    map[string]string `json:"require"`
		RequireDev map[string]string `json:"require-dev"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var uses []Use
	for _, sec := range []struct {
		name string
		deps map[string]string
	}{{"require", doc.Require}, {"require-dev", doc.RequireDev}} {
		if spec, ok := sec.deps[phpPackage]; ok {
			from := lineOf(data, jsonKey(sec.name), 1)
			uses = append(uses, Use{Line: lineOf(data, jsonKey(phpPackage), max(from, 1)), Constraint: ParseConstraint(spec)})
		}
	}
	return uses, nil
}

// parseComposerLock reads composer.lock's packages and packages-dev.
func parseComposerLock(data []byte) ([]Use, error) {
	type pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	var doc struct {
		Packages    []pkg `json:"packages"`
		PackagesDev []pkg `json:"packages-dev"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var uses []Use
	for _, p := range append(doc.Packages, doc.PackagesDev...) {
		if p.Name == phpPackage {
			line := lineOf(data, regexp.MustCompile(`"name"\s*:\s*"`+regexp.QuoteMeta(phpPackage)+`"`), 1)
			uses = append(uses, lockUse(p.Version, line))
		}
	}
	return uses, nil
}
