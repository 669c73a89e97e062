package pack

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
)

// HashLen is the length of a SHA-1 object id, the only kind read here.
const HashLen = 20

// OID is a SHA-1 object id.
type OID [HashLen]byte

// String returns the id in hex.
func (o OID) String() string { return hex.EncodeToString(o[:]) }

// ParseOID decodes a 40-digit hex object id.
func ParseOID(s string) (OID, bool) {
	var o OID
	if len(s) != 2*HashLen {
		return o, false
	}
	_, err := hex.Decode(o[:], []byte(s))
	return o, err == nil
}

// ErrFormat is wrapped by every error about bytes that are not what the
// format says.
var ErrFormat = errors.New("bad format")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// Index is a pack index (.idx, version 2): the id and pack offset of every
// object in one pack.
type Index struct {
	ids     []byte // N ids of HashLen bytes, sorted
	fanout  [256]uint32
	offsets []uint64
}

var idxMagic = []byte{0xff, 't', 'O', 'c'}

// ReadIndex reads a pack index file.
func ReadIndex(path string) (*Index, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	x, err := ParseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("pack index %s: %w", path, err)
	}
	return x, nil
}

// ParseIndex parses the bytes of a version 2 pack index of SHA-1 ids. The
// trailing checksums are not verified.
func ParseIndex(data []byte) (*Index, error) {
	const head = 8 + 256*4
	if len(data) < head+2*HashLen {
		return nil, formatErr("index of %d bytes is too short", len(data))
	}
	if !bytes.Equal(data[:4], idxMagic) {
		return nil, formatErr("not a version 2 pack index")
	}
	if v := binary.BigEndian.Uint32(data[4:]); v != 2 {
		return nil, formatErr("pack index version %d", v)
	}
	x := &Index{}
	prev := uint32(0)
	for i := range x.fanout {
		x.fanout[i] = binary.BigEndian.Uint32(data[8+4*i:])
		if x.fanout[i] < prev {
			return nil, formatErr("fan-out table goes down at %d", i)
		}
		prev = x.fanout[i]
	}
	n := uint64(x.fanout[255])
	// ids, CRCs and 32-bit offsets; the 64-bit offsets and the two
	// checksums after them.
	fixed := uint64(head) + n*(HashLen+4+4)
	if fixed+2*HashLen > uint64(len(data)) {
		return nil, formatErr("index announces %d objects in %d bytes", n, len(data))
	}
	large := (uint64(len(data)) - fixed - 2*HashLen)
	if large%8 != 0 {
		return nil, formatErr("index has %d stray bytes", large%8)
	}
	x.ids = data[head : head+n*HashLen]
	off32 := data[head+n*(HashLen+4) : fixed]
	off64 := data[fixed : fixed+large]
	x.offsets = make([]uint64, n)
	for i := range x.offsets {
		o := binary.BigEndian.Uint32(off32[4*i:])
		if o&0x80000000 == 0 {
			x.offsets[i] = uint64(o)
			continue
		}
		k := uint64(o &^ 0x80000000)
		if 8*k+8 > uint64(len(off64)) {
			return nil, formatErr("object %d: large offset %d out of the table", i, k)
		}
		x.offsets[i] = binary.BigEndian.Uint64(off64[8*k:])
	}
	for i := 1; i < int(n); i++ {
		if bytes.Compare(x.ids[(i-1)*HashLen:i*HashLen], x.ids[i*HashLen:(i+1)*HashLen]) >= 0 {
			return nil, formatErr("ids out of order at %d", i)
		}
	}
	return x, nil
}

// Len returns the number of objects in the pack.
func (x *Index) Len() int { return len(x.offsets) }

// ID returns the id of the i-th object (in id order).
func (x *Index) ID(i int) OID {
	var o OID
	copy(o[:], x.ids[i*HashLen:])
	return o
}

// Offset returns the pack offset of the i-th object.
func (x *Index) Offset(i int) uint64 { return x.offsets[i] }

// Find returns the position of an object in the index.
func (x *Index) Find(id OID) (int, bool) {
	lo := 0
	if id[0] > 0 {
		lo = int(x.fanout[id[0]-1])
	}
	hi := int(x.fanout[id[0]])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(x.ids[m*HashLen:(m+1)*HashLen], id[:]); {
		case c == 0:
			return m, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}
