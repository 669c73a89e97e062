package git

import (
	"encoding/hex"
)

// oid is an object id in binary, SHA-1 (20 bytes, zero-padded) or SHA-256.
type oid [32]byte

// parseOID decodes a hex object id; ok is false for anything else.
func parseOID(s string) (oid, bool) {
	var o oid
	if len(s) != 40 && len(s) != 64 {
		return o, false
	}
	if _, err := hex.Decode(o[:len(s)/2], []byte(s)); err != nil {
		return o, false
	}
	return o, true
}

// hexOID encodes an id of n bytes.
func (o oid) hex(n int) string { return hex.EncodeToString(o[:n]) }

// commitRef is what the history index keeps per commit: its id and author
// time. Everything else is read later, for the few commits that matter.
type commitRef struct {
	id   oid
	time int64
}

// blobRef is what the history index keeps per unique blob: the commit and
// path that introduced it (the earliest sighting), and whether it was
// seen at other paths too.
type blobRef struct {
	commit uint32
	path   uint32
	// more is set when the blob also appears at other paths (see
	// index.others).
	more bool
}

// index is the provenance of every blob a history walk saw. It grows with
// the number of unique blobs, commits and paths in the selected history —
// a few dozen bytes each — never with their content.
type index struct {
	hashLen int
	commits []commitRef
	blobs   map[oid]blobRef
	paths   []string
	pathIDs map[string]uint32
	// others lists, for blobs seen at several paths, the paths other
	// than the introducing one.
	others map[oid][]uint32
}

func newIndex() *index {
	return &index{blobs: map[oid]blobRef{}, pathIDs: map[string]uint32{}, others: map[oid][]uint32{}}
}

func (x *index) pathID(p string) uint32 {
	if id, ok := x.pathIDs[p]; ok {
		return id
	}
	id := uint32(len(x.paths))
	x.paths = append(x.paths, p)
	x.pathIDs[p] = id
	return id
}

// sight records that commit c holds blob b at path p, and reports whether
// the blob is new. The walk goes from newest to oldest, so a later
// sighting with an earlier (or equal) author time becomes the blob's
// introduction.
func (x *index) sight(b oid, c uint32, p string) bool {
	pid := x.pathID(p)
	ref, ok := x.blobs[b]
	if !ok {
		x.blobs[b] = blobRef{commit: c, path: pid}
		return true
	}
	other := pid != ref.path
	if other && !containsID(x.others[b], pid) {
		x.others[b] = append(x.others[b], pid)
		ref.more = true
	}
	if x.commits[c].time <= x.commits[ref.commit].time {
		if other {
			// pid becomes the introducing path; the old one is another.
			x.others[b] = append(removeID(x.others[b], pid), ref.path)
		}
		ref.commit, ref.path = c, pid
	}
	x.blobs[b] = ref
	return false
}

// pathsOf returns the paths a blob was seen at, the introducing one first.
func (x *index) pathsOf(b oid) []string {
	ref, ok := x.blobs[b]
	if !ok {
		return nil
	}
	out := []string{x.paths[ref.path]}
	for _, id := range x.others[b] {
		out = append(out, x.paths[id])
	}
	return out
}

func containsID(ids []uint32, id uint32) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func removeID(ids []uint32, id uint32) []uint32 {
	for i, v := range ids {
		if v == id {
			return append(ids[:i], ids[i+1:]...)
		}
	}
	return ids
}
