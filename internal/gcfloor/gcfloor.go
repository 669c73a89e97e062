// Package gcfloor keeps the Go garbage collector from running while the
// heap is small. At the default GOGC=100 a collection starts each time
// the heap doubles. A scan whose live heap is a few tens of megabytes but
// which reads a gigabyte of blobs through it then collects about a
// hundred times, and each collection marks all that is still live
// (compiled rules, dictionaries, the history index) once more. Under a
// floor the heap grows to the floor before a collection starts; above it,
// the runtime's own rule (twice the live heap) holds again. The floor
// for a scan is the source's to say (vigil.HeapFloorer); the program
// decides whether to apply it.
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// initialHeap is the heap goal the runtime starts from at GOGC=100, before
// its first collection.
const initialHeap = 4 << 20

// Floor sets GOGC after every collection so that the next one starts once
// the heap reaches max(floor, 2 × the live heap). It returns a function
// that puts back the GOGC in force before and stops adjusting. A zero
// floor does nothing. Callers leave GOGC alone when the user has set it.
func Floor(floor uint64) (stop func()) {
	if floor == 0 {
		return func() {}
	}
	t := &tuner{floor: floor, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.before = debug.SetGCPercent(100)
	// A collection may be under way (the caller has just allocated and
	// turned collections back on). Its live heap is not known yet, and
	// the token armed now survives it: the GOGC set here holds until the
	// collection after, so it must not overshoot. Counting the whole heap
	// in use as live, which it is not less than, puts the next collection
	// at the floor or below. Set from the last live heap alone, the
	// history scan sometimes overshot the floor by far before collecting
	// again (figures in bench/README.md, "Figures behind choices in the code").
	inUse := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(inUse)
	t.set(inUse[0].Value.Uint64())
	t.arm()
	return t.stop
}

// tuner re-arms itself after each collection with a token that the next
// one frees.
type tuner struct {
	floor   uint64
	live    []metrics.Sample
	before  int
	mu      sync.Mutex
	stopped bool
}

// token is what a collection frees to run the tuner. It holds a pointer,
// so the allocator never packs it with other small objects, which could
// keep it alive past the collection.
type token struct{ _ *byte }

// arm allocates a token whose cleanup, once a collection has freed it,
// sets GOGC from the live heap that collection measured, and arms again.
func (t *tuner) arm() {
	runtime.AddCleanup(&token{}, (*tuner).collected, t)
}

func (t *tuner) collected() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.set(0)
	t.arm()
}

// set sets GOGC from the live heap the last collection measured (before
// the first, the runtime starts from a goal of 4 MiB, as if 2 were live),
// or from atLeast when that is more.
func (t *tuner) set(atLeast uint64) {
	live := uint64(initialHeap / 2)
	metrics.Read(t.live)
	if v := t.live[0].Value; v.Kind() == metrics.KindUint64 && v.Uint64() > 0 {
		live = v.Uint64()
	}
	debug.SetGCPercent(percentFor(t.floor, max(live, atLeast)))
}

func (t *tuner) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped {
		t.stopped = true
		debug.SetGCPercent(t.before)
	}
}

// percentFor returns the GOGC that puts the next collection at
// max(floor, 2 × live), never below 100.
func percentFor(floor, live uint64) int {
	live = max(live, 1)
	if 2*live >= floor {
		return 100
	}
	return int(min((floor-live)*100/live, 1<<20))
}
