package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// store gives the files of a local image: a directory (an OCI image
// layout) or a tarball (docker save, or an OCI layout archived), read in
// place; nothing is extracted.
type store interface {
	// open opens the file at a slash path relative to the root.
	open(name string) (io.ReadCloser, error)
	// has reports whether the file exists.
	has(name string) bool
	close() error
}

// blobPath is where an OCI layout keeps the blob with digest h.
func blobPath(h v1.Hash) string {
	return path.Join("blobs", h.Algorithm, h.Hex)
}

// dirStore is an OCI image layout directory.
type dirStore struct{ root string }

func (d dirStore) open(name string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(d.root, filepath.FromSlash(name)))
}

func (d dirStore) has(name string) bool {
	_, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(name)))
	return err == nil
}

func (d dirStore) close() error { return nil }

// tarEntry is where a file's content sits in a tarball.
type tarEntry struct {
	offset, size int64
	link         string // target, for a symbolic or hard link
}

// tarStore is an image tarball, indexed once so that each file can be read
// at random.
type tarStore struct {
	f       *os.File
	entries map[string]tarEntry
}

// maxTarEntries bounds the index of an image tarball (which holds a few
// files per layer).
const maxTarEntries = 100_000

// openTarStore indexes the tarball at p.
func openTarStore(p string) (*tarStore, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	s := &tarStore{f: f, entries: map[string]tarEntry{}}
	pr := &posReader{f: f}
	tr := tar.NewReader(pr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			f.Close()
			return nil, fmt.Errorf("read tarball: %w", err)
		}
		if len(s.entries) >= maxTarEntries {
			f.Close()
			return nil, fmt.Errorf("read tarball: more than %d entries: not an image tarball", maxTarEntries)
		}
		name := cleanName(hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeReg:
			s.entries[name] = tarEntry{offset: pr.pos, size: hdr.Size}
		case tar.TypeSymlink:
			s.entries[name] = tarEntry{link: path.Join(path.Dir(name), hdr.Linkname)}
		case tar.TypeLink:
			s.entries[name] = tarEntry{link: hdr.Linkname}
		}
	}
	return s, nil
}

// cleanName makes a tar member name comparable: no leading "./" or "/".
func cleanName(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

func (s *tarStore) lookup(name string) (tarEntry, bool) {
	name = cleanName(name)
	for range 16 { // links to links, within reason
		e, ok := s.entries[name]
		if !ok || e.link == "" {
			return e, ok
		}
		name = cleanName(e.link)
	}
	return tarEntry{}, false
}

func (s *tarStore) open(name string) (io.ReadCloser, error) {
	e, ok := s.lookup(name)
	if !ok {
		return nil, fmt.Errorf("%s: %w in the tarball", name, fs.ErrNotExist)
	}
	return io.NopCloser(io.NewSectionReader(s.f, e.offset, e.size)), nil
}

func (s *tarStore) has(name string) bool {
	_, ok := s.lookup(name)
	return ok
}

func (s *tarStore) close() error { return s.f.Close() }

// posReader tracks the offset of a file read by archive/tar, which reads
// headers without read-ahead and skips content with Seek.
type posReader struct {
	f   *os.File
	pos int64
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.pos += int64(n)
	return n, err
}

func (p *posReader) Seek(off int64, whence int) (int64, error) {
	n, err := p.f.Seek(off, whence)
	if err == nil {
		p.pos = n
	}
	return n, err
}
