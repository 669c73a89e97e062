package archive

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// benchFiles makes n text files of about size bytes each, like source
// code: varied words on short lines.
func benchFiles(n, size int) []file {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("func return if else for range err nil ctx string int byte config value name path token client server request response")
	out := make([]file, n)
	for i := range out {
		var b strings.Builder
		for b.Len() < size {
			for range 8 {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%d\n", rng.IntN(1e6))
		}
		out[i] = file{name: fmt.Sprintf("src/pkg%d/file%d.go", i%20, i), body: b.String()}
	}
	return out
}

// BenchmarkRead measures reading archives into chunks (no matching);
// MB/s is of expanded content.
func BenchmarkRead(b *testing.B) {
	fs := benchFiles(400, 64<<10)
	var total int64
	for _, f := range fs {
		total += int64(len(f.body))
	}
	tr := makeTar(b, fs...)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"a.tar", tr},
		{"a.tar.gz", gz(b, "", tr)},
		{"a.zip", makeZip(b, fs...)},
		{"a.tar.zst", zst(b, tr)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := New(Options{})
			b.SetBytes(total)
			for b.Loop() {
				r.Read(b.Context(), bytes.NewReader(tc.data), int64(len(tc.data)), vigil.Origin{Path: tc.name}, func(vigil.Chunk) bool { return true })
			}
		})
	}
}
