package rules

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Allowlist suppresses findings by path glob or secret value, from
// .vigil.toml. It only ever removes findings.
type Allowlist struct {
	paths  []string
	values []*regexp.Regexp
}

// NewAllowlist checks path globs and compiles value regexes.
func NewAllowlist(paths, values []string) (*Allowlist, error) {
	a := &Allowlist{}
	for _, p := range paths {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("bad path glob %q: %w", p, err)
		}
		a.paths = append(a.paths, p)
	}
	for _, v := range values {
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("bad value regex %q: %w", v, err)
		}
		a.values = append(a.values, re)
	}
	return a, nil
}

func (a *Allowlist) path(p string) bool {
	for _, g := range a.paths {
		if MatchGlob(g, p) {
			return true
		}
	}
	return false
}

func (a *Allowlist) value(v string) bool {
	for _, re := range a.values {
		if re.MatchString(v) {
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
