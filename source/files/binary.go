package files

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// sniffSize is how much of a file decides whether it is text.
const sniffSize = 8 << 10

// isBinary reports whether the head of a file looks like binary data: a NUL
// byte (outside UTF-16 text), or many control characters. A few bytes that
// are not valid UTF-8 do not make a file binary.
func isBinary(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	if utf16BOM(head) != 0 {
		return false
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	ctrl := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != '\b' && b != 0x1b {
			ctrl++
		}
	}
	return ctrl*10 > len(head)
}

// utf16BOM returns 1 for a little-endian and 2 for a big-endian UTF-16 byte
// order mark, else 0.
func utf16BOM(b []byte) int {
	switch {
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return 1
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return 2
	}
	return 0
}

// decodeUTF16 turns UTF-16 text with a BOM into UTF-8.
func decodeUTF16(b []byte) []byte {
	order := utf16BOM(b)
	b = b[2:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		if order == 1 {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	out := make([]byte, 0, len(u))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// skipByExtension reports whether a file's name marks it as a media or
// compiled format that never holds a text secret in the clear, so it can be
// skipped without being opened.
func skipByExtension(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tif", ".tiff", ".psd",
		".mp3", ".mp4", ".mov", ".avi", ".mkv", ".wav", ".flac", ".ogg", ".webm",
		".woff", ".woff2", ".ttf", ".otf", ".eot", ".pdf",
		".so", ".dylib", ".dll", ".exe", ".o", ".a", ".class", ".pyc", ".wasm":
		return true
	}
	return false
}
