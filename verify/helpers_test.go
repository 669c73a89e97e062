package verify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
)

// fakeClock moves only when a verifier sleeps, so pacing is measured
// without waiting and without timing assertions.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
		c.slept += d
	}
	return nil
}

// logBuffer collects debug logs so tests can check no secret is in them.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newTestVerifier makes a verifier with a fake clock, no rate limit
// unless asked, a short timeout and a debug logger.
func newTestVerifier(t *testing.T, opts Options) (*Verifier, *fakeClock, *logBuffer) {
	t.Helper()
	clk := newFakeClock()
	logs := &logBuffer{}
	opts.clock = clk
	if opts.Rate == 0 {
		opts.Rate = -1
	}
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	v, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v, clk, logs
}

// finding builds a finding for a verifier with parts given as name, value
// pairs.
func finding(verifier, rule, secret string, parts ...string) vigil.Finding {
	f := vigil.Finding{RuleID: rule, Verifier: verifier, Secret: vigil.NewSecret(secret), Confidence: vigil.High,
		Origin: vigil.Origin{Path: "config.env", Line: 1}}
	for i := 0; i+1 < len(parts); i += 2 {
		f.Parts = append(f.Parts, vigil.Part{Name: parts[i], Value: vigil.NewSecret(parts[i+1])})
	}
	return f
}

// randHex is n random hex digits, randAlnum n random alphanumerics: test
// credentials are made at run time, never stored.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func randAlnum(n int) string {
	const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, n)
	for i := range out {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(abc))))
		out[i] = abc[k.Int64()]
	}
	return string(out)
}
