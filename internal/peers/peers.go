// Package peers finds the peer scanners that benchmarks compare vigil
// with. ../shared/tools/peers.sh installs them.
package peers

import (
	"os"
	"os/exec"
	"path/filepath"
)

// Gitleaks returns the gitleaks binary to use: explicit if set, else the
// one on PATH, else the one peers.sh installs under
// ~/.cache/vigil-peers/bin; "" when there is none.
func Gitleaks(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if p, err := exec.LookPath("gitleaks"); err == nil {
		return p
	}
	home, _ := os.UserHomeDir()
	p := filepath.Join(home, ".cache", "vigil-peers", "bin", "gitleaks")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}
