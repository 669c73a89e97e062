package rotate

import (
	"errors"
	"fmt"
)

// ErrMainKey is returned for a Main key: Twilio creates those only in the
// Console, so vigil cannot make a replacement.
var ErrMainKey = errors.New("a Main key cannot be created through Twilio's API, so vigil cannot rotate it")

// Error is a rotation that stopped. It says what went wrong, what the
// account and store look like now, and what to run next.
type Error struct {
	Err   error
	State string // what works now, what the store holds
	Next  string // the command or action that moves things on
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// UnfinishedError is a new rotation refused because the journal holds
// one that did not end.
type UnfinishedError struct {
	Path  string
	State State
}

func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("journal %s holds an unfinished %s rotation of %s (%s)", e.Path, e.State.Plan.Kind, e.State.Account, e.State.Summary())
}

// AccountMismatchError is a journal of another account.
type AccountMismatchError struct {
	Path             string
	Journal, Current string
	State            State
}

func (e *AccountMismatchError) Error() string {
	return fmt.Sprintf("journal %s records a rotation in account %s, but the credentials are for %s: nothing was changed", e.Path, e.Journal, e.Current)
}
