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

// emit turns the surviving candidates into findings.
func (m *Matcher) emit(c vigil.Chunk, s *scratch, emit func(vigil.Finding)) {
	data := c.Data
	if m.opts.Allow != nil && m.opts.Allow.path(c.Origin.Path) {
		return
	}
	for i := range s.cands {
		cand := &s.cands[i]
		rule := m.rules[cand.rule]
		if cand.dropped || cand.consumed || !rule.reported() || cand.start < c.Overlap {
			continue
		}
		ls := lineStart(data, cand.start)
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
				minified: isMinified(data, cand.start, c.Origin.Path),
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
		o.Column = cand.start - ls + 1
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
		emit(f)
	}
}

// isMinified reports whether the line at offset at is a long line of
// JavaScript or CSS, as bundlers write them.
func isMinified(data []byte, at int, path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".cjs", ".mjs", ".css", ".jsx", ".ts":
	default:
		return false
	}
	start := bytes.LastIndexByte(data[:at], '\n') + 1
	end := len(data)
	if i := bytes.IndexByte(data[at:], '\n'); i >= 0 {
		end = at + i
	}
	return end-start > 1000
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
