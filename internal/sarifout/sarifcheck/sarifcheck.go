// Package sarifcheck checks a SARIF log the way its consumers do: against
// the official SARIF 2.1.0 JSON schema (OASIS, sarif-spec, schema file of
// commit a560296, 2024-05-02, kept here as sarif-schema-2.1.0.json), with
// uniqueItems enforced, and against what GitHub code scanning requires of
// an upload (github/codeql-action's upload-sarif validates the schema; the
// service rejects what exceeds its limits). Tests use it; vigil does not.
package sarifcheck

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

//go:embed sarif-schema-2.1.0.json
var schema string

// GitHub code scanning's limits on an upload.
const (
	maxRuns      = 20
	maxResults   = 25000
	maxRules     = 25000
	maxTags      = 20
	maxLocations = 1000
	maxGzipped   = 10 << 20
)

// Check returns every way data fails the SARIF 2.1.0 schema or GitHub's
// rules for an upload, or nil.
func Check(data []byte) []string {
	var problems []string
	res, err := gojsonschema.Validate(gojsonschema.NewStringLoader(schema), gojsonschema.NewBytesLoader(data))
	if err != nil {
		return []string{"schema: " + err.Error()}
	}
	for _, e := range res.Errors() {
		problems = append(problems, "schema: "+e.String())
	}
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		return append(problems, "decode: "+err.Error())
	}
	if log.Version != "2.1.0" {
		problems = append(problems, fmt.Sprintf("version %q, want 2.1.0", log.Version))
	}
	if len(log.Runs) > maxRuns {
		problems = append(problems, fmt.Sprintf("%d runs, GitHub accepts %d", len(log.Runs), maxRuns))
	}
	for i, run := range log.Runs {
		problems = append(problems, run.check(fmt.Sprintf("runs[%d]", i))...)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	if gz.Len() > maxGzipped {
		problems = append(problems, fmt.Sprintf("%d bytes gzipped, GitHub accepts %d", gz.Len(), maxGzipped))
	}
	return problems
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool struct {
		Driver struct {
			Name  string `json:"name"`
			Rules []rule `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	Results []result             `json:"results"`
	Bases   map[string]location2 `json:"originalUriBaseIds"`
}

type location2 struct {
	URI string `json:"uri"`
}

type rule struct {
	ID         string `json:"id"`
	Properties struct {
		Tags      []string `json:"tags"`
		Severity  *string  `json:"security-severity"`
		Precision *string  `json:"precision"`
	} `json:"properties"`
}

type result struct {
	RuleID       string            `json:"ruleId"`
	RuleIndex    *int              `json:"ruleIndex"`
	Level        string            `json:"level"`
	Locations    []location        `json:"locations"`
	Related      []location        `json:"relatedLocations"`
	Fingerprints map[string]string `json:"partialFingerprints"`
	Message      struct {
		Text string `json:"text"`
	} `json:"message"`
}

type location struct {
	ID       *int `json:"id"`
	Physical *struct {
		Artifact *struct {
			URI  string `json:"uri"`
			Base string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func (r *run) check(at string) []string {
	var p []string
	if r.Tool.Driver.Name == "" {
		p = append(p, at+": tool.driver.name is empty")
	}
	rules := r.Tool.Driver.Rules
	if len(rules) > maxRules {
		p = append(p, fmt.Sprintf("%s: %d rules, GitHub accepts %d", at, len(rules), maxRules))
	}
	if len(r.Results) > maxResults {
		p = append(p, fmt.Sprintf("%s: %d results, GitHub accepts %d", at, len(r.Results), maxResults))
	}
	ids := map[string]int{}
	for i, ru := range rules {
		where := fmt.Sprintf("%s.rules[%d] (%s)", at, i, ru.ID)
		if _, dup := ids[ru.ID]; dup {
			p = append(p, where+": id repeated")
		}
		ids[ru.ID] = i
		tags := ru.Properties.Tags
		if len(tags) > maxTags {
			p = append(p, fmt.Sprintf("%s: %d tags, GitHub accepts %d", where, len(tags), maxTags))
		}
		for j, t := range tags {
			if t == "" || slices.Contains(tags[:j], t) {
				p = append(p, fmt.Sprintf("%s: tag %q empty or repeated", where, t))
			}
		}
		if s := ru.Properties.Severity; s != nil {
			if v, err := strconv.ParseFloat(*s, 64); err != nil || v < 0 || v > 10 {
				p = append(p, fmt.Sprintf("%s: security-severity %q is not a number from 0.0 to 10.0", where, *s))
			}
		}
		if pr := ru.Properties.Precision; pr != nil && !slices.Contains([]string{"very-high", "high", "medium", "low"}, *pr) {
			p = append(p, fmt.Sprintf("%s: precision %q", where, *pr))
		}
	}
	for i, res := range r.Results {
		where := fmt.Sprintf("%s.results[%d] (%s)", at, i, res.RuleID)
		j, ok := ids[res.RuleID]
		switch {
		case !ok:
			p = append(p, where+": its rule is not in tool.driver.rules")
		case res.RuleIndex != nil && *res.RuleIndex != j:
			p = append(p, fmt.Sprintf("%s: ruleIndex %d, the rule is at %d", where, *res.RuleIndex, j))
		}
		if res.Message.Text == "" {
			p = append(p, where+": no message text")
		}
		if len(res.Locations) == 0 {
			p = append(p, where+": no location")
		}
		if n := len(res.Locations) + len(res.Related); n > maxLocations {
			p = append(p, fmt.Sprintf("%s: %d locations, GitHub accepts %d", where, n, maxLocations))
		}
		if len(res.Fingerprints) == 0 {
			p = append(p, where+": no partialFingerprints")
		}
		seen := map[int]bool{}
		for k, loc := range append(slices.Clone(res.Locations), res.Related...) {
			p = append(p, r.checkLocation(fmt.Sprintf("%s location %d", where, k), loc)...)
			if k >= len(res.Locations) {
				if loc.ID == nil || seen[*loc.ID] {
					p = append(p, fmt.Sprintf("%s: related location %d has no id, or a repeated one", where, k))
				} else {
					seen[*loc.ID] = true
				}
			}
		}
	}
	return p
}

// checkLocation applies GitHub's rules to a location: a physical location
// with a URI that is relative (to a declared base) and stays under it, or
// an absolute file: URI.
func (r *run) checkLocation(at string, loc location) []string {
	if loc.Physical == nil || loc.Physical.Artifact == nil || loc.Physical.Artifact.URI == "" {
		return []string{at + ": no physicalLocation.artifactLocation.uri"}
	}
	a := loc.Physical.Artifact
	u, err := url.Parse(a.URI)
	if err != nil {
		return []string{fmt.Sprintf("%s: URI %q: %v", at, a.URI, err)}
	}
	var p []string
	switch {
	case u.Scheme == "file":
		if a.Base != "" {
			p = append(p, at+": an absolute URI with a uriBaseId")
		}
	case u.Scheme != "" || u.Host != "":
		p = append(p, fmt.Sprintf("%s: URI %q is neither relative nor file:", at, a.URI))
	default:
		if a.Base == "" {
			p = append(p, fmt.Sprintf("%s: relative URI %q without a uriBaseId", at, a.URI))
		} else if _, ok := r.Bases[a.Base]; !ok {
			p = append(p, fmt.Sprintf("%s: uriBaseId %q is not declared in originalUriBaseIds", at, a.Base))
		}
		if strings.HasPrefix(u.Path, "/") || strings.HasPrefix(path.Clean(u.Path), "..") {
			p = append(p, fmt.Sprintf("%s: relative URI %q leaves its base", at, a.URI))
		}
	}
	if reg := loc.Physical.Region; reg != nil && reg.StartLine < 1 {
		p = append(p, at+": region without a startLine")
	}
	return p
}
