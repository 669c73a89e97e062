package files

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// collect returns the chunks read emits, described so they compare.
func collect(t *testing.T, read func(emit func(vigil.Chunk) bool) error) []string {
	t.Helper()
	var out []string
	err := read(func(c vigil.Chunk) bool {
		if c.Skip != nil {
			out = append(out, "skip "+string(c.Skip.Reason))
			return true
		}
		out = append(out, fmt.Sprintf("%d+%d %q", c.Origin.Line, c.Overlap, c.Data))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameAsReadChunks checks that ReadChunksBytes emits what ReadChunks does
// for the same content.
func sameAsReadChunks(t *testing.T, name string, data []byte, chunkSize int) {
	t.Helper()
	o := vigil.Origin{Path: name}
	want := collect(t, func(emit func(vigil.Chunk) bool) error {
		return ReadChunks(bytes.NewReader(data), int64(len(data)), o, chunkSize, emit)
	})
	got := collect(t, func(emit func(vigil.Chunk) bool) error {
		return ReadChunksBytes(bytes.Clone(data), o, chunkSize, emit)
	})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s: ReadChunksBytes\n%s\nReadChunks\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadChunksBytes(t *testing.T) {
	const size = 16 << 10
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"app.env", []byte("PORT=8080\nKEY=value\n")},
		{"empty.txt", nil},
		{"exact.txt", bytes.Repeat([]byte("0123456789abcde\n"), size/16)},
		{"long.txt", bytes.Repeat([]byte("0123456789abcde\n"), size/4)}, // several chunks
		{"blob.dat", []byte("\x00\x01\x02binary\x00\x00")},
		{"photo.png", []byte("text, but the name says image")},
		{"wide.txt", append([]byte{0xff, 0xfe}, []byte("K\x00E\x00Y\x00\n\x00")...)}, // UTF-16
	} {
		sameAsReadChunks(t, tc.name, tc.data, size)
	}
	// Plain text in one chunk is not copied.
	data := []byte("PORT=8080\n")
	ReadChunksBytes(data, vigil.Origin{Path: "a.env"}, size, func(c vigil.Chunk) bool {
		if &c.Data[0] != &data[0] {
			t.Errorf("the chunk is a copy of the data")
		}
		return true
	})
}

func FuzzReadChunksBytes(f *testing.F) {
	f.Add([]byte("a\nb\nc"), "x.txt")
	f.Add([]byte{0xfe, 0xff, 0, 'a'}, "y")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		sameAsReadChunks(t, name, data, 16<<10)
	})
}
