package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/glob"
)

// Staged scans what is about to be committed: the blobs the index holds
// for the paths that differ from HEAD (not the work tree). Findings are
// reported at the staged content's own line numbers.
type Staged struct {
	repo *Repo
	opts Options
	// olds maps each modified path to the blob HEAD holds for it, so
	// Filter can tell new secrets from ones already committed.
	olds map[string]string
	// diffed is closed once 'git diff --cached', started by Start, has
	// ended with diffOut or diffErr.
	diffed  chan struct{}
	diffOut []byte
	diffErr error
	// cf is the cat-file Start began, with cfErr, set once diffed is
	// closed; the first Chunks reads the staged blobs from it, and ends
	// it.
	cf    *catFile
	cfErr error
}

// NewStaged returns a Source over the staged changes of repo.
func NewStaged(repo *Repo, opts Options) *Staged {
	return &Staged{repo: repo, opts: opts}
}

// Start runs 'git diff --cached' in the background, so that it overlaps
// what the caller does before Chunks (a pre-commit hook loads its rules
// meanwhile), and starts the cat-file that Chunks reads the staged blobs
// from. Chunks starts them itself when no one did.
func (s *Staged) Start(ctx context.Context) {
	if s.diffed != nil || s.repo.Bare {
		return
	}
	s.diffed = make(chan struct{})
	go func() {
		defer close(s.diffed)
		s.cf, s.cfErr = s.repo.startCatFile(ctx)
		args := append([]string{"diff", "--cached"}, rawArgs...)
		s.diffOut, s.diffErr = s.repo.output(ctx, append(args, "--")...)
	}()
}

// OpenStaged opens the repository at dir and returns a Staged source over
// it whose git work begins before git has said that dir is a repository:
// listing what is staged and starting cat-file overlap that check, three
// processes a pre-commit hook would otherwise wait for in turn. When the
// check fails, what was begun is stopped before OpenStaged returns.
func OpenStaged(ctx context.Context, dir string, logger *slog.Logger, opts Options) (*Repo, *Staged, error) {
	r, err := at(dir)
	if err != nil {
		return nil, nil, err
	}
	r.Logger = logger
	s := NewStaged(r, opts)
	s.Start(ctx)
	if err := r.probe(ctx); err != nil {
		s.stop()
		return nil, nil, err
	}
	return r, s, nil
}

// stop waits for what Start began and ends its cat-file.
func (s *Staged) stop() {
	if s.diffed == nil {
		return
	}
	<-s.diffed
	if s.cf != nil {
		s.cf.closeWith()
	}
}

// Chunks yields the chunks of every staged file that is added or changed
// (deletions have nothing to scan). Nothing staged yields nothing.
func (s *Staged) Chunks(ctx context.Context, yield func(vigil.Chunk) error) error {
	defer s.stop()
	if s.repo.Bare {
		return fmt.Errorf("repository %s is bare: it has no index to scan (use --git)", s.repo.Dir)
	}
	s.Start(ctx)
	select {
	case <-s.diffed:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.diffErr != nil {
		return s.diffErr
	}
	cf, err := s.cf, s.cfErr
	s.cf, s.cfErr = nil, nil // a second Chunks starts its own
	if err != nil {
		return err
	}
	defer cf.closeWith() // unless read from
	out := s.diffOut
	var c rawCommit
	if err := newRawReader(bytes.NewReader(out)).next(&c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	s.olds = map[string]string{}
	var reqs []request
	for _, e := range c.entries {
		if isZero(e.dst) || e.status == 'D' || e.status == 'U' || (e.dstMode != modeFile && e.dstMode != modeExec) {
			continue
		}
		if glob.MatchAny(s.opts.Exclude, e.path) {
			if err := yield(skipChunk(vigil.Origin{Source: "staged", Path: e.path}, vigil.SkipExcluded, nil)); err != nil {
				return err
			}
			continue
		}
		if !isZero(e.src) && (e.srcMode == modeFile || e.srcMode == modeExec) {
			s.olds[e.path] = e.src
		}
		reqs = append(reqs, request{oid: e.dst, path: e.path})
	}
	if len(reqs) == 0 {
		return nil
	}
	return readRequests(ctx, s.repo, cf, reqs, "staged", s.opts, yield)
}

// readRequests reads a known list of blobs through one cat-file process,
// cf or, when that is nil, one of its own, requesting from a goroutine
// while reading, and yields their chunks. It ends the process.
func readRequests(parent context.Context, repo *Repo, cf *catFile, reqs []request, source string, opts Options, yield func(vigil.Chunk) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if cf == nil {
		var err error
		if cf, err = repo.startCatFile(ctx); err != nil {
			return err
		}
	} else {
		// Cancelling the scan stops a cat-file started before it.
		defer context.AfterFunc(ctx, cf.cancel)()
	}
	defer cf.closeWith()
	queue := make(chan request, 1024)
	var askErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		for _, r := range reqs {
			if askErr = ask(ctx, cf, queue, r); askErr != nil {
				return
			}
		}
		askErr = cf.flush()
	}()
	rd := &reader{repo: repo, cf: cf, source: source, opts: opts}
	err := rd.run(ctx, queue, yield)
	if err != nil {
		cancel()
		for range queue {
		}
	}
	wg.Wait()
	if err != nil && parent.Err() != nil {
		return parent.Err() // stopped from outside: git was killed
	}
	if err != nil {
		return err
	}
	if askErr != nil {
		return askErr
	}
	return cf.close()
}

// Filter drops findings whose secret (with its parts) HEAD's version of
// the same file already holds: a commit that touches a file is blocked for
// the secrets it adds, not for ones committed before (history scans find
// those).
func (s *Staged) Filter(ctx context.Context, fs []vigil.Finding) ([]vigil.Finding, error) {
	if len(fs) == 0 || len(s.olds) == 0 {
		return fs, nil
	}
	return dropKnown(ctx, newLazyBlobs(s.repo, s.opts, &objectReader{}), fs, func(f *vigil.Finding) string { return s.olds[f.Origin.Path] })
}
