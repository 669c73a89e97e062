package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
	"github.com/vigilsec/vigil/source/image"
)

// imageMode scans a container image (--image).
type imageMode struct {
	ref      string
	platform string
	src      *image.Source
}

func (m *imageMode) register(fl *pflag.FlagSet) {
	fl.StringVar(&m.ref, "image", "", "scan the container image `IMAGE`: a docker save tarball, an OCI layout (directory or tar), or REGISTRY/REPO:TAG pulled with your docker credentials")
	fl.StringVar(&m.platform, "platform", "", "with --image, scan the image for `OS/ARCH[/VARIANT]` of a multi-platform image (default: the only one, or linux/amd64)")
}

func (m *imageMode) active() bool { return m.ref != "" }

func (m *imageMode) source(ctx context.Context, a *app, paths []string, opts files.Options) (vigil.Source, error) {
	if len(paths) != 1 || paths[0] != "." {
		return nil, usageError(fmt.Errorf("--image scans an image, not paths: drop %s", strings.Join(paths, " ")))
	}
	io := image.Options{Files: opts, Logger: a.logger}
	if m.platform != "" {
		p, err := v1.ParsePlatform(m.platform)
		if err != nil {
			return nil, usageError(fmt.Errorf("--platform: %w", err))
		}
		io.Platform = p
	}
	src, err := image.Open(ctx, m.ref, io)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageError(fmt.Errorf("cannot scan image %s: no such file or directory", m.ref))
	case err != nil && (strings.Contains(err.Error(), "UNAUTHORIZED") || strings.Contains(err.Error(), "DENIED")):
		return nil, runtimeError(err, "log in to the registry with 'docker login', or check the image name")
	case err != nil:
		return nil, runtimeError(err, "")
	}
	m.src = src
	return src, nil
}

// finish says, for each finding, whether the secret is still in the final
// image, and which history step set a value in the config.
func (m *imageMode) finish(_ context.Context, _ *app, fs []vigil.Finding) ([]vigil.Finding, error) {
	for i := range fs {
		m.src.Annotate(&fs[i])
	}
	if err := m.src.Close(); err != nil {
		return nil, fmt.Errorf("close image %s: %w", m.ref, err)
	}
	return fs, nil
}
