// Package glob matches slash paths against the globs users write to
// exclude or allow paths, in the manner of .gitignore. It is its own
// package so that the sources, which only need to skip paths, do not
// depend on the rules and their matcher.
package glob

import (
	"fmt"
	"path"
	"strings"
)

// Match reports whether the slash path p matches pattern: "**" spans any
// number of directories, a pattern without a slash matches any path
// element ("*.min.js", "vendor"), and a pattern that names a directory
// matches everything below it. Other elements follow path.Match; a
// malformed pattern matches nothing (see Check).
func Match(pattern, p string) bool {
	if !strings.Contains(pattern, "/") {
		for seg := range strings.SplitSeq(p, "/") {
			if matchElem(pattern, seg) {
				return true
			}
		}
		return false
	}
	pattern = strings.TrimPrefix(pattern, "/")
	return matchSegments(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

// MatchAny reports whether any of patterns matches p.
func MatchAny(patterns []string, p string) bool {
	for _, g := range patterns {
		if Match(g, p) {
			return true
		}
	}
	return false
}

// Check returns an error when pattern is malformed (an unclosed
// character class, a trailing backslash), which Match would treat as
// matching nothing.
func Check(pattern string) error {
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("bad path glob %q: %w", pattern, err)
	}
	return nil
}

// matchSegments matches path elements against pattern elements, where
// "**" stands for any number of elements. It keeps one point to come back
// to, the last "**" met, as wildcard matching does for "*": trying every
// split recursively instead takes time exponential in the number of "**"
// (a pattern with a dozen of them against a deep path ran for minutes).
func matchSegments(g, p []string) bool {
	// A pattern that names a directory matches everything below it: as
	// if it ended in "/**".
	if len(g) == 0 || g[len(g)-1] != "**" {
		g = append(g[:len(g):len(g)], "**")
	}
	gi, pi := 0, 0
	star, resume := -1, 0
	for pi < len(p) {
		switch {
		case gi < len(g) && g[gi] == "**":
			star, resume = gi, pi
			gi++
		case gi < len(g) && matchElem(g[gi], p[pi]):
			gi++
			pi++
		case star >= 0:
			// Let the last "**" take one more element, and go on
			// from there.
			resume++
			gi, pi = star+1, resume
		default:
			return false
		}
	}
	for gi < len(g) && g[gi] == "**" {
		gi++
	}
	return gi == len(g)
}

func matchElem(pattern, elem string) bool {
	ok, _ := path.Match(pattern, elem)
	return ok
}
