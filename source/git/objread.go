package git

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigilsec/vigil/source/git/pack"
)

// objectReader reads whole objects for attribution (the tips' trees and
// the blobs that may still hold a secret): in-process from the packs when
// the scan read them so, else through one git cat-file. One goroutine
// uses it.
type objectReader struct {
	rd *pack.Reader
	cf *catFile
}

// newObjectReader returns h's object reader; cat-file starts on the
// first read that needs it.
func (h *History) newObjectReader() *objectReader {
	if h.objs != nil {
		return &objectReader{rd: h.objs.store.NewReader()}
	}
	return &objectReader{}
}

// read returns an object's type ("blob", "tree"…) and content, nil when it
// is over limit bytes; missing reports that the repository lacks it.
func (o *objectReader) read(ctx context.Context, r *Repo, oid string, limit int64) (typ string, data []byte, missing bool, err error) {
	if o.rd != nil {
		id, ok := pack.ParseOID(oid)
		if !ok {
			return "", nil, false, fmt.Errorf("read object %q: not an object id", oid)
		}
		if isEmptyTree(id) {
			return "tree", []byte{}, false, nil
		}
		t, size, d, err := o.rd.Read(id, uint64(limit))
		if errors.Is(err, pack.ErrNotFound) {
			return "", nil, true, nil
		}
		if err != nil {
			return "", nil, false, fmt.Errorf("read object %s: %w", oid, err)
		}
		if d == nil && size <= uint64(limit) {
			d = []byte{} // empty, not over the limit
		}
		return t.String(), d, false, nil
	}
	if o.cf == nil {
		cf, err := r.startCatFile(ctx)
		if err != nil {
			return "", nil, false, err
		}
		o.cf = cf
	}
	hdr, d, err := o.cf.read(oid, limit)
	return hdr.typ, d, hdr.missing, err
}

// close ends the cat-file process, if one was started.
func (o *objectReader) close() error {
	if o.cf == nil {
		return nil
	}
	return o.cf.close()
}

// abort ends the cat-file process without waiting for a clean end.
func (o *objectReader) abort() {
	if o.cf != nil {
		o.cf.closeWith()
	}
}
