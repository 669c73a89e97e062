package files

import (
	"bytes"
	"errors"
	"io"

	"github.com/vigilsec/vigil"
)

// Chunking of large inputs: chunks end on a line boundary where one is
// near, and each chunk after the first repeats the tail of the previous one
// so that a secret spanning the boundary (a PEM key) is seen whole.
const (
	DefaultChunkSize = 1 << 20
	overlapSize      = 16 << 10
)

// chunkReader cuts a stream into chunks.
type chunkReader struct {
	r         io.Reader
	origin    vigil.Origin
	size      int
	carry     []byte // bytes read but not yet yielded
	overlap   []byte // tail of the previous chunk
	line      int    // line number of the next chunk's first new byte
	column    int    // 1-based column of the next chunk's first byte
	overLines int    // newlines inside overlap
	started   bool
	eof       bool
}

func newChunkReader(r io.Reader, origin vigil.Origin, size int, head []byte) *chunkReader {
	if size <= 0 {
		size = DefaultChunkSize
	}
	return &chunkReader{r: r, origin: origin, size: size, carry: head, line: 1, column: 1}
}

// next returns the next chunk, or io.EOF.
func (c *chunkReader) next() (vigil.Chunk, error) {
	if c.eof && len(c.carry) == 0 {
		return vigil.Chunk{}, io.EOF
	}
	buf := make([]byte, len(c.overlap), len(c.overlap)+c.size)
	copy(buf, c.overlap)
	buf = append(buf, c.carry...)
	c.carry = nil
	for empty := 0; len(buf)-len(c.overlap) < c.size && !c.eof; {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := c.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case errors.Is(err, io.EOF):
			c.eof = true
		case err != nil:
			return vigil.Chunk{}, err
		case n == 0:
			if empty++; empty > 100 {
				return vigil.Chunk{}, io.ErrNoProgress
			}
		}
	}
	if c.started && len(buf) == len(c.overlap) {
		if len(c.overlap) == 0 {
			return vigil.Chunk{}, io.EOF
		}
		// The item ended exactly where the last chunk did: that chunk
		// handed its tail over, so yield the tail alone as the final
		// chunk.
		ch := vigil.Chunk{Data: buf, Origin: c.chunkOrigin(), Overlap: len(buf), Continued: true}
		c.overlap, c.eof = nil, true
		return ch, nil
	}
	end := len(buf)
	if !c.eof {
		// Cut after the last newline in the second half, if any.
		if i := bytes.LastIndexByte(buf[len(c.overlap)+(len(buf)-len(c.overlap))/2:], '\n'); i >= 0 {
			end = len(c.overlap) + (len(buf)-len(c.overlap))/2 + i + 1
		}
		c.carry = append([]byte(nil), buf[end:]...)
	}
	data := buf[:end]
	ch := vigil.Chunk{Data: data, Origin: c.chunkOrigin(), Overlap: len(c.overlap), Continued: c.started}
	c.started = true
	// The next chunk starts with a tail of this one, from a line start
	// where the tail holds one, and its first line number accounts for
	// the repeated lines.
	c.line += bytes.Count(data[len(c.overlap):], []byte{'\n'})
	tail := data[max(0, len(data)-overlapSize):]
	if len(data) > overlapSize {
		if i := bytes.IndexByte(tail, '\n'); i >= 0 {
			tail = tail[i+1:]
		}
	}
	// A chunk cut inside a long line starts inside it too.
	from := len(data) - len(tail)
	if nl := bytes.LastIndexByte(data[:from], '\n'); nl >= 0 {
		c.column = 1 + vigil.CharCount(data[nl+1:from])
	} else {
		c.column += vigil.CharCount(data[:from])
	}
	c.overlap = append([]byte(nil), tail...)
	c.overLines = bytes.Count(c.overlap, []byte{'\n'})
	if !c.eof || len(c.carry) > 0 {
		ch.Handoff = len(data) - len(tail) + len(tail)/2
	}
	return ch, nil
}

// chunkOrigin is the origin of the next chunk: the item's, at the line and
// column of the chunk's first byte.
func (c *chunkReader) chunkOrigin() vigil.Origin {
	o := c.origin
	o.Line = c.line - c.overLines
	if c.column > 1 {
		o.Column = c.column
	}
	return o
}
