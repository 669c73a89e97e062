package git

import (
	"bytes"
	"fmt"
	"io"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// lfsPrefix starts every Git LFS pointer file.
const lfsPrefix = "version https://git-lfs.github.com/spec/v1\n"

// maxPointerSize is larger than any LFS pointer (they are ~130 bytes).
const maxPointerSize = 1024

// sniffSize is how much of an oversized blob is read to tell binary data
// (skipped by design) from text (skipped as too large: incomplete).
const sniffSize = 8 << 10

// readBlob emits the chunks of one blob of size bytes read from r, or a
// skip: LFS pointers, media files by name, binary content and blobs over
// the size cap are not scanned. It reads only what it needs: the caller
// discards the rest. A blob of at most len(buf) bytes is read into buf,
// which becomes its chunk's Data when it is text in one chunk. It returns
// read errors only.
func readBlob(r io.Reader, size int64, origin vigil.Origin, opts Options, buf []byte, emit func(vigil.Chunk) bool) error {
	switch {
	case files.IsBinaryName(origin.Path):
		emit(skipChunk(origin, vigil.SkipBinary, nil))
		return nil
	case size <= maxPointerSize || size <= int64(len(buf)) && !opts.over(size):
		data := buf
		if int64(len(buf)) < size {
			data = make([]byte, size)
		}
		data = data[:size]
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		if size <= maxPointerSize && isPointer(data) {
			emit(skipChunk(origin, vigil.SkipPointer, nil))
			return nil
		}
		return files.ReadChunksBytes(data, origin, opts.ChunkSize, emit)
	case opts.over(size):
		head := make([]byte, sniffSize)
		n, err := io.ReadFull(r, head)
		if err != nil {
			return err
		}
		binary := false
		files.ReadChunks(bytes.NewReader(head[:n]), -1, origin, sniffSize, func(c vigil.Chunk) bool {
			binary = c.Skip != nil && c.Skip.Reason == vigil.SkipBinary
			return false
		})
		if binary {
			emit(skipChunk(origin, vigil.SkipBinary, nil))
		} else {
			emit(skipChunk(origin, vigil.SkipTooLarge, fmt.Errorf("blob %s: %d bytes is over the %d byte cap (--max-file-size)", origin.Blob, size, opts.maxSize())))
		}
		return nil
	}
	return files.ReadChunks(r, size, origin, opts.ChunkSize, emit)
}

// isPointer reports whether a small blob is a Git LFS pointer: its content
// lives on an LFS server, not in the repository.
func isPointer(data []byte) bool {
	return bytes.HasPrefix(data, []byte(lfsPrefix)) && bytes.Contains(data, []byte("\noid sha256:"))
}
