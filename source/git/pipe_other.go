//go:build !linux

package git

import "io"

// widenPipe does nothing where pipes cannot be resized.
func widenPipe(io.Reader) {}
