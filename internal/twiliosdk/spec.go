package twiliosdk

import "strings"

// Constraint is what a manifest says of a version: the text as written,
// and the version it stands for.
type Constraint struct {
	Spec    string  // as written: "^5.10.2", ">=9,<10", "~> 7.0"
	Version Version // the one version allowed, or the lowest one a range allows
	Exact   bool    // Spec allows only Version
}

// lowerOps are the operators after which a version is a lower bound, or
// the version itself.
var lowerOps = []string{"===", "==", ">=", "~=", "~>", "^", "~", ">", "="}

// ParseConstraint reads the version constraints of npm, PEP 440, Maven,
// NuGet, Composer, RubyGems and Gradle well enough to find the lowest
// version they allow: "^5.1.0" → 5.1.0, ">=8,<10" → 8, "9.*" → 9,
// "^7.0 || ^8.0" → 7.0, "[10.0,11.0)" → 10.0. A constraint with no lower
// bound ("*", "<10", "latest") yields a zero Version.
func ParseConstraint(spec string) Constraint {
	c := Constraint{Spec: strings.TrimSpace(spec)}
	alts := strings.FieldsFunc(c.Spec, func(r rune) bool { return r == '|' })
	var lowest Version
	exact := false
	for _, alt := range alts {
		floor, isExact, ok := altFloor(alt)
		if !ok {
			return Constraint{Spec: c.Spec} // one alternative without a floor: no floor at all
		}
		if lowest.IsZero() || floor.Compare(lowest) < 0 {
			lowest, exact = floor, isExact && len(alts) == 1
		}
	}
	c.Version, c.Exact = lowest, exact
	return c
}

// altFloor finds the lower bound of one alternative: the highest of its
// lower bounds ("(>=8,>=8.2)" → 8.2). exact reports a bare or "=="
// version, the only term.
func altFloor(alt string) (floor Version, exact, ok bool) {
	alt = strings.TrimSpace(alt)
	if strings.HasPrefix(alt, "[") || strings.HasPrefix(alt, "(") { // Maven and NuGet ranges
		lo, _, hasComma := strings.Cut(alt[1:], ",")
		lo = strings.TrimSpace(strings.TrimRight(lo, ")]"))
		v, err := ParseVersion(lo)
		if err != nil {
			return Version{}, false, false
		}
		return v, !hasComma && alt[0] == '[', true
	}
	terms := strings.FieldsFunc(alt, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	// Join an operator written apart from its version ("~> 7.0", ">= 9").
	var joined []string
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		if strings.Trim(t, "<>=~^!") == "" && i+1 < len(terms) {
			t += terms[i+1]
			i++
		}
		joined = append(joined, t)
	}
	for _, t := range joined {
		op, rest := splitOp(t)
		if op == "<" || op == "<=" || op == "!=" {
			continue
		}
		wild := false
		if i := strings.IndexAny(rest, "*xX+"); i >= 0 {
			rest, wild = strings.TrimRight(rest[:i], "."), true
		}
		if rest == "" {
			continue
		}
		v, err := ParseVersion(rest)
		if err != nil {
			continue
		}
		if floor.IsZero() || v.Compare(floor) > 0 {
			floor = v
		}
		exact = len(joined) == 1 && !wild && (op == "" || op == "=" || op == "==" || op == "===")
	}
	return floor, exact, !floor.IsZero()
}

// splitOp splits a leading comparison operator from a term.
func splitOp(t string) (op, rest string) {
	for _, o := range append([]string{"<=", "!=", "<"}, lowerOps...) {
		if strings.HasPrefix(t, o) {
			return o, strings.TrimSpace(t[len(o):])
		}
	}
	return "", t
}
