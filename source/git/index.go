package git

import (
	"encoding/hex"
	"slices"
)

// oid is an object id in binary, SHA-1 (20 bytes, zero-padded) or SHA-256.
type oid [32]byte

// parseOID decodes a hex object id; ok is false for anything else.
func parseOID(s string) (oid, bool) { return parseOIDBytes([]byte(s)) }

// parseOIDBytes is parseOID on bytes.
func parseOIDBytes(s []byte) (oid, bool) {
	var o oid
	if len(s) != 40 && len(s) != 64 {
		return o, false
	}
	if _, err := hex.Decode(o[:len(s)/2], s); err != nil {
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
	// blobs numbers the blobs; oids and refs hold each one's id and
	// provenance.
	blobs   map[oid]uint32
	oids    []oid
	refs    []blobRef
	paths   []string
	pathIDs map[string]uint32
	// others lists, for blobs seen at several paths, the paths other
	// than the introducing one.
	others map[uint32][]uint32
	// baseOIDs holds, while a walk from newest to oldest builds the
	// index (resight), the previous version of each blob's file at its
	// oldest sighting so far, which may not be seen yet.
	baseOIDs []oid
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
		x.newBlob(b, ref)
		return true
	}
	x.addOther(n, pid)
	return false
}

// resight is sight for a walk from newest to oldest: each sighting is
// older than those before, so it replaces them as the introduction.
func (x *index) resight(b oid, c uint32, p string, base oid) {
	pid := x.pathID(p)
	n, ok := x.blobs[b]
	if !ok {
		x.newBlob(b, blobRef{commit: c, path: pid})
		x.baseOIDs = append(x.baseOIDs, base)
		return
	}
	ref := &x.refs[n]
	if ref.path != pid {
		old := ref.path
		ref.path = pid
		x.others[n] = slices.DeleteFunc(x.others[n], func(id uint32) bool { return id == pid })
		x.addOther(n, old)
	}
	ref.commit = c
	x.baseOIDs[n] = base
}

func (x *index) newBlob(b oid, ref blobRef) {
	x.blobs[b] = uint32(len(x.refs))
	x.oids = append(x.oids, b)
	x.refs = append(x.refs, ref)
}

// addOther notes that blob n is also at path pid.
func (x *index) addOther(n, pid uint32) {
	if pid != x.refs[n].path && !containsID(x.others[n], pid) {
		x.others[n] = append(x.others[n], pid)
	}
}

// oldestFirst renumbers the commits of an index built newest first.
func (x *index) oldestFirst() {
	slices.Reverse(x.commits)
	last := uint32(len(x.commits) - 1)
	for i := range x.refs {
		x.refs[i].commit = last - x.refs[i].commit
	}
}

// add appends the index of a later part of the walk, built newest first:
// its commits follow, and its blobs already seen are only more paths.
func (x *index) add(y *index) {
	offset, last := uint32(len(x.commits)), uint32(len(y.commits)-1)
	for i := len(y.commits) - 1; i >= 0; i-- {
		x.commits = append(x.commits, y.commits[i])
	}
	x.hashLen = max(x.hashLen, y.hashLen)
	for m, ref := range y.refs {
		n, seen := x.blobs[y.oids[m]]
		if !seen {
			n = uint32(len(x.refs))
			x.newBlob(y.oids[m], blobRef{commit: offset + last - ref.commit, path: x.pathID(y.paths[ref.path])})
			x.baseOIDs = append(x.baseOIDs, y.baseOIDs[m])
		} else {
			x.addOther(n, x.pathID(y.paths[ref.path]))
		}
		for _, o := range y.others[uint32(m)] {
			x.addOther(n, x.pathID(y.paths[o]))
		}
	}
}

// resolveBases turns baseOIDs into blob numbers, once the walk is done.
func (x *index) resolveBases() {
	for n, b := range x.baseOIDs {
		if bn, ok := x.blobs[b]; ok && b != (oid{}) {
			x.refs[n].base = bn + 1
		}
	}
	x.baseOIDs = nil
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
