package rules

import "bytes"

// The matcher visits keyword hits in offset order, and a line full of hits
// (a minified bundle, a megabyte of "password=") has many of them a few
// bytes apart. What a hit needs to know about its surroundings — where its
// line starts and ends, where the name holding it starts and ends, where a
// rule's required literal next occurs — is the same for the hits around
// it, so it is remembered here and each byte of a chunk is examined once
// per question, not once per hit: the matcher's work stays linear in the
// chunk, whatever the density of hits.

// lineCursor finds the newlines around offsets asked in increasing order.
type lineCursor struct {
	data []byte
	pos  int // the last offset asked about
	prev int // the last '\n' before pos, or -1
	next int // the first '\n' at or after pos, or len(data); -1: not known
}

func (lc *lineCursor) reset(data []byte) { *lc = lineCursor{data: data, prev: -1, next: -1} }

// around returns the last newline before pos (or -1) and the first at or
// after it (or len(data)). Offsets asked out of order cost a fresh scan.
func (lc *lineCursor) around(pos int) (prev, next int) {
	if pos < lc.pos {
		lc.reset(lc.data)
	}
	if i := bytes.LastIndexByte(lc.data[lc.pos:pos], '\n'); i >= 0 {
		lc.prev = lc.pos + i
	}
	lc.pos = pos
	if lc.next < pos {
		lc.next = len(lc.data)
		if i := bytes.IndexByte(lc.data[pos:], '\n'); i >= 0 {
			lc.next = pos + i
		}
	}
	return lc.prev, lc.next
}

// nameRun remembers the name found around the last hit: data[from:to],
// where the name starts (see isNameByte) and where the part of it from the
// hit on ends (see isNameTailByte), for any hit in data[at:to].
type nameRun struct{ from, at, to int }

// around returns where the name holding pos starts, and where it ends
// after pos (at pos when data[pos] cannot continue a name).
func (nr *nameRun) around(data []byte, pos int) (from, to int) {
	if nr.at <= pos && pos < nr.to {
		return nr.from, nr.to
	}
	from, to = pos, pos
	for from > 0 && isNameByte(data[from-1]) {
		from--
	}
	for to < len(data) && isNameTailByte(data[to]) {
		to++
	}
	*nr = nameRun{from: from, at: pos, to: to}
	return from, to
}

// byteCursor finds the next byte of a set at or after offsets asked in
// increasing order.
type byteCursor struct {
	from int // the offset last asked about
	at   int // the first byte of the set at or after from, or len(data)
}

// next returns the first offset at or after pos whose byte is in the set,
// or len(data).
func (bc *byteCursor) next(data []byte, pos int, in func(byte) bool) int {
	if pos >= bc.from && pos <= bc.at {
		bc.from = pos
		return bc.at
	}
	i := pos
	for i < len(data) && !in(data[i]) {
		i++
	}
	bc.from, bc.at = pos, i
	return i
}

// valueCursors find where the values of assignments end.
type valueCursors struct{ quote, space byteCursor }

func (vc *valueCursors) reset(n int) {
	*vc = valueCursors{quote: byteCursor{from: n + 1}, space: byteCursor{from: n + 1}}
}

// literalCursor finds, for one lower-case literal, its next occurrence
// (ignoring ASCII case) in windows asked in increasing order. It searches
// only as far as a window reaches, so a chunk of which only a few windows
// are asked about (the regions around a history's edits) is not read to
// its end for every literal, and it never searches a byte range twice.
type literalCursor struct {
	from int // the start of the range last searched
	to   int // its end: occurrences ending at or before to are known
	at   int // the first occurrence in [from, to), or -1 for none
}

// next returns the first occurrence of lit at or after pos that ends at or
// before end, or, when it knows of one further on, that one (the caller
// checks the bound); -1 when there is none before end.
func (lc *literalCursor) next(data []byte, lit []byte, pos, end int) int {
	start := pos
	if pos >= lc.from {
		switch {
		case lc.at >= pos:
			return lc.at
		case lc.at < 0 && end <= lc.to:
			return -1
		case lc.at < 0:
			start = max(pos, lc.to-len(lit)+1)
		}
	}
	end = min(end, len(data))
	lc.from, lc.to, lc.at = pos, end, -1
	if start < end {
		if i := indexFold(data[start:end], lit); i >= 0 {
			lc.at = start + i
		}
	}
	return lc.at
}

// literalKey names a set of literals a rule looks for: its Requires (0),
// or the OrContext of its k-th Pair (k+1).
type literalKey struct{ rule, set int }

// literalsIn reports whether data[a:b] holds one of the lower-case
// literals lits (ignoring ASCII case), scanning each part of the chunk
// once per literal however many windows ask about the same set.
func (s *scratch) literalsIn(data []byte, lits [][]byte, key literalKey, a, b int) bool {
	cur := s.literals[key]
	if cur == nil {
		cur = make([]literalCursor, len(lits))
		for i := range cur {
			cur[i] = literalCursor{from: len(data) + 1, at: -1}
		}
		s.literals[key] = cur
	}
	for i, lit := range lits {
		if len(lit) == 0 {
			continue
		}
		if at := cur[i].next(data, lit, a, b); at >= 0 && at+len(lit) <= b {
			return true
		}
	}
	return false
}

// indexFold returns the first index of the lower-case literal lit in text,
// ignoring ASCII case, or -1. Its work is at most len(lit) per byte: it
// jumps between the places of the literal's first byte (in either case),
// found by bytes.IndexByte, and compares the rest only there.
func indexFold(text, lit []byte) int {
	n := len(text) - len(lit) + 1 // the starts that leave room for lit
	switch {
	case len(lit) == 0:
		return 0
	case n <= 0:
		return -1
	}
	lo, up := lit[0], lit[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	// The next place of each variant at or after i; -1 not yet searched
	// there, n when there is none.
	nextLo, nextUp := -1, n
	if up != lo {
		nextUp = -1
	}
	for i := 0; i < n; {
		if nextLo < i {
			nextLo = indexByteFrom(text[:n], lo, i)
		}
		if nextUp < i {
			nextUp = indexByteFrom(text[:n], up, i)
		}
		c := min(nextLo, nextUp)
		if c >= n {
			return -1
		}
		k := 1
		for k < len(lit) && foldByte(text[c+k]) == lit[k] {
			k++
		}
		if k == len(lit) {
			return c
		}
		i = c + 1
	}
	return -1
}

// indexByteFrom returns the first index at or after i of c in text, or
// len(text).
func indexByteFrom(text []byte, c byte, i int) int {
	if j := bytes.IndexByte(text[i:], c); j >= 0 {
		return i + j
	}
	return len(text)
}
