package proxy

import (
	"crypto/sha256"
	"sync"
	"time"
)

// IdempotencyHeader is the header Twilio sets to the same value on every
// attempt to deliver one webhook.
const IdempotencyHeader = "I-Twilio-Idempotency-Token"

// replayKey identifies a delivery without holding the header value itself.
type replayKey [16]byte

func newReplayKey(kind, value string) replayKey {
	var buf [128]byte // on the stack for the usual signature or token
	sum := sha256.Sum256(append(append(append(buf[:0], kind...), 0), value...))
	return replayKey(sum[:16])
}

// replayCache remembers the deliveries seen within a window. It keeps two
// generations of entries and drops the older one when the newer one is a
// window old, so an entry lives between one and two windows and memory
// stays bounded by max entries per generation.
type replayCache struct {
	mu       sync.Mutex
	window   time.Duration
	max      int
	cur      map[replayKey]struct{}
	prev     map[replayKey]struct{}
	curStart time.Time
	now      func() time.Time
	// shortened counts early rotations forced by a full generation.
	shortened int
}

func newReplayCache(window time.Duration, max int, now func() time.Time) *replayCache {
	if now == nil {
		now = time.Now
	}
	return &replayCache{window: window, max: max, cur: map[replayKey]struct{}{}, curStart: now(), now: now}
}

// reserve records keys and reports true, or reports false and records
// nothing when any of them was seen within the window.
func (c *replayCache) reserve(keys []replayKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rotate()
	for _, k := range keys {
		if _, ok := c.cur[k]; ok {
			return false
		}
		if _, ok := c.prev[k]; ok {
			return false
		}
	}
	if len(c.cur)+len(keys) > c.max {
		c.prev, c.cur, c.curStart = c.cur, make(map[replayKey]struct{}, len(c.cur)), c.now()
		c.shortened++
	}
	for _, k := range keys {
		c.cur[k] = struct{}{}
	}
	return true
}

// release forgets keys, so that Twilio's retry of a delivery the upstream
// failed to handle is let through.
func (c *replayCache) release(keys []replayKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		delete(c.cur, k)
		delete(c.prev, k)
	}
}

func (c *replayCache) rotate() {
	age := c.now().Sub(c.curStart)
	switch {
	case age >= 2*c.window:
		c.prev, c.cur, c.curStart = nil, map[replayKey]struct{}{}, c.now()
	case age >= c.window:
		c.prev, c.cur, c.curStart = c.cur, make(map[replayKey]struct{}, len(c.cur)), c.now()
	}
}
