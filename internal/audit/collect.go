package audit

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/vigilsec/vigil/internal/ctxtime"
	"github.com/vigilsec/vigil/twilio/rest"
)

// maxAttempts bounds how often one request is tried when Twilio answers
// 429 (Too Many Requests).
const maxAttempts = 4

// collector reads evidence from Twilio with bounded concurrency: every
// request of the run, for every account, takes a slot of sem.
type collector struct {
	sem       chan struct{}
	retryWait time.Duration
	now       time.Time
	maxKeyAge time.Duration
	inactive  time.Duration
	logger    *slog.Logger
}

// call runs one request in a slot, retrying on 429 with a growing wait.
func (c *collector) call(ctx context.Context, op string, f func() error) *rest.Error {
	wait := c.retryWait
	for attempt := 1; ; attempt++ {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return rest.Classify(op, ctx.Err())
		}
		err := rest.Classify(op, f())
		<-c.sem
		if err == nil || err.Kind != rest.KindRateLimited || attempt == maxAttempts {
			return err
		}
		c.logger.Debug("twilio rate limit, waiting", "op", op, "wait", wait, "attempt", attempt)
		if err := ctxtime.Sleep(ctx, wait); err != nil {
			return rest.Classify(op, err)
		}
		wait *= 2
	}
}

// gapFor explains a failed request. keyCred says the audit runs with an
// API key: then 401/20003 on Accounts and Keys means the key is Standard or
// Restricted, which is a lack of rights, not an error.
func gapFor(what string, err *rest.Error, keyCred, adminOnly bool) *Gap {
	switch {
	case err.Kind == rest.KindAuth && keyCred && adminOnly:
		return &Gap{What: what, Rights: true, Reason: "Twilio refuses this to Standard and Restricted API keys (401/20003); run the audit with the Auth Token or a Main key"}
	case err.Kind == rest.KindPermission:
		return &Gap{What: what, Rights: true, Reason: "the Restricted key's policy does not allow it (70051)"}
	}
	msg := err.Error()
	if i := strings.Index(msg, ": twilio "); i >= 0 {
		msg = "twilio " + msg[i+len(": twilio "):]
	}
	return &Gap{What: what, Reason: msg}
}

// parallel runs fs concurrently and waits for all (each takes request
// slots as it needs them).
func parallel(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(f)
	}
	wg.Wait()
}

// parseRFC2822 reads v2010 and iam dates; zero when absent or odd.
func parseRFC2822(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC1123Z, *s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }
