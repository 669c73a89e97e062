package git

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/glob"
	"github.com/vigilsec/vigil/source/files"
)

// Options configure a History or Staged source.
type Options struct {
	// Revs selects the history to scan, as for 'git log': revisions,
	// ranges (A..B), ^exclusions and options such as --since=DATE.
	// Empty means every commit reachable from any ref (--all).
	Revs []string
	// MaxSize caps the size of a blob to scan; 0 means
	// files.DefaultMaxFileSize, a negative value means no cap. Larger
	// blobs are skipped (too-large: the scan is incomplete) unless their
	// head shows they are binary.
	MaxSize int64
	// Exclude lists globs of paths not to scan, as in .gitignore: "**"
	// spans directories, a pattern without a slash matches any path
	// element, and a directory covers what is below it.
	Exclude []string
	// ChunkSize is the largest chunk yielded; 0 means
	// files.DefaultChunkSize.
	ChunkSize int
	// Submodules, when set, scans the history of each submodule found
	// in the selected history (from its local clone) as well.
	Submodules bool
	// Whole scans every blob whole. By default a history scan reads every
	// blob but scans a new version of a file only where it differs from
	// the previous one, plus Context lines on each side: a secret is
	// found in the version that added it, once, however long it stays.
	Whole bool
	// Context is the number of unchanged lines scanned around a change;
	// 0 means DefaultContext.
	Context int
	// CatFile makes a scan of the whole history read every blob through
	// git cat-file, as scans of part of it do, instead of reading the
	// packs in-process: the reference the in-process reader is checked
	// against.
	CatFile bool
	// NewOnly makes Attribute drop the findings whose secret (with its
	// parts) the previous version of the file already held, as a
	// pre-push hook wants: what the pushed commits add, not what they
	// touch.
	NewOnly bool
}

func (o Options) maxSize() int64 {
	if o.MaxSize == 0 {
		return files.DefaultMaxFileSize
	}
	return o.MaxSize
}

// over reports whether a blob of size bytes is over the size cap.
func (o Options) over(size int64) bool {
	return o.maxSize() > 0 && size > o.maxSize()
}

// History scans every unique blob in a selection of a repository's
// history. Once the scan is done, Attribute says which commit introduced
// each finding.
type History struct {
	repo *Repo
	opts Options
	// prefix is put before paths (submodules: "sub/dir/").
	prefix string

	idx   *index
	subs  map[string]*History // submodule path → its history
	stats HistoryStats
	// bases maps blob numbers to the previous version of their file
	// (with Options.NewOnly).
	bases map[uint32]string
	// walkDirs overrides the walks walkAll runs at once, oldest first
	// (true) or newest first (tests; at most one of each, oldest first
	// listed first). parkMax overrides defaultParked (tests).
	walkDirs []bool
	parkMax  int
	// walkWorkers is the number of goroutines comparing trees in an
	// in-process walk; 0 means GOMAXPROCS.
	walkWorkers int
	// started is the walk Start began, for the next Chunks; running is
	// the walk Chunks is reading (see Plan).
	started *walkRun
	running atomic.Pointer[walkRun]
	// objs is the object store a whole-history scan read in-process, and
	// where each blob of idx is in it, kept for Attribute.
	objs  *objectStore
	where []packedBlob
}

// HistoryStats describes a finished history walk.
type HistoryStats struct {
	// Commits and Blobs count the commits walked and the unique blobs
	// they hold; BlobBytes is the blobs' total size.
	Commits, Blobs int
	BlobBytes      int64
	// Diffed counts the blobs scanned only where they differ from the
	// previous version of the file (read in-process: around the edits of
	// the delta they are stored as); Bases counts blobs outside the
	// selection read only to compare with.
	Diffed, Bases int
	// InProcess says the blobs were read from the packs in-process, not
	// through git cat-file.
	InProcess bool
}

// Stats describes the last walk (zero before Chunks returns).
func (h *History) Stats() HistoryStats { return h.stats }

// NewHistory returns a Source over the blobs of the selected history.
func NewHistory(repo *Repo, opts Options) *History {
	return &History{repo: repo, opts: opts}
}

// Chunks walks the selected history once ('git log --raw', which lists
// the blob behind every changed path without rendering diffs), asks a
// long-lived 'git cat-file --batch' for each blob seen, once, and yields
// the blobs' chunks as they arrive. A selection of revisions is read as
// it is walked, oldest first, the two overlapping. The whole history
// (no Revs) is walked first, then read in pack order, which costs git
// half the work (see walkPacked); the index of the walk is all it holds
// until then.
func (h *History) Chunks(parent context.Context, yield func(vigil.Chunk) error) error {
	return h.chunks(parent, 0, false, yield)
}

// ChunksConcurrent is Chunks with yield called from the workers that
// compare each blob with its previous version, up to workers at once, so
// that a blob is matched where it was compared, while in that core's
// cache (see vigil.ConcurrentSource).
func (h *History) ChunksConcurrent(ctx context.Context, workers int, yield func(vigil.Chunk) error) error {
	return h.chunks(ctx, workers, true, yield)
}

// walkRun is a walk under way, started by Start or by Chunks: the
// cat-file process blobs are read from, and the walk that queues them.
type walkRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	cf     *catFile
	queue  chan request
	w      *walker
	packed bool
	// objs, when set, is the object store the blobs are read from
	// in-process, instead of cat-file; blobsDone and blobsTotal count its
	// blobs for Plan.
	objs                  *objectStore
	blobsDone, blobsTotal atomic.Int64
	// err is the walk's error, set once done is closed; startErr says
	// that cat-file did not start, and nothing runs.
	done     chan struct{}
	err      error
	startErr error
	// A run no Chunks has taken when its context ends is abandoned: its
	// cat-file is closed then, as Chunks would have.
	mu        sync.Mutex
	taken     bool
	abandoned bool
}

// take makes the caller the owner of the run's cat-file, to close when
// done: the run no longer closes it when its context ends. It returns
// the context's error when the run was abandoned first (its context ended
// before anyone took it, and it is closing or closed): the caller must
// not read from it.
func (run *walkRun) take() error {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.abandoned {
		return run.ctx.Err()
	}
	run.taken = true
	return nil
}

// abandon is called when the run's context ends: it reports whether no
// one has taken the run, which is then marked abandoned and must be
// closed by the caller.
func (run *walkRun) abandon() bool {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.taken {
		return false
	}
	run.abandoned = true
	return true
}

// Start begins the walk in the background, so that git works while the
// caller still prepares the scan (a CLI loads its rules meanwhile); the
// next Chunks goes on with it. Chunks starts the walk itself when no one
// did. Cancelling ctx stops the walk.
func (h *History) Start(ctx context.Context) {
	if h.started == nil {
		h.started = h.startWalk(ctx)
	}
}

func (h *History) startWalk(parent context.Context) *walkRun {
	ctx, cancel := context.WithCancel(parent)
	run := &walkRun{ctx: ctx, cancel: cancel, done: make(chan struct{}), packed: len(h.opts.Revs) == 0}
	h.idx = newIndex()
	h.bases = map[uint32]string{}
	h.objs.close()
	h.objs, h.where = nil, nil
	if run.packed && !h.opts.Whole && !h.opts.CatFile {
		objs, err := h.repo.openObjectStore(ctx)
		if err == nil {
			return h.startInproc(run, objs)
		}
		h.repo.logger().Debug("history read through git cat-file, not in-process", "reason", err)
	}
	limit := deltaCacheLimit("cat-file")
	if run.packed {
		limit = packOrderCacheLimit
	}
	run.cf, run.startErr = h.repo.startCatFileCaching(ctx, limit, true)
	if run.startErr != nil {
		cancel()
		close(run.done)
		return run
	}
	context.AfterFunc(ctx, func() {
		if run.abandon() {
			run.cf.closeWith()
		}
	})
	run.queue = make(chan request, 1<<14)
	run.w = &walker{h: h, idx: h.idx, cf: run.cf, queue: run.queue, excluded: map[string]bool{}, submodules: map[string]string{}, baseAsked: map[string]bool{}}
	go func() {
		defer close(run.done)
		defer close(run.queue)
		if run.packed {
			run.err = run.w.walkPacked(ctx)
		} else {
			run.err = run.w.walk(ctx)
		}
		// No more requests come, whether the walk ended or failed: git
		// writes out the answers it buffered, which the reader waits for.
		run.cf.done()
	}()
	return run
}

func (h *History) chunks(parent context.Context, workers int, concurrent bool, yield func(vigil.Chunk) error) error {
	h.Start(parent)
	run := h.started
	h.started = nil // a second Chunks walks again
	h.running.Store(run)
	if run.startErr != nil {
		return run.startErr
	}
	if run.objs != nil {
		return h.chunksInproc(parent, run, workers, concurrent, yield)
	}
	if err := run.take(); err != nil {
		<-run.done
		return err
	}
	ctx, cancel, cf, queue, w, idx, packed := run.ctx, run.cancel, run.cf, run.queue, run.w, h.idx, run.packed
	defer cancel()
	defer context.AfterFunc(parent, cancel)()
	defer cf.closeWith()
	rd := &reader{repo: h.repo, cf: cf, source: "git", prefix: h.prefix, opts: h.opts, seed: maphash.MakeSeed(), context: h.opts.Context, parkMax: h.parkMax,
		workers: workers, concurrent: concurrent}
	if rd.context <= 0 {
		rd.context = DefaultContext
	}
	if !h.opts.Whole {
		rd.bases = newBaseCache(defaultCacheHashes)
		if packed {
			rd.bases = newBaseCache(packedCacheHashes)
		}
	}
	readErr := rd.run(ctx, queue, yield)
	if readErr != nil {
		cancel()
		for range queue { // let the walker end
		}
	}
	<-run.done
	walkErr := run.err
	switch {
	case (readErr != nil || walkErr != nil) && parent.Err() != nil:
		// Stopped from outside: git was killed, whatever it said.
		return parent.Err()
	case readErr != nil && walkErr != nil && !errors.Is(walkErr, context.Canceled):
		// The walk failing (a corrupt repository) explains the rest.
		return walkErr
	case readErr != nil:
		return readErr
	case walkErr != nil:
		return walkErr
	}
	if err := cf.close(); err != nil {
		return err
	}
	h.stats = HistoryStats{Commits: len(idx.commits), Blobs: len(idx.blobs), BlobBytes: rd.blobBytes, Diffed: rd.diffed, Bases: len(w.baseAsked)}
	h.repo.logger().Debug("history walked", "commits", h.stats.Commits, "blobs", h.stats.Blobs,
		"blob_bytes", h.stats.BlobBytes, "diffed", h.stats.Diffed, "bases", h.stats.Bases,
		"parked", rd.parking.parked, "parked_peak", rd.parking.peak, "parked_dropped", rd.parking.dropped)
	return h.walked(ctx, w, yield)
}

// walked ends a scan whose blobs were all read: it says why an empty walk
// is empty, reports the paths left out, and scans the submodules.
func (h *History) walked(ctx context.Context, w *walker, yield func(vigil.Chunk) error) error {
	if len(h.idx.commits) == 0 {
		return h.noCommits(ctx)
	}
	for _, sk := range w.skips {
		if err := yield(vigil.Chunk{Skip: &sk}); err != nil {
			return err
		}
	}
	if err := h.scanMessages(ctx, w.inproc, yield); err != nil {
		return err
	}
	return h.scanSubmodules(ctx, w.submodules, yield)
}

// ask queues a request for the reader and sends it to cat-file. When the
// queue is full it flushes first, so the reader never waits for a request
// still sitting in a buffer. Writing to a cat-file that died (a corrupt
// object) fails silently: the reader finds it dead, says why, and asks
// another cat-file for the rest.
func ask(ctx context.Context, cf *catFile, queue chan<- request, req request) error {
	select {
	case queue <- req:
	default:
		cf.flush()
		select {
		case queue <- req:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	cf.request(req.oid)
	return nil
}

func skipChunk(o vigil.Origin, reason vigil.SkipReason, err error) vigil.Chunk {
	return vigil.Chunk{Skip: &vigil.Skip{Origin: o, Reason: reason, Err: err}}
}

// noCommits explains an empty walk: an empty repository, or a history with
// no commit reachable, is an error (there was nothing to look at); a
// selection (a range, --since) that holds no commit is not: it has nothing
// to scan, and Stats says so (Commits is 0).
func (h *History) noCommits(ctx context.Context) error {
	out, err := h.repo.output(ctx, "for-each-ref", "--count=1", "--format=%(refname)")
	if err == nil && len(out) == 0 {
		return fmt.Errorf("repository %s has no commits (it is empty): nothing to scan", h.repo.Dir)
	}
	if len(h.opts.Revs) == 0 {
		return fmt.Errorf("repository %s: no commit is reachable from its refs", h.repo.Dir)
	}
	h.repo.logger().Debug("no commit in the selection", "revs", h.opts.Revs)
	return nil
}

// walker runs the history walk and feeds cat-file.
type walker struct {
	h          *History
	idx        *index
	cf         *catFile
	queue      chan<- request
	skips      []vigil.Skip
	excluded   map[string]bool
	submodules map[string]string // path → a commit it points at
	// baseAsked holds blobs outside the selection read as bases only.
	baseAsked map[string]bool
	// inproc says the commits were walked in the packs, as they are
	// stored (not through git, which honours replace refs and grafts).
	inproc bool
}

// walkPacked walks the whole history first, then requests every blob in
// pack order (see packPositions). It serves scans of the whole history,
// where the walk ends long before the reads would; narrower selections
// are read as they are walked.
func (w *walker) walkPacked(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	walked := make(chan struct{})
	var pos []int32
	var listErr error
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		pos, listErr = w.h.repo.packPositions(ctx, w.idx, walked)
	}()
	if err := w.walkAll(ctx); err != nil {
		cancel()
		<-listed
		return err
	}
	close(walked)
	<-listed
	if listErr != nil || len(pos) != len(w.idx.refs) {
		// Read in history order; the reads say what is wrong.
		w.h.repo.logger().Debug("objects not listed", "err", listErr)
		pos = make([]int32, len(w.idx.refs))
		for i := range pos {
			pos[i] = int32(i)
		}
	}
	for _, n := range packOrder(pos) {
		if err := ask(ctx, w.cf, w.queue, w.idx.request(n, pos, w.h.opts.Whole)); err != nil {
			return err
		}
	}
	w.cf.flush()
	return nil
}

// logArgs are the arguments of a history walk over revs: oldest first
// when reverse is set, else newest first.
func logArgs(reverse bool, revs []string) []string {
	args := append([]string{"log"}, rawArgs...)
	args = append(args, logFormat, "--topo-order")
	if reverse {
		args = append(args, "--reverse")
	}
	args = append(args, "--diff-merges=first-parent", "--root", "--no-show-signature", "--no-color")
	return append(append(args, revs...), "--")
}

// walk reads the selected history oldest first, requesting each new blob
// as it is seen.
func (w *walker) walk(ctx context.Context) error {
	return w.h.repo.stream(ctx, func(r io.Reader) error {
		p := newRawReader(r)
		var c rawCommit
		for {
			// Send the requests so far before waiting for git log: the
			// reader may be waiting for them.
			if p.r.Buffered() == 0 {
				w.cf.flush()
			}
			err := p.next(&c)
			if errors.Is(err, io.EOF) {
				w.cf.flush()
				return nil
			}
			if err != nil {
				return err
			}
			if err := w.commit(ctx, &c); err != nil {
				return err
			}
		}
	}, logArgs(true, w.h.opts.Revs)...)
}

// commit records one commit's changes and requests the new blobs.
func (w *walker) commit(ctx context.Context, c *rawCommit) error {
	ci, err := w.addCommit(c)
	if err != nil {
		return err
	}
	for i := range c.entries {
		e := &c.entries[i]
		b, src, ok, err := w.changed(e)
		if err != nil {
			return err
		}
		if !ok || !w.idx.sight(b, ci, e.path, src) {
			continue
		}
		req := request{oid: e.dst, path: e.path}
		hasBase := src != (oid{})
		if w.h.opts.NewOnly && hasBase {
			w.h.bases[uint32(len(w.idx.refs)-1)] = e.src
		}
		if !w.h.opts.Whole && hasBase {
			req.base = e.src
			if _, seen := w.idx.blobs[src]; !seen && !w.baseAsked[e.src] {
				// The previous version is outside the selection: read
				// it to compare with, without scanning it.
				w.baseAsked[e.src] = true
				if err := ask(ctx, w.cf, w.queue, request{oid: e.src, path: e.path, baseOnly: true}); err != nil {
					return err
				}
			}
		}
		if err := ask(ctx, w.cf, w.queue, req); err != nil {
			return err
		}
	}
	return nil
}

// addCommit numbers a commit of the walk.
func (w *walker) addCommit(c *rawCommit) (uint32, error) {
	id, ok := parseOID(c.id)
	if !ok {
		return 0, fmt.Errorf("raw log: bad commit id %q", c.id)
	}
	w.idx.hashLen = len(c.id) / 2
	w.idx.commits = append(w.idx.commits, id)
	return uint32(len(w.idx.commits) - 1), nil
}

// changed returns the blob a change gives its path, and the previous
// version of the file (zero when none); ok is false for changes that
// bring no content to scan (see keeps).
func (w *walker) changed(e *rawEntry) (b, src oid, ok bool, err error) {
	if isZero(e.dst) || e.status == 'D' || e.status == 'U' {
		return b, src, false, nil
	}
	if !w.keeps(e.path, e.dstMode, func() string { return e.dst }) {
		return b, src, false, nil
	}
	if b, ok = parseOID(e.dst); !ok {
		return b, src, false, fmt.Errorf("raw log: bad object id %q", e.dst)
	}
	if !isZero(e.src) && (e.srcMode == modeFile || e.srcMode == modeExec) {
		src, _ = parseOID(e.src)
	}
	return b, src, true, nil
}

// keeps reports whether a change that gives path an object of mode
// dstMode brings content to scan: not for submodules (noted, at the
// commit dst names), symbolic links or excluded paths.
func (w *walker) keeps(path string, dstMode uint32, dst func() string) bool {
	switch dstMode {
	case modeFile, modeExec:
	case modeGitlink:
		if _, ok := w.submodules[path]; !ok {
			w.submodules[path] = dst()
		}
		return false
	default: // symbolic links hold a path, not content
		return false
	}
	return !w.isExcluded(path)
}

// isExcluded reports whether --exclude covers a path, noting each
// excluded path once.
func (w *walker) isExcluded(p string) bool {
	if len(w.h.opts.Exclude) == 0 {
		return false
	}
	if ex, seen := w.excluded[p]; seen {
		return ex
	}
	ex := glob.MatchAny(w.h.opts.Exclude, p)
	w.excluded[p] = ex
	if ex {
		w.skips = append(w.skips, vigil.Skip{Origin: vigil.Origin{Source: "git", Path: w.h.prefix + p}, Reason: vigil.SkipExcluded})
	}
	return ex
}
