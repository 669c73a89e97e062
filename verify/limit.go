package verify

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/vigilsec/vigil/internal/ctxtime"
)

// clock is the time a Verifier paces itself by; tests use a fake one.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error { return ctxtime.Sleep(ctx, d) }

// limiter paces requests to each host with the generic cell rate
// algorithm (a token bucket of Burst tokens refilled at Rate): a request
// may start at t when t ≥ TAT − (Burst−1)/Rate, and each start moves the
// host's theoretical arrival time TAT on by 1/Rate. The check is made
// when a request is about to start, not when it is queued, so a waiter
// that wakes late does not let the next ones bunch up: over any interval
// T, at most Burst + Rate·T requests start for one host.
type limiter struct {
	interval time.Duration // 1/rate; 0: no limit
	tau      time.Duration // (burst−1)·interval
	clock    clock

	mu  sync.Mutex
	tat map[string]time.Time
}

func newLimiter(rate float64, burst int, c clock) *limiter {
	l := &limiter{clock: c, tat: map[string]time.Time{}}
	if rate > 0 {
		l.interval = time.Duration(math.Ceil(float64(time.Second) / rate))
		l.tau = time.Duration(max(burst, 1)-1) * l.interval
	}
	return l
}

// take starts a request to host now if the pace allows, returning 0, or
// says how long to wait before asking again.
func (l *limiter) take(host string) time.Duration {
	if l.interval == 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	tat := l.tat[host]
	if tat.Before(now) {
		tat = now
	}
	if allow := tat.Add(-l.tau); now.Before(allow) {
		return allow.Sub(now)
	}
	l.tat[host] = tat.Add(l.interval)
	return 0
}

// wait blocks until a request to host may start.
func (l *limiter) wait(ctx context.Context, host string) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := l.take(host)
		if d == 0 {
			return nil
		}
		if err := l.clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
}
