package rules

import (
	"bytes"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigilsec/vigil"
)

// Options tune a Matcher beyond its rules.
type Options struct {
	// Allow suppresses findings by path, value, line or stopword (from
	// .vigil.toml and the configurations read into it).
	Allow *Allowlist
	// Markers are the inline comments, besides vigil:allow, that suppress
	// the findings on their line (see InlineMarkers).
	Markers []Marker
	// Suppressed, when set, is told of every finding an allowlist or an
	// inline comment kept out, and why; it may be called from several
	// goroutines at once. When nil, such findings are dropped unseen.
	Suppressed func(vigil.Finding, vigil.Suppression)
	// Now returns the current time, for token expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives debug diagnostics; nil discards them.
	Logger *slog.Logger
}

// Matcher runs a rule Set over chunks. It implements vigil.Matcher and is
// safe for concurrent use.
type Matcher struct {
	rules    []*compiled
	byID     map[string]int
	ac       *automaton
	targets  [][]kwTarget // keyword index → rules it triggers
	hex32    []int        // rules triggered by hex runs
	uuids    []int        // rules triggered by UUIDs
	near     [][]int      // anchor rule → rules run around its candidates
	opts     Options
	scratchP sync.Pool
}

type kwTarget struct {
	rule  int
	exact string // non-empty: the hit must match this case exactly
}

type compiled struct {
	*Rule
	check    checkFunc
	stop     []string // lower-case
	deny     []string // lower-case
	pairWith []int    // partner rule of each Pair
	priority int
	// secretGroups may hold the secret; the first that took part wins.
	secretGroups []int
	// nameGroups hold the key a generic secret is assigned to.
	nameGroups []int
	requires   [][]byte   // lower-case
	orContext  [][][]byte // per Pair, lower-case
}

// maxLineWindow bounds the text a regex sees around a keyword hit on very
// long lines (minified files), so matching stays linear in the input.
const maxLineWindow = 2048

// assignmentWindow is how much of a line an assignment rule reads from the
// start of the name: name, operator and a value up to the size of a
// base64-encoded 2048-bit private key. The value's own end (its closing
// quote) usually bounds the read much sooner.
const assignmentWindow = maxLineWindow

// assignmentTailWindow is how much an assignment_tail rule reads: enough for
// `name = os.getenv("NAME", "fallback")` or `name = x or "fallback"`.
const assignmentTailWindow = 256

// multilineWindow is how far past its keyword line a multi-line rule looks.
const multilineWindow = 64 << 10

// NewMatcher compiles a rule Set.
func NewMatcher(set *Set, opts Options) *Matcher {
	m := &Matcher{byID: map[string]int{}, opts: opts}
	if m.opts.Now == nil {
		m.opts.Now = time.Now
	}
	if m.opts.Logger == nil {
		m.opts.Logger = slog.New(slog.DiscardHandler)
	}
	for i, r := range set.Rules() {
		c := &compiled{Rule: r, check: lookupCheck(r.Check), priority: r.Priority}
		if c.priority == 0 && r.Generic == "" {
			c.priority = 10
		}
		c.secretGroups = []int{r.SecretGroup}
		for i, n := range r.Regex.SubexpNames() {
			switch {
			case n == "secret" && i != r.SecretGroup:
				c.secretGroups = append(c.secretGroups, i)
			case n == "name":
				c.nameGroups = append(c.nameGroups, i)
			}
		}
		for _, q := range r.Requires {
			c.requires = append(c.requires, []byte(strings.ToLower(q)))
		}
		for _, p := range r.Pair {
			var words [][]byte
			for _, w := range p.OrContext {
				words = append(words, []byte(strings.ToLower(w)))
			}
			c.orContext = append(c.orContext, words)
		}
		c.stop = lower(r.Stopwords)
		c.deny = lower(r.DenyContext)
		m.rules = append(m.rules, c)
		m.byID[r.ID] = i
	}
	m.near = make([][]int, len(m.rules))
	var keywords []string
	index := map[string]int{}
	addKW := func(kw string, t kwTarget) {
		key := strings.ToLower(kw)
		k, ok := index[key]
		if !ok {
			k = len(keywords)
			index[key] = k
			keywords = append(keywords, key)
			m.targets = append(m.targets, nil)
		}
		m.targets[k] = append(m.targets[k], t)
	}
	for i, c := range m.rules {
		for _, p := range c.Pair {
			c.pairWith = append(c.pairWith, m.byID[p.With])
		}
		for _, kw := range c.Keywords {
			addKW(kw, kwTarget{rule: i})
		}
		for _, kw := range c.KeywordsExact {
			addKW(kw, kwTarget{rule: i, exact: kw})
		}
		for _, t := range c.Triggers {
			if t == "hex32" {
				m.hex32 = append(m.hex32, i)
			} else if t == "uuid" {
				m.uuids = append(m.uuids, i)
			} else if id, ok := strings.CutPrefix(t, "near:"); ok {
				a := m.byID[id]
				m.near[a] = append(m.near[a], i)
			}
		}
	}
	if len(keywords) > 0 {
		m.ac = newAutomaton(keywords)
	}
	return m
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// candidate is a secret a rule's regex found and its checks accepted.
type candidate struct {
	rule       int
	start, end int // the secret, as offsets in the chunk
	secret     string
	name       string // the key a generic secret is assigned to, if known
	quoted     bool   // the secret was written between quotes
	details    map[string]string
	confidence vigil.Confidence
	line       int // 0-based line in the chunk
	column     int // 1-based byte column in that line (from the chunk's start on its first line)
	endLine    int
	parts      []vigil.Part
	partOf     []int // the candidate each part was found as, by index in cands
	consumed   bool
	dropped    bool
}

// scratch is per-Match working memory, pooled.
type scratch struct {
	kw      []kwHit
	hits    []hit
	lastEnd []int // per rule: hits before it are covered by a search made
	cands   []candidate
	seen    map[[3]int]bool
	// Memory of what hits before this one found (see memo.go).
	lines    lineCursor
	name     nameRun
	values   valueCursors
	literals map[literalKey][]literalCursor
	groups   []windowGroup // per rule with a lookahead: windows to search
	// regexBytes counts, per rule, the bytes given to its regex: the work
	// that must stay proportional to the chunk (worst_test.go).
	regexBytes []int
}

type hit struct{ rule, pos int }

func (m *Matcher) getScratch() *scratch {
	s, _ := m.scratchP.Get().(*scratch)
	if s == nil {
		s = &scratch{seen: map[[3]int]bool{}}
	}
	s.hits = s.hits[:0]
	s.cands = s.cands[:0]
	if cap(s.lastEnd) < len(m.rules) {
		s.lastEnd = make([]int, len(m.rules))
	}
	s.lastEnd = s.lastEnd[:len(m.rules)]
	for i := range s.lastEnd {
		s.lastEnd[i] = -1
	}
	if s.literals == nil {
		s.literals = map[literalKey][]literalCursor{}
	}
	clear(s.literals)
	if cap(s.groups) < len(m.rules) {
		s.groups = make([]windowGroup, len(m.rules))
	}
	s.groups = s.groups[:len(m.rules)]
	clear(s.seen)
	s.name = nameRun{}
	s.regexBytes = append(s.regexBytes[:0], make([]int, len(m.rules))...)
	return s
}

// Match implements vigil.Matcher.
func (m *Matcher) Match(c vigil.Chunk, emit func(vigil.Finding)) {
	if len(c.Data) == 0 {
		return
	}
	s := m.getScratch()
	defer m.scratchP.Put(s)
	m.match(c, emit, s)
}

// match is Match with its working memory, which tests read (regexBytes).
func (m *Matcher) match(c vigil.Chunk, emit func(vigil.Finding), s *scratch) {
	data := c.Data

	m.collectHits(data, s)
	env := checkEnv{now: m.opts.Now().Unix()}
	bundle := minifiable(c.Origin.Path)
	s.lines.reset(data)
	s.values.reset(len(data))
	for _, h := range s.hits {
		if h.pos < s.lastEnd[h.rule] {
			continue // a search this rule made covers the hit
		}
		rule := m.rules[h.rule]
		ws, we := m.window(data, h.pos, rule.Multiline, &s.lines)
		if bundle && rule.Generic != "" && we-ws >= maxLineWindow {
			// A long line of a script or style sheet is bundler output:
			// names there are mangled, not configuration.
			s.lastEnd[h.rule] = we
			continue
		}
		if rule.Assignment {
			m.assignment(data, h, ws, we, env, s)
			continue
		}
		if rule.Lookbehind > 0 {
			ws = max(ws, h.pos-rule.Lookbehind)
		}
		s.lastEnd[h.rule] = we
		if rule.Lookahead > 0 {
			// A short window may end inside a secret that a later hit
			// starts: every hit gets its own window (see lookahead.go).
			we = min(we, h.pos+rule.Lookahead)
			s.lastEnd[h.rule] = h.pos + 1
		}
		if rule.requires != nil && !s.literalsIn(data, rule.requires, literalKey{h.rule, 0}, ws, we) {
			continue
		}
		if rule.Lookahead > 0 {
			m.addWindow(data, h.rule, window{ws, we}, env, s)
			continue
		}
		m.search(data, ws, we, h.rule, env, s)
	}
	m.searchGroups(data, env, s)
	if len(s.cands) == 0 {
		return
	}
	numberLines(data, s.cands)
	m.searchNear(data, env, s)
	m.pair(data, s) // before overlaps: an unpaired secret must not hide a generic one
	m.resolveOverlaps(s)
	m.emit(c, s, emit)
}

// collectHits runs the prefilters and returns (rule, offset) hits in
// offset order.
func (m *Matcher) collectHits(data []byte, s *scratch) {
	if m.ac != nil {
		s.kw = m.ac.scan(data, s.kw[:0])
		for _, h := range s.kw {
			start := h.end - m.ac.lengths[h.kw]
			for _, t := range m.targets[h.kw] {
				if t.exact != "" && string(data[start:h.end]) != t.exact {
					continue
				}
				s.hits = append(s.hits, hit{t.rule, start})
			}
		}
	}
	if len(m.hex32) > 0 {
		forHexRuns(data, func(start int) {
			for _, r := range m.hex32 {
				s.hits = append(s.hits, hit{r, start})
			}
		})
	}
	if len(m.uuids) > 0 {
		forUUIDs(data, func(start int) {
			for _, r := range m.uuids {
				s.hits = append(s.hits, hit{r, start})
			}
		})
	}
	if !sort.SliceIsSorted(s.hits, func(i, j int) bool { return s.hits[i].pos < s.hits[j].pos }) {
		sort.SliceStable(s.hits, func(i, j int) bool { return s.hits[i].pos < s.hits[j].pos })
	}
}

// hexRun is the run length of hex digits that triggers "hex32" rules.
const hexRun = 32

// forHexRuns calls f with the start of every run of at least 32 hex digits.
// Any such run covers two offsets that are multiples of 16, so only those
// offsets are tested first; the bytes around a pair of hex digits found
// there are examined in full.
func forHexRuns(data []byte, f func(start int)) {
	const step = hexRun / 2
	lastEnd := -1 // end of the last run reported
	for j := step; j < len(data); j += step {
		if j < lastEnd || !isHexDigit(data[j]) || !isHexDigit(data[j-step]) {
			continue
		}
		// Extend from j in both directions.
		lo := j
		for lo > 0 && isHexDigit(data[lo-1]) {
			lo--
		}
		hi := j + 1
		for hi < len(data) && isHexDigit(data[hi]) {
			hi++
		}
		lastEnd = hi
		if hi-lo >= hexRun {
			f(lo)
		}
	}
}

// forUUIDs calls f with the start of every 8-4-4-4-12 hex UUID.
func forUUIDs(data []byte, f func(start int)) {
	for off := 8; off+28 <= len(data); {
		i := bytes.IndexByte(data[off:len(data)-27], '-')
		if i < 0 {
			return
		}
		i += off
		off = i + 1
		if isUUID(data[i-8 : i+28]) {
			f(i - 8)
			off = i + 28
		}
	}
}

func isUUID(b []byte) bool {
	for k, c := range b {
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHexDigit(c) {
				return false
			}
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= (c|0x20) && (c|0x20) <= 'f'
}
