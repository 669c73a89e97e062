package main

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// branch is the state of one branch: its files and its last commit.
type branch struct {
	name  string
	files map[string][]byte
	list  []string       // the paths of files, for uniform choice
	index map[string]int // path → position in list
	head  int            // mark of the last commit, 0 before the first
}

func newBranch(name string) *branch {
	return &branch{name: name, files: map[string][]byte{}, index: map[string]int{}}
}

func (b *branch) fork(name string) *branch {
	n := &branch{name: name, files: maps.Clone(b.files), list: slices.Clone(b.list), index: maps.Clone(b.index), head: b.head}
	return n
}

func (b *branch) set(path string, data []byte) {
	if _, ok := b.files[path]; !ok {
		b.index[path] = len(b.list)
		b.list = append(b.list, path)
	}
	b.files[path] = data
}

func (b *branch) remove(path string) {
	i, ok := b.index[path]
	if !ok {
		return
	}
	last := b.list[len(b.list)-1]
	b.list[i] = last
	b.index[last] = i
	b.list = b.list[:len(b.list)-1]
	delete(b.index, path)
	delete(b.files, path)
}

// change is one file written (data != nil) or deleted in a commit.
type change struct {
	path string
	data []byte
}

// history generates commits into a fast-import stream.
type history struct {
	c        *corpus
	r        *rand.Rand
	w        *bufio.Writer
	mark     int
	commits  int
	now      int64
	branches map[string]*branch
	pending  []int    // corpus files not yet added, in the order they will be
	hot      []string // files edited most often
	truth    truth
	secrets  *secretGen
	later    map[int][]func() // main-line commit number → deferred work
	unmerged int
}

func newHistory(c *corpus, seed uint64, w *bufio.Writer) *history {
	h := &history{
		c: c, w: w, r: rand.New(rand.NewPCG(seed, 0x5eed)),
		now:      1388534400, // 2014-01-01
		branches: map[string]*branch{"main": newBranch("main")},
		later:    map[int][]func(){},
	}
	h.secrets = newSecretGen(seed)
	h.pending = h.r.Perm(len(c.paths))
	return h
}

var authors = []string{
	"Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>", "Ken Thompson <ken@example.com>",
	"Barbara Liskov <barbara@example.com>", "Rob Pike <rob@example.com>", "Frances Allen <fran@example.com>",
	"Dennis Ritchie <dmr@example.com>", "Margaret Hamilton <margaret@example.com>", "Niklaus Wirth <wirth@example.com>",
	"Radia Perlman <radia@example.com>", "Edsger Dijkstra <ewd@example.com>", "Karen Spärck Jones <ksj@example.com>",
}

// generate writes n commits: an initial import, then edits, file
// additions, renames and deletions on main, with feature branches merged
// back, a few unmerged branches, tags and planted credentials.
func (h *history) generate(n int) {
	main := h.branches["main"]
	var initial []change
	for range min(5000, len(h.pending)) {
		i := h.pending[0]
		h.pending = h.pending[1:]
		initial = append(initial, change{h.c.paths[i], h.c.data[i]})
	}
	h.commit(main, "Initial import", initial, 0)
	h.refreshHot(main)
	plantEvery := max(50, n/60)
	for step := 1; h.commits < n; step++ {
		for _, f := range h.later[step] {
			f()
		}
		delete(h.later, step)
		switch p := h.r.IntN(1000); {
		case step%plantEvery == plantEvery/2:
			h.plant(main, step)
		case p < 7 && n-h.commits > 40:
			h.feature(main, step)
		case p < 40 && len(h.pending) > 0:
			h.addFiles(main)
		case p < 45:
			h.deleteFile(main)
		case p < 50:
			h.renameFile(main)
		default:
			h.editCommit(main, "")
		}
		if step%97 == 0 {
			h.refreshHot(main)
		}
		if step%2000 == 0 {
			fmt.Fprintf(h.w, "reset refs/tags/v0.%d\nfrom :%d\n\n", step/2000, main.head)
		}
		if step%(n/3+1) == n/6 && h.unmerged < 3 {
			h.unmergedBranch(main, step)
		}
	}
}

// commit writes one commit of changes on b (and a merge parent, if not 0).
func (h *history) commit(b *branch, msg string, changes []change, merge int) {
	h.mark++
	h.commits++
	h.now += int64(60 + h.r.IntN(3*3600))
	who := authors[h.r.IntN(len(authors))]
	fmt.Fprintf(h.w, "commit refs/heads/%s\nmark :%d\n", b.name, h.mark)
	fmt.Fprintf(h.w, "author %s %d +0000\ncommitter %s %d +0000\n", who, h.now, who, h.now)
	fmt.Fprintf(h.w, "data %d\n%s\n", len(msg), msg)
	if b.head != 0 {
		fmt.Fprintf(h.w, "from :%d\n", b.head)
	}
	if merge != 0 {
		fmt.Fprintf(h.w, "merge :%d\n", merge)
	}
	for _, c := range changes {
		if c.data == nil {
			fmt.Fprintf(h.w, "D %s\n", c.path)
			b.remove(c.path)
			continue
		}
		fmt.Fprintf(h.w, "M 100644 inline %s\ndata %d\n", c.path, len(c.data))
		h.w.Write(c.data)
		h.w.WriteByte('\n')
		b.set(c.path, c.data)
	}
	h.w.WriteByte('\n')
	b.head = h.mark
}

// refreshHot picks the files most edits go to: a few hundred text files.
func (h *history) refreshHot(b *branch) {
	h.hot = h.hot[:0]
	for tries := 0; len(h.hot) < 300 && tries < 5000; tries++ {
		p := b.list[h.r.IntN(len(b.list))]
		if editable(b.files[p]) {
			h.hot = append(h.hot, p)
		}
	}
}

// editable reports whether a file is text of a size people edit by hand.
func editable(data []byte) bool {
	return len(data) > 0 && len(data) < 400<<10 && bytes.IndexByte(data[:min(len(data), 8000)], 0) < 0
}

// pickFile returns a file to edit on b: usually a hot one.
func (h *history) pickFile(b *branch) string {
	for range 20 {
		var p string
		if h.r.IntN(4) != 0 && len(h.hot) > 0 {
			p = h.hot[h.r.IntN(len(h.hot))]
		} else {
			p = b.list[h.r.IntN(len(b.list))]
		}
		if editable(b.files[p]) && !h.truth.planted[p] {
			return p
		}
	}
	return ""
}

var subjects = []string{"fix", "refactor", "tidy", "speed up", "document", "handle errors in", "simplify", "test", "rework", "clean up"}

// editCommit edits one to four files on b.
func (h *history) editCommit(b *branch, msg string) {
	n := 1 + h.r.IntN(2) + h.r.IntN(2)*h.r.IntN(3)
	seen := map[string]bool{}
	var changes []change
	for range n {
		p := h.pickFile(b)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		changes = append(changes, change{p, h.edit(b, b.files[p])})
	}
	if len(changes) == 0 {
		return
	}
	if msg == "" {
		msg = fmt.Sprintf("%s: %s %s", dirOf(changes[0].path), subjects[h.r.IntN(len(subjects))], baseOf(changes[0].path))
	}
	h.commit(b, msg, changes, 0)
}

// edit applies one to three line edits: lines replaced by lines from
// another file, a block copied in, or lines deleted.
func (h *history) edit(b *branch, data []byte) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for range 1 + h.r.IntN(3) {
		at := h.r.IntN(len(lines) + 1)
		switch h.r.IntN(3) {
		case 0: // replace
			k := min(1+h.r.IntN(3), len(lines)-at)
			donor := h.donorLines(b, k)
			lines = slices.Concat(lines[:at], donor, lines[at+k:])
		case 1: // insert a block
			lines = slices.Concat(lines[:at], h.donorLines(b, 1+h.r.IntN(30)), lines[at:])
		default: // delete
			k := min(1+h.r.IntN(15), len(lines)-at)
			lines = slices.Concat(lines[:at], lines[at+k:])
		}
	}
	return bytes.Join(lines, nil)
}

// donorLines returns up to k consecutive lines of another text file.
func (h *history) donorLines(b *branch, k int) [][]byte {
	p := h.pickFile(b)
	if p == "" {
		return nil
	}
	lines := bytes.SplitAfter(b.files[p], []byte("\n"))
	at := h.r.IntN(len(lines))
	out := slices.Clone(lines[at:min(len(lines), at+k)])
	if n := len(out); n > 0 && !bytes.HasSuffix(out[n-1], []byte("\n")) {
		out[n-1] = append(slices.Clip(out[n-1]), '\n')
	}
	return out
}

// addFiles adds the next pending file and others of its directory.
func (h *history) addFiles(b *branch) {
	first := h.pending[0]
	dir := dirOf(h.c.paths[first])
	var changes []change
	rest := h.pending[:0:0]
	for _, i := range h.pending {
		if len(changes) < 40 && (i == first || dirOf(h.c.paths[i]) == dir) {
			changes = append(changes, change{h.c.paths[i], h.c.data[i]})
		} else {
			rest = append(rest, i)
		}
	}
	h.pending = rest
	h.commit(b, fmt.Sprintf("%s: add %d files", dir, len(changes)), changes, 0)
}

func (h *history) deleteFile(b *branch) {
	p := b.list[h.r.IntN(len(b.list))]
	if slices.Contains(h.hot, p) || h.truth.planted[p] {
		return
	}
	h.commit(b, "remove "+p, []change{{p, nil}}, 0)
}

func (h *history) renameFile(b *branch) {
	p := b.list[h.r.IntN(len(b.list))]
	if slices.Contains(h.hot, p) || h.truth.planted[p] || strings.Contains(p, "/testdata/") {
		return
	}
	i := strings.LastIndexByte(p, '.')
	if i < 0 || strings.Contains(p[i:], "/") {
		return
	}
	np := p[:i] + "_v2" + p[i:]
	if _, ok := b.files[np]; ok {
		return
	}
	h.commit(b, fmt.Sprintf("rename %s to %s", p, np), []change{{np, b.files[p]}, {p, nil}}, 0)
}

// feature makes a branch of a few commits, a couple of commits on main
// meanwhile, and merges the branch back with a merge commit.
func (h *history) feature(main *branch, step int) {
	name := fmt.Sprintf("feature/%d", step)
	fb := main.fork(name)
	touched := map[string]bool{}
	for range 3 + h.r.IntN(12) {
		before := fb.head
		h.editCommit(fb, "")
		if fb.head != before {
			for _, p := range fb.list {
				if !bytesSame(fb.files[p], main.files[p]) {
					touched[p] = true
				}
			}
		}
	}
	if h.r.IntN(4) == 0 {
		h.plantOn(fb, step, false)
		for _, p := range fb.list {
			if !bytesSame(fb.files[p], main.files[p]) {
				touched[p] = true
			}
		}
	}
	for range h.r.IntN(3) {
		h.editCommit(main, "")
	}
	var changes []change
	for _, p := range slices.Sorted(maps.Keys(touched)) {
		if d, ok := fb.files[p]; ok {
			changes = append(changes, change{p, d})
		}
	}
	h.commit(main, "Merge branch '"+name+"'", changes, fb.head)
	fmt.Fprintf(h.w, "reset refs/heads/%s\n\n", name) // the branch is deleted after the merge
	delete(h.branches, name)
}

// bytesSame reports whether two slices are the same version of a file
// (pointer equality: edits always make new slices).
func bytesSame(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

// unmergedBranch leaves a branch with a credential that never reaches main.
func (h *history) unmergedBranch(main *branch, step int) {
	h.unmerged++
	b := main.fork(fmt.Sprintf("experiment/%d", h.unmerged))
	h.editCommit(b, "")
	h.plantOn(b, step, false)
	h.editCommit(b, "")
	h.branches[b.name] = b
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func baseOf(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }
