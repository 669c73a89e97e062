package files

import (
	"context"
	"path"
	"strings"
	"sync/atomic"
)

// walkAhead is how many files the walk may list before the readers take
// them. It lets the walk run far enough ahead to find the archives of a
// tree early (a job is a few dozen bytes, so a full queue costs about
// a megabyte).
const walkAhead = 16 << 10

// jobQueue hands the files found by the walk to the readers, archives
// first. Reading an archive is serial (one member after another, and
// decompressing bzip2 or gzip cannot be shared between cores), so a large
// archive found last would leave one core busy long after the rest of
// the tree is done; started early, it overlaps with the other files.
// While plain files remain, at most maxArchives archives are read at once,
// so that the decompressors' buffers do not pile up.
type jobQueue struct {
	archives, plain chan job
	// prefer routes archive-like names to the archives channel; false
	// when the scan does not open archives.
	prefer      bool
	maxArchives int32
	reading     atomic.Int32 // archives being read
}

func newJobQueue(prefer bool, maxArchives int) *jobQueue {
	return &jobQueue{
		archives: make(chan job, 1024), plain: make(chan job, walkAhead),
		prefer: prefer, maxArchives: int32(max(1, maxArchives)),
	}
}

// put queues j, or returns false when ctx is done first.
func (q *jobQueue) put(ctx context.Context, j job) bool {
	ch := q.plain
	if q.prefer && archiveName(j.name) {
		ch = q.archives
	}
	select {
	case ch <- j:
		return true
	case <-ctx.Done():
		return false
	}
}

// close tells the readers that the walk is over.
func (q *jobQueue) close() {
	close(q.archives)
	close(q.plain)
}

// each calls read for every job it takes from the queue, an archive
// whenever one is waiting and fewer than maxArchives are being read, until
// the queue is closed and drained. Several goroutines call each at once.
func (q *jobQueue) each(read func(job)) {
	archives, plain := q.archives, q.plain
	takeArchive := func(j job, ok bool) {
		if !ok {
			archives = nil
			return
		}
		q.reading.Add(1)
		defer q.reading.Add(-1)
		read(j)
	}
	for archives != nil || plain != nil {
		var ac <-chan job
		if archives != nil && (plain == nil || q.reading.Load() < q.maxArchives) {
			ac = archives
			select {
			case j, ok := <-ac:
				takeArchive(j, ok)
				continue
			default:
			}
		}
		select {
		case j, ok := <-ac:
			takeArchive(j, ok)
		case j, ok := <-plain:
			if !ok {
				plain = nil
				continue
			}
			read(j)
		}
	}
}

// archiveName reports whether a file name looks like an archive or a
// compressed file. It only orders the work: whether a file is opened as
// an archive is decided from its content (see Archives.Match).
func archiveName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".zip", ".jar", ".war", ".ear", ".whl", ".apk", ".aar", ".egg", ".nupkg",
		".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".zst", ".tzst":
		return true
	}
	return false
}
