package guess

import (
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
)

// dictionaryMatches finds the substrings of pw that are, lower-cased, words
// of the lists or of the user inputs. Matches come ordered by start, then
// end, then dictionary: the lists in file order, user inputs last.
//
// As in trustelem, i and j run over the byte offsets where characters
// start and the substring is pw[i:j+1]; see lowered for what that means
// when the character at j is not ASCII.
func (d *dictionaries) dictionaryMatches(pw string, user userInputs) []*match.Match {
	var out []*match.Match
	low := newLowered(pw)
	maxLen := max(d.maxLen, user.maxLen)
	for i := range pw {
		for j := i; j < len(pw); j++ {
			if !utf8.RuneStart(pw[j]) {
				continue
			}
			if low.span(i, j) >= maxLen {
				break // every longer substring is longer than any word
			}
			w := low.key(i, j)
			if len(w) > maxLen {
				continue
			}
			if list, rank, ok := d.lookup(w); ok {
				out = append(out, dictionaryMatch(pw, i, j, w, list, rank))
			}
			if r, ok := user.rank[w]; ok {
				out = append(out, dictionaryMatch(pw, i, j, w, userInputsName, r))
			}
		}
	}
	return out
}

func dictionaryMatch(pw string, i, j int, word, dict string, rank int) *match.Match {
	return &match.Match{
		Pattern:        "dictionary",
		I:              i,
		J:              j,
		Token:          pw[i : j+1],
		MatchedWord:    word,
		Rank:           rank,
		DictionaryName: dict,
	}
}

// reversedMatches finds words spelt backwards: the dictionary matches of pw
// reversed character by character, mapped back onto pw. As in trustelem the
// offsets are mirrored as bytes and the token is reversed again as
// characters, which for non-ASCII text gives offsets and tokens that do not
// line up; they are kept so that the estimates agree.
func (d *dictionaries) reversedMatches(pw string, user userInputs) []*match.Match {
	out := d.dictionaryMatches(reverseRunes(pw), user)
	for _, m := range out {
		m.Token = reverseRunes(m.Token)
		m.Reversed = true
		m.I, m.J = len(pw)-1-m.J, len(pw)-1-m.I
	}
	sortByPosition(out)
	return out
}

// reverseRunes reverses s character by character; each invalid byte
// becomes U+FFFD.
func reverseRunes(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
