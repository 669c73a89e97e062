// Package guess estimates how many guesses an attacker needs to find a
// password, with zxcvbn's algorithm (Dropbox's "low-budget password strength
// estimation"), giving the same numbers as github.com/trustelem/zxcvbn's
// PasswordStrength.
//
// The package finds the patterns zxcvbn knows in the password itself —
// words from ranked lists (also reversed or with look-alike symbols),
// keyboard walks, repeats, sequences, recent years and dates — and leaves the
// search for the cheapest sequence of patterns and the guess counts to
// trustelem's scoring package. Unlike that module, it builds nothing when the
// program starts: the word lists are embedded as text and indexed by an
// Estimator the first time it is used.
//
// Some details of trustelem's matching differ from the original JavaScript
// (byte rather than character offsets, a repeat count divided by a byte
// length, look-alike substitution tables that share memory). They are kept on
// purpose: the aim is identical estimates, and tests compare the two.
package guess
