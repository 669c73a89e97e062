package git

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/source/git/pack"
)

// objectStore is a repository's object store read in-process: its packs,
// each with its delta forest, and a reader for whole objects (loose ones,
// bases in other packs, and what attribution reads again).
type objectStore struct {
	store   *pack.Store
	forests []*forest
}

// openObjectStore opens the repository's object store for in-process
// reading and reads the headers of its packs. It returns an error wrapping
// pack.ErrUnsupported for the repositories it leaves to git: SHA-256
// object ids, partial clones (promisor packs or remotes), unknown pack or
// index versions.
func (r *Repo) openObjectStore(ctx context.Context) (*objectStore, error) {
	out, err := r.output(ctx, "rev-parse", "--show-object-format", "--git-path", "objects")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return nil, fmt.Errorf("rev-parse: unexpected output %q", out)
	}
	if f[0] != "sha1" {
		return nil, fmt.Errorf("%w: a %s repository (only SHA-1 is read in-process)", pack.ErrUnsupported, f[0])
	}
	dir := f[1]
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.Dir, dir)
	}
	// A partial clone may lack objects; git fetches them on demand.
	if cfg, _ := r.output(ctx, "config", "--get-regexp", `^(extensions\.partialclone|remote\..*\.promisor)$`); len(strings.TrimSpace(string(cfg))) > 0 {
		return nil, fmt.Errorf("%w: a partial clone (%s)", pack.ErrUnsupported, strings.Fields(string(cfg))[0])
	}
	st, err := pack.OpenStore(dir)
	if err != nil {
		return nil, err
	}
	return &objectStore{store: st}, nil
}

// close closes the packs.
func (s *objectStore) close() {
	if s != nil {
		s.store.Close()
	}
}

// packedBlob is where a blob of the index is stored.
type packedBlob struct {
	f   *forest
	pos int32
}

// locate marks the index's blobs in the forests and returns where each
// is (f nil: not in a pack, so loose or missing).
func (s *objectStore) locate(idx *index) []packedBlob {
	where := make([]packedBlob, len(idx.oids))
	byPack := map[*pack.Pack]*forest{}
	for _, f := range s.forests {
		byPack[f.p] = f
	}
	for n, o := range idx.oids {
		var id pack.OID
		copy(id[:], o[:pack.HashLen])
		if p, pos, ok := s.store.Find(id); ok {
			f := byPack[p]
			f.mark(int32(pos), uint32(n))
			where[n] = packedBlob{f, int32(pos)}
		}
	}
	return where
}
