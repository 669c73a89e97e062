package git

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/vigilsec/vigil/source/git/pack"
)

// A whole history read in-process is walked without 'git log': its
// commits are read from the object store, put in the order 'git log
// --topo-order --all' lists them (commitOrder), and each is compared with
// its first parent tree by tree (treediff.go).

// commitNode is a commit of the walk: its id, root tree, parents (indexes
// into the graph) and committer date, as git's commit parser reads it.
type commitNode struct {
	id      pack.OID
	tree    pack.OID
	parents []int32
	date    uint64
}

// commitHead is what parseCommitHead reads of a commit object.
type commitHead struct {
	tree    pack.OID
	parents []pack.OID
	// date is the committer date as git 2.39 and older read it (the
	// digits after the first '>' following "committer"); laterDate as
	// later versions do (after the last '>' of the committer line). They
	// differ only for malformed committer lines, where the order of the
	// walk is then left to git.
	date, laterDate uint64
}

// errBadCommit wraps the errors of commit objects git would not parse.
var errBadCommit = errors.New("bad commit object")

// parseCommitHead reads the tree, parents and committer date of a raw
// commit object, as git's parse_commit_buffer does: a "tree" line first,
// then any number of "parent" lines, then "author" and "committer".
func parseCommitHead(data []byte) (commitHead, error) {
	var c commitHead
	const hexLen = 2 * pack.HashLen
	rest, ok := bytes.CutPrefix(data, []byte("tree "))
	if !ok || len(rest) < hexLen+2 || rest[hexLen] != '\n' {
		return c, fmt.Errorf("%w: no tree line", errBadCommit)
	}
	if c.tree, ok = pack.ParseOID(string(rest[:hexLen])); !ok {
		return c, fmt.Errorf("%w: bad tree id", errBadCommit)
	}
	rest = rest[hexLen+1:]
	for {
		p, ok := bytes.CutPrefix(rest, []byte("parent "))
		// git reads a parent line only when more follows it.
		if !ok || len(p) <= hexLen {
			break
		}
		if len(p) == hexLen+1 || p[hexLen] != '\n' {
			return c, fmt.Errorf("%w: bad parent line", errBadCommit)
		}
		id, ok := pack.ParseOID(string(p[:hexLen]))
		if !ok {
			return c, fmt.Errorf("%w: bad parent id", errBadCommit)
		}
		c.parents = append(c.parents, id)
		rest = p[hexLen+1:]
	}
	c.date, c.laterDate = commitDates(rest)
	return c, nil
}

// commitDates reads the committer date from the rest of a commit object
// after its parents, in both the ways git has read it (see commitHead).
// Missing or malformed dates read as 0.
func commitDates(rest []byte) (older, later uint64) {
	if len(rest) <= 6 || !bytes.HasPrefix(rest, []byte("author")) {
		return 0, 0
	}
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return 0, 0
	}
	rest = rest[nl+1:]
	if len(rest) <= 9 || !bytes.HasPrefix(rest, []byte("committer")) {
		return 0, 0
	}
	// git 2.39: from the first '>' on, up to a newline that must follow.
	if gt := bytes.IndexByte(rest, '>'); gt >= 0 && gt+1 < len(rest) {
		if nl := bytes.IndexByte(rest[gt+1:], '\n'); nl >= 0 && gt+1+nl+1 < len(rest) {
			older = parseTimestamp(rest[gt+1 : gt+1+nl])
		}
	}
	// Later git: back from the end of the committer line to its last '>'.
	if eol := bytes.IndexByte(rest, '\n'); eol >= 0 {
		if gt := bytes.LastIndexByte(rest[:eol], '>'); gt >= 0 {
			s := bytes.TrimLeft(rest[gt+1:eol], " \t\v\f\r")
			if len(s) > 0 && s[0] >= '0' && s[0] <= '9' {
				later = parseTimestamp(s)
			}
		}
	}
	return older, later
}

// parseTimestamp reads a number as C's strtoumax does: leading white
// space, an optional sign (a minus negates, modulo 2^64), digits, the
// largest value on overflow; 0 without digits.
func parseTimestamp(b []byte) uint64 {
	b = bytes.TrimLeft(b, " \t\n\v\f\r")
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var v uint64
	over := false
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			over = true
		}
		v = v*10 + d
	}
	if over {
		return 1<<64 - 1
	}
	if neg {
		v = -v
	}
	return v
}

// commitOrder returns the commits of the graph in the order 'git log
// --topo-order' lists them, newest first, from tips (the starting
// commits in the order git was given them: refs, then HEAD): git sorts
// the tips by committer date, newest first (a stable sort), lists the
// commits reachable from them newest date first, then emits them by
// depth, with a stack (REV_SORT_IN_GRAPH_ORDER): a commit once all its
// children are emitted, the last parent made ready first.
func commitOrder(graph []commitNode, tips []int32) []int32 {
	n := len(graph)
	// The date-ordered list git's limit_list builds: the tips sorted by
	// date, then each commit's parents inserted after every commit of the
	// same date or newer.
	listed := make([]int32, 0, n)
	seen := make([]bool, n)
	q := &dateQueue{graph: graph}
	for _, t := range stableByDate(graph, tips) {
		if !seen[t] {
			seen[t] = true
			q.push(t)
		}
	}
	for q.len() > 0 {
		c := q.pop()
		listed = append(listed, c)
		for _, p := range graph[c].parents {
			if !seen[p] {
				seen[p] = true
				q.push(p)
			}
		}
	}
	// sort_in_topological_order: in-degrees counted over the listed
	// commits (one plus the number of children), tips pushed in list
	// order, the stack reversed so that the first tip comes out first.
	indegree := make([]int32, n)
	for _, c := range listed {
		indegree[c] = 1
	}
	for _, c := range listed {
		for _, p := range graph[c].parents {
			if indegree[p] > 0 {
				indegree[p]++
			}
		}
	}
	var stack []int32
	for i := len(listed) - 1; i >= 0; i-- {
		if c := listed[i]; indegree[c] == 1 {
			stack = append(stack, c)
		}
	}
	out := make([]int32, 0, len(listed))
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range graph[c].parents {
			if indegree[p] == 0 {
				continue
			}
			if indegree[p]--; indegree[p] == 1 {
				stack = append(stack, p)
			}
		}
		indegree[c] = 0
		out = append(out, c)
	}
	return out
}

// stableByDate sorts commits by date, newest first, keeping the given
// order among equal dates (git's commit_list_sort_by_date is a stable
// merge sort).
func stableByDate(graph []commitNode, cs []int32) []int32 {
	out := append([]int32(nil), cs...)
	slices.SortStableFunc(out, func(a, b int32) int { return cmp.Compare(graph[b].date, graph[a].date) })
	return out
}

// dateQueue is the list git's limit_list walks: commits by date, newest
// first, and among equal dates in the order they were added.
type dateQueue struct {
	graph []commitNode
	items []queued
	seq   uint64
}

type queued struct {
	c   int32
	seq uint64
}

func (q *dateQueue) len() int { return len(q.items) }

// before orders the queue: newer date first, then earlier added.
func (q *dateQueue) before(a, b queued) bool {
	da, db := q.graph[a.c].date, q.graph[b.c].date
	return da > db || da == db && a.seq < b.seq
}

func (q *dateQueue) push(c int32) {
	q.items = append(q.items, queued{c, q.seq})
	q.seq++
	for i := len(q.items) - 1; i > 0; {
		up := (i - 1) / 2
		if !q.before(q.items[i], q.items[up]) {
			break
		}
		q.items[i], q.items[up] = q.items[up], q.items[i]
		i = up
	}
}

func (q *dateQueue) pop() int32 {
	top := q.items[0].c
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && q.before(q.items[l], q.items[m]) {
			m = l
		}
		if r < last && q.before(q.items[r], q.items[m]) {
			m = r
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}
