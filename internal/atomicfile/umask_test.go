//go:build unix

package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteUmask checks that a new file gets the mode asked for less the
// umask, as os.Create gives, and that a replaced file keeps its own mode
// whatever the umask.
func TestWriteUmask(t *testing.T) {
	old := syscall.Umask(0)
	syscall.Umask(old)
	t.Cleanup(func() { syscall.Umask(old) })
	write := func(p string, perm fs.FileMode) {
		t.Helper()
		if err := Write(p, perm, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		umask    int
		perm     fs.FileMode
		want     fs.FileMode
		existing fs.FileMode // 0: a new file
	}{
		{umask: 0o077, perm: 0o644, want: 0o600},
		{umask: 0o022, perm: 0o644, want: 0o644},
		{umask: 0o027, perm: 0o644, want: 0o640},
		{umask: 0o000, perm: 0o640, want: 0o640},
		{umask: 0o077, perm: 0o644, existing: 0o664, want: 0o664},
		{umask: 0o022, perm: 0o600, existing: 0o606, want: 0o606},
	} {
		p := filepath.Join(t.TempDir(), "report.json")
		if tc.existing != 0 {
			if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tc.existing); err != nil {
				t.Fatal(err)
			}
		}
		syscall.Umask(tc.umask)
		write(p, tc.perm)
		syscall.Umask(old)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tc.want {
			t.Errorf("umask %03o, perm %v, existing %v: mode %v, want %v", tc.umask, tc.perm, tc.existing, fi.Mode().Perm(), tc.want)
		}
	}
}
