package passphrase

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing"
)

// BenchmarkIndexLookup measures one offline lookup (page cache warm). It
// uses the index at $VIGIL_BENCH_INDEX when set (bench/passphrase/run.sh
// passes a 10 M one), else builds one from 1 M generated hashes.
func BenchmarkIndexLookup(b *testing.B) {
	path := os.Getenv("VIGIL_BENCH_INDEX")
	var entries []hashEntry
	if path == "" {
		entries = genEntries(1_000_000, 9)
		path = buildTestIndex(b, entries)
	}
	ix := openTestIndex(b, path)
	ctx := context.Background()
	probes := make([]Digest, 4096)
	for i := range probes {
		probes[i] = Sum(fmt.Sprint("probe ", i))
	}
	b.Run("miss", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := ix.Count(ctx, probes[i%len(probes)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	if entries == nil {
		return
	}
	b.Run("hit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			e := entries[(i*7919)%len(entries)]
			if n, err := ix.Count(ctx, e.d); err != nil || n != e.count {
				b.Fatal(n, err)
			}
			i++
		}
	})
}

// discardSeeker is an io.WriteSeeker that keeps nothing.
type discardSeeker struct{}

func (discardSeeker) Write(p []byte) (int, error)         { return len(p), nil }
func (discardSeeker) Seek(int64, int) (int64, error)      { return 0, nil }
func (discardSeeker) ReadFrom(r io.Reader) (int64, error) { return io.Copy(io.Discard, r) }

// BenchmarkBuildIndex measures parsing and encoding alone (input in memory,
// output discarded); SetBytes makes it report input MB/s.
func BenchmarkBuildIndex(b *testing.B) {
	input := hashFile(genEntries(200_000, 10), "\r\n")
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		if _, err := BuildIndex(context.Background(), discardSeeker{}, bytes.NewReader(input), BuildOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
