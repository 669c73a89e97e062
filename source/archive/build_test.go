package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/vigilsec/vigil"
)

// file is one entry of a test archive.
type file struct {
	name string
	body string
	// link makes a symbolic link to this target.
	link string
	// store writes a zip member without compression.
	store bool
}

func makeZip(t testing.TB, entries ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.store {
			h.Method = zip.Store
		}
		body := e.body
		if e.link != "" {
			h.SetMode(fs.ModeSymlink | 0o777)
			body = e.link
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeTar(t testing.TB, entries ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if e.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.link == "" {
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

func gz(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zst(t testing.TB, data []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(data, nil)
}

// result is what reading an archive yielded: the text of each member, and
// the skips.
type result struct {
	text  map[string]string
	skips map[string]vigil.Skip
	// origins is the Source of each member's chunks.
	origins map[string]string
}

func (r result) skip(t *testing.T, path string, reason vigil.SkipReason, msg string) {
	t.Helper()
	s, ok := r.skips[path]
	if !ok {
		t.Fatalf("no skip for %s; skips: %v", path, r.skips)
	}
	if s.Reason != reason {
		t.Errorf("%s: reason %s, want %s (%v)", path, s.Reason, reason, s.Err)
	}
	if msg != "" && (s.Err == nil || !strings.Contains(s.Err.Error(), msg)) {
		t.Errorf("%s: error %v, want it to say %q", path, s.Err, msg)
	}
}

// read reads data as an archive named name with r, through an io.Reader
// only (stream) or an io.ReaderAt too.
func read(t testing.TB, r *Reader, name string, data []byte, stream bool) result {
	t.Helper()
	res := result{text: map[string]string{}, skips: map[string]vigil.Skip{}, origins: map[string]string{}}
	var src io.Reader = bytes.NewReader(data)
	if stream {
		src = io.MultiReader(src) // hides ReaderAt
	}
	r.Read(context.Background(), src, int64(len(data)), vigil.Origin{Source: "file", Path: name}, func(c vigil.Chunk) bool {
		if c.Skip != nil {
			res.skips[c.Skip.Origin.Path] = *c.Skip
			return true
		}
		res.text[c.Origin.Path] += string(c.Data[c.Overlap:])
		res.origins[c.Origin.Path] = c.Origin.Source
		return true
	})
	return res
}

// rawHeader writes a tar entry of type flag with body, which tar.Writer
// refuses to write for the special types.
func rawHeader(t testing.TB, flag byte, body string) []byte {
	t.Helper()
	b := makeTar(t, file{name: "raw", body: body})
	b[156] = flag
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b[:512] {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}
