package git

import (
	"bytes"
	"hash/maphash"
	"slices"
)

// lines are a blob's lines: the hash of each (without its newline) and
// where each starts.
type lines struct {
	hashes []uint64
	starts []int
}

// splitLines hashes each line of data. Lines are found and hashed in one
// loop; the hashes are new, sized once, and the starts are appended to
// starts[:0], so a caller may reuse their memory.
func splitLines(seed maphash.Seed, data []byte, starts []int) lines {
	n := bytes.Count(data, []byte{'\n'}) + 1
	l := lines{hashes: make([]uint64, 0, n), starts: slices.Grow(starts[:0], n)}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data) - off
		}
		l.starts = append(l.starts, off)
		l.hashes = append(l.hashes, maphash.Bytes(seed, data[off:off+end]))
		off += end + 1
	}
	return l
}

// changedRanges returns the byte ranges of data (a new version of a blob
// whose line hashes are base, cut into cur) to scan: every line not in a
// longest common subsequence of the two versions' lines, each point where
// lines were deleted, and context lines on each side of them, merged where
// they touch.
func changedRanges(base []uint64, cur lines, data []byte, context int, sc *diffScratch) [][2]int {
	r := ranges{data: data, context: context}
	offset := func(line int) int {
		if line < len(cur.starts) {
			return cur.starts[line]
		}
		return len(data)
	}
	for _, sp := range changedLines(base, cur.hashes, sc) {
		r.add(offset(sp.from), offset(sp.to))
	}
	return r.out
}

// ranges collects the byte ranges to scan in data, widening each by
// context lines and merging those that touch.
type ranges struct {
	data    []byte
	context int
	out     [][2]int
}

// add adds the lines from byte offset from (a line start) to to (a line
// start or the end), with their context.
func (r *ranges) add(from, to int) {
	from, to = backLines(r.data, from, r.context), forwardLines(r.data, to, r.context)
	if from >= to {
		return
	}
	if n := len(r.out); n > 0 && r.out[n-1][1] >= from {
		r.out[n-1][1] = max(r.out[n-1][1], to)
		return
	}
	r.out = append(r.out, [2]int{from, to})
}

// backLines moves from the start of a line back over n more lines.
func backLines(data []byte, at, n int) int {
	for ; n > 0 && at > 0; n-- {
		at = bytes.LastIndexByte(data[:at-1], '\n') + 1
	}
	return at
}

// forwardLines moves from a line start (or the end) forward over n lines.
func forwardLines(data []byte, at, n int) int {
	for ; n > 0 && at < len(data); n-- {
		i := bytes.IndexByte(data[at:], '\n')
		if i < 0 {
			return len(data)
		}
		at += i + 1
	}
	return at
}

// span is a range of lines [from, to) in the new version of a file; an
// empty span marks where old lines were deleted.
type span struct{ from, to int }

// maxEdits bounds the diff work per blob: a file rewritten beyond it is
// treated as changed from its first differing line to its last.
const maxEdits = 2000

// changedLines returns the lines of b that are not in a longest common
// subsequence of a and b (insertions), and the points of b where lines of
// a were deleted, in order. It is Myers' O(ND) diff on line hashes, after
// the common prefix and suffix are set aside.
func changedLines(a, b []uint64, sc *diffScratch) []span {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	a, b = a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	edits, ok := myers(a, b, sc)
	if !ok {
		return []span{{pre, pre + len(b)}}
	}
	out := make([]span, 0, len(edits))
	for _, e := range edits {
		s := span{pre + e.from, pre + e.to}
		if n := len(out); n > 0 && out[n-1].to >= s.from {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// diffScratch is memory a diff worker reuses from blob to blob: line
// starts, and the diagonals and trace of Myers' diff. A nil *diffScratch
// allocates afresh.
type diffScratch struct {
	starts   []int
	v, trace []int32
}

// myers returns the edits turning a into b as spans of b: inserted lines,
// and empty spans where lines of a were deleted. ok is false when more
// than maxEdits edits are needed.
func myers(a, b []uint64, sc *diffScratch) ([]span, bool) {
	if sc == nil {
		sc = &diffScratch{}
	}
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	// Step d reads only what step d-1 wrote, and step 0 reads v[off+1].
	v := slices.Grow(sc.v[:0], 2*limit+3)[:2*limit+3]
	v[off+1] = 0
	// trace holds v after each step d, for the window [-d, d]: step d's
	// window starts at d*d.
	trace := sc.trace[:0]
	defer func() { sc.v, sc.trace = v, trace }()
	for d := 0; d <= limit; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				trace = append(trace, v[off-d:off+d+1]...)
				return backtrack(trace, d, n, m), true
			}
		}
		trace = append(trace, v[off-d:off+d+1]...)
	}
	return nil, false
}

// backtrack walks the trace of a diff of D edits from (n, m) back to
// (0, 0) and lists the edits in order.
func backtrack(trace []int32, D, n, m int) []span {
	rev := make([]span, 0, D)
	x, y := n, m
	at := func(d, k int) int { return int(trace[d*d+k+d]) }
	for d := D; d > 0; d-- {
		k := x - y
		var pk int
		if k == -d || k != d && at(d-1, k-1) < at(d-1, k+1) {
			pk = k + 1 // came down: an insertion
		} else {
			pk = k - 1 // came right: a deletion
		}
		px := at(d-1, pk)
		py := px - pk
		// From (px, py) one edit, then matching lines up to (x, y).
		if pk == k+1 {
			rev = append(rev, span{py, py + 1}) // b[py] inserted
		} else {
			rev = append(rev, span{py, py}) // a[px] deleted before b[py]
		}
		x, y = px, py
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
