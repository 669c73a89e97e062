package fleet

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/mirror"
	"github.com/vigilsec/vigil/fleet/store"
)

// checks is how many remotes are asked for their refs at once: each ask
// is one 'git ls-remote', mostly waiting on the network.
const checks = 8

// enqueueScans enqueues a scan of each repository that may have
// something new. A repository listed through the GitHub or GitLab API
// whose listing says it was not pushed to since its remote was last asked
// is left alone (see unpushed). Another git repository scanned before is
// first asked for its refs ('git ls-remote'): when they are exactly the
// refs last scanned, nothing is fetched, scanned or written but the time
// it was checked. A repository never scanned, an image, or a remote that
// could not be asked (the scan's fetch then records why) is scanned. A
// scan is enqueued as soon as its repository is known to need one, so
// that a push is not kept waiting for the checks of the rest of the
// fleet. settle is how long after a push its listing may still not show
// it (0 for repositories not listed through an API).
func (f *Fleet) enqueueScans(ctx context.Context, repos []store.Repository, settle time.Duration) error {
	states, err := f.store.ScanStates(ctx)
	if err != nil {
		return err
	}
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	every := cmp.Or(s.FullCheck, conf.DefaultFullCheck)
	var first []river.InsertManyParams
	var check []store.Repository
	var quiet []int64
	for _, r := range repos {
		switch {
		case !r.Enabled:
		case r.Kind != "git" || len(states[r.ID]) == 0:
			first = append(first, river.InsertManyParams{Args: ScanArgs{RepositoryID: r.ID}})
		case unpushed(r, every, settle):
			quiet = append(quiet, r.ID)
		default:
			check = append(check, r)
		}
	}
	if err := f.insertMany(ctx, first); err != nil {
		return err
	}
	if err := f.store.RepositoriesQuiet(ctx, quiet); err != nil {
		return err
	}
	var (
		mu        sync.Mutex
		unchanged []int64
		failed    error
		wg        sync.WaitGroup
		sem       = make(chan struct{}, checks)
	)
	for _, r := range check {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			refs, err := f.mirrorOf(r).RemoteRefs(ctx)
			if err == nil && mirror.Unchanged(refs, states[r.ID]) {
				mu.Lock()
				unchanged = append(unchanged, r.ID)
				mu.Unlock()
				return
			}
			if err := f.insert(ctx, ScanArgs{RepositoryID: r.ID}); err != nil {
				mu.Lock()
				failed = cmp.Or(failed, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := cmp.Or(ctx.Err(), failed); err != nil {
		return err
	}
	f.log.Debug("checked", "repositories", len(repos), "not_pushed", len(quiet), "unchanged", len(unchanged), "to_scan", len(repos)-len(quiet)-len(unchanged))
	return f.store.RepositoriesChecked(ctx, unchanged)
}

// Settle times: how long after a push the listing may still not show
// it. GitHub's pushed_at moves at every push but has a resolution of a
// second; GitLab's last_activity_at moves at most once an hour. A minute
// more covers the clocks of the API and of this machine disagreeing.
const (
	settleGitHub = time.Minute
	settleGitLab = time.Hour + time.Minute
)

func settleOf(kind string) time.Duration {
	if kind == "gitlab" {
		return settleGitLab
	}
	return settleGitHub
}

// unpushed reports whether a listed repository's remote need not be
// asked this pass: its listing shows the activity it showed when the
// remote was last asked, that ask came at least settle after the
// activity (so no push made since can have been left out of the
// listing), and fewer than every-1 passes have skipped since (every Nth
// pass asks anyway, catching whatever the listing missed).
func unpushed(r store.Repository, every int, settle time.Duration) bool {
	return !r.ActivityAt.IsZero() && r.ActivityAt.Equal(r.CheckedActivityAt) && r.QuietPasses+1 < every &&
		!r.LastSyncedAt.Before(r.ActivityAt.Add(settle))
}
