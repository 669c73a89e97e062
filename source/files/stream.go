package files

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/vigilsec/vigil"
)

// Stream is a Source over one stream, such as stdin.
type Stream struct {
	r         io.Reader
	origin    vigil.Origin
	chunkSize int
}

// NewStream returns a Source that reads r to its end; source and name go
// into the Origin of its chunks ("stdin", "stdin").
func NewStream(r io.Reader, source, name string, chunkSize int) *Stream {
	return &Stream{r: r, origin: vigil.Origin{Source: source, Path: name}, chunkSize: chunkSize}
}

// Chunks yields the stream's chunks; a stream of binary data is a skip.
func (s *Stream) Chunks(ctx context.Context, yield func(vigil.Chunk) error) error {
	var yerr error
	emit := func(c vigil.Chunk) bool {
		if ctx.Err() != nil {
			yerr = ctx.Err()
			return false
		}
		yerr = yield(c)
		return yerr == nil
	}
	if err := streamChunks(s.r, -1, s.origin, s.chunkSize, emit); err != nil {
		return fmt.Errorf("read %s: %w", s.origin.Path, err)
	}
	return yerr
}

// ReadChunks reads one item from r and emits its chunks, as the files
// source does for a file: a head that looks binary is one SkipBinary chunk,
// UTF-16 text is decoded, and large items are cut into overlapping chunks
// of at most chunkSize bytes (0 means DefaultChunkSize), so an item is
// never held in memory whole. size is the item's size, or -1 when unknown.
// It stops early, without error, when emit returns false, and returns read
// errors. r need not be read to its end (a binary item is not).
func ReadChunks(r io.Reader, size int64, origin vigil.Origin, chunkSize int, emit func(vigil.Chunk) bool) error {
	return streamChunks(r, size, origin, chunkSize, emit)
}

// ReadChunksBytes is ReadChunks of an item read whole into data. When data
// is text that fits in one chunk, that chunk's Data is data itself, not a
// copy.
func ReadChunksBytes(data []byte, origin vigil.Origin, chunkSize int, emit func(vigil.Chunk) bool) error {
	opts := Options{ChunkSize: chunkSize, MaxFileSize: -1}
	if len(data) > opts.chunkSize() {
		return ReadChunks(bytes.NewReader(data), int64(len(data)), origin, chunkSize, emit)
	}
	if IsBinaryName(origin.Path) {
		emit(vigil.Chunk{Skip: &vigil.Skip{Origin: origin, Reason: vigil.SkipBinary}})
		return nil
	}
	return itemHead(context.Background(), bytes.NewReader(nil), data, len(data), int64(len(data)), origin, opts, emit)
}

// IsBinaryHead reports whether an item whose content starts with head
// looks binary, as ReadChunks decides from its first 8 KB. UTF-16 text
// with a byte order mark is not binary.
func IsBinaryHead(head []byte) bool { return isBinary(head[:min(len(head), sniffSize)]) }
