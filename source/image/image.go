// Package image is the vigil Source for container images: docker save
// tarballs, OCI image layouts (a directory, or one archived in a tar), and
// images pulled from a registry with the user's docker credentials.
//
// Every layer is scanned, files that later layers delete included, and so
// is the image config (ENV values, labels, history commands, entrypoint).
// Findings carry the layer that added them (vigil.Layer: digest, index and
// the history step); Annotate then says whether each secret is still
// visible in the final filesystem, honouring whiteouts (.wh.NAME) and
// opaque directories (.wh..wh..opq). Archives inside layers (jars, wheels,
// tarballs) are read through files.Options.Archives.
//
// This is the only package of vigil that imports go-containerregistry.
package image

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// Options configure a Source.
type Options struct {
	// Platform chooses the image of a multi-platform index; nil means
	// the only image, or linux/amd64.
	Platform *v1.Platform
	// Files says how the files in layers are read: size cap, chunk size
	// and Archives for the archives among them.
	Files files.Options
	// Layers is the number of layers read at once; 0 means GOMAXPROCS.
	Layers int
	// Keychain finds registry credentials; nil means the user's docker
	// configuration and credential helpers (authn.DefaultKeychain).
	Keychain authn.Keychain
	// Transport carries registry requests; nil means the default.
	Transport http.RoundTripper
	// Logger receives debug diagnostics; nil discards them.
	Logger *slog.Logger
	// Only, when set, narrows Chunks to one place of the image: what a
	// worker reads again to verify a secret found there before.
	Only *Place
}

// Place is one place of an image where a secret can be: a file of a
// layer, or a part of the config (Path one of the Config paths, Layer
// ignored).
type Place struct {
	// Layer is the digest of the layer holding the file.
	Layer string
	// Path is the file's path in the layer (for a member of an archive,
	// the archive's: its members are read with it).
	Path string
}

// inConfig reports whether a path names a part of the image config.
func inConfig(p string) bool { return strings.HasPrefix(p, "@config/") }

// image is an image opened for scanning, whatever it came from.
type image struct {
	config       *v1.ConfigFile
	configDigest string
	layers       []layerRef
	close        func() error
}

// layerRef is one layer: its blob, compressed or not, is opened on demand.
type layerRef struct {
	digest    string
	mediaType string
	open      func() (io.ReadCloser, error)
}

// Source scans one container image.
type Source struct {
	ref    string
	img    *image
	opts   Options
	layers []*vigil.Layer // what each layer's findings report
	config configText
	// changes records, per layer, what it did to the filesystem; it is
	// filled by Chunks and read by Annotate.
	changes []*changes
}

// Open finds the image ref names: a docker save tarball or OCI layout
// archive (a file), an OCI image layout (a directory), or else an image
// reference such as registry.example.com/team/app:1.2, whose manifest and
// config are fetched now and layers as they are scanned. A path that does
// not exist gives an error matching fs.ErrNotExist.
func Open(ctx context.Context, ref string, opts Options) (*Source, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	img, err := open(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	s := &Source{ref: ref, img: img, opts: opts, changes: make([]*changes, len(img.layers))}
	steps := layerSteps(img.config, len(img.layers))
	for i, l := range img.layers {
		s.layers = append(s.layers, &vigil.Layer{Digest: l.digest, Index: i, CreatedBy: steps[i]})
	}
	s.config = newConfigText(img.config)
	return s, nil
}

func open(ctx context.Context, ref string, opts Options) (*image, error) {
	fi, err := os.Stat(ref)
	switch {
	case err == nil && fi.IsDir():
		st := dirStore{root: ref}
		if !st.has("index.json") {
			return nil, fmt.Errorf("%s: not an OCI image layout: it has no index.json", ref)
		}
		img, err := fromLayout(st, opts.Platform)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
		img.close = st.close
		return img, nil
	case err == nil:
		return openTarball(ref, opts)
	case looksLikePath(ref):
		return nil, fmt.Errorf("%s: %w", ref, fs.ErrNotExist)
	}
	return fromRemote(ctx, ref, opts)
}

func openTarball(p string, opts Options) (*image, error) {
	if err := notCompressed(p); err != nil {
		return nil, err
	}
	st, err := openTarStore(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	var img *image
	switch {
	case st.has("manifest.json"):
		img, err = fromDockerSave(st)
	case st.has("index.json"):
		img, err = fromLayout(st, opts.Platform)
	default:
		err = errors.New("not a docker save tarball or an OCI image layout: it has no manifest.json or index.json")
	}
	if err != nil {
		st.close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	img.close = st.close
	return img, nil
}

// notCompressed refuses a compressed tarball with a clear message: image
// tarballs are read at random, which needs them uncompressed.
func notCompressed(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if n >= 2 && head[0] == 0x1f && head[1] == 0x8b || n == 4 && string(head) == "\x28\xb5\x2f\xfd" {
		return fmt.Errorf("%s is compressed: decompress it first (gunzip, zstd -d); vigil reads image tarballs in place", p)
	}
	return nil
}

// IsLocal reports whether Open reads ref from the file system (a tarball
// or an OCI layout, there or expected there) rather than from a registry.
func IsLocal(ref string) bool {
	_, err := os.Stat(ref)
	return err == nil || looksLikePath(ref)
}

// looksLikePath tells a file name from an image reference.
func looksLikePath(ref string) bool {
	lower := strings.ToLower(ref)
	return strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, ".") ||
		strings.HasSuffix(lower, ".tar") || strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz")
}

// ConfigDigest is the digest of the image's config blob.
func (s *Source) ConfigDigest() string { return s.img.configDigest }

// Close releases the image's files.
func (s *Source) Close() error {
	if s.img.close == nil {
		return nil
	}
	return s.img.close()
}

// Chunks yields the image config's chunks, then those of every layer;
// layers are read in parallel. A layer that cannot be read, or has a media
// type vigil does not know, is a skip naming its digest. With
// Options.Only, only that place is read; a layer the image does not have
// is an error matching fs.ErrNotExist.
func (s *Source) Chunks(ctx context.Context, yield func(vigil.Chunk) error) error {
	only := s.opts.Only
	for _, c := range s.config.chunks() {
		if only != nil && c.Origin.Path != only.Path {
			continue
		}
		if err := yield(c); err != nil {
			return err
		}
	}
	layers := make([]int, 0, len(s.img.layers))
	for i, l := range s.img.layers {
		if only == nil || !inConfig(only.Path) && l.digest == only.Layer {
			layers = append(layers, i)
		}
	}
	if only != nil && !inConfig(only.Path) && len(layers) == 0 {
		return fmt.Errorf("layer %s is not in %s: %w", only.Layer, s.ref, fs.ErrNotExist)
	}
	workers := s.opts.Layers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(min(workers, len(layers)), 1)
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	out := make(chan vigil.Chunk, 64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				s.changes[i] = s.scanLayer(inner, i, func(c vigil.Chunk) bool {
					select {
					case out <- c:
						return true
					case <-inner.Done():
						return false
					}
				})
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, i := range layers {
			select {
			case jobs <- i:
			case <-inner.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	if err := files.YieldAll(out, yield, cancel); err != nil {
		return err
	}
	return ctx.Err()
}

// bufferedSize is the read buffer in front of a layer's decompressor.
const bufferedSize = 256 << 10

func newBuffered(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, bufferedSize) }
