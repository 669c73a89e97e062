package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/fleet"
	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/store"
)

func newFleetScanOnceCmd(a *app) *cobra.Command {
	var f fleetFlags
	cmd := &cobra.Command{
		Use:   "scan-once",
		Short: "Sync and scan every source once, then exit (cron, CI)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			fl, bad, err := f.load(a)
			if err != nil {
				return err
			}
			c, err := f.open(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			fleet, err := f.newFleet(ctx, a, c, fl, fleet.Options{Once: true})
			if err != nil {
				return err
			}
			start := time.Now()
			if err := fleet.Apply(ctx, fl); err != nil {
				return runtimeError(err, "")
			}
			if err := fleet.Start(ctx); err != nil {
				return runtimeError(err, "")
			}
			err = fleet.Poll(ctx)
			if err == nil {
				err = fleet.WaitIdle(ctx)
			}
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			_ = fleet.Stop(stopCtx)
			if err != nil {
				return runtimeError(err, "")
			}
			return summarise(ctx, a, c.Store, start, bad)
		},
	}
	f.register(cmd.Flags(), true)
	f.registerWork(cmd.Flags())
	return cmd
}

// summarise reports the sources and repositories that failed during the
// pass, and what is open; it decides scan-once's exit code.
func summarise(ctx context.Context, a *app, s *store.Store, since time.Time, bad int) error {
	failed := bad
	srcs, err := s.Sources(ctx)
	if err != nil {
		return runtimeError(err, "")
	}
	for _, src := range srcs {
		if src.LastError != "" && !src.LastPolledAt.Before(since.Truncate(time.Millisecond)) {
			a.warnf("%s: %s", src.Name, src.LastError)
			failed++
		}
	}
	repos, err := s.Repositories(ctx, 0, false)
	if err != nil {
		return runtimeError(err, "")
	}
	for _, r := range repos {
		if r.LastError != "" && !r.LastErrorAt.Before(since.Truncate(time.Millisecond)) {
			a.warnf("%s: %s", r.Name, r.LastError)
			failed++
		}
	}
	open, err := s.CountIncidents(ctx, store.Filter{Statuses: []store.Status{store.StatusOpen}})
	if err != nil {
		return runtimeError(err, "")
	}
	a.warnf("fleet: %d repositories, %d open incidents, %d failures", len(repos), open, failed)
	switch {
	case failed > 0:
		return incomplete()
	case open > 0:
		return found()
	}
	return nil
}

func newFleetRunCmd(a *app) *cobra.Command {
	var f fleetFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Watch the fleet: poll, scan what is new, re-verify, notify, until SIGTERM",
		Long: `Watch the fleet until stopped: every interval (the fleet file's, default
5m) each source is synced and what is new is scanned; open incidents are
re-verified on schedule (with verify = true); live ones are notified. The
fleet file is read again at each interval: an entry added is watched, an
entry removed stops being watched (its incidents are kept), and a file
that no longer parses is reported while the last good one stays in force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			fl, _, err := f.load(a)
			if err != nil {
				return err
			}
			c, err := f.open(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			interval := time.Duration(fl.Interval)
			fleet, err := f.newFleet(ctx, a, c, fl, fleet.Options{Interval: interval, Reverify: time.Duration(fl.Reverify)})
			if err != nil {
				return err
			}
			if err := fleet.Apply(ctx, fl); err != nil {
				return runtimeError(err, "")
			}
			if err := fleet.Start(ctx); err != nil {
				return runtimeError(err, "")
			}
			a.warnf("fleet: watching %d sources every %s (database %s)", len(fl.Sources()), interval, c.Where)
			reloadEvery(ctx, a, &f, fleet, interval)
			return stopFleet(ctx, fleet)
		},
	}
	f.register(cmd.Flags(), true)
	f.registerWork(cmd.Flags())
	return cmd
}

// reloadEvery reads the fleet file again each interval until ctx ends.
func reloadEvery(ctx context.Context, a *app, f *fleetFlags, fl *fleet.Fleet, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		next, bad, err := conf.Load(f.file)
		if err != nil {
			a.warnf("%v (the last good fleet file stays in force)", err)
			continue
		}
		for _, b := range bad {
			a.warnf("%s: %v (this entry is skipped)", f.file, b)
		}
		if err := fl.Apply(ctx, next); err != nil && ctx.Err() == nil {
			a.warnf("fleet file not applied: %v", err)
		}
	}
}

// stopFleet lets running jobs finish for a while after a signal; a job cut
// short is picked up again later (by this or another worker).
func stopFleet(ctx context.Context, fl *fleet.Fleet) error {
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := fl.Stop(stopCtx); err != nil && stopCtx.Err() == nil {
		return runtimeError(fmt.Errorf("stop: %w", err), "")
	}
	return interrupted(ctx.Err())
}

func newFleetWorkerCmd(a *app) *cobra.Command {
	var f fleetFlags
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Work the fleet's jobs from a shared Postgres, beside other workers",
		Long: `Work the fleet's jobs on a shared database. Start 'vigil fleet run --db
postgres://…' once (it stores the fleet file in the database), then any
number of workers on any machines: they share the scans, one repository
at a time each, and a job whose worker dies is taken up by another. A
worker needs no fleet file; tokens and keys named in it come from each
worker's environment.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.open(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			if c.Pool == nil {
				a.warnf("a worker on SQLite works alone: use --db postgres://… to share the work between machines")
			}
			fleet, err := f.newFleet(ctx, a, c, nil, fleet.Options{Interval: interval, Reverify: interval})
			if err != nil {
				return err
			}
			if err := fleet.Start(ctx); err != nil {
				return runtimeError(err, "")
			}
			<-ctx.Done()
			return stopFleet(ctx, fleet)
		},
	}
	f.register(cmd.Flags(), false)
	f.registerWork(cmd.Flags())
	cmd.Flags().DurationVar(&interval, "interval", conf.DefaultInterval, "poll every source this often (only the elected leader does)")
	return cmd
}
