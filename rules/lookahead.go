package rules

import "sort"

// A rule with a lookahead (and usually a lookbehind) lets its regex see a
// short window around each hit: the secret must be near its keyword. Hits
// a few bytes apart ("git+ssh://git@host/…" on every line of a lock file,
// a line of "://") have windows that overlap, and searching each one
// would read every byte as many times as there are hits around it. So the
// windows that overlap are searched once, together, and a match is kept
// only if it fits in the window of one hit, as it would have been found
// there; one longer than any window sends the windows it overlaps to be
// searched one by one. (Matches that overlap each other are the
// exception: the search of the whole finds the first of two that share
// bytes.)

// window is a span of the chunk.
type window struct{ start, end int }

// windowGroup is the overlapping windows of one rule waiting to be
// searched.
type windowGroup struct {
	wins []window // in offset order: starts and ends both increase
}

// addWindow adds the window of a hit of rule r, searching the rule's
// pending windows first when the new one does not overlap them.
func (m *Matcher) addWindow(data []byte, r int, w window, env checkEnv, s *scratch) {
	g := &s.groups[r]
	if n := len(g.wins); n > 0 && w.start > g.wins[n-1].end {
		m.searchGroup(data, r, env, s)
	}
	g.wins = append(g.wins, w)
}

// searchGroups searches every rule's pending windows.
func (m *Matcher) searchGroups(data []byte, env checkEnv, s *scratch) {
	for r := range s.groups {
		if len(s.groups[r].wins) > 0 {
			m.searchGroup(data, r, env, s)
		}
	}
}

// searchGroup searches the union of rule r's pending windows once and
// keeps the matches that fit in one of them.
func (m *Matcher) searchGroup(data []byte, r int, env checkEnv, s *scratch) {
	g := &s.groups[r]
	wins := g.wins
	g.wins = g.wins[:0]
	if len(wins) == 1 {
		m.search(data, wins[0].start, wins[0].end, r, env, s)
		return
	}
	from, to := wins[0].start, wins[len(wins)-1].end
	re, _ := m.rules[r].Regex.compiled()
	s.regexBytes[r] += to - from
	locs := re.FindAllSubmatchIndex(data[from:to], -1)
	kept := locs[:0]
	var redo []window
	for _, loc := range locs {
		start, end := from+loc[0], from+loc[1]
		// The last window starting at or before the match ends the
		// furthest of those that could hold it.
		k := sort.Search(len(wins), func(i int) bool { return wins[i].start > start }) - 1
		if k >= 0 && wins[k].end >= end {
			kept = append(kept, loc)
			continue
		}
		// A match longer than any window (a long name before a UUID):
		// the windows it overlaps are searched one by one, as they
		// would have been.
		for _, w := range wins {
			if w.start < end && start < w.end && (len(redo) == 0 || redo[len(redo)-1] != w) {
				redo = append(redo, w)
			}
		}
	}
	m.addMatches(data, from, r, kept, env, s)
	for _, w := range redo {
		m.search(data, w.start, w.end, r, env, s)
	}
}
