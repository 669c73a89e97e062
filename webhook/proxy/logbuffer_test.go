package proxy

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLogBufferKeepsEveryLineWhole has many writers log at once, past the
// size that flushes on Write, and checks that every line comes out once,
// whole, and in each writer's order.
func TestLogBufferKeepsEveryLineWhole(t *testing.T) {
	sink := &syncBuffer{}
	b := NewLogBuffer(sink, time.Hour) // only Write and Close flush
	const writers, lines = 8, 2000     // about 300 KiB: several full batches
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(b, "writer %d line %05d %s\n", w, i, strings.Repeat("x", 10))
			}
		})
	}
	wg.Wait()
	b.Close()
	next := make([]int, writers)
	for _, line := range strings.Split(strings.TrimSuffix(sink.String(), "\n"), "\n") {
		var w, i int
		var pad string
		if _, err := fmt.Sscanf(line, "writer %d line %d %s", &w, &i, &pad); err != nil || pad != strings.Repeat("x", 10) {
			t.Fatalf("torn line %q (%v)", line, err)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d after line %d", w, i, next[w]-1)
		}
		next[w]++
	}
	for w, n := range next {
		if n != lines {
			t.Errorf("writer %d: %d lines out, want %d", w, n, lines)
		}
	}
}

// blockingSink holds every Write until released.
type blockingSink struct {
	entered chan struct{}
	release chan struct{}
	syncBuffer
}

func (s *blockingSink) Write(p []byte) (int, error) {
	s.entered <- struct{}{}
	<-s.release
	return s.syncBuffer.Write(p)
}

// TestLogBufferWriteNotHeldBySlowSink: while a batch is being written to
// a sink that does not return, lines logged meanwhile are buffered, not
// held behind it.
func TestLogBufferWriteNotHeldBySlowSink(t *testing.T) {
	sink := &blockingSink{entered: make(chan struct{}), release: make(chan struct{})}
	b := NewLogBuffer(sink, time.Hour)
	logLine := func(s string) { b.Write([]byte(s)) }
	logLine("first\n")
	flushed := make(chan struct{})
	go func() { b.Flush(); close(flushed) }()
	<-sink.entered      // the sink holds the first batch
	logLine("second\n") // would never return if Write waited for the sink
	close(sink.release)
	<-flushed
	go func() {
		for range sink.entered {
		}
	}()
	b.Close()
	if got := sink.String(); got != "first\nsecond\n" {
		t.Fatalf("sink got %q", got)
	}
}
