package git

import (
	"math/bits"
	"sync"
)

// Size classes of bufPool: powers of two from 4 KiB to 16 MiB (blobs
// compared with their previous version are at most 512 KiB at the default
// chunk size; blobs built from deltas in-process may be larger).
const (
	minBufShift = 12
	maxBufShift = 24
)

// bufPool lends the buffers blobs are read into and takes them back once
// a blob has been compared and matched, so that a history scan does not
// allocate (and the collector reclaim) the hundreds of megabytes its
// blobs hold. It is safe for concurrent use; a nil *bufPool lends nothing.
type bufPool struct {
	classes [maxBufShift - minBufShift + 1]sync.Pool
}

// bufClass returns the size class of a buffer of n bytes, and false when n
// is over the largest.
func bufClass(n int) (int, bool) {
	shift := max(bits.Len(uint(max(n, 1)-1)), minBufShift)
	return shift - minBufShift, shift <= maxBufShift
}

// get returns a buffer of n bytes, nil when there is no pool or n is over
// the largest class.
func (p *bufPool) get(n int) []byte {
	if p == nil {
		return nil
	}
	c, ok := bufClass(n)
	if !ok {
		return nil
	}
	if b, ok := p.classes[c].Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, 1<<(c+minBufShift))
}

// put takes back a buffer from get, once nothing refers to it any more.
func (p *bufPool) put(b []byte) {
	if p == nil || b == nil {
		return
	}
	c, ok := bufClass(cap(b))
	if !ok || cap(b) != 1<<(c+minBufShift) {
		return // not one of ours
	}
	p.classes[c].Put(&b)
}
