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
// keeps scratch memory and the objects it built lately (up to 32 MiB)
// between reads; the content it returns is shared with that cache and must
// not be changed. It is not safe for concurrent use.
type Reader struct {
	s    *Store
	z    Inflater
	comp []byte
	ops  []Op
	// cache keeps objects built lately, by pack and offset, so that
	// reading several objects of one delta chain builds its start once.
	cache      map[cacheKey]cached
	cacheOrder []cacheKey
	cacheSize  int
}

type cacheKey struct {
	p   *Pack
	off uint64
}

type cached struct {
	typ  Type
	data []byte
}

// readerCache bounds the objects a Reader keeps; larger objects are not
// kept at all.
const (
	readerCache    = 32 << 20
	readerCacheOne = 4 << 20
)

func (r *Reader) remember(p *Pack, off uint64, typ Type, data []byte) {
	if len(data) > readerCacheOne {
		return
	}
	k := cacheKey{p, off}
	if _, ok := r.cache[k]; ok {
		return
	}
	if r.cache == nil {
		r.cache = map[cacheKey]cached{}
	}
	r.cache[k] = cached{typ, data}
	r.cacheOrder = append(r.cacheOrder, k)
	r.cacheSize += len(data)
	for r.cacheSize > readerCache && len(r.cacheOrder) > 0 {
		old := r.cacheOrder[0]
		r.cacheOrder = r.cacheOrder[1:]
		r.cacheSize -= len(r.cache[old].data)
		delete(r.cache, old)
	}
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
	// Follow the chain to its base, within this pack, or to an object
	// built lately.
	var chain []Entry
	var hit *cached
	for e.Type.IsDelta() {
		if c, ok := r.cache[cacheKey{p, e.Offset}]; ok {
			hit = &c
			break
		}
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
	if hit != nil {
		typ, data = hit.typ, hit.data
		if len(chain) == 0 && uint64(len(data)) > limit {
			return typ, uint64(len(data)), nil, nil
		}
	} else if e.Type.IsDelta() {
		if typ, _, data, err = r.readOther(e.BaseID, depth+len(chain)); err != nil {
			return 0, 0, nil, fmt.Errorf("object %s: base: %w", p.Index.ID(e.Pos), err)
		}
	} else if c, ok := r.cache[cacheKey{p, e.Offset}]; ok {
		typ, data = c.typ, c.data
		if len(chain) == 0 && uint64(len(data)) > limit {
			return typ, uint64(len(data)), nil, nil
		}
	} else {
		typ = e.Type
		if len(chain) == 0 && e.Size > limit {
			return typ, e.Size, nil, nil
		}
		if data, err = r.inflate(p, e, nil); err != nil {
			return 0, 0, nil, err
		}
		r.remember(p, e.Offset, typ, data)
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
		r.remember(p, d.Offset, typ, data)
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
