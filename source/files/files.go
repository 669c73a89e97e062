package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/glob"
)

// DefaultMaxFileSize is the size above which a text file is not scanned
// (and the scan is reported incomplete) unless the cap is raised.
const DefaultMaxFileSize = 256 << 20

// Options configure a Source.
type Options struct {
	// MaxFileSize caps the size of a file to scan; 0 means
	// DefaultMaxFileSize, a negative value means no cap.
	MaxFileSize int64
	// Exclude lists globs of paths not to scan, as in .gitignore: "**"
	// spans directories, a pattern without a slash matches any path
	// element, and a directory covers what is below it.
	Exclude []string
	// Readers is the number of files read at once; 0 means a default
	// suited to the machine.
	Readers int
	// ChunkSize is the largest chunk yielded; 0 means DefaultChunkSize.
	ChunkSize int
	// Archives, when set, opens the archives met in the walk so that
	// their members are scanned (see source/archive).
	Archives Archives
}

// Source scans files and directory trees.
type Source struct {
	roots []string
	opts  Options
	// queued and read count the files of the walk so far, and walked is
	// set once the walk is over (see Plan).
	queued, read atomic.Int64
	walked       atomic.Bool
}

// Plan says how many of the files found so far have been read.
func (s *Source) Plan() vigil.Plan {
	return vigil.Plan{Done: s.read.Load(), Total: s.queued.Load(), Unit: "files", Final: s.walked.Load()}
}

// New returns a Source over the given paths (files or directories).
func New(paths []string, opts Options) *Source {
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Readers <= 0 {
		opts.Readers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	return &Source{roots: paths, opts: opts}
}

// job is a file to read.
type job struct {
	path string // on disk
	name string // slash path for reports
}

// Chunks walks every root and yields the chunks of every text file. A root
// that does not exist is an error; files that cannot be read are yielded as
// skips.
func (s *Source) Chunks(ctx context.Context, yield func(vigil.Chunk) error) error {
	for _, root := range s.roots {
		if _, err := os.Stat(root); err != nil {
			return fmt.Errorf("scan %s: %w", root, unwrapPathError(err))
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := newJobQueue(s.opts.Archives != nil, runtime.GOMAXPROCS(0))
	out := make(chan vigil.Chunk, 16)

	var walkErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer jobs.close()
		defer s.walked.Store(true)
		for _, root := range s.roots {
			if err := s.walk(ctx, root, jobs, out); err != nil {
				walkErr = err
				return
			}
		}
	}()
	var readers sync.WaitGroup
	for range s.opts.Readers {
		readers.Add(1)
		go func() {
			defer readers.Done()
			jobs.each(func(j job) {
				s.readFile(ctx, j, out)
				s.read.Add(1)
			})
		}()
	}
	go func() {
		readers.Wait()
		wg.Wait()
		close(out)
	}()

	if err := YieldAll(out, yield, cancel); err != nil {
		return err
	}
	if walkErr != nil && !errors.Is(walkErr, context.Canceled) {
		return walkErr
	}
	return ctx.Err()
}

// send delivers a chunk unless the scan was cancelled.
func send(ctx context.Context, out chan<- vigil.Chunk, c vigil.Chunk) bool {
	select {
	case out <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

func skip(ctx context.Context, out chan<- vigil.Chunk, name string, reason vigil.SkipReason, err error) {
	send(ctx, out, vigil.Chunk{Skip: &vigil.Skip{Origin: vigil.Origin{Source: "file", Path: name}, Reason: reason, Err: err}})
}

// walk enumerates root. Symbolic links are never followed: a link to a
// file inside the root is scanned at the target's own path, and a link out
// of the root is reported as skipped.
func (s *Source) walk(ctx context.Context, root string, jobs *jobQueue, out chan<- vigil.Chunk) error {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = real
	}
	// A root given as a symbolic link is followed; names keep the
	// path the user gave.
	walkRoot := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		walkRoot = absRoot
	}
	return filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if walkRoot != root {
			rel, _ := filepath.Rel(walkRoot, p)
			p = filepath.Join(root, rel)
		}
		name := filepath.ToSlash(p)
		if err != nil {
			skip(ctx, out, name, vigil.SkipUnreadable, unwrapPathError(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && d.Name() == ".git" {
				return fs.SkipDir
			}
			if p != root && s.excluded(name) {
				skip(ctx, out, name+"/", vigil.SkipExcluded, nil)
				return fs.SkipDir
			}
			return nil
		}
		if s.excluded(name) {
			skip(ctx, out, name, vigil.SkipExcluded, nil)
			return nil
		}
		switch t := d.Type(); {
		case t&fs.ModeSymlink != 0:
			reason, note := symlinkNote(p, absRoot)
			skip(ctx, out, name, reason, note)
			return nil
		case !t.IsRegular():
			skip(ctx, out, name, vigil.SkipDevice, fmt.Errorf("a %s, not a file: not read", fileKind(t)))
			return nil
		}
		if !jobs.put(ctx, job{path: p, name: name}) {
			return ctx.Err()
		}
		s.queued.Add(1)
		return nil
	})
}

// symlinkNote says why the symbolic link at p is not followed: its target
// is in the tree (and scanned there), outside it, or nowhere.
func symlinkNote(p, absRoot string) (vigil.SkipReason, error) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return vigil.SkipSymlink, fmt.Errorf("dangling link: %w", unwrapPathError(err))
	}
	if abs, err := filepath.Abs(target); err == nil {
		if rel, err := filepath.Rel(absRoot, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return vigil.SkipLinkInTree, fmt.Errorf("link to %s, scanned at its own path", filepath.ToSlash(rel))
		}
	}
	return vigil.SkipSymlink, errors.New("link points outside the scanned root: not followed")
}

// fileKind names the type of what is not a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}

func (s *Source) excluded(name string) bool {
	name = strings.TrimPrefix(name, "./")
	return glob.MatchAny(s.opts.Exclude, name)
}

// readFile yields the chunks of one file, or a skip.
func (s *Source) readFile(ctx context.Context, j job, out chan<- vigil.Chunk) {
	name := strings.TrimPrefix(j.name, "./")
	if IsBinaryName(name) {
		skip(ctx, out, name, vigil.SkipBinary, nil)
		return
	}
	f, err := os.Open(j.path)
	if err != nil {
		skip(ctx, out, name, vigil.SkipUnreadable, unwrapPathError(err))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		skip(ctx, out, name, vigil.SkipUnreadable, unwrapPathError(err))
		return
	}
	if !st.Mode().IsRegular() {
		skip(ctx, out, name, vigil.SkipDevice, fmt.Errorf("a %s, not a file: not read", fileKind(st.Mode())))
		return
	}
	origin := vigil.Origin{Source: "file", Path: name}
	emit := func(c vigil.Chunk) bool { return send(ctx, out, c) }
	if err := Item(ctx, f, st.Size(), origin, s.opts, emit); err != nil {
		skip(ctx, out, name, vigil.SkipUnreadable, unwrapPathError(err))
	}
}

// streamChunks sniffs r and emits its chunks, or a binary skip, until emit
// returns false. size is the expected size, or -1 when unknown.
func streamChunks(r io.Reader, size int64, origin vigil.Origin, chunkSize int, emit func(vigil.Chunk) bool) error {
	return Item(context.Background(), r, size, origin, Options{ChunkSize: chunkSize, MaxFileSize: -1}, emit)
}

// chunkHead emits the chunks of a text item whose first bytes, head, have
// been read from r already.
func chunkHead(r io.Reader, head []byte, size int64, origin vigil.Origin, chunkSize int, emit func(vigil.Chunk) bool) error {
	n := len(head)
	if size > 0 && int64(n) == size && size <= int64(chunkSize) {
		emit(vigil.Chunk{Data: head, Origin: withLine(origin)})
		return nil
	}
	cr := newChunkReader(r, origin, chunkSize, head)
	for {
		c, err := cr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !emit(c) {
			return nil
		}
	}
}

func withLine(o vigil.Origin) vigil.Origin {
	o.Line = 1
	return o
}

// unwrapPathError drops the *fs.PathError wrapper when the path is already
// in the message, so messages do not repeat it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// YieldAll yields every chunk received from out until it is closed. When
// yield fails it cancels the producers and keeps draining, so that every
// goroutine sending on out can end; it returns yield's error.
func YieldAll(out <-chan vigil.Chunk, yield func(vigil.Chunk) error, cancel func()) error {
	var err error
	for c := range out {
		if err != nil {
			continue
		}
		if err = yield(c); err != nil {
			cancel()
		}
	}
	return err
}
