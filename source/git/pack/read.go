package pack

import (
	"errors"
	"fmt"
)

// MaxChain bounds the delta chains Reader follows (git writes at most 50
// deep by default, 4095 at most).
const MaxChain = 10000

// ErrNotFound says that an object is in no pack and not loose.
var ErrNotFound = errors.New("object not found")

// Reader reads whole objects from a Store, resolving delta chains. It
// keeps scratch memory between reads; it is not safe for concurrent use.
type Reader struct {
	s    *Store
	z    Inflater
	comp []byte
	ops  []Op
}

// NewReader returns a Reader over s.
func (s *Store) NewReader() *Reader { return &Reader{s: s} }

// Read returns an object's type and content. Content over limit bytes is
// not read (data is nil, size says how large it is).
func (r *Reader) Read(id OID, limit uint64) (Type, uint64, []byte, error) {
	if p, pos, ok := r.s.Find(id); ok {
		return r.ReadPacked(p, pos, limit, 0)
	}
	if path, ok := r.s.LoosePath(id); ok {
		return r.z.ReadLoose(path, limit)
	}
	return 0, 0, nil, fmt.Errorf("object %s: %w", id, ErrNotFound)
}

// ReadPacked returns the type and content of the object at index position
// pos of p. depth counts the deltas already followed (into other packs).
func (r *Reader) ReadPacked(p *Pack, pos int, limit uint64, depth int) (Type, uint64, []byte, error) {
	e, err := p.Entry(pos)
	if err != nil {
		return 0, 0, nil, err
	}
	// Follow the chain to its base, within this pack.
	var chain []Entry
	for e.Type.IsDelta() {
		if len(chain)+depth >= MaxChain {
			return 0, 0, nil, formatErr("object %s: delta chain over %d", p.Index.ID(pos), MaxChain)
		}
		chain = append(chain, e)
		next, ok := 0, false
		if e.Type == RefDelta {
			next, ok = p.Index.Find(e.BaseID)
		} else if next, ok = p.PosAt(e.BaseOffset); !ok {
			return 0, 0, nil, formatErr("object %s: no entry at its base offset %d", p.Index.ID(e.Pos), e.BaseOffset)
		}
		if !ok {
			break // a REF delta whose base is in another pack, or loose
		}
		if e, err = p.Entry(next); err != nil {
			return 0, 0, nil, err
		}
	}
	var typ Type
	var data []byte
	if e.Type.IsDelta() {
		if typ, _, data, err = r.readOther(e.BaseID, depth+len(chain)); err != nil {
			return 0, 0, nil, fmt.Errorf("object %s: base: %w", p.Index.ID(e.Pos), err)
		}
	} else {
		typ = e.Type
		if len(chain) == 0 && e.Size > limit {
			return typ, e.Size, nil, nil
		}
		if data, err = r.inflate(p, e, nil); err != nil {
			return 0, 0, nil, err
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		delta, err := r.inflate(p, d, nil)
		if err != nil {
			return 0, 0, nil, err
		}
		var size uint64
		r.ops, size, err = Ops(delta, uint64(len(data)), r.ops[:0])
		if err != nil {
			return 0, 0, nil, fmt.Errorf("object %s: %w", p.Index.ID(d.Pos), err)
		}
		if i == 0 && size > limit {
			return typ, size, nil, nil
		}
		data = Apply(data, delta, r.ops, size, nil)
	}
	return typ, uint64(len(data)), data, nil
}

// readOther reads a REF delta's base from another pack or a loose object.
func (r *Reader) readOther(id OID, depth int) (Type, uint64, []byte, error) {
	for _, p := range r.s.Packs {
		if pos, ok := p.Index.Find(id); ok {
			return r.ReadPacked(p, pos, MaxObjectSize, depth+1)
		}
	}
	if path, ok := r.s.LoosePath(id); ok {
		return r.z.ReadLoose(path, MaxObjectSize)
	}
	return 0, 0, nil, fmt.Errorf("object %s: %w", id, ErrNotFound)
}

// inflate reads and decompresses an entry's data.
func (r *Reader) inflate(p *Pack, e Entry, dst []byte) ([]byte, error) {
	var err error
	if r.comp, err = p.ReadCompressed(e, r.comp); err != nil {
		return nil, err
	}
	out, err := r.z.Inflate(r.comp, e.Size, dst)
	if err != nil {
		return nil, fmt.Errorf("object %s at offset %d: %w", p.Index.ID(e.Pos), e.Offset, err)
	}
	return out, nil
}
