package rules

// automaton is an Aho-Corasick automaton compiled to a DFA over byte
// classes. It matches keywords ASCII-case-insensitively in one pass with one
// table lookup per byte; callers that need exact case check the hit.
type automaton struct {
	class   [256]uint32 // input byte → class
	nclass  int
	next    []uint32 // state*nclass+class → next state*nclass | outFlag
	outs    [][]int  // state → keywords ending at that state (incl. via fail links)
	lengths []int    // keyword → length
	maxLen  int
}

const outFlag = 1 << 31

func foldByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// newAutomaton builds the DFA for keywords (already non-empty).
func newAutomaton(keywords []string) *automaton {
	a := &automaton{lengths: make([]int, len(keywords))}
	// Byte classes: every distinct folded byte used in a keyword gets its
	// own class; everything else shares class 0.
	a.nclass = 1
	for _, kw := range keywords {
		for i := 0; i < len(kw); i++ {
			f := foldByte(kw[i])
			if a.class[f] == 0 {
				a.class[f] = uint32(a.nclass)
				a.nclass++
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		a.class[b] = a.class[b+('a'-'A')]
	}

	// Trie.
	type node struct {
		child map[uint32]int
		fail  int
		out   []int
	}
	nodes := []node{{child: map[uint32]int{}}}
	for k, kw := range keywords {
		a.lengths[k] = len(kw)
		a.maxLen = max(a.maxLen, len(kw))
		s := 0
		for i := 0; i < len(kw); i++ {
			c := a.class[foldByte(kw[i])]
			n, ok := nodes[s].child[c]
			if !ok {
				nodes = append(nodes, node{child: map[uint32]int{}})
				n = len(nodes) - 1
				nodes[s].child[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, k)
	}

	// Breadth-first: failure links and the full transition table.
	a.next = make([]uint32, len(nodes)*a.nclass)
	queue := []int{}
	for c := 0; c < a.nclass; c++ {
		if n, ok := nodes[0].child[uint32(c)]; ok {
			nodes[n].fail = 0
			a.next[c] = uint32(n)
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < a.nclass; c++ {
			if n, ok := nodes[s].child[uint32(c)]; ok {
				nodes[n].fail = int(a.next[f*a.nclass+c] &^ outFlag)
				a.next[s*a.nclass+c] = uint32(n)
				queue = append(queue, n)
			} else {
				a.next[s*a.nclass+c] = a.next[f*a.nclass+c] &^ outFlag
			}
		}
	}
	a.outs = make([][]int, len(nodes))
	for s := range nodes {
		a.outs[s] = nodes[s].out
	}
	// Store next states premultiplied by nclass, and mark transitions into
	// accepting states, so the hot loop does one add, one load and one
	// bit test per byte.
	for i, t := range a.next {
		v := t * uint32(a.nclass)
		if len(a.outs[t]) > 0 {
			v |= outFlag
		}
		a.next[i] = v
	}
	return a
}

// kwHit is a keyword occurrence: keyword index and the offset of the byte
// after its end.
type kwHit struct{ kw, end int }

// scan appends every occurrence of every keyword in data to hits.
// Large inputs are scanned as two interleaved streams, which keeps two
// independent table lookups in flight per step.
func (a *automaton) scan(data []byte, hits []kwHit) []kwHit {
	n := len(data)
	if n < 1<<12 {
		return a.scanRange(data, 0, n, 0, hits)
	}
	mid := n / 2
	start2 := mid - (a.maxLen - 1) // stream 2 sees whole keywords ending at or after mid
	var h2 []kwHit
	var s1, s2 uint32
	next, class := a.next, &a.class
	d1, d2 := data[:mid], data[start2:]
	for i := range d1 {
		t1 := next[s1+class[d1[i]]]
		t2 := next[s2+class[d2[i]]]
		s1, s2 = t1&^outFlag, t2&^outFlag
		if t1&outFlag != 0 {
			hits = a.emit(hits, s1, i+1, 0)
		}
		if t2&outFlag != 0 {
			h2 = a.emit(h2, s2, start2+i+1, mid)
		}
	}
	hits = append(hits, h2...)
	// Stream 2 is longer by maxLen-1 bytes plus the odd byte.
	for i := len(d1); i < len(d2); i++ {
		t := next[s2+class[d2[i]]]
		s2 = t &^ outFlag
		if t&outFlag != 0 {
			hits = a.emit(hits, s2, start2+i+1, mid)
		}
	}
	return hits
}

// scanRange scans data[from:to] from the start state.
func (a *automaton) scanRange(data []byte, from, to, minEnd int, hits []kwHit) []kwHit {
	var s uint32
	next, class := a.next, &a.class
	for i := from; i < to; i++ {
		t := next[s+class[data[i]]]
		s = t &^ outFlag
		if t&outFlag != 0 {
			hits = a.emit(hits, s, i+1, minEnd)
		}
	}
	return hits
}

// emit appends the keywords that end at end in (premultiplied) state s,
// except those ending before minEnd.
func (a *automaton) emit(hits []kwHit, s uint32, end, minEnd int) []kwHit {
	if end <= minEnd {
		return hits
	}
	for _, k := range a.outs[s/uint32(a.nclass)] {
		hits = append(hits, kwHit{k, end})
	}
	return hits
}
