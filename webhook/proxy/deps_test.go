package proxy

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/testenv"
)

// TestPrometheusStaysHere: only this package and the command import the
// Prometheus client, so that a program embedding the scanner or the
// webhook package does not link it.
func TestPrometheusStaysHere(t *testing.T) {
	goBin := testenv.NeedProgram(t, "go")
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "github.com/vigilsec/vigil/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{"github.com/vigilsec/vigil/webhook/proxy": true, "github.com/vigilsec/vigil/cmd/vigil": true}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		if !allowed[pkg] && strings.Contains(" "+deps, " github.com/prometheus/") {
			t.Errorf("%s links the Prometheus client", pkg)
		}
	}
}
