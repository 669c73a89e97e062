// Package atomicfile writes files so that a failed write never leaves half
// a file behind.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes path through write. A regular file (or a new one) is written
// to a temporary file in the same directory, synced, and renamed over path
// (then the directory is synced, so the rename survives a crash).
// An existing file keeps its mode; a new one gets perm less the process's
// umask, as os.Create would give it (a report written with umask 077 is
// 0600, not 0644). A path that exists and is not a regular file —
// /dev/null, /dev/stdout, a FIFO — is written in place: renaming over it
// would replace the device with a file.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) error {
	keep := false
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return writeInPlace(path, write)
		}
		perm, keep = fi.Mode().Perm(), true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// The kernel applies the umask to the mode a file is created with:
	// create the temporary file with perm itself, not 0600 and a chmod.
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp", perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if keep {
		// The umask does not apply to a mode being kept.
		if err := os.Chmod(tmp.Name(), perm); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Sync the directory, so that the rename survives a crash.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// createTemp creates a new file named prefix and a random suffix in dir,
// with mode perm (less the umask).
func createTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	var suffix [8]byte
	for range 100 {
		rand.Read(suffix[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(suffix[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

func writeInPlace(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
