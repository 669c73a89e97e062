package git

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"sort"
	"sync"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// request is a blob the walk asks cat-file for: its id, the path it was
// first seen at (for the matcher's path-based scoring), and the previous
// version of the file (base), if any. A baseOnly request reads a blob only
// to compare the next version with, without scanning it. baseLater says
// the base is requested after the blob (reads in pack order).
type request struct {
	oid, path, base string
	baseOnly        bool
	baseLater       bool
}

// reader reads the blobs requested from a cat-file process, in order, and
// yields their chunks. With a base cache, a blob whose previous version
// was read recently is scanned only where it differs from it, plus
// context lines on each side; otherwise whole.
type reader struct {
	repo    *Repo
	cf      *catFile
	source  string // Origin.Source
	prefix  string // put before paths
	opts    Options
	seed    maphash.Seed
	bases   *baseCache // nil: scan whole blobs
	parking *parking   // with bases: blobs waiting for a base to come
	parkMax int        // the bound of parking; 0 means defaultParked
	context int
	// blobBytes sums the sizes of the blobs scanned; diffed counts those
	// compared with their previous version.
	blobBytes int64
	diffed    int
	// workers is the number of diff workers (0: GOMAXPROCS); with
	// concurrent set they also yield, so the scanner matches on them.
	workers    int
	concurrent bool
	// bufs lends the buffers blobs are read into, with concurrent set:
	// a worker is done with a blob once it has yielded its chunks.
	bufs *bufPool
	// jobs carries work to the diff workers; send yields a chunk.
	jobs chan diffJob
	send func(ctx context.Context, c vigil.Chunk) bool
	// restarts counts the cat-file processes started after one died;
	// counted is the first, whose counts stand for all of them.
	restarts int
	counted  *catFile
}

// DefaultContext is the number of unchanged lines scanned on each side of
// a change: more than the farthest any rule looks for a partner (a Twilio
// Auth Token's Account SID, 8 lines), so a change that completes a
// credential with a line already there is still seen whole.
const DefaultContext = 12

// run reads the blobs requested through queue, in order, and yields their
// chunks. Comparing a blob with its previous version happens on worker
// goroutines, so reading from cat-file never waits for it. Chunks are
// yielded from the calling goroutine, or, with rd.concurrent, from the
// workers, which then also match them.
func (rd *reader) run(ctx context.Context, queue <-chan request, yield func(vigil.Chunk) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rd.jobs = make(chan diffJob, 8)
	rd.parking = newParking(cmp.Or(rd.parkMax, defaultParked))
	var workers sync.WaitGroup
	out := newChunkOut(rd.concurrent, yield, cancel)
	rd.send = out.send
	if rd.concurrent {
		rd.bufs = &bufPool{}
	}
	for range cmp.Or(rd.workers, runtime.GOMAXPROCS(0)) {
		workers.Go(func() {
			sc := &diffScratch{}
			for j := range rd.jobs {
				rd.work(ctx, j, sc)
			}
		})
	}
	var err error
	out.drain(func() {
		err = rd.read(ctx, queue)
		close(rd.jobs)
		workers.Wait()
	})
	// The workers have ended: yerr is settled.
	yerr := out.yieldErr()
	if err != nil && (yerr == nil || !errors.Is(err, context.Canceled)) {
		return err
	}
	if yerr == nil {
		// Cancelled from outside after the last read: the workers may
		// have dropped chunks, so the scan is not complete.
		yerr = ctx.Err()
	}
	return yerr
}

// diffJob is work for the diff workers: a blob's one chunk, whose line
// hashes to publish in own, and to compare with its base when that is
// set. With scan unset the blob is a base only, not scanned. stage splits
// the work of a blob whose base is still to come in two jobs.
type diffJob struct {
	chunk     vigil.Chunk
	own, base *baseLines
	scan      bool
	stage     jobStage
	// buf, when set, is the lent buffer behind chunk.Data, given back
	// once the job is done.
	buf []byte
}

// jobStage says which part of a blob's work a job does.
type jobStage uint8

const (
	// hashAndDiff hashes the blob's lines, then compares or passes it on.
	hashAndDiff jobStage = iota
	// hashFirst only hashes the lines, for versions that come next, and
	// keeps where they start for the diff to come.
	hashFirst
	// diffAfter compares a blob hashed by an earlier hashFirst job.
	diffAfter
	// passOn yields a chunk as it is, to be scanned whole.
	passOn
)

// work hashes a blob's lines and publishes them before anything else, so
// that a worker comparing the file's next version never waits long; then
// it passes on the regions of the blob that differ from its base, or the
// whole blob when it has none. sc is the worker's own scratch memory.
func (rd *reader) work(ctx context.Context, j diffJob, sc *diffScratch) {
	c := j.chunk
	defer rd.bufs.put(j.buf)
	var cur lines
	switch j.stage {
	case passOn:
		rd.send(ctx, c)
		return
	case hashFirst:
		cur = splitLines(rd.seed, c.Data, nil)
		j.own.starts = cur.starts
		rd.publish(c.Origin.Blob, j.own, cur.hashes)
		return
	case diffAfter:
		select {
		case <-j.own.ready:
		case <-ctx.Done():
			return
		}
		cur = lines{hashes: j.own.hashes, starts: j.own.starts}
		j.own.starts = nil
	default:
		cur = splitLines(rd.seed, c.Data, sc.starts)
		sc.starts = cur.starts
		rd.publish(c.Origin.Blob, j.own, cur.hashes)
	}
	if !j.scan {
		return
	}
	if j.base == nil {
		rd.send(ctx, c)
		return
	}
	select {
	case <-j.base.ready:
	case <-ctx.Done():
		return
	}
	for i, r := range changedRanges(j.base.hashes, cur, c.Data, rd.context, sc) {
		o := c.Origin
		// The line holding r[0] is the number of lines starting at or
		// before it: splitLines found them already.
		o.Line = sort.SearchInts(cur.starts, r[0]+1)
		if !rd.send(ctx, vigil.Chunk{Data: c.Data[r[0]:r[1]:r[1]], Origin: o, Continued: i > 0}) {
			return
		}
	}
}

// publish makes a blob's line hashes known to the versions that follow.
func (rd *reader) publish(oid string, own *baseLines, hashes []uint64) {
	own.hashes = hashes
	close(own.ready)
	rd.bases.settle(oid, own)
}

// read reads the requested blobs from cat-file and passes on their chunks,
// or the work of comparing them with their previous versions. A cat-file
// that dies on a corrupt object does not end the scan: the object is
// reported unreadable, and the requests after it go to a new cat-file.
func (rd *reader) read(ctx context.Context, queue <-chan request) error {
	for req := range queue {
		if err := rd.readOne(ctx, req); err != nil {
			if !rd.died(ctx, err) {
				return err
			}
			rd.unreadable(ctx, req, err)
			rd.cf.answered.Add(1)
			var rest []request
			for req := range queue { // the walk goes on to its end
				rest = append(rest, req)
			}
			if err := rd.readRest(ctx, rest); err != nil {
				return err
			}
			break
		}
		// Blobs waiting for this one go on: compared with it if it was
		// hashed, whole if not (missing, too large, binary).
		rd.pass(ctx, rd.parking.release(req.oid))
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	rd.pass(ctx, rd.parking.rest())
	return ctx.Err()
}

// readOne reads one requested blob and passes on its chunks, or the work
// of comparing it with its previous version.
func (rd *reader) readOne(ctx context.Context, req request) error {
	emit := func(c vigil.Chunk) bool { return rd.hand(ctx, c) }
	hdr, err := rd.cf.header(req.oid)
	if err != nil {
		return err
	}
	origin := vigil.Origin{Source: rd.source, Path: rd.prefix + req.path, Blob: req.oid}
	switch {
	case hdr.missing && req.baseOnly:
		return nil // the next version is scanned whole
	case hdr.missing:
		emit(skipChunk(origin, vigil.SkipUnreadable, rd.repo.whyMissing(ctx, req.oid)))
		return nil
	case hdr.typ != "blob" && !req.baseOnly:
		emit(skipChunk(origin, vigil.SkipUnsupport, fmt.Errorf("object %s is a %s, not a blob", req.oid, hdr.typ)))
	}
	body := rd.cf.body(hdr)
	if !req.baseOnly {
		rd.blobBytes += hdr.size
	}
	small := hdr.size <= int64(rd.regionMax())
	if hdr.typ == "blob" && (small || !req.baseOnly) {
		out, l := emit, (*loan)(nil)
		if scan := !req.baseOnly; !scan || rd.bases != nil && small { // a base only is small
			l = &loan{buf: rd.bufs.get(int(hdr.size))}
			out = rd.regionsOf(ctx, req, scan, l, emit)
		}
		err := readBlob(body, hdr.size, origin, rd.opts, l.buffer(), out)
		if l != nil && !l.taken {
			rd.bufs.put(l.buf)
		}
		if err != nil {
			return rd.cf.fail("read object "+req.oid, err)
		}
	}
	return rd.cf.end(hdr, body)
}

// loan is a lent buffer a blob is read into, and whether a diff job has
// taken it (to give back when done).
type loan struct {
	buf   []byte
	taken bool
}

// buffer returns the lent buffer, nil without a loan.
func (l *loan) buffer() []byte {
	if l == nil {
		return nil
	}
	return l.buf
}

// lends returns the lent buffer when c's data is it, and marks it taken;
// otherwise nil.
func (l *loan) lends(c vigil.Chunk) []byte {
	if l == nil || len(l.buf) == 0 || len(c.Data) == 0 || &c.Data[0] != &l.buf[0] {
		return nil
	}
	l.taken = true
	return l.buf
}

// regionMax is the largest blob compared with its previous version: one
// that files.ReadChunks yields as a single chunk even after UTF-16
// decoding. Larger blobs are scanned whole.
func (rd *reader) regionMax() int {
	size := rd.opts.ChunkSize
	if size <= 0 {
		size = files.DefaultChunkSize
	}
	return size / 2
}

// regionsOf returns an emit function that takes a blob's one chunk and
// hands it to a diff worker: to be kept as a base for the file's next
// version, and, with scan, to be compared with its own base (or scanned
// whole when that is not at hand).
func (rd *reader) regionsOf(ctx context.Context, req request, scan bool, l *loan, emit func(vigil.Chunk) bool) func(vigil.Chunk) bool {
	return func(c vigil.Chunk) bool {
		if c.Skip != nil || c.Continued || c.Origin.Line != 1 {
			return !scan || emit(c)
		}
		j := diffJob{chunk: c, own: rd.bases.put(req.oid), scan: scan, buf: l.lends(c)}
		if scan && req.base != "" && req.baseLater {
			// Hash it now for the versions that follow; compare it once
			// its base is read (or whole, when too much waits). The
			// comparison, which comes last, gives the buffer back.
			j.stage = hashFirst
			after := diffJob{chunk: c, own: j.own, scan: true, stage: diffAfter, buf: j.buf}
			j.buf = nil
			if !rd.pass(ctx, []diffJob{j}) {
				return false
			}
			return rd.pass(ctx, rd.parking.park(after, req.base))
		}
		j.base = rd.bases.take(req.base)
		return rd.pass(ctx, []diffJob{j})
	}
}

// hand passes on a chunk made on the reading goroutine: a skip at once,
// data through a diff worker, so that matching it never holds up reading.
func (rd *reader) hand(ctx context.Context, c vigil.Chunk) bool {
	if c.Skip != nil {
		return rd.send(ctx, c)
	}
	select {
	case rd.jobs <- diffJob{chunk: c, stage: passOn}:
		return true
	case <-ctx.Done():
		return false
	}
}

// pass hands jobs to the diff workers, each followed by the jobs parked
// waiting for its blob, which compare with it. Parked jobs given here
// without a base go on whole.
func (rd *reader) pass(ctx context.Context, jobs []diffJob) bool {
	for i := 0; i < len(jobs); i++ {
		j := jobs[i]
		if j.base != nil {
			rd.diffed++
		}
		select {
		case rd.jobs <- j:
		case <-ctx.Done():
			return false
		}
		oid := j.chunk.Origin.Blob
		for _, w := range rd.parking.release(oid) {
			w.base = rd.bases.take(oid) // the first waiter takes it
			jobs = append(jobs, w)
		}
	}
	return true
}

// baseLines are the line hashes of a blob kept to compare the next version
// of its file with. A diff worker fills them in, then closes ready. starts
// holds where the lines start, between a hashFirst job and its diffAfter.
type baseLines struct {
	ready  chan struct{}
	hashes []uint64
	starts []int
}

// baseCache keeps the line hashes of recently read blobs, up to max bytes
// of them, oldest forgotten first. An entry is put when its blob is read,
// counted at its size once its hashes are known (settle), and dropped
// when taken as a base: the file's next version replaces it. It is safe
// for concurrent use.
type baseCache struct {
	mu     sync.Mutex
	hashes fifo
}

// defaultCacheHashes bounds the base cache: 32 MiB of line hashes, about
// 4 M lines. On a 30,000-commit history of the Go source tree (~140 MB of
// text at HEAD), 97% of the new versions of files find their previous
// version here.
const defaultCacheHashes = 32 << 20

// defaultParked bounds the content of the blobs waiting for their base
// (see parking). Reading a 30,000-commit history in pack order, at most
// a few MB wait at once.
const defaultParked = 16 << 20

func newBaseCache(max int) *baseCache {
	return &baseCache{hashes: fifo{max: max, m: map[string]fifoEntry{}}}
}

// take returns and forgets a blob's entry, nil if it is not kept.
func (c *baseCache) take(oid string) *baseLines {
	if oid == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hashes.remove(oid)
}

// put keeps a new entry for a blob, to be filled in, and returns it.
func (c *baseCache) put(oid string) *baseLines {
	b := &baseLines{ready: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hashes.add(oid, b, 0)
	return b
}

// settle counts a filled-in entry at its size, forgetting the oldest ones
// while the cache is over its bound.
func (c *baseCache) settle(oid string, b *baseLines) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hashes.grow(oid, b, 8*len(b.hashes))
}

// fifo is a size-bounded map of base entries that forgets its oldest
// entries first.
type fifo struct {
	max, size int
	m         map[string]fifoEntry
	order     []string
}

type fifoEntry struct {
	v    *baseLines
	size int
}

// add stores v under k (unless k is there or v alone is over a quarter
// of the bound), forgetting the oldest entries while over the bound.
func (f *fifo) add(k string, v *baseLines, size int) {
	if _, ok := f.m[k]; ok || size > f.max/4 {
		return
	}
	f.m[k] = fifoEntry{v, size}
	f.order = append(f.order, k)
	f.size += size
	f.trim()
}

// grow adds to the size of k's entry, if it still holds v; an entry grown
// over a quarter of the bound is forgotten.
func (f *fifo) grow(k string, v *baseLines, by int) {
	e, ok := f.m[k]
	if !ok || e.v != v {
		return
	}
	e.size += by
	f.m[k] = e
	f.size += by
	if e.size > f.max/4 {
		f.remove(k)
	}
	f.trim()
}

// trim forgets the oldest entries while the total is over the bound.
func (f *fifo) trim() {
	for f.size > f.max && len(f.order) > 0 {
		old := f.order[0]
		f.order = f.order[1:]
		f.remove(old)
	}
	if len(f.order) > 64 && len(f.order) > 2*len(f.m) {
		// Taken entries leave their place in the order behind: compact
		// it now and then.
		kept := f.order[:0]
		for _, k := range f.order {
			if _, ok := f.m[k]; ok {
				kept = append(kept, k)
			}
		}
		f.order = kept
	}
}

// remove forgets k and returns its value, nil if it is not kept.
func (f *fifo) remove(k string) *baseLines {
	e, ok := f.m[k]
	if ok {
		f.size -= e.size
		delete(f.m, k)
	}
	return e.v
}
