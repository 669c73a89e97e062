package proxy

import (
	"io"
	"sync"
	"time"
)

// LogBuffer batches log lines in memory and writes them out every interval
// or when 64 KiB have gathered, so that a busy proxy does not pay one
// write system call per request. Each Write must be whole lines, as slog
// handlers do. Close writes what is left.
type LogBuffer struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	stop chan struct{}
	done chan struct{}
}

// logBufferMax is the size at which a Write flushes at once.
const logBufferMax = 64 << 10

// NewLogBuffer starts a LogBuffer over w, flushed every interval.
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	b := &LogBuffer{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.stop:
				b.Flush()
				return
			}
		}
	}()
	return b
}

// Write buffers p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferMax {
		b.flushLocked()
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (b *LogBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *LogBuffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	b.w.Write(b.buf) // a log sink that fails has nowhere to report to
	b.buf = b.buf[:0]
}

// Close stops the flusher and writes what is left.
func (b *LogBuffer) Close() error {
	close(b.stop)
	<-b.done
	return nil
}
