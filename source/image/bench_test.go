package image

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// benchImage makes a docker save tarball of layers layers, each holding
// files text files of about size bytes (gzip-compressed, as images are),
// and returns it with the total bytes of its files.
func benchImage(b *testing.B, layers, files, size int) (string, int64) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("import export const let function return if else await async config value name path token client server request response error")
	var steps []step
	var total int64
	for l := range layers {
		var es []entry
		for f := range files {
			var sb strings.Builder
			for sb.Len() < size {
				for range 8 {
					sb.WriteString(words[rng.IntN(len(words))])
					sb.WriteByte(' ')
				}
				fmt.Fprintf(&sb, "%d;\n", rng.IntN(1e6))
			}
			es = append(es, entry{name: fmt.Sprintf("usr/lib/app%d/file%d.js", l, f), body: sb.String()})
			total += int64(sb.Len())
		}
		steps = append(steps, step{fmt.Sprintf("COPY layer%d /", l), layerOf(b, es...)})
	}
	return saveTarball(b, buildImage(b, []string{"PATH=/usr/bin"}, nil, steps...)), total
}

// BenchmarkImage measures reading a generated image (decompressing and
// cutting its files into chunks) and scanning it with the built-in rules;
// MB/s is of file content.
func BenchmarkImage(b *testing.B) {
	p, total := benchImage(b, 4, 200, 64<<10)
	set, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	m := rules.NewMatcher(set, rules.Options{})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			s, err := Open(b.Context(), p, Options{})
			if err != nil {
				b.Fatal(err)
			}
			s.Chunks(b.Context(), func(vigil.Chunk) error { return nil })
			s.Close()
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			s, err := Open(b.Context(), p, Options{})
			if err != nil {
				b.Fatal(err)
			}
			sc := vigil.Scanner{Matcher: m}
			if _, err := sc.Scan(context.Background(), s, func(vigil.Finding) {}); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}
