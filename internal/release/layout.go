// Package release lays out a vigil release the way .goreleaser.yaml does
// (archives named vigil_VERSION_OS_ARCH beside a checksums.txt) and serves
// release directories the way GitHub's release downloads do, so that
// scripts/install.sh and action.yml can be tested on loopback without the
// internet. Its tests also hold the release configuration to its promises.
package release

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// NameTemplate is .goreleaser.yaml's archive name_template; ArchiveName
// is its rendering, and a test holds the two together.
const NameTemplate = "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"

// ArchiveName is the file name goreleaser gives the archive of one
// platform for a tag (v0.1.0 → vigil_0.1.0_linux_amd64.tar.gz).
func ArchiveName(tag, goos, goarch string) string {
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return "vigil_" + strings.TrimPrefix(tag, "v") + "_" + goos + "_" + goarch + ext
}

// Member is one file of an archive.
type Member struct {
	Name    string
	Body    []byte
	Mode    os.FileMode
	Symlink string // when set, the member is a symbolic link to this
}

// WriteArchive writes the archive of one platform into dir, as
// ArchiveName names it, and returns its path.
func WriteArchive(dir, tag, goos, goarch string, members []Member) (string, error) {
	path := filepath.Join(dir, ArchiveName(tag, goos, goarch))
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	if goos == "windows" {
		err = writeZip(f, members)
	} else {
		err = writeTarGz(f, members)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("release: writing %s: %w", path, err)
	}
	return path, nil
}

func writeTarGz(w io.Writer, members []Member) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, m := range members {
		h := &tar.Header{Name: m.Name, Mode: int64(m.Mode.Perm()), Size: int64(len(m.Body)), Typeflag: tar.TypeReg}
		if m.Symlink != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, m.Symlink, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if m.Symlink == "" {
			if _, err := tw.Write(m.Body); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, members []Member) error {
	zw := zip.NewWriter(w)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.Name, Method: zip.Deflate}
		h.SetMode(m.Mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(m.Body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteChecksums writes dir/checksums.txt the way goreleaser does: one
// "sha256  name" line for every other file in dir, in name order.
func WriteChecksums(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	var lines []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "checksums.txt" {
			continue
		}
		sum, err := fileSHA256(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+e.Name()+"\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(strings.Join(lines, "")), 0o644); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("release: reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
