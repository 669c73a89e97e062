package git

import (
	"bytes"
	"fmt"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/git/pack"
)

// A secret found in one object is in every object built from it by deltas
// that copy it: a history read in-process scans each byte once, in the
// object that added it, and attribution follows the copies to the other
// blobs that hold the secret, to credit the earliest commit that
// introduced any of them.

// holder is a blob that holds a finding's secret (and every part of it),
// and where the secret starts in it.
type holder struct {
	blob uint32
	off  int
}

// valueSpans are where each of a finding's values (its secret, then its
// parts) lies in one object: the whole lines holding it, as the matcher
// saw them, so that a blob holds the finding only where the lines around
// its secret are those it was found in.
type valueSpans [][]lineSpan

// lineSpan is a value's lines in an object: from, n bytes long, with the value
// at offset at.
type lineSpan struct{ from, n, at int }

// holders returns, for each of findings fs found in blob n, the other
// blobs that hold it by copying it through deltas. It reads the objects of
// the delta tree under n once for all of them, as far as any still holds
// its finding.
func (h *History) holders(rd *pack.Reader, fs []*vigil.Finding, n uint32) ([][]holder, error) {
	out := make([][]holder, len(fs))
	at := h.where[n]
	if at.f == nil {
		return out, nil
	}
	_, _, data, err := rd.ReadPacked(at.f.p, int(at.pos), pack.MaxObjectSize, 0)
	if err != nil {
		return nil, fmt.Errorf("read blob %s again: %w", h.idx.oids[n].hex(pack.HashLen), err)
	}
	spans := make([]valueSpans, len(fs))
	live := 0
	for i, f := range fs {
		values := [][]byte{[]byte(f.Secret.Reveal())}
		for _, p := range f.Parts {
			values = append(values, []byte(p.Value.Reveal()))
		}
		if ss, ok := foundSpans(data, f, values); ok {
			spans[i] = ss
			live++
		}
	}
	if live == 0 {
		return out, nil // not verbatim in the blob (decoded text)
	}
	var z pack.Inflater
	var ops []pack.Op
	var comp, delta []byte
	var visit func(pos int32, baseLen uint64, spans []valueSpans)
	visit = func(pos int32, baseLen uint64, spans []valueSpans) {
		for _, k := range at.f.kidsOf(pos) {
			if !at.f.need[k] {
				continue
			}
			e, c, buf, err := at.f.p.ReadEntry(int(k), comp)
			comp = buf
			if err != nil || !e.Type.IsDelta() {
				continue // the scan reported it
			}
			if delta, err = z.Inflate(c, e.Size, delta); err != nil {
				continue
			}
			var size uint64
			if ops, size, err = pack.Ops(delta, baseLen, ops[:0]); err != nil {
				continue
			}
			kept := make([]valueSpans, len(spans))
			any := false
			for i, ss := range spans {
				if ss == nil {
					continue
				}
				if kept[i], _ = copied(ops, ss); kept[i] == nil {
					continue
				}
				any = true
				if b := at.f.want[k]; b != 0 {
					first := kept[i][0][0]
					for _, s := range kept[i][0] {
						if s.from < first.from {
							first = s
						}
					}
					out[i] = append(out[i], holder{blob: b - 1, off: first.from + first.at})
				}
			}
			if any {
				visit(k, size, kept)
			}
		}
	}
	visit(at.pos, uint64(len(data)), spans)
	return out, nil
}

// foundSpans returns the lines of data holding a finding's values: the
// secret where the matcher found it (its line and column), each part
// wherever it is within DefaultContext lines of it.
func foundSpans(data []byte, f *vigil.Finding, values [][]byte) (valueSpans, bool) {
	lineAt := func(line int) int { // the offset where a line starts
		at := 0
		for ; line > 1 && at < len(data); line-- {
			i := bytes.IndexByte(data[at:], '\n')
			if i < 0 {
				return len(data)
			}
			at += i + 1
		}
		return at
	}
	lineOf := func(from, at, n int) lineSpan {
		to := len(data)
		if k := bytes.IndexByte(data[at+n:], '\n'); k >= 0 {
			to = at + n + k + 1
		}
		return lineSpan{from: from, n: to - from, at: at - from}
	}
	start := lineAt(f.Origin.Line)
	at := start + f.Origin.Column - 1
	secret := values[0]
	if f.Origin.Column < 1 || at+len(secret) > len(data) || !bytes.Equal(data[at:at+len(secret)], secret) {
		return nil, false
	}
	spans := valueSpans{{lineOf(start, at, len(secret))}}
	lo, hi := lineAt(f.Origin.Line-DefaultContext), lineAt(f.Origin.Line+DefaultContext+1)
	for _, v := range values[1:] {
		var ss []lineSpan
		for off := lo; off < hi; {
			j := bytes.Index(data[off:hi], v)
			if j < 0 || len(v) == 0 {
				break
			}
			p := off + j
			ss = append(ss, lineOf(bytes.LastIndexByte(data[:p], '\n')+1, p, len(v)))
			off = p + 1
		}
		if len(ss) == 0 {
			return nil, false
		}
		spans = append(spans, ss)
	}
	return spans, true
}

// copied maps spans of a base through a delta's copies: where each lands
// in the result, whole, by runs of copies that continue each other. ok is
// false when some value lands nowhere.
func copied(ops []pack.Op, spans valueSpans) (valueSpans, bool) {
	out := make(valueSpans, len(spans))
	for i, ss := range spans {
		for _, s := range ss {
			from, n := uint64(s.from), uint64(s.n)
			for j := 0; j < len(ops); {
				// A run of copies, each going on where the last ended.
				k := j + 1
				if !ops[j].Insert {
					for k < len(ops) && !ops[k].Insert && ops[k-1].From+ops[k-1].Len == ops[k].From {
						k++
					}
					first, last := ops[j], ops[k-1]
					if first.From <= from && from+n <= last.From+last.Len {
						out[i] = append(out[i], lineSpan{from: int(first.Target + from - first.From), n: s.n, at: s.at})
					}
				}
				j = k
			}
		}
		if len(out[i]) == 0 {
			return nil, false
		}
	}
	return out, true
}

// placeIn sets a finding's line and column to those of offset off in the
// content of blob n.
func (h *History) placeIn(rd *pack.Reader, content map[uint32][]byte, f *vigil.Finding, n uint32, off int) error {
	data, ok := content[n]
	if !ok {
		at := h.where[n]
		_, _, d, err := rd.ReadPacked(at.f.p, int(at.pos), pack.MaxObjectSize, 0)
		if err != nil {
			return fmt.Errorf("read blob %s again: %w", h.idx.oids[n].hex(pack.HashLen), err)
		}
		data = d
		content[n] = data
	}
	span := f.Origin.EndLine - f.Origin.Line
	f.Origin.Line = 1 + bytes.Count(data[:off], []byte{'\n'})
	f.Origin.Column = 1 + vigil.CharCount(data[bytes.LastIndexByte(data[:off], '\n')+1:off])
	if f.Origin.EndLine != 0 {
		f.Origin.EndLine = f.Origin.Line + span
	}
	return nil
}

// withHolders adds to fs, for each finding, a copy in each other blob that
// holds it (see holders), placed at no line yet: it returns the offset of
// the secret in the blob of each copy, by index in the result.
func (h *History) withHolders(fs []vigil.Finding) ([]vigil.Finding, map[int]int, error) {
	rd := h.objs.store.NewReader()
	placed := map[int]int{}
	byBlob := map[uint32][]int{}
	var blobs []uint32
	for i := range fs {
		f := &fs[i]
		b, ok := parseOID(f.Origin.Blob)
		n, known := h.idx.blobs[b]
		if f.Origin.Source != "git" || !ok || !known {
			continue
		}
		if _, seen := byBlob[n]; !seen {
			blobs = append(blobs, n)
		}
		byBlob[n] = append(byBlob[n], i)
	}
	out := fs
	for _, n := range blobs {
		found := make([]*vigil.Finding, len(byBlob[n]))
		for j, i := range byBlob[n] {
			found[j] = &fs[i]
		}
		hs, err := h.holders(rd, found, n)
		if err != nil {
			return nil, nil, err
		}
		for j, i := range byBlob[n] {
			for _, hd := range hs[j] {
				c := fs[i]
				c.Origin.Blob = h.idx.oids[hd.blob].hex(pack.HashLen)
				// Unplaced copies come after the findings of the same blob.
				c.Origin.Line, c.Origin.Column = maxLine, 0
				placed[len(out)] = hd.off
				out = append(out, c)
			}
		}
	}
	return out, placed, nil
}

// maxLine places a finding after every other of its blob.
const maxLine = 1 << 30

// closeObjects closes the object stores of h and its submodules' histories.
func (h *History) closeObjects() {
	h.objs.close()
	h.objs, h.where = nil, nil
	for _, s := range h.subs {
		s.closeObjects()
	}
}

// firstIn returns the first of a group's findings in the blob of its
// introducing one: the copies placed by withHolders get their line and
// column there first.
func (h *History) firstIn(g *group, fs []vigil.Finding, blobOf []uint32, placed map[int]int) (vigil.Finding, error) {
	n := blobOf[g.best]
	rd := h.objs.store.NewReader()
	content := map[uint32][]byte{}
	best := fs[g.best]
	have := false
	for _, i := range g.findings {
		if blobOf[i] != n {
			continue
		}
		f := fs[i]
		if off, ok := placed[i]; ok {
			if err := h.placeIn(rd, content, &f, n, off); err != nil {
				return f, err
			}
		}
		if !have || f.Origin.Line < best.Origin.Line || f.Origin.Line == best.Origin.Line && f.Origin.Column < best.Origin.Column {
			best, have = f, true
		}
	}
	return best, nil
}
