package git

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/vigilsec/vigil/source/git/pack"
)

// Git file modes as git reads them from trees (canonical: see canonMode).
const (
	modeDir    = 0o040000
	modeFormat = 0o170000
)

// treeItem is one entry of a tree object: its mode (canonical), name and
// object id, and the bytes it takes.
type treeItem struct {
	mode uint32
	name []byte
	id   []byte // pack.HashLen bytes
	size int
}

func (e *treeItem) isDir() bool { return e.mode&modeFormat == modeDir }

// errBadTree wraps the errors of tree objects git would not read.
var errBadTree = errors.New("bad tree object")

// nextTreeItem reads the tree entry b starts with, "<octal mode>
// <name>\x00<id>", as git's decode_tree_entry does.
func nextTreeItem(b []byte) (treeItem, error) {
	var e treeItem
	i, mode := 0, uint32(0)
	for ; i < len(b) && b[i] != ' '; i++ {
		c := b[i]
		if c < '0' || c > '7' {
			return e, fmt.Errorf("%w: malformed mode in tree entry", errBadTree)
		}
		mode = mode<<3 | uint32(c-'0')
	}
	if i == 0 || i >= len(b) {
		return e, fmt.Errorf("%w: malformed mode in tree entry", errBadTree)
	}
	nul := bytes.IndexByte(b[i+1:], 0)
	switch {
	case nul < 0 || i+1+nul+1+pack.HashLen > len(b):
		return e, fmt.Errorf("%w: too-short tree object", errBadTree)
	case nul == 0:
		return e, fmt.Errorf("%w: empty filename in tree entry", errBadTree)
	}
	name := i + 1
	end := name + nul + 1 + pack.HashLen
	e.mode = canonMode(mode)
	e.name = b[name : name+nul]
	e.id = b[name+nul+1 : end]
	e.size = end
	return e, nil
}

// canonMode is the mode git uses for what a tree entry's mode says: a
// regular file (executable or not), a symbolic link, a directory, or else
// a submodule commit.
func canonMode(m uint32) uint32 {
	switch m & modeFormat {
	case 0o100000:
		if m&0o100 != 0 {
			return modeExec
		}
		return modeFile
	case modeSymlink:
		return modeSymlink
	case modeDir:
		return modeDir
	}
	return modeGitlink
}

// compareItems orders tree entries as git's base_name_compare does: by
// name, a directory's as if it ended with '/'.
func compareItems(a, b *treeItem) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	next := func(e *treeItem) byte {
		switch {
		case len(e.name) > n:
			return e.name[n]
		case e.isDir():
			return '/'
		}
		return 0
	}
	ca, cb := next(a), next(b)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// fileChange is a path whose content a commit changed, as 'git log --raw'
// lists it: the new object and mode, and the old ones (zero when the path
// is new).
type fileChange struct {
	path             string
	dst, src         pack.OID
	dstMode, srcMode uint32
}

// maxTreeDepth bounds how deep trees nest (git itself stops at 4096).
const maxTreeDepth = 4096

// maxTreeSize bounds the size of a tree object read.
const maxTreeSize = 1 << 30

// treeDiff compares trees as 'git diff-tree -r' does, without rename
// detection, and lists the paths whose content is new: added or changed
// files, links and submodules, never deletions (a history scan has no use
// for them). It is not safe for concurrent use.
type treeDiff struct {
	// ctx ends a diff part-way: trees that hold one subtree at many
	// places may make a single commit's diff very long.
	ctx context.Context
	// read returns the content of a tree object.
	read func(id pack.OID) ([]byte, error)
	// paths interns the paths of changes.
	paths map[string]string
	out   []fileChange
	path  []byte
}

// diff appends to d.out the changes from tree old (nil: none, as for a
// root commit) to tree cur.
func (d *treeDiff) diff(cur, old *pack.OID) error {
	d.path = d.path[:0]
	return d.diffAt(cur, old, 0)
}

func (d *treeDiff) diffAt(cur, old *pack.OID, depth int) error {
	if d.ctx != nil {
		if err := d.ctx.Err(); err != nil {
			return err
		}
	}
	if depth > maxTreeDepth {
		return fmt.Errorf("%w: trees nest deeper than %d at %s", errBadTree, maxTreeDepth, d.path)
	}
	a, err := d.read(*cur)
	if err != nil {
		return err
	}
	var b []byte
	if old != nil {
		if b, err = d.read(*old); err != nil {
			return err
		}
	}
	i, j := 0, 0
	for {
		// Equal bytes are equal entries: step over them without
		// comparing them.
		if i < len(a) && j < len(b) {
			same := commonPrefix(a[i:], b[j:])
			for same > 0 {
				e, err := nextTreeItem(a[i:])
				if err != nil {
					return d.bad(*cur, err)
				}
				if e.size > same {
					break
				}
				i, j, same = i+e.size, j+e.size, same-e.size
			}
		}
		var ea, eb treeItem
		haveA, haveB := i < len(a), j < len(b)
		if haveA {
			if ea, err = nextTreeItem(a[i:]); err != nil {
				return d.bad(*cur, err)
			}
		}
		if haveB {
			if eb, err = nextTreeItem(b[j:]); err != nil {
				return d.bad(*old, err)
			}
		}
		var c int
		switch {
		case !haveA && !haveB:
			return nil
		case !haveA:
			c = 1
		case !haveB:
			c = -1
		default:
			c = compareItems(&ea, &eb)
		}
		switch {
		case c == 0:
			if ea.mode != eb.mode || !bytes.Equal(ea.id, eb.id) {
				if err := d.emit(&ea, &eb, depth); err != nil {
					return err
				}
			}
			i, j = i+ea.size, j+eb.size
		case c < 0:
			if err := d.emit(&ea, nil, depth); err != nil {
				return err
			}
			i += ea.size
		default:
			j += eb.size // a deletion: nothing new to scan
		}
	}
}

// emit records the change of an entry, or compares the trees of a
// directory, new (old nil) or changed.
func (d *treeDiff) emit(cur, old *treeItem, depth int) error {
	at := len(d.path)
	d.path = append(d.path, cur.name...)
	defer func() { d.path = d.path[:at] }()
	if cur.isDir() {
		d.path = append(d.path, '/')
		id := pack.OID(cur.id)
		if old == nil {
			return d.diffAt(&id, nil, depth+1)
		}
		was := pack.OID(old.id)
		return d.diffAt(&id, &was, depth+1)
	}
	ch := fileChange{path: d.intern(d.path), dst: pack.OID(cur.id), dstMode: cur.mode}
	if old != nil {
		ch.src, ch.srcMode = pack.OID(old.id), old.mode
	}
	d.out = append(d.out, ch)
	return nil
}

func (d *treeDiff) intern(p []byte) string {
	if s, ok := d.paths[string(p)]; ok {
		return s
	}
	s := string(p)
	d.paths[s] = s
	return s
}

// bad names the tree whose entry could not be read.
func (d *treeDiff) bad(id pack.OID, err error) error {
	return fmt.Errorf("tree %s (at %q): %w", id, d.path, err)
}

// commonPrefix returns how many bytes a and b start with in common.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	const block = 128
	for i+block <= n && bytes.Equal(a[i:i+block], b[i:i+block]) {
		i += block
	}
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}
