package guess

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// Estimator estimates password strength. It indexes its word lists on the
// first Estimate (a few milliseconds, 1 MB), so keep one Estimator and
// reuse it. The zero value is ready to use, and an Estimator is safe for
// concurrent use.
type Estimator struct {
	once  sync.Once
	dicts *dictionaries
	err   error
}

// Result is an estimate.
type Result struct {
	// Guesses is the estimated number of guesses to find the password.
	Guesses float64
	// Score is zxcvbn's score from 0 (too guessable: under about 10^3
	// guesses) to 4 (very unguessable: about 10^10 guesses or more).
	Score int
	// Sequence is the cheapest way found to build the password from
	// patterns; stretches no pattern covers are "bruteforce" matches.
	Sequence []*match.Match
}

// Estimate estimates how many guesses an attacker needs to find password.
// userInputs are words the user is likely to use (their name, the
// service's name); they count as the first words an attacker tries.
//
// A password that is not valid UTF-8 gets the zero Result, as in
// trustelem: zero guesses, score 0 and no sequence.
func (e *Estimator) Estimate(password string, userInputs []string) Result {
	if !utf8.ValidString(password) {
		return Result{}
	}
	d := e.load()
	matches := d.omnimatch(password, newUserInputs(userInputs))
	best := scoring.MostGuessableMatchSequence(password, matches, false)
	return Result{Guesses: best.Guesses, Score: score(best.Guesses), Sequence: best.Sequence}
}

// load loads the word lists once. The lists are embedded and tested, so a
// failure is a broken build, not a run-time condition.
func (e *Estimator) load() *dictionaries {
	e.once.Do(func() { e.dicts, e.err = newDictionaries(wordlistsText) })
	if e.err != nil {
		panic(fmt.Sprintf("guess: embedded %v", e.err))
	}
	return e.dicts
}

// score maps guesses to zxcvbn's 0 to 4 score; the thresholds are zxcvbn's,
// powers of ten plus a margin of 5.
func score(guesses float64) int {
	const margin = 5
	for s, limit := range [...]float64{1e3, 1e6, 1e8, 1e10} {
		if guesses < limit+margin {
			return s
		}
	}
	return 4
}
