package git

import (
	"bytes"

	"github.com/vigilsec/vigil/source/git/pack"
)

// maxContextBytes bounds how far context reaches on each side of an edit,
// whatever the number of lines: a file of very long lines (minified code,
// data) is not scanned whole around each of its edits.
const maxContextBytes = 16 << 10

// editRegions returns the byte ranges of data, a blob built by a delta's
// instructions ops on a base of baseLen bytes, to scan: every inserted
// byte, every point where the delta drops bytes of its base (a copy that
// does not go on where the previous one ended, a first copy after the
// start, a last copy before the end), each with context lines on both
// sides, merged where they touch. Everything else was copied from the
// base, and scanned there.
func editRegions(data []byte, ops []pack.Op, baseLen uint64, context int) [][2]int {
	var out [][2]int
	// Edits whose contexts would touch are merged first (counting the
	// lines between them), then each merged span is widened once.
	var cur [2]int
	have := false
	flush := func() {
		if !have {
			return
		}
		start, end := lineStart(data, cur[0]), cur[1]
		if cur[1] > cur[0] {
			end = lineEnd(data, cur[1]-1)
		}
		lo, hi := backLinesBounded(data, start, context), forwardLinesBounded(data, end, context)
		if n := len(out); n > 0 && out[n-1][1] >= lo {
			out[n-1][1] = max(out[n-1][1], hi)
		} else if lo < hi {
			out = append(out, [2]int{lo, hi})
		}
		have = false
	}
	add := func(from, to uint64) {
		a, b := int(from), int(to)
		if have {
			gap := data[min(cur[1], a):a]
			if len(gap) <= 2*maxContextBytes && bytes.Count(gap, []byte{'\n'}) <= 2*context+1 {
				cur[1] = max(cur[1], b)
				return
			}
			flush()
		}
		cur, have = [2]int{a, b}, true
	}
	var prev *pack.Op
	for i := range ops {
		op := &ops[i]
		switch {
		case op.Insert:
			add(op.Target, op.Target+op.Len)
		case prev == nil && op.From != 0,
			prev != nil && !prev.Insert && prev.From+prev.Len != op.From:
			add(op.Target, op.Target)
		}
		prev = op
	}
	if prev == nil && baseLen > 0 || prev != nil && !prev.Insert && prev.From+prev.Len != baseLen {
		add(uint64(len(data)), uint64(len(data)))
	}
	flush()
	return out
}

// lineStart returns the start of the line holding data[at] (at may be
// len(data)), looking back at most maxContextBytes.
func lineStart(data []byte, at int) int {
	lo := max(at-maxContextBytes, 0)
	return lo + bytes.LastIndexByte(data[lo:at], '\n') + 1
}

// lineEnd returns the end of the line holding data[at], after its newline,
// looking ahead at most maxContextBytes.
func lineEnd(data []byte, at int) int {
	hi := min(at+maxContextBytes, len(data))
	if i := bytes.IndexByte(data[at:hi], '\n'); i >= 0 {
		return at + i + 1
	}
	return hi
}

// backLinesBounded moves from a line start back over n lines, and at most
// maxContextBytes.
func backLinesBounded(data []byte, at, n int) int {
	lo := max(at-maxContextBytes, 0)
	return lo + backLines(data[lo:at], at-lo, n)
}

// forwardLinesBounded moves from a line start forward over n lines, and at
// most maxContextBytes.
func forwardLinesBounded(data []byte, at, n int) int {
	hi := min(at+maxContextBytes, len(data))
	return at + forwardLines(data[at:hi], 0, n)
}
