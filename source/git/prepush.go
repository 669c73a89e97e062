package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// PushRef is one line git gives a pre-push hook on stdin: what is pushed
// where.
type PushRef struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// Deletes reports whether the push deletes the remote ref.
func (p PushRef) Deletes() bool { return isZero(p.LocalSHA) }

// Creates reports whether the push creates the remote ref.
func (p PushRef) Creates() bool { return isZero(p.RemoteSHA) }

// maxPushLine bounds one line of pre-push input (a ref name is at most a
// few hundred bytes).
const maxPushLine = 64 << 10

// ParsePush reads the pre-push hook's input: lines of
// "<local ref> <local sha> <remote ref> <remote sha>". Blank lines are
// ignored; anything else malformed is an error naming the line.
func ParsePush(r io.Reader) ([]PushRef, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxPushLine)
	var refs []PushRef
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := bytes.Split(line, []byte(" "))
		if len(f) != 4 || !isHex(f[1]) || !isHex(f[3]) || len(f[0]) == 0 || len(f[2]) == 0 {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, clip(line))
		}
		refs = append(refs, PushRef{LocalRef: string(f[0]), LocalSHA: string(f[1]), RemoteRef: string(f[2]), RemoteSHA: string(f[3])})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pre-push input: %w", err)
	}
	return refs, nil
}

// PushRevs turns a push into the revisions to scan: the commits pushed
// that the remote does not have. An update scans remote..local; a new
// branch scans what no remote-tracking ref of remote (all remotes when
// remote is empty) already holds, as does an update whose remote commit
// is not known locally. It returns nil when the push only deletes.
func PushRevs(ctx context.Context, repo *Repo, refs []PushRef, remote string) ([]string, error) {
	var pos, neg []string
	notRemotes := false
	for _, p := range refs {
		if p.Deletes() {
			continue
		}
		pos = append(pos, p.LocalSHA)
		if p.Creates() {
			notRemotes = true
			continue
		}
		if _, err := repo.output(ctx, "cat-file", "-e", p.RemoteSHA+"^{commit}"); err != nil {
			notRemotes = true // we do not have what the remote has
			continue
		}
		neg = append(neg, "^"+p.RemoteSHA)
	}
	if len(pos) == 0 {
		return nil, nil
	}
	revs := append(pos, neg...)
	if notRemotes {
		if remote != "" {
			revs = append(revs, "--not", "--remotes="+remote)
		} else {
			revs = append(revs, "--not", "--remotes")
		}
	}
	return revs, nil
}
