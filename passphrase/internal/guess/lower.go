package guess

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lowered answers strings.ToLower(pw[i:j+1]) for the substrings dictionary
// matching looks up, without lower-casing each of them.
//
// trustelem takes i and j among the offsets where characters start, so
// pw[i:j+1] ends with the first byte of the character at j: the character
// itself when it is ASCII, else a broken byte that strings.ToLower turns
// into U+FFFD. The lookup key of a substring is thus the lower-cased
// characters from i up to j, then that last piece.
type lowered struct {
	pw  string
	low string // pw lower-cased character by character
	// at[i] is where the character that starts at byte i of pw starts in
	// low; nil when pw is ASCII and offsets are the same.
	at []int
}

func newLowered(pw string) lowered {
	l := lowered{pw: pw}
	ascii := true
	for i := 0; i < len(pw); i++ {
		if pw[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		l.low = strings.ToLower(pw)
		return l
	}
	var b strings.Builder
	b.Grow(len(pw) + 8)
	l.at = make([]int, len(pw)+1)
	for i, r := range pw {
		l.at[i] = b.Len()
		// An invalid byte decodes as utf8.RuneError, written as U+FFFD,
		// which is also what strings.ToLower does with it.
		b.WriteRune(unicode.ToLower(r))
	}
	l.low = b.String()
	l.at[len(pw)] = len(l.low)
	return l
}

// span is the length in low of the characters from byte i up to, not
// including, byte j: a lower bound on len(key(i, j)) that grows with j.
func (l lowered) span(i, j int) int {
	if l.at == nil {
		return j - i
	}
	return l.at[j] - l.at[i]
}

// key is strings.ToLower(pw[i:j+1]) for i and j at character starts.
func (l lowered) key(i, j int) string {
	if l.at == nil {
		return l.low[i : j+1]
	}
	if l.pw[j] < utf8.RuneSelf {
		return l.low[l.at[i] : l.at[j]+1]
	}
	return l.low[l.at[i]:l.at[j]] + string(utf8.RuneError)
}
