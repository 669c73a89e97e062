// Package boundedread reads a whole input that a user names (a report, a
// baseline, a configuration file) without trusting it to end: it stops at
// a size cap, and between reads when the context is cancelled, so that
// /dev/zero, a FIFO that never closes or a runaway pipe is an error, not a
// process that grows until it is killed.
package boundedread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is wrapped by the error for an input over its cap.
var ErrTooLarge = errors.New("too large")

// step is how much is read between two looks at the context.
const step = 1 << 20

// All reads r to its end, failing once more than max bytes came, or when
// ctx is done. what names the input in errors. look, when not nil, sees
// the first bytes read and may refuse the input at once (a report that
// does not start like one), before the rest is read.
func All(ctx context.Context, r io.Reader, max int64, what string, look func([]byte) error) ([]byte, error) {
	var data []byte
	looked := look == nil
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		if int64(len(data)) > max {
			return nil, fmt.Errorf("read %s: more than %d bytes: %w", what, max, ErrTooLarge)
		}
		if cap(data)-len(data) < step {
			data = append(data, make([]byte, step)...)[:len(data)]
		}
		n, err := r.Read(data[len(data):min(cap(data), len(data)+step)])
		data = data[:len(data)+n]
		if !looked && (len(data) >= 512 || err != nil) {
			looked = true
			if lerr := look(data); lerr != nil {
				return nil, fmt.Errorf("%s: %w", what, lerr)
			}
		}
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
	}
}

// File is All over the file at path. A path that names no file is an
// error wrapping fs.ErrNotExist, as os.ReadFile's is.
func File(ctx context.Context, path string, max int64, look func([]byte) error) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return All(ctx, f, max, path, look)
}
