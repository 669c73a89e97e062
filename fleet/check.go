package fleet

import (
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
// (the scan's fetch then records why) is scanned.
func (f *Fleet) enqueueScans(ctx context.Context, repos []store.Repository) error {
	states, err := f.store.ScanStates(ctx)
	if err != nil {
		return err
	}
	var (
		mu        sync.Mutex
		scan      []int64
		unchanged []int64
		wg        sync.WaitGroup
		sem       = make(chan struct{}, checks)
	)
	for _, r := range repos {
		if !r.Enabled {
			continue
		}
		state := states[r.ID]
		if r.Kind != "git" || len(state) == 0 {
			scan = append(scan, r.ID)
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			refs, err := f.mirrorOf(r).RemoteRefs(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err == nil && mirror.Unchanged(refs, state) {
				unchanged = append(unchanged, r.ID)
			} else {
				scan = append(scan, r.ID)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.store.RepositoriesChecked(ctx, unchanged); err != nil {
		return err
	}
	f.log.Debug("checked", "repositories", len(repos), "unchanged", len(unchanged), "to_scan", len(scan))
	params := make([]river.InsertManyParams, len(scan))
	for i, id := range scan {
		params[i] = river.InsertManyParams{Args: ScanArgs{RepositoryID: id}}
	}
	return f.insertMany(ctx, params)
}
