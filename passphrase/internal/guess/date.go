package guess

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// Years a date may have.
const (
	minDateYear = 1000
	maxDateYear = 2050
)

// dateSplits are the ways to cut a date without separators into three
// numbers, by length: {k, l} cuts s into s[:k], s[k:l] and s[l:].
var dateSplits = [9][][2]int{
	4: {{1, 2}, {2, 3}},                 // 1 1 91, 91 1 1
	5: {{1, 3}, {2, 3}},                 // 1 11 91, 11 1 91
	6: {{1, 2}, {2, 4}, {4, 5}},         // 1 1 1991, 11 11 91, 1991 1 1
	7: {{1, 3}, {2, 3}, {4, 5}, {4, 6}}, // 1 11 1991, 11 1 1991, 1991 1 11, 1991 11 1
	8: {{2, 4}, {4, 6}},                 // 11 11 1991, 1991 11 11
}

// dmy is a day, month and year read from digits.
type dmy struct{ day, month, year int }

// dateMatches finds dates: three numbers for day, month and year in some
// order, either run together (4 to 8 digits: 1191, 19911231) or with the
// same separator twice (1.1.91, 1991-12-31). A date inside a longer date is
// dropped.
//
// trustelem cuts candidates by bytes and tests them with .NET-style regular
// expressions, where \d and \s are Unicode digits and spaces and $ also
// matches before a final newline; datePieces and the digit checks follow
// that, and strconv.Atoi reads a number it cannot parse as 0.
func dateMatches(pw string) []*match.Match {
	var found []*match.Match
	for i := 0; i+4 <= len(pw); i++ {
		for j := i + 3; j <= i+7 && j < len(pw); j++ {
			token := pw[i : j+1]
			if !allDigits(trimFinalNewline(token), 4, 8) {
				continue
			}
			var best *dmy
			for _, cut := range dateSplits[len(token)] {
				d := readDMY(token[:cut[0]], token[cut[0]:cut[1]], token[cut[1]:])
				// Prefer the reading whose year is nearest the reference
				// year: 111504 is 11-15-04, not 1-1-1504.
				if d != nil && (best == nil || yearDistance(d) < yearDistance(best)) {
					best = d
				}
			}
			if best != nil {
				found = append(found, dateMatch(pw, i, j, "", best))
			}
		}
	}
	for i := 0; i+6 <= len(pw); i++ {
		for j := i + 5; j <= i+9 && j < len(pw); j++ {
			a, sep, b, c, ok := datePieces(pw[i : j+1])
			if !ok {
				continue
			}
			if d := readDMY(a, b, c); d != nil {
				found = append(found, dateMatch(pw, i, j, sep, d))
			}
		}
	}
	var out []*match.Match
	for _, m := range found {
		inside := false
		for _, o := range found {
			if o != m && o.I <= m.I && o.J >= m.J {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	sortByPosition(out)
	return out
}

func dateMatch(pw string, i, j int, sep string, d *dmy) *match.Match {
	return &match.Match{
		Pattern:   "date",
		Token:     pw[i : j+1],
		I:         i,
		J:         j,
		Separator: sep,
		Year:      d.year,
		Month:     d.month,
		Day:       d.day,
	}
}

func yearDistance(d *dmy) int {
	return max(d.year-scoring.ReferenceYear, scoring.ReferenceYear-d.year)
}

// trimFinalNewline drops one final newline, which $ lets through.
func trimFinalNewline(s string) string {
	return strings.TrimSuffix(s, "\n")
}

// allDigits says whether s is min to max characters, all Unicode digits;
// an invalid byte counts as a character that is not a digit.
func allDigits(s string, min, max int) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
		n++
	}
	return min <= n && n <= max
}

// datePieces splits s as ^(\d{1,4})([\s/\\_.-])(\d{1,2})\2(\d{1,4})$ does:
// digits, a separator, digits, the same separator, digits.
func datePieces(s string) (a, sep, b, c string, ok bool) {
	s = trimFinalNewline(s)
	a, s = leadingDigits(s)
	r, n := utf8.DecodeRuneInString(s)
	if !isDateSeparator(r) {
		return
	}
	sep, s = s[:n], s[n:]
	b, s = leadingDigits(s)
	if !strings.HasPrefix(s, sep) {
		return
	}
	c, s = leadingDigits(s[len(sep):])
	ok = s == "" && allDigits(a, 1, 4) && allDigits(b, 1, 2) && allDigits(c, 1, 4)
	return
}

// leadingDigits splits off the Unicode digits s starts with.
func leadingDigits(s string) (digits, rest string) {
	for k, r := range s {
		if !unicode.IsDigit(r) {
			return s[:k], s[k:]
		}
	}
	return s, ""
}

func isDateSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`/\_.-`, r)
}

// readDMY reads three numbers as a day, a month and a year, in zxcvbn's
// way: the middle one is never the year, a year is 1000 to 2050 or two
// digits, and two-digit years become 1951 to 2050.
func readDMY(s1, s2, s3 string) *dmy {
	n1, _ := strconv.Atoi(s1)
	n2, _ := strconv.Atoi(s2)
	n3, _ := strconv.Atoi(s3)
	if n2 > 31 || n2 <= 0 {
		return nil
	}
	over12, over31, under1 := 0, 0, 0
	for _, n := range [3]int{n1, n2, n3} {
		if (n > 99 && n < minDateYear) || n > maxDateYear {
			return nil
		}
		if n > 31 {
			over31++
		}
		if n > 12 {
			over12++
		}
		if n <= 0 {
			under1++
		}
	}
	if over31 >= 2 || over12 == 3 || under1 >= 2 {
		return nil
	}
	// year last, then year first
	orders := [2][3]int{{n3, n1, n2}, {n1, n2, n3}}
	for _, o := range orders {
		if minDateYear <= o[0] && o[0] <= maxDateYear {
			// With a four-digit year, the rest must be a day and a month.
			return readDM(o[1], o[2], o[0])
		}
	}
	for _, o := range orders {
		if d := readDM(o[1], o[2], o[0]); d != nil {
			d.year = fourDigitYear(d.year)
			return d
		}
	}
	return nil
}

// readDM reads two numbers as day and month, in either order.
func readDM(a, b, year int) *dmy {
	switch {
	case a <= 31 && b <= 12:
		return &dmy{day: a, month: b, year: year}
	case b <= 31 && a <= 12:
		return &dmy{day: b, month: a, year: year}
	}
	return nil
}

func fourDigitYear(y int) int {
	switch {
	case y > 99:
		return y
	case y > 50:
		return y + 1900
	}
	return y + 2000
}
