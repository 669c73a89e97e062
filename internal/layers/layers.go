// Package layers states which of vigil's packages may import which, and
// checks a module's import graph against those rules. Its test runs the
// check on vigil itself, so a change that crosses a layer fails CI
// instead of passing unnoticed.
package layers

import (
	"fmt"
	"slices"
	"strings"
)

// Package is one package of the graph, as `go list -json` describes it.
// Paths inside the module are relative to it and start with "./"
// ("./source/files", "." for the root); others stay whole ("net/http",
// "github.com/prometheus/client_golang/prometheus").
type Package struct {
	ImportPath string
	// Name is the package clause: "main" marks a command.
	Name string
	// Imports are the direct imports of its non-test files; Deps are
	// everything they import, directly or not.
	Imports, Deps []string
}

// Rule forbids a set of packages from importing another.
type Rule struct {
	// Why is the reason, quoted when the rule is broken.
	Why string
	// From selects the packages the rule binds.
	From func(p Package) bool
	// To selects the imports the rule forbids them.
	To func(imp string) bool
	// Except lists what is allowed all the same: "pkg" for every
	// import of pkg, "pkg -> imp" for one.
	Except []string
	// Indirect extends the rule to what the package imports through
	// others (its Deps), not only its own imports.
	Indirect bool
}

// Check returns one line per import that breaks a rule, and one per
// exception that no longer matches any package and import (so that the
// lists do not keep permissions nobody uses).
func Check(pkgs []Package, rules []Rule) []string {
	var out []string
	for _, r := range rules {
		used := map[string]bool{}
		for _, p := range pkgs {
			if !r.From(p) {
				continue
			}
			imps := p.Imports
			if r.Indirect {
				imps = p.Deps
			}
			for _, imp := range imps {
				if !r.To(imp) {
					continue
				}
				if e, ok := r.excepted(p.ImportPath, imp); ok {
					used[e] = true
					continue
				}
				how := "imports"
				if !slices.Contains(p.Imports, imp) {
					how = "depends on"
				}
				out = append(out, fmt.Sprintf("%s %s %s: %s", p.ImportPath, how, imp, r.Why))
			}
		}
		for _, e := range r.Except {
			if !used[e] {
				out = append(out, fmt.Sprintf("exception %q is not used: remove it (%s)", e, r.Why))
			}
		}
	}
	return out
}

func (r Rule) excepted(pkg, imp string) (string, bool) {
	for _, e := range r.Except {
		if e == pkg || e == pkg+" -> "+imp {
			return e, true
		}
	}
	return "", false
}

// Under returns a selector of path and everything below it.
func Under(paths ...string) func(string) bool {
	return func(p string) bool {
		for _, q := range paths {
			if p == q || strings.HasPrefix(p, q+"/") {
				return true
			}
		}
		return false
	}
}

// Local reports whether p is a package of the module.
func Local(p string) bool { return p == "." || strings.HasPrefix(p, "./") }

// Internal reports whether p is an internal package of the module.
func Internal(p string) bool {
	return Local(p) && (strings.Contains(p+"/", "/internal/"))
}
