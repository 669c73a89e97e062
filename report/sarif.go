package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/sarifout"
)

// Bases of relative URIs in SARIF besides sarifout.SrcRoot.
const (
	// imageRoot is the root of an image's filesystem.
	imageRoot = "IMAGEROOT"
	// pseudoRoot holds places that are not files: an image config
	// ("@config/env"), a commit or tag message ("@commit/message").
	pseudoRoot = "VIGILPSEUDO"
)

// SARIF writes a SARIF 2.1.0 log, as GitHub code scanning accepts it: one
// rule per rule that found something, one result per finding, its parts
// as related locations, the commit, tag, image layer and archive members
// in the result's properties, URIs relative to Root (%SRCROOT%). Secrets
// never appear in it, even with ShowSecrets: SARIF files are uploaded to
// code-scanning services.
func SARIF(w io.Writer, r *Report) error {
	log := sarifout.New(r.Version)
	log.Base(sarifout.SrcRoot, r.Root, "the directory the scanned paths are relative to: the repository for git scans, the current directory for files")
	log.Base(imageRoot, "", "the root of the scanned image's filesystem")
	log.Base(pseudoRoot, "", "not a file: an image config (@config/…) or a git commit or tag message (@commit/message, @tag/message); see the result's properties")
	infos := map[string]RuleInfo{}
	for _, ri := range r.Rules {
		infos[ri.ID] = ri
	}
	v := r.view()
	for _, f := range v.findings {
		log.Rule(sarifRule(f, infos[f.RuleID]))
		if err := log.Result(sarifResult(f, r.Root)); err != nil {
			return err
		}
	}
	for _, sk := range v.incomplete {
		loc := sarifLocation(sk.Origin, r.Root)
		log.Notify("error", "not scanned: "+sk.String(), &loc)
	}
	for _, c := range r.Checks {
		if err := c.AddSARIF(log, sarifout.SrcRoot); err != nil {
			return err
		}
	}
	return log.Write(w)
}

// SARIFSection is another check whose results go into a scan's SARIF log:
// it adds its rules, results and notifications, locating files relative
// to base.
type SARIFSection interface {
	AddSARIF(log *sarifout.Log, base string) error
}

func sarifRule(f vigil.Finding, ri RuleInfo) sarifout.Rule {
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
	return sarifout.Rule{
		ID: f.RuleID, Name: ruleName(f.RuleID),
		Short: desc, Full: desc + " (" + f.Provider + ")",
		Help: help, HelpMarkdown: "**" + desc + "**\n\n" + help,
		Level:            "error",
		Tags:             []string{"security", "secret", f.Provider, ri.Category},
		SecuritySeverity: "8.0", Precision: "high",
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

func sarifResult(f vigil.Finding, root string) sarifout.Result {
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
	o := f.Origin
	props := map[string]any{"confidence": f.Confidence.String(), "verdict": f.Verdict.Status.String()}
	if f.Verdict.Reason != "" {
		props["verdictReason"] = f.Verdict.Reason
	}
	if len(f.Verdict.Facts) > 0 {
		props["verdictFacts"] = f.Verdict.Facts
	}
	if len(o.Members) > 0 {
		msg += " in archive member " + strings.Join(o.Members, "!")
		props["archiveMembers"] = o.Members
	}
	if c := o.Commit; c != nil {
		msg += " (commit " + c.SHA + ")"
		props["commit"] = c.SHA
		if !c.Date.IsZero() {
			props["commitDate"] = c.Date.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	if o.Blob != "" {
		props["blob"] = o.Blob
	}
	if t := o.Tag; t != nil {
		msg += " (tag " + t.Name + ")"
		props["tag"], props["tagObject"] = t.Name, t.SHA
	}
	if l := o.Layer; l != nil {
		if l.Index >= 0 {
			msg += fmt.Sprintf(" (image layer %d %s)", l.Index, l.Digest)
			props["imageLayer"] = l.Index
		} else {
			msg += fmt.Sprintf(" (image config %s)", l.Digest)
		}
		props["imageDigest"] = l.Digest
		if l.CreatedBy != "" {
			props["imageCreatedBy"] = l.CreatedBy
		}
	}
	if f.Present != nil {
		props["present"] = *f.Present
	}
	if f.Occurrences > 1 {
		props["occurrences"] = f.Occurrences
	}
	res := sarifout.Result{
		RuleID: f.RuleID, Level: level, Message: msg,
		Location:     sarifLocation(o, root),
		Fingerprints: map[string]string{"vigilSecret/v1": f.Fingerprint()},
		Properties:   props,
	}
	for _, p := range f.Parts {
		if po, ok := f.PartOrigin(p); ok {
			loc := sarifLocation(po, root)
			loc.Message = p.Name
			res.Related = append(res.Related, loc)
		}
	}
	return res
}

// sarifLocation is where o is, as a SARIF location: the file (not the
// archive member) relative to its base — the scanned root for files and
// git, the image's filesystem, or vigil's pseudo-paths — or, for an
// absolute path outside root, its file: URI.
func sarifLocation(o vigil.Origin, root string) sarifout.Location {
	p := o.File()
	loc := sarifout.Location{Line: o.Line, Column: o.Column, EndLine: o.EndLine}
	switch {
	case strings.HasPrefix(p, "@"):
		loc.URI, loc.Base = sarifout.RelativeURI(p), pseudoRoot
	case o.Source == "image":
		loc.URI, loc.Base = sarifout.RelativeURI(p), imageRoot
	case filepath.IsAbs(p):
		if rel, err := filepath.Rel(root, p); root != "" && err == nil && filepath.IsLocal(rel) {
			loc.URI, loc.Base = sarifout.RelativeURI(rel), sarifout.SrcRoot
		} else {
			loc.URI = sarifout.FileURI(p)
		}
	default:
		loc.URI, loc.Base = sarifout.RelativeURI(p), sarifout.SrcRoot
	}
	return loc
}
