package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
)

// Reading blobs in history order makes git rebuild each one from the
// chain of deltas it is stored as, again and again; reading them in the
// order they lie in the packs lets git build each delta on the one just
// read. That saves cat-file more CPU than the walk costs to finish before
// the reads begin (figures in bench/README.md, "Figures behind choices in the code").

// packOrderCacheLimit bounds cat-file's delta base cache when it reads in
// pack order, where each delta's base was just read: a small cache is as
// fast as a large one (figures in bench/README.md, "Figures behind choices in the code").
const packOrderCacheLimit = "8m"

// packedCacheHashes bounds the base cache (see defaultCacheHashes) when
// blobs are read in pack order, where the versions of a file come
// together: a small cache finds nearly every base a large one does
// (figures in bench/README.md, "Figures behind choices in the code").
const packedCacheHashes = 4 << 20

// packPositions lists every object in the order git reads them fastest
// (pack by pack, in pack order) and returns the place of each blob of the
// index in that list, -1 for those it lacks. git starts at once (sorting
// a pack's objects by offset is most of its work) but its list is read
// only once walked is closed: the index is complete then.
func (r *Repo) packPositions(ctx context.Context, idx *index, walked <-chan struct{}) ([]int32, error) {
	var pos []int32
	err := r.stream(ctx, func(out io.Reader) error {
		select {
		case <-walked:
		case <-ctx.Done():
			return ctx.Err()
		}
		pos = make([]int32, len(idx.refs))
		for i := range pos {
			pos[i] = -1
		}
		br := bufio.NewReaderSize(out, 64<<10)
		for n := int32(0); ; n++ {
			line, err := br.ReadSlice('\n')
			if errors.Is(err, io.EOF) && len(line) == 0 {
				return nil
			}
			if err != nil {
				return err
			}
			if o, ok := parseOIDBytes(bytes.TrimSuffix(line, []byte("\n"))); ok {
				if b, ok := idx.blobs[o]; ok {
					pos[b] = n
				}
			}
		}
	}, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname)")
	return pos, err
}

// packOrder returns the blob numbers of the index sorted by their place
// in pos (those without one first, in history order).
func packOrder(pos []int32) []uint32 {
	order := make([]uint32, len(pos))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortStableFunc(order, func(a, b uint32) int { return int(pos[a]) - int(pos[b]) })
	return order
}

// request returns the request for blob n, with the previous version of
// its file to compare with (unless whole) and whether that comes later in
// pos.
func (x *index) request(n uint32, pos []int32, whole bool) request {
	ref := x.refs[n]
	req := request{oid: x.oids[n].hex(x.hashLen), path: x.paths[ref.path]}
	if ref.base != 0 && !whole {
		req.base = x.oids[ref.base-1].hex(x.hashLen)
		req.baseLater = pos[ref.base-1] > pos[n]
	}
	return req
}
