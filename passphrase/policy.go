package passphrase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Policy defaults and limits.
const (
	DefaultMinLength  = 14
	DefaultMaxLength  = 256
	MaxLengthLimit    = 4096 // the largest MaxLength a Policy may set
	DefaultMinGuesses = 1e10 // zxcvbn's "very unguessable": resists offline slow-hash attacks
	// MaxBytesPerChar bounds the bytes of input per character of
	// MaxLength: room for every character to be typed decomposed (a
	// Hangul syllable as three jamo), which NFKC composes again.
	MaxBytesPerChar = 3 * utf8.UTFMax
)

// Errors for input Check cannot judge. Each returned error wraps one.
var (
	ErrEmpty   = errors.New("passphrase is empty")
	ErrTooLong = errors.New("passphrase is too long")
	ErrNotUTF8 = errors.New("passphrase is not valid UTF-8")
	ErrControl = errors.New("passphrase contains a control character")
	ErrPolicy  = errors.New("invalid policy")
)

// Policy says what passphrases are acceptable. The zero Policy uses the
// defaults and skips the breach check.
type Policy struct {
	// MinLength is the least number of characters (Unicode code points);
	// zero means DefaultMinLength.
	MinLength int
	// MaxLength is the most; zero means DefaultMaxLength. Longer input is
	// an error, not a rejection.
	MaxLength int
	// MinGuesses is the least estimated number of guesses; zero means
	// DefaultMinGuesses.
	MinGuesses float64
	// Context holds words an attacker who knows the user would try first:
	// user name, email address, company, service name.
	Context []string
	// Breaches answers the breach check; nil skips it, and the Result says
	// so (BreachSkipped).
	Breaches Breaches
	// Logger receives debug messages; nil discards them. The passphrase and
	// its hash are never logged.
	Logger *slog.Logger
}

// Verdict is the outcome of a check.
type Verdict string

// Verdicts.
const (
	Acceptable Verdict = "acceptable" // passes every rule
	Rejected   Verdict = "rejected"   // fails a rule; Problems say which
	Unchecked  Verdict = "unchecked"  // passes the other rules, but the breach check could not be made
)

// Problem is one reason to reject a passphrase.
type Problem struct {
	Code    string `json:"code"`    // too_short, too_guessable, context, breached
	Message string `json:"message"` // a sentence for the user; never quotes the passphrase
}

// Result is the outcome of Check. It never contains the passphrase.
type Result struct {
	Verdict  Verdict      `json:"verdict"`
	Problems []Problem    `json:"problems,omitempty"`
	Length   int          `json:"length"` // characters
	Strength Strength     `json:"strength"`
	Breach   BreachResult `json:"breach"`
}

func (p Policy) withDefaults() (Policy, error) {
	if p.MinLength == 0 {
		p.MinLength = DefaultMinLength
	}
	if p.MaxLength == 0 {
		p.MaxLength = DefaultMaxLength
	}
	if p.MinGuesses == 0 {
		p.MinGuesses = DefaultMinGuesses
	}
	switch {
	case p.MinLength < 1:
		return p, fmt.Errorf("%w: minimum length %d is not positive", ErrPolicy, p.MinLength)
	case p.MaxLength < p.MinLength:
		return p, fmt.Errorf("%w: minimum length %d exceeds the maximum %d", ErrPolicy, p.MinLength, p.MaxLength)
	case p.MaxLength > MaxLengthLimit:
		return p, fmt.Errorf("%w: maximum length %d is over the limit of %d", ErrPolicy, p.MaxLength, MaxLengthLimit)
	case p.MinGuesses < 0 || math.IsNaN(p.MinGuesses):
		return p, fmt.Errorf("%w: minimum guesses %v is negative", ErrPolicy, p.MinGuesses)
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Validate checks the policy's settings.
func (p Policy) Validate() error {
	_, err := p.withDefaults()
	return err
}

// Check judges a passphrase. An error means the input (or the policy) is
// unusable: empty, longer than MaxLength, not UTF-8, or holding a control
// character. A breach check that fails is not an error: the Result's
// verdict is then Unchecked, never Acceptable.
//
// The passphrase is judged in Unicode normalization form NFKC, as NIST SP
// 800-63B asks of verifiers: one passphrase typed on two keyboards (é as
// one character or as e and a combining accent, full-width letters) is one
// passphrase, of one length, breached or not.
func (p Policy) Check(ctx context.Context, passphrase string) (Result, error) {
	p, err := p.withDefaults()
	if err != nil {
		return Result{}, err
	}
	typed := passphrase
	if passphrase, err = normalize(passphrase, p.MaxLength); err != nil {
		return Result{}, err
	}
	n := utf8.RuneCountInString(passphrase)
	res := Result{Length: n}
	if n < p.MinLength {
		res.reject("too_short", fmt.Sprintf("too short: %d characters, at least %d are needed (a few unrelated words make length easy)", n, p.MinLength))
	}
	words := contextTokens(normalizeWords(p.Context))
	res.Strength = estimate(passphrase, words)
	if res.Strength.Guesses < p.MinGuesses {
		res.reject("too_guessable", fmt.Sprintf("too easy to guess: about %s guesses, at least %s are needed", powerOfTen(res.Strength.Guesses), powerOfTen(p.MinGuesses)))
	}
	if used := contextProblem(passphrase, words, p.MinGuesses); used != nil {
		res.reject("context", fmt.Sprintf("guessable from context: it is built on %s, and what remains is too easy to guess", quoteList(used)))
	}
	res.Breach = checkBreach(ctx, p.Breaches, breachForms(typed, passphrase), p.Logger)
	if res.Breach.Status == BreachFound {
		res.reject("breached", fmt.Sprintf("found %d times in known data breaches; attackers try these first", res.Breach.Count))
	}
	switch {
	case len(res.Problems) > 0:
		res.Verdict = Rejected
	case res.Breach.Status == BreachUnchecked:
		res.Verdict = Unchecked
	default:
		res.Verdict = Acceptable
	}
	return res, nil
}

func (r *Result) reject(code, msg string) {
	r.Problems = append(r.Problems, Problem{Code: code, Message: msg})
}

// normalize returns the passphrase in NFKC, or says why the input cannot be
// checked. Its characters are counted once normalised: NFKC may shorten a
// string (e and a combining accent become é) or lengthen it (a ligature
// becomes its letters).
func normalize(s string, maxLen int) (string, error) {
	if err := validateInput(s, maxLen); err != nil {
		return "", err
	}
	s = norm.NFKC.String(s)
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", fmt.Errorf("%w: %d characters, at most %d are allowed", ErrTooLong, n, maxLen)
	}
	return s, nil
}

// normalizeWords returns words in NFKC, as passphrases are compared.
func normalizeWords(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = norm.NFKC.String(w)
	}
	return out
}

// validateInput says why input cannot be checked, if it cannot: empty, far
// too long to be read (in bytes), not UTF-8, or holding a control
// character. It names positions, never content.
func validateInput(s string, maxLen int) error {
	if s == "" {
		return ErrEmpty
	}
	if len(s) > maxLen*MaxBytesPerChar {
		return fmt.Errorf("%w: %d bytes, at most %d characters are allowed", ErrTooLong, len(s), maxLen)
	}
	n := 0
	for i, r := range s {
		n++
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			return fmt.Errorf("%w: invalid byte 0x%02x at byte offset %d", ErrNotUTF8, s[i], i)
		case unicode.IsControl(r):
			return fmt.Errorf("%w (U+%04X) at character %d; line breaks and tabs are not allowed", ErrControl, r, n)
		}
	}
	return nil
}

// validAt reports whether the U+FFFD at byte i was really written as one.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

func quoteList(words []string) string {
	out := ""
	for i, w := range words {
		switch {
		case i == 0:
		case i == len(words)-1:
			out += " and "
		default:
			out += ", "
		}
		out += fmt.Sprintf("%q", w)
	}
	return out
}
