package git

import (
	"hash/maphash"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goSource is about a megabyte of real Go source.
func goSource(b *testing.B) []byte {
	b.Helper()
	var data []byte
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(root)), "src", "net", "http", "*.go"))
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d...)
		if len(data) > 1<<20 {
			break
		}
	}
	if len(data) == 0 {
		b.Skip("no Go source tree")
	}
	return data
}

func BenchmarkSplitLines(b *testing.B) {
	data := goSource(b)
	seed := maphash.MakeSeed()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		splitLines(seed, data, nil)
	}
}

func BenchmarkChangedBytes(b *testing.B) {
	data := goSource(b)
	edited := append([]byte(nil), data[:len(data)/3]...)
	edited = append(edited, "// a new line\nconst x = 1\n"...)
	edited = append(edited, data[len(data)/3:2*len(data)/3]...)
	edited = append(edited, data[2*len(data)/3+200:]...)
	seed := maphash.MakeSeed()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		changedBytes(seed, data, edited, DefaultContext)
	}
}
