package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/archive"
	"github.com/vigilsec/vigil/source/files"
)

// Whiteout markers (OCI image spec, "Representing Changes").
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// knownLayerType reports whether vigil reads layers of this media type.
func knownLayerType(mt string) bool {
	switch types.MediaType(mt) {
	case types.DockerLayer, types.DockerUncompressedLayer, types.DockerForeignLayer,
		types.OCILayer, types.OCILayerZStd, types.OCIUncompressedLayer,
		types.OCIRestrictedLayer, types.OCIUncompressedRestrictedLayer,
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd":
		return true
	}
	return false
}

// scanLayer emits the chunks of every file in layer i, and returns what
// the layer did to the filesystem.
func (s *Source) scanLayer(ctx context.Context, i int, emit func(vigil.Chunk) bool) *changes {
	l := s.img.layers[i]
	info := s.layers[i]
	ch := newChanges()
	fail := func(err error) {
		emit(vigil.Chunk{Skip: &vigil.Skip{Origin: vigil.Origin{Source: "image", Path: l.digest, Layer: info}, Reason: vigil.SkipUnreadable, Err: err}})
	}
	if !knownLayerType(l.mediaType) {
		emit(vigil.Chunk{Skip: &vigil.Skip{
			Origin: vigil.Origin{Source: "image", Path: l.digest, Layer: info},
			Reason: vigil.SkipUnsupport,
			Err:    fmt.Errorf("layer %d has unsupported media type %q", i, l.mediaType),
		}})
		return ch
	}
	rc, err := l.open()
	if err != nil {
		fail(fmt.Errorf("open layer %d: %w", i, err))
		return ch
	}
	defer rc.Close()
	r, err := decompress(rc)
	if err != nil {
		fail(fmt.Errorf("layer %d: %w", i, err))
		return ch
	}
	defer r.Close()
	tr := tar.NewReader(r)
	for ctx.Err() == nil {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			fail(fmt.Errorf("read layer %d: %w", i, err))
			break
		}
		name := archive.SafeName(hdr.Name)
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		switch {
		case base == opaqueMarker:
			ch.opaque[dir] = true
			continue
		case strings.HasPrefix(base, whiteoutPrefix):
			ch.whiteout[path.Join(dir, strings.TrimPrefix(base, whiteoutPrefix))] = true
			continue
		}
		regular := hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeGNUSparse
		ch.paths[name] = hdr.Typeflag != tar.TypeDir
		if !regular || s.opts.Only != nil && name != s.opts.Only.Path {
			continue // directories, links, devices: nothing to read
		}
		o := vigil.Origin{Source: "image", Path: name, Layer: info}
		if err := files.Item(ctx, tr, hdr.Size, o, s.opts.Files, emit); err != nil {
			emit(vigil.Chunk{Skip: &vigil.Skip{Origin: o, Reason: vigil.SkipUnreadable, Err: err}})
		}
	}
	return ch
}

// decompress returns the tar stream of a layer blob: gzip, zstd or plain,
// told apart by magic number rather than media type, as tools mislabel.
func decompress(rc io.Reader) (io.ReadCloser, error) {
	br := newBuffered(rc)
	head, _ := br.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return gz, nil
	case string(head) == "\x28\xb5\x2f\xfd":
		zd, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zd.IOReadCloser(), nil
	}
	return io.NopCloser(br), nil
}
