package proxy

import (
	"io"
	"sync"
	"time"
)

// LogBuffer batches log lines in memory and writes them out every interval
// or when 64 KiB have gathered, so that a busy proxy does not pay one
// write system call per request. Each Write must be whole lines, as slog
// handlers do. Lines are written out in the order they came, and never
// while holding the lock that Write takes, so a slow sink delays only the
// Write that fills the buffer, not every request that logs meanwhile.
// Close writes what is left.
type LogBuffer struct {
	mu  sync.Mutex // guards buf
	buf []byte
	// out serialises writes to w, so that batches keep their order, and
	// guards spare, the buffer of the batch last written.
	out   sync.Mutex
	w     io.Writer
	spare []byte
	stop  chan struct{}
	done  chan struct{}
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

// Write buffers p, and writes the batch out when it is full.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= logBufferMax
	b.mu.Unlock()
	if full {
		b.Flush()
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (b *LogBuffer) Flush() {
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	batch := b.buf
	b.buf = b.spare[:0]
	b.mu.Unlock()
	if len(batch) > 0 {
		b.w.Write(batch) // a log sink that fails has nowhere to report to
	}
	b.spare = batch[:0]
}

// Close stops the flusher and writes what is left.
func (b *LogBuffer) Close() error {
	close(b.stop)
	<-b.done
	return nil
}
