package fleet

import (
	"bytes"

	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/mirror"
	"github.com/vigilsec/vigil/fleet/store"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

// scan syncs and scans one repository or image, holding its lease so no
// other worker scans it meanwhile.
func (f *Fleet) scan(ctx context.Context, repoID int64) error {
	repo, err := f.store.Repository(ctx, repoID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !repo.Enabled {
		return nil
	}
	ok, err := f.store.AcquireLease(ctx, repoID, f.opts.ID, f.opts.JobTimeout)
	if err != nil {
		return err
	}
	if !ok {
		// Another worker scans it; try again when its lease may be over.
		return river.JobSnooze(time.Minute)
	}
	defer f.store.ReleaseLease(context.WithoutCancel(ctx), repoID, f.opts.ID) //nolint:errcheck
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if repo.Kind == "image" {
		err = f.scanImage(ctx, repo, s)
	} else {
		err = f.scanGit(ctx, repo, s)
	}
	f.log.Debug("scanned", "repository", repo.Name, "took", time.Since(start), "err", err)
	return err
}

// mirrorOf is the mirror of a git repository.
func (f *Fleet) mirrorOf(repo store.Repository) *mirror.Mirror {
	var auth *mirror.Auth
	if repo.TokenEnv != "" {
		if tok := f.getenv(repo.TokenEnv); tok != "" {
			user := "x-access-token"
			if strings.Contains(repo.TokenEnv, "GITLAB") {
				user = "oauth2"
			}
			auth = &mirror.Auth{User: user, Token: tok}
		}
	}
	m := mirror.New(f.mirrorsDir(), repo.URL, auth)
	m.Timeout = f.opts.JobTimeout
	return m
}

func (f *Fleet) mirrorsDir() string { return f.opts.Mirrors }

// scanGit fetches the mirror and scans the commits no scan has seen.
func (f *Fleet) scanGit(ctx context.Context, repo store.Repository, s settings) error {
	m := f.mirrorOf(repo)
	if err := m.Sync(ctx); err != nil {
		return f.syncFailed(ctx, repo, err)
	}
	if err := f.store.RepositorySynced(ctx, repo.ID, repo.ActivityAt); err != nil {
		return err
	}
	refs, err := m.Refs(ctx)
	if err != nil {
		return err
	}
	before, err := f.store.RefTips(ctx, repo.ID)
	if err != nil {
		return err
	}
	revs, news, err := m.NewRevs(ctx, refs, before)
	if err != nil {
		return fmt.Errorf("%s: %w", repo.Name, err)
	}
	var found []store.Found
	if news {
		f.log.Info("scanning", "repository", repo.Name, "worker", f.opts.ID, "incremental", len(before) > 0)
		if found, err = f.scanHistory(ctx, m, revs, s); err != nil {
			_ = f.store.RepositoryFailed(ctx, repo.ID, err.Error(), false)
			return fmt.Errorf("scan %s: %w", repo.Name, err)
		}
		if f.opts.ScanPause > 0 {
			time.Sleep(f.opts.ScanPause)
		}
	}
	if !news && maps.Equal(refs, before) {
		return nil // nothing moved: nothing to record
	}
	rec, err := f.store.RecordScan(ctx, store.ScanResult{RepositoryID: repo.ID, Before: before, Tips: refs, Found: found})
	if err != nil {
		return err
	}
	if news {
		f.log.Info("scanned", "repository", repo.Name, "worker", f.opts.ID, "found", len(found), "new_incidents", len(rec.New), "new_occurrences", rec.Occurrences)
	}
	if len(before) > 0 && news {
		if err := f.refreshPresence(ctx, m, repo); err != nil {
			f.log.Warn("presence not refreshed", "repository", repo.Name, "err", err)
		}
	}
	return f.afterScan(ctx, rec, s)
}

// afterScan enqueues the verification of the incidents a scan created.
func (f *Fleet) afterScan(ctx context.Context, rec store.Recorded, s settings) error {
	if !s.Verify {
		return nil
	}
	for _, id := range rec.New {
		if err := f.insert(ctx, VerifyArgs{IncidentID: id}); err != nil {
			return err
		}
	}
	return nil
}

// syncFailed records why a mirror could not be fetched. A repository gone
// upstream or refusing the credentials is not retried before the next
// poll; a network failure is retried with backoff.
func (f *Fleet) syncFailed(ctx context.Context, repo store.Repository, err error) error {
	gone := errors.Is(err, mirror.ErrGone)
	f.log.Warn("sync failed", "repository", repo.Name, "err", err)
	if rerr := f.store.RepositoryFailed(ctx, repo.ID, err.Error(), gone); rerr != nil {
		return rerr
	}
	if gone || errors.Is(err, mirror.ErrAuth) {
		return nil
	}
	return fmt.Errorf("sync %s: %w", repo.Name, err)
}

// scanHistory scans the selected history of a mirror (all of it when
// revs is nil) and returns each credential found, attributed to the
// commit that introduced it.
func (f *Fleet) scanHistory(ctx context.Context, m *mirror.Mirror, revs []string, s settings) ([]store.Found, error) {
	repo, err := gitsrc.Open(ctx, m.Dir)
	if err != nil {
		return nil, err
	}
	h := gitsrc.NewHistory(repo, gitsrc.Options{Revs: revs})
	sc := &vigil.Scanner{Matcher: f.matcher, Workers: f.threads}
	floor := f.floor(s)
	var fs []vigil.Finding
	stats, err := sc.Scan(ctx, h, func(fd vigil.Finding) {
		if fd.Confidence >= floor {
			fs = append(fs, fd)
		}
	})
	if err != nil {
		return nil, err
	}
	if skipped := stats.Incomplete(); len(skipped) > 0 {
		f.log.Warn("blobs not scanned", "mirror", m.URL, "count", len(skipped), "first", skipped[0].Origin.Path, "reason", skipped[0].Reason)
	}
	fs, err = h.Attribute(ctx, fs)
	if err != nil {
		return nil, err
	}
	oids := make([]string, 0, len(fs))
	for i := range fs {
		oids = append(oids, fs[i].Origin.Blob)
	}
	blobs, err := m.ReadBlobs(ctx, oids)
	if err != nil {
		f.log.Warn("secrets not located in their blobs", "mirror", m.URL, "err", err)
	}
	out := make([]store.Found, 0, len(fs))
	for i := range fs {
		fd := &fs[i]
		occ := store.Occurrence{Path: fd.Origin.Path, Line: fd.Origin.Line, Column: fd.Origin.Column, Blob: fd.Origin.Blob, SpanStart: -1, SpanLen: fd.Secret.Len(), Present: fd.Present}
		if c := fd.Origin.Commit; c != nil {
			occ.Commit, occ.Author, occ.AuthorEmail, occ.Date = c.SHA, c.Author, c.Email, c.Date
		}
		if data, ok := blobs[fd.Origin.Blob]; ok {
			occ.SpanStart = locate(data, fd.Origin.Line, fd.Origin.Column, fd.Secret.Reveal())
		}
		out = append(out, toFound(fd, occ))
	}
	return out, nil
}

func toFound(fd *vigil.Finding, occ store.Occurrence) store.Found {
	return store.Found{Fingerprint: fd.Fingerprint(), Rule: fd.RuleID, Provider: fd.Provider, Description: fd.Description,
		Preview: fd.Secret.Redacted(), Confidence: fd.Confidence.String(), Occurrence: occ}
}

// locate returns the byte offset of secret in data, starting at line and
// column (1-based) when it is there, else its first occurrence; -1 when
// absent.
func locate(data []byte, line, col int, secret string) int64 {
	if secret == "" {
		return -1
	}
	off := 0
	for l := 1; l < line && off < len(data); l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			off = len(data)
			break
		}
		off += i + 1
	}
	if at := off + max(col-1, 0); at+len(secret) <= len(data) && string(data[at:at+len(secret)]) == secret {
		return int64(at)
	}
	return int64(bytes.Index(data, []byte(secret)))
}

// refreshPresence checks, for the occurrences of a repository believed
// present, whether HEAD still holds the secret (it may have been removed
// by the commits just scanned): the secret is read again from the blob
// it was found in, compared with HEAD's version of the path, and dropped.
func (f *Fleet) refreshPresence(ctx context.Context, m *mirror.Mirror, repo store.Repository) error {
	occs, err := f.store.RepositoryOccurrences(ctx, repo.ID)
	if err != nil {
		return err
	}
	changed := map[int64]bool{}
	for _, o := range occs {
		if o.Present == nil || !*o.Present || o.Blob == "" || o.SpanStart < 0 {
			continue
		}
		old, err := m.ReadBlob(ctx, o.Blob)
		if err != nil || o.SpanStart+int64(o.SpanLen) > int64(len(old)) {
			continue
		}
		secret := old[o.SpanStart : o.SpanStart+int64(o.SpanLen)]
		head, err := m.HeadBlob(ctx, o.Path)
		if err != nil {
			return err
		}
		if !bytes.Contains(head, secret) {
			changed[o.ID] = false
		}
	}
	return f.store.SetPresent(ctx, changed)
}
