// Package ctxtime waits with a context: the one sleep that an interrupt
// (Ctrl-C, a deadline) cuts short.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends, when it returns ctx.Err(). A d of
// zero or less returns at once (ctx.Err(), nil when ctx is live).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
