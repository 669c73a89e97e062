package rules

import (
	"bytes"
	"sort"
	"strings"

	"github.com/vigilsec/vigil"
)

// window returns the text a rule's regex sees for a hit at pos: the hit's
// line, clamped on very long lines, or for multi-line rules the following
// 64 KiB as well.
func (m *Matcher) window(data []byte, pos int, multiline bool) (int, int) {
	ls := bytes.LastIndexByte(data[max(0, pos-maxLineWindow):pos], '\n')
	if ls < 0 {
		ls = max(0, pos-maxLineWindow)
	} else {
		ls += max(0, pos-maxLineWindow) + 1
	}
	limit := maxLineWindow
	if multiline {
		limit = multilineWindow
	}
	end := min(len(data), pos+limit)
	le := end
	if !multiline {
		if i := bytes.IndexByte(data[pos:end], '\n'); i >= 0 {
			le = pos + i
		}
	}
	return ls, le
}

// assignedName checks that the keyword at pos is part of a name followed
// by an assignment operator (=, :, =>, :=, ==, ??=, ||=) — after closing
// quotes or brackets and an optional ": Type" annotation — and returns
// where the name starts and where the assigned value ends at the latest
// (the closing quote, or the end of an unquoted word), so the rule's regex
// reads only the assignment. Most keyword hits in code (func token(),
// map[key]) end here, without running a regex.
func assignedName(data []byte, pos, ws, we int) (start, end int, ok bool) {
	start = pos
	for start > ws && isNameByte(data[start-1]) {
		start--
	}
	i := pos
	for i < we && isNameByte(data[i]) {
		i++
	}
	for n := 0; i < we && n < 3 && (data[i] == '"' || data[i] == '\'' || data[i] == '`' || data[i] == ']' || data[i] == '\\'); n++ {
		i++
	}
	for i < we && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i >= we {
		return 0, 0, false
	}
	switch data[i] {
	case '=', ':', '!', '?', '|', '-':
	default:
		return 0, 0, false
	}
	return start, valueEnd(data, i, we), true
}

// valueEnd finds where the value after an operator at op ends: past the
// closing quote of a quoted value (allowing a type annotation, a decoding
// call or a string prefix before it), or at the end of an unquoted word.
func valueEnd(data []byte, op, we int) int {
	i := op
	for i < we && (data[i] == '=' || data[i] == ':' || data[i] == '!' || data[i] == '?' || data[i] == '|' || data[i] == '-' || data[i] == '>') {
		i++
	}
	// Skip spaces, a ": Type" annotation's type and a second operator,
	// and a short call or prefix such as bytes.fromhex( or b".
	limit := min(we, i+96)
	for i < limit {
		c := data[i]
		if c == '"' || c == '\'' || c == '`' {
			q := c
			j := i + 1
			for j < we && data[j] != q && data[j] != '\n' {
				if data[j] == '\\' && j+1 < we && data[j+1] != '\n' {
					j++
				}
				j++
			}
			return min(we, j+2)
		}
		if c == '\n' {
			return i
		}
		i++
	}
	// Unquoted: the value runs to the next space.
	for i < we && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r' {
		i++
	}
	return min(we, i+1)
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '[' || c == ']' || c == '$' || c == '@'
}

// search runs rule r's regex over data[ws:we] and adds accepted candidates.
func (m *Matcher) search(data []byte, ws, we, r int, env checkEnv, s *scratch) {
	re, _ := m.rules[r].Regex.compiled()
	m.addMatches(data, ws, r, re.FindAllSubmatchIndex(data[ws:we], -1), env, s)
}

// searchAt tries rule r's regex anchored at ws, once.
func (m *Matcher) searchAt(data []byte, ws, we, r int, env checkEnv, s *scratch) {
	_, anchored := m.rules[r].Regex.compiled()
	if loc := anchored.FindSubmatchIndex(data[ws:we]); loc != nil {
		m.addMatches(data, ws, r, [][]int{loc}, env, s)
	}
}

// addMatches turns regex matches (group spans relative to ws, group 0 at
// index 0) into candidates that pass the rule's checks.
func (m *Matcher) addMatches(data []byte, ws, r int, locs [][]int, env checkEnv, s *scratch) {
	rule := m.rules[r]
	for _, loc := range locs {
		a, b := firstGroup(loc, rule.secretGroups)
		if a < 0 {
			continue
		}
		a, b = a+ws, b+ws
		name := ""
		if na, nb := firstGroup(loc, rule.nameGroups); na >= 0 {
			name = string(data[ws+na : ws+nb])
		}
		key := [3]int{r, a, b}
		if s.seen[key] {
			continue
		}
		s.seen[key] = true
		if isAssignmentKind(rule.Generic) && nameKind(nameWords(name)) != rule.Generic {
			continue // the rule of the name's own kind reports it
		}
		secret := string(data[a:b])
		res, ok := m.accept(rule, secret, data, ws, a, env)
		if !ok {
			continue
		}
		conf := rule.Confidence
		if res.confidence != 0 {
			conf = res.confidence
		}
		quoted := a > 0 && strings.IndexByte("\"'`", data[a-1]) >= 0
		s.cands = append(s.cands, candidate{rule: r, start: a, end: b, secret: secret, name: name, quoted: quoted, details: res.details, confidence: conf})
	}
}

// firstGroup returns the span of the first of groups that took part in the
// match, or -1, -1.
func firstGroup(loc []int, groups []int) (int, int) {
	for _, g := range groups {
		if loc[2*g] >= 0 {
			return loc[2*g], loc[2*g+1]
		}
	}
	return -1, -1
}

// accept applies a rule's filters to one secret.
func (m *Matcher) accept(rule *compiled, secret string, data []byte, ws, at int, env checkEnv) (checkResult, bool) {
	if len(secret) < rule.MinLength || (rule.MaxLength > 0 && len(secret) > rule.MaxLength) {
		return checkResult{}, false
	}
	if rule.Entropy > 0 && entropy(secret) < rule.Entropy {
		return checkResult{}, false
	}
	if !rule.NoPlaceholderFilter && isPlaceholder(secret) {
		return checkResult{}, false
	}
	if containsAnyFold(secret, rule.stop) {
		return checkResult{}, false
	}
	for _, re := range rule.Allow {
		if re.MatchString(secret) {
			return checkResult{}, false
		}
	}
	if len(rule.deny) > 0 {
		ls := lineStart(data, at)
		if containsAnyFold(string(data[ls:at]), rule.deny) {
			return checkResult{}, false
		}
	}
	if m.opts.Allow != nil && m.opts.Allow.value(secret) {
		return checkResult{}, false
	}
	res := pass()
	if rule.check != nil {
		res = rule.check(secret, env)
		if !res.ok {
			return checkResult{}, false
		}
	}
	return res, true
}

func lineStart(data []byte, at int) int {
	lo := max(0, at-maxLineWindow)
	if i := bytes.LastIndexByte(data[lo:at], '\n'); i >= 0 {
		return lo + i + 1
	}
	return lo
}

// numberLines sorts candidates by offset and sets their 0-based lines and
// 1-based columns, counting every byte of the chunk once, however long its
// lines.
func numberLines(data []byte, cands []candidate) {
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].start != cands[j].start {
			return cands[i].start < cands[j].start
		}
		return cands[i].rule < cands[j].rule
	})
	line, off, ls := 0, 0, 0 // ls: where the line holding off starts
	for i := range cands {
		c := &cands[i]
		between := data[off:c.start]
		if n := bytes.Count(between, []byte{'\n'}); n > 0 {
			line += n
			ls = off + bytes.LastIndexByte(between, '\n') + 1
		}
		off = c.start
		c.line = line
		c.column = c.start - ls + 1
		c.endLine = line + bytes.Count(data[c.start:c.end], []byte{'\n'})
	}
}

// searchNear runs "near:" rules on the lines around each candidate of
// their anchor rule.
func (m *Matcher) searchNear(data []byte, env checkEnv, s *scratch) {
	n := len(s.cands)
	added := false
	for i := 0; i < n; i++ {
		a := s.cands[i]
		for _, r := range m.near[a.rule] {
			within := 5
			if ps := m.rules[r].Pair; len(ps) > 0 {
				within = ps[0].Within
			}
			ws, we := linesAround(data, a.start, a.end, within)
			before := len(s.cands)
			m.search(data, ws, we, r, env, s)
			added = added || len(s.cands) > before
		}
	}
	if added {
		numberLines(data, s.cands)
	}
}

// linesAround returns the span from `within` lines before start to
// `within` lines after end.
func linesAround(data []byte, start, end, within int) (int, int) {
	ws := start
	for k := 0; k <= within; k++ {
		lo := max(0, ws-maxLineWindow)
		i := bytes.LastIndexByte(data[lo:ws], '\n')
		if i < 0 {
			ws = lo
			break
		}
		ws = lo + i
	}
	if ws < len(data) && data[ws] == '\n' {
		ws++
	}
	we := end
	for k := 0; k <= within && we < len(data); k++ {
		hi := min(len(data), we+maxLineWindow)
		i := bytes.IndexByte(data[we:hi], '\n')
		if i < 0 {
			we = hi
			break
		}
		we += i + 1
	}
	return min(ws, start), max(we, end)
}

// resolveOverlaps keeps one candidate where secrets of different rules
// overlap: the more specific rule, else the longer secret.
func (m *Matcher) resolveOverlaps(s *scratch) {
	c := s.cands
	for i := range c {
		if c[i].dropped {
			continue
		}
		for j := i + 1; j < len(c) && c[j].start < c[i].end; j++ {
			if c[j].dropped || c[j].rule == c[i].rule && c[j].start == c[i].start {
				continue
			}
			if m.better(&c[j], &c[i]) {
				c[i].dropped = true
				break
			}
			c[j].dropped = true
		}
	}
}

func (m *Matcher) better(a, b *candidate) bool {
	pa, pb := m.rules[a.rule].priority, m.rules[b.rule].priority
	if pa != pb {
		return pa > pb
	}
	return a.end-a.start > b.end-b.start
}

// pair joins candidates to their partners: each secret takes the nearest
// partner within its rule's line distance (not every combination), and a
// partner that is taken is not reported on its own.
func (m *Matcher) pair(data []byte, s *scratch) {
	for i := range s.cands {
		c := &s.cands[i]
		rule := m.rules[c.rule]
		if c.dropped || len(rule.Pair) == 0 {
			continue
		}
		for k, p := range rule.Pair {
			j := nearest(s.cands, i, rule.pairWith[k], p.Within)
			if j >= 0 {
				s.cands[j].consumed = true
				c.parts = append(c.parts, vigil.Part{Name: p.Part, Value: vigil.NewSecret(s.cands[j].secret)})
				continue
			}
			if !p.Required {
				continue
			}
			if !hasContext(data, c, p) {
				c.dropped = true
				break
			}
			c.confidence = min(c.confidence, p.AloneConfidence)
		}
	}
}

// nearest returns the candidate of rule `with` closest to cands[i] within
// `within` lines (closer lines first, then fewer bytes), or -1.
func nearest(cands []candidate, i, with, within int) int {
	c := &cands[i]
	best, bestDist := -1, 0
	for j := range cands {
		p := &cands[j]
		if p.dropped || p.rule != with || j == i {
			continue
		}
		d := abs(p.line - c.line)
		if d > within {
			continue
		}
		dist := d<<32 | abs(p.start-c.start)
		if best < 0 || dist < bestDist {
			best, bestDist = j, dist
		}
	}
	return best
}

func hasContext(data []byte, c *candidate, p Pair) bool {
	if len(p.OrContext) == 0 {
		return false
	}
	ws, we := linesAround(data, c.start, c.end, p.Within)
	return containsAnyFold(string(data[ws:we]), lower(p.OrContext))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
