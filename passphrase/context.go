package passphrase

import (
	"strings"
	"unicode"
)

// Context words are matched after simple transformations an attacker's
// rules apply: case, look-alike symbols (l33t), separators between letters,
// and reversal. A passphrase that uses a context word is rejected only when
// what remains without it is too easy to guess: "alice loves hiking in the
// alps" passes, "Alice-Twilio-2024!" does not.

// minContextToken is the shortest context word worth matching.
const minContextToken = 3

// contextTokens splits context values into words: "alice.smith@example.com"
// gives alice, smith, example, com.
func contextTokens(context []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range context {
		for _, w := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			w = strings.ToLower(w)
			if len([]rune(w)) >= minContextToken && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// fold maps a character to the class an attacker's rules treat it as, or
// returns 0 for separators, which matching skips.
func fold(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case '@', '4':
		return 'a'
	case '8':
		return 'b'
	case '(':
		return 'c'
	case '3':
		return 'e'
	case '6', '9':
		return 'g'
	case '1', '!', '|', 'l':
		return 'i'
	case '0':
		return 'o'
	case '$', '5':
		return 's'
	case '7', '+':
		return 't'
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return r
	}
	return 0
}

// contextProblem returns the context words the passphrase is built on when,
// without them, too few guesses remain; nil otherwise.
func contextProblem(pw string, words []string, minGuesses float64) []string {
	if len(words) == 0 {
		return nil
	}
	pr := []rune(pw)
	// skeleton holds the folded non-separator characters; at maps them back.
	var skeleton []rune
	var at []int
	for i, r := range pr {
		if f := fold(r); f != 0 {
			skeleton = append(skeleton, f)
			at = append(at, i)
		}
	}
	used := make([]bool, len(pr))
	var found []string
	for _, w := range words {
		var fw []rune
		for _, r := range w {
			if f := fold(r); f != 0 {
				fw = append(fw, f)
			}
		}
		hit := false
		for _, pat := range [][]rune{fw, reversed(fw)} {
			for i := 0; i+len(pat) <= len(skeleton); i++ {
				if runesEqual(skeleton[i:i+len(pat)], pat) {
					hit = true
					for j := at[i]; j <= at[i+len(pat)-1]; j++ {
						used[j] = true
					}
				}
			}
		}
		if hit {
			found = append(found, w)
		}
	}
	if found == nil {
		return nil
	}
	// What remains, without separators: joining words with - or . is one
	// of the first rules an attacker tries.
	var rest []rune
	for i, r := range pr {
		if !used[i] && fold(r) != 0 {
			rest = append(rest, r)
		}
	}
	if estimate(string(rest), words).Guesses >= minGuesses {
		return nil
	}
	return found
}

func reversed(r []rune) []rune {
	out := make([]rune, len(r))
	for i, c := range r {
		out[len(r)-1-i] = c
	}
	return out
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
