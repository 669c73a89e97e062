package secretstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/vigilsec/vigil"
)

type mapGetter map[string]string

func (m mapGetter) Get(_ context.Context, f string) (vigil.Secret, error) {
	if f == "BROKEN" {
		return vigil.Secret{}, errors.New("backend down")
	}
	v, ok := m[f]
	if !ok {
		return vigil.Secret{}, fmt.Errorf("field %s: %w", f, fs.ErrNotExist)
	}
	return vigil.NewSecret(v), nil
}

func (mapGetter) String() string { return "test store" }

// TestFields: a missing field reads as "", any other error stops the
// read and names the store; without a store the environment is read,
// trimmed.
func TestFields(t *testing.T) {
	ctx := context.Background()
	st := mapGetter{"A": "1"}
	got, err := Fields(ctx, st, nil, "A", "B")
	if err != nil || got["A"] != "1" || got["B"] != "" || len(got) != 2 {
		t.Errorf("Fields(store) = %v, %v", got, err)
	}
	if _, err := Fields(ctx, st, nil, "A", "BROKEN"); err == nil || err.Error() != "read credentials from test store: backend down" {
		t.Errorf("a failing store: %v", err)
	}
	env := map[string]string{"A": " 2\n"}
	got, err = Fields(ctx, nil, func(k string) string { return env[k] }, "A", "B")
	if err != nil || got["A"] != "2" || got["B"] != "" {
		t.Errorf("Fields(env) = %v, %v", got, err)
	}
}
