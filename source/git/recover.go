package git

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigilsec/vigil"
)

// maxRestarts bounds how many cat-file processes one scan starts after
// others died on corrupt objects: past it, the store is too damaged to go
// on object by object.
const maxRestarts = 256

// errCatFileDied marks a cat-file stream that ended before its answer did:
// git died, as it does on a corrupt object.
var errCatFileDied = errors.New("git cat-file ended early")

// died reports whether a read failed because cat-file died on its own.
func (rd *reader) died(ctx context.Context, err error) bool {
	return ctx.Err() == nil && errors.Is(err, errCatFileDied) && rd.restarts < maxRestarts
}

// unreadable reports the object a dead cat-file could not read, and lets
// the blobs waiting for it as a base go on whole.
func (rd *reader) unreadable(ctx context.Context, req request, err error) {
	if !req.baseOnly {
		rd.send(ctx, skipChunk(vigil.Origin{Source: rd.source, Path: rd.prefix + req.path, Blob: req.oid}, vigil.SkipUnreadable,
			fmt.Errorf("object %s is damaged: %w", req.oid, err)))
	}
	rd.pass(ctx, rd.parking.release(req.oid))
}

// readRest reads the requests a dead cat-file left unanswered from new
// ones, as many as it takes.
func (rd *reader) readRest(ctx context.Context, rest []request) error {
	for len(rest) > 0 {
		rd.restarts++
		cf, err := rd.repo.startCatFileCaching(ctx, deltaCacheLimit("cat-file"), true)
		if err != nil {
			return err
		}
		if rd.counted == nil {
			rd.counted = rd.cf // the first, whose counts progress displays read
		}
		rd.cf = cf
		go func(reqs []request) {
			for _, r := range reqs {
				cf.request(r.oid)
			}
			cf.done()
		}(rest)
		failed := false
		for i, req := range rest {
			if err := rd.readOne(ctx, req); err != nil {
				if !rd.died(ctx, err) {
					cf.closeWith()
					return err
				}
				rd.unreadable(ctx, req, err)
				rd.counted.answered.Add(1)
				rest, failed = rest[i+1:], true
				break
			}
			rd.counted.answered.Add(1)
			rd.pass(ctx, rd.parking.release(req.oid))
			if err := ctx.Err(); err != nil {
				cf.closeWith()
				return err
			}
		}
		if !failed {
			rest = nil
			if err := cf.close(); err != nil {
				return err
			}
		}
	}
	return nil
}
