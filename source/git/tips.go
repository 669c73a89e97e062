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
// once.
func (h *History) tipTrees(ctx context.Context) ([]string, error) {
	args := []string{"log", "--no-walk=unsorted", "--format=%T"}
	if len(h.opts.Revs) == 0 {
		args = append(args, "--all")
	} else {
		tips, err := h.positiveRevs(ctx)
		if err != nil || len(tips) == 0 {
			return nil, err
		}
		args = append(args, tips...)
	}
	out, err := h.repo.output(ctx, args...)
	if err != nil {
		return nil, err
	}
	var trees []string
	seen := map[string]bool{}
	for _, t := range strings.Fields(string(out)) {
		if isHex([]byte(t)) && !seen[t] {
			seen[t] = true
			trees = append(trees, t)
		}
	}
	return trees, nil
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
// root trees, until it returns false. A subtree met again at the same path
// (the tips of a repository share most of their trees) is walked once.
func (h *History) walkTrees(ctx context.Context, roots []string, file func(treeFile) bool) error {
	cf, err := h.repo.startCatFile(ctx)
	if err != nil {
		return err
	}
	defer cf.closeWith()
	type dir struct{ oid, path string }
	seen := map[dir]bool{}
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
		hdr, data, err := cf.read(d.oid, maxTreeSize)
		if err != nil {
			return err
		}
		if hdr.missing || hdr.typ != "tree" || data == nil {
			return fmt.Errorf("read tree %s: missing, too large or not a tree", d.oid)
		}
		err = parseTree(data, len(d.oid)/2, func(mode, name, oid string) bool {
			p := d.path + name
			switch mode {
			case "40000":
				stack = append(stack, dir{oid, p + "/"})
			case "160000": // a submodule's commit: not a file here
			default:
				return file(treeFile{oid: oid, path: p})
			}
			return true
		})
		if err != nil {
			return fmt.Errorf("read tree %s: %w", d.oid, err)
		}
	}
	return cf.close()
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
