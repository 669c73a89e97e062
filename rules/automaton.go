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

// scan appends every occurrence of every keyword in data to hits, in
// order of their ends. Inputs of more than a few hundred bytes are cut into
// four lanes scanned in step: the lookups of one step do not depend on each
// other, so the processor runs them side by side instead of waiting on one
// chain of dependent loads. Each lane after the first starts maxLen-1
// bytes early, so it sees whole every keyword that ends in it, and reports
// only those.
func (a *automaton) scan(data []byte, hits []kwHit) []kwHit {
	n := len(data)
	if n < 1<<9 || a.maxLen > n/8 {
		hits, _ = a.scanRange(data, 0, n, 0, 0, hits)
		return hits
	}
	q, back := n/4, a.maxLen-1
	// Lane k reports the keywords ending in (k*q, (k+1)*q]; the last lane
	// runs to the end of data.
	start := [4]int{0, q - back, 2*q - back, 3*q - back}
	d0, d1, d2, d3 := data[:q], data[start[1]:2*q], data[start[2]:3*q], data[start[3]:]
	var later [3][]kwHit
	var s0, s1, s2, s3 uint32
	next, class := a.next, &a.class
	_, _, _ = d1[q-1], d2[q-1], d3[q-1] // the lanes after the first are longer
	for i := range d0 {
		t0 := next[s0+class[d0[i]]]
		t1 := next[s1+class[d1[i]]]
		t2 := next[s2+class[d2[i]]]
		t3 := next[s3+class[d3[i]]]
		s0, s1, s2, s3 = t0&^outFlag, t1&^outFlag, t2&^outFlag, t3&^outFlag
		if (t0|t1|t2|t3)&outFlag == 0 {
			continue
		}
		if t0&outFlag != 0 {
			hits = a.emit(hits, s0, i+1, 0)
		}
		if t1&outFlag != 0 {
			later[0] = a.emit(later[0], s1, start[1]+i+1, q)
		}
		if t2&outFlag != 0 {
			later[1] = a.emit(later[1], s2, start[2]+i+1, 2*q)
		}
		if t3&outFlag != 0 {
			later[2] = a.emit(later[2], s3, start[3]+i+1, 3*q)
		}
	}
	// Each later lane goes on from where the loop left it to its end.
	later[0], _ = a.scanRange(data, start[1]+q, 2*q, q, s1, later[0])
	later[1], _ = a.scanRange(data, start[2]+q, 3*q, 2*q, s2, later[1])
	later[2], _ = a.scanRange(data, start[3]+q, n, 3*q, s3, later[2])
	for _, l := range later {
		hits = append(hits, l...)
	}
	return hits
}

// scanRange scans data[from:to] from (premultiplied) state s, reporting
// the keywords that end after minEnd, and returns the state it ends in.
func (a *automaton) scanRange(data []byte, from, to, minEnd int, s uint32, hits []kwHit) ([]kwHit, uint32) {
	next, class := a.next, &a.class
	for i := from; i < to; i++ {
		t := next[s+class[data[i]]]
		s = t &^ outFlag
		if t&outFlag != 0 {
			hits = a.emit(hits, s, i+1, minEnd)
		}
	}
	return hits, s
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
