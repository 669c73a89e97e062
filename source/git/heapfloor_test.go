package git

import (
	"testing"

	"github.com/vigilsec/vigil"
)

// vigil scan holds the collector back for the sources that say so: the
// history and the staged scans must keep saying it.
func TestHeapFloor(t *testing.T) {
	for name, src := range map[string]vigil.Source{"history": &History{}, "staged": &Staged{}} {
		h, ok := src.(vigil.HeapFloorer)
		if !ok {
			t.Errorf("%s: not a vigil.HeapFloorer", name)
			continue
		}
		if h.HeapFloor() < 16<<20 {
			t.Errorf("%s: floor %d bytes, want at least 16 MiB", name, h.HeapFloor())
		}
	}
}
