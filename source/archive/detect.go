package archive

import (
	"bytes"
	"path"
	"strings"
)

// kind is an archive format.
type kind int

const (
	kindNone kind = iota
	kindZip
	kindTar
	kindGzip
	kindBzip2
	kindZstd
)

// zipExts are extensions of formats that are zip files.
var zipExts = map[string]bool{
	".zip": true, ".jar": true, ".war": true, ".ear": true, ".whl": true, ".apk": true,
	".aar": true, ".egg": true, ".nupkg": true, ".xpi": true, ".vsix": true, ".ipa": true,
}

// detect names the format of an item from its magic number or, failing
// that, its name. A name alone makes a zip (a jar may start with a shell
// stub); other formats also need head to look binary, so that a text file
// with a misleading name is scanned as text.
func detect(name string, head []byte) kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return kindGzip
	case len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && string(head[4:10]) == "1AY&SY":
		return kindBzip2
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return kindZstd
	case isTar(head):
		return kindTar
	case len(head) == 0:
		return kindNone
	}
	base := strings.ToLower(path.Base(lastMember(name)))
	ext := path.Ext(base)
	if zipExts[ext] {
		return kindZip
	}
	if bytes.IndexByte(head, 0) < 0 {
		return kindNone
	}
	switch ext {
	case ".tar":
		return kindTar
	case ".gz", ".tgz":
		return kindGzip
	case ".bz2", ".tbz", ".tbz2":
		return kindBzip2
	case ".zst", ".tzst":
		return kindZstd
	}
	return kindNone
}

// isTar reports whether head starts with a POSIX or GNU tar header.
func isTar(head []byte) bool {
	return len(head) >= 263 && string(head[257:262]) == "ustar"
}

// lastMember is the part of an "a.zip!b.jar!c" path after its last "!".
func lastMember(name string) string {
	if i := strings.LastIndexByte(name, '!'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// innerName names the one file inside a compressed file: the name its
// gzip header gives, or the compressed file's name less its extension.
func innerName(outer string, k kind, headerName string) string {
	if headerName != "" {
		return path.Base(SafeName(headerName))
	}
	base := path.Base(lastMember(outer))
	lower := strings.ToLower(base)
	for _, s := range []struct{ ext, repl string }{
		{".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".tzst", ".tar"},
		{".gz", ""}, {".bz2", ""}, {".zst", ""},
	} {
		if strings.HasSuffix(lower, s.ext) {
			base = base[:len(base)-len(s.ext)] + s.repl
			break
		}
	}
	if base == "" || base == "." || base == "/" {
		return "content"
	}
	return base
}

// SafeName turns a member's name as an archive gives it into a relative
// slash path that cannot climb out of the archive: backslashes become
// slashes, a leading "/" or drive goes, "." elements go, and ".." elements
// become "_". Nothing is extracted, but reports (and whoever reads them)
// see only contained paths. Other characters are kept as they are: JSON
// reports show names exactly, and text output escapes control characters
// and bidirectional marks (see report.Location).
func SafeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if len(name) >= 2 && name[1] == ':' {
		name = name[2:] // C:/…
	}
	var out []string
	for _, part := range strings.Split(name, "/") {
		switch part {
		case "", ".":
			continue
		case "..":
			part = "_"
		}
		out = append(out, part)
	}
	if len(out) == 0 {
		return "_"
	}
	return strings.Join(out, "/")
}
