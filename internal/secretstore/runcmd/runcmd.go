// Package runcmd runs the programs behind command-based secret stores
// (pass, gopass, a user's exec hook): a value goes in on stdin, a value
// comes out on stdout, and a failure is explained by the last line of
// stderr.
package runcmd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// Run runs name with args and env (nil: vigil's own environment) and
// stdin, and returns its stdout and stderr. A cancelled ctx is the error
// when it ended the command.
func Run(ctx context.Context, env []string, stdin []byte, name string, args ...string) ([]byte, string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = Environ(env)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return stdout.Bytes(), stderr.String(), err
}

// Environ is env, or vigil's own environment when env is nil, ready to
// be appended to.
func Environ(env []string) []string {
	if env == nil {
		return os.Environ()
	}
	return slices.Clip(env)
}

// LastLine is the last line of a command's stderr, at most 200 bytes, for
// an error message; "" when there is none.
func LastLine(stderr string) string {
	s := strings.TrimSpace(stderr)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
