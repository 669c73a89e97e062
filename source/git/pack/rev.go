package pack

import (
	"bytes"
	"encoding/binary"

	"os"
	"slices"
)

var revMagic = []byte("RIDX")

// ParseRev parses a reverse index (.rev, version 1, SHA-1) of a pack of n
// objects: the index positions of the objects in pack order.
func ParseRev(data []byte, n int) ([]uint32, error) {
	if len(data) < 12 || !bytes.Equal(data[:4], revMagic) {
		return nil, formatErr("not a reverse index")
	}
	if v := binary.BigEndian.Uint32(data[4:]); v != 1 {
		return nil, formatErr("reverse index version %d", v)
	}
	if h := binary.BigEndian.Uint32(data[8:]); h != 1 {
		return nil, formatErr("reverse index of hash function %d, not SHA-1", h)
	}
	if uint64(len(data)) != 12+4*uint64(n)+2*HashLen {
		return nil, formatErr("reverse index of %d bytes for %d objects", len(data), n)
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(data[12+4*i:])
		if int(out[i]) >= n {
			return nil, formatErr("reverse index entry %d out of range", i)
		}
	}
	return out, nil
}

// packOrder returns the index positions of x's objects sorted by pack
// offset: from the reverse index at revPath when there is a valid one,
// else by sorting.
func packOrder(x *Index, revPath string) []uint32 {
	if data, err := os.ReadFile(revPath); err == nil {
		if order, err := ParseRev(data, x.Len()); err == nil && sortedBy(order, x) {
			return order
		}
	}
	order := make([]uint32, x.Len())
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		switch oa, ob := x.offsets[a], x.offsets[b]; {
		case oa < ob:
			return -1
		case oa > ob:
			return 1
		}
		return 0
	})
	return order
}

// sortedBy reports whether order lists x's objects by strictly increasing
// offset (each position once).
func sortedBy(order []uint32, x *Index) bool {
	for i := 1; i < len(order); i++ {
		if x.offsets[order[i-1]] >= x.offsets[order[i]] {
			return false
		}
	}
	return true
}

func revPathOf(idxPath string) string {
	return idxPath[:len(idxPath)-len(".idx")] + ".rev"
}
