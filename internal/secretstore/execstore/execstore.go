// Package execstore hands credentials to a command of the user's: the
// "anything else" secret store (a Kubernetes secret, a CI variable, a
// password manager vigil does not know). The command runs with sh -c once
// per field, with these variables set:
//
//	VIGIL_SECRET_OP     put, get or delete
//	VIGIL_SECRET_FIELD  the field's name, e.g. TWILIO_API_SECRET
//
// For put the value arrives on stdin (no trailing newline); for get the
// command prints the value on stdout (a trailing newline is dropped; no
// output means the field does not exist); delete removes the field (one
// that does not exist is no error). A non-zero exit is a failure. Get is
// required: vigil changes nothing in a store it cannot read back. During
// a rotation the old values are kept in fields named VIGIL_BACKUP_…,
// which delete removes at the end.
package execstore

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/runcmd"
)

// Command is a user command used as a secret store.
type Command struct {
	command string
	env     []string
}

// New returns the store for a shell command line. env is the command's
// environment (nil: vigil's own).
func New(command string, env []string) *Command {
	return &Command{command: command, env: env}
}

// String names the store.
func (c *Command) String() string { return "exec:" + c.command }

// Get runs the command for one field and returns what it printed.
func (c *Command) Get(ctx context.Context, field string) (vigil.Secret, error) {
	out, err := c.run(ctx, "get", field, nil)
	if err != nil {
		return vigil.Secret{}, err
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(out), "\n"), "\r")
	if v == "" {
		return vigil.Secret{}, fmt.Errorf("%s: get %s printed nothing: %w", c, field, fs.ErrNotExist)
	}
	return vigil.NewSecret(v), nil
}

// Put runs the command once per field, in name order, each value on
// stdin. It stops at the first failure: the fields before it are written.
func (c *Command) Put(ctx context.Context, values map[string]vigil.Secret) error {
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if _, err := c.run(ctx, "put", k, []byte(values[k].Reveal())); err != nil {
			return err
		}
	}
	return nil
}

// Delete runs the command once per field with VIGIL_SECRET_OP=delete.
func (c *Command) Delete(ctx context.Context, fields []string) error {
	for _, k := range fields {
		if _, err := c.run(ctx, "delete", k, nil); err != nil {
			return err
		}
	}
	return nil
}

func (c *Command) run(ctx context.Context, op, field string, stdin []byte) ([]byte, error) {
	env := append(runcmd.Environ(c.env), "VIGIL_SECRET_OP="+op, "VIGIL_SECRET_FIELD="+field)
	out, errOut, err := runcmd.Run(ctx, env, stdin, "/bin/sh", "-c", c.command)
	if err != nil {
		if msg := runcmd.LastLine(errOut); msg != "" {
			return nil, fmt.Errorf("%s: %s %s: %w: %s", c, op, field, err, msg)
		}
		return nil, fmt.Errorf("%s: %s %s: %w", c, op, field, err)
	}
	return out, nil
}
