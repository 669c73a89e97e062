// Package execstore hands credentials to a command of the user's: the
// "anything else" secret store (a Kubernetes secret, a CI variable, a
// password manager vigil does not know). The command runs with sh -c once
// per field, with these variables set:
//
//	VIGIL_SECRET_OP     put or get
//	VIGIL_SECRET_FIELD  the field's name, e.g. TWILIO_API_SECRET
//
// For put the value arrives on stdin (no trailing newline); for get the
// command prints the value on stdout (a trailing newline is dropped; no
// output means the field does not exist). A non-zero exit is a failure.
// A command that only stores can exit non-zero for get: vigil then cannot
// read back what it wrote, and says so.
package execstore

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
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
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := c.run(ctx, "put", k, []byte(values[k].Reveal())); err != nil {
			return err
		}
	}
	return nil
}

func (c *Command) run(ctx context.Context, op, field string, stdin []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.command)
	env := c.env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(slices.Clip(env), "VIGIL_SECRET_OP="+op, "VIGIL_SECRET_FIELD="+field)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", c, op, field, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %s %s: %w%s", c, op, field, err, lastLine(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// lastLine is the command's last line of stderr, shortened, for errors.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return ""
	}
	return ": " + s
}

// ReadOptional reports that a failing get is not a broken store: many
// commands only write. Callers then skip reading back what they wrote.
func (c *Command) ReadOptional() bool { return true }
