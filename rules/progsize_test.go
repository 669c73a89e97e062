package rules

import (
	"regexp/syntax"
	"testing"
)

// TestRegexProgramSize keeps every rule's regex program small. Programs
// under 500 instructions run on Go's backtracking matcher, many times
// faster than its NFA; large {m,n} counts multiply the program. Prefer *
// and + (lines are bounded anyway) with min_length/max_length, and keep
// exact counts for formats that need them. The matcher benchmark is the
// real guard; this catches the worst offenders.
func TestRegexProgramSize(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules() {
		re, err := syntax.Parse(r.Regex.String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(prog.Inst); n > 2500 {
			t.Errorf("%s: regex compiles to %d instructions (limit 2500)", r.ID, n)
		}
	}
}
