package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func TestPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		floor, live uint64
		want        int
	}{
		{floor: 128 * mib, live: 32 * mib, want: 300}, // next collection at 128 MiB
		{floor: 128 * mib, live: 64 * mib, want: 100}, // twice the live heap is the floor
		{floor: 128 * mib, live: 100 * mib, want: 100},
		{floor: 128 * mib, live: 2 * mib, want: 6300},
		{floor: 128 * mib, live: 0, want: 1 << 20}, // capped, not a division by zero
	} {
		if got := percentFor(tc.floor, tc.live); got != tc.want {
			t.Errorf("percentFor(%d MiB, %d MiB) = %d, want %d", tc.floor/mib, tc.live/mib, got, tc.want)
		}
	}
}

// gogc reads the GOGC in force.
func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// collectUntil runs collections until GOGC is want (the tuner runs on a
// goroutine of its own after each), at most a hundred.
func collectUntil(want uint64) uint64 {
	for range 100 {
		runtime.GC()
		runtime.Gosched()
		if got := gogc(); got == want {
			return got
		}
	}
	return gogc()
}

func TestFloorFollowsCollections(t *testing.T) {
	const floor = 64 << 20
	before := gogc()
	stop := Floor(floor)
	if got := gogc(); got <= 100 {
		t.Fatalf("GOGC after Floor = %d, want above 100", got)
	}
	// A live heap of over half the floor: twice it is above the floor,
	// so GOGC goes back to 100.
	live := make([]byte, 40<<20)
	if got := collectUntil(100); got != 100 {
		t.Errorf("with 40 MiB live, GOGC = %d, want 100", got)
	}
	runtime.KeepAlive(live)
	// Freed again: the tuner, re-armed at each collection, raises it.
	live = nil
	for range 100 {
		if runtime.GC(); gogc() > 100 {
			break
		}
		runtime.Gosched()
	}
	if got := gogc(); got <= 100 {
		t.Errorf("with the 40 MiB freed, GOGC = %d, want above 100", got)
	}
	stop()
	stop() // a second stop does nothing
	if got := gogc(); got != before {
		t.Errorf("GOGC after stop = %d, want %d as before", got, before)
	}
	runtime.GC() // a cleanup still armed finds the tuner stopped
	runtime.Gosched()
	if got := gogc(); got != before {
		t.Errorf("GOGC after stop and a collection = %d, want %d", got, before)
	}
}

func TestZeroFloorDoesNothing(t *testing.T) {
	before := gogc()
	stop := Floor(0)
	defer stop()
	if got := gogc(); got != before {
		t.Errorf("GOGC = %d after Floor(0), want %d", got, before)
	}
}

// TestFloorCountsHeapInUse checks that Floor reckons from the whole heap in
// use, not only from the live heap of the last collection: a collection
// may be under way when it is called, and the GOGC Floor sets holds until
// the collection after that one, so it must not put that one above the
// floor. Here 16 MiB of garbage sits in the heap, as the loading of rules
// leaves it when a scan begins.
func TestFloorCountsHeapInUse(t *testing.T) {
	const floor = 64 << 20
	runtime.GC()
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	garbage := make([]byte, 16<<20)
	runtime.KeepAlive(garbage)
	stop := Floor(floor)
	defer stop()
	if got, most := gogc(), percentFor(floor, 16<<20); got > uint64(most) {
		t.Errorf("GOGC = %d with 16 MiB of heap in use, want at most %d", got, most)
	}
}
