// Package fleet watches many repositories and images at once: it keeps a
// mirror of each, scans only what it has not scanned before, turns
// findings into incidents (one per distinct secret across the fleet),
// verifies them on a schedule and notifies when one is live.
//
// The work runs as jobs on River (riverqueue.com/river), on the same
// database as the store: SQLite in one process, or Postgres shared by any
// number of workers. Jobs: poll (enqueue a sync of every source), sync a
// source (list a GitHub organisation or GitLab group), scan a repository
// or image, verify an incident, re-verify those due, notify, and for each
// Twilio account of the fleet file its hardening audit and exposure check.
package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/rules"
)

// Options configure a Fleet.
type Options struct {
	// Conn is the open database.
	Conn *store.Conn
	// Mirrors is the directory of the git mirrors.
	Mirrors string
	// Logger receives progress and per-source errors; nil discards.
	Logger *slog.Logger
	// Getenv reads tokens and keys named in the fleet file (default
	// os.Getenv).
	Getenv func(string) string
	// Environ is the environment of the commands secret stores run (pass,
	// gopass, exec); nil means this process's own.
	Environ func() []string
	// ID names this worker (default host-pid).
	ID string
	// Scans is how many repositories this process scans at once
	// (default 1 per 2 cores, at least 1).
	Scans int
	// Interval polls every source this often (0: no polling, as for
	// scan-once). Reverify enqueues due verifications this often.
	Interval, Reverify time.Duration
	// Once makes every job a single attempt (scan-once reports failures
	// instead of retrying them for hours).
	Once bool
	// InsertOnly builds a client that only enqueues (status, console).
	InsertOnly bool
	// JobTimeout bounds a job (default 30 minutes); a job whose worker
	// died is retried by another after RescueAfter (default JobTimeout
	// plus 5 minutes).
	JobTimeout, RescueAfter time.Duration
	// VerifyBaseURLs sends verifiers to local fakes (tests), as
	// verify.Options.BaseURLs.
	VerifyBaseURLs map[string]string
	// ScanPause waits this long after scanning and before storing the
	// results (failure tests kill a worker in this window).
	ScanPause time.Duration
}

// jobClient is what the fleet uses of a River client, whatever its
// driver's transaction type.
type jobClient interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Fleet runs the fleet's jobs.
type Fleet struct {
	opts    Options
	store   *store.Store
	jobs    jobClient
	matcher *rules.Matcher
	log     *slog.Logger
	getenv  func(string) string
	threads int
}

// New migrates the database (River's tables and the store's) and builds
// the job client. Nothing runs until Start.
func New(ctx context.Context, opts Options) (*Fleet, error) {
	f := &Fleet{opts: opts, store: opts.Conn.Store, log: opts.Logger, getenv: opts.Getenv}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.getenv == nil {
		f.getenv = os.Getenv
	}
	if f.opts.ID == "" {
		host, _ := os.Hostname()
		f.opts.ID = fmt.Sprintf("%s-%d", cmp.Or(host, "vigil"), os.Getpid())
	}
	if f.opts.Scans <= 0 {
		f.opts.Scans = max(runtime.GOMAXPROCS(0)/2, 1)
	}
	f.threads = max(runtime.GOMAXPROCS(0)/f.opts.Scans, 1)
	if f.opts.JobTimeout <= 0 {
		f.opts.JobTimeout = 30 * time.Minute
	}
	if f.opts.RescueAfter <= f.opts.JobTimeout {
		f.opts.RescueAfter = f.opts.JobTimeout + 5*time.Minute
	}
	if _, err := f.store.Migrate(ctx); err != nil {
		return nil, err
	}
	if !opts.InsertOnly {
		set, err := rules.Default()
		if err != nil {
			return nil, fmt.Errorf("built-in rules: %w", err)
		}
		f.matcher = rules.NewMatcher(set, rules.Options{Logger: f.log})
	}
	cfg := f.riverConfig()
	var err error
	if c := opts.Conn; c.Pool != nil {
		f.jobs, err = newClient(ctx, riverpgxv5.New(c.Pool), cfg, c)
	} else {
		f.jobs, err = newClient(ctx, riversqlite.New(c.DB()), cfg, c)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Store is the fleet's store.
func (f *Fleet) Store() *store.Store { return f.store }

// riverConfig lays out the queues: one for scans (Options.Scans at once),
// one each for verifications and notifications, and the default one for
// polls and source listings.
func (f *Fleet) riverConfig() *river.Config {
	cfg := &river.Config{
		ID:                   f.opts.ID,
		Logger:               riverLogger(f.log),
		JobTimeout:           f.opts.JobTimeout,
		RescueStuckJobsAfter: f.opts.RescueAfter,
		// A worker that finishes a job takes the next at the next fetch:
		// poll often enough that a pass over many small repositories is
		// not paced by it (River's default, 1s, would be).
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     10 * time.Millisecond,
		MaxAttempts:       6,
	}
	if f.opts.Once {
		cfg.MaxAttempts = 1
	}
	if f.opts.InsertOnly {
		return cfg
	}
	cfg.Queues = map[string]river.QueueConfig{
		river.QueueDefault: {MaxWorkers: 2},
		queueScan:          {MaxWorkers: f.opts.Scans},
		queueVerify:        {MaxWorkers: 2},
		queueNotify:        {MaxWorkers: 1},
	}
	cfg.Workers = f.workers()
	if f.opts.Interval > 0 {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(f.opts.Interval),
			func() (river.JobArgs, *river.InsertOpts) { return PollArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true, ID: "poll"}))
	}
	if f.opts.Reverify > 0 {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(min(f.opts.Reverify, f.opts.Interval+time.Minute)),
			func() (river.JobArgs, *river.InsertOpts) { return ReverifyArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true, ID: "reverify"}))
	}
	return cfg
}

// riverLogger keeps River's own messages at warnings and above unless
// debugging.
func riverLogger(l *slog.Logger) *slog.Logger {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return slog.New(levelHandler{l.Handler(), slog.LevelWarn})
}

type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// newClient migrates River's tables (one migrator at a time on Postgres)
// and returns a client.
func newClient[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg *river.Config, c *store.Conn) (jobClient, error) {
	mig, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	if c.Pool != nil {
		conn, err := c.Pool.Acquire(ctx)
		if err != nil {
			return nil, fmt.Errorf("river migrations: %w", err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7669676901)"); err != nil {
			return nil, fmt.Errorf("river migrations: %w", err)
		}
		defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7669676901)") //nolint:errcheck
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("job client: %w", err)
	}
	return client, nil
}

// Start starts working jobs (and polling, with Options.Interval).
func (f *Fleet) Start(ctx context.Context) error {
	if err := f.jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends, then cancels them) and
// stops.
func (f *Fleet) Stop(ctx context.Context) error {
	return f.jobs.Stop(ctx)
}

// floor is the lowest confidence that makes an incident.
func (f *Fleet) floor(s settings) vigil.Confidence {
	if s.Confidence == 0 {
		return vigil.Medium
	}
	return s.Confidence
}

var errNoMirror = errors.New("no mirror holds it")
