//go:build unix

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/vigilsec/vigil/report"
)

// TestScanNamesWhatItDoesNotRead: a link out of the tree, a dangling link
// and a FIFO are named on stderr and in the JSON report, not only counted;
// a link inside the tree, whose target is scanned, is only counted.
func TestScanNamesWhatItDoesNotRead(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range map[string]string{"tree/a.txt": "hello\n", filepath.Join(outside, "b.txt"): "world\n"} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"tree/out": filepath.Join(outside, "b.txt"), "tree/gone": "nowhere", "tree/in": "a.txt"} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo("tree/pipe", 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	code, stdout, stderr := peopleRun(t, "", nil, "scan", "--no-config", "--format", "json", "tree")
	for _, want := range []string{"tree/out: symlink: link points outside", "tree/gone: symlink: dangling link", "tree/pipe: not-a-file: a FIFO"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "tree/in:") || code != 0 {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	rep, err := report.ReadJSON([]byte(stdout))
	if err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, sk := range rep.Summary.NotRead {
		named = append(named, sk.Path)
	}
	if slices.Sort(named); strings.Join(named, " ") != "tree/gone tree/out tree/pipe" {
		t.Errorf("JSON not_read: %v", named)
	}
}
