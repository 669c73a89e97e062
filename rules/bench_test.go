package rules

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// goSourceTree reads the text files of the Go toolchain's source tree into
// memory, skipping the benchmark when it is absent.
func goSourceTree(b *testing.B) (files [][]byte, total int64) {
	b.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skipf("no Go source tree at %s", root)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0 {
			return nil // unreadable or binary: the scanner skips those too
		}
		files = append(files, data)
		total += int64(len(data))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files, total
}

// BenchmarkMatcherGoSource runs the default Matcher over the Go source tree,
// single-threaded, and reports throughput (go test -bench GoSource ./rules/).
// Besides wall-clock MB/s it reports cpu-MB/s, bytes per second of CPU time
// used, which stays meaningful on a loaded machine.
func BenchmarkMatcherGoSource(b *testing.B) {
	files, total := goSourceTree(b)
	m := defaultMatcher(b)
	b.SetBytes(total)
	findings, iters := 0, 0
	cpu0 := cpuTime()
	for b.Loop() {
		findings = 0
		iters++
		for _, data := range files {
			m.Match(vigil.Chunk{Data: data}, func(vigil.Finding) { findings++ })
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(total)*float64(iters)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkAutomatonGoSource runs the keyword prefilter alone over the Go
// source tree (go test -bench AutomatonGoSource ./rules/).
func BenchmarkAutomatonGoSource(b *testing.B) {
	files, total := goSourceTree(b)
	m := defaultMatcher(b)
	b.SetBytes(total)
	var hits []kwHit
	for b.Loop() {
		for _, data := range files {
			hits = m.ac.scan(data, hits[:0])
		}
	}
}
