// Package sarifout writes vigil's SARIF 2.1.0 logs, for scans and audits
// alike, through the go-sarif model. It keeps the rules GitHub's code
// scanning applies on upload: tags unique and at most MaxTags per rule,
// every result located at a URI relative to a declared base, a
// security-severity that is a number, at most MaxResults results.
package sarifout

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// Limits of GitHub code scanning: a rule with more tags, or a run with more
// results, is rejected on upload.
const (
	MaxTags    = 20
	MaxResults = 25000
)

// SrcRoot is the base of relative URIs: the directory paths were made
// relative to (the repository, for git scans; the current directory for
// files), which GitHub takes as the repository root.
const SrcRoot = "%SRCROOT%"

// Log is one run of vigil being written as SARIF.
type Log struct {
	report *sarif.Report
	run    *sarif.Run
	rules  map[string]int
	inv    *sarif.Invocation
}

// New starts a log of one run of vigil at version.
func New(version string) *Log {
	run := sarif.NewRunWithInformationURI("vigil", "https://github.com/vigilsec/vigil")
	if version != "" {
		run.Tool.Driver.WithVersion(version)
	}
	run.WithColumnKind("unicodeCodePoints")
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	run.AddInvocation(inv)
	rep := sarif.NewReport()
	rep.AddRun(run)
	return &Log{report: rep, run: run, rules: map[string]int{}, inv: inv}
}

// Base declares what a base of relative URIs stands for: a directory (an
// absolute path), or, when dir is empty, only a description.
func (l *Log) Base(id, dir, description string) {
	loc := sarif.NewArtifactLocation()
	loc.Index = -1
	if dir != "" {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		loc.WithURI(u.String())
	}
	if description != "" {
		loc.WithDescription(sarif.NewTextMessage(description))
	}
	if l.run.OriginalUriBaseIds == nil {
		l.run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{})
	}
	l.run.OriginalUriBaseIds[id] = *loc
}

// Rule describes a rule (a reportingDescriptor).
type Rule struct {
	ID, Name           string
	Short, Full        string
	Help, HelpMarkdown string
	Level              string // default level: error, warning or note
	Tags               []string
	SecuritySeverity   string // "0.0" to "10.0"
	Precision          string // very-high, high, medium or low
	Properties         map[string]any
}

// Rule adds r, once, and returns its index.
func (l *Log) Rule(r Rule) int {
	if i, ok := l.rules[r.ID]; ok {
		return i
	}
	d := l.run.AddRule(r.ID)
	d.WithName(r.Name).WithDescription(r.Short)
	d.WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Full))
	d.WithHelp(sarif.NewMultiformatMessageString().WithText(r.Help).WithMarkdown(r.HelpMarkdown))
	d.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.Level))
	props := sarif.NewPropertyBag().WithTags(Tags(r.Tags))
	for k, v := range r.Properties {
		props.Add(k, v)
	}
	if r.SecuritySeverity != "" {
		props.Add("security-severity", r.SecuritySeverity)
	}
	if r.Precision != "" {
		props.Add("precision", r.Precision)
	}
	d.WithProperties(props)
	i := len(l.run.Tool.Driver.Rules) - 1
	l.rules[r.ID] = i
	return i
}

// Tags returns tags without empty or repeated ones (SARIF tags are a set:
// the schema says uniqueItems), in their first order, at most MaxTags.
func Tags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t != "" && !slices.Contains(out, t) && len(out) < MaxTags {
			out = append(out, t)
		}
	}
	return out
}

// Location is a place in an artifact: a URI (relative to Base, or
// absolute when Base is empty) and an optional region.
type Location struct {
	URI, Base             string
	Line, Column, EndLine int
	// Message describes the place (related locations).
	Message string
}

func (loc Location) sarif(id int) *sarif.Location {
	art := sarif.NewArtifactLocation().WithURI(loc.URI)
	if loc.Base != "" {
		art.WithURIBaseID(loc.Base)
	}
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(art)
	if loc.Line > 0 {
		reg := sarif.NewRegion().WithStartLine(loc.Line).WithStartColumn(max(1, loc.Column))
		if loc.EndLine > loc.Line {
			reg.WithEndLine(loc.EndLine)
		}
		phys.WithRegion(reg)
	}
	out := sarif.NewLocation().WithPhysicalLocation(phys)
	if id >= 0 {
		out.WithID(id)
	}
	if loc.Message != "" {
		out.WithMessage(sarif.NewTextMessage(loc.Message))
	}
	return out
}

// Result is one result of a rule.
type Result struct {
	RuleID       string
	Level        string
	Message      string
	Location     Location
	Related      []Location
	Fingerprints map[string]string // partialFingerprints
	Properties   map[string]any
}

// Result adds res; its rule must have been added.
func (l *Log) Result(res Result) error {
	i, ok := l.rules[res.RuleID]
	if !ok {
		return fmt.Errorf("sarif: result of rule %q, which was not added", res.RuleID)
	}
	r := sarif.NewRuleResult(res.RuleID).WithRuleIndex(i).WithLevel(res.Level).WithMessage(sarif.NewTextMessage(res.Message))
	r.AddLocation(res.Location.sarif(-1))
	for k, rel := range res.Related {
		r.AddRelatedLocation(rel.sarif(k))
	}
	if len(res.Fingerprints) > 0 {
		r.WithPartialFingerprints(res.Fingerprints)
	}
	if len(res.Properties) > 0 {
		props := sarif.NewPropertyBag()
		for k, v := range res.Properties {
			props.Add(k, v)
		}
		r.WithProperties(props)
	}
	l.run.AddResult(r)
	return nil
}

// Notify records a problem of the run (level error or warning), at loc
// when it is not nil. An error makes the run unsuccessful.
func (l *Log) Notify(level, message string, loc *Location) {
	n := sarif.NewNotification().WithLevel(level).WithMessage(sarif.NewTextMessage(message))
	if loc != nil {
		n.WithLocations([]*sarif.Location{loc.sarif(-1)})
	}
	l.inv.ToolExecutionNotifications = append(l.inv.ToolExecutionNotifications, n)
	if level == "error" {
		l.inv.WithExecutionSuccessful(false)
	}
}

// Fail marks the run unsuccessful (it did not look at everything).
func (l *Log) Fail() { l.inv.WithExecutionSuccessful(false) }

// Write checks the log against GitHub's limits and writes it as indented
// JSON.
func (l *Log) Write(w io.Writer) error {
	if n := len(l.run.Results); n > MaxResults {
		return fmt.Errorf("sarif: %d results, more than code scanning accepts in a run (%d): narrow the scan or raise --confidence", n, MaxResults)
	}
	data, err := json.Marshal(l.report)
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(compact(doc, ""))
}

// required are the arrays SARIF wants present even when empty: a run's
// results (an empty one says the scan found nothing) and the log's runs.
var required = map[string]bool{"results": true, "runs": true}

// unset are the properties go-sarif writes with the value -1 that SARIF
// gives them when absent.
var unset = map[string]bool{"index": true, "id": true, "rank": true, "byteOffset": true, "charOffset": true}

// compact drops what go-sarif writes for every object whether it is set or
// not — empty arrays, -1 for "none" — so that a log says only what vigil
// has to say. Its meaning is unchanged: SARIF reads an absent array as
// empty and an absent index as -1.
func compact(v any, key string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch x := x.(type) {
			case []any:
				if len(x) == 0 && !required[k] {
					delete(v, k)
					continue
				}
			case float64:
				if x == -1 && unset[k] {
					delete(v, k)
					continue
				}
			}
			v[k] = compact(x, k)
		}
	case []any:
		for i, x := range v {
			v[i] = compact(x, key)
		}
	}
	return v
}

// RelativeURI percent-encodes a relative slash path segment by segment,
// as RFC 3986 wants of a URI reference ("dir with space/a.txt" →
// "dir%20with%20space/a.txt").
func RelativeURI(p string) string {
	segs := strings.Split(strings.TrimPrefix(filepath.ToSlash(p), "./"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// FileURI is the file: URI of an absolute path.
func FileURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}
