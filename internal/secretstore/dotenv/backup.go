package dotenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// absent is the backup reference of a file that did not exist.
const absent = "absent"

// backupPath is where Snapshot copies the file for the rotation tagged
// tag: beside it, hidden, with the same mode.
func (f *File) backupPath(tag string) string {
	p := f.target()
	return filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".vigil-backup-"+tag)
}

// Snapshot copies the file beside itself, with the same mode (never a
// wider one), and returns the copy's path: the old values stay
// recoverable until Forget. A file that does not exist yet gives
// "absent". Running it again replaces the copy.
func (f *File) Snapshot(_ context.Context, tag string, _ []string) (string, error) {
	p := f.target()
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return absent, nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", f, err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", f, err)
	}
	b := New(f.backupPath(tag))
	if err := os.Remove(b.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", b, err)
	}
	if err := b.replace(data, st.Mode().Perm()); err != nil {
		return "", err
	}
	return b.path, nil
}

// Recall reads fields from a copy made by Snapshot.
func (f *File) Recall(ctx context.Context, ref string, fields []string) (map[string]vigil.Secret, error) {
	out := map[string]vigil.Secret{}
	if ref == absent {
		return out, nil
	}
	if err := f.checkRef(ref); err != nil {
		return nil, err
	}
	b := New(ref)
	for _, k := range fields {
		v, err := b.Get(ctx, k)
		switch {
		case err == nil:
			out[k] = v
		case !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
	}
	if _, err := os.Stat(ref); err != nil {
		return nil, fmt.Errorf("%s: the backup %s is gone: %w", f, ref, err)
	}
	return out, nil
}

// Forget removes a copy made by Snapshot.
func (f *File) Forget(_ context.Context, ref string) error {
	if ref == absent {
		return nil
	}
	if err := f.checkRef(ref); err != nil {
		return err
	}
	if err := os.Remove(ref); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", f, err)
	}
	return nil
}

// checkRef refuses a reference that is not one of this file's backups
// (a journal edited to point elsewhere).
func (f *File) checkRef(ref string) error {
	want := f.backupPath("")
	if !strings.HasPrefix(ref, want) || strings.ContainsAny(ref[len(want):], "/\\") {
		return fmt.Errorf("%s: %q is not a backup of this file", f, ref)
	}
	return nil
}

// Delete removes every assignment of the fields. A file that does not
// exist has nothing to remove.
func (f *File) Delete(_ context.Context, fields []string) error {
	lines, trailingNL, mode, err := f.load()
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	kept := lines[:0]
	for _, l := range lines {
		if l.entry == nil || !slices.Contains(fields, l.entry.key) {
			kept = append(kept, l)
		}
	}
	return f.replace([]byte(render(kept, trailingNL)), mode)
}

// Fields lists the file's keys; a file that does not exist is
// fs.ErrNotExist.
func (f *File) Fields(context.Context) ([]string, error) {
	lines, _, _, err := f.load()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		if l.entry != nil && !slices.Contains(out, l.entry.key) {
			out = append(out, l.entry.key)
		}
	}
	return out, nil
}

// Warnings says when the file, which holds secrets, can be read by its
// group or by everyone: vigil keeps a file's mode (it never widens one)
// and so would leave the new secret as readable.
func (f *File) Warnings() []string {
	st, err := os.Stat(f.target())
	if err != nil || st.Mode().Perm()&0o044 == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%s can be read by %s (mode %04o), and the new secret will be too; vigil keeps a file's mode\nhint: chmod go-rwx %s",
		f.target(), readers(st.Mode().Perm()), st.Mode().Perm(), f.target())}
}

func readers(m fs.FileMode) string {
	switch {
	case m&0o040 != 0 && m&0o004 != 0:
		return "its group and everyone"
	case m&0o040 != 0:
		return "its group"
	}
	return "everyone"
}
