package mirror

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Refs returns every ref of the mirror and the object it points at.
func (m *Mirror) Refs(ctx context.Context) (map[string]string, error) {
	out, err := m.git(ctx, false, "for-each-ref", "--format=%(objectname) %(refname)")
	if err != nil {
		return nil, err
	}
	return parseRefs(string(out), " "), nil
}

// NewRevs returns the revisions of what a scan has not seen: the tips of
// refs that moved or appeared, less everything reachable from a tip that
// was scanned before (on any ref, and still in the mirror: a force-push
// leaves the old commits until git prunes them). It returns nil and false
// when there is nothing new; nil and true when nothing was scanned yet
// (scan everything).
func (m *Mirror) NewRevs(ctx context.Context, refs, scanned map[string]string) ([]string, bool, error) {
	if len(scanned) == 0 {
		return nil, len(refs) > 0, nil
	}
	var moved []string
	for ref, tip := range refs {
		if scanned[ref] != tip {
			moved = append(moved, tip)
		}
	}
	if len(moved) == 0 {
		return nil, false, nil
	}
	slices.Sort(moved)
	moved = slices.Compact(moved)
	old := slices.Sorted(maps.Values(scanned))
	old = slices.Compact(old)
	have, err := m.existing(ctx, old)
	if err != nil {
		return nil, false, err
	}
	revs := append(moved, "--not")
	revs = append(revs, have...)
	out, err := m.git(ctx, false, append([]string{"rev-list", "-n", "1"}, append(revs, "--")...)...)
	if err != nil {
		return nil, false, err
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, false, nil // refs moved back, or onto scanned commits
	}
	return revs, true, nil
}

// existing keeps the objects the mirror still has.
func (m *Mirror) existing(ctx context.Context, oids []string) ([]string, error) {
	if len(oids) == 0 {
		return nil, nil
	}
	out, err := m.catFile(ctx, "--batch-check=%(objectname) %(objecttype)", oids)
	if err != nil {
		return nil, err
	}
	var have []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[1] != "missing" {
			have = append(have, f[0])
		}
	}
	return have, sc.Err()
}

// ReadBlob returns a blob's content.
func (m *Mirror) ReadBlob(ctx context.Context, oid string) ([]byte, error) {
	if !isHex(oid) {
		return nil, fmt.Errorf("%q is not an object id", oid)
	}
	return m.git(ctx, false, "cat-file", "blob", oid)
}

// catFile runs 'git cat-file MODE' on the objects, one per line.
func (m *Mirror) catFile(ctx context.Context, mode string, oids []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", "cat-file", mode)
	cmd.Dir = m.Dir
	cmd.Stdin = strings.NewReader(strings.Join(oids, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return out, nil
}

// ReadBlobs returns the content of blobs, read by one 'git cat-file
// --batch'; a blob the mirror does not have is left out.
func (m *Mirror) ReadBlobs(ctx context.Context, oids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	seen := map[string]bool{}
	var ask []string
	for _, oid := range oids {
		if !seen[oid] && isHex(oid) {
			seen[oid] = true
			ask = append(ask, oid)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	raw, err := m.catFile(ctx, "--batch", ask)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	for range ask {
		head, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			continue // "OID missing"
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("git cat-file: bad header %q", head)
		}
		data := make([]byte, n+1) // content and its newline
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		if f[1] == "blob" {
			out[f[0]] = data[:n]
		}
	}
	return out, nil
}

// HeadBlob returns the content of path at HEAD, or nil when HEAD has no
// such file.
func (m *Mirror) HeadBlob(ctx context.Context, path string) ([]byte, error) {
	out, err := m.git(ctx, false, "cat-file", "blob", "HEAD:"+path)
	if err != nil {
		if _, herr := m.git(ctx, false, "rev-parse", "--verify", "--quiet", "HEAD:"+path); herr != nil {
			return nil, nil
		}
		return nil, err
	}
	return out, nil
}

func isHex(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
