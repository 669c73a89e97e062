package git

import (
	"cmp"
	"context"
	"errors"
	"sync"

	"github.com/vigilsec/vigil"
)

// startInproc begins a walk of the whole history whose blobs are read
// in-process: the walk and the reading of the packs' headers run at once.
func (h *History) startInproc(run *walkRun, objs *objectStore) *walkRun {
	run.objs = objs
	run.w = &walker{h: h, idx: h.idx, excluded: map[string]bool{}, submodules: map[string]string{}, baseAsked: map[string]bool{}}
	// A run no Chunks took when its context ends is abandoned: its packs
	// are closed once the walk and the reading of their headers stop.
	context.AfterFunc(run.ctx, func() {
		if run.abandon() {
			go func() {
				<-run.done
				objs.close()
			}()
		}
	})
	go func() {
		defer close(run.done)
		var forestErr error
		var wg sync.WaitGroup
		wg.Go(func() { forestErr = objs.readForests(run.ctx) })
		run.err = run.w.walkInproc(run.ctx, objs)
		run.w.inproc = run.err == nil
		if errors.Is(run.err, errWalkByGit) {
			h.repo.logger().Debug("history walked by git log", "reason", run.err)
			run.err = run.w.walkAll(run.ctx)
		}
		wg.Wait()
		if run.err == nil {
			run.err = forestErr
		}
	}()
	return run
}

// readForests reads the delta forest of every pack.
func (s *objectStore) readForests(ctx context.Context) error {
	for _, p := range s.store.Packs {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := newForest(p)
		if err != nil {
			return err
		}
		s.forests = append(s.forests, f)
	}
	return nil
}

// chunksInproc is chunks for a run that reads the packs in-process.
func (h *History) chunksInproc(parent context.Context, run *walkRun, workers int, concurrent bool, yield func(vigil.Chunk) error) error {
	if err := run.take(); err != nil {
		// Abandoned: the run closes its packs once its walk stops.
		return err
	}
	ctx, cancel := run.ctx, run.cancel
	defer cancel()
	defer context.AfterFunc(parent, cancel)()
	<-run.done
	if run.err != nil {
		run.objs.close()
		if parent.Err() != nil {
			return parent.Err()
		}
		if err := ctx.Err(); err != nil {
			// Cancelled by the context Start was given: git was killed,
			// whatever it said.
			return err
		}
		return run.err
	}
	h.objs = run.objs
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	ps := &packScan{h: h, objs: run.objs, idx: h.idx, opts: h.opts, context: cmp.Or(h.opts.Context, DefaultContext), prefix: h.prefix, counted: &run.blobsDone}
	run.blobsTotal.Store(int64(len(h.idx.oids)))
	out := newChunkOut(concurrent, yield, stop)
	ps.send = out.send
	if concurrent {
		ps.bufs = &bufPool{}
	}
	var scanErr error
	out.drain(func() { scanErr = ps.run(ctx, workers) })
	yerr := out.yieldErr()
	h.where = ps.where
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case yerr != nil:
		return yerr
	case scanErr != nil:
		return scanErr
	}
	h.stats = HistoryStats{Commits: len(h.idx.commits), Blobs: len(h.idx.blobs), BlobBytes: ps.blobBytes.Load(), Diffed: int(ps.diffed.Load()), InProcess: true}
	h.repo.logger().Debug("history read in-process", "packs", len(run.objs.forests), "commits", h.stats.Commits, "blobs", h.stats.Blobs,
		"blob_bytes", h.stats.BlobBytes, "scanned_around_edits", h.stats.Diffed)
	return h.walked(ctx, run.w, yield)
}
