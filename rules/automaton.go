package rules

// automaton is an Aho-Corasick automaton compiled to a DFA over byte
// classes. It matches keywords ASCII-case-insensitively in one pass with one
// table lookup per byte; callers that need exact case check the hit.
type automaton struct {
	class   [256]byte // input byte → class
	nclass  int
	next    []uint32 // state*nclass+class → next state | outFlag
	outs    [][]int  // state → keywords ending at that state (incl. via fail links)
	lengths []int    // keyword → length
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
				a.class[f] = byte(a.nclass)
				a.nclass++
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		a.class[b] = a.class[b+('a'-'A')]
	}

	// Trie.
	type node struct {
		child map[byte]int
		fail  int
		out   []int
	}
	nodes := []node{{child: map[byte]int{}}}
	for k, kw := range keywords {
		a.lengths[k] = len(kw)
		s := 0
		for i := 0; i < len(kw); i++ {
			c := a.class[foldByte(kw[i])]
			n, ok := nodes[s].child[c]
			if !ok {
				nodes = append(nodes, node{child: map[byte]int{}})
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
		if n, ok := nodes[0].child[byte(c)]; ok {
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
			if n, ok := nodes[s].child[byte(c)]; ok {
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
	// Mark transitions into accepting states so the hot loop tests one bit.
	for i, t := range a.next {
		if len(a.outs[t]) > 0 {
			a.next[i] = t | outFlag
		}
	}
	return a
}

// scan calls hit(keyword, start) for every occurrence of every keyword in
// data, where start is the offset of the keyword's first byte.
func (a *automaton) scan(data []byte, hit func(kw, start int)) {
	var s uint32
	n := uint32(a.nclass)
	next, class := a.next, &a.class
	for i, b := range data {
		t := next[s*n+uint32(class[b])]
		s = t &^ outFlag
		if t&outFlag != 0 {
			for _, k := range a.outs[s] {
				hit(k, i+1-a.lengths[k])
			}
		}
	}
}
