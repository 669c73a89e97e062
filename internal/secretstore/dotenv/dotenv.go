// Package dotenv keeps credentials in a dotenv file (KEY=VALUE lines).
// Writes replace the file atomically (a temporary file in the same
// directory, fsynced, then renamed over it) and change only the values
// written: comments, blank lines, order, "export " prefixes, quoting style
// and the file's mode stay as they were. New keys are appended. A key that
// appears more than once is updated everywhere.
package dotenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/atomicfile"
)

// maxSize bounds the file vigil reads.
const maxSize = 4 << 20

// File is a dotenv file used as a secret store.
type File struct {
	path string
}

// New returns the store for a file; nothing is read yet.
func New(path string) *File { return &File{path: path} }

// String names the store.
func (f *File) String() string { return "dotenv:" + f.path }

// Get returns the value of KEY (the last assignment wins, as in shells).
func (f *File) Get(_ context.Context, field string) (vigil.Secret, error) {
	lines, _, _, err := f.load()
	if err != nil {
		return vigil.Secret{}, err
	}
	var found *entry
	for _, l := range lines {
		if l.entry != nil && l.entry.key == field {
			found = l.entry
		}
	}
	if found == nil {
		return vigil.Secret{}, fmt.Errorf("%s: no %s: %w", f, field, fs.ErrNotExist)
	}
	return vigil.NewSecret(found.value), nil
}

// Put sets the values and replaces the file atomically. A file that does
// not exist is created with mode 0600.
func (f *File) Put(_ context.Context, values map[string]vigil.Secret) error {
	lines, trailingNL, mode, err := f.load()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		mode, trailingNL = 0o600, true
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		done := false
		for _, l := range lines {
			if l.entry != nil && l.entry.key == k {
				l.entry.value, done = values[k].Reveal(), true
			}
		}
		if !done {
			lines = append(lines, line{entry: &entry{key: k, prefix: k + "=", value: values[k].Reveal()}})
			trailingNL = true
		}
	}
	return f.replace([]byte(render(lines, trailingNL)), mode)
}

// target is the file to replace: a symlink's target, so the link stays.
func (f *File) target() string {
	if p, err := filepath.EvalSymlinks(f.path); err == nil {
		return p
	}
	if dest, err := os.Readlink(f.path); err == nil { // a link to a file not yet created
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(f.path), dest)
		}
		return dest
	}
	return f.path
}

func (f *File) load() ([]line, bool, fs.FileMode, error) {
	p := f.target()
	st, err := os.Stat(p)
	if err != nil {
		return nil, false, 0, fmt.Errorf("%s: %w", f, err)
	}
	if !st.Mode().IsRegular() {
		return nil, false, 0, fmt.Errorf("%s: not a regular file", f)
	}
	if st.Size() > maxSize {
		return nil, false, 0, fmt.Errorf("%s: %d bytes, over the %d byte limit", f, st.Size(), maxSize)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false, 0, fmt.Errorf("%s: %w", f, err)
	}
	lines, nl, err := parse(string(data))
	if err != nil {
		return nil, false, 0, fmt.Errorf("%s: %w", f, err)
	}
	return lines, nl, st.Mode().Perm(), nil
}

// replace writes data to a temporary file beside the target, fsyncs it,
// renames it over the target and fsyncs the directory. The file keeps
// its mode (mode is for a new file).
func (f *File) replace(data []byte, mode fs.FileMode) error {
	err := atomicfile.Write(f.target(), mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	return nil
}
