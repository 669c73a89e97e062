package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/source/image"
)

// imageTarget is one image to watch: a tag (or the file on disk) and the
// digest it points at now.
type imageTarget struct {
	tag, ref, digest string
}

// scanImage scans the tags of an image whose digest changed since the
// last scan (new tags, and tags moved to a new image).
func (f *Fleet) scanImage(ctx context.Context, repo store.Repository, s settings) error {
	targets, err := f.imageTargets(ctx, repo.URL)
	if err != nil {
		f.log.Warn("image listing failed", "image", repo.URL, "err", err)
		if rerr := f.store.RepositoryFailed(ctx, repo.ID, err.Error(), errors.Is(err, os.ErrNotExist)); rerr != nil {
			return rerr
		}
		return nil
	}
	if err := f.store.RepositorySynced(ctx, repo.ID, repo.ActivityAt); err != nil {
		return err
	}
	before, err := f.store.RefTips(ctx, repo.ID)
	if err != nil {
		return err
	}
	tips := map[string]string{}
	var found []store.Found
	scanned := map[string]bool{}
	for _, t := range targets {
		tips[t.tag] = t.digest
		if before[t.tag] == t.digest || scanned[t.digest] {
			continue
		}
		scanned[t.digest] = true
		fs, err := f.scanOneImage(ctx, t, s)
		if err != nil {
			_ = f.store.RepositoryFailed(ctx, repo.ID, err.Error(), false)
			return fmt.Errorf("scan image %s: %w", t.ref, err)
		}
		found = append(found, fs...)
	}
	if maps.Equal(tips, before) {
		return nil
	}
	rec, err := f.store.RecordScan(ctx, store.ScanResult{RepositoryID: repo.ID, Before: before, Tips: tips, Found: found})
	if err != nil {
		return err
	}
	return f.afterScan(ctx, rec, s)
}

func (f *Fleet) scanOneImage(ctx context.Context, t imageTarget, s settings) ([]store.Found, error) {
	src, err := image.Open(ctx, t.ref, image.Options{Logger: f.log})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	sc := &vigil.Scanner{Matcher: f.matcher, Workers: f.threads}
	floor := f.floor(s)
	var fs []vigil.Finding
	if _, err := sc.Scan(ctx, src, func(fd vigil.Finding) {
		if fd.Confidence >= floor {
			fs = append(fs, fd)
		}
	}); err != nil {
		return nil, err
	}
	var out []store.Found
	for i := range fs {
		fd := &fs[i]
		src.Annotate(fd)
		occ := store.Occurrence{Commit: t.digest, Path: fd.Origin.Path, Line: fd.Origin.Line, Column: fd.Origin.Column, SpanStart: -1, SpanLen: fd.Secret.Len(),
			Present: fd.Present, ImageRef: t.ref}
		if l := fd.Origin.Layer; l != nil {
			occ.Layer, occ.Blob = l.Digest, l.Digest
		}
		if strings.HasPrefix(fd.Origin.Path, "@config/") {
			occ.Blob = src.ConfigDigest() // the value lives in the config, whichever step set it
		}
		out = append(out, toFound(fd, occ))
	}
	return out, nil
}

// imageTargets lists what an image entry stands for now: a file or
// layout on disk (its content digest), a reference with a tag or digest,
// or a repository (every tag).
func (f *Fleet) imageTargets(ctx context.Context, ref string) ([]imageTarget, error) {
	if image.IsLocal(ref) {
		st, err := os.Stat(ref)
		if err != nil {
			return nil, err // names the path; errors.Is(err, fs.ErrNotExist) when it is gone
		}
		d, err := fileDigest(ref, st.IsDir())
		if err != nil {
			return nil, err
		}
		return []imageTarget{{tag: "file", ref: ref, digest: d}}, nil
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithUserAgent("vigil")}
	if r, err := name.ParseReference(ref, name.WithDefaultTag("")); err == nil && r.Identifier() != "" {
		d, err := remote.Head(r, opts...)
		if err != nil {
			return nil, err
		}
		return []imageTarget{{tag: r.Identifier(), ref: r.Context().Name() + "@" + d.Digest.String(), digest: d.Digest.String()}}, nil
	}
	repo, err := name.NewRepository(ref)
	if err != nil {
		return nil, fmt.Errorf("%q is not an image reference: %w", ref, err)
	}
	tags, err := remote.List(repo, opts...)
	if err != nil {
		return nil, err
	}
	var out []imageTarget
	for _, tag := range tags {
		d, err := remote.Head(repo.Tag(tag), opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, imageTarget{tag: tag, ref: repo.Name() + "@" + d.Digest.String(), digest: d.Digest.String()})
	}
	return out, nil
}

// fileDigest identifies the content of an image on disk: the tarball's
// SHA-256, or an OCI layout's index.json's.
func fileDigest(p string, dir bool) (string, error) {
	if dir {
		p = filepath.Join(p, "index.json")
	}
	fh, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
