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

// blobRef is what the history index keeps per unique blob: the commit and
// path that introduced it (its first sighting in a walk from oldest to
// newest), and the previous version of the file it was a new version of
// (base: a blob number plus one, 0 for none). Other paths it appears at
// are in index.others.
type blobRef struct {
	commit, path, base uint32
}

// index is the provenance of every blob a history walk saw. It grows with
// the number of unique blobs, commits and paths in the selected history —
// a few dozen bytes each — never with their content.
type index struct {
	hashLen int
	// commits holds the id of each commit walked, oldest first; commit
	// metadata is read later, for the few commits that matter.
	commits []oid
	// blobs numbers the blobs; refs holds each one's provenance.
	blobs   map[oid]uint32
	refs    []blobRef
	paths   []string
	pathIDs map[string]uint32
	// others lists, for blobs seen at several paths, the paths other
	// than the introducing one.
	others map[uint32][]uint32
}

func newIndex() *index {
	return &index{blobs: map[oid]uint32{}, pathIDs: map[string]uint32{}, others: map[uint32][]uint32{}}
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

// sight records that commit c holds blob b at path p, as a new version of
// blob base (if known), and reports whether the blob is new. The walk goes
// from oldest to newest, so the first sighting is the introduction.
func (x *index) sight(b oid, c uint32, p string, base oid) bool {
	pid := x.pathID(p)
	n, ok := x.blobs[b]
	if !ok {
		ref := blobRef{commit: c, path: pid}
		if bn, ok := x.blobs[base]; ok {
			ref.base = bn + 1
		}
		x.blobs[b] = uint32(len(x.refs))
		x.refs = append(x.refs, ref)
		return true
	}
	if pid != x.refs[n].path && !containsID(x.others[n], pid) {
		x.others[n] = append(x.others[n], pid)
	}
	return false
}

// pathsOf returns the paths blob n was seen at, the introducing one first.
func (x *index) pathsOf(n uint32) []string {
	out := []string{x.paths[x.refs[n].path]}
	for _, id := range x.others[n] {
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
