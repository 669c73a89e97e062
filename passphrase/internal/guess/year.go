package guess

import "github.com/trustelem/zxcvbn/match"

// yearMatches finds recent years: 1900 to 2019, zxcvbn's regular
// expression 19\d\d|200\d|201\d, matched left to right without overlaps.
func yearMatches(pw string) []*match.Match {
	var out []*match.Match
	for i := 0; i+4 <= len(pw); {
		if !isRecentYear(pw[i : i+4]) {
			i++
			continue
		}
		out = append(out, &match.Match{
			Pattern:   "regex",
			Token:     pw[i : i+4],
			I:         i,
			J:         i + 3,
			RegexName: "recent_year",
		})
		i += 4
	}
	return out
}

func isRecentYear(s string) bool {
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	switch {
	case s[0] == '1' && s[1] == '9':
		return digit(s[2]) && digit(s[3])
	case s[0] == '2' && s[1] == '0':
		return (s[2] == '0' || s[2] == '1') && digit(s[3])
	}
	return false
}
