package git

import (
	"fmt"

	"github.com/vigilsec/vigil/source/git/pack"
)

// forest is the delta structure of one pack: each object's base within
// the pack, and the objects built on each. Whole objects and REF deltas
// whose base lies elsewhere are its roots.
type forest struct {
	p *pack.Pack
	// typ is each entry's type, by index position; base its base's
	// position, or noBase (a whole object), extBase (a REF delta on an
	// object outside the pack, in ext) or badBase (an unreadable header,
	// in bad).
	typ  []pack.Type
	size []uint32 // the size of each entry (a delta's own), at most 4 GiB
	base []int32
	ext  map[int32]pack.OID
	bad  map[int32]error
	// The children of position i are kids[kidAt[i]:kidAt[i+1]], in pack
	// order.
	kidAt, kids []int32
	// want holds, once the walk is done, the blob number plus one of each
	// blob the history holds (0: none); need marks the objects on the way
	// from a root to a wanted one.
	want []uint32
	need []bool
}

const (
	noBase  = -1
	extBase = -2
	badBase = -3
)

// newForest reads the headers of every entry of p.
func newForest(p *pack.Pack) (*forest, error) {
	n := p.Index.Len()
	f := &forest{p: p, typ: make([]pack.Type, n), size: make([]uint32, n), base: make([]int32, n), ext: map[int32]pack.OID{}, bad: map[int32]error{}}
	counts := make([]int32, n+1)
	err := p.Entries(func(e pack.Entry, err error) error {
		pos := int32(e.Pos)
		f.typ[pos] = e.Type
		f.size[pos] = uint32(min(e.Size, 1<<32-1))
		f.base[pos] = noBase
		switch {
		case err != nil:
			f.base[pos] = badBase
			f.bad[pos] = err
		case e.Type == pack.OfsDelta:
			b, ok := p.PosAt(e.BaseOffset)
			if !ok {
				f.base[pos] = badBase
				f.bad[pos] = fmt.Errorf("object %s: no entry at its delta base's offset %d", p.Index.ID(e.Pos), e.BaseOffset)
				break
			}
			f.base[pos] = int32(b)
		case e.Type == pack.RefDelta:
			if b, ok := p.Index.Find(e.BaseID); ok && b != e.Pos {
				f.base[pos] = int32(b)
			} else {
				f.base[pos] = extBase
				f.ext[pos] = e.BaseID
			}
		}
		if b := f.base[pos]; b >= 0 {
			counts[b+1]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		counts[i] += counts[i-1]
	}
	f.kidAt = counts
	f.kids = make([]int32, counts[n])
	fill := make([]int32, n)
	for _, pos := range p.Order() {
		if b := f.base[pos]; b >= 0 {
			f.kids[f.kidAt[b]+fill[b]] = int32(pos)
			fill[b]++
		}
	}
	return f, nil
}

// kidsOf returns the objects built on pos.
func (f *forest) kidsOf(pos int32) []int32 { return f.kids[f.kidAt[pos]:f.kidAt[pos+1]] }

// mark records the blobs wanted, and the objects needed to build them.
func (f *forest) mark(pos int32, blob uint32) {
	if f.want == nil {
		f.want = make([]uint32, len(f.typ))
		f.need = make([]bool, len(f.typ))
	}
	f.want[pos] = blob + 1
	// A cycle of REF deltas (a corrupt pack) ends at a position already
	// marked; its blobs are reported unreached.
	for p := pos; p >= 0 && !f.need[p]; p = f.base[p] {
		f.need[p] = true
	}
}

// roots returns the needed roots, in pack order.
func (f *forest) roots() []int32 {
	var out []int32
	if f.need == nil {
		return nil
	}
	for _, pos := range f.p.Order() {
		if f.need[pos] && f.base[pos] < 0 {
			out = append(out, int32(pos))
		}
	}
	return out
}

// weights estimates the work of each needed root's tree: the size of the
// root times the number of objects to build on it (by index position; 0
// for the rest).
func (f *forest) weights() []uint64 {
	w := make([]uint64, len(f.typ))
	if f.need == nil {
		return w
	}
	rootOf := make([]int32, len(f.typ))
	for i := range rootOf {
		rootOf[i] = -1
	}
	var find func(p int32, depth int) int32
	find = func(p int32, depth int) int32 {
		switch {
		case rootOf[p] >= 0:
			return rootOf[p]
		case f.base[p] < 0 || depth > pack.MaxChain:
			rootOf[p] = p
		default:
			rootOf[p] = find(f.base[p], depth+1)
		}
		return rootOf[p]
	}
	for p, need := range f.need {
		if need {
			w[find(int32(p), 0)]++
		}
	}
	for p := range w {
		if f.base[p] < 0 {
			w[p] *= uint64(f.size[p]) + 1
		}
	}
	return w
}
