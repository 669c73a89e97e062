package archive

import (
	"errors"
	"fmt"
	"io"

	"github.com/vigilsec/vigil"
)

// limitError says that a safety limit stopped reading an archive.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func errDepth(depth int) error {
	return &limitError{fmt.Sprintf("archive nested more than %d deep: not opened (--archive-depth)", depth)}
}

func errSize(max int64) error {
	return &limitError{fmt.Sprintf("archive expands past %d bytes (--archive-max-size): rest not read", max)}
}

func errRatio(ratio int) error {
	return &limitError{fmt.Sprintf("content expands more than %d times its compressed size, as a zip bomb does (--archive-max-ratio): rest not read", ratio)}
}

func errEntries(max int) error {
	return &limitError{fmt.Sprintf("archive holds more than %d entries (--archive-max-entries): rest not read", max)}
}

// fail reports the error that stopped reading origin: a limit (which stops
// the whole outermost archive), or a read error. Nothing is reported once
// the walk has stopped: whatever stopped it was reported already.
func (w *walk) fail(origin vigil.Origin, err error) {
	if w.stopped || w.ctx.Err() != nil {
		return
	}
	var le *limitError
	if errors.As(err, &le) {
		w.skip(origin, vigil.SkipLimit, le)
		w.stopped = true
		return
	}
	w.skip(origin, vigil.SkipUnreadable, err)
}

// entry counts one entry, and fails when there are too many.
func (w *walk) entry(origin vigil.Origin) bool {
	w.entries++
	if w.entries > w.r.opts.MaxEntries {
		w.fail(origin, errEntries(w.r.opts.MaxEntries))
		return false
	}
	return true
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// meter counts the bytes a decompressor expands, against the walk's
// budget, and checks the compression ratio against the compressed size:
// either fixed (a zip member's) or counted as it is read (a stream's).
type meter struct {
	w          *walk
	r          io.Reader
	in         *countReader // compressed bytes read, or nil
	compressed int64        // compressed size when in is nil
	n          int64
}

func (w *walk) meter(r io.Reader, in *countReader, compressed int64) *meter {
	return &meter{w: w, r: r, in: in, compressed: compressed}
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.n += int64(n)
	m.w.expanded += int64(n)
	opts := m.w.r.opts
	if m.w.expanded > opts.MaxSize {
		return n, errSize(opts.MaxSize)
	}
	if m.n > ratioFloor {
		c := m.compressed
		if m.in != nil {
			c = m.in.n
		}
		if m.n > int64(opts.MaxRatio)*max(c, 1) {
			return n, errRatio(opts.MaxRatio)
		}
	}
	return n, err
}
