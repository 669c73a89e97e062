package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
)

// SARIF 2.1.0, the subset GitHub code scanning reads: tool and rule
// metadata, results with relative locations, and partialFingerprints so
// that alerts survive line shifts.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	ColumnKind  string            `json:"columnKind,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

// SARIF writes a SARIF 2.1.0 log. Secrets never appear in it, even with
// ShowSecrets: SARIF files are uploaded to code-scanning services.
func SARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "vigil", InformationURI: "https://github.com/vigilsec/vigil", Version: r.Version, Rules: []sarifRule{},
		}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	infos := map[string]RuleInfo{}
	for _, ri := range r.Rules {
		infos[ri.ID] = ri
	}
	index := map[string]int{}
	for _, f := range r.Findings {
		i, ok := index[f.RuleID]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			index[f.RuleID] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(f, infos[f.RuleID]))
		}
		run.Results = append(run.Results, sarifResultFor(f, i))
	}
	inc := r.Stats.Incomplete()
	inv := sarifInvocation{ExecutionSuccessful: len(inc) == 0 && !r.Interrupted}
	if r.Interrupted {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "error", Message: sarifText{Text: "interrupted: the scan was stopped before it ended; these results are partial"},
		})
	}
	for _, sk := range inc {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "error", Message: sarifText{Text: "not scanned: " + sk.String()},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifactFor(sk.Origin.Path)}}},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func sarifRuleFor(f vigil.Finding, ri RuleInfo) sarifRule {
	desc := f.Description
	if ri.Description != "" {
		desc = ri.Description
	}
	hint := f.Hint
	if ri.Hint != "" {
		hint = ri.Hint
	}
	help := desc + " committed to source. Remove it from the code, rotate it at " + f.Provider + ", and load it from a secret manager."
	if hint != "" {
		help += " " + hint
	}
	tags := []string{"security", "secret", f.Provider}
	if ri.Category != "" {
		tags = append(tags, ri.Category)
	}
	return sarifRule{
		ID: f.RuleID, Name: ruleName(f.RuleID),
		ShortDescription:     sarifText{Text: desc},
		FullDescription:      sarifText{Text: desc + " (" + f.Provider + ")"},
		Help:                 sarifHelp{Text: help, Markdown: "**" + desc + "**\n\n" + help},
		DefaultConfiguration: sarifConfig{Level: "error"},
		Properties:           map[string]any{"tags": tags, "security-severity": "8.0", "precision": "high"},
	}
}

// ruleName turns twilio-auth-token into TwilioAuthToken (SARIF names are
// identifiers).
func ruleName(id string) string {
	var b strings.Builder
	for _, w := range strings.Split(id, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func sarifResultFor(f vigil.Finding, ruleIndex int) sarifResult {
	// A live credential is an error whatever the confidence; one its
	// provider refused is a note; otherwise the confidence decides.
	level := "warning"
	switch {
	case f.Verdict.Status == vigil.Valid:
		level = "error"
	case f.Verdict.Status == vigil.Invalid:
		level = "note"
	case f.Confidence == vigil.High:
		level = "error"
	case f.Confidence == vigil.Low:
		level = "note"
	}
	msg := fmt.Sprintf("%s (%s confidence)", f.Description, f.Confidence)
	switch f.Verdict.Status {
	case vigil.Valid:
		msg += ": verified LIVE"
	case vigil.Invalid:
		msg += ": verified invalid"
	case vigil.Unknown:
		msg += ": verification inconclusive (" + f.Verdict.Reason + ")"
	}
	path := f.Origin.Path
	if outer, inner, ok := strings.Cut(path, "!"); ok {
		path = outer
		msg += " in archive member " + inner
	}
	if c := f.Origin.Commit; c != nil {
		msg += " (commit " + c.SHA + ")"
	}
	if l := f.Origin.Layer; l != nil && l.Index >= 0 {
		msg += fmt.Sprintf(" (image layer %d %s)", l.Index, l.Digest)
	} else if l != nil {
		msg += fmt.Sprintf(" (image config %s)", l.Digest)
	}
	res := sarifResult{
		RuleID: f.RuleID, RuleIndex: ruleIndex, Level: level,
		Message:             sarifText{Text: msg},
		PartialFingerprints: map[string]string{"vigilSecret/v1": f.Fingerprint()},
		Properties:          map[string]any{"confidence": f.Confidence.String(), "verdict": f.Verdict.Status.String()},
	}
	if f.Verdict.Reason != "" {
		res.Properties["verdictReason"] = f.Verdict.Reason
	}
	if len(f.Verdict.Facts) > 0 {
		res.Properties["verdictFacts"] = f.Verdict.Facts
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: artifactFor(path)}}
	if f.Origin.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Origin.Line, StartColumn: max(1, f.Origin.Column), EndLine: f.Origin.EndLine}
	}
	res.Locations = []sarifLocation{loc}
	return res
}

// artifactFor turns a report path into an RFC 3986 URI: relative paths
// are percent-encoded segment by segment under %SRCROOT% (the directory
// vigil ran in, which GitHub takes as the repository root), absolute ones
// become file URIs.
func artifactFor(p string) sarifArtifactLoc {
	if filepath.IsAbs(p) {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
		return sarifArtifactLoc{URI: u.String()}
	}
	segs := strings.Split(strings.TrimPrefix(p, "./"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return sarifArtifactLoc{URI: strings.Join(segs, "/"), URIBaseID: "%SRCROOT%"}
}
