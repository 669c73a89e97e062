package secretstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil"
)

// Getter reads one field of a store (every Store is one).
type Getter interface {
	Get(ctx context.Context, field string) (vigil.Secret, error)
	String() string
}

// Fields reads fields as plain strings, from a store or, when st is nil,
// from getenv (trimmed). A field that is missing reads as "".
func Fields(ctx context.Context, st Getter, getenv func(string) string, fields ...string) (map[string]string, error) {
	vals := make(map[string]string, len(fields))
	for _, f := range fields {
		if st == nil {
			vals[f] = strings.TrimSpace(getenv(f))
			continue
		}
		v, err := st.Get(ctx, f)
		if errors.Is(err, fs.ErrNotExist) {
			vals[f] = ""
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read credentials from %s: %w", st, err)
		}
		vals[f] = v.Reveal()
	}
	return vals, nil
}
