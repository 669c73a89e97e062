package guess

import (
	"cmp"
	"slices"

	"github.com/trustelem/zxcvbn/match"
)

// omnimatch finds every pattern in pw, ordered as trustelem's
// matching.Omnimatch orders them: by start, then end, then the order of
// the matchers below, each of which reports its matches in its own order.
// That order matters beyond presentation: the search for the cheapest
// sequence keeps the first of equally good candidates.
func (d *dictionaries) omnimatch(pw string, user userInputs) []*match.Match {
	var out []*match.Match
	out = append(out, d.dictionaryMatches(pw, user)...)
	out = append(out, d.reversedMatches(pw, user)...)
	out = append(out, d.l33tMatches(pw, user)...)
	out = append(out, spatialMatches(pw)...)
	out = append(out, d.repeatMatches(pw)...)
	out = append(out, sequenceMatches(pw)...)
	out = append(out, yearMatches(pw)...)
	out = append(out, dateMatches(pw)...)
	sortByPosition(out)
	return out
}

// sortByPosition sorts matches by start, then end, keeping the order of
// matches at the same place.
func sortByPosition(ms []*match.Match) {
	slices.SortStableFunc(ms, func(a, b *match.Match) int {
		if c := cmp.Compare(a.I, b.I); c != 0 {
			return c
		}
		return cmp.Compare(a.J, b.J)
	})
}
