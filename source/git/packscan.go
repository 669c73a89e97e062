package git

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
	"github.com/vigilsec/vigil/source/git/pack"
)

// packScan reads the blobs of a walked history straight from the packs and
// scans what each adds. Each delta tree of a pack is built from its root
// down, every object once from its base; a blob stored whole, or built on
// an object not scanned, is scanned whole; a blob stored as a delta on a
// scanned object is scanned only around the delta's edits: its inserted
// bytes and the places where it drops bytes of its base, with context
// lines on each side. Every byte of every version is scanned that way,
// once, in the object that added it; attribution follows the deltas'
// copies to the other blobs that hold what was found (see holders).
type packScan struct {
	h       *History
	objs    *objectStore
	idx     *index
	where   []packedBlob
	opts    Options
	context int
	prefix  string
	// send yields a chunk; it reports false once the scan stops.
	send func(ctx context.Context, c vigil.Chunk) bool
	// pooled buffers are given back once a tree is scanned (the chunks
	// are matched before send returns).
	bufs *bufPool
	// done marks each blob scanned or reported (by blob number); counted
	// counts them for progress displays.
	done      []bool
	counted   *atomic.Int64
	blobBytes atomic.Int64
	diffed    atomic.Int64
	// tasks queues the work, pending counts what is queued or under way,
	// idle the workers waiting for some.
	tasks   chan task
	pending sync.WaitGroup
	idle    atomic.Int32
}

// task is a delta tree, or part of one, to build and scan: object pos of
// f and what is built on it, on base (nil for a root) whose type, start
// and coverage are known.
type task struct {
	f        *forest
	pos      int32
	base     []byte
	typ      pack.Type
	covered  bool
	baseHead head
}

// run scans every blob of the index with workers goroutines. The delta
// trees are handed out largest first, and a worker that runs out of work
// takes part of another's tree (the children of an object, sharing its
// content), so that one long history of a large file does not end the scan
// on one core.
func (ps *packScan) run(ctx context.Context, workers int) error {
	ps.done = make([]bool, len(ps.idx.oids))
	ps.where = ps.objs.locate(ps.idx)
	if ps.counted == nil {
		ps.counted = &atomic.Int64{}
	}
	ps.tasks = make(chan task, 1024)
	var wg sync.WaitGroup
	for range cmp.Or(workers, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			w := &packWorker{ps: ps, rd: ps.objs.store.NewReader()}
			for {
				ps.idle.Add(1)
				t, ok := <-ps.tasks
				ps.idle.Add(-1)
				if !ok {
					return
				}
				w.task(ctx, t)
				ps.pending.Done()
			}
		})
	}
	// Loose blobs (and missing ones) are read whole by one worker of
	// their own, while the others build the trees.
	wg.Go(func() {
		w := &packWorker{ps: ps, rd: ps.objs.store.NewReader()}
		for n := range ps.where {
			if ps.where[n].f == nil {
				w.loose(ctx, uint32(n))
			}
		}
	})
	var roots []task
	for _, f := range ps.objs.forests {
		for _, pos := range f.roots() {
			roots = append(roots, task{f: f, pos: pos, baseHead: headUnknown})
		}
	}
	weights := map[*forest][]uint64{}
	for _, f := range ps.objs.forests {
		weights[f] = f.weights()
	}
	slices.SortStableFunc(roots, func(a, b task) int { return cmp.Compare(weights[b.f][b.pos], weights[a.f][a.pos]) })
	ps.pending.Add(len(roots))
feed:
	for i, t := range roots {
		select {
		case ps.tasks <- t:
		case <-ctx.Done():
			ps.pending.Add(i - len(roots))
			break feed
		}
	}
	ps.pending.Wait()
	close(ps.tasks)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Blobs no tree reached: their deltas form a cycle (a corrupt pack).
	for n, d := range ps.done {
		if !d {
			ps.send(ctx, skipChunk(ps.origin(uint32(n)), vigil.SkipUnreadable,
				fmt.Errorf("object %s: its delta chain does not lead to a whole object (a corrupt pack)", ps.idx.oids[n].hex(pack.HashLen))))
		}
	}
	return ctx.Err()
}

// share hands the objects built on one object to an idle worker, when one
// waits and nothing else is queued; it reports whether it did.
func (ps *packScan) share(t task) bool {
	if ps.idle.Load() == 0 || len(ps.tasks) > 0 {
		return false
	}
	ps.pending.Add(1)
	select {
	case ps.tasks <- t:
		return true
	default:
		ps.pending.Done()
		return false
	}
}

// handled marks blob n scanned or reported.
func (ps *packScan) handled(n uint32) {
	ps.done[n] = true
	ps.counted.Add(1)
}

// origin is where blob n was first seen.
func (ps *packScan) origin(n uint32) vigil.Origin {
	return vigil.Origin{Source: "git", Path: ps.prefix + ps.idx.paths[ps.idx.refs[n].path], Blob: ps.idx.oids[n].hex(pack.HashLen)}
}

// packWorker builds and scans delta trees, one at a time. Its scratch
// memory serves one object at a time: a parent is done with it before its
// children are built.
type packWorker struct {
	ps    *packScan
	rd    *pack.Reader
	z     pack.Inflater
	comp  []byte
	delta []byte
	ops   []pack.Op
}

// task builds and scans the delta tree, or part of one, that t says.
func (w *packWorker) task(ctx context.Context, t task) {
	if t.base == nil && t.f.base[t.pos] == extBase {
		typ, _, data, err := w.rd.Read(t.f.ext[t.pos], pack.MaxObjectSize)
		if err != nil {
			w.fail(ctx, t.f, t.pos, fmt.Errorf("object %s: its delta base: %w", t.f.p.Index.ID(int(t.pos)), err))
			return
		}
		t.base, t.typ = data, typ
	}
	if err := t.f.bad[t.pos]; err != nil {
		w.fail(ctx, t.f, t.pos, err)
		return
	}
	w.visit(ctx, t.f, t.pos, t.base, t.typ, t.covered, t.baseHead)
}

// visit builds object pos of f on base (nil for a whole object), scans it
// if the history holds it, then does the same for the objects built on it.
// typ is the type of the tree's root; covered says every byte of base was
// scanned.
func (w *packWorker) visit(ctx context.Context, f *forest, pos int32, base []byte, typ pack.Type, covered bool, baseHead head) {
	if ctx.Err() != nil {
		return
	}
	e, comp, buf, err := f.p.ReadEntry(int(pos), w.comp)
	w.comp = buf
	var data []byte
	var ops []pack.Op
	switch {
	case err != nil:
	case e.Type.IsDelta():
		if w.delta, err = w.z.Inflate(comp, e.Size, w.delta); err != nil {
			err = damaged(f, pos, e, err)
			break
		}
		var size uint64
		if w.ops, size, err = pack.Ops(w.delta, uint64(len(base)), w.ops[:0]); err != nil {
			err = damaged(f, pos, e, err)
			break
		}
		ops = w.ops
		data = pack.Apply(base, w.delta, ops, size, w.ps.bufs.get(int(size)))
	default:
		typ = e.Type
		if data, err = w.z.Inflate(comp, e.Size, w.ps.bufs.get(int(e.Size))); err != nil {
			err = damaged(f, pos, e, err)
		}
	}
	if err != nil {
		w.fail(ctx, f, pos, err)
		return
	}
	scanned := false
	if n := f.want[pos]; n != 0 {
		hd := headOf(data, ops, baseHead)
		scanned = w.scan(ctx, n-1, data, ops, uint64(len(base)), typ, covered && ops != nil, hd == headBinary)
		baseHead = hd
	} else {
		baseHead = headUnknown
	}
	shared := false
	for _, k := range f.kidsOf(pos) {
		if !f.need[k] {
			continue
		}
		t := task{f: f, pos: k, base: data, typ: typ, covered: scanned, baseHead: baseHead}
		if w.ps.share(t) {
			shared = true // the content is the other worker's too now
			continue
		}
		w.visit(ctx, f, k, data, typ, scanned, baseHead)
	}
	if !shared {
		w.ps.bufs.put(data)
	}
}

// fail reports every blob of the tree under pos as unreadable.
func (w *packWorker) fail(ctx context.Context, f *forest, pos int32, err error) {
	if n := f.want[pos]; n != 0 {
		w.ps.handled(n - 1)
		w.ps.send(ctx, skipChunk(w.ps.origin(n-1), vigil.SkipUnreadable, err))
	}
	for _, k := range f.kidsOf(pos) {
		if f.need[k] {
			w.fail(ctx, f, k, fmt.Errorf("its delta base could not be read: %w", err))
		}
	}
}

// loose reads a blob that is in no pack whole, and scans it.
func (w *packWorker) loose(ctx context.Context, n uint32) {
	ps := w.ps
	id := pack.OID(ps.idx.oids[n][:pack.HashLen])
	ps.handled(n)
	typ, size, data, err := w.rd.Read(id, pack.MaxObjectSize)
	switch {
	case errors.Is(err, pack.ErrNotFound):
		ps.send(ctx, skipChunk(ps.origin(n), vigil.SkipUnreadable, fmt.Errorf("object %s is missing from the repository (a shallow or partial clone, or a damaged object store)", id)))
	case err != nil:
		ps.send(ctx, skipChunk(ps.origin(n), vigil.SkipUnreadable, fmt.Errorf("object %s is damaged: %w", id, err)))
	case typ != pack.Blob:
		ps.send(ctx, skipChunk(ps.origin(n), vigil.SkipUnsupport, fmt.Errorf("object %s is a %s, not a blob", id, typ)))
	default:
		ps.blobBytes.Add(int64(size))
		readBlob(bytes.NewReader(data), int64(size), ps.origin(n), ps.opts, nil, func(c vigil.Chunk) bool { return ps.send(ctx, c) })
	}
}

// scan scans blob n, built as data: around its edits (ops, on a base of
// baseLen bytes) when incremental, else whole. It reports whether every
// byte of it was scanned as text.
func (w *packWorker) scan(ctx context.Context, n uint32, data []byte, ops []pack.Op, baseLen uint64, typ pack.Type, incremental, binary bool) bool {
	ps := w.ps
	ps.handled(n)
	origin := ps.origin(n)
	emit := func(c vigil.Chunk) bool { return ps.send(ctx, c) }
	if typ != pack.Blob {
		emit(skipChunk(origin, vigil.SkipUnsupport, fmt.Errorf("object %s is a %s, not a blob", origin.Blob, typ)))
		return false
	}
	ps.blobBytes.Add(int64(len(data)))
	size := int64(len(data))
	text := !files.IsBinaryName(origin.Path) && !ps.opts.over(size) &&
		!(size <= maxPointerSize && isPointer(data)) && !bytes.HasPrefix(data, []byte{0xff, 0xfe}) &&
		!bytes.HasPrefix(data, []byte{0xfe, 0xff}) && !binary
	if text && incremental {
		regions := editRegions(data, ops, baseLen, ps.context)
		if fits(regions, ps.chunkMax()) {
			ps.diffed.Add(1)
			line, at := 1, 0
			for i, r := range regions {
				line += bytes.Count(data[at:r[0]], []byte{'\n'})
				at = r[0]
				o := origin
				o.Line = line
				if !emit(vigil.Chunk{Data: data[r[0]:r[1]:r[1]], Origin: o, Continued: i > 0}) {
					break
				}
			}
			return true
		}
	}
	// Whole: readBlob reads data into itself, and says what it skips.
	readBlob(bytes.NewReader(data), size, origin, ps.opts, data, emit)
	return text
}

// chunkMax is the largest region scanned as one chunk.
func (ps *packScan) chunkMax() int {
	return cmp.Or(max(ps.opts.ChunkSize, 0), files.DefaultChunkSize)
}

func fits(regions [][2]int, most int) bool {
	for _, r := range regions {
		if r[1]-r[0] > most {
			return false
		}
	}
	return true
}

// damaged describes an object of a pack that could not be read.
func damaged(f *forest, pos int32, e pack.Entry, err error) error {
	return fmt.Errorf("object %s is damaged (at offset %d of %s): %w", f.p.Index.ID(int(pos)), e.Offset, filepath.Base(f.p.Path), err)
}

// head is what the start of an object says of it: binary data or text.
type head uint8

const (
	headUnknown head = iota
	headText
	headBinary
)

// sniffLen is how much of its start decides whether a blob is binary.
const sniffLen = 8 << 10

// headOf classifies the start of data, built by ops on a base whose start
// was classified as baseHead: a delta that copies the base's start
// unchanged has the same.
func headOf(data []byte, ops []pack.Op, baseHead head) head {
	n := uint64(min(len(data), sniffLen))
	if baseHead != headUnknown && len(ops) > 0 && !ops[0].Insert && ops[0].From == 0 && ops[0].Len >= n && n == sniffLen {
		return baseHead
	}
	if files.IsBinaryHead(data) {
		return headBinary
	}
	return headText
}
