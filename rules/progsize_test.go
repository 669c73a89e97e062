package rules

import (
	"regexp/syntax"
	"testing"
)

// TestRegexProgramSize keeps every rule's regex small enough for Go's
// backtracking matcher (500 instructions), which is many times faster
// than its NFA on short lines. Use * and + (lines are bounded anyway) and
// min_length/max_length instead of large {m,n} counts.
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
		if n := len(prog.Inst); n > 500 {
			t.Errorf("%s: regex compiles to %d instructions (limit 500)", r.ID, n)
		}
	}
}
