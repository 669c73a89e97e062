package guess

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeavyPackagesStayOut checks that the vigil binary does not link the
// parts of trustelem's zxcvbn that build dictionaries at program start;
// only this package's tests may import them.
func TestHeavyPackagesStayOut(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool in PATH: cannot list the binary's dependencies")
	}
	root := moduleRoot(t)
	heavy := map[string]bool{
		"github.com/trustelem/zxcvbn":           true,
		"github.com/trustelem/zxcvbn/matching":  true,
		"github.com/trustelem/zxcvbn/frequency": true,
	}
	for _, pkg := range []string{"./cmd/vigil", "./passphrase/guess"} {
		cmd := exec.Command("go", "list", "-deps", pkg)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if heavy[dep] {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// moduleRoot is the nearest directory above the test's that has a go.mod.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
