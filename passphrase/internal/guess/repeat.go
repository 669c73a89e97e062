package guess

import (
	"slices"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// repeatMatches finds runs of a repeated unit (aaa, abcabc) and scores the
// unit alone, recursively, without user inputs.
//
// trustelem finds them with the backtracking regular expressions (.+)\1+
// and (.+?)\1+, which work on characters and where . is anything but a
// newline; findRepeat does the same search directly. Its quirks are kept:
// the search resumes at a byte offset it treats as a character offset (and
// stops when that is not where a character starts), and the repeat count is
// the number of characters divided by the unit's length in bytes.
func (d *dictionaries) repeatMatches(pw string) []*match.Match {
	var out []*match.Match
	runes := []rune(pw)
	starts := make([]int, 0, len(runes)+1) // byte offset of each character
	for i := range pw {
		starts = append(starts, i)
	}
	starts = append(starts, len(pw))
	for from := 0; from < len(pw); {
		r, ok := slices.BinarySearch(starts, from)
		if !ok {
			break
		}
		at, length, unit, found := findRepeat(runes, r)
		if !found {
			break
		}
		base := string(runes[at : at+unit])
		sub := scoring.MostGuessableMatchSequence(base, d.omnimatch(base, userInputs{}), false)
		i, j := starts[at], starts[at+length-1]
		out = append(out, &match.Match{
			Pattern:     "repeat",
			I:           i,
			J:           j,
			Token:       string(runes[at : at+length]),
			BaseToken:   base,
			BaseGuesses: sub.Guesses,
			BaseMatches: sub.Sequence,
			RepeatCount: length / len(base),
		})
		from = j + 1
	}
	return out
}

// findRepeat finds the first repeat at or after character from: the
// leftmost position where some unit is followed by a copy of itself. Of the
// units that repeat there it takes, as zxcvbn does, the run of the longest
// or that of the shortest, whichever covers more ("aabaab", not "aa", in
// "aabaab"), a run going on for as many copies as follow. When the longest
// unit's run wins, the unit reported is the shortest that run is made of:
// "aab" for "aabaabaabaab", whose longest unit is "aabaab". length is in
// characters, counting every copy.
func findRepeat(runes []rune, from int) (at, length, unit int, found bool) {
	for at = from; at < len(runes); at++ {
		// The unit may not contain a newline: . does not match one.
		run := 0
		for at+run < len(runes) && runes[at+run] != '\n' {
			run++
		}
		shortUnit, shortLen, longLen := 0, 0, 0
		for u := 1; u <= run && at+2*u <= len(runes); u++ {
			n := copies(runes[at:], u)
			if n < 2 {
				continue
			}
			if shortUnit == 0 {
				shortUnit, shortLen = u, n*u
			}
			longLen = n * u
		}
		if shortUnit == 0 {
			continue
		}
		if longLen > shortLen {
			return at, longLen, period(runes[at : at+longLen]), true
		}
		return at, shortLen, shortUnit, true
	}
	return 0, 0, 0, false
}

// copies counts how many times s[:u] occurs back to back at the start of s.
func copies(s []rune, u int) int {
	n := 1
	for (n+1)*u <= len(s) && slices.Equal(s[n*u:(n+1)*u], s[:u]) {
		n++
	}
	return n
}

// period is the shortest unit s is two or more copies of, or len(s).
func period(s []rune) int {
	for u := 1; u <= len(s)/2; u++ {
		if len(s)%u == 0 && copies(s, u) == len(s)/u {
			return u
		}
	}
	return len(s)
}
