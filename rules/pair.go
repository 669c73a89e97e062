package rules

import (
	"bytes"
	"sort"

	"github.com/vigilsec/vigil"
)

// Secrets that come in parts (a Twilio Account SID and its Auth Token) are
// found around each other: "near:" rules search the lines around each
// candidate of their anchor rule, and each secret then takes its nearest
// partner. A line of a thousand SIDs has a thousand candidates whose
// surroundings overlap, so these searches and lookups are arranged to read
// each part of the chunk a bounded number of times, not once per
// candidate.

// searchNear runs "near:" rules on the lines around each candidate of
// their anchor rule; the surroundings that overlap are searched together
// (see searchGroup).
func (m *Matcher) searchNear(data []byte, env checkEnv, s *scratch) {
	n := len(s.cands)
	for i := 0; i < n; i++ {
		a := s.cands[i]
		for _, r := range m.near[a.rule] {
			ws, we := linesAround(data, a.start, a.end, m.rules[r].nearWithin())
			m.addWindow(data, r, window{ws, we}, env, s)
		}
	}
	m.searchGroups(data, env, s)
	if len(s.cands) > n {
		numberLines(data, s.cands)
	}
}

// nearWithin is how many lines around its anchor a "near:" rule looks.
func (c *compiled) nearWithin() int {
	if len(c.Pair) > 0 {
		return c.Pair[0].Within
	}
	return 5
}

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

// pair joins candidates to their partners: each secret takes the nearest
// partner within its rule's line distance (not every combination), and a
// partner that is taken is not reported on its own.
func (m *Matcher) pair(data []byte, s *scratch) {
	byRule := map[int][]int{} // rule → its candidates, in offset order
	for i := range s.cands {
		byRule[s.cands[i].rule] = append(byRule[s.cands[i].rule], i)
	}
	for i := range s.cands {
		c := &s.cands[i]
		rule := m.rules[c.rule]
		if c.dropped || len(rule.Pair) == 0 {
			continue
		}
		for k, p := range rule.Pair {
			j := nearest(s.cands, i, byRule[rule.pairWith[k]], p.Within)
			if j >= 0 {
				s.cands[j].consumed = true
				c.parts = append(c.parts, vigil.Part{Name: p.Part, Value: vigil.NewSecret(s.cands[j].secret)})
				c.partOf = append(c.partOf, j)
				continue
			}
			if !p.Required {
				continue
			}
			if !s.pairContext(data, c, rule, k) {
				c.dropped = true
				break
			}
			c.confidence = min(c.confidence, p.AloneConfidence)
		}
	}
}

// nearest returns the candidate among partners (indexes of the candidates
// of one rule, in offset order) closest to cands[i] within `within` lines
// (closer lines first, then fewer bytes; the earlier of two as close), or
// -1. The closest on each side is the first one met going out from i.
func nearest(cands []candidate, i int, partners []int, within int) int {
	c := &cands[i]
	at := sort.Search(len(partners), func(k int) bool { return partners[k] >= i })
	dist := func(j int) int { return abs(cands[j].line-c.line)<<32 | abs(cands[j].start-c.start) }
	usable := func(j int) bool { return j != i && !cands[j].dropped }
	best := -1
	for k := at - 1; k >= 0; k-- {
		j := partners[k]
		if !usable(j) {
			continue
		}
		if best >= 0 && dist(j) > dist(best) || abs(cands[j].line-c.line) > within {
			break
		}
		best = j // as close as the one after it: the earlier wins
	}
	for k := at; k < len(partners); k++ {
		if j := partners[k]; usable(j) {
			if abs(cands[j].line-c.line) <= within && (best < 0 || dist(j) < dist(best)) {
				best = j
			}
			break
		}
	}
	return best
}

// pairContext reports whether one of the words that let rule's k-th pair
// stand alone (OrContext) is within its lines of c.
func (s *scratch) pairContext(data []byte, c *candidate, rule *compiled, k int) bool {
	p := rule.Pair[k]
	if len(p.OrContext) == 0 {
		return false
	}
	ws, we := linesAround(data, c.start, c.end, p.Within)
	return s.literalsIn(data, rule.orContext[k], literalKey{c.rule, k + 1}, ws, we)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
