package pack

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Type is an object type as a pack stores it.
type Type uint8

// The object types of a pack entry.
const (
	Commit   Type = 1
	Tree     Type = 2
	Blob     Type = 3
	Tag      Type = 4
	OfsDelta Type = 6
	RefDelta Type = 7
)

func (t Type) String() string {
	switch t {
	case Commit:
		return "commit"
	case Tree:
		return "tree"
	case Blob:
		return "blob"
	case Tag:
		return "tag"
	case OfsDelta:
		return "ofs-delta"
	case RefDelta:
		return "ref-delta"
	}
	return fmt.Sprintf("type-%d", uint8(t))
}

// MaxObjectSize bounds the size an entry may announce (1 TiB): more is a
// corrupt header, not an object.
const MaxObjectSize = 1 << 40

// Pack is one pack file with its index. Its methods are safe for
// concurrent use.
type Pack struct {
	// Path is the pack file's path.
	Path  string
	Index *Index
	f     *os.File
	size  uint64
	// order lists index positions by offset; end holds, per index
	// position, where its entry ends (the next entry, or the trailer).
	order []uint32
	end   []uint64
}

// OpenPack opens a pack file and its index (the .idx beside it).
func OpenPack(packPath string) (*Pack, error) {
	idxPath := strings.TrimSuffix(packPath, ".pack") + ".idx"
	x, err := ReadIndex(idxPath)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(packPath)
	if err != nil {
		return nil, err
	}
	p, err := newPack(f, x, revPathOf(idxPath))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("pack %s: %w", packPath, err)
	}
	p.Path = packPath
	return p, nil
}

// newPack checks a pack's header against its index.
func newPack(f *os.File, x *Index, revPath string) (*Pack, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	p := &Pack{Index: x, f: f, size: uint64(st.Size())}
	var head [12]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return nil, formatErr("pack header: %v", err)
	}
	if !bytes.Equal(head[:4], []byte("PACK")) {
		return nil, formatErr("not a pack file")
	}
	if v := binary.BigEndian.Uint32(head[4:]); v != 2 && v != 3 {
		return nil, fmt.Errorf("%w: pack version %d", ErrUnsupported, v)
	}
	if n := binary.BigEndian.Uint32(head[8:]); int(n) != x.Len() {
		return nil, formatErr("pack holds %d objects, its index %d", n, x.Len())
	}
	if p.size < 12+HashLen {
		return nil, formatErr("pack of %d bytes", p.size)
	}
	p.order = packOrder(x, revPath)
	p.end = make([]uint64, x.Len())
	trailer := p.size - HashLen
	for i, pos := range p.order {
		next := trailer
		if i+1 < len(p.order) {
			next = x.offsets[p.order[i+1]]
		}
		off := x.offsets[pos]
		if off < 12 || off >= next || next > trailer {
			return nil, formatErr("object %s at offset %d is out of place", x.ID(int(pos)), off)
		}
		p.end[pos] = next
	}
	return p, nil
}

// Close closes the pack file.
func (p *Pack) Close() error { return p.f.Close() }

// Order returns the index positions of the pack's objects by offset.
func (p *Pack) Order() []uint32 { return p.order }

// Entry is the header of one pack entry.
type Entry struct {
	// Pos is the object's position in the index; Offset where its entry
	// starts, Data where its compressed data starts, End where it ends.
	Pos               int
	Offset, Data, End uint64
	Type              Type
	// Size is the size of the object, or of the delta for a delta.
	Size uint64
	// BaseOffset is an OFS delta's base; BaseID a REF delta's.
	BaseOffset uint64
	BaseID     OID
}

// maxHeader is the most bytes an entry header takes: a type and size of up
// to 64 bits, and a base offset or id.
const maxHeader = 10 + 10 + HashLen

// Entry reads the header of the object at index position pos.
func (p *Pack) Entry(pos int) (Entry, error) {
	e := Entry{Pos: pos, Offset: p.Index.offsets[pos], End: p.end[pos]}
	var buf [maxHeader]byte
	n := min(uint64(len(buf)), e.End-e.Offset)
	if _, err := p.f.ReadAt(buf[:n], int64(e.Offset)); err != nil && err != io.EOF {
		return e, fmt.Errorf("object %s: %w", p.Index.ID(pos), err)
	}
	if err := parseEntryHeader(buf[:n], &e); err != nil {
		return e, fmt.Errorf("object %s at offset %d: %w", p.Index.ID(pos), e.Offset, err)
	}
	return e, nil
}

// parseEntryHeader reads an entry's type, size and base from b, the start
// of the entry, filling in e.Type, e.Size, e.Base* and e.Data.
func parseEntryHeader(b []byte, e *Entry) error {
	if len(b) == 0 {
		return formatErr("empty entry")
	}
	c := b[0]
	e.Type = Type(c >> 4 & 7)
	size := uint64(c & 15)
	shift := uint(4)
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) || shift > 57 {
			return formatErr("entry size runs on")
		}
		c = b[i]
		i++
		size |= uint64(c&0x7f) << shift
		shift += 7
	}
	if size > MaxObjectSize {
		return formatErr("entry of %d bytes", size)
	}
	e.Size = size
	switch e.Type {
	case Commit, Tree, Blob, Tag:
	case OfsDelta:
		if i >= len(b) {
			return formatErr("delta base offset missing")
		}
		c = b[i]
		i++
		rel := uint64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(b) || rel > 1<<55 {
				return formatErr("delta base offset runs on")
			}
			c = b[i]
			i++
			rel = (rel+1)<<7 | uint64(c&0x7f)
		}
		if rel == 0 || rel > e.Offset {
			return formatErr("delta base offset %d from %d", rel, e.Offset)
		}
		e.BaseOffset = e.Offset - rel
	case RefDelta:
		if i+HashLen > len(b) {
			return formatErr("delta base id cut short")
		}
		copy(e.BaseID[:], b[i:])
		i += HashLen
	default:
		return formatErr("entry of unknown type %d", e.Type)
	}
	e.Data = e.Offset + uint64(i)
	if e.Data >= e.End {
		return formatErr("entry has no data")
	}
	return nil
}

// ReadCompressed reads an entry's compressed data into buf (grown when
// short) and returns it.
func (p *Pack) ReadCompressed(e Entry, buf []byte) ([]byte, error) {
	n := e.End - e.Data
	if uint64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := p.f.ReadAt(buf, int64(e.Data)); err != nil {
		return buf, fmt.Errorf("object %s: %w", p.Index.ID(e.Pos), err)
	}
	return buf, nil
}

// IsDelta reports whether t is a delta type.
func (t Type) IsDelta() bool { return t == OfsDelta || t == RefDelta }

// PosAt returns the index position of the entry starting at offset off.
func (p *Pack) PosAt(off uint64) (int, bool) {
	i := sort.Search(len(p.order), func(i int) bool { return p.Index.offsets[p.order[i]] >= off })
	if i < len(p.order) && p.Index.offsets[p.order[i]] == off {
		return int(p.order[i]), true
	}
	return 0, false
}

// ReadEntry reads the entry at index position pos whole, header and
// compressed data, in one read into buf (grown when short); it returns the
// header, the compressed data and buf for the next read.
func (p *Pack) ReadEntry(pos int, buf []byte) (Entry, []byte, []byte, error) {
	e := Entry{Pos: pos, Offset: p.Index.offsets[pos], End: p.end[pos]}
	n := e.End - e.Offset
	if uint64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := p.f.ReadAt(buf, int64(e.Offset)); err != nil {
		return e, nil, buf, fmt.Errorf("object %s: %w", p.Index.ID(pos), err)
	}
	if err := parseEntryHeader(buf[:min(n, maxHeader)], &e); err != nil {
		return e, nil, buf, fmt.Errorf("object %s at offset %d: %w", p.Index.ID(pos), e.Offset, err)
	}
	return e, buf[e.Data-e.Offset:], buf, nil
}

// Entries calls fn with the header of every entry, in pack order, reading
// the pack from start to end. An entry whose header is bad is passed with
// err set; fn's own error stops the walk.
func (p *Pack) Entries(fn func(e Entry, err error) error) error {
	const window = 1 << 20
	buf := make([]byte, window)
	start, have := uint64(0), 0 // buf holds the pack's bytes [start, start+have)
	for _, pos := range p.order {
		e := Entry{Pos: int(pos), Offset: p.Index.offsets[pos], End: p.end[pos]}
		need := min(e.End, e.Offset+maxHeader)
		if e.Offset < start || need > start+uint64(have) {
			start = e.Offset
			n, err := p.f.ReadAt(buf[:min(uint64(window), p.size-start)], int64(start))
			if err != nil && err != io.EOF {
				return fmt.Errorf("pack %s: %w", p.Path, err)
			}
			have = n
			if need > start+uint64(have) {
				return fmt.Errorf("pack %s: %w", p.Path, io.ErrUnexpectedEOF)
			}
		}
		herr := parseEntryHeader(buf[e.Offset-start:need-start], &e)
		if herr != nil {
			herr = fmt.Errorf("object %s at offset %d: %w", p.Index.ID(int(pos)), e.Offset, herr)
		}
		if err := fn(e, herr); err != nil {
			return err
		}
	}
	return nil
}
