package rules

import (
	"bytes"
	"sort"

	"github.com/vigilsec/vigil"
)

// window returns the text a rule's regex sees for a hit at pos: the hit's
// line, clamped on very long lines, or for multi-line rules the following
// 64 KiB as well. lines knows where the lines around the hits are.
func (m *Matcher) window(data []byte, pos int, multiline bool, lines *lineCursor) (int, int) {
	prev, next := lines.around(pos)
	ls := max(prev+1, pos-maxLineWindow)
	if multiline {
		return ls, min(len(data), pos+multilineWindow)
	}
	return ls, min(next, pos+maxLineWindow)
}

// assignment runs an assignment rule for its hit h: one anchored attempt
// at the name holding the keyword, so a line full of assignments costs one
// short match each. The hits inside an unquoted value the rule matched
// ("password=password=…") are not attempted again.
func (m *Matcher) assignment(data []byte, h hit, ws, we int, env checkEnv, s *scratch) {
	rule := m.rules[h.rule]
	name, op, ok := assignedName(data, h.pos, ws, we, &s.name)
	if !ok {
		return
	}
	// Other keywords of the same name (-pw and pw= in "-pw=") give the
	// same attempt: the hits before the operator are covered.
	s.lastEnd[h.rule] = max(h.pos+1, op)
	end := min(we, name+assignmentTailWindow)
	if !rule.AssignmentTail {
		v := valueEnd(data, op, we, &s.values)
		if v < 0 {
			return // nothing is assigned: no regex can find a secret
		}
		end = min(v, name+assignmentWindow)
	}
	if rule.requires != nil && !s.literalsIn(data, rule.requires, literalKey{h.rule, 0}, name, end) {
		return
	}
	if matched := m.searchAt(data, name, end, h.rule, env, s); matched > 0 {
		// The keywords inside the value matched are not names.
		s.lastEnd[h.rule] = max(s.lastEnd[h.rule], matched)
	}
}

// assignedName checks that the keyword at pos is part of a name followed
// by an assignment operator (=, :, =>, :=, ==, ??=, ||=) — after closing
// quotes or brackets and an optional ": Type" annotation — and returns
// where the name starts and where the operator is, so the rule's regex
// reads only the assignment. Most keyword hits in code (func token(),
// map[key]) end here, without running a regex. run remembers the name
// around the last hit.
func assignedName(data []byte, pos, ws, we int, run *nameRun) (start, op int, ok bool) {
	from, to := run.around(data, pos)
	start = max(from, ws)
	i := max(pos, min(to, we))
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
	return start, i, true
}

// valueEnd finds where the value after an operator at op ends: past the
// closing quote of a quoted value (allowing a type annotation, a decoding
// call or a string prefix before it), or at the end of an unquoted word;
// -1 when there is no value.
// c remembers where the next quote and the next space are, for the hits
// that follow.
func valueEnd(data []byte, op, we int, c *valueCursors) int {
	i := op
	for i < we && (data[i] == '=' || data[i] == ':' || data[i] == '!' || data[i] == '?' || data[i] == '|' || data[i] == '-' || data[i] == '>') {
		i++
	}
	// A value cannot start with what ends one: "password=;" assigns
	// nothing, and the regex is spared a long window it cannot match.
	v := i
	for v < we && (data[v] == ' ' || data[v] == '\t') {
		v++
	}
	if v < we && data[v] == '&' {
		// A value quoted with HTML entities (&#39;…&#39;, &quot;…&quot;)
		// runs to the next '&', where its closing entity starts; any other
		// '&' starts no value.
		if n := entityQuote(data[v:we]); n > 0 {
			if j := bytes.IndexByte(data[v+n:we], '&'); j >= 0 {
				return min(we, v+n+j+entityQuoteMax)
			}
			return we
		}
		return -1
	}
	if v >= we || endsEmptyValue(data[v]) {
		return -1
	}
	// Skip spaces, a ": Type" annotation's type and a second operator,
	// and a short call or prefix such as bytes.fromhex( or b".
	limit := min(we, i+96)
	if q := c.quote.next(data, i, isQuoteOrNewline); q < limit {
		if data[q] == '\n' {
			return q
		}
		j := q + 1
		for j < we && data[j] != data[q] && data[j] != '\n' {
			if data[j] == '\\' && j+1 < we && data[j+1] != '\n' {
				j++
			}
			j++
		}
		return min(we, j+2)
	}
	// Unquoted: the value runs to the next space; after a ": Type"
	// annotation, to the space after the value the annotated name is
	// assigned ("password: String = value").
	end := c.space.next(data, v, isSpaceByte)
	j := end
	for j < we && (data[j] == ' ' || data[j] == '\t') {
		j++
	}
	if j < we && data[j] == '=' {
		for j < we && (data[j] == '=' || data[j] == ' ' || data[j] == '\t') {
			j++
		}
		end = c.space.next(data, j, isSpaceByte)
	}
	return min(we, end+1)
}

// endsEmptyValue reports whether a value that starts with c is empty: c
// ends a statement, an argument list or a block, or starts a markup tag.
func endsEmptyValue(c byte) bool {
	switch c {
	case ';', ',', ')', ']', '}', '{', '&', '<', '>', '\n', '\r':
		return true
	}
	return false
}

// entityQuoteMax is the length of the longest HTML entity that quotes a
// value (&quot;, &apos;).
const entityQuoteMax = len("&quot;")

// entityQuote returns the length of the HTML entity for a quote that text
// starts with (&#39;, &#34;, &quot;, &apos;), or 0.
func entityQuote(text []byte) int {
	for _, e := range []string{"&#39;", "&#34;", "&quot;", "&apos;"} {
		if bytes.HasPrefix(text, []byte(e)) {
			return len(e)
		}
	}
	return 0
}

func isQuoteOrNewline(c byte) bool { return c == '"' || c == '\'' || c == '`' || c == '\n' }

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameByte reports whether c may be part of a name before its keyword
// (config[db.password], $password, @password).
func isNameByte(c byte) bool {
	return isNameTailByte(c) || c == '[' || c == ']' || c == '$' || c == '@'
}

// isNameTailByte reports whether c may be part of a name after its keyword
// starts; a closing bracket or quote may follow (see assignedName).
func isNameTailByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}

// search runs rule r's regex over data[ws:we] and adds accepted candidates.
func (m *Matcher) search(data []byte, ws, we, r int, env checkEnv, s *scratch) {
	re, _ := m.rules[r].Regex.compiled()
	s.regexBytes[r] += we - ws
	m.addMatches(data, ws, r, re.FindAllSubmatchIndex(data[ws:we], -1), env, s)
}

// searchAt tries rule r's regex anchored at ws, once, and returns where
// its match ends when the secret it matched is unquoted, or 0: the
// keywords inside an unquoted value are part of that value, while a quoted
// one may end at an escaped quote and be followed by another assignment
// ("key=\"value\"").
func (m *Matcher) searchAt(data []byte, ws, we, r int, env checkEnv, s *scratch) int {
	_, anchored := m.rules[r].Regex.compiled()
	s.regexBytes[r] += we - ws
	loc := anchored.FindSubmatchIndex(data[ws:we])
	if loc == nil {
		return 0
	}
	m.addMatches(data, ws, r, [][]int{loc}, env, s)
	if a, _ := firstGroup(loc, m.rules[r].secretGroups); a < 0 || ws+a > 0 && isQuote(data[ws+a-1]) {
		return 0
	}
	return ws + loc[1]
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

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
		quoted := a > 0 && isQuote(data[a-1])
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
		c.column = 1 + vigil.CharCount(data[ls:c.start])
		c.endLine = line + bytes.Count(data[c.start:c.end], []byte{'\n'})
	}
}
