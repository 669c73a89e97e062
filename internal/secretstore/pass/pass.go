// Package pass keeps credentials in pass, the standard Unix password
// manager, or in gopass (github.com/gopasspw/gopass), by running their
// programs: vigil never reads the GPG-encrypted files itself. A store
// PATH holds one entry per field, PATH/FIELD, whose content is the value,
// so services read it with `pass show PATH/FIELD`. Put writes the fields
// one after the other, in name order, and stops at the first failure;
// Delete removes entries (`pass rm`).
package pass

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

// Program is the password manager to run.
type Program string

// Supported programs.
const (
	Pass   Program = "pass"
	Gopass Program = "gopass"
)

// Store is a folder of a pass or gopass store.
type Store struct {
	prog Program
	path string
	env  []string
}

// New returns the store for a folder (e.g. "twilio/prod"). env is the
// programs' environment (PASSWORD_STORE_DIR, GNUPGHOME…); nil means
// vigil's own.
func New(prog Program, path string, env []string) *Store {
	return &Store{prog: prog, path: strings.Trim(path, "/"), env: env}
}

// String names the store.
func (s *Store) String() string { return string(s.prog) + ":" + s.path }

func (s *Store) entry(field string) string { return s.path + "/" + field }

// Get shows PATH/FIELD; a missing entry is fs.ErrNotExist.
func (s *Store) Get(ctx context.Context, field string) (vigil.Secret, error) {
	args := []string{"show", s.entry(field)}
	if s.prog == Gopass {
		args = []string{"show", "--password", s.entry(field)}
	}
	out, errOut, err := s.run(ctx, nil, args...)
	if err != nil {
		if notFound(errOut) {
			return vigil.Secret{}, fmt.Errorf("%s: no %s: %w", s, s.entry(field), fs.ErrNotExist)
		}
		return vigil.Secret{}, s.fail("show "+s.entry(field), errOut, err)
	}
	return vigil.NewSecret(strings.TrimSuffix(string(out), "\n")), nil
}

// Put inserts each field, replacing an existing entry.
func (s *Store) Put(ctx context.Context, values map[string]vigil.Secret) error {
	for _, k := range slices.Sorted(maps.Keys(values)) {
		args := []string{"insert", "--multiline", "--force", s.entry(k)}
		if s.prog == Gopass {
			args = []string{"insert", "--force", s.entry(k)} // gopass reads stdin when it is not a terminal
		}
		if _, errOut, err := s.run(ctx, []byte(values[k].Reveal()), args...); err != nil {
			return s.fail("insert "+s.entry(k), errOut, err)
		}
	}
	return nil
}

// Delete removes the fields' entries; one that does not exist is no
// error.
func (s *Store) Delete(ctx context.Context, fields []string) error {
	for _, k := range fields {
		if _, errOut, err := s.run(ctx, nil, "rm", "--force", s.entry(k)); err != nil && !notFound(errOut) {
			return s.fail("rm "+s.entry(k), errOut, err)
		}
	}
	return nil
}

// notFound reports a program's "no such entry" message.
func notFound(stderr string) bool {
	return strings.Contains(stderr, "not in the password store") || strings.Contains(stderr, "not found") ||
		strings.Contains(stderr, "could not find") || strings.Contains(stderr, "No such file")
}

func (s *Store) run(ctx context.Context, stdin []byte, args ...string) ([]byte, string, error) {
	return runcmd.Run(ctx, s.env, stdin, string(s.prog), args...)
}

func (s *Store) fail(op, stderr string, err error) error {
	if msg := runcmd.LastLine(stderr); msg != "" {
		return fmt.Errorf("%s: %s: %w: %s", s, op, err, msg)
	}
	return fmt.Errorf("%s: %s: %w", s, op, err)
}
