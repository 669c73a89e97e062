package image

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/vigilsec/vigil"
)

// entry is a file of a test layer; a body of "" with dir set makes a
// directory, link a symbolic link.
type entry struct {
	name, body, link string
	dir              bool
}

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case e.dir:
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := io.WriteString(tw, e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func layerOf(t testing.TB, entries ...entry) v1.Layer {
	t.Helper()
	data := tarOf(t, entries...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// step is one history step of a test image; a nil layer makes an empty
// step (ENV, LABEL).
type step struct {
	createdBy string
	layer     v1.Layer
}

// buildImage makes an image from steps, with env and labels in its config.
func buildImage(t testing.TB, env []string, labels map[string]string, steps ...step) v1.Image {
	t.Helper()
	img := empty.Image
	var hist []v1.History
	var err error
	for _, s := range steps {
		hist = append(hist, v1.History{CreatedBy: s.createdBy, EmptyLayer: s.layer == nil})
		if s.layer == nil {
			continue
		}
		if img, err = mutate.Append(img, mutate.Addendum{Layer: s.layer}); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.History = hist
	cfg.Config.Env = env
	cfg.Config.Labels = labels
	cfg.OS, cfg.Architecture = "linux", "amd64"
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	return img
}

// saveTarball writes img as docker save does, and returns the file.
func saveTarball(t testing.TB, img v1.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference("vigil.test/app:1"), img); err != nil {
		t.Fatal(err)
	}
	return p
}

// layoutDir writes imgs to an OCI image layout, each with its platform.
func layoutDir(t testing.TB, imgs ...v1.Image) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range imgs {
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.AppendImage(img, layout.WithPlatform(v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture})); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tarDir archives a directory, as an OCI layout is shipped in a tarball.
func tarDir(t testing.TB, dir string) string {
	t.Helper()
	var entries []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		entries = append(entries, entry{name: filepath.ToSlash(rel), body: string(b)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := dir + ".tar"
	if err := os.WriteFile(p, tarOf(t, entries...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// scanned is what a scan of an image yielded.
type scanned struct {
	text   map[string]string // path → text
	origin map[string]vigil.Origin
	skips  []vigil.Skip
}

func scan(t testing.TB, s *Source) scanned {
	t.Helper()
	res := scanned{text: map[string]string{}, origin: map[string]vigil.Origin{}}
	err := s.Chunks(context.Background(), func(c vigil.Chunk) error {
		if c.Skip != nil {
			res.skips = append(res.skips, *c.Skip)
			return nil
		}
		key := c.Origin.Path
		if c.Origin.Layer != nil && c.Origin.Layer.Index >= 0 {
			key = strings.Join([]string{key, "@", string(rune('0' + c.Origin.Layer.Index))}, "")
		}
		res.text[key] += string(c.Data[c.Overlap:])
		res.origin[key] = c.Origin
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
