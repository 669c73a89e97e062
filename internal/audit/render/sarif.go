package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. A control is a rule;
// each failed or stale control on an account is a result. An audit has no
// source file, so a result points at the attestation it rests on (file and
// line) or at the pseudo-path twilio/<AccountSID>, relative to the
// repository root: GitHub accepts only repository-relative locations.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
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
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

// severity is GitHub's security-severity by profile level.
func severity(l audit.Level) string {
	return map[audit.Level]string{audit.L1: "8.0", audit.L2: "6.0", audit.L3: "4.0"}[l]
}

// SARIF writes failed controls (level error) and stale attestations
// (warning) as a SARIF log.
func SARIF(w io.Writer, r *audit.Report) error {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "vigil", InformationURI: "https://github.com/vigilsec/vigil", Version: r.Version}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for i, c := range r.Controls {
		index[c.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(c))
	}
	for _, a := range r.Accounts {
		for _, res := range a.Results {
			if res.Status != audit.Fail && res.Status != audit.Stale {
				continue
			}
			run.Results = append(run.Results, sarifResultFor(a.Account, res, index[res.ControlID]))
		}
	}
	inv := sarifInvocation{ExecutionSuccessful: !r.Incomplete()}
	for _, n := range r.Notices {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{n}})
	}
	for _, a := range r.Accounts {
		for _, e := range a.Errors {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifText{a.Account.SID + ": " + e}})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleFor(c *audit.Control) sarifRule {
	help := fmt.Sprintf("%s\n\nRemediation: %s\n\nEvidence: %s\n\n%s; %s", c.Rationale, c.Remediation, c.Evidence, c.Level, mappings(c))
	md := fmt.Sprintf("**%s** (%s)\n\n%s\n\n**Remediation:** %s\n\n**Evidence:** %s\n\n**Maps to:** %s",
		c.Title, c.Level, c.Rationale, c.Remediation, c.Evidence, mappings(c))
	tags := []string{"security", "twilio", "hardening", c.Area, c.Level.String()}
	for _, id := range c.Frameworks.NIST {
		tags = append(tags, "NIST-"+id)
	}
	return sarifRule{
		ID: c.ID, Name: ruleName(c.Title),
		ShortDescription:     sarifText{c.Title},
		FullDescription:      sarifText{c.Rationale},
		Help:                 sarifHelp{Text: help, Markdown: md},
		DefaultConfiguration: sarifConfig{Level: "error"},
		Properties:           map[string]any{"tags": tags, "security-severity": severity(c.Level), "precision": "high", "problem.severity": "error"},
	}
}

// ruleName makes an identifier from a title: "No API key is older…" →
// "NoApiKeyIsOlder…".
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
	}
	return b.String()
}

func sarifResultFor(a audit.Account, res audit.Result, ruleIndex int) sarifResult {
	level := "error"
	if res.Status == audit.Stale {
		level = "warning"
	}
	msg := fmt.Sprintf("%s on %s: %s", res.ControlID, accountLabel(a), res.Summary)
	if len(res.Evidence) > 0 {
		lines := make([]string, 0, len(res.Evidence))
		for _, e := range res.Evidence {
			lines = append(lines, evidenceLine(e))
		}
		msg += ". Evidence: " + strings.Join(lines, "; ")
	}
	loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: "twilio/" + a.SID, URIBaseID: "%SRCROOT%"}, Region: sarifRegion{StartLine: 1}}
	if at := res.Attestation; at != nil && at.File != "" && filepath.IsLocal(at.File) {
		loc = sarifPhysical{ArtifactLocation: sarifArtifact{URI: relURI(at.File), URIBaseID: "%SRCROOT%"}, Region: sarifRegion{StartLine: max(at.Line, 1)}}
	}
	sum := sha256.Sum256([]byte(a.SID + "/" + res.ControlID))
	return sarifResult{
		RuleID: res.ControlID, RuleIndex: ruleIndex, Level: level,
		Message:             sarifText{msg},
		Locations:           []sarifLocation{{PhysicalLocation: loc}},
		PartialFingerprints: map[string]string{"vigilAudit/v1": hex.EncodeToString(sum[:16])},
		Properties:          map[string]any{"account": a.SID, "status": res.Status.String()},
	}
}

// relURI percent-encodes a relative path segment by segment.
func relURI(p string) string {
	segs := strings.Split(strings.TrimPrefix(filepath.ToSlash(p), "./"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
