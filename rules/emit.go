package rules

import (
	"bytes"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// emit turns the surviving candidates into findings. The same secret of
// the same rule found again in the chunk is folded into the first finding
// (Occurrences), so a minified bundle or a log repeating one key does not
// flood the report.
func (m *Matcher) emit(c vigil.Chunk, s *scratch, emit func(vigil.Finding)) {
	data := c.Data
	var out []vigil.Finding
	var suppressed []suppressedFinding
	seen := map[[2]string]int{}
	lines := lineCache{}
	for i := range s.cands {
		cand := &s.cands[i]
		rule := m.rules[cand.rule]
		if cand.dropped || cand.consumed || !rule.reported() || !ownedByChunk(c, cand.start) {
			continue
		}
		ls := max(cand.start-cand.column+1, cand.start-maxLineWindow) // as lineStart, from the column
		le := lineEnd(data, cand.end)
		conf := cand.confidence
		if rule.Generic != "" {
			var ok bool
			conf, ok = scoreGeneric(genericInput{
				secret:   cand.secret,
				name:     cand.name,
				quoted:   cand.quoted,
				kind:     rule.Generic,
				before:   data[ls:cand.start],
				after:    data[cand.end:le],
				path:     c.Origin.Path,
				minified: lines.long(data, cand.start) && minifiable(c.Origin.Path),
			})
			if !ok {
				continue
			}
		}
		o := c.Origin
		o.Line = itemLine(c, cand.line)
		o.Column = itemColumn(c, cand)
		if cand.endLine > cand.line {
			o.EndLine = o.Line + cand.endLine - cand.line
		}
		f := vigil.Finding{
			RuleID:      rule.ID,
			Provider:    rule.Provider,
			Description: rule.Description,
			Secret:      vigil.NewSecret(cand.secret),
			Parts:       placeParts(c, s, cand),
			Origin:      o,
			Confidence:  conf,
			Verifier:    rule.Verify,
			Hint:        rule.Hint,
		}
		if len(cand.details) > 0 {
			f.Details = maps.Clone(cand.details)
		}
		if why, ok := m.suppressed(&f, data, ls, le); ok {
			suppressed = append(suppressed, suppressedFinding{f, why})
			continue
		}
		key := [2]string{rule.ID, cand.secret}
		if j, dup := seen[key]; dup {
			out[j].Occurrences = max(out[j].Occurrences, 1) + 1
			continue
		}
		seen[key] = len(out)
		out = append(out, f)
	}
	if m.opts.Suppressed != nil {
		for _, s := range suppressed {
			m.opts.Suppressed(s.f, s.why)
		}
	}
	for _, f := range out {
		emit(f)
	}
}

// itemLine turns a 0-based line of the chunk into a line of its item.
func itemLine(c vigil.Chunk, line int) int {
	if l := c.Origin.Line + line; l != 0 {
		return l
	}
	return line + 1
}

// itemColumn is the 1-based column of a candidate in its item's line:
// its column in the chunk, plus where the chunk starts, when it starts
// inside the candidate's line.
func itemColumn(c vigil.Chunk, cand *candidate) int {
	if cand.line == 0 && c.Origin.Column > 1 {
		return cand.column + c.Origin.Column - 1
	}
	return cand.column
}

// placeParts returns the parts of cand with the line and column where each
// was found.
func placeParts(c vigil.Chunk, s *scratch, cand *candidate) []vigil.Part {
	if len(cand.parts) == 0 {
		return nil
	}
	ps := slices.Clone(cand.parts)
	for k, j := range cand.partOf {
		p := &s.cands[j]
		ps[k].Line = itemLine(c, p.line)
		ps[k].Column = itemColumn(c, p)
	}
	return ps
}

type suppressedFinding struct {
	f   vigil.Finding
	why vigil.Suppression
}

// suppressed reports whether an inline comment or an allowlist keeps f,
// found on data[ls:le], out of the report.
func (m *Matcher) suppressed(f *vigil.Finding, data []byte, ls, le int) (vigil.Suppression, bool) {
	lines := data[ls:le]
	if marker := inlineAllowed(lines, previousLine(data, ls), f.RuleID, m.opts.Markers); marker != "" {
		return vigil.Suppression{Kind: vigil.SuppressInline, Source: marker}, true
	}
	return m.opts.Allow.allowed(allowTarget{rule: f.RuleID, path: f.Origin.Path, secret: f.Secret.Reveal(), line: lines})
}

// ownedByChunk reports whether a finding starting at offset at is this
// chunk's to report: not left to the next chunk (Handoff), and not taken
// over from the previous one (before the middle of the Overlap).
func ownedByChunk(c vigil.Chunk, at int) bool {
	if c.Continued && at < c.Overlap/2 {
		return false
	}
	return c.Handoff == 0 || at < c.Handoff
}

// lineCache remembers the last line measured, so that many findings on one
// long line cost one scan of it.
type lineCache struct{ start, end int }

// long reports whether the line holding offset at is over 1000 bytes.
func (lc *lineCache) long(data []byte, at int) bool {
	if at < lc.start || at >= lc.end || lc.end == 0 {
		lc.start = bytes.LastIndexByte(data[:at], '\n') + 1
		lc.end = len(data)
		if i := bytes.IndexByte(data[at:], '\n'); i >= 0 {
			lc.end = at + i
		}
	}
	return lc.end-lc.start > 1000
}

// minifiable reports whether a file is a script or style sheet, whose long
// lines are bundler output rather than configuration.
func minifiable(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".cjs", ".mjs", ".css", ".jsx", ".ts", ".html", ".htm", ".svg", ".vue":
		return true
	}
	return false
}

func lineEnd(data []byte, at int) int {
	hi := min(len(data), at+maxLineWindow)
	if i := bytes.IndexByte(data[at:hi], '\n'); i >= 0 {
		return at + i
	}
	return hi
}
