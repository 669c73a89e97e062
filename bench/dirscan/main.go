// Command dirscan benchmarks `vigil scan DIR` against gitleaks on the same
// trees in one run: the Go toolchain's source tree and a generated tree of
// mixed source with planted secrets and look-alikes. It prints wall time,
// MB/s, peak memory, the ratio to gitleaks, and how many planted secrets
// each tool found (and how many look-alikes it wrongly reported).
//
//	go run ./bench/dirscan [-size 1GB] [-work /tmp/vigil-bench] [-gitleaks PATH]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/internal/peers"
)

func main() {
	sizeFlag := flag.String("size", "1GB", "size of the generated tree")
	work := flag.String("work", filepath.Join(os.TempDir(), "vigil-bench"), "directory for the generated tree and reports")
	gitleaks := flag.String("gitleaks", "", "gitleaks binary (default: PATH, then ~/.cache/vigil-peers/bin; ../shared/tools/peers.sh installs it)")
	skipGo := flag.Bool("skip-gosrc", false, "skip the Go source tree")
	flag.Parse()
	size, err := config.ParseSize(*sizeFlag)
	if err != nil {
		fail(err)
	}
	if err := run(*work, size, peers.Gitleaks(*gitleaks), *skipGo); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "dirscan:", err)
	os.Exit(1)
}

func run(work string, size int64, gitleaks string, skipGo bool) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	vigilBin, err := buildVigil(work)
	if err != nil {
		return err
	}
	goRoot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	goSrc := filepath.Join(strings.TrimSpace(string(goRoot)), "src")
	fmt.Printf("machine: %d CPUs, %s/%s; gitleaks: %s\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, orNone(gitleaks))
	if !skipGo {
		if err := benchTree("Go source tree ("+goSrc+")", goSrc, nil, vigilBin, gitleaks, work); err != nil {
			return err
		}
	}
	tree := filepath.Join(work, fmt.Sprintf("tree-%d", size))
	fmt.Printf("generating %s of mixed source with planted secrets in %s …\n", humanSize(size), tree)
	m, err := generate(tree, goSrc, size, 42)
	if err != nil {
		return err
	}
	return benchTree(fmt.Sprintf("generated tree (%s, %d files, %d planted)", humanSize(m.Bytes), m.Files, len(m.Plants)), tree, m, vigilBin, gitleaks, work)
}

func orNone(s string) string {
	if s == "" {
		return "not found (only vigil is measured)"
	}
	return s
}

func humanSize(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
