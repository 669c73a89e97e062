package files

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vigilsec/vigil"
)

// encode writes text in a Unicode encoding with its byte order mark.
func encode(t *testing.T, name, text string) []byte {
	t.Helper()
	var order binary.AppendByteOrder = binary.LittleEndian
	if strings.HasSuffix(name, "BE") {
		order = binary.BigEndian
	}
	runes := append([]rune{0xFEFF}, []rune(text)...)
	var b []byte
	switch name {
	case "UTF-16LE", "UTF-16BE":
		for _, u := range utf16.Encode(runes) {
			b = order.AppendUint16(b, u)
		}
	case "UTF-32LE", "UTF-32BE":
		for _, r := range runes {
			b = order.AppendUint32(b, uint32(r))
		}
	default:
		t.Fatalf("no encoder for %s", name)
	}
	return b
}

// readAll returns the text of an item's chunks, or its skip.
func readAll(t *testing.T, data []byte, chunkSize int) (string, *vigil.Skip) {
	t.Helper()
	var text strings.Builder
	var skip *vigil.Skip
	err := ReadChunks(bytes.NewReader(data), int64(len(data)), vigil.Origin{Path: "x.txt"}, chunkSize, func(c vigil.Chunk) bool {
		if c.Skip != nil {
			skip = c.Skip
			return false
		}
		text.Write(c.Data[c.Overlap:])
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return text.String(), skip
}

// TestByteOrderMarks: text whose byte order mark announces UTF-16 or
// UTF-32, in either byte order, is scanned as the text it holds, however
// long; an encoding vigil does not decode is skipped as unsupported (the
// scan is incomplete), never scanned as bytes that hide every secret.
func TestByteOrderMarks(t *testing.T) {
	const chunkSize = 16 << 10
	// Longer than 16 chunks: UTF-16 text was once cut there, silently.
	long := strings.Repeat("filler line, nothing to see\n", 20*chunkSize/28) + "password = \"é-and-more\"\n"
	for _, name := range []string{"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"} {
		for _, text := range []string{"key = \"x\"\r\nnon-ASCII: ça 😀\n", long} {
			got, skip := readAll(t, encode(t, name, text), chunkSize)
			if skip != nil || got != text {
				t.Errorf("%s, %d chars: skip %v, decoded %d bytes, want %d (equal: %v)", name, len(text), skip, len(got), len(text), got == text)
			}
		}
	}
	for _, tc := range []struct{ name, data string }{
		{"UTF-7", "+/v8-password = +ACI-hunter2+ACI-\n"},
		{"UTF-1", "\xf7\x64\x4ctext"},
		{"UTF-EBCDIC", "\xdd\x73\x66\x73\x97\x81\xa2\xa2"},
		{"SCSU", "\x0e\xfe\xfftext"},
		{"BOCU-1", "\xfb\xee\x28text"},
		{"GB18030", "\x84\x31\x95\x33password = 1\n"},
	} {
		_, skip := readAll(t, []byte(tc.data), chunkSize)
		if skip == nil || skip.Reason != vigil.SkipUnsupport || !skip.Reason.Incomplete() || !strings.Contains(skip.String(), tc.name) {
			t.Errorf("%s: skip %v, want an unsupported skip naming the encoding", tc.name, skip)
		}
	}
	// UTF-8's own mark is text as it is.
	if got, skip := readAll(t, []byte("\xef\xbb\xbfkey = 1\n"), chunkSize); skip != nil || got != "\xef\xbb\xbfkey = 1\n" {
		t.Errorf("UTF-8 with a mark: %q, %v", got, skip)
	}
}
