package vigil

import (
	"context"
	"fmt"
)

// Chunk is a piece of content to scan.
type Chunk struct {
	// Data is owned by the scanner once yielded: a source must not reuse it.
	Data []byte
	// Origin.Line is the line number of Data[0].
	Origin Origin
	// Overlap is how many leading bytes of Data repeat the end of the
	// previous chunk of the same item, so that a secret on the boundary is
	// seen whole, with context on both sides.
	Overlap int
	// Handoff, when set, is where the next chunk of the item takes over:
	// findings starting at or after it are left to the next chunk, which
	// sees them with more of what follows (a Twilio Auth Token whose
	// Account SID is a few lines further on). The next chunk takes over at
	// the middle of its Overlap, the same byte of the item, and reports
	// nothing before it. A source whose chunks do not overlap leaves both
	// at zero.
	Handoff int
	// Continued is set on every chunk of an item after its first.
	Continued bool
	// Skip, when set, says that the source could not or would not read an
	// item; Data is then empty.
	Skip *Skip
}

// Source yields chunks to scan. Chunks calls yield sequentially, from one
// goroutine, and returns when the source is exhausted, yield returns an
// error, or ctx is done. Any goroutines a source starts end before Chunks
// returns.
type Source interface {
	Chunks(ctx context.Context, yield func(Chunk) error) error
}

// ConcurrentSource is a Source that makes its chunks on several goroutines
// at once. The Scanner matches each chunk on the goroutine that yields it,
// while it is still in that core's cache, instead of handing it over to a
// matching goroutine.
type ConcurrentSource interface {
	Source
	// ChunksConcurrent is Chunks with a yield that may be called from up
	// to workers goroutines at once. It matches the chunk before it
	// returns: from then on the source may reuse the chunk's Data.
	ChunksConcurrent(ctx context.Context, workers int, yield func(Chunk) error) error
}

// HeapFloorer is a Source that passes far more bytes through memory than
// it keeps live, such as a history read blob by blob. HeapFloor is the
// heap size below which a program scanning it may hold the garbage
// collector back (vigil's command does); 0 asks for nothing. The scanner
// never changes the collector's settings itself: that is the program's
// call, not a library's.
type HeapFloorer interface {
	Source
	HeapFloor() uint64
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, yield func(Chunk) error) error

// Chunks calls f.
func (f SourceFunc) Chunks(ctx context.Context, yield func(Chunk) error) error {
	return f(ctx, yield)
}

// Sources chains several sources into one.
type Sources []Source

// Chunks yields the chunks of each source in turn.
func (s Sources) Chunks(ctx context.Context, yield func(Chunk) error) error {
	for _, src := range s {
		if err := src.Chunks(ctx, yield); err != nil {
			return err
		}
	}
	return nil
}

// SkipReason says why an item was not scanned.
type SkipReason string

// Reasons to skip. Those marked "incomplete" mean the scan did not look at
// something it was asked to look at, and the scan must not pass as clean.
const (
	SkipBinary     SkipReason = "binary"       // by design
	SkipExcluded   SkipReason = "excluded"     // by the user's --exclude
	SkipSymlink    SkipReason = "symlink"      // by design: points outside the scanned root, or nowhere
	SkipLinkInTree SkipReason = "link-in-tree" // by design: its target in the tree is scanned at its own path
	SkipTooLarge   SkipReason = "too-large"    // incomplete: over the size cap
	SkipUnreadable SkipReason = "unreadable"   // incomplete: I/O or permission error
	SkipLimit      SkipReason = "limit"        // incomplete: a safety limit (archive bomb, depth)
	SkipPointer    SkipReason = "lfs-pointer"  // by design: content is not in the repository
	SkipUnsupport  SkipReason = "unsupported"  // incomplete: a format vigil cannot read
	SkipSubmodule  SkipReason = "submodule"    // by design: not followed unless asked
	SkipDevice     SkipReason = "not-a-file"   // by design: device, socket, fifo
)

// Incomplete reports whether skipping for this reason means the scan did
// not look at something it should have.
func (r SkipReason) Incomplete() bool {
	switch r {
	case SkipTooLarge, SkipUnreadable, SkipLimit, SkipUnsupport:
		return true
	}
	return false
}

// Named reports whether a skip for this reason is listed by name, not only
// counted: what the scan could not read (Incomplete), and what it did not
// read by design although a user may expect it read (a link out of the
// tree, a FIFO, a device).
func (r SkipReason) Named() bool {
	return r.Incomplete() || r == SkipSymlink || r == SkipDevice
}

// Skip records an item that was not scanned, and why.
type Skip struct {
	Origin Origin
	Reason SkipReason
	// Err is the underlying error or an explanation, when there is one.
	Err error
}

// String renders "path: reason (err)".
func (s Skip) String() string {
	if s.Err != nil {
		return fmt.Sprintf("%s: %s: %v", s.Origin.Path, s.Reason, s.Err)
	}
	return fmt.Sprintf("%s: %s", s.Origin.Path, s.Reason)
}

// Matcher finds secrets in a chunk. Match must be safe for concurrent use
// and must not keep c.Data after it returns.
type Matcher interface {
	Match(c Chunk, emit func(Finding))
}
