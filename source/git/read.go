package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// request is a blob the walk asks cat-file for: its id, the path it was
// first seen at (for the matcher's path-based scoring), and the previous
// version of the file (base), if any. A baseOnly request reads a blob only
// to compare the next version with, without scanning it.
type request struct {
	oid, path, base string
	baseOnly        bool
}

// reader reads the blobs requested from a cat-file process, in order, and
// yields their chunks. With a base cache, a blob whose previous version
// was read is scanned only where it differs from it, plus context lines
// on each side; otherwise whole.
type reader struct {
	repo    *Repo
	cf      *catFile
	source  string // Origin.Source
	prefix  string // put before paths
	opts    Options
	seed    maphash.Seed
	bases   *baseCache // nil: scan whole blobs
	context int
	// blobBytes sums the sizes of the blobs scanned; diffed counts those
	// compared with their previous version.
	blobBytes int64
	diffed    int
	// out carries chunks to the yielding goroutine; jobs carries work to
	// the diff workers.
	out  chan vigil.Chunk
	jobs chan diffJob
}

// DefaultContext is the number of unchanged lines scanned on each side of
// a change: more than the farthest any rule looks for a partner (a Twilio
// Auth Token's Account SID, 8 lines), so a change that completes a
// credential with a line already there is still seen whole.
const DefaultContext = 12

// run reads the blobs requested through queue, in order, and yields their
// chunks. Comparing a blob with its previous version happens on worker
// goroutines, so reading from cat-file never waits for it; chunks are
// yielded from the calling goroutine.
func (rd *reader) run(ctx context.Context, queue <-chan request, yield func(vigil.Chunk) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(chan vigil.Chunk, 64)
	rd.out, rd.jobs = out, make(chan diffJob, 8)
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Go(func() {
			for j := range rd.jobs {
				rd.work(ctx, j)
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		err := rd.read(ctx, queue)
		close(rd.jobs)
		workers.Wait()
		close(out)
		readErr <- err
	}()
	var yerr error
	for c := range out {
		if yerr == nil {
			if yerr = yield(c); yerr != nil {
				cancel()
			}
		}
	}
	if err := <-readErr; err != nil && (yerr == nil || !errors.Is(err, context.Canceled)) {
		return err
	}
	return yerr
}

// send passes a chunk to the yielding goroutine.
func (rd *reader) send(ctx context.Context, c vigil.Chunk) bool {
	select {
	case rd.out <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

// diffJob is work for the diff workers: a blob to compare with its base
// (content, or line hashes), or blobs pushed out of the base cache whose
// lines to hash.
type diffJob struct {
	chunk     vigil.Chunk
	base      []byte
	baseLines []uint64
	evicted   []entry[[]byte]
}

func (rd *reader) work(ctx context.Context, j diffJob) {
	for _, e := range j.evicted {
		rd.bases.keepHashes(e.k, hashLines(rd.seed, e.v))
	}
	if j.chunk.Data == nil {
		return
	}
	c := j.chunk
	var ranges [][2]int
	if j.base != nil {
		ranges = changedBytes(rd.seed, j.base, c.Data, rd.context)
	} else {
		ranges = changedRanges(rd.seed, j.baseLines, c.Data, rd.context)
	}
	line, at := 1, 0
	for i, r := range ranges {
		line += bytes.Count(c.Data[at:r[0]], []byte{'\n'})
		at = r[0]
		o := c.Origin
		o.Line = line
		if !rd.send(ctx, vigil.Chunk{Data: c.Data[r[0]:r[1]:r[1]], Origin: o, Continued: i > 0}) {
			return
		}
	}
}

// read reads the requested blobs from cat-file and passes on their chunks,
// or the work of comparing them with their previous versions.
func (rd *reader) read(ctx context.Context, queue <-chan request) error {
	emit := func(c vigil.Chunk) bool { return rd.send(ctx, c) }
	for req := range queue {
		hdr, err := rd.cf.header(req.oid)
		if err != nil {
			return err
		}
		origin := vigil.Origin{Source: rd.source, Path: rd.prefix + req.path, Blob: req.oid}
		switch {
		case hdr.missing && req.baseOnly:
			continue // the next version is scanned whole
		case hdr.missing:
			emit(skipChunk(origin, vigil.SkipUnreadable, rd.repo.whyMissing(ctx, req.oid)))
			continue
		case hdr.typ != "blob" && !req.baseOnly:
			emit(skipChunk(origin, vigil.SkipUnsupport, fmt.Errorf("object %s is a %s, not a blob", req.oid, hdr.typ)))
		}
		body := rd.cf.body(hdr)
		if !req.baseOnly {
			rd.blobBytes += hdr.size
		}
		small := hdr.size <= int64(rd.regionMax())
		if hdr.typ == "blob" && (small || !req.baseOnly) {
			out := emit
			switch {
			case req.baseOnly:
				out = rd.regionsOf(ctx, req, nil)
			case rd.bases != nil && small:
				out = rd.regionsOf(ctx, req, emit)
			}
			if err := readBlob(body, hdr.size, origin, rd.opts, out); err != nil {
				return rd.cf.fail("read object "+req.oid, err)
			}
		}
		if err := rd.cf.end(hdr, body); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
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

// regionsOf returns an emit function that takes a blob's one chunk,
// keeps it to compare the next version with, and passes it on to be
// compared with its base (or whole, when the base is not at hand). With
// emit nil, nothing is passed on.
func (rd *reader) regionsOf(ctx context.Context, req request, emit func(vigil.Chunk) bool) func(vigil.Chunk) bool {
	return func(c vigil.Chunk) bool {
		if c.Skip != nil || c.Continued || c.Origin.Line != 1 {
			return emit == nil || emit(c)
		}
		base, baseLines, ok := rd.bases.take(req.base)
		// The matcher only reads chunk data, so the cache may share it.
		j := diffJob{evicted: rd.bases.put(req.oid, c.Data)}
		if emit != nil && ok {
			rd.diffed++
			j.chunk, j.base, j.baseLines = c, base, baseLines
		}
		if j.chunk.Data != nil || len(j.evicted) > 0 {
			select {
			case rd.jobs <- j:
			case <-ctx.Done():
				return false
			}
		}
		if emit != nil && !ok {
			return emit(c)
		}
		return true
	}
}

// baseCache keeps recently read blobs to compare the next version of a
// file with: the newest whole (up to maxContent bytes), older ones as line
// hashes only (up to maxHashes bytes), oldest forgotten first. A blob
// taken as a base is dropped: the file's next version replaces it. It is
// safe for concurrent use.
type baseCache struct {
	mu      sync.Mutex
	content fifo[[]byte]
	hashes  fifo[[]uint64]
}

// Default bounds of the base cache. On a 30,000-commit history of the Go
// source tree (~140 MB of text at HEAD), 97% of the new versions of files
// find their previous version here.
const (
	defaultCacheContent = 16 << 20
	defaultCacheHashes  = 16 << 20
)

func newBaseCache(maxContent, maxHashes int) *baseCache {
	return &baseCache{
		content: fifo[[]byte]{max: maxContent, m: map[string][]byte{}},
		hashes:  fifo[[]uint64]{max: maxHashes, m: map[string][]uint64{}},
	}
}

// take returns and forgets a blob: its content, or else its line hashes.
func (c *baseCache) take(oid string) ([]byte, []uint64, bool) {
	if oid == "" {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.content.remove(oid); ok {
		return b, nil, true
	}
	h, ok := c.hashes.remove(oid)
	return nil, h, ok
}

// put keeps a blob and returns the blobs it pushed out, to be kept as
// line hashes (keepHashes) once hashed.
func (c *baseCache) put(oid string, data []byte) []entry[[]byte] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.content.add(oid, data, len(data))
}

// keepHashes keeps a blob's line hashes.
func (c *baseCache) keepHashes(oid string, h []uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hashes.add(oid, h, 8*len(h))
}

// fifo is a size-bounded map that forgets its oldest entries first.
type fifo[V any] struct {
	max, size int
	m         map[string]V
	sizes     map[string]int
	order     []string
}

type entry[V any] struct {
	k string
	v V
}

// add stores v under k (unless k is there or v alone is over a quarter
// of the bound) and returns the entries pushed out.
func (f *fifo[V]) add(k string, v V, size int) []entry[V] {
	if _, ok := f.m[k]; ok || size > f.max/4 {
		return nil
	}
	if f.sizes == nil {
		f.sizes = map[string]int{}
	}
	var out []entry[V]
	for f.size+size > f.max && len(f.order) > 0 {
		old := f.order[0]
		f.order = f.order[1:]
		if ov, ok := f.m[old]; ok {
			out = append(out, entry[V]{old, ov})
			f.size -= f.sizes[old]
			delete(f.m, old)
			delete(f.sizes, old)
		}
	}
	f.m[k], f.sizes[k] = v, size
	f.order = append(f.order, k)
	f.size += size
	return out
}

// remove forgets k and returns its value. Its place in the order is
// skipped when reached.
func (f *fifo[V]) remove(k string) (V, bool) {
	v, ok := f.m[k]
	if ok {
		f.size -= f.sizes[k]
		delete(f.m, k)
		delete(f.sizes, k)
	}
	return v, ok
}
