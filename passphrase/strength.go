package passphrase

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/vigilsec/vigil/passphrase/internal/guess"
)

// estimateLimit is how many leading characters the estimator sees. zxcvbn's
// cost grows steeply with length (seconds for 1,000 characters); a prefix
// can only under-estimate, so the estimate stays on the safe side.
const estimateLimit = 100

// estimator is shared by every estimate: Estimate is a function, and the
// estimator loads its word lists (a few milliseconds) on first use only,
// so commands that never rate a passphrase do not pay for them.
var estimator guess.Estimator

// offlineRate is the guessing rate the plain-language summary assumes: an
// attacker with a stolen database of slow (bcrypt-like) hashes.
const offlineRate = 1e4

// Strength is zxcvbn's estimate of how hard a passphrase is to guess.
type Strength struct {
	Guesses      float64  `json:"guesses"`       // estimated guesses to find it
	GuessesLog10 float64  `json:"guesses_log10"` // the same, as a power of ten
	Score        int      `json:"score"`         // zxcvbn's 0 (too guessable) to 4 (very unguessable)
	Rating       string   `json:"rating"`        // very weak, weak, fair, good, strong
	Summary      string   `json:"summary"`       // one plain sentence
	Warning      string   `json:"warning,omitempty"`
	Suggestions  []string `json:"suggestions,omitempty"`
	// Partial is set when only the first characters were estimated.
	Partial bool `json:"partial,omitempty"`
}

// Estimate rates a passphrase's strength alone, without the policy; context
// words count as the first guesses an attacker would try.
func Estimate(passphrase string, context ...string) Strength {
	return estimate(passphrase, contextTokens(context))
}

func estimate(pw string, words []string) Strength {
	var s Strength
	if utf8.RuneCountInString(pw) > estimateLimit {
		pw = prefixRunes(pw, estimateLimit)
		s.Partial = true
	}
	r := estimator.Estimate(pw, words)
	s.Guesses = r.Guesses
	if math.IsInf(s.Guesses, 0) || math.IsNaN(s.Guesses) {
		s.Guesses = math.MaxFloat64
	}
	s.Guesses = math.Max(s.Guesses, 1)
	s.GuessesLog10 = math.Round(math.Log10(s.Guesses)*100) / 100
	s.Score = r.Score
	s.Rating = [...]string{"very weak", "weak", "fair", "good", "strong"}[min(max(r.Score, 0), 4)]
	s.Summary = fmt.Sprintf("%s: about %s guesses; at %s guesses a second (a stolen database of slow hashes) that is %s",
		s.Rating, powerOfTen(s.Guesses), powerOfTen(offlineRate), humanSeconds(s.Guesses/offlineRate))
	if s.Score < 4 {
		s.Warning, s.Suggestions = feedback(r.Sequence)
	}
	return s
}

func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// feedback explains, from the patterns zxcvbn found, what makes a
// passphrase guessable and what would help. The words are ours; the idea
// is zxcvbn's.
func feedback(seq []*match.Match) (warning string, suggestions []string) {
	var walk func([]*match.Match)
	add := func(s string) {
		for _, have := range suggestions {
			if have == s {
				return
			}
		}
		suggestions = append(suggestions, s)
	}
	walk = func(seq []*match.Match) {
		for _, m := range seq {
			switch m.Pattern {
			case "dictionary":
				switch {
				case m.DictionaryName == "user_inputs":
					warning = first(warning, "It contains words from the context: a name, the company or the service.")
					add("Leave out your name, your company and the service's name.")
				case m.DictionaryName == "passwords" && m.Rank <= 100:
					warning = first(warning, "This is one of the most common passwords.")
				case m.DictionaryName == "passwords":
					warning = first(warning, "This is similar to a commonly used password.")
				case strings.HasSuffix(m.DictionaryName, "names"):
					warning = first(warning, "Names on their own are easy to guess.")
				default:
					warning = first(warning, "A single common word is easy to guess.")
				}
				if m.L33t {
					add("Swapping letters for look-alike symbols (@ for a, 0 for o) does not fool attackers.")
				}
				if m.Reversed {
					add("A word spelt backwards is no harder to guess.")
				}
				if m.Token != strings.ToLower(m.Token) {
					add("Capital letters in the usual places add little.")
				}
			case "spatial":
				warning = first(warning, "Keyboard patterns such as qwerty are easy to guess.")
			case "repeat":
				warning = first(warning, "Repeated words or characters add little.")
				walk(m.BaseMatches)
			case "sequence":
				warning = first(warning, "Sequences such as abc or 6543 are easy to guess.")
			case "regex", "date":
				warning = first(warning, "Years and dates are easy to guess.")
				add("Avoid years and dates, above all ones linked to you.")
			}
		}
	}
	walk(seq)
	add("Add a few more uncommon words; length helps far more than symbols.")
	return warning, suggestions
}

func first(have, s string) string {
	if have != "" {
		return have
	}
	return s
}

// powerOfTen writes n as 10^k, or plainly when small.
func powerOfTen(n float64) string {
	if n < 1e4 {
		return fmt.Sprintf("%.0f", n)
	}
	return fmt.Sprintf("10^%.0f", math.Floor(math.Log10(n)))
}

// humanSeconds says roughly how long s seconds is.
func humanSeconds(s float64) string {
	units := []struct {
		one, many string
		secs      float64
	}{
		{"a century", "centuries", 100 * 365.25 * 86400},
		{"a year", "years", 365.25 * 86400},
		{"a month", "months", 30.44 * 86400},
		{"a day", "days", 86400},
		{"an hour", "hours", 3600},
		{"a minute", "minutes", 60},
		{"a second", "seconds", 1},
	}
	switch {
	case s < 1:
		return "less than a second"
	case s >= 1e4*units[0].secs:
		return "far longer than recorded history"
	}
	for _, u := range units {
		if s >= u.secs {
			if n := math.Round(s / u.secs); n > 1 {
				return fmt.Sprintf("about %.0f %s", n, u.many)
			}
			return "about " + u.one
		}
	}
	return "less than a second"
}
