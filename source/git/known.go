package git

import (
	"bytes"
	"context"

	"github.com/vigilsec/vigil"
)

// lazyBlobs reads whole blobs on demand, through an objectReader (in
// process, or one cat-file started at the first read).
type lazyBlobs struct {
	repo  *Repo
	limit int64 // larger blobs read as nil
	objs  *objectReader
	cache map[string][]byte
}

func newLazyBlobs(repo *Repo, opts Options, objs *objectReader) *lazyBlobs {
	limit := opts.maxSize()
	if limit < 0 {
		limit = maxObjectSize
	}
	return &lazyBlobs{repo: repo, limit: limit, objs: objs, cache: map[string][]byte{}}
}

// read returns a blob's content; nil when it is missing or over the limit.
func (l *lazyBlobs) read(ctx context.Context, oid string) ([]byte, error) {
	if data, ok := l.cache[oid]; ok {
		return data, nil
	}
	_, data, _, err := l.objs.read(ctx, l.repo, oid, l.limit)
	if err != nil {
		return nil, err
	}
	l.cache[oid] = data
	return data, nil
}

// close ends the cat-file process, if one was started.
func (l *lazyBlobs) close() error { return l.objs.close() }

// abort ends the process after a failure.
func (l *lazyBlobs) abort() { l.objs.abort() }

// dropKnown removes the findings whose secret, and every part of it, the
// previous version of their file (baseOf; "" for none) already held: a
// hook blocks what a commit or push adds, not what was there before.
func dropKnown(ctx context.Context, blobs *lazyBlobs, fs []vigil.Finding, baseOf func(*vigil.Finding) string) ([]vigil.Finding, error) {
	defer blobs.abort()
	out := fs[:0:0]
	for i := range fs {
		f := &fs[i]
		base := baseOf(f)
		if base == "" {
			out = append(out, *f)
			continue
		}
		data, err := blobs.read(ctx, base)
		if err != nil {
			return nil, err
		}
		if data == nil || !holds(data, f) {
			out = append(out, *f)
		}
	}
	return out, blobs.close()
}

// holds reports whether data contains a finding's secret and all its parts.
func holds(data []byte, f *vigil.Finding) bool {
	if !bytes.Contains(data, []byte(f.Secret.Reveal())) {
		return false
	}
	for _, p := range f.Parts {
		if !bytes.Contains(data, []byte(p.Value.Reveal())) {
			return false
		}
	}
	return true
}
