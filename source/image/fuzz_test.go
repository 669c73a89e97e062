package image

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/archive"
	"github.com/vigilsec/vigil/source/files"
)

// FuzzOpenTarball feeds malformed image tarballs to Open and Chunks: an
// error is fine, a panic or a hang is not.
func FuzzOpenTarball(f *testing.F) {
	img := simpleImage(f)
	for _, p := range []string{saveTarball(f, img), tarDir(f, layoutDir(f, img))} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add(tarOf(f, entry{name: "manifest.json", body: `[{"Config":"c.json","Layers":["../../../etc/passwd","l"]}]`}, entry{name: "c.json", body: "{}"}, entry{name: "l", link: "l"}))
	f.Add(tarOf(f, entry{name: "index.json", body: `{"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}]}`}))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fuzz.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), p, Options{Files: files.Options{Archives: archive.New(archive.Options{MaxSize: 1 << 20})}})
		if err != nil {
			return
		}
		defer s.Close()
		var found []vigil.Finding
		s.Chunks(context.Background(), func(c vigil.Chunk) error {
			o := c.Origin
			if c.Skip != nil {
				o = c.Skip.Origin
			}
			found = append(found, vigil.Finding{Origin: o})
			return nil
		})
		for i := range found {
			s.Annotate(&found[i]) // after Chunks, as documented
		}
	})
}

// FuzzLayer feeds malformed layer blobs (gzip, zstd or plain tar) to the
// layer reader.
func FuzzLayer(f *testing.F) {
	layer := tarOf(f,
		entry{name: "a/.wh..wh..opq"}, entry{name: "a/.wh.b"}, entry{name: "../../x", body: "x"},
		entry{name: "l", link: "/etc/passwd"}, entry{name: "d/", dir: true}, entry{name: "f.txt", body: "text\n"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(layer)
	zw.Close()
	f.Add(layer)
	f.Add(gz.Bytes())
	f.Add(gz.Bytes()[:gz.Len()/2])
	f.Add([]byte("\x28\xb5\x2f\xfd\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Source{
			img: &image{layers: []layerRef{{digest: "sha256:fuzz", mediaType: string(types.OCILayer),
				open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}},
			layers:  []*vigil.Layer{{Digest: "sha256:fuzz"}},
			changes: make([]*changes, 1),
			opts:    Options{Files: files.Options{Archives: archive.New(archive.Options{MaxSize: 1 << 20})}},
		}
		s.changes[0] = s.scanLayer(context.Background(), 0, func(c vigil.Chunk) bool {
			if c.Skip != nil && c.Skip.Origin.Layer == nil {
				t.Fatalf("skip without its layer: %v", c.Skip)
			}
			return true
		})
		f := vigil.Finding{Origin: vigil.Origin{Path: "f.txt", Layer: s.layers[0]}}
		s.Annotate(&f)
	})
}
