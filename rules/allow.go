package rules

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// AllowEntry is one allowlist: the findings it matches are not reported
// (they are counted as suppressed). Entries come from .vigil.toml and from
// the configurations of other scanners read into it.
type AllowEntry struct {
	// Source names the file the entry is written in, for the summary.
	Source string
	// Description says why the entry exists.
	Description string
	// Rules limits the entry to findings of these rule ids; empty means
	// every rule.
	Rules []string
	// All requires every condition given below to match (gitleaks'
	// condition = "AND"); by default any one is enough.
	All bool
	// Paths are globs (see MatchGlob); PathRegexes are regular
	// expressions searched in the slash path.
	Paths       []string
	PathRegexes []string
	// Values are regular expressions searched in the secret; Lines are
	// searched in the line(s) holding it.
	Values []string
	Lines  []string
	// Stopwords are substrings of the secret, in any case.
	Stopwords []string
	// Commits are commit ids (full, or a prefix of 7 or more hex digits)
	// whose findings are allowed. A finding's commit is known only once a
	// history scan has attributed it, so the matcher leaves them to
	// AllowedAfter.
	Commits []string
}

// Allowlist is a set of AllowEntry, compiled. It only ever removes
// findings.
type Allowlist struct {
	entries []allowEntry
	// within, when restricted, must allow a finding too: the allowlist
	// as it was before a change, so that what the change adds or widens
	// does not apply to it (see Restrict).
	within     *Allowlist
	restricted bool
}

// Restrict returns an allowlist that allows only what both a and base
// allow: base is the allowlist as it was before the change being scanned,
// so that entries the change adds, or widens, do not apply to that same
// change. A nil base allows nothing. Suppressions are credited to a.
func (a *Allowlist) Restrict(base *Allowlist) *Allowlist {
	if a == nil {
		return nil
	}
	r := *a
	r.within, r.restricted = base, true
	return &r
}

type allowEntry struct {
	AllowEntry
	pathRes  []*regexp.Regexp
	valueRes []*regexp.Regexp
	lineRes  []*regexp.Regexp
	stop     []string // lower-case
	commits  []string // lower-case
}

// NewAllowlist checks and compiles entries.
func NewAllowlist(entries []AllowEntry) (*Allowlist, error) {
	a := &Allowlist{}
	for _, e := range entries {
		c := allowEntry{AllowEntry: e, stop: lower(e.Stopwords)}
		for _, p := range e.Paths {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("bad path glob %q: %w", p, err)
			}
		}
		var err error
		if c.pathRes, err = compileAll("path regex", e.PathRegexes); err != nil {
			return nil, err
		}
		if c.valueRes, err = compileAll("value regex", e.Values); err != nil {
			return nil, err
		}
		if c.lineRes, err = compileAll("line regex", e.Lines); err != nil {
			return nil, err
		}
		for _, sha := range e.Commits {
			sha = strings.ToLower(strings.TrimSpace(sha))
			if len(sha) < 7 || strings.Trim(sha, "0123456789abcdef") != "" {
				return nil, fmt.Errorf("bad commit %q: want 7 to 64 hex digits", sha)
			}
			c.commits = append(c.commits, sha)
		}
		if e.All && len(c.commits) > 0 && len(c.lineRes) > 0 {
			return nil, errors.New("an entry whose conditions must all match cannot have both commits and lines: a commit is known only after the lines are gone")
		}
		if c.empty() {
			return nil, errors.New("an allowlist entry needs at least one of paths, path_regexes, values, lines, stopwords or commits")
		}
		a.entries = append(a.entries, c)
	}
	return a, nil
}

func compileAll(what string, srcs []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, s := range srcs {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("bad %s %q: %w", what, s, err)
		}
		out = append(out, re)
	}
	return out, nil
}

func (e *allowEntry) empty() bool {
	return len(e.Paths)+len(e.pathRes)+len(e.valueRes)+len(e.lineRes)+len(e.stop)+len(e.commits) == 0
}

// Len is the number of entries.
func (a *Allowlist) Len() int {
	if a == nil {
		return 0
	}
	return len(a.entries)
}

// allowTarget is what an entry is tested against.
type allowTarget struct {
	rule, path, secret string
	line               []byte // nil after attribution
	commit             string // "" before attribution
}

// test reports whether e allows t, and by which kind of condition. Before
// attribution it tests paths, values, lines and stopwords; after it, only
// entries with commits, which need the commit that introduced a finding.
func (e *allowEntry) test(t allowTarget, attributed bool) (vigil.SuppressKind, bool) {
	if len(e.Rules) > 0 && !slices.Contains(e.Rules, t.rule) {
		return "", false
	}
	type cond struct {
		kind  vigil.SuppressKind
		given bool
		match func() bool
	}
	conds := []cond{
		{vigil.SuppressPath, len(e.Paths)+len(e.pathRes) > 0, func() bool { return e.matchPath(t.path) }},
		{vigil.SuppressValue, len(e.valueRes)+len(e.stop) > 0, func() bool { return e.matchValue(t.secret) }},
		{vigil.SuppressValue, len(e.lineRes) > 0 && !attributed, func() bool { return e.matchLine(t.line) }},
		{vigil.SuppressCommit, len(e.commits) > 0 && attributed, func() bool { return e.matchCommit(t.commit) }},
	}
	if !e.All {
		for _, c := range conds {
			if c.given && (c.kind == vigil.SuppressCommit) == attributed && c.match() {
				return c.kind, true
			}
		}
		return "", false
	}
	// Every condition must hold: decided before attribution when the
	// entry has no commits, after it when it has.
	if attributed != (len(e.commits) > 0) {
		return "", false
	}
	kind := vigil.SuppressKind("")
	for _, c := range conds {
		if !c.given {
			continue
		}
		if !c.match() {
			return "", false
		}
		if kind == "" {
			kind = c.kind
		}
	}
	return kind, kind != ""
}

func (e *allowEntry) matchPath(p string) bool {
	for _, g := range e.Paths {
		if MatchGlob(g, p) {
			return true
		}
	}
	for _, re := range e.pathRes {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

func (e *allowEntry) matchValue(secret string) bool {
	for _, re := range e.valueRes {
		if re.MatchString(secret) {
			return true
		}
	}
	return containsAnyFold(secret, e.stop)
}

func (e *allowEntry) matchLine(line []byte) bool {
	for _, re := range e.lineRes {
		if re.Match(line) {
			return true
		}
	}
	return false
}

func (e *allowEntry) matchCommit(sha string) bool {
	sha = strings.ToLower(sha)
	for _, c := range e.commits {
		if sha != "" && strings.HasPrefix(sha, c) {
			return true
		}
	}
	return false
}

// allowed is the matcher's test, before attribution: paths, values,
// lines and stopwords.
func (a *Allowlist) allowed(t allowTarget) (vigil.Suppression, bool) {
	if a == nil {
		return vigil.Suppression{}, false
	}
	for i := range a.entries {
		e := &a.entries[i]
		if kind, ok := e.test(t, false); ok {
			if a.restricted {
				if _, ok := a.within.allowed(t); !ok {
					return vigil.Suppression{}, false
				}
			}
			return vigil.Suppression{Kind: kind, Source: e.Source}, true
		}
	}
	return vigil.Suppression{}, false
}

// AllowedAfter is the test that needs a finding's commit: the entries
// with commits, applied once a history scan has attributed each finding
// to the commit that introduced it. Findings without a commit are never
// allowed by it.
func (a *Allowlist) AllowedAfter(f *vigil.Finding) (vigil.Suppression, bool) {
	if a == nil || f.Origin.Commit == nil {
		return vigil.Suppression{}, false
	}
	t := allowTarget{rule: f.RuleID, path: f.Origin.Path, secret: f.Secret.Reveal(), commit: f.Origin.Commit.SHA}
	for i := range a.entries {
		e := &a.entries[i]
		if len(e.commits) == 0 {
			continue
		}
		if kind, ok := e.test(t, true); ok {
			if a.restricted {
				if _, ok := a.within.AllowedAfter(f); !ok {
					return vigil.Suppression{}, false
				}
			}
			return vigil.Suppression{Kind: kind, Source: e.Source}, true
		}
	}
	return vigil.Suppression{}, false
}

// HasCommits reports whether any entry names commits (so that AllowedAfter
// has work to do).
func (a *Allowlist) HasCommits() bool {
	if a == nil {
		return false
	}
	for _, e := range a.entries {
		if len(e.commits) > 0 {
			return true
		}
	}
	return false
}

// MatchGlob matches a slash path against a glob, as in .gitignore: "**"
// spans any number of directories, a pattern without a slash matches any
// path element ("*.min.js", "vendor"), and a pattern that names a
// directory matches everything below it.
func MatchGlob(glob, p string) bool {
	if !strings.Contains(glob, "/") {
		for _, seg := range strings.Split(p, "/") {
			if ok, _ := path.Match(glob, seg); ok {
				return true
			}
		}
		return false
	}
	glob = strings.TrimPrefix(glob, "/")
	return matchSegments(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func matchSegments(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			if len(g) == 1 {
				return true
			}
			for i := 0; i <= len(p); i++ {
				if matchSegments(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	// A glob that names a directory matches everything below it.
	return true
}
