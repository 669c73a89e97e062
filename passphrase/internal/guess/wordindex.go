package guess

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
)

// wordIndex is a hash table of the words of a text, for the lists'
// hundred thousand words. A slot holds where a word is in the text, its
// list and rank, and eight more bits of its hash, packed in 64 bits (zero
// for an empty slot):
//
//	tag:8 | start:24 | length:8 | list:4 | rank:20
//
// It is built for a short-lived CLI, where loading the lists is part of a
// command's run. Unlike a map[string]..., the table holds no pointers, so
// the garbage collector never scans it, and it is one allocation of 1 MB;
// in a fresh process, where every new page of memory costs a page fault,
// that size matters as much as the hashing. So the table is kept up to
// three quarters full, collisions are resolved by linear probing (the next
// slots are usually in the same cache line), and the tag spares most
// comparisons with the text.
type wordIndex struct {
	text  string
	slots []uint64
	n     int // words indexed
	seed  maphash.Seed
}

// Limits of the slot fields.
const (
	maxIndexedStart = 1<<24 - 1
	maxIndexedLen   = 1<<8 - 1
	maxIndexedLists = 1 << 4
	maxIndexedRank  = 1<<20 - 1
)

// newWordIndex makes an empty index for up to n words of text.
func newWordIndex(text string, n int) wordIndex {
	size := 1 << bits.Len(uint(n*4/3)) // a power of two above n/0.75
	return wordIndex{text: text, slots: make([]uint64, size), seed: maphash.MakeSeed()}
}

// add indexes text[start:end] with its list and rank. A word already in
// the same list takes the new rank; one in another list is an error.
func (x *wordIndex) add(start, end, list, rank int) error {
	switch {
	case start > maxIndexedStart || end-start > maxIndexedLen:
		return errors.New("text too long to index")
	case list >= maxIndexedLists:
		return errors.New("too many lists to index")
	case rank > maxIndexedRank:
		return errors.New("list too long to index")
	}
	w := x.text[start:end]
	at, tag, found := x.probe(w)
	switch {
	case found && slotList(x.slots[at]) != list:
		return fmt.Errorf("%q is in two lists", w)
	case !found && 4*(x.n+1) > 3*len(x.slots):
		return errors.New("more words than the index was made for")
	case !found:
		x.n++
	}
	x.slots[at] = tag<<56 | uint64(start)<<32 | uint64(end-start)<<24 | uint64(list)<<20 | uint64(rank)
	return nil
}

// find looks w up.
func (x *wordIndex) find(w string) (list, rank int, ok bool) {
	at, _, found := x.probe(w)
	if !found {
		return 0, 0, false
	}
	return slotList(x.slots[at]), int(x.slots[at] & maxIndexedRank), true
}

func slotList(s uint64) int { return int(s >> 20 & (maxIndexedLists - 1)) }

// probe finds w's slot, or the empty slot where it would go, and w's tag.
func (x *wordIndex) probe(w string) (at int, tag uint64, found bool) {
	h := maphash.String(x.seed, w)
	tag = h >> 56
	mask := len(x.slots) - 1
	for at = int(h) & mask; ; at = (at + 1) & mask {
		s := x.slots[at]
		if s == 0 {
			return at, tag, false
		}
		if s>>56 != tag || int(s>>24&maxIndexedLen) != len(w) {
			continue
		}
		start := int(s >> 32 & maxIndexedStart)
		if x.text[start:start+len(w)] == w {
			return at, tag, true
		}
	}
}
