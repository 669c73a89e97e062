package rotate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/ctxtime"
	"github.com/vigilsec/vigil/twilio/rest"
)

// Runner carries out rotations. Acting, Client, Store and JournalPath
// are required.
type Runner struct {
	// Acting is the client of the credential the rotation acts with (the
	// Auth Token or a Main key).
	Acting *rest.Client
	// Client builds a client for another credential of the same account:
	// the new key, the secondary token.
	Client func(username string, secret vigil.Secret) (*rest.Client, error)
	// Store is where the credential lives; StoreURI is how the journal
	// names it for a later --resume (default: Store.String()).
	Store    Store
	StoreURI string
	// JournalPath is the journal file.
	JournalPath string
	// Confirm asks before the old credential is revoked; nil means yes.
	Confirm func(ctx context.Context, question string) (bool, error)
	// Progress receives one line per step for the user; nil discards.
	Progress func(msg string)
	// HTTP polls the health URL; nil means a client with a 10s timeout.
	HTTP *http.Client
	// HealthInterval is the pause between health polls (default 5s).
	HealthInterval time.Duration
	// Now is the clock (nil: time.Now); Rand makes rotation IDs (nil:
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// Logger receives debug lines; never a secret.
	Logger *slog.Logger
}

// Store is where the credential lives: the method set of
// secretstore.Store, declared here so that this package does not pull in
// every store backend (Vault's and AWS's clients).
type Store interface {
	Get(ctx context.Context, field string) (vigil.Secret, error)
	Put(ctx context.Context, values map[string]vigil.Secret) error
	String() string
}

// rot is one rotation in progress.
type rot struct {
	*Runner
	j    *Journal
	plan Plan
	// secret is the new credential, known only to the process that
	// created it.
	secret vigil.Secret
	// old holds the store's previous values when they could be read, to
	// put them back if the new credential fails.
	old map[string]vigil.Secret
	// verified is the new key this process wrote and proved to be in the
	// store.
	verified string
}

func (r *Runner) progress(format string, args ...any) {
	if r.Progress != nil {
		r.Progress(fmt.Sprintf(format, args...))
	}
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Runner) newRotationID() (string, error) {
	src := r.Rand
	if src == nil {
		src = rand.Reader
	}
	b := make([]byte, 8)
	if _, err := io.ReadFull(src, b); err != nil {
		return "", fmt.Errorf("rotation id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// record appends a record stamped with the clock.
func (x *rot) record(r Record) (Record, error) {
	r.Time = x.now()
	r, err := x.j.Append(r)
	if x.Logger != nil {
		x.Logger.Debug("rotation journal", "step", r.Step, "phase", r.Phase, "attempt", r.Attempt, "new", r.New, "working", r.Working, "stored", r.Stored)
	}
	return r, err
}

// step runs f between a begin and a done (or failed) record. after, when
// set, fills the done record (what works now, what the store holds).
func (x *rot) step(s Step, begin Record, f func() error, after func(*Record)) error {
	begin.Step, begin.Phase = s, Begin
	if _, err := x.record(begin); err != nil {
		return err
	}
	if err := f(); err != nil {
		if _, jerr := x.record(Record{Step: s, Phase: Failed, Error: err.Error()}); jerr != nil {
			return fmt.Errorf("%w (and the journal: %v)", err, jerr)
		}
		return err
	}
	done := Record{Step: s, Phase: Done}
	if after != nil {
		after(&done)
	}
	_, err := x.record(done)
	return err
}

// next is the command that resumes or rolls back this rotation.
func (x *rot) next(flag string) string {
	return fmt.Sprintf("vigil twilio rotate %s --journal %s", flag, x.j.Path())
}

// stopped builds the error for a rotation that stopped part way.
func (x *rot) stopped(err error, next string) error {
	return &Error{Err: err, State: x.j.State().Summary(), Next: next}
}

// confirm asks the user, unless no one is asked.
func (x *rot) confirm(ctx context.Context, question string) error {
	if x.Confirm == nil {
		return x.step(StepConfirm, Record{Note: "confirmation not asked (--yes)"}, func() error { return nil }, nil)
	}
	return x.step(StepConfirm, Record{Note: question}, func() error {
		ok, err := x.Confirm(ctx, question)
		if err != nil {
			return fmt.Errorf("confirmation: %w", err)
		}
		if !ok {
			return errDeclined
		}
		return nil
	}, nil)
}

var errDeclined = fmt.Errorf("not confirmed: the old credential was not revoked")

// wait gives services time to pick up the new credential: a fixed wait,
// or polling the health URL until it answers 2xx.
func (x *rot) wait(ctx context.Context) error {
	p := x.plan
	if p.HealthURL == "" && p.Wait <= 0 {
		return nil
	}
	return x.step(StepWait, Record{}, func() error {
		if p.HealthURL == "" {
			x.progress("waiting %v for services to pick up the new credential", time.Duration(p.Wait))
			return ctxtime.Sleep(ctx, time.Duration(p.Wait))
		}
		return x.health(ctx)
	}, nil)
}

func (x *rot) health(ctx context.Context) error {
	p := x.plan
	timeout := time.Duration(p.HealthTimeout)
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	interval := x.HealthInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	hc := x.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	x.progress("polling %s until it answers 2xx (at most %v)", p.HealthURL, timeout)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "no answer yet"
	for {
		req, err := http.NewRequestWithContext(hctx, http.MethodGet, p.HealthURL, nil)
		if err != nil {
			return fmt.Errorf("health URL: %w", err)
		}
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				x.progress("health check passed: %s answered %d", p.HealthURL, resp.StatusCode)
				return nil
			}
			last = resp.Status
		} else if hctx.Err() == nil {
			last = err.Error()
		}
		if err := ctxtime.Sleep(hctx, interval); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("health check: %s did not answer 2xx within %v (last: %s)", p.HealthURL, timeout, last)
		}
	}
}

// detach keeps undo work going after the caller's context ends (Ctrl-C
// during a step): leaving a half-done step would be worse. It is bounded.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}
