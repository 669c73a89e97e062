package image

import (
	"context"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// fromRemote reads an image's manifest and config from a registry; layers
// are fetched as they are scanned.
func fromRemote(ctx context.Context, ref string, opts Options) (*image, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("%q is not a file, a directory or an image reference: %w", ref, err)
	}
	keys := opts.Keychain
	if keys == nil {
		keys = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(keys), remote.WithUserAgent("vigil")}
	if opts.Platform != nil {
		ropts = append(ropts, remote.WithPlatform(*opts.Platform))
	}
	if opts.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opts.Transport))
	}
	img, err := remote.Image(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("pull %s: manifest: %w", r, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}
	if err := checkConfigType(digest, m.Config); err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("pull %s: image config: %w", r, err)
	}
	out := &image{config: cfg, configDigest: m.Config.Digest.String()}
	for _, d := range m.Layers {
		out.layers = append(out.layers, layerRef{
			digest:    d.Digest.String(),
			mediaType: string(d.MediaType),
			open:      func() (io.ReadCloser, error) { return openRemoteLayer(img, d.Digest) },
		})
	}
	return out, nil
}

func openRemoteLayer(img v1.Image, d v1.Hash) (io.ReadCloser, error) {
	l, err := img.LayerByDigest(d)
	if err != nil {
		return nil, err
	}
	return l.Compressed()
}
