// Package archive reads zip (and jar, war, ear, whl, apk…), tar, and
// gzip, bzip2 or zstd compressed files in memory, nested up to a depth,
// and yields the chunks of their members for vigil to scan. Nothing is
// ever written to disk; symbolic links are not followed; members named
// with "../" or absolute paths are scanned under a safe name; and limits
// on expanded size, compression ratio and entry count stop archive bombs,
// reporting the archive as not fully scanned (vigil.SkipLimit).
//
// A Reader plugs into the files source as its files.Options.Archives.
package archive

import (
	"context"
	"io"
	"log/slog"
	"slices"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// Defaults for Options.
const (
	DefaultDepth      = 3
	DefaultMaxSize    = 1 << 30
	DefaultMaxRatio   = 200
	DefaultMaxEntries = 100_000
	// ratioFloor is how much a member or stream must expand to before
	// its compression ratio is judged: small, very regular files compress
	// far better than the limit and are harmless.
	ratioFloor = 1 << 20
	// maxBuffered caps a zip read into memory because it sits inside a
	// stream (a tar, a compressed file, an image layer).
	maxBuffered = 256 << 20
)

// Options set the limits of a Reader. Zero values mean the defaults.
type Options struct {
	// Depth is how many archives deep members are read: 1 reads the
	// members of an archive but not of the archives inside it.
	Depth int
	// MaxSize caps the bytes expanded from one outermost archive, at
	// every level of nesting together.
	MaxSize int64
	// MaxRatio caps the ratio of expanded to compressed size of a zip
	// member or a compressed stream.
	MaxRatio int
	// MaxEntries caps the entries read from one outermost archive.
	MaxEntries int
	// Files says how members are read: their size cap and chunk size.
	// Its Archives field is ignored.
	Files files.Options
	// Logger receives debug diagnostics; nil discards them.
	Logger *slog.Logger
}

// Reader reads archives. It is safe for concurrent use.
type Reader struct {
	opts Options
}

// New returns a Reader with the given limits.
func New(opts Options) *Reader {
	if opts.Depth <= 0 {
		opts.Depth = DefaultDepth
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.MaxRatio <= 0 {
		opts.MaxRatio = DefaultMaxRatio
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reader{opts: opts}
}

// Match reports whether an item named name, whose first bytes are head, is
// an archive this Reader opens: by its extension, or by its magic number.
func (r *Reader) Match(name string, head []byte) bool {
	return detect(name, head) != kindNone
}

// Read yields the chunks of the members of the archive r (see
// files.Archives). Each call is one outermost archive, with its own budget
// of expanded bytes and entries.
func (r *Reader) Read(ctx context.Context, src io.Reader, size int64, origin vigil.Origin, emit func(vigil.Chunk) bool) {
	w := &walk{r: r, ctx: ctx, emit: emit}
	level{w: w, depth: 1}.Read(ctx, src, size, origin, emit)
}

// walk is the state of reading one outermost archive.
type walk struct {
	r        *Reader
	ctx      context.Context
	emit     func(vigil.Chunk) bool
	expanded int64 // bytes decompressed so far, all levels
	entries  int
	// stopped is set once a limit was hit (and reported) or emit asked to
	// stop: every level then returns without reading further.
	stopped bool
}

// skip emits a skip for origin.
func (w *walk) skip(origin vigil.Origin, reason vigil.SkipReason, err error) {
	if !w.emit(vigil.Chunk{Skip: &vigil.Skip{Origin: origin, Reason: reason, Err: err}}) {
		w.stopped = true
	}
}

// done reports whether reading should stop.
func (w *walk) done() bool {
	return w.stopped || w.ctx.Err() != nil
}

// level reads archives at one depth of nesting; as a files.Archives it is
// what reads the archives found among the members of the level above.
type level struct {
	w     *walk
	depth int
}

// Match implements files.Archives.
func (l level) Match(name string, head []byte) bool {
	return detect(name, head) != kindNone
}

// Read implements files.Archives: it reads one archive at this depth, or
// reports it as a limit when it is nested too deep.
func (l level) Read(ctx context.Context, src io.Reader, size int64, origin vigil.Origin, emit func(vigil.Chunk) bool) {
	w := l.w
	if w.done() {
		return
	}
	if l.depth > w.r.opts.Depth {
		w.skip(origin, vigil.SkipLimit, errDepth(w.r.opts.Depth))
		return
	}
	if origin.Source == "file" {
		origin.Source = "archive"
	}
	l.read(src, size, origin)
}

// member scans one member of an archive at this level; nested archives go
// one level down. It returns the error that stopped reading the member,
// which the caller reports with fail.
func (l level) member(r io.Reader, size int64, origin vigil.Origin) error {
	opts := l.w.r.opts.Files
	opts.Archives = level{w: l.w, depth: l.depth + 1}
	emit := func(c vigil.Chunk) bool {
		if !l.w.emit(c) {
			l.w.stopped = true
		}
		return !l.w.stopped
	}
	return files.Item(l.w.ctx, r, size, origin, opts, emit)
}

// memberOrigin is the origin of a member named name (as the archive gives
// it) of the archive at origin.
func memberOrigin(origin vigil.Origin, name string) vigil.Origin {
	o := origin
	member := SafeName(name)
	o.Path = origin.Path + "!" + member
	o.Members = append(slices.Clip(origin.Members), member)
	o.Line = 0
	return o
}
