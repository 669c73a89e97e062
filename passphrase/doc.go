// Package passphrase checks passphrases against a modern policy, the one
// NIST SP 800-63B recommends: a minimum length (14 characters by default)
// and no composition rules, but a refusal of passphrases that are known from
// breaches, that an attacker would guess early, or that are built from words
// of the context (the user's name, the company, the service).
//
// Use it in a sign-up form:
//
//	p := passphrase.Policy{
//		Context:  []string{user.Name, user.Email, "Acme"},
//		Breaches: &passphrase.RangeAPI{}, // or an offline *Index
//	}
//	res, err := p.Check(ctx, pw)
//	// err: the input itself is unusable (empty, too long, not UTF-8)
//	// res.Verdict: Acceptable, Rejected (res.Problems say why) or
//	// Unchecked (the breach check could not be made: do not pass it)
//
// The breach check sends nothing but the first five hex digits of the
// passphrase's SHA-1 to a Pwned Passwords compatible range API, or answers
// from an offline index built once from the Pwned Passwords hash file
// (BuildIndex, OpenIndex). Strength is estimated with zxcvbn, reported as a
// number of guesses, a plain-language rating and suggestions.
package passphrase
