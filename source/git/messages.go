package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// Paths of the chunks that hold a commit's or an annotated tag's message.
// They start with "@" so that they cannot be taken for files.
const (
	CommitMessage = "@commit/message"
	TagMessage    = "@tag/message"
)

// scanMessages yields the message of every commit in the selection, with
// the commit as its origin, then the message of every annotated tag that
// points into it (every annotated tag, for the whole history). Commit
// objects are read whole, not through 'git log --format', which stops a
// message at its first NUL byte: nothing after one goes unscanned. They
// are read from the packs when the walk read them there (inproc), else
// from cat-file.
func (h *History) scanMessages(parent context.Context, inproc bool, yield func(vigil.Chunk) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if inproc && h.objs != nil {
		if err := h.scanCommitMessagesInproc(ctx, yield); err != nil {
			return err
		}
		return h.scanTagMessages(ctx, nil, yield)
	}
	cf, err := h.repo.startCatFile(ctx)
	if err != nil {
		return err
	}
	defer cf.closeWith()
	whole := len(h.opts.Revs) == 0
	var seen map[string]bool // the commits of a selection, for its tags
	if !whole {
		seen = map[string]bool{}
	}
	ids := make(chan request, 1024)
	listErr := make(chan error, 1)
	go func() {
		defer close(ids)
		listErr <- h.listCommits(ctx, cf, ids)
	}()
	if err := h.readCommits(cf, ids, seen, yield); err != nil {
		cancel()
		for range ids { // let the lister end
		}
		<-listErr
		return err
	}
	if err := <-listErr; err != nil {
		return err
	}
	if err := cf.close(); err != nil {
		return err
	}
	return h.scanTagMessages(ctx, seen, yield)
}

// scanCommitMessagesInproc yields the message of every commit the walk
// indexed, read from the packs.
func (h *History) scanCommitMessagesInproc(ctx context.Context, yield func(vigil.Chunk) error) error {
	objs := h.newObjectReader()
	defer objs.abort()
	for _, c := range h.idx.commits {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := c.hex(h.idx.hashLen)
		typ, data, missing, err := objs.read(ctx, h.repo, id, maxCommitSize)
		if err != nil {
			return err
		}
		if missing || typ != "commit" {
			continue
		}
		if err := h.yieldCommitMessage(id, data, fmt.Errorf("commit object over %d bytes", maxCommitSize), yield); err != nil {
			return err
		}
	}
	return objs.close()
}

// readCommits reads the commits listed on ids from cf and yields their
// messages; seen, when not nil, records them.
func (h *History) readCommits(cf *catFile, ids <-chan request, seen map[string]bool, yield func(vigil.Chunk) error) error {
	for req := range ids {
		id := req.oid
		hd, data, err := cf.answer(id, maxCommitSize)
		if err != nil {
			return err
		}
		if hd.missing || hd.typ != "commit" {
			continue
		}
		if seen != nil && data != nil {
			seen[id] = true
		}
		if err := h.yieldCommitMessage(id, data, fmt.Errorf("commit object of %d bytes", hd.size), yield); err != nil {
			return err
		}
	}
	return nil
}

// listCommits sends the id of every commit of the selection to ids, and
// asks cf for each.
func (h *History) listCommits(ctx context.Context, cf *catFile, ids chan<- request) error {
	args := []string{"rev-list"}
	if len(h.opts.Revs) == 0 {
		args = append(args, "--all")
	}
	args = append(append(args, h.opts.Revs...), "--")
	err := h.repo.stream(ctx, func(r io.Reader) error {
		br := bufio.NewReader(r)
		for {
			// Send the requests so far before waiting for rev-list: the
			// reader may be waiting for their answers.
			if br.Buffered() == 0 {
				if err := cf.flush(); err != nil {
					return err
				}
			}
			line, err := br.ReadString('\n')
			if errors.Is(err, io.EOF) && line == "" {
				return nil
			}
			if err != nil {
				return err
			}
			if err := ask(ctx, cf, ids, request{oid: strings.TrimSpace(line)}); err != nil {
				return err
			}
		}
	}, args...)
	if derr := cf.done(); err == nil {
		err = derr
	}
	return err
}

// yieldCommitMessage yields the message of the commit object data; a
// commit too large to read (data nil) is an item skipped, tooLarge saying
// how large.
func (h *History) yieldCommitMessage(id string, data []byte, tooLarge error, yield func(vigil.Chunk) error) error {
	if data == nil {
		o := vigil.Origin{Source: "git", Path: h.prefix + CommitMessage, Commit: &vigil.Commit{SHA: id}}
		return yield(skipChunk(o, vigil.SkipTooLarge, tooLarge))
	}
	c, err := parseCommit(id, data)
	if err != nil {
		return err
	}
	_, msg, _ := bytes.Cut(data, []byte("\n\n"))
	o := vigil.Origin{Source: "git", Path: h.prefix + CommitMessage, Line: 1, Commit: &c}
	return h.yieldMessage(msg, o, yield)
}

// scanTagMessages yields the message of each annotated tag whose target
// is one of the commits scanned (any, when commits is nil).
func (h *History) scanTagMessages(ctx context.Context, commits map[string]bool, yield func(vigil.Chunk) error) error {
	out, err := h.repo.output(ctx, "for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/tags")
	if err != nil {
		return err
	}
	var tags [][2]string // object id, name
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, " ", 3)
		if len(f) == 3 && f[1] == "tag" {
			tags = append(tags, [2]string{f[0], strings.TrimPrefix(f[2], "refs/tags/")})
		}
	}
	if len(tags) == 0 {
		return nil
	}
	cf, err := h.repo.startCatFile(ctx)
	if err != nil {
		return err
	}
	defer cf.closeWith()
	for _, t := range tags {
		hd, data, err := cf.read(t[0], maxCommitSize)
		if err != nil {
			return err
		}
		if hd.missing || hd.typ != "tag" || data == nil {
			continue
		}
		tag, msg, err := parseTag(t[0], t[1], data)
		if err != nil {
			return err
		}
		if commits != nil && !commits[tag.Target] {
			continue
		}
		o := vigil.Origin{Source: "git", Path: h.prefix + TagMessage, Line: 1, Tag: &tag}
		if err := h.yieldMessage(msg, o, yield); err != nil {
			return err
		}
	}
	return cf.close()
}

// yieldMessage yields a message as chunks. NUL bytes read as spaces: a
// message is text whatever it holds, never skipped as binary.
func (h *History) yieldMessage(msg []byte, o vigil.Origin, yield func(vigil.Chunk) error) error {
	if len(bytes.TrimSpace(msg)) == 0 {
		return nil
	}
	msg = bytes.ReplaceAll(msg, []byte{0}, []byte{' '})
	var yerr error
	err := files.ReadChunksBytes(msg, o, h.opts.ChunkSize, func(c vigil.Chunk) bool {
		yerr = yield(c)
		return yerr == nil
	})
	return errors.Join(yerr, err)
}

// parseTag reads an annotated tag object: its target, tagger and message.
func parseTag(sha, name string, data []byte) (vigil.Tag, []byte, error) {
	t := vigil.Tag{Name: name, SHA: sha}
	head, msg, _ := bytes.Cut(data, []byte("\n\n"))
	for _, line := range bytes.Split(head, []byte("\n")) {
		key, val, _ := bytes.Cut(line, []byte(" "))
		switch string(key) {
		case "object":
			t.Target = string(val)
		case "tagger":
			name, email, when, err := parseIdent(val)
			if err != nil {
				return t, nil, fmt.Errorf("tag %s: %w", name, err)
			}
			t.Tagger, t.Email, t.Date = name, email, when
		}
	}
	subject, _, _ := bytes.Cut(bytes.TrimLeft(msg, "\n"), []byte("\n"))
	t.Message = string(bytes.TrimSpace(subject))
	return t, msg, nil
}
