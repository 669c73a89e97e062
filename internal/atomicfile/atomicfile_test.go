package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := Write(p, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	// A failed write leaves the old content and no temporary file.
	err := Write(p, 0o600, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") })
	if err == nil {
		t.Fatal("error lost")
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("content %q after a failed write", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d files left behind", len(ents))
	}
	// An existing file keeps its mode.
	os.Chmod(p, 0o604)
	Write(p, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "two"); return err })
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o604 {
		t.Fatalf("mode %v after rewrite", fi.Mode())
	}
}

// TestWriteDevice writes to /dev/null and checks it is still a device.
func TestWriteDevice(t *testing.T) {
	fi, err := os.Stat(os.DevNull)
	if err != nil || fi.Mode().IsRegular() {
		t.Skip("no character-device null")
	}
	if err := Write(os.DevNull, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Fatalf("%s was replaced by a regular file", os.DevNull)
	}
}
