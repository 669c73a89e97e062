package files

import (
	"bytes"
	"io"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// marked is a text encoding announced by a byte order mark at the start of
// an item.
type marked struct {
	// name is the encoding's name, for messages.
	name string
	// enc decodes the item, mark included, into UTF-8; nil when vigil
	// does not decode this encoding, and the item is skipped as
	// unsupported (the scan is incomplete) rather than scanned as bytes
	// that would hide every secret.
	enc encoding.Encoding
}

// byteOrderMark returns the encoding the byte order mark at the start of
// head announces. UTF-8's own mark announces nothing to decode. Marks that
// begin with another's (UTF-32LE's begins with UTF-16LE's) are tried
// first.
func byteOrderMark(head []byte) (marked, bool) {
	has := func(mark string) bool { return bytes.HasPrefix(head, []byte(mark)) }
	switch {
	case has("\xff\xfe\x00\x00"):
		return marked{"UTF-32LE", utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM)}, true
	case has("\x00\x00\xfe\xff"):
		return marked{"UTF-32BE", utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM)}, true
	case has("\xff\xfe"):
		return marked{"UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)}, true
	case has("\xfe\xff"):
		return marked{"UTF-16BE", unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)}, true
	case has("+/v8"), has("+/v9"), has("+/v+"), has("+/v/"):
		return marked{name: "UTF-7"}, true
	case has("\xf7\x64\x4c"):
		return marked{name: "UTF-1"}, true
	case has("\xdd\x73\x66\x73"):
		return marked{name: "UTF-EBCDIC"}, true
	case has("\x0e\xfe\xff"):
		return marked{name: "SCSU"}, true
	case has("\xfb\xee\x28"):
		return marked{name: "BOCU-1"}, true
	case has("\x84\x31\x95\x33"):
		return marked{name: "GB18030"}, true
	}
	return marked{}, false
}

// decoding returns a reader of the UTF-8 text of an item in encoding m,
// whose first bytes, head, have been read from r already. It decodes as it
// reads: the item is never held whole.
func (m marked) decoding(head []byte, r io.Reader) io.Reader {
	return transform.NewReader(io.MultiReader(bytes.NewReader(head), r), m.enc.NewDecoder())
}
