package vigil_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/vigilsec/vigil"
)

// wordMatcher finds each occurrence of a word, with the path it is in.
type wordMatcher string

func (w wordMatcher) Match(c vigil.Chunk, emit func(vigil.Finding)) {
	for i := 0; ; {
		j := bytes.Index(c.Data[i:], []byte(w))
		if j < 0 {
			return
		}
		f := vigil.Finding{RuleID: "word", Origin: c.Origin}
		f.Origin.Column = i + j + 1
		emit(f)
		i += j + len(w)
	}
}

// testChunks are the chunks the test sources yield: items of one and two
// chunks, and a skip.
func testChunks() []vigil.Chunk {
	var cs []vigil.Chunk
	for i := range 40 {
		o := vigil.Origin{Source: "test", Path: fmt.Sprintf("f%d", i), Line: 1}
		cs = append(cs, vigil.Chunk{Data: []byte(fmt.Sprintf("a KEY here, %d, and KEY again", i)), Origin: o})
		if i%4 == 0 {
			cs = append(cs, vigil.Chunk{Data: []byte("more KEY"), Origin: o, Continued: true})
		}
	}
	skip := &vigil.Skip{Origin: vigil.Origin{Source: "test", Path: "big"}, Reason: vigil.SkipTooLarge}
	return append(cs, vigil.Chunk{Skip: skip})
}

// concurrentSource yields testChunks from several goroutines, each chunk
// through a buffer it reuses as soon as yield returns.
type concurrentSource struct {
	chunks []vigil.Chunk
	fail   error // returned at once when set
}

func (s concurrentSource) Chunks(ctx context.Context, yield func(vigil.Chunk) error) error {
	return errors.New("Chunks called on a ConcurrentSource")
}

func (s concurrentSource) ChunksConcurrent(ctx context.Context, workers int, yield func(vigil.Chunk) error) error {
	if s.fail != nil {
		return s.fail
	}
	var (
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			for i := w; i < len(s.chunks); i += workers {
				c := s.chunks[i]
				buf = append(buf[:0], c.Data...)
				c.Data = buf
				err := yield(c)
				clear(buf) // the scanner is done with it
				if err != nil {
					errMu.Lock()
					first = errors.Join(first, err)
					errMu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func scanAll(t *testing.T, ctx context.Context, src vigil.Source) (vigil.Stats, []string, error) {
	t.Helper()
	sc := &vigil.Scanner{Matcher: wordMatcher("KEY"), Workers: 3}
	var found []string
	stats, err := sc.Scan(ctx, src, func(f vigil.Finding) {
		found = append(found, fmt.Sprintf("%s:%d", f.Origin.Path, f.Origin.Column))
	})
	slices.Sort(found)
	return stats, found, err
}

// TestScannerConcurrentSource checks that chunks matched on the
// goroutines of a ConcurrentSource give the findings and statistics of
// the same chunks yielded from one goroutine, and that the scanner is
// done with a chunk's data when yield returns.
func TestScannerConcurrentSource(t *testing.T) {
	chunks := testChunks()
	seq := vigil.SourceFunc(func(ctx context.Context, yield func(vigil.Chunk) error) error {
		for _, c := range chunks {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	})
	wantStats, want, err := scanAll(t, context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 40*2+10 {
		t.Fatalf("one goroutine: %d findings, want 90", len(want))
	}
	gotStats, got, err := scanAll(t, context.Background(), concurrentSource{chunks: chunks})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("concurrent findings\n%v\nwant\n%v", got, want)
	}
	if gotStats.Items != wantStats.Items || gotStats.Chunks != wantStats.Chunks || gotStats.Bytes != wantStats.Bytes || len(gotStats.Skipped) != 1 {
		t.Errorf("concurrent stats %+v, want %+v", gotStats, wantStats)
	}
}

func TestScannerConcurrentSourceErrors(t *testing.T) {
	broken := errors.New("source broke")
	if _, _, err := scanAll(t, context.Background(), concurrentSource{fail: broken}); !errors.Is(err, broken) {
		t.Fatalf("failing concurrent source: Scan returned %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := scanAll(t, ctx, concurrentSource{chunks: testChunks()}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled concurrent scan returned %v, want context.Canceled", err)
	}
}
