package fleet

import (
	"cmp"
	"context"
	"sync"

	"github.com/riverqueue/river"
	"github.com/vigilsec/vigil/fleet/mirror"
	"github.com/vigilsec/vigil/fleet/store"
)

// checks is how many remotes are asked for their refs at once: each ask
// is one 'git ls-remote', mostly waiting on the network.
const checks = 8

// enqueueScans enqueues a scan of each repository that may have
// something new. A git repository scanned before is first asked for its
// refs ('git ls-remote'): when they are exactly the refs last scanned,
// nothing is fetched, scanned or written but the time it was checked. A
// repository never scanned, an image, or a remote that could not be asked
// (the scan's fetch then records why) is scanned. A scan is enqueued as
// soon as its repository is known to need one, so that a push is not kept
// waiting for the checks of the rest of the fleet.
func (f *Fleet) enqueueScans(ctx context.Context, repos []store.Repository) error {
	states, err := f.store.ScanStates(ctx)
	if err != nil {
		return err
	}
	var first []river.InsertManyParams
	var check []store.Repository
	for _, r := range repos {
		switch {
		case !r.Enabled:
		case r.Kind != "git" || len(states[r.ID]) == 0:
			first = append(first, river.InsertManyParams{Args: ScanArgs{RepositoryID: r.ID}})
		default:
			check = append(check, r)
		}
	}
	if err := f.insertMany(ctx, first); err != nil {
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
	f.log.Debug("checked", "repositories", len(repos), "unchanged", len(unchanged), "to_scan", len(repos)-len(unchanged))
	return f.store.RepositoriesChecked(ctx, unchanged)
}
