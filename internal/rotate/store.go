package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil"
)

// batchReader is a store that reads several fields in one request
// (Conjur's batch retrieval); missing fields are left out.
type batchReader interface {
	Values(ctx context.Context, fields []string) (map[string]vigil.Secret, error)
}

// readStore reads fields from the store. Missing fields are left out. A
// store that cannot be read is an error: vigil changes nothing in a store
// it cannot show to hold the credential.
func (r *Runner) readStore(ctx context.Context, fields ...string) (map[string]vigil.Secret, error) {
	if b, ok := r.Store.(batchReader); ok {
		out, err := b.Values(ctx, fields)
		if err != nil {
			return nil, fmt.Errorf("cannot read the secret store: %w", err)
		}
		return out, nil
	}
	out := map[string]vigil.Secret{}
	for _, f := range fields {
		v, err := r.Store.Get(ctx, f)
		switch {
		case err == nil:
			out[f] = v
		case errors.Is(err, fs.ErrNotExist):
		default:
			return nil, fmt.Errorf("cannot read the secret store: %w", err)
		}
	}
	return out, nil
}

// nothingChanged is the error for a rotation refused before any change.
func nothingChanged(err error, next string) error {
	return &Error{Err: err, State: "nothing was changed", Next: next}
}

// refused explains a 401/20003 on a management request: a wrong or
// already rotated Auth Token, or a key that is not a Main key.
func refused(actor, what string) error {
	const next = "act with the account's current Auth Token (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) or a Main key (TWILIO_API_KEY, TWILIO_API_SECRET); Standard and Restricted keys cannot manage %s"
	if strings.HasPrefix(actor, "AC") {
		return nothingChanged(fmt.Errorf("Twilio refused the Auth Token of %s (401/20003): it is wrong, or was already rotated", actor), fmt.Sprintf(next, what))
	}
	return nothingChanged(fmt.Errorf("the key %s cannot manage %s (Twilio answered 401/20003): it is a Standard or Restricted key, or its secret is wrong", actor, what), fmt.Sprintf(next, what))
}
