package git

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// Attribute turns the findings of a finished scan of h into one finding
// per credential: the same secret found in many blobs, commits and paths
// is reported once, at the commit, path, author and date that introduced
// it (the first commit holding it in topological order, oldest first),
// with Occurrences (the number of distinct paths it was found at) and
// Present (whether the tip of a selected ref still holds it). Commit author, date and subject
// are read only for the introducing commits. Findings h did not produce
// are returned unchanged.
func (h *History) Attribute(ctx context.Context, fs []vigil.Finding) ([]vigil.Finding, error) {
	if h.idx == nil {
		return fs, nil
	}
	defer h.closeObjects()
	// Route each finding to the history (this one or a submodule's)
	// whose blobs it came from.
	byHist := map[*History][]vigil.Finding{}
	var order []*History
	var out []vigil.Finding
	for _, f := range fs {
		owner := h.owner(f.Origin.Path)
		if f.Origin.Source != "git" || f.Origin.Blob == "" {
			out = append(out, f)
			continue
		}
		if _, ok := byHist[owner]; !ok {
			order = append(order, owner)
		}
		byHist[owner] = append(byHist[owner], f)
	}
	for _, o := range order {
		folded, err := o.attributeOwn(ctx, byHist[o])
		if err != nil {
			return nil, err
		}
		out = append(out, folded...)
	}
	return out, nil
}

// owner returns the history (h or a submodule's) a path belongs to.
func (h *History) owner(path string) *History {
	for prefix, sub := range h.subs {
		if strings.HasPrefix(path, prefix) {
			return sub.owner(path)
		}
	}
	return h
}

// group is the findings of one credential.
type group struct {
	best     int      // index of the introducing finding
	blobs    []uint32 // the blobs it was found in
	paths    []string // the paths those blobs were seen at (no prefix)
	secret   string
	present  bool
	findings []int
	// values are the secret and the values of its parts (a SID paired
	// with its token).
	values []string
}

func (h *History) attributeOwn(ctx context.Context, fs []vigil.Finding) ([]vigil.Finding, error) {
	idx := h.idx
	if h.opts.NewOnly {
		var err error
		fs, err = dropKnown(ctx, newLazyBlobs(h.repo, h.opts, h.newObjectReader()), fs, func(f *vigil.Finding) string {
			b, _ := parseOID(f.Origin.Blob)
			if n, ok := idx.blobs[b]; ok {
				return h.bases[n]
			}
			return ""
		})
		if err != nil {
			return nil, err
		}
	}
	// Read in-process, a finding is also in the blobs that copy it from
	// the one it was found in.
	var placed map[int]int
	if h.readInproc() {
		var err error
		if fs, placed, err = h.withHolders(fs); err != nil {
			return nil, err
		}
	}
	var groups []*group
	byFP := map[string]*group{}
	blobOf := make([]uint32, len(fs))
	var unknown []vigil.Finding
	for i := range fs {
		f := &fs[i]
		b, ok := parseOID(f.Origin.Blob)
		n, known := idx.blobs[b]
		if !ok || !known {
			unknown = append(unknown, *f)
			continue
		}
		blobOf[i] = n
		fp := f.Fingerprint()
		g := byFP[fp]
		if g == nil {
			g = &group{best: i, secret: f.Secret.Reveal()}
			g.values = []string{g.secret}
			byFP[fp] = g
			groups = append(groups, g)
		}
		g.findings = append(g.findings, i)
		for _, p := range f.Parts {
			if v := p.Value.Reveal(); !slices.Contains(g.values, v) {
				g.values = append(g.values, v)
			}
		}
		if !slices.Contains(g.blobs, n) {
			g.blobs = append(g.blobs, n)
			for _, p := range idx.pathsOf(n) {
				if !slices.Contains(g.paths, p) {
					g.paths = append(g.paths, p)
				}
			}
		}
		// The introduction is the blob met first in the walk, which
		// goes from the oldest commit to the newest; within a commit,
		// the first path and line.
		if introducedBefore(idx, blobOf, fs, i, g.best) {
			g.best = i
		}
	}
	// Whether a tip still holds each credential, and who committed it,
	// are read from git at the same time.
	var (
		headKnown  bool
		presentErr error
		marked     = make(chan struct{})
	)
	go func() {
		defer close(marked)
		headKnown, presentErr = h.markPresent(ctx, groups)
	}()
	commits, err := h.commitInfo(ctx, groups, blobOf)
	<-marked
	if err = cmp.Or(presentErr, err); err != nil {
		return nil, err
	}
	out := make([]vigil.Finding, 0, len(groups)+len(unknown))
	for _, g := range groups {
		f := fs[g.best]
		if len(placed) > 0 {
			var err error
			if f, err = h.firstIn(g, fs, blobOf, placed); err != nil {
				return nil, err
			}
		}
		ref := idx.refs[blobOf[g.best]]
		f.Origin.Path = h.prefix + idx.paths[ref.path]
		c := commits[ref.commit]
		f.Origin.Commit = &c
		for _, i := range g.findings {
			f.Confidence = max(f.Confidence, fs[i].Confidence)
		}
		f.Occurrences = len(g.paths)
		if headKnown {
			present := g.present
			f.Present = &present
		}
		out = append(out, f)
	}
	return append(out, unknown...), nil
}

// introducedBefore orders findings i and j by introducing commit, then
// path, line and column.
func introducedBefore(idx *index, blobOf []uint32, fs []vigil.Finding, i, j int) bool {
	a, b := idx.refs[blobOf[i]], idx.refs[blobOf[j]]
	return cmp.Or(
		cmp.Compare(a.commit, b.commit),
		cmp.Compare(idx.paths[a.path], idx.paths[b.path]),
		cmp.Compare(fs[i].Origin.Line, fs[j].Origin.Line),
		cmp.Compare(fs[i].Origin.Column, fs[j].Origin.Column),
	) < 0
}

// commitInfo reads author, date and subject of the introducing commits.
func (h *History) commitInfo(ctx context.Context, groups []*group, blobOf []uint32) (map[uint32]vigil.Commit, error) {
	out := map[uint32]vigil.Commit{}
	if len(groups) == 0 {
		return out, nil
	}
	objs := h.newObjectReader()
	defer objs.abort()
	for _, g := range groups {
		ci := h.idx.refs[blobOf[g.best]].commit
		if _, done := out[ci]; done {
			continue
		}
		sha := h.idx.commits[ci].hex(h.idx.hashLen)
		typ, data, missing, err := objs.read(ctx, h.repo, sha, maxCommitSize)
		if err != nil {
			return nil, err
		}
		if missing || typ != "commit" || data == nil {
			return nil, fmt.Errorf("read commit %s: missing or not a commit", sha)
		}
		c, err := parseCommit(sha, data)
		if err != nil {
			return nil, err
		}
		out[ci] = c
	}
	return out, objs.close()
}

// readInproc reports whether the scan read the blobs from the packs
// in-process (and so knows where each is, to follow its copies).
func (h *History) readInproc() bool { return h.objs != nil && h.where != nil }

// markPresent sets group.present for credentials the tip of a selected
// ref still holds (see tipTrees). A credential is present when a blob it
// was found in (or, read in-process, that copies it) is in a tip's tree;
// or, at a branch's tip, when the tip holds a later version of such a
// blob (following the versions a file went through, across renames and
// copies) or a blob at one of its paths that this scan did not read, and
// that blob contains the secret. It reports false when there is no tip to
// look at (an unborn branch).
func (h *History) markPresent(ctx context.Context, groups []*group) (bool, error) {
	if len(groups) == 0 {
		return true, nil
	}
	branches, others, err := h.tipTrees(ctx)
	if err != nil || len(branches)+len(others) == 0 {
		return false, err
	}
	idx := h.idx
	byBlob := map[uint32][]*group{}
	byPath := map[string][]*group{}
	bySecret := map[string][]*group{}
	for _, g := range groups {
		for _, b := range g.blobs {
			byBlob[b] = append(byBlob[b], g)
		}
		for _, p := range g.paths {
			byPath[p] = append(byPath[p], g)
		}
		bySecret[g.secret] = append(bySecret[g.secret], g)
	}
	pending := len(groups)
	mark := func(g *group) {
		if !g.present {
			g.present = true
			pending--
		}
	}
	// Read in-process, every blob that holds a secret where a rule finds
	// it is known already: the scan read each byte where it was added
	// (whole objects, loose ones, what deltas insert, with the lines
	// around) and withHolders followed the copies of what it found. So the
	// tips of tags, which are many (one per release) and each hold their
	// own version of every file, are looked up, not read. Read through
	// cat-file, a later version of a file may hold a secret it was not
	// scanned for; and at a branch's tip, a secret may still be there as
	// text where no rule finds it any more (a file rewritten in another
	// format): those blobs are read.
	copied := h.readInproc()
	check := map[string][]*group{} // tip blob → groups whose secret it may hold
	err = h.walkTrees(ctx, [][]string{branches, others}, func(tips int, f treeFile) bool {
		b, _ := parseOID(f.oid)
		n, scanned := idx.blobs[b]
		read := tips == 0 || !copied
		if !scanned {
			if read {
				check[f.oid] = append(check[f.oid], byPath[f.path]...)
			}
			return true
		}
		for _, g := range byBlob[n] {
			mark(g)
			// A secret found again as a part of another finding (a
			// token alone, then beside its SID) is held too.
			for _, v := range g.values {
				for _, o := range bySecret[v] {
					mark(o)
				}
			}
		}
		if !read {
			return pending > 0
		}
		// Earlier versions of this blob's file that hold a secret.
		for steps, v := 0, idx.refs[n].base; v != 0 && steps < maxVersions; steps, v = steps+1, idx.refs[v-1].base {
			check[f.oid] = append(check[f.oid], byBlob[v-1]...)
		}
		return pending > 0
	})
	if err != nil {
		return false, err
	}
	return true, h.checkHeadBlobs(ctx, check)
}

// maxVersions bounds how many earlier versions of a file markPresent
// follows back from HEAD.
const maxVersions = 100000

// checkHeadBlobs reads tip blobs that may still hold the secrets of
// groups not yet known to be present, and looks for them.
func (h *History) checkHeadBlobs(ctx context.Context, check map[string][]*group) error {
	blobs := newLazyBlobs(h.repo, h.opts, h.newObjectReader())
	defer blobs.abort()
	for _, oid := range slices.Sorted(maps.Keys(check)) {
		var pending []*group
		for _, g := range check[oid] {
			if !g.present && !slices.Contains(pending, g) {
				pending = append(pending, g)
			}
		}
		if len(pending) == 0 {
			continue
		}
		data, err := blobs.read(ctx, oid)
		if err != nil {
			return err
		}
		delete(blobs.cache, oid) // read once: keep memory flat
		for _, g := range pending {
			if data != nil && bytes.Contains(data, []byte(g.secret)) {
				g.present = true
			}
		}
	}
	return blobs.close()
}
