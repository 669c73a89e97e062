package rules

import (
	"bytes"
	"maps"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
)

// allowMarker on a line suppresses findings on it; "vigil:allow=RULE"
// suppresses only that rule.
const allowMarker = "vigil:allow"

// emit turns the surviving candidates into findings. The same secret of
// the same rule found again in the chunk is folded into the first finding
// (Occurrences), so a minified bundle or a log repeating one key does not
// flood the report.
func (m *Matcher) emit(c vigil.Chunk, s *scratch, emit func(vigil.Finding)) {
	data := c.Data
	if m.opts.Allow != nil && m.opts.Allow.path(c.Origin.Path) {
		return
	}
	var out []vigil.Finding
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
		if allowedInline(data[ls:le], rule.ID) {
			continue
		}
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
		o.Line = c.Origin.Line + cand.line
		if o.Line == 0 {
			o.Line = cand.line + 1
		}
		o.Column = cand.column
		if cand.line == 0 && c.Origin.Column > 1 {
			o.Column += c.Origin.Column - 1 // the chunk starts inside a line
		}
		if cand.endLine > cand.line {
			o.EndLine = o.Line + cand.endLine - cand.line
		}
		f := vigil.Finding{
			RuleID:      rule.ID,
			Provider:    rule.Provider,
			Description: rule.Description,
			Secret:      vigil.NewSecret(cand.secret),
			Parts:       cand.parts,
			Origin:      o,
			Confidence:  conf,
			Verifier:    rule.Verify,
			Hint:        rule.Hint,
		}
		if len(cand.details) > 0 {
			f.Details = maps.Clone(cand.details)
		}
		key := [2]string{rule.ID, cand.secret}
		if j, dup := seen[key]; dup {
			out[j].Occurrences = max(out[j].Occurrences, 1) + 1
			continue
		}
		seen[key] = len(out)
		out = append(out, f)
	}
	for _, f := range out {
		emit(f)
	}
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

// allowedInline reports whether the line(s) carry a vigil:allow marker for
// this rule (or for every rule).
func allowedInline(lines []byte, ruleID string) bool {
	for {
		i := bytes.Index(lines, []byte(allowMarker))
		if i < 0 {
			return false
		}
		rest := lines[i+len(allowMarker):]
		if len(rest) == 0 || rest[0] != '=' {
			return true
		}
		rest = rest[1:]
		end := bytes.IndexFunc(rest, func(r rune) bool {
			return !(r == '-' || r == ',' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})
		if end < 0 {
			end = len(rest)
		}
		for _, id := range bytes.Split(rest[:end], []byte(",")) {
			if string(id) == ruleID {
				return true
			}
		}
		lines = rest[end:]
	}
}
