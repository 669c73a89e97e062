package git

import (
	"cmp"
	"context"
	"sync"

	"github.com/vigilsec/vigil"
)

// chunkOut carries the chunks a history scan's workers make to the
// scanner's yield: called on the workers themselves when concurrent (the
// scanner then matches each chunk where it was made), else through a
// channel that the caller drains on its own goroutine. The first error
// yield returns cancels the scan.
type chunkOut struct {
	yield  func(vigil.Chunk) error
	cancel context.CancelFunc
	out    chan vigil.Chunk // nil when concurrent
	mu     sync.Mutex
	err    error
}

func newChunkOut(concurrent bool, yield func(vigil.Chunk) error, cancel context.CancelFunc) *chunkOut {
	o := &chunkOut{yield: yield, cancel: cancel}
	if !concurrent {
		o.out = make(chan vigil.Chunk, 64)
	}
	return o
}

// send passes a chunk on; it reports false once the scan stops.
func (o *chunkOut) send(ctx context.Context, c vigil.Chunk) bool {
	if o.out != nil {
		select {
		case o.out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if ctx.Err() != nil {
		return false
	}
	if err := o.yield(c); err != nil {
		o.fail(err)
		return false
	}
	return true
}

func (o *chunkOut) fail(err error) {
	o.mu.Lock()
	o.err = cmp.Or(o.err, err)
	o.mu.Unlock()
	o.cancel()
}

// drain yields the chunks sent through the channel until done closes it;
// with concurrent workers it only waits.
func (o *chunkOut) drain(done func()) {
	if o.out == nil {
		done()
		return
	}
	go func() {
		done()
		close(o.out)
	}()
	for c := range o.out {
		if o.yieldErr() == nil {
			if err := o.yield(c); err != nil {
				o.fail(err)
			}
		}
	}
}

// yieldErr is the first error yield returned.
func (o *chunkOut) yieldErr() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}
