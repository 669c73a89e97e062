package git

import (
	"context"
	"errors"
	"io"
	"sync"
)

// walkAll indexes every commit reachable from any ref, for walkPacked,
// with two walks at once from both ends of one topological order: 'git
// log --topo-order' newest first, and the same with --reverse, oldest
// first (git prints the same order reversed). Each claims the commits it
// reads; the first to meet one the other claimed stops, and its git is
// stopped with it. The newest-first walk costs git less (the order deltas
// are stored in; figures in bench/README.md, "Figures behind choices in the code"), and needs no
// blob until the end, so each sighting of a blob replaces the later one
// as its introduction (resight). The older part's index then takes in the
// newer part's: the result is that of one walk, oldest first.
func (w *walker) walkAll(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cl := &claims{by: map[oid]*walker{}}
	dirs := w.h.walkDirs
	if len(dirs) == 0 {
		dirs = []bool{true, false} // oldest first, newest first
	}
	parts := make([]*walker, len(dirs))
	// first is the error of the walk that failed first: the other is
	// stopped then, and its git reports being killed, which says nothing.
	var (
		first error
		once  sync.Once
		wg    sync.WaitGroup
	)
	for i, oldestFirst := range dirs {
		pw := w.part()
		parts[i] = pw
		wg.Go(func() {
			if err := pw.readLog(ctx, cl, oldestFirst); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	counts := make([]int, len(parts))
	for i, pw := range parts {
		counts[i] = len(pw.idx.commits)
	}
	w.h.repo.logger().Debug("history walked from both ends", "commits", counts)
	idx := parts[0].idx
	if dirs[0] {
		idx.baseOIDs = make([]oid, len(idx.refs)) // sight resolved these
	} else {
		idx.oldestFirst()
	}
	for _, pw := range parts[1:] {
		idx.add(pw.idx)
	}
	idx.resolveBases()
	*w.idx = *idx
	w.mergeNotes(parts...)
	return nil
}

// part returns a walker for one part of walkAll, with its own index and
// notes.
func (w *walker) part() *walker {
	return &walker{h: w.h, idx: newIndex(), excluded: map[string]bool{}, submodules: map[string]string{}}
}

// claims records which walk read each commit.
type claims struct {
	mu sync.Mutex
	by map[oid]*walker
}

// claim gives commit c to w, unless the other walk has it.
func (cl *claims) claim(c oid, w *walker) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if other, ok := cl.by[c]; ok && other != w {
		return false
	}
	cl.by[c] = w
	return true
}

// errMet stops a walk that reached a commit the other walk read.
var errMet = errors.New("the walks met")

// readLog indexes its part of the walk: oldest first (sight) or newest
// first (resight; within a commit its changes are taken last to first,
// so that the first path a blob is at in its introducing commit stands).
func (w *walker) readLog(ctx context.Context, cl *claims, oldestFirst bool) error {
	err := w.h.repo.stream(ctx, func(r io.Reader) error {
		p := newRawReader(r)
		var c rawCommit
		for {
			err := p.next(&c)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			id, ok := parseOID(c.id)
			if ok && !cl.claim(id, w) {
				return errMet
			}
			ci, err := w.addCommit(&c)
			if err != nil {
				return err
			}
			for k := range c.entries {
				i := k
				if !oldestFirst {
					i = len(c.entries) - 1 - k
				}
				e := &c.entries[i]
				b, src, ok, err := w.changed(e)
				switch {
				case err != nil:
					return err
				case !ok:
				case oldestFirst:
					w.idx.sight(b, ci, e.path, src)
				default:
					w.idx.resight(b, ci, e.path, src)
				}
			}
		}
	}, logArgs(oldestFirst, []string{"--all"})...)
	if errors.Is(err, errMet) {
		return nil
	}
	return err
}

// mergeNotes gathers the parts' excluded paths and submodules.
func (w *walker) mergeNotes(parts ...*walker) {
	noted := map[string]bool{}
	for _, pw := range parts {
		for _, sk := range pw.skips {
			if !noted[sk.Origin.Path] {
				noted[sk.Origin.Path] = true
				w.skips = append(w.skips, sk)
			}
		}
		for p, c := range pw.submodules {
			if _, ok := w.submodules[p]; !ok {
				w.submodules[p] = c
			}
		}
	}
}
