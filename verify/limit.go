package verify

import (
	"context"
	"math"
	"sync"
	"time"
)

// clock is the time a Verifier paces itself by; tests use a fake one.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
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

// limiter is a token bucket per host. Reservations may drive a bucket
// below zero, so waiters queue in arrival order and, over any interval of
// length T, at most burst + rate·T requests start for one host.
type limiter struct {
	rate  float64 // tokens per second; 0 or less: no limit
	burst float64
	clock clock

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int, c clock) *limiter {
	return &limiter{rate: rate, burst: float64(max(burst, 1)), clock: c, buckets: map[string]*bucket{}}
}

// reserve takes a token for host and says how long to wait before using it.
func (l *limiter) reserve(host string) time.Duration {
	if l.rate <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	b := l.buckets[host]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[host] = b
	}
	if now.After(b.last) {
		b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(math.Ceil(-b.tokens / l.rate * float64(time.Second)))
}

// wait blocks until host may receive one more request.
func (l *limiter) wait(ctx context.Context, host string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.clock.Sleep(ctx, l.reserve(host))
}
