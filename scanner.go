package vigil

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"time"
)

// Scanner runs a Matcher over the chunks of a Source in parallel.
type Scanner struct {
	Matcher Matcher
	// Workers is the number of matching goroutines; 0 means GOMAXPROCS.
	Workers int
	// Logger receives debug diagnostics; nil discards them.
	Logger *slog.Logger
	// Progress, when set, counts what the scan reads as it goes.
	Progress *Progress
}

// Stats describes what a scan read and what it skipped.
type Stats struct {
	Items    int           `json:"items"`
	Chunks   int           `json:"chunks"`
	Bytes    int64         `json:"bytes"`
	Skipped  []Skip        `json:"-"`
	Duration time.Duration `json:"duration_ns"`
}

// Incomplete returns the skips that mean the scan did not look at
// something it was asked to look at.
func (s *Stats) Incomplete() []Skip {
	var out []Skip
	for _, sk := range s.Skipped {
		if sk.Reason.Incomplete() {
			out = append(out, sk)
		}
	}
	return out
}

// SkipCounts counts skipped items by reason.
func (s *Stats) SkipCounts() map[SkipReason]int {
	m := map[SkipReason]int{}
	for _, sk := range s.Skipped {
		m[sk.Reason]++
	}
	return m
}

// Scan reads every chunk of src and calls emit for each finding. emit is
// called from one goroutine at a time. Scan returns when src is exhausted
// or fails, or ctx is done; every goroutine it started has ended by then.
func (s *Scanner) Scan(ctx context.Context, src Source, emit func(Finding)) (Stats, error) {
	if s.Matcher == nil {
		return Stats{}, errors.New("scanner has no matcher")
	}
	start := time.Now()
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cs, ok := src.(ConcurrentSource); ok {
		return s.scanConcurrent(ctx, cs, workers, start, emit)
	}

	var (
		stats Stats
		wg    sync.WaitGroup
	)
	locked := lockedEmit(emit)
	chunks := make(chan Chunk, workers*2)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				s.Matcher.Match(c, locked)
			}
		}()
	}
	err := src.Chunks(ctx, func(c Chunk) error {
		if !stats.count(c) {
			return nil
		}
		s.Progress.add(&c)
		select {
		case chunks <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(chunks)
	wg.Wait()
	stats.Duration = time.Since(start)
	if err == nil {
		err = ctx.Err()
	}
	return stats, err
}

// lockedEmit returns emit made safe to call from several goroutines: one
// at a time.
func lockedEmit(emit func(Finding)) func(Finding) {
	var mu sync.Mutex
	return func(f Finding) {
		mu.Lock()
		defer mu.Unlock()
		emit(f)
	}
}

// count adds a chunk to the statistics and reports whether it has data to
// match (a skip has none).
func (st *Stats) count(c Chunk) bool {
	if c.Skip != nil {
		st.Skipped = append(st.Skipped, *c.Skip)
		return false
	}
	st.Chunks++
	if !c.Continued {
		st.Items++
	}
	st.Bytes += int64(len(c.Data) - c.Overlap)
	return true
}

// scanConcurrent matches each chunk of src on the goroutine that yields
// it.
func (s *Scanner) scanConcurrent(ctx context.Context, src ConcurrentSource, workers int, start time.Time, emit func(Finding)) (Stats, error) {
	var (
		stats   Stats
		statsMu sync.Mutex // guards stats
	)
	locked := lockedEmit(emit)
	err := src.ChunksConcurrent(ctx, workers, func(c Chunk) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		statsMu.Lock()
		match := stats.count(c)
		statsMu.Unlock()
		if match {
			s.Progress.add(&c)
			s.Matcher.Match(c, locked)
		}
		return nil
	})
	stats.Duration = time.Since(start)
	if err == nil {
		err = ctx.Err()
	}
	return stats, err
}
