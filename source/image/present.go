package image

import (
	"path"

	"github.com/vigilsec/vigil"
)

// changes is what one layer did to the filesystem.
type changes struct {
	// paths holds every path the layer writes: true for files, links
	// and devices, false for directories.
	paths map[string]bool
	// whiteout holds the paths the layer deletes.
	whiteout map[string]bool
	// opaque holds the directories whose lower content the layer hides.
	opaque map[string]bool
}

func newChanges() *changes {
	return &changes{paths: map[string]bool{}, whiteout: map[string]bool{}, opaque: map[string]bool{}}
}

// hides reports whether the layer removes or replaces the file at p that
// a lower layer wrote.
func (c *changes) hides(p string) bool {
	if _, ok := c.paths[p]; ok || c.whiteout[p] {
		return true // replaced (by a file, link or directory) or deleted
	}
	for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if c.whiteout[dir] || c.opaque[dir] || c.paths[dir] {
			return true // an ancestor deleted, made opaque, or replaced by a non-directory
		}
	}
	return c.opaque[""] // the root made opaque
}

// visible reports whether the file p that layer i wrote is still in the
// final filesystem: no later layer removes or replaces it.
func (s *Source) visible(p string, i int) bool {
	for _, c := range s.changes[i+1:] {
		if c != nil && c.hides(p) {
			return false
		}
	}
	return true
}

// Annotate completes a finding of this image's scan once Chunks has
// returned: Present says whether the secret is still visible in the final
// image (a file no later layer deleted or replaced; the config always is),
// and a finding in the config gets the history step that set it.
func (s *Source) Annotate(f *vigil.Finding) {
	yes := true
	if l, ok := s.config.layerOf(f.Origin, s); ok {
		f.Origin.Layer = l
		f.Present = &yes
		// A part may have been set by another step (ENV SID=… then ENV
		// TOKEN=…).
		for i, p := range f.Parts {
			if o, ok := f.PartOrigin(p); ok {
				f.Parts[i].Layer, _ = s.config.layerOf(o, s)
			}
		}
		return
	}
	l := f.Origin.Layer
	if l == nil || l.Index < 0 || l.Index >= len(s.changes) {
		return
	}
	v := s.visible(f.Origin.File(), l.Index)
	f.Present = &v
}
