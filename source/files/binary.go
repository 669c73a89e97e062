package files

import (
	"bytes"
	"encoding/binary"
	"path"
	"strings"
)

// sniffSize is how much of a file decides whether it is text.
const sniffSize = 8 << 10

// isBinary reports whether the head of a file looks like binary data: a NUL
// byte, or many control characters (text with a byte order mark is not
// judged by its bytes: see byteOrderMark). A few bytes that
// are not valid UTF-8 do not make a file binary.
func isBinary(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	return controlBytes(head)*10 > len(head)
}

// controlBytes counts the control characters that do not occur in text
// (all below 0x20 but tab, newline, carriage return, form feed, vertical
// tab, backspace and escape). Eight bytes are classified at a time, with
// no branch per byte.
func controlBytes(b []byte) int {
	const ones = 0x0101010101010101
	ctrl := 0
	i := 0
	for i+8 <= len(b) {
		// Each byte of sum counts up to 31 words, so the eight fit in the
		// top byte of the product.
		var sum uint64
		for k := 0; k < 31 && i+8 <= len(b); k, i = k+1, i+8 {
			sum += controlMask(binary.LittleEndian.Uint64(b[i:])) >> 7
		}
		ctrl += int(sum * ones >> 56)
	}
	for _, c := range b[i:] {
		ctrl += int(textControl[c])
	}
	return ctrl
}

// controlMask sets the high bit of each byte of w that controlBytes counts.
// Adding (0x80 - n) to a byte's low seven bits sets its high bit exactly
// when they are n or more, and never carries into the next byte; or-ing in
// the byte itself puts bytes of 0x80 and up on the "or more" side (and
// and-not-ing it keeps them out of a range).
func controlMask(w uint64) uint64 {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	low := w & lows
	below20 := ^((low + 0x60*ones) | w)
	// backspace to carriage return: at least 0x08 and not at least 0x0e
	spacing := (low + 0x78*ones) &^ (low + 0x72*ones) &^ w
	esc := w ^ 0x1b*ones
	notEsc := (esc&lows + lows) | esc
	return below20 &^ spacing & notEsc & highs
}

// textControl is 1 for the bytes controlBytes counts.
var textControl = [256]uint8{
	0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 14: 1, 15: 1,
	16: 1, 17: 1, 18: 1, 19: 1, 20: 1, 21: 1, 22: 1, 23: 1, 24: 1, 25: 1, 26: 1, 28: 1, 29: 1, 30: 1, 31: 1,
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
