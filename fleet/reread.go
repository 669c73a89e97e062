package fleet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/source/image"
)

// errImageGone is why a secret found in an image cannot be read again:
// the image (or the layer holding it) is no longer where it was found.
var errImageGone = errors.New("image no longer available")

// reread finds an incident's credential again: each occurrence in turn is
// read from where it was found (a git blob in a mirror, a file or config
// part of an image), and the matcher run over it; the finding with the
// incident's fingerprint is the credential.
func (f *Fleet) reread(ctx context.Context, in store.Incident) (*vigil.Finding, error) {
	var lastErr error = errNoMirror
	for _, o := range in.Occurrences {
		var hit *vigil.Finding
		var err error
		switch {
		case o.Layer != "" || o.ImageRef != "":
			if o.ImageRef == "" {
				o.ImageRef, err = f.imageRefOf(ctx, o)
			}
			if err == nil {
				hit, err = f.rereadImage(ctx, o, in.Fingerprint)
			}
		case o.Blob != "":
			hit, err = f.rereadBlob(ctx, o, in.Fingerprint)
		default:
			continue
		}
		if hit != nil {
			return hit, nil
		}
		if err != nil {
			lastErr = err
		}
	}
	return nil, lastErr
}

// matchIn returns the finding with fingerprint fp in a chunk, or nil.
func (f *Fleet) matchIn(c vigil.Chunk, fp string) *vigil.Finding {
	var hit *vigil.Finding
	f.matcher.Match(c, func(fd vigil.Finding) {
		if hit == nil && fd.Fingerprint() == fp {
			hit = &fd
		}
	})
	return hit
}

// rereadBlob reads an occurrence's git blob from a mirror (fetched here
// when another machine's worker scanned it) and matches the part around
// the stored span.
func (f *Fleet) rereadBlob(ctx context.Context, o store.Occurrence, fp string) (*vigil.Finding, error) {
	repo, err := f.store.Repository(ctx, o.RepositoryID)
	if err != nil {
		return nil, err
	}
	m := f.mirrorOf(repo)
	if !m.Exists() {
		if err := m.Sync(ctx); err != nil {
			return nil, err
		}
	}
	data, err := m.ReadBlob(ctx, o.Blob)
	if err != nil {
		return nil, err
	}
	if o.SpanStart >= 0 && len(data) > 64<<10 {
		lo, hi := max(o.SpanStart-16<<10, 0), min(o.SpanStart+int64(o.SpanLen)+16<<10, int64(len(data)))
		data = data[lo:hi]
	}
	if hit := f.matchIn(vigil.Chunk{Data: data, Origin: vigil.Origin{Source: "git", Path: o.Path, Line: 1}}, fp); hit != nil {
		return hit, nil
	}
	return nil, fmt.Errorf("blob %s no longer matches", o.Blob)
}

// rereadImage opens the image an occurrence was found in (the same
// source 'vigil scan --image' reads, narrowed to the one file of the one
// layer, or the one part of the config) and matches what it reads. An
// image or layer that is gone says so.
func (f *Fleet) rereadImage(ctx context.Context, o store.Occurrence, fp string) (*vigil.Finding, error) {
	place := &image.Place{Layer: o.Blob, Path: (vigil.Origin{Path: o.Path}).File()}
	src, err := image.Open(ctx, o.ImageRef, image.Options{Logger: f.log, Only: place, Layers: 1})
	if err != nil {
		return nil, imageErr(o.ImageRef, err)
	}
	defer src.Close()
	var hit *vigil.Finding
	err = src.Chunks(ctx, func(c vigil.Chunk) error {
		if c.Skip == nil && hit == nil {
			hit = f.matchIn(c, fp)
		}
		return nil
	})
	switch {
	case hit != nil:
		return hit, nil
	case err != nil:
		return nil, imageErr(o.ImageRef, err)
	}
	return nil, fmt.Errorf("%s in %s no longer matches", o.Path, o.ImageRef)
}

// imageRefOf is the reference to open an image occurrence stored before
// its reference was (schema version 3 and older): the repository's file,
// or its registry repository at the occurrence's digest.
func (f *Fleet) imageRefOf(ctx context.Context, o store.Occurrence) (string, error) {
	repo, err := f.store.Repository(ctx, o.RepositoryID)
	if err != nil {
		return "", err
	}
	if image.IsLocal(repo.URL) {
		return repo.URL, nil
	}
	r, err := name.ParseReference(repo.URL, name.WithDefaultTag(""))
	if err != nil {
		return "", fmt.Errorf("%q is not an image reference: %w", repo.URL, err)
	}
	return r.Context().Name() + "@" + o.Commit, nil
}

// imageErr says whether an image could not be read because it is gone (a
// file removed, a digest or layer the registry no longer has) or for
// another reason (a registry down: the next verification tries again).
func imageErr(ref string, err error) error {
	var te *transport.Error
	if errors.Is(err, fs.ErrNotExist) || errors.As(err, &te) && te.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w: %s: %v", errImageGone, ref, err)
	}
	return fmt.Errorf("read image %s: %w", ref, err)
}
