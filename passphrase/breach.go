package passphrase

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ErrCouldNotCheck wraps every error of a breach check that could not be
// made (timeout, refusal, garbage): never read it as "not breached".
var ErrCouldNotCheck = errors.New("could not check for breaches")

// Digest is the SHA-1 of a passphrase, the key of Pwned Passwords. It is as
// sensitive as the passphrase (unsalted SHA-1 is cheap to reverse for weak
// passphrases): String shows only the five-digit prefix a range API sees.
type Digest [20]byte

// Sum hashes a passphrase as Pwned Passwords does (SHA-1 of its UTF-8).
func Sum(passphrase string) Digest { return sha1.Sum([]byte(passphrase)) }

// Hex is the digest in upper-case hex, as Pwned Passwords writes it.
func (d Digest) Hex() string { return strings.ToUpper(hex.EncodeToString(d[:])) }

// String shows the range prefix only.
func (d Digest) String() string { return d.Hex()[:5] + "…" }

// Breaches tells how often a passphrase appears in known breaches. RangeAPI
// asks a Pwned Passwords compatible service; *Index answers offline.
type Breaches interface {
	// Count returns how many times the passphrase whose SHA-1 is d was seen
	// in breaches; 0 when never. An error means the check could not be made.
	Count(ctx context.Context, d Digest) (int64, error)
}

// BreachStatus is the outcome of the breach check.
type BreachStatus string

// Breach check outcomes.
const (
	BreachNotFound  BreachStatus = "not_found"
	BreachFound     BreachStatus = "found"
	BreachUnchecked BreachStatus = "unchecked" // the check failed: see Reason
	BreachSkipped   BreachStatus = "skipped"   // the policy has no Breaches
)

// BreachResult reports the breach check.
type BreachResult struct {
	Status BreachStatus `json:"status"`
	Count  int64        `json:"count,omitempty"`
	Reason string       `json:"reason,omitempty"` // why it could not be checked
	Err    error        `json:"-"`                // the same, wrapping ErrCouldNotCheck
}

// breachForms returns the forms of a passphrase to look up: NFKC first,
// then, when they differ, NFC and the form it was typed in. Breach corpora
// hash passwords as they leaked, in whatever form that was (Pwned
// Passwords does not normalise), so the index cannot be normalised after
// the fact: each plausible form is looked up instead.
func breachForms(typed, nfkc string) []string {
	forms := []string{nfkc}
	for _, f := range []string{norm.NFC.String(typed), typed} {
		if !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	return forms
}

// checkBreach looks up each form of a passphrase: found when any is; not
// found only when every form could be checked.
func checkBreach(ctx context.Context, b Breaches, forms []string, log *slog.Logger) BreachResult {
	if b == nil {
		return BreachResult{Status: BreachSkipped}
	}
	var failed error
	for _, pw := range forms {
		n, err := b.Count(ctx, Sum(pw))
		switch {
		case err != nil:
			if !errors.Is(err, ErrCouldNotCheck) {
				err = fmt.Errorf("%w: %w", ErrCouldNotCheck, err)
			}
			log.Debug("breach check failed", "err", err)
			failed = cmp.Or(failed, err)
		case n > 0:
			return BreachResult{Status: BreachFound, Count: n}
		}
	}
	if failed != nil {
		return BreachResult{Status: BreachUnchecked, Reason: failed.Error(), Err: failed}
	}
	return BreachResult{Status: BreachNotFound}
}
