package fleet

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/vigilsec/vigil/fleet/store"
)

// Queues.
const (
	queueScan   = "scan"
	queueVerify = "verify"
	queueNotify = "notify"
)

// pending are the job states in which a job with the same arguments is
// not inserted again: one scan of a repository at a time, one
// verification of an incident, one notification of an event. (Completed
// jobs do not count: a repository is scanned again at the next poll.)
var pending = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}

func unique(queue string) river.InsertOpts {
	return river.InsertOpts{Queue: queue, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pending}}
}

// PollArgs enqueues a sync of every enabled source.
type PollArgs struct{}

// Kind implements river.JobArgs.
func (PollArgs) Kind() string { return "vigil_fleet_poll" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (PollArgs) InsertOpts() river.InsertOpts { return unique(river.QueueDefault) }

// SyncSourceArgs lists a source's repositories and enqueues their scans.
type SyncSourceArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind implements river.JobArgs.
func (SyncSourceArgs) Kind() string { return "vigil_fleet_sync_source" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SyncSourceArgs) InsertOpts() river.InsertOpts { return unique(river.QueueDefault) }

// ScanArgs syncs one repository's mirror (or an image's tags) and scans
// what is new.
type ScanArgs struct {
	RepositoryID int64 `json:"repository_id"`
}

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return "vigil_fleet_scan" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ScanArgs) InsertOpts() river.InsertOpts { return unique(queueScan) }

// VerifyArgs verifies one incident's credential again.
type VerifyArgs struct {
	IncidentID int64 `json:"incident_id"`
}

// Kind implements river.JobArgs.
func (VerifyArgs) Kind() string { return "vigil_fleet_verify" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (VerifyArgs) InsertOpts() river.InsertOpts { return unique(queueVerify) }

// ReverifyArgs enqueues the verification of every open incident not
// verified for the fleet's re-verify interval.
type ReverifyArgs struct{}

// Kind implements river.JobArgs.
func (ReverifyArgs) Kind() string { return "vigil_fleet_reverify" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ReverifyArgs) InsertOpts() river.InsertOpts { return unique(river.QueueDefault) }

// NotifyArgs sends one event of an incident to every output.
type NotifyArgs struct {
	IncidentID int64  `json:"incident_id"`
	Event      string `json:"event"` // "live-N"
}

// Kind implements river.JobArgs.
func (NotifyArgs) Kind() string { return "vigil_fleet_notify" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (NotifyArgs) InsertOpts() river.InsertOpts { return unique(queueNotify) }

// worker adapts a fleet method to a River worker.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	work    func(context.Context, T) error
	timeout time.Duration
}

func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error { return w.work(ctx, job.Args) }

func (w *worker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

func (f *Fleet) workers() *river.Workers {
	ws := river.NewWorkers()
	short := min(f.opts.JobTimeout, 5*time.Minute)
	river.AddWorker(ws, &worker[PollArgs]{work: func(ctx context.Context, _ PollArgs) error { return f.poll(ctx) }, timeout: short})
	river.AddWorker(ws, &worker[SyncSourceArgs]{work: func(ctx context.Context, a SyncSourceArgs) error { return f.syncSource(ctx, a.SourceID) }, timeout: f.opts.JobTimeout})
	river.AddWorker(ws, &worker[ScanArgs]{work: func(ctx context.Context, a ScanArgs) error { return f.scan(ctx, a.RepositoryID) }, timeout: f.opts.JobTimeout})
	river.AddWorker(ws, &worker[VerifyArgs]{work: func(ctx context.Context, a VerifyArgs) error { return f.verify(ctx, a.IncidentID, "") }, timeout: short})
	river.AddWorker(ws, &worker[ReverifyArgs]{work: func(ctx context.Context, _ ReverifyArgs) error { return f.reverifyDue(ctx) }, timeout: short})
	river.AddWorker(ws, &worker[TwilioAuditArgs]{work: func(ctx context.Context, a TwilioAuditArgs) error { return f.auditTwilio(ctx, a.SourceID) }, timeout: f.opts.JobTimeout})
	river.AddWorker(ws, &worker[TwilioExposureArgs]{work: func(ctx context.Context, a TwilioExposureArgs) error { return f.exposeTwilio(ctx, a.SourceID) }, timeout: f.opts.JobTimeout})
	river.AddWorker(ws, &worker[NotifyArgs]{work: func(ctx context.Context, a NotifyArgs) error { return f.notify(ctx, a) }, timeout: short})
	return ws
}

// insert enqueues a job; a duplicate of one already waiting or running
// is not an error.
func (f *Fleet) insert(ctx context.Context, args river.JobArgs) error {
	if _, err := f.jobs.Insert(ctx, args, nil); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// insertMany enqueues jobs in one statement; duplicates of jobs waiting or
// running are skipped, as by insert.
func (f *Fleet) insertMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	if _, err := f.jobs.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("enqueue %d %s: %w", len(params), params[0].Args.Kind(), err)
	}
	return nil
}

// Poll enqueues a sync of every enabled source now.
func (f *Fleet) Poll(ctx context.Context) error { return f.insert(ctx, PollArgs{}) }

// ScanNow enqueues a scan of one repository (the console's "scan
// repository now").
func (f *Fleet) ScanNow(ctx context.Context, repositoryID int64) error {
	if _, err := f.store.Repository(ctx, repositoryID); err != nil {
		return err
	}
	return f.insert(ctx, ScanArgs{RepositoryID: repositoryID})
}

// ReverifyNow enqueues a verification of one incident (the console's
// "re-verify now"), noting who asked in its audit trail.
func (f *Fleet) ReverifyNow(ctx context.Context, incidentID int64, actor string) error {
	if _, err := f.store.Incident(ctx, incidentID); err != nil {
		return err
	}
	if err := f.insert(ctx, VerifyArgs{IncidentID: incidentID}); err != nil {
		return err
	}
	return f.store.AddEvent(ctx, storeEvent(incidentID, actor, "reverify_requested"))
}

// poll syncs every enabled source: a GitHub organisation or GitLab group
// is listed by a job of its own; repositories and images named in the
// fleet file are brought up to date here, all at once, and the scans of
// those that may have something new enqueued.
func (f *Fleet) poll(ctx context.Context) error {
	srcs, err := f.store.Sources(ctx)
	if err != nil {
		return err
	}
	var named []store.Source
	var listed []river.InsertManyParams
	for _, s := range srcs {
		switch s.Kind {
		case "github", "gitlab":
			listed = append(listed, river.InsertManyParams{Args: SyncSourceArgs{SourceID: s.ID}})
		case "twilio":
			// audited by its own jobs
		default:
			named = append(named, s)
		}
	}
	if err := f.insertMany(ctx, listed); err != nil {
		return err
	}
	if err := f.enqueueTwilio(ctx, srcs); err != nil {
		return err
	}
	return f.syncNamed(ctx, named)
}

// Idle reports whether no job is waiting or running.
func (f *Fleet) Idle(ctx context.Context) (bool, error) {
	res, err := f.jobs.JobList(ctx, river.NewJobListParams().States(pending...).First(1))
	if err != nil {
		return false, err
	}
	return len(res.Jobs) == 0, nil
}

// WaitIdle waits until no job is waiting or running (scan-once).
func (f *Fleet) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		idle, err := f.Idle(ctx)
		if err != nil {
			return err
		}
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
