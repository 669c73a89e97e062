package git

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// scanSubmodules reports the submodules the walk met as skipped (by
// design), or, with Options.Submodules, scans the history of each from its
// local clone. A submodule that was asked for but is not cloned makes the
// scan incomplete.
func (h *History) scanSubmodules(ctx context.Context, found map[string]string, yield func(vigil.Chunk) error) error {
	for _, p := range slices.Sorted(maps.Keys(found)) {
		origin := vigil.Origin{Source: "git", Path: h.prefix + p}
		if !h.opts.Submodules {
			if err := yield(skipChunk(origin, vigil.SkipSubmodule, fmt.Errorf("submodule at %s (use --submodules to scan it)", found[p]))); err != nil {
				return err
			}
			continue
		}
		repo, err := h.submoduleRepo(ctx, p)
		if err != nil {
			if err := yield(skipChunk(origin, vigil.SkipUnreadable, err)); err != nil {
				return err
			}
			continue
		}
		sub := &History{repo: repo, opts: h.opts, prefix: h.prefix + p + "/"}
		sub.opts.Revs = nil // all of the submodule's own history
		if h.subs == nil {
			h.subs = map[string]*History{}
		}
		h.subs[sub.prefix] = sub
		if err := sub.Chunks(ctx, yield); err != nil {
			return fmt.Errorf("submodule %s: %w", p, err)
		}
	}
	return nil
}

// submoduleRepo finds the local clone of the submodule at path p: the
// checked-out work tree, or the repository git keeps under
// GIT_DIR/modules.
func (h *History) submoduleRepo(ctx context.Context, p string) (*Repo, error) {
	var candidates []string
	if !h.repo.Bare {
		top, err := h.repo.output(ctx, "rev-parse", "--show-toplevel")
		if err == nil {
			candidates = append(candidates, filepath.Join(strings.TrimSpace(string(top)), filepath.FromSlash(p)))
		}
	}
	if gd, err := h.repo.GitDir(ctx); err == nil {
		candidates = append(candidates, filepath.Join(gd, "modules", filepath.FromSlash(p)))
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
			if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
				continue
			}
		}
		r, err := Open(ctx, dir)
		if err != nil {
			continue
		}
		// A directory inside the parent's work tree that is not a
		// clone resolves to the parent repository: not the submodule.
		if top, err := r.output(ctx, "rev-parse", "--absolute-git-dir"); err == nil {
			if pg, err := h.repo.GitDir(ctx); err == nil && strings.TrimSpace(string(top)) == pg {
				continue
			}
		}
		r.Logger = h.repo.Logger
		return r, nil
	}
	return nil, fmt.Errorf("submodule %s is not cloned here (git submodule update --init), so its history cannot be scanned", p)
}
