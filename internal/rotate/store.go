package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/vigilsec/vigil"
)

// readOptional is a store whose Get may legitimately be unsupported (an
// exec command that only writes).
type readOptional interface{ ReadOptional() bool }

// readStore reads fields from the store. Missing fields are left out. A
// store that cannot be read is an error, unless its reads are optional.
func (r *Runner) readStore(ctx context.Context, fields ...string) (map[string]vigil.Secret, bool, error) {
	out := map[string]vigil.Secret{}
	for _, f := range fields {
		v, err := r.Store.Get(ctx, f)
		switch {
		case err == nil:
			out[f] = v
		case errors.Is(err, fs.ErrNotExist):
		default:
			if ro, ok := r.Store.(readOptional); ok && ro.ReadOptional() {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("cannot read the secret store: %w", err)
		}
	}
	return out, true, nil
}

// nothingChanged is the error for a rotation refused before any change.
func nothingChanged(err error, next string) error {
	return &Error{Err: err, State: "nothing was changed", Next: next}
}
