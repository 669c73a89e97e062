package files

import (
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
