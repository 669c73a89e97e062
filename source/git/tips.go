package git

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// A credential found in history is "still present" when the tip of a ref
// the scan selected still holds it: any ref for a scan of the whole
// history, the branch of --branch, the end of a range, the commits of a
// push. HEAD alone would call a secret on the tip of another branch
// removed, while anyone who checks that branch out has it.

// tipTrees returns the root trees of the tips of the selected refs, each
// once: those of HEAD and the branches (local and remote-tracking) first,
// then those of the other refs (tags, notes…). A narrowed scan's tips are
// all in the first list.
func (h *History) tipTrees(ctx context.Context) (branches, others []string, err error) {
	seen := map[string]bool{}
	trees := func(revs ...string) ([]string, error) {
		out, err := h.repo.output(ctx, append([]string{"log", "--no-walk=unsorted", "--format=%T"}, revs...)...)
		if err != nil {
			return nil, err
		}
		var trees []string
		for _, t := range strings.Fields(string(out)) {
			if isHex([]byte(t)) && !seen[t] {
				seen[t] = true
				trees = append(trees, t)
			}
		}
		return trees, nil
	}
	if len(h.opts.Revs) > 0 {
		tips, err := h.positiveRevs(ctx)
		if err != nil || len(tips) == 0 {
			return nil, nil, err
		}
		branches, err = trees(tips...)
		return branches, nil, err
	}
	// HEAD may be unborn, or detached at a commit no ref names.
	revs := []string{"--branches", "--remotes"}
	if _, err := h.repo.output(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"); err == nil {
		revs = append(revs, "HEAD")
	}
	if branches, err = trees(revs...); err != nil {
		return nil, nil, err
	}
	others, err = trees("--all")
	return branches, others, err
}

// positiveRevs resolves the selection's revisions to the objects it
// starts from (a range's end, not its start; no date limits).
func (h *History) positiveRevs(ctx context.Context) ([]string, error) {
	out, err := h.repo.output(ctx, append([]string{"rev-parse", "--revs-only"}, h.opts.Revs...)...)
	if err != nil {
		return nil, err
	}
	var tips []string
	for _, l := range strings.Fields(string(out)) {
		if isHex([]byte(l)) {
			tips = append(tips, l)
		}
	}
	return tips, nil
}

// treeFile is a file in a tip's tree.
type treeFile struct{ oid, path string }

// walkTrees calls file for every file (blob or symbolic link) in the given
// lists of root trees, with the index of the list, until it returns false.
// A subtree met again at the same path (the tips of a repository share
// most of their trees) is walked once, under the first list that has it.
func (h *History) walkTrees(ctx context.Context, lists [][]string, file func(list int, f treeFile) bool) error {
	objs := h.newObjectReader()
	defer objs.abort()
	type dir struct{ oid, path string }
	seen := map[dir]bool{}
	for list, roots := range lists {
		var stack []dir
		for _, r := range roots {
			stack = append(stack, dir{r, ""})
		}
		for len(stack) > 0 {
			d := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[d] {
				continue
			}
			seen[d] = true
			typ, data, missing, err := objs.read(ctx, h.repo, d.oid, maxTreeSize)
			if err != nil {
				return err
			}
			if missing || typ != "tree" || data == nil {
				return fmt.Errorf("read tree %s: missing, too large or not a tree", d.oid)
			}
			more := true
			err = parseTree(data, len(d.oid)/2, func(mode, name, oid string) bool {
				p := d.path + name
				switch mode {
				case "40000":
					stack = append(stack, dir{oid, p + "/"})
				case "160000": // a submodule's commit: not a file here
				default:
					more = file(list, treeFile{oid: oid, path: p})
				}
				return more
			})
			if err != nil {
				return fmt.Errorf("read tree %s: %w", d.oid, err)
			}
			if !more {
				return objs.close()
			}
		}
	}
	return objs.close()
}

// parseTree reads a tree object's entries, "<mode> <name>\0<id>" with ids
// of hashLen bytes, until entry returns false.
func parseTree(data []byte, hashLen int, entry func(mode, name, oid string) bool) error {
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp <= 0 || nul < sp+2 || len(data) < nul+1+hashLen {
			return fmt.Errorf("bad tree entry %q", clip(data))
		}
		mode, name := string(data[:sp]), string(data[sp+1:nul])
		id := oid{}
		copy(id[:], data[nul+1:nul+1+hashLen])
		data = data[nul+1+hashLen:]
		if !entry(mode, name, id.hex(hashLen)) {
			return nil
		}
	}
	return nil
}
