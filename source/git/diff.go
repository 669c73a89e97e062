package git

import (
	"bytes"
	"hash/maphash"
)

// splitLines hashes each line of data (without its newline) and returns
// the hashes and where each line starts.
func splitLines(seed maphash.Seed, data []byte) (hashes []uint64, starts []int) {
	n := bytes.Count(data, []byte{'\n'}) + 1
	hashes, starts = make([]uint64, 0, n), make([]int, 0, n)
	eachLine(data, func(from, to int) {
		starts = append(starts, from)
		hashes = append(hashes, maphash.Bytes(seed, data[from:to]))
	})
	return hashes, starts
}

// hashLines is splitLines without the line starts.
func hashLines(seed maphash.Seed, data []byte) []uint64 {
	hashes := make([]uint64, 0, bytes.Count(data, []byte{'\n'})+1)
	eachLine(data, func(from, to int) {
		hashes = append(hashes, maphash.Bytes(seed, data[from:to]))
	})
	return hashes
}

// eachLine calls f with the bounds of each line of data, newline excluded.
func eachLine(data []byte, f func(from, to int)) {
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			f(off, len(data))
			return
		}
		f(off, off+end)
		off += end + 1
	}
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	p := 0
	for p+64 <= n && bytes.Equal(a[p:p+64], b[p:p+64]) {
		p += 64
	}
	for p < n && a[p] == b[p] {
		p++
	}
	return p
}

// commonSuffix returns the length of the longest common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	s := 0
	for s+64 <= n && bytes.Equal(a[len(a)-s-64:len(a)-s], b[len(b)-s-64:len(b)-s]) {
		s += 64
	}
	for s < n && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return s
}

// changedBytes returns the byte ranges of data (a new version of base)
// to scan: every line not in a longest common subsequence of the two
// versions' lines, each point where lines were deleted, and context lines
// on each side of them, merged where they touch. The common head and tail
// are set aside by comparing bytes, so only the part between the first
// and the last change is cut into lines and diffed.
func changedBytes(seed maphash.Seed, base, data []byte, context int) [][2]int {
	p := commonPrefix(base, data)
	p = bytes.LastIndexByte(data[:p], '\n') + 1 // back to a line start
	s := commonSuffix(base[p:], data[p:])
	// Start the common tail after its first newline: a line start in both
	// versions.
	if i := bytes.IndexByte(data[len(data)-s:], '\n'); i < 0 {
		s = 0
	} else {
		s -= i + 1
	}
	am, bm := base[p:len(base)-s], data[p:len(data)-s]
	ah, _ := splitLines(seed, am)
	bh, bstarts := splitLines(seed, bm)
	r := ranges{data: data, context: context}
	offset := func(line int) int {
		if line < len(bstarts) {
			return p + bstarts[line]
		}
		return p + len(bm)
	}
	for _, sp := range changedLines(ah, bh) {
		r.add(offset(sp.from), offset(sp.to))
	}
	return r.out
}

// changedRanges is changedBytes for a base known only by its line hashes.
func changedRanges(seed maphash.Seed, base []uint64, data []byte, context int) [][2]int {
	bh, starts := splitLines(seed, data)
	r := ranges{data: data, context: context}
	offset := func(line int) int {
		if line < len(starts) {
			return starts[line]
		}
		return len(data)
	}
	for _, sp := range changedLines(base, bh) {
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
func changedLines(a, b []uint64) []span {
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
	edits, ok := myers(a, b)
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

// myers returns the edits turning a into b as spans of b: inserted lines,
// and empty spans where lines of a were deleted. ok is false when more
// than maxEdits edits are needed.
func myers(a, b []uint64) ([]span, bool) {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int32, 2*limit+3)
	// trace holds v after each step d, for the window [-d, d]: step d's
	// window starts at d*d.
	var trace []int32
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
