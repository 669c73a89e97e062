package files

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/vigilsec/vigil"
)

// Archives opens archive files met while scanning, so that their members
// are scanned too. source/archive provides one; a nil Archives leaves
// archives to the binary check, which skips them.
type Archives interface {
	// Match reports whether an item named name (a slash path, possibly
	// "outer.zip!inner.jar") whose first bytes are head is an archive
	// that Read can open. head holds up to HeadSize bytes, fewer when the
	// item is shorter.
	Match(name string, head []byte) bool
	// Read yields the chunks of the archive's members, and a skip for
	// anything it could not or would not read (including the archive
	// itself when it is corrupt), through emit, until emit returns false
	// or ctx is done. r reads the archive from its first byte; it is also
	// an io.ReaderAt when the archive can be read at random (a file).
	// size is the archive's size, or -1 when unknown. Members' origins are
	// origin with "!member/name" appended to its Path.
	Read(ctx context.Context, r io.Reader, size int64, origin vigil.Origin, emit func(vigil.Chunk) bool)
}

// HeadSize is how much of an item Archives.Match is shown: enough for the
// magic numbers of the formats vigil reads (tar's is at offset 257).
const HeadSize = 512

// Item scans one item read from r: a file, an archive member, an image
// layer entry. It emits the item's chunks; or hands it to opts.Archives
// when it is an archive; or emits a skip when the item is binary or over
// opts.MaxFileSize (0 means DefaultMaxFileSize, negative means no cap).
// size is the item's size, or -1 when unknown. It stops when emit returns
// false, and returns read errors, which the caller reports as it sees fit
// (the item's chunks up to the error have been emitted).
func Item(ctx context.Context, r io.Reader, size int64, origin vigil.Origin, opts Options, emit func(vigil.Chunk) bool) error {
	skipAs := func(reason vigil.SkipReason, err error) {
		emit(vigil.Chunk{Skip: &vigil.Skip{Origin: origin, Reason: reason, Err: err}})
	}
	if IsBinaryName(origin.Path) {
		skipAs(vigil.SkipBinary, nil)
		return nil
	}
	headSize := sniffSize
	if size >= 0 && size <= int64(opts.chunkSize()) {
		headSize = int(size) // small items are read in one go
	}
	head := make([]byte, max(headSize, 0))
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	return itemHead(ctx, r, head[:n], headSize, size, origin, opts, emit)
}

// itemHead goes on with Item once the item's first bytes, head, are read
// from r: all of them when head is shorter than headSize.
func itemHead(ctx context.Context, r io.Reader, head []byte, headSize int, size int64, origin vigil.Origin, opts Options, emit func(vigil.Chunk) bool) error {
	skipAs := func(reason vigil.SkipReason, err error) {
		emit(vigil.Chunk{Skip: &vigil.Skip{Origin: origin, Reason: reason, Err: err}})
	}
	if opts.Archives != nil && opts.Archives.Match(origin.Path, head[:min(len(head), HeadSize)]) {
		whole := len(head) < headSize || int64(len(head)) == size
		opts.Archives.Read(ctx, fromStart(r, head, whole), size, origin, emit)
		return nil
	}
	enc, marked := byteOrderMark(head)
	switch {
	case marked && enc.enc == nil:
		skipAs(vigil.SkipUnsupport, fmt.Errorf("text in %s (its byte order mark says so), which vigil does not decode", enc.name))
		return nil
	case !marked && isBinary(head[:min(len(head), sniffSize)]):
		skipAs(vigil.SkipBinary, nil)
		return nil
	}
	maxSize := opts.MaxFileSize
	if maxSize == 0 {
		maxSize = DefaultMaxFileSize
	}
	if maxSize > 0 && size > maxSize {
		skipAs(vigil.SkipTooLarge, fmt.Errorf("%d bytes is over the %d byte cap (--max-file-size)", size, maxSize))
		return nil
	}
	if marked {
		// UTF-16 and UTF-32 text is scanned as the UTF-8 it decodes to,
		// read as it is decoded.
		r, head, size = enc.decoding(head, r), nil, -1
	}
	return chunkHead(r, head, size, origin, opts.chunkSize(), emit)
}

// chunkSize is opts.ChunkSize, or its default.
func (opts Options) chunkSize() int {
	if opts.ChunkSize <= 0 {
		return DefaultChunkSize
	}
	return opts.ChunkSize
}

// fromStart returns a reader of the whole item given its head and the rest
// of r (nothing more when whole); when r is an io.ReaderAt, or the item is
// all in head, so is the result.
func fromStart(r io.Reader, head []byte, whole bool) io.Reader {
	if whole {
		return bytes.NewReader(head)
	}
	all := io.MultiReader(bytes.NewReader(head), r)
	if ra, ok := r.(io.ReaderAt); ok {
		return struct {
			io.Reader
			io.ReaderAt
		}{all, ra}
	}
	return all
}

// IsBinaryName reports whether the last element of a slash path (a file in
// a tree or in git, an archive member's name after its last "!") marks a
// media or compiled format (images, audio, fonts, object code) that never
// holds a text secret in the clear: such an item is skipped unread. It is
// the one test of a name every source uses.
func IsBinaryName(name string) bool {
	if i := strings.LastIndexByte(name, '!'); i >= 0 {
		name = name[i+1:]
	}
	return skipByExtension(path.Base(name))
}
