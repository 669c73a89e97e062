package git

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilsec/vigil/source/git/pack"
)

// errWalkByGit says that the in-process walk leaves this history to 'git
// log': its commits are not what their objects say (replace refs,
// grafts).
var errWalkByGit = errors.New("history walked by git")

// walkInproc indexes every commit reachable from any ref, as walkAll does
// with two 'git log --raw', but reading the commits and trees from the
// object store: the commits are put in git's topological order, each is
// compared with its first parent (every path of a root commit is new),
// the comparisons shared among the cores, and the index is built from
// the oldest commit to the newest, as one walk oldest first builds it.
func (w *walker) walkInproc(ctx context.Context, objs *objectStore) error {
	if err := objs.walkable(ctx, w.h.repo); err != nil {
		return err
	}
	tips, err := w.h.repo.walkTips(ctx, nil)
	if err != nil {
		return err
	}
	start := time.Now()
	g, err := objs.readCommits(ctx, tips)
	if err != nil {
		return err
	}
	read := time.Since(start)
	order, err := w.h.repo.orderOf(ctx, g, nil)
	if err != nil {
		return err
	}
	ordered := time.Since(start)
	changes, err := objs.diffCommits(ctx, g.nodes, order, w.h.walkWorkers)
	if err != nil {
		return err
	}
	diffed := time.Since(start)
	w.index(g.nodes, order, changes)
	w.h.repo.logger().Debug("history walked in-process", "commits", len(order), "read", read, "ordered", ordered, "diffed", diffed, "indexed", time.Since(start))
	return nil
}

// index builds the walk's index from the changes of each commit of order
// (newest first), oldest commit first.
func (w *walker) index(graph []commitNode, order []int32, changes [][]fileChange) {
	w.idx.hashLen = pack.HashLen
	for k := len(order) - 1; k >= 0; k-- {
		c := order[k]
		var id oid
		copy(id[:], graph[c].id[:])
		w.idx.commits = append(w.idx.commits, id)
		ci := uint32(len(w.idx.commits) - 1)
		for i := range changes[c] {
			ch := &changes[c][i]
			if !w.keeps(ch.path, ch.dstMode, func() string { return ch.dst.String() }) {
				continue
			}
			var b, src oid
			copy(b[:], ch.dst[:])
			if ch.srcMode == modeFile || ch.srcMode == modeExec {
				copy(src[:], ch.src[:])
			}
			w.idx.sight(b, ci, ch.path, src)
		}
		changes[c] = nil
	}
}

// walkable checks that the commits of the repository are what their
// objects say: no replace refs, no grafts. A shallow clone's boundary
// commits are read as roots, as git reads them.
func (s *objectStore) walkable(ctx context.Context, r *Repo) error {
	if _, err := os.Stat(s.graftsPath); err == nil {
		return fmt.Errorf("%w: %s exists", errWalkByGit, s.graftsPath)
	}
	out, err := r.output(ctx, "for-each-ref", "--count=1", "--format=%(refname)", "refs/replace/")
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(out)) > 0 {
		return fmt.Errorf("%w: replace refs (%s)", errWalkByGit, bytes.TrimSpace(out))
	}
	data, err := os.ReadFile(s.shallowPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	s.shallow = map[pack.OID]bool{}
	for _, line := range strings.Fields(string(data)) {
		id, ok := pack.ParseOID(line)
		if !ok {
			return fmt.Errorf("%s: bad line %q", s.shallowPath, clip([]byte(line)))
		}
		s.shallow[id] = true
	}
	return nil
}

// walkTips lists the commits a walk of revs starts from, in the order git
// takes them (refs, then HEAD, for --all; nil revs means --all).
func (r *Repo) walkTips(ctx context.Context, revs []string) ([]pack.OID, error) {
	args := []string{"rev-list", "--no-walk=unsorted"}
	if len(revs) == 0 {
		revs = []string{"--all"}
	}
	args = append(append(args, revs...), "--")
	var tips []pack.OID
	err := r.stream(ctx, func(out io.Reader) error {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			id, ok := pack.ParseOID(sc.Text())
			if !ok {
				return fmt.Errorf("rev-list: unexpected line %q", clip(sc.Bytes()))
			}
			tips = append(tips, id)
		}
		return sc.Err()
	}, args...)
	return tips, err
}

// commitGraph is the commits reachable from a walk's tips.
type commitGraph struct {
	nodes []commitNode
	// starts are the tips' places in nodes.
	starts []int32
	// datesDiffer says that git versions read some commit's date
	// differently (see commitHead).
	datesDiffer bool
}

// readCommits reads the commits reachable from tips.
func (s *objectStore) readCommits(ctx context.Context, tips []pack.OID) (*commitGraph, error) {
	rd := s.store.NewReader()
	at := map[pack.OID]int32{}
	var graph []commitNode
	g := &commitGraph{}
	add := func(id pack.OID) int32 {
		if n, ok := at[id]; ok {
			return n
		}
		n := int32(len(graph))
		at[id] = n
		graph = append(graph, commitNode{id: id})
		return n
	}
	starts := make([]int32, len(tips))
	for i, t := range tips {
		starts[i] = add(t)
	}
	for n := 0; n < len(graph); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		id := graph[n].id
		typ, _, data, err := rd.Read(id, maxCommitSize)
		switch {
		case errors.Is(err, pack.ErrNotFound):
			return nil, fmt.Errorf("commit %s is missing from the repository", id)
		case err != nil:
			return nil, fmt.Errorf("commit %s is damaged: %w", id, err)
		case typ != pack.Commit:
			return nil, fmt.Errorf("object %s is a %s, not a commit", id, typ)
		case data == nil:
			return nil, fmt.Errorf("commit %s is over %d bytes", id, maxCommitSize)
		}
		head, err := parseCommitHead(data)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", id, err)
		}
		graph[n].tree, graph[n].date = head.tree, head.date
		g.datesDiffer = g.datesDiffer || head.date != head.laterDate
		if s.shallow[id] {
			continue // a boundary of a shallow clone: its parents are not here
		}
		for _, p := range head.parents {
			graph[n].parents = append(graph[n].parents, add(p))
		}
	}
	g.nodes, g.starts = graph, starts
	return g, nil
}

// orderOf returns the commits of g in git's topological order, newest
// first (see commitOrder). Where git versions read some commit's date
// differently (a malformed committer line), git itself is asked for the
// order of revs (nil: --all).
func (r *Repo) orderOf(ctx context.Context, g *commitGraph, revs []string) ([]int32, error) {
	if !g.datesDiffer {
		return commitOrder(g.nodes, g.starts), nil
	}
	at := make(map[pack.OID]int32, len(g.nodes))
	for n := range g.nodes {
		at[g.nodes[n].id] = int32(n)
	}
	if len(revs) == 0 {
		revs = []string{"--all"}
	}
	order := make([]int32, 0, len(g.nodes))
	err := r.stream(ctx, func(out io.Reader) error {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			id, ok := pack.ParseOID(sc.Text())
			n, known := at[id]
			if !ok || !known {
				return fmt.Errorf("rev-list: unexpected line %q", clip(sc.Bytes()))
			}
			order = append(order, n)
		}
		return sc.Err()
	}, append(append([]string{"rev-list", "--topo-order"}, revs...), "--")...)
	return order, err
}

// diffCommits compares each commit of order with its first parent, with
// workers goroutines (0: GOMAXPROCS), each taking runs of consecutive
// commits (newest first, the order deltas are stored in), and returns the
// changes by commit.
func (s *objectStore) diffCommits(ctx context.Context, graph []commitNode, order []int32, workers int) ([][]fileChange, error) {
	changes := make([][]fileChange, len(graph))
	workers = cmp.Or(workers, runtime.GOMAXPROCS(0))
	const run = 512
	var next atomic.Int64
	var first error
	var once sync.Once
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			rd := s.store.NewReader()
			d := &treeDiff{ctx: ctx, paths: map[string]string{}, read: func(id pack.OID) ([]byte, error) {
				return readTree(rd, id)
			}}
			for ctx.Err() == nil {
				lo := int(next.Add(run)) - run
				if lo >= len(order) {
					return
				}
				for _, c := range order[lo:min(lo+run, len(order))] {
					var parent *pack.OID
					if ps := graph[c].parents; len(ps) > 0 {
						parent = &graph[ps[0]].tree
					}
					d.out = d.out[:0]
					if err := d.diff(&graph[c].tree, parent); err != nil {
						once.Do(func() { first = fmt.Errorf("commit %s: %w", graph[c].id, err) })
						cancel()
						return
					}
					changes[c] = append([]fileChange(nil), d.out...)
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return changes, ctx.Err()
}

// isEmptyTree reports whether id is the tree with no entries, which git
// knows without storing it.
func isEmptyTree(id pack.OID) bool {
	return id == pack.OID{0x4b, 0x82, 0x5d, 0xc6, 0x42, 0xcb, 0x6e, 0xb9, 0xa0, 0x60, 0xe5, 0x4b, 0xf8, 0xd6, 0x92, 0x88, 0xfb, 0xee, 0x49, 0x04}
}

// readTree reads a tree object.
func readTree(rd *pack.Reader, id pack.OID) ([]byte, error) {
	if isEmptyTree(id) {
		return nil, nil
	}
	typ, size, data, err := rd.Read(id, maxTreeSize)
	switch {
	case errors.Is(err, pack.ErrNotFound):
		return nil, fmt.Errorf("tree %s is missing from the repository", id)
	case err != nil:
		return nil, fmt.Errorf("tree %s is damaged: %w", id, err)
	case typ != pack.Tree:
		return nil, fmt.Errorf("object %s is a %s, not a tree", id, typ)
	case data == nil && size > 0:
		return nil, fmt.Errorf("tree %s is over %d bytes", id, maxTreeSize)
	}
	return data, nil
}
