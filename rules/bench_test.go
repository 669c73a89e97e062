package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vigilsec/vigil"
)

// loadGoSource reads the text files of the Go toolchain's source tree.
func loadGoSource(b *testing.B) [][]byte {
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no GOROOT/src")
	}
	var out [][]byte
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err == nil && len(data) < 8<<20 {
			out = append(out, data)
		}
		return nil
	})
	return out
}

// BenchmarkMatcherGoSource runs the default rules over the Go source tree
// on one goroutine and reports MB/s.
func BenchmarkMatcherGoSource(b *testing.B) {
	data := loadGoSource(b)
	m := defaultMatcher(b)
	var total int64
	for _, d := range data {
		total += int64(len(d))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		for _, d := range data {
			m.Match(vigil.Chunk{Data: d, Origin: vigil.Origin{Path: "x.go", Line: 1}}, func(vigil.Finding) {})
		}
	}
}
